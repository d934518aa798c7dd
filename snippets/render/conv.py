"""Part V 1 (a convolution layer) and Short Question 8 (its output size) as Markdown.

Each exam question is one unit (`md.unit`): statement and figure, then, closed, the answer,
the worked solution and its evidence. The `*_solution(problem)` functions give the worked
solution of any problem of the same kind, for the practice pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from snippets import conv, exam
from snippets.conv import Cell, Term
from snippets.exam import ConvProblem, ConvShapeProblem
from snippets.render import markdown as md
from snippets.render.conv_figures import (
    conv_forward_figure,
    grad_kernel_figure,
    position_name,
)
from snippets.render.conv_tex import (
    aligned_sums,
    exact_matrix,
    factored_matrix,
    forward_sum,
    kernel_matrix,
    products,
    uniform_weight,
    worked_sum,
)
from snippets.render.latex import display
from snippets.render.numbers import exact, matrix, num, over, rounded, significant
from snippets.render.svg import figure_svg

PART = 5
# Not from the exam: any positive rate shows that the kernel moves; this one keeps it readable.
ILLUSTRATIVE_LEARNING_RATE = 0.01

# The functions each answer is computed by, cited under "How we know".
FORWARD_EVIDENCE = (conv.conv2d, conv.forward_terms, conv.receptive_field)
GRADIENT_EVIDENCE = (conv.conv2d_backward, conv.grad_kernel_terms, conv.kernel_position_inputs)
POOLING_EVIDENCE = (conv.avg_pool2d, conv.sgd_step, conv.conv2d)
SHAPE_EVIDENCE = (conv.output_size, conv.conv_output_shape)


def group_heading(number: str) -> str:
    """The heading of problem 1 or 2 of Part V with its points, e.g. '## 1 · … · 8 points'."""
    items = [q for q in exam.part(PART).questions if q.label.split()[0] == number]
    if not items:
        raise ValueError(f"number must name a problem of Part V, got {number!r}")
    titles = {"1": "A convolution layer", "2": "Residual blocks"}
    return f"## {number} · {titles[number]} · {md.points(sum(q.points for q in items))}"


# --- the setting that 1 (a) to (c) share ---------------------------------------------------


def statement(problem: ConvProblem) -> str:
    """The layer of problem 1: kernel, input, stride, padding (restated)."""
    f = len(problem.kernel)
    return (
        f"A convolutional layer has a single {f} × {f} kernel $W$ and no bias. It is applied to "
        f"a single-channel input $X$ with stride $s = {problem.stride}$ and zero padding "
        f"$p = {problem.padding}$, giving the output $Z = X * W$ (a cross-correlation: the "
        "kernel is not flipped):\n\n"
        + display(rf"W = {kernel_matrix(problem.kernel)}")
        + "\n\n"
        + display(rf"X = {exact_matrix(problem.input)}")
    )


def gradient_statement(problem: ConvProblem) -> str:
    """The upstream gradient of problem 1, restated."""
    return (
        "The gradient of the loss with respect to the output arrives from the layer above:\n\n"
        + display(rf"\nabla Z = {exact_matrix(problem.grad_output)}")
    )


def setting(problem: ConvProblem) -> str:
    """What 1 (a) to (c) share: the layer, its input and the gradient arriving at its output."""
    return statement(problem) + "\n\n" + gradient_statement(problem)


def figure_note() -> str:
    """What of problem 1 the exam's text keeps and what the guide computes (`exam.RECONSTRUCTED`,
    as the exam sheet says it too)."""
    return f"*Rebuilt figure.* {exam.RECONSTRUCTED[PART, '1 (a)']}"


def exam_setting() -> str:
    """The exam's problem 1 as the chapter states it above 1 (a): the setting, then the note."""
    return setting(exam.CONV) + "\n\n" + figure_note()


def _cell_names(cells: Sequence[Cell], shape: tuple[int, int]) -> str:
    return ", ".join(position_name(c, shape) for c in cells)


