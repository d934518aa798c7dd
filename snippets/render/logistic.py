"""Part III, logistic regression, as Markdown: statements and worked solutions."""

from __future__ import annotations

from snippets import derivations, exam
from snippets.exam import LogisticStepProblem
from snippets.logistic import descent_step, sigmoid
from snippets.render import markdown as md
from snippets.render.latex import aligned, display, num, signed, vector
from snippets.render.logistic_figures import sigmoid_figure
from snippets.render.svg import figure_svg

PART = 3


def derivative_of_sigmoid() -> str:
    """Solution of (a): the checked derivation of σ'(z) and of the identity it uses."""
    main = derivations.sigmoid_derivative()
    identity = derivations.one_minus_sigmoid()
    body = (
        "Differentiate the fraction, then split the square into two factors:\n\n"
        f"{aligned(main)}\n\n"
        "The second factor is $1 - \\sigma(z)$ because\n\n"
        f"{aligned(identity)}\n\n"
        "Every line above is parsed and checked by sympy when the site is built: a wrong step "
        "stops the build.\n\n"
        f"{md.rubric(PART, 'a')}\n\n"
        f"{md.provenance(derivations.sigmoid_derivative, derivations.one_minus_sigmoid)}"
    )
    return md.solution(body, md.question(PART, "a").points)


def derivative_of_bce() -> str:
    """Solution of (b): the checked derivation of ∂CE/∂z = p - t."""
    derivation = derivations.bce_derivative()
    body = (
        "For one sample with target $t$ and prediction $p = \\sigma(z)$, binary cross-entropy is\n\n"
        + display(r"\mathrm{CE}(p) = -t \log p - (1 - t) \log(1 - p)")
        + "\n\nBy the chain rule, with $\\partial p / \\partial z = p(1 - p)$ from (a):\n\n"
        f"{aligned(derivation)}\n\n"
        "The gradient is the prediction error: it vanishes exactly when $p = t$.\n\n"
        f"{md.rubric(PART, 'b')}\n\n"
        f"{md.provenance(derivations.bce_derivative)}"
    )
    return md.solution(body, md.question(PART, "b").points)


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


def sigmoid_plot(problem: LogisticStepProblem, p_read: float | None = None) -> str:
    """The sigmoid plot with the problem's score marked, as inline SVG."""
    z = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate).z
    fig = sigmoid_figure(z, p_read)
    alt = (
        f"The sigmoid curve from z = -6 to 6, rising from 0 to 1 through 0.5 at z = 0. "
        f"The point on the curve at z = {num(z)} is marked, with dashed guides to both axes."
    )
    return figure_svg(fig, name="sigmoid-plot", alt=alt)


def step_solution(problem: LogisticStepProblem, p_read: float | None) -> str:
    """Solution of (c): score, plot reading, gradient and update, exact and as in the exam."""
    k = problem.asked_weight
    i = k - 1
    x, w, b, t, alpha = problem.x, problem.w, problem.b, problem.t, problem.learning_rate
    exact = descent_step(x, w, b, t, alpha)
    terms = " + ".join(f"{signed(xi)} \\cdot {signed(wi)}" for xi, wi in zip(x, w, strict=True))
    rows = []
    path = [("exact", exact)]
    if p_read is not None:
        path.insert(0, ("read off the plot", descent_step(x, w, b, t, alpha, p=p_read)))
    lines = [
        "**Score.** The score is the weighted sum of the features plus the bias:",
        display(rf"z = x^\top w + b = {terms} + {signed(b)} = {num(exact.z)}"),
    ]
    for name, step in path:
        p_tex = num(step.p) if name == "read off the plot" else f"{step.p:.6f}"
        rows.append(
            (name, f"{p_tex}", num(round(step.grad_z, 6)), num(round(step.grad_w[i], 6)),
             num(round(step.w_new[i], 6)))
        )  # fmt: skip
        lines += [
            f"**Path: {name}.** $p = \\sigma({num(exact.z)}) "
            + ("\\approx" if name != "exact" else "=")
            + f" {p_tex}$.",
            display(
                rf"\frac{{\partial \mathrm{{CE}}}}{{\partial z}} = p - t = {p_tex} - {signed(t)} = {num(round(step.grad_z, 6))}"
                r" \qquad "
                rf"\frac{{\partial \mathrm{{CE}}}}{{\partial w_{k}}} = \frac{{\partial \mathrm{{CE}}}}{{\partial z}} \cdot x_{k} = {signed(round(step.grad_z, 6))} \cdot {signed(x[i])} = {num(round(step.grad_w[i], 6))}"
            ),
            display(
                rf"w_{k} \leftarrow w_{k} - \alpha \frac{{\partial \mathrm{{CE}}}}{{\partial w_{k}}} = {num(w[i])} - {num(alpha)} \cdot {signed(round(step.grad_w[i], 6))} = {num(round(step.w_new[i], 6))}"
            ),
        ]
    lines.append(md.table(("path", "p", "∂CE/∂z", f"∂CE/∂w{k}", f"new w{k}"), rows, align="lrrrr"))
    if p_read is not None:
        read = path[0][1]
        gap = abs(read.w_new[i] - exact.w_new[i])
        lines.append(
            f"Reading the plot costs little: the two paths differ by {abs(read.p - exact.p):.4f} "
            f"in $p$ and by {gap:.5f} in the new $w_{k}$, which rounds to the same "
            f"{num(round(exact.w_new[i], 2))} at two decimals."
        )
    lines += [md.rubric(PART, "c"), md.provenance(descent_step, sigmoid)]
    return md.solution("\n\n".join(lines), md.question(PART, "c").points)


def exam_step_solution() -> str:
    """Solution of (c) for the exam's own numbers, with its plot reading."""
    return step_solution(exam.LOGISTIC_STEP, exam.PLOT_READING_P)
