"""Practice kind logistic-step: one gradient-descent step of logistic regression (Part III (c)).

Features and weights are one-decimal values in [-1, 1] (never 0), the bias one decimal in
[-0.5, 0.5], the target 0 or 1 and the learning rate 0.1 or 0.2. The score z = xᵀw + b then
has one decimal and lies in [-3, 3], where the plot is easy to read; σ(z) is read off the
plot to two decimals, as in the exam, and every later number terminates.
"""

from __future__ import annotations

from snippets import exam
from snippets.exam import LogisticStepProblem
from snippets.logistic import descent_step, sigmoid
from snippets.practice.asked import EXACT_TOLERANCE, Asked
from snippets.practice.seeds import attempts

KIND = "logistic-step"
TITLE = "Logistic step"
PART = 3  # the chapter with the exam's own instance
EXAM_QUESTION = "Part III (c)"
FEATURES = 3
TENTHS = tuple(range(-10, 0)) + tuple(range(1, 11))  # ±0.1 .. ±1.0, never 0
BIAS_TENTHS = tuple(range(-5, 6))
TARGETS = (0.0, 1.0)
LEARNING_RATES = (0.1, 0.2)
SCORE_TENTHS = (3, 30)  # 0.3 <= |z| <= 3: on the plot, away from its flat ends
# A value read off the plot (grid lines every 0.1) is within this of σ(z); so are p - t and
# (p - t) x_k, since |x_k| <= 1. The new weight moves by α |x_k| times the reading's error,
# at most 0.2 · 0.02 = 0.004, inside EXACT_TOLERANCE.
PLOT_TOLERANCE = 0.02


def plot_reading(problem: LogisticStepProblem) -> float:
    """σ(z) as read off the plot: two decimals (σ(1.1) = 0.7503 reads as 0.75 in the exam)."""
    z = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate).z
    return round(float(sigmoid(z)), 2)


def _reading_keeps_the_answer(problem: LogisticStepProblem) -> bool:
    """Whether the plot reading gives the new weight the exact path gives, at two decimals."""
    args = (problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
    i = problem.asked_weight - 1
    exact = descent_step(*args).w_new[i]
    read = descent_step(*args, p=plot_reading(problem)).w_new[i]
    return round(exact, 2) == round(read, 2)


def generate(seed: int) -> LogisticStepProblem:
    """The logistic-step problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        x = [draw.choice(TENTHS) for _ in range(FEATURES)]
        w = [draw.choice(TENTHS) for _ in range(FEATURES)]
        b = draw.choice(BIAS_TENTHS)
        t = draw.choice(TARGETS)
        learning_rate = draw.choice(LEARNING_RATES)
        asked_weight = draw.index(FEATURES) + 1
        z_hundredths = sum(xi * wi for xi, wi in zip(x, w, strict=True)) + 10 * b
        if z_hundredths % 10 or not SCORE_TENTHS[0] <= abs(z_hundredths // 10) <= SCORE_TENTHS[1]:
            continue  # the score must have one decimal and lie where the plot reads well
        problem = LogisticStepProblem(
            x=tuple(v / 10 for v in x),
            w=tuple(v / 10 for v in w),
            b=b / 10,
            t=t,
            learning_rate=learning_rate,
            asked_weight=asked_weight,
        )
        if _reading_keeps_the_answer(problem):
            return problem
    raise AssertionError("unreachable")  # pragma: no cover


def exam_problem() -> LogisticStepProblem:
    """The exam's own instance, Part III (c)."""
    return exam.LOGISTIC_STEP


def problem_data(problem: LogisticStepProblem) -> dict[str, object]:
    """The JSON "problem": x, w, b, t, learning_rate."""
    return {
        "x": list(problem.x),
        "w": list(problem.w),
        "b": problem.b,
        "t": problem.t,
        "learning_rate": problem.learning_rate,
    }


def answer_data(problem: LogisticStepProblem) -> dict[str, object]:
    """The JSON "answer" with the exact σ(z) (not a plot reading): z, p, gradients, new values."""
    step = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
    return {
        "z": step.z,
        "p": step.p,
        "grad_w": list(step.grad_w),
        "grad_b": step.grad_b,
        "w_new": list(step.w_new),
        "b_new": step.b_new,
    }


def asked(problem: LogisticStepProblem) -> tuple[Asked, ...]:
    """The exam's steps for the asked weight w_k: z, p, ∂CE/∂z, ∂CE/∂w_k, the new w_k."""
    step = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
    k = problem.asked_weight
    return (
        Asked("z", "score z", step.z, EXACT_TOLERANCE),
        Asked("p", "p = σ(z)", step.p, PLOT_TOLERANCE),
        Asked("grad-z", "∂CE/∂z", step.grad_z, PLOT_TOLERANCE),
        Asked(f"grad-w{k}", f"∂CE/∂w_{{{k}}}", step.grad_w[k - 1], PLOT_TOLERANCE),
        Asked(f"new-w{k}", f"new w_{{{k}}}", step.w_new[k - 1], EXACT_TOLERANCE),
    )