def forward_question_figure(problem: ConvProblem) -> str:
    """The question's figure of (a): X and Z with the asked cells as '?'."""
    fig = conv_forward_figure(
        problem.input, problem.kernel, problem.stride, problem.padding, problem.asked_output,
        reveal=False,
    )  # fmt: skip
    shape = conv.conv2d(problem.input, problem.kernel, problem.stride, problem.padding).shape
    alt = (
        "Input X and output Z of the convolution; the cells of Z asked for "
        f"({_cell_names(problem.asked_output, shape)}) are marked with question marks."
    )
    return figure_svg(fig, name="conv-forward-question", alt=alt, cap_at_text_size=True)


def gradient_question_figure(problem: ConvProblem) -> str:
    """The question's figure of (b): the upstream gradient and dW with the asked cells as '?'."""
    fig = grad_kernel_figure(
        problem.input, len(problem.kernel), problem.grad_output, problem.stride,
        problem.padding, problem.asked_grad_kernel, reveal=False,
    )  # fmt: skip
    alt = (
        "The upstream gradient of Z and the kernel gradient, with the asked cells of the "
        f"kernel gradient ({_cell_names(problem.asked_grad_kernel, np.shape(problem.kernel))}) "
        "marked with question marks."
    )
    return figure_svg(fig, name="conv-gradient-question", alt=alt, cap_at_text_size=True)


# --- what the worked solutions share -------------------------------------------------------


def _in_padding(cell: Cell, problem: ConvProblem) -> bool:
    """Whether a cell of the padded input is one of the padding's zeros."""
    p, (h, w) = problem.padding, np.shape(problem.input)
    return not (p <= cell[0] < p + h and p <= cell[1] < p + w)


def _padding_sentence(problem: ConvProblem) -> str:
    p = problem.padding
    if p == 0:
        return "There is no padding."
    return (
        f"Pad $X$ with {p} ring{'s' if p != 1 else ''} of zeros; a product with a zero of the "
        "padding adds nothing, so the sums below leave those out."
    )


def _grid_name(cell: Cell, shape: tuple[int, int]) -> str:
    """The exam's name of a cell of a 3 × 3 grid ("top middle"); other grids go by index alone."""
    return position_name(cell, shape) if shape == (3, 3) else ""


# --- (a) the forward pass ------------------------------------------------------------------


def _inside_terms(terms: Sequence[Term], problem: ConvProblem) -> list[Term]:
    return [t for t in terms if not _in_padding(t.input_cell, problem)]


def forward_answer(problem: ConvProblem) -> str:
    """What earns (a)'s points: the value of each asked output cell."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    z = conv.conv2d(x, kernel, s, p)
    weight = uniform_weight(kernel)
    lines = []
    for cell in problem.asked_output:
        value = exact(z[cell])
        if weight is not None:  # the exam writes the sum over 9: 27/9 = 3
            terms = _inside_terms(conv.forward_terms(x, kernel, cell, s, p), problem)
            total = sum((exact(t.value) for t in terms), Fraction(0))
            tex = f"{over(total, weight.denominator)} = {num(value)}"
        else:
            tex = num(value)
        name = position_name(cell, z.shape)
        lines.append(rf"- {name}: $Z_{{{cell[0]},{cell[1]}}} = {tex}$")
    return "\n".join(lines)


def forward_worked(problem: ConvProblem) -> str:
    """Every step of (a): the rule, every asked cell's sum, the whole output and the figure."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    z = conv.conv2d(x, kernel, s, p)
    f, weight = len(kernel), uniform_weight(kernel)
    rows = []
    for cell in problem.asked_output:
        terms = _inside_terms(conv.forward_terms(x, kernel, cell, s, p), problem)
        lhs = rf"Z_{{{cell[0]},{cell[1]}}}"
        rows.append(worked_sum(lhs, _grid_name(cell, z.shape), *forward_sum(terms, weight)))
    how = (
        f"Every weight is ${num(weight)}$, so each cell is ${num(weight)}$ times the sum of the "
        "inputs in its window:"
        if weight is not None
        else "For the asked cells, weight times input, row by row through the window:"
    )
    fig = conv_forward_figure(x, kernel, s, p, problem.asked_output)
    alt = (
        (f"The input zero-padded to {len(x) + 2 * p} × {len(x[0]) + 2 * p}" if p else "The input")
        + ", with the "
        f"{f} × {f} window of each asked output cell outlined in its own colour and line style, "
        "the kernel, and the output Z with the asked cells in the same styles."
    )
    return "\n\n".join(
        [
            f"{_padding_sentence(problem)} Output cell $(i, j)$ (counting from 0 at the top left) "
            f"reads the {f} × {f} window whose top left corner is padded cell $(s\\,i, s\\,j)$ "
            "and sums it weighted by $W$:",
            display(r"Z_{i,j} = \sum_{a,b} X^{\mathrm{pad}}_{s i + a,\; s j + b} \, W_{a,b}"),
            how,
            aligned_sums(rows),
            "The whole output, asked cells framed:",
            display(f"Z = {exact_matrix(z, boxed=problem.asked_output)}"),
            figure_svg(fig, name="conv-forward-solution", alt=alt),
        ]
    )


