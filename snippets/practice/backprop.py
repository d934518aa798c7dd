"""Practice kind backprop: the exam's 2-2-2 ReLU network (Part IV), forward, loss, one update.

Inputs are whole numbers (±1, ±2), weights multiples of 0.5 up to ±1.5, biases and targets
multiples of 0.5, and the learning rate 0.1, as in the exam; every unit, the loss and every
gradient then terminate within five decimals. A problem is never degenerate: no hidden sum is
exactly 0 (where ReLU has no derivative), at least one hidden unit is active, the loss is not
0, and the asked first-layer weight gets a non-zero gradient.
"""

from __future__ import annotations

from snippets import backprop as network
from snippets import exam
from snippets.backprop import BIAS_NAMES, WEIGHT_NAMES
from snippets.exam import BackpropProblem
from snippets.practice.asked import EXACT_TOLERANCE, Asked
from snippets.practice.seeds import attempts

KIND = "backprop"
TITLE = "Backpropagation"
PART = 4  # the chapter with the exam's own instance
EXAM_QUESTION = "Part IV"
INPUTS = (-2.0, -1.0, 1.0, 2.0)
WEIGHTS = (-1.5, -1.0, -0.5, 0.5, 1.0, 1.5)
BIASES = (-1.0, -0.5, 0.0, 0.5, 1.0)
TARGETS = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5)
LEARNING_RATE = 0.1
# The exam asks for a weight of the first layer: its gradient runs through ReLU.
ASKABLE = WEIGHT_NAMES[:4]


def _degenerate(problem: BackpropProblem) -> bool:
    args = (problem.inputs, problem.weights, problem.biases, problem.targets)
    f = network.forward(*args)
    return f.h1 == 0 or f.h2 == 0 or max(f.h1, f.h2) < 0 or f.loss == 0


def generate(seed: int) -> BackpropProblem:
    """The backprop problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        problem = BackpropProblem(
            inputs=(draw.choice(INPUTS), draw.choice(INPUTS)),
            weights={name: draw.choice(WEIGHTS) for name in WEIGHT_NAMES},
            biases={name: draw.choice(BIASES) for name in BIAS_NAMES},
            targets=(draw.choice(TARGETS), draw.choice(TARGETS)),
            learning_rate=LEARNING_RATE,
        )
        if _degenerate(problem):
            continue
        grads = network.backward(problem.inputs, problem.weights, problem.biases, problem.targets)
        live = [name for name in ASKABLE if grads.grad(name) != 0]
        if not live:
            continue
        return BackpropProblem(
            inputs=problem.inputs,
            weights=problem.weights,
            biases=problem.biases,
            targets=problem.targets,
            learning_rate=problem.learning_rate,
            asked=draw.choice(live),
        )
    raise AssertionError("unreachable")  # pragma: no cover


def exam_problem() -> BackpropProblem:
    """The exam's own instance, Part IV."""
    return exam.BACKPROP


def problem_data(problem: BackpropProblem) -> dict[str, object]:
    """The JSON "problem": inputs, weights, biases, targets, learning_rate (the exam's names)."""
    return {
        "inputs": list(problem.inputs),
        "weights": {name: problem.weights[name] for name in WEIGHT_NAMES},
        "biases": {name: problem.biases[name] for name in BIAS_NAMES},
        "targets": list(problem.targets),
        "learning_rate": problem.learning_rate,
    }


def answer_data(problem: BackpropProblem) -> dict[str, object]:
    """The JSON "answer": hidden, outputs, loss, grads and updated values of every parameter."""
    s = network.solve(problem)
    f = s.forward
    return {
        "hidden": [f.h1, f.h2, f.h3, f.h4],
        "outputs": [f.o1, f.o2],
        "loss": f.loss,
        "grads": {name: s.backward.grad(name) for name in network.PARAMETER_NAMES},
        "updated": {name: s.updated.value(name) for name in network.PARAMETER_NAMES},
    }


def asked(problem: BackpropProblem) -> tuple[Asked, ...]:
    """(a) h1 .. h4, o1, o2; (b) the loss; (c) the asked weight's gradient and new value."""
    s = network.solve(problem)
    f, name = s.forward, s.asked
    units = [
        Asked(unit, f"{unit[0]}_{{{unit[1]}}}", getattr(f, unit), EXACT_TOLERANCE)
        for unit in ("h1", "h2", "h3", "h4", "o1", "o2")
    ]
    index = name[1:]
    return (
        *units,
        Asked("loss", "loss L", f.loss, EXACT_TOLERANCE),
        Asked(f"grad-{name}", f"∂L/∂w_{{{index}}}", s.backward.grad(name), EXACT_TOLERANCE),
        Asked(f"new-{name}", f"new w_{{{index}}}", s.updated.value(name), EXACT_TOLERANCE),
    )
