"""Part III, logistic regression, as Markdown: each sub-question as one unit (md.unit)."""

from __future__ import annotations

from snippets import derivations, exam
from snippets.exam import LogisticStepProblem
from snippets.logistic import LogisticStep, descent_step, sigmoid
from snippets.render import markdown as md
from snippets.render.latex import aligned, display
from snippets.render.logistic_figures import sigmoid_figure
from snippets.render.numbers import num, rounded, signed, vector
from snippets.render.svg import figure_svg

PART = 3
DCE_DZ = r"\frac{\partial \mathrm{CE}}{\partial z}"


# --- (a) the derivative of the sigmoid --------------------------------------------------------


def sigmoid_derivative_answer() -> list[str]:
    """What earns (a)'s three points: the derivative, the two factors, 1 - σ(z)."""
    main = derivations.sigmoid_derivative()
    identity = derivations.one_minus_sigmoid()
    steps = main.steps
    return [
        rf"$\frac{{\partial \sigma(z)}}{{\partial z}} = {steps[1].tex}$",
        rf"$= {steps[2].tex} = {steps[3].tex}$",
        rf"$1 - \sigma(z) = {identity.steps[-1].tex}$",
    ]


def derivative_of_sigmoid() -> str:
    """Question (a): the checked derivation of σ'(z) and of the identity it uses."""
    worked = (
        "Differentiate the fraction, then split the square into two factors:\n\n"
        f"{aligned(derivations.sigmoid_derivative())}\n\n"
        "The second factor is $1 - \\sigma(z)$ because\n\n"
        f"{aligned(derivations.one_minus_sigmoid())}\n\n"
        "Every line above is parsed and checked by sympy when the site is built: a wrong step "
        "stops the build."
    )
    return md.unit(
        PART,
        "a",
        answer=sigmoid_derivative_answer(),
        worked=worked,
        evidence=(derivations.sigmoid_derivative, derivations.one_minus_sigmoid),
    )


# --- (b) the derivative of binary cross-entropy -----------------------------------------------


def bce_derivative_answer() -> list[str]:
    """What earns (b)'s three points: ∂CE/∂p, the chain rule, the rearrangement to p - t."""
    in_p = derivations.bce_derivative_wrt_p()
    steps = derivations.bce_derivative().steps
    return [
        rf"$\frac{{\partial \mathrm{{CE}}}}{{\partial p}} = {in_p.steps[-1].tex}$",
        rf"${DCE_DZ} = \frac{{\partial \mathrm{{CE}}}}{{\partial p}} \cdot p(1 - p) = "
        rf"{steps[1].tex}$",
        rf"$= {steps[2].tex} = {steps[-1].tex}$",
    ]


def derivative_of_bce() -> str:
    """Question (b): the checked derivation of ∂CE/∂z = p - t."""
    worked = (
        "For one sample with target $t$ and prediction $p = \\sigma(z)$, binary cross-entropy is\n\n"
        + display(r"\mathrm{CE}(p) = -t \log p - (1 - t) \log(1 - p)")
        + "\n\nIts derivative in $p$:\n\n"
        + aligned(derivations.bce_derivative_wrt_p())
        + "\n\nBy the chain rule, with $\\partial p / \\partial z = p(1 - p)$ from (a):\n\n"
        f"{aligned(derivations.bce_derivative())}\n\n"
        "The gradient is the prediction error: it vanishes exactly when $p = t$."
    )
    return md.unit(
        PART,
        "b",
        answer=bce_derivative_answer(),
        worked=worked,
        evidence=(derivations.bce_derivative_wrt_p, derivations.bce_derivative),
    )


# --- (c) one step of gradient descent -----------------------------------------------------------


def step_statement(problem: LogisticStepProblem) -> str:
    """The restated question (c) with its numbers."""
    k = problem.asked_weight
    target = "a picture of a dog" if problem.t == 1 else "a picture that shows no dog"
    return (
        f"The classifier is trained on a single sample, {target} ($t = {num(problem.t)}$), "
        f"with features $x = {vector(problem.x)}$. The parameters are currently "
        f"$w = {vector(problem.w)}$ and $b = {num(problem.b)}$. Take one step of gradient "
        f"descent on the binary cross-entropy with learning rate $\\alpha = {num(problem.learning_rate)}$ "
        f"and give the new value of $w_{k}$ (weights are numbered from 1). As in the exam, "
        "read the value of the sigmoid off the plot below."
    )


def sigmoid_plot(problem: LogisticStepProblem | None = None, p_read: float | None = None) -> str:
    """The sigmoid plot as inline SVG. With a problem, its score is marked (and the reading,
    if given): that is a solution's figure. Without, nothing is marked: the question's."""
    if problem is None:
        fig = sigmoid_figure()
        alt = (
            "The sigmoid curve from z = -6 to 6, rising from 0 to 1 through 0.5 at z = 0, "
            "on a grid of 0.1 in p and 1 in z."
        )
        return figure_svg(fig, name="sigmoid-plot", alt=alt)
    z = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate).z
    fig = sigmoid_figure(z, p_read)
    alt = (
        f"The sigmoid curve from z = -6 to 6, rising from 0 to 1 through 0.5 at z = 0. "
        f"The point on the curve at z = {num(z)} is marked, with dashed guides to both axes."
    )
    return figure_svg(fig, name="sigmoid-plot-read", alt=alt)