def forward_solution(problem: ConvProblem) -> str:
    """The worked solution of an (a)-like problem and its evidence, closed (practice pages)."""
    body = forward_worked(problem) + "\n\n" + md.how_we_know(*FORWARD_EVIDENCE)
    return md.solution(body, md.question(PART, "1 (a)").points)


def exam_forward_solution() -> str:
    """Question 1 (a) with the exam's numbers, as one unit."""
    problem = exam.CONV
    return md.unit(
        PART,
        "1 (a)",
        figure=forward_question_figure(problem),
        answer=forward_answer(problem),
        worked=forward_worked(problem),
        evidence=FORWARD_EVIDENCE,
        level=3,
    )


# --- (b) the kernel gradient ---------------------------------------------------------------


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _zero_gradient_sentence(cells: Sequence[Cell], shape: tuple[int, int]) -> str:
    """Why the products under a zero upstream gradient are 0, naming those output cells."""
    if not cells:
        return ""
    one = len(cells) == 1
    if shape == (3, 3):  # the exam's names: "the centre output"
        where = (
            f"the {_listed([position_name(c, shape) for c in cells])} output{'' if one else 's'}"
        )
    else:
        where = f"output{'' if one else 's'} " + _listed([f"$({i}, {j})$" for i, j in cells])
    return (
        f"The input{'' if one else 's'} met in the window{'' if one else 's'} of {where} "
        f"add{'s' if one else ''} nothing, because the upstream gradient there is 0. "
    )


def gradient_answer(problem: ConvProblem) -> str:
    """What earns (b)'s points: the value of each asked cell of the kernel gradient."""
    grads = conv.conv2d_backward(
        problem.input, problem.kernel, problem.grad_output, problem.stride, problem.padding
    )
    shape = np.shape(problem.kernel)
    return "\n".join(
        rf"- {position_name(cell, shape)}: $\nabla W_{{{cell[0]},{cell[1]}}} = "
        rf"{num(exact(grads.grad_kernel[cell]))}$"
        for cell in problem.asked_grad_kernel
    )


def gradient_worked(problem: ConvProblem) -> str:
    """Every step of (b): the rule, every asked cell of dW as its products, the whole dW."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    f = len(kernel)
    grads = conv.conv2d_backward(x, kernel, problem.grad_output, s, p)
    out_shape = np.shape(problem.grad_output)
    rows, zero_cells = [], set()
    for cell in problem.asked_grad_kernel:
        terms = _inside_terms(
            conv.grad_kernel_terms(x, f, problem.grad_output, cell, s, p), problem
        )
        zero_cells |= {t.output_cell for t in terms if t.factor == 0}
        lhs = rf"\nabla W_{{{cell[0]},{cell[1]}}}"
        rows.append(worked_sum(lhs, _grid_name(cell, (f, f)), *products(terms)))
    fig = grad_kernel_figure(x, f, problem.grad_output, s, p, problem.asked_grad_kernel)
    alt = (
        "The upstream gradient and the kernel gradient with the asked cells highlighted; below, "
        "for each asked kernel position, the padded input with the inputs that meet that weight "
        "outlined, those under a zero upstream gradient crossed out."
    )
    padding = " (a zero of the padding adds nothing and is left out)" if p else ""
    return "\n\n".join(
        [
            "Weight $W_{a,b}$ multiplies one input in every window: $X^{\\mathrm{pad}}_{s i + "
            "a,\\; s j + b}$ in the window of output $(i, j)$. By the chain rule its gradient "
            "collects those inputs, each weighted by the gradient arriving at that output:",
            display(
                "\\begin{aligned}\n"
                r"\nabla W_{a,b} &= \sum_{i,j} \frac{\partial L}{\partial Z_{i,j}} "
                r"\frac{\partial Z_{i,j}}{\partial W_{a,b}} \\"
                "\n"
                r"&= \sum_{i,j} \nabla Z_{i,j} \, X^{\mathrm{pad}}_{s i + a,\; s j + b}"
                "\n\\end{aligned}"
            ),
            "For the asked positions, upstream gradient times input, one product per output "
            f"cell, row by row{padding}:",
            aligned_sums(rows),
            _zero_gradient_sentence(sorted(zero_cells), out_shape)
            + "The whole kernel gradient, asked cells framed:",
            display(
                rf"\nabla W = {exact_matrix(grads.grad_kernel, boxed=problem.asked_grad_kernel)}"
            ),
            figure_svg(fig, name="conv-gradient-solution", alt=alt),
        ]
    )


def _input_gradient_rule() -> str:
    return display(
        r"\nabla X^{\mathrm{pad}}_{s i + a,\; s j + b} \mathrel{+}= \nabla Z_{i,j} \, W_{a,b}"
    )


def _input_gradient(problem: ConvProblem) -> str:
    grads = conv.conv2d_backward(
        problem.input, problem.kernel, problem.grad_output, problem.stride, problem.padding
    )
    return display(rf"\nabla X = {factored_matrix(grads.grad_input)}")


_INPUT_GRADIENT_WHY = (
    "The same products, read the other way: every output cell sends its upstream gradient "
    "back to the inputs of its window, weighted by the kernel; what lands on the padding is "
    "dropped."
)


def gradient_solution(problem: ConvProblem) -> str:
    """The worked solution of a (b)-like problem, the input's gradient after it, and the
    evidence, closed (practice pages)."""
    body = "\n\n".join(
        [
            gradient_worked(problem),
            f"**Beyond the question: the input gradient.** {_INPUT_GRADIENT_WHY}",
            _input_gradient_rule(),
            _input_gradient(problem),
            md.how_we_know(*GRADIENT_EVIDENCE),
        ]
    )
    return md.solution(body, md.question(PART, "1 (b)").points)


def exam_gradient_solution() -> str:
    """Question 1 (b) with the exam's numbers, as one unit."""
    problem = exam.CONV
    return md.unit(
        PART,
        "1 (b)",
        figure=gradient_question_figure(problem),
        answer=gradient_answer(problem),
        worked=gradient_worked(problem),
        evidence=GRADIENT_EVIDENCE,
        level=3,
    )


def input_gradient_section(problem: ConvProblem = exam.CONV) -> str:
    """Beyond the exam: the gradient the layer passes down to its input, as an exercise."""
    body = (
        "Question 1 (b) asks for the gradient of the kernel. Backpropagation also needs the "
        f"gradient of the layer's input, to pass it on to the layer below. {_INPUT_GRADIENT_WHY}"
        "\n\n" + _input_gradient_rule() + "\n\nFind $\\nabla X$ for the layer of problem 1."
    )
    answer = _input_gradient(problem) + "\n\n" + md.how_we_know(conv.conv2d_backward)
    return md.section("Beyond the exam: the gradient of the input", body, answer=answer)