def step_answer(problem: LogisticStepProblem, p_read: float | None) -> list[str]:
    """What earns (c)'s points, one line per item: score, reading, ∂CE/∂z, ∂CE/∂w_k, new w_k."""
    k = problem.asked_weight
    i = k - 1
    step = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate, p=p_read)
    exact = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
    p_tex = (
        rf"p = \sigma({num(exact.z)}) \approx {num(p_read)}"
        if p_read is not None
        else rf"p = \sigma({num(exact.z)}) = {exact.p:.6f}"
    )
    return [
        rf"$z = x^\top w + b = {num(exact.z)}$",
        f"${p_tex}$" + (" (read off the plot)" if p_read is not None else ""),
        rf"${DCE_DZ} = p - t = {rounded(step.grad_z, 6)}$",
        rf"$\frac{{\partial \mathrm{{CE}}}}{{\partial w_{k}}} = {DCE_DZ} \cdot x_{k} = "
        rf"{rounded(step.grad_w[i], 6)}$",
        rf"$w_{k} \leftarrow {num(problem.w[i])} - {num(problem.learning_rate)} \cdot "
        rf"{signed(round(step.grad_w[i], 6))} = {rounded(step.w_new[i], 6)}$",
    ]


def step_worked(problem: LogisticStepProblem, p_read: float | None) -> str:
    """Every step of (c): score, plot reading, gradient and update, read and exact."""
    k = problem.asked_weight
    i = k - 1
    x, w, b, t, alpha = problem.x, problem.w, problem.b, problem.t, problem.learning_rate
    exact = descent_step(x, w, b, t, alpha)
    terms = " + ".join(f"{signed(xi)} \\cdot {signed(wi)}" for xi, wi in zip(x, w, strict=True))
    path: list[tuple[str, LogisticStep]] = [("exact", exact)]
    if p_read is not None:
        path.insert(0, ("read off the plot", descent_step(x, w, b, t, alpha, p=p_read)))
    lines = [
        "**Score.** The score is the weighted sum of the features plus the bias:",
        display(rf"z = x^\top w + b = {terms} + {signed(b)} = {num(exact.z)}"),
        sigmoid_plot(problem, p_read),
    ]
    rows = []
    for name, step in path:
        p_tex = num(step.p) if name == "read off the plot" else f"{step.p:.6f}"
        relation = "=" if name == "exact" else r"\approx"
        rows.append(
            (
                name,
                p_tex,
                rounded(step.grad_z, 6),
                rounded(step.grad_w[i], 6),
                rounded(step.w_new[i], 6),
            )
        )
        lines += [
            f"**Path: {name}.** $p = \\sigma({num(exact.z)}) {relation} {p_tex}$.",
            display(rf"{DCE_DZ} = p - t = {p_tex} - {signed(t)} = {rounded(step.grad_z, 6)}"),
            display(
                rf"\frac{{\partial \mathrm{{CE}}}}{{\partial w_{k}}} = {DCE_DZ} \cdot x_{k}"
                rf" = {signed(round(step.grad_z, 6))} \cdot {signed(x[i])}"
                rf" = {rounded(step.grad_w[i], 6)}"
            ),
            display(
                rf"w_{k} \leftarrow w_{k} - \alpha \frac{{\partial \mathrm{{CE}}}}{{\partial w_{k}}}"
                rf" = {num(w[i])} - {num(alpha)} \cdot {signed(round(step.grad_w[i], 6))}"
                rf" = {rounded(step.w_new[i], 6)}"
            ),
        ]
    lines.append(md.table(("path", "p", "∂CE/∂z", f"∂CE/∂w{k}", f"new w{k}"), rows, align="lrrrr"))
    if p_read is not None:
        read = path[0][1]
        gap = abs(read.w_new[i] - exact.w_new[i])
        lines.append(
            f"Reading the plot costs little: the two paths differ by {abs(read.p - exact.p):.4f} "
            f"in $p$ and by {gap:.5f} in the new $w_{k}$, which rounds to the same "
            f"{rounded(exact.w_new[i], 2)} at two decimals."
        )
    return "\n\n".join(lines)


def step_solution(problem: LogisticStepProblem, p_read: float | None) -> str:
    """The worked solution of a (c)-like problem and its evidence, closed (practice pages)."""
    body = step_worked(problem, p_read) + "\n\n" + md.how_we_know(descent_step, sigmoid)
    return md.solution(body, md.question(PART, "c").points)


def exam_step_solution() -> str:
    """Question (c) with the exam's numbers and its plot reading, as one unit."""
    problem, p_read = exam.LOGISTIC_STEP, exam.PLOT_READING_P
    return md.unit(
        PART,
        "c",
        statement=step_statement(problem),
        figure=sigmoid_plot(),
        answer=step_answer(problem, p_read),
        worked=step_worked(problem, p_read),
        evidence=(descent_step, sigmoid),
    )