# --- (c) convolution against average pooling -----------------------------------------------


def pooling_answer(problem: ConvProblem) -> list[str]:
    """What earns (c)'s two points: the same function now, not the same layer."""
    f, s, p = len(problem.kernel), problem.stride, problem.padding
    weight = exact(problem.kernel[0][0])
    return [
        f"The same function, for now: every weight is ${num(weight)}$, so the layer averages "
        f"each {f} × {f} window, exactly as {f} × {f} average pooling with stride {s} and "
        f"padding {p} does.",
        "Not the same layer: the kernel is a trainable parameter and changes during training, "
        "while pooling has no parameters; once trained, the two compute different functions.",
    ]


def pooling_worked(problem: ConvProblem, learning_rate: float = ILLUSTRATIVE_LEARNING_RATE) -> str:
    """Every step of (c): the same function now (computed), not the same layer once trained."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    f = len(kernel)
    z = conv.conv2d(x, kernel, s, p)
    pooled = conv.avg_pool2d(x, f, s, p)
    gap = float(np.max(np.abs(z - pooled)))
    same = "exactly" if gap == 0 else f"up to rounding (largest difference ${significant(gap, 2)}$)"
    weight = exact(kernel[0][0])
    grads = conv.conv2d_backward(x, kernel, problem.grad_output, s, p)
    trained = conv.sgd_step(kernel, grads.grad_kernel, learning_rate)
    z_trained = conv.conv2d(x, trained, s, p)
    moved = float(np.max(np.abs(z_trained - pooled)))
    window = r"X^{\mathrm{pad}}_{s i + a,\; s j + b}"
    return "\n\n".join(
        [
            f"**Now: the same function.** {f} × {f} average pooling with stride {s} and zero "
            f"padding {p} averages each window, padding zeros included, so it divides every "
            f"window's sum by ${f}^2 = {f * f}$. Every weight of $W$ is ${num(weight)}$, so the "
            "convolution computes exactly that:",
            display(
                "\\begin{aligned}\n"
                rf"Z_{{i,j}} &= \sum_{{a,b}} {num(weight)} \, {window} \\"
                "\n"
                rf"&= \frac{{1}}{{{f * f}}} \sum_{{a,b}} {window} \\"
                "\n"
                r"&= \operatorname{avgpool}(X)_{i,j}"
                "\n\\end{aligned}"
            ),
            f"Computed both ways on $X$, the outputs agree {same}:",
            display(rf"\operatorname{{avgpool}}(X) = {exact_matrix(pooled)} = Z"),
            "**Once training starts: not the same layer.** The kernel is a parameter, so "
            "gradient descent changes it. Pooling has no parameters: it passes the gradient on "
            "to its input and has nothing to update. One SGD step with the kernel gradient of "
            f"(b) and a learning rate of ${num(learning_rate)}$ (our choice, for illustration; "
            "entries rounded to 4 decimals):",
            display(
                "\\begin{aligned}\n"
                rf"W' &= W - {num(learning_rate)} \, \nabla W \\"
                "\n"
                rf"&= {matrix(trained, 4)}"
                "\n\\end{aligned}"
            ),
            "The layer now computes a different function, while average pooling still returns "
            f"the output above (the largest difference is {rounded(moved, 4)}):",
            display(
                "\\begin{aligned}\n"
                rf"X * W' &= {matrix(z_trained, 4)} \\"
                "\n"
                r"&\neq \operatorname{avgpool}(X)"
                "\n\\end{aligned}"
            ),
            "**Training against test time.** Neither layer has a test-time mode of its own, "
            "unlike dropout, which drops units only in training: at test time both are fixed "
            "functions of their input, and the convolution computes whatever its kernel has "
            "been trained into. With several input channels the two would differ even before "
            "training: a convolution sums over the channels into one output channel, while "
            "average pooling keeps every channel.",
        ]
    )


def exam_pooling_solution() -> str:
    """Question 1 (c) with the exam's numbers, as one unit."""
    problem = exam.CONV
    return md.unit(
        PART,
        "1 (c)",
        answer=pooling_answer(problem),
        worked=pooling_worked(problem),
        evidence=POOLING_EVIDENCE,
        level=3,
    )


# --- Short Question 8: the output size of a convolution layer -------------------------------


def conv_shape_statement(problem: ConvShapeProblem) -> str:
    """Short Question 8 restated."""
    h, w, c = problem.input_shape
    return (
        f"A convolution layer has {problem.filters} filters of size {problem.kernel_size} × "
        f"{problem.kernel_size}, stride {problem.stride} and padding {problem.padding}. It is "
        f"applied to a feature map of {h} × {w} × {c} (height × width × channels). What shape "
        "does its output have?"
    )


def conv_shape_answer(problem: ConvShapeProblem) -> list[str]:
    """What earns the two points: the size along each axis, then the whole shape."""
    (h, w, _), f = problem.input_shape, problem.kernel_size
    s, p = problem.stride, problem.padding
    shape = conv.conv_output_shape(problem.input_shape, problem.filters, f, s, p)
    sizes = (
        rf"$\lfloor ({h} - {f} + 2 \cdot {p}) / {s} \rfloor + 1 = {shape[0]}$ per axis"
        if h == w
        else rf"height {shape[0]}, width {shape[1]}"
    )
    return [sizes, "$" + r" \times ".join(str(n) for n in shape) + "$"]


def conv_shape_worked(problem: ConvShapeProblem) -> str:
    """Every step of Short Question 8: the output-size formula per axis, then the depth."""
    (h, w, c), f = problem.input_shape, problem.kernel_size
    s, p, k = problem.stride, problem.padding, problem.filters
    size = conv.output_size(h, f, s, p)
    shape = conv.conv_output_shape(problem.input_shape, k, f, s, p)
    quotient = size - 1  # the floor of the fraction
    return "\n\n".join(
        [
            "Along each spatial axis, an input of size $n$, filter size $f$, stride $s$ and "
            "padding $p$ give",
            display(
                "\\begin{aligned}\n"
                r"n' &= \left\lfloor \frac{n - f + 2p}{s} \right\rfloor + 1 \\"
                "\n"
                rf"&= \left\lfloor \frac{{{h} - {f} + 2 \cdot {p}}}{{{s}}} \right\rfloor + 1"
                r" \\"
                "\n"
                rf"&= {quotient} + 1 = {size}"
                "\n\\end{aligned}"
            ),
            (
                f"Height and width are both {h}, so both become {size}."
                if h == w
                else f"Height {h} becomes {size}; width {w} becomes {shape[1]} by the same formula."
            )
            + f" Each filter spans all {c} input channels and produces one output channel, so "
            f"the depth is the number of filters, {k}:",
            display(r" \times ".join(str(n) for n in shape)),
        ]
    )


def conv_shape_solution(problem: ConvShapeProblem) -> str:
    """The worked solution of a question-8-like problem and its evidence, closed (practice)."""
    body = conv_shape_worked(problem) + "\n\n" + md.how_we_know(*SHAPE_EVIDENCE)
    return md.solution(body, md.question(2, "8").points)


def exam_conv_shape_solution() -> str:
    """Short Question 8 with the exam's numbers, as one unit (shown on the Part II page)."""
    problem = exam.CONV_SHAPE
    return md.unit(
        2,
        "8",
        statement=conv_shape_statement(problem),
        answer=conv_shape_answer(problem),
        worked=conv_shape_worked(problem),
        evidence=SHAPE_EVIDENCE,
    )
