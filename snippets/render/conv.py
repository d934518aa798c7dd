"""Part V 1 (a convolution layer) and Short Question 8 (its output size) as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from snippets import conv, exam
from snippets.conv import Cell, Term
from snippets.exam import ConvProblem, ConvShapeProblem
from snippets.render import markdown as md
from snippets.render.conv_figures import conv_forward_figure, grad_kernel_figure, position_name
from snippets.render.latex import display, num, signed
from snippets.render.svg import figure_svg

PART = 5
# Not from the exam: any positive rate shows that the kernel moves; this one keeps it readable.
ILLUSTRATIVE_LEARNING_RATE = 0.01
_MAX_DENOMINATOR = 1000  # the exam's weights are ninths
_EXACT_ATOL = 1e-9


def exact(value: float) -> Fraction:
    """The small fraction a float stands for (0.111… -> 1/9); raises if there is none."""
    fraction = Fraction(value).limit_denominator(_MAX_DENOMINATOR)
    if abs(float(fraction) - value) > _EXACT_ATOL:
        raise ValueError(f"value {value!r} is not a fraction with a small denominator")
    return fraction


def _matrix(values: object, boxed: Sequence[Cell] = (), hidden: Sequence[Cell] = ()) -> str:
    """A bmatrix of exact entries; `boxed` entries framed, `hidden` ones shown as ?."""
    rows = []
    for i, row in enumerate(np.asarray(values, dtype=float)):
        cells = []
        for j, value in enumerate(row):
            tex = "?" if (i, j) in hidden else num(exact(value))
            cells.append(rf"\boxed{{{tex}}}" if (i, j) in boxed else tex)
        rows.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _kernel_matrix(kernel: object) -> str:
    """The kernel, a common weight written once in front: 1/9 times a matrix of ones."""
    values = np.asarray(kernel, dtype=float)
    weights = {exact(v) for v in values.flat}
    if len(weights) != 1:
        return _matrix(values)
    return rf"{num(weights.pop())} \cdot {_matrix(np.ones_like(values))}"


def _over(numerator: Fraction, denominator: int) -> str:
    """numerator / denominator unreduced, as the exam writes 27/9, with the sign in front."""
    sign = "-" if numerator < 0 else ""
    return rf"{sign}\tfrac{{{num(abs(numerator))}}}{{{denominator}}}"


def group_heading(number: str) -> str:
    """The heading of problem 1 or 2 of Part V with its points, e.g. '## 1 · … · 8 points'."""
    items = [q for q in exam.part(PART).questions if q.label.split()[0] == number]
    if not items:
        raise ValueError(f"number must name a problem of Part V, got {number!r}")
    titles = {"1": "A convolution layer", "2": "Residual blocks"}
    return f"## {number} · {titles[number]} · {md.points(sum(q.points for q in items))}"


# --- the statement -------------------------------------------------------------------------


def statement(problem: ConvProblem) -> str:
    """The setting of problem 1: kernel, input, stride, padding (restated)."""
    f = len(problem.kernel)
    return (
        f"A convolutional layer has a single {f} × {f} kernel $W$ and no bias. It is applied to "
        f"a single-channel input $X$ with stride $s = {problem.stride}$ and zero padding "
        f"$p = {problem.padding}$, giving the output $Z = X * W$ (a cross-correlation, as in "
        "every framework):\n\n"
        + display(rf"W = {_kernel_matrix(problem.kernel)} \qquad X = {_matrix(problem.input)}")
    )


def _cell_names(cells: Sequence[Cell], shape: tuple[int, int]) -> str:
    return ", ".join(position_name(c, shape) for c in cells)


def forward_question_figure(problem: ConvProblem) -> str:
    """The question's figure of (a): X, W and Z with the asked cells as '?'."""
    fig = conv_forward_figure(
        problem.input, problem.kernel, problem.stride, problem.padding, problem.asked_output,
        reveal=False,
    )  # fmt: skip
    shape = conv.conv2d(problem.input, problem.kernel, problem.stride, problem.padding).shape
    alt = (
        "Input X, kernel W and output Z of the convolution; the cells of Z asked for "
        f"({_cell_names(problem.asked_output, shape)}) are marked with question marks."
    )
    return figure_svg(fig, name="conv-forward-question", alt=alt)


def gradient_question_figure(problem: ConvProblem) -> str:
    """The question's figure of (b): the upstream gradient and dW with the asked cells as '?'."""
    fig = grad_kernel_figure(
        problem.input, len(problem.kernel), problem.grad_output, problem.stride,
        problem.padding, problem.asked_grad_kernel, reveal=False,
    )  # fmt: skip
    alt = "The upstream gradient of Z and the kernel gradient, with the asked cells of the kernel gradient marked with question marks."
    return figure_svg(fig, name="conv-gradient-question", alt=alt)


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


def _lines(rows: Sequence[tuple[str, str]]) -> str:
    """An aligned display: one line per asked cell, named where the grid has names."""
    body = " \\\\\n".join(rf"\text{{{name}}}: \; {tex}" if name else tex for name, tex in rows)
    return display("\\begin{aligned}\n" + body + "\n\\end{aligned}")


# --- (a) the forward pass ------------------------------------------------------------------


def _uniform_weight(kernel: object) -> Fraction | None:
    """The common weight 1/n of an averaging kernel (the exam's 1/9), else None."""
    weights = {exact(v) for v in np.asarray(kernel, dtype=float).flat}
    if len(weights) == 1 and (w := weights.pop()).numerator == 1 and w.denominator > 1:
        return w
    return None


def _products(terms: Sequence[Term]) -> str:
    """Factor times value for each term, then the total ('0' for no term)."""
    total = sum((exact(t.factor) * exact(t.value) for t in terms), Fraction(0))
    if not terms:
        return "0"
    listed = " + ".join(rf"{signed(exact(t.factor))} \cdot {signed(exact(t.value))}" for t in terms)
    return rf"{listed} = {num(total)}"


def _forward_sum(terms: Sequence[Term], weight: Fraction | None) -> str:
    """Z[i, j] from its terms; a common weight 1/n factored out, the sum over n."""
    if weight is None or not terms:
        return _products(terms)
    values = [exact(t.value) for t in terms]
    total = sum(values, Fraction(0))
    listed = " + ".join(signed(v) if k else num(v) for k, v in enumerate(values))
    return rf"{num(weight)} \cdot ({listed}) = {_over(total, weight.denominator)} = {num(total * weight)}"


def forward_solution(problem: ConvProblem) -> str:
    """Solution of 1 (a): every asked cell's sum, the whole output and the figure."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    z = conv.conv2d(x, kernel, s, p)
    f, weight = len(kernel), _uniform_weight(kernel)
    rows = []
    for cell in problem.asked_output:
        terms = [
            t for t in conv.forward_terms(x, kernel, cell, s, p)
            if not _in_padding(t.input_cell, problem)
        ]  # fmt: skip
        rows.append(
            (
                _grid_name(cell, z.shape),
                rf"Z_{{{cell[0]},{cell[1]}}} &= {_forward_sum(terms, weight)}",
            )
        )
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
    body = [
        f"{_padding_sentence(problem)} Output cell $(i, j)$ (counting from 0 at the top left) "
        f"reads the {f} × {f} window whose top left corner is padded cell $(s\\,i, s\\,j)$ and "
        "sums it weighted by $W$:",
        display(r"Z_{i,j} = \sum_{a,b} X^{\mathrm{pad}}_{s i + a,\; s j + b} \, W_{a,b}"),
        how,
        _lines(rows),
        "The whole output, asked cells framed:",
        display(f"Z = {_matrix(z, boxed=problem.asked_output)}"),
        figure_svg(fig, name="conv-forward-solution", alt=alt),
        md.rubric(PART, "1 (a)") if problem == exam.CONV else "",
        md.provenance(conv.conv2d, conv.forward_terms, conv.receptive_field),
    ]
    return md.solution("\n\n".join(b for b in body if b), md.question(PART, "1 (a)").points)


def exam_forward_solution() -> str:
    return forward_solution(exam.CONV)


# --- (b) the kernel gradient ---------------------------------------------------------------


def gradient_statement(problem: ConvProblem) -> str:
    """The upstream gradient of (b), restated."""
    return (
        "The gradient of the loss with respect to the output arrives from the layer above:\n\n"
        + display(rf"\nabla Z = {_matrix(problem.grad_output)}")
    )


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


def gradient_solution(problem: ConvProblem) -> str:
    """Solution of 1 (b): every asked cell of dW as its products, the whole dW, then dX."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    f = len(kernel)
    grads = conv.conv2d_backward(x, kernel, problem.grad_output, s, p)
    out_shape = np.shape(problem.grad_output)
    rows, zero_cells = [], set()
    for cell in problem.asked_grad_kernel:
        terms = [
            t for t in conv.grad_kernel_terms(x, f, problem.grad_output, cell, s, p)
            if not _in_padding(t.input_cell, problem)
        ]  # fmt: skip
        zero_cells |= {t.output_cell for t in terms if t.factor == 0}
        rows.append(
            (
                _grid_name(cell, (f, f)),
                rf"\nabla W_{{{cell[0]},{cell[1]}}} &= {_products(terms)}",
            )
        )
    fig = grad_kernel_figure(x, f, problem.grad_output, s, p, problem.asked_grad_kernel)
    alt = (
        "The upstream gradient and the kernel gradient with the asked cells highlighted; below, "
        "for each asked kernel position, the padded input with the inputs that meet that weight "
        "outlined, those under a zero upstream gradient crossed out."
    )
    padding = " (a zero of the padding adds nothing and is left out)" if p else ""
    body = [
        "Weight $W_{a,b}$ multiplies one input in every window: $X^{\\mathrm{pad}}_{s i + a,\\; "
        "s j + b}$ in the window of output $(i, j)$. By the chain rule its gradient collects "
        "those inputs, each weighted by the gradient arriving at that output:",
        display(
            r"\nabla W_{a,b} = \sum_{i,j} \frac{\partial L}{\partial Z_{i,j}} "
            r"\frac{\partial Z_{i,j}}{\partial W_{a,b}} = \sum_{i,j} \nabla Z_{i,j} \, "
            r"X^{\mathrm{pad}}_{s i + a,\; s j + b}"
        ),
        "For the asked positions, upstream gradient times input, one product per output cell, "
        f"row by row{padding}:",
        _lines(rows),
        _zero_gradient_sentence(sorted(zero_cells), out_shape)
        + "The whole kernel gradient, asked cells framed:",
        display(rf"\nabla W = {_matrix(grads.grad_kernel, boxed=problem.asked_grad_kernel)}"),
        figure_svg(fig, name="conv-gradient-solution", alt=alt),
        "**Beyond the question: the input gradient.** The same products, read the other way: "
        "every output cell sends its upstream gradient back to the inputs of its window, "
        "weighted by the kernel; what lands on the padding is dropped.",
        display(
            r"\nabla X^{\mathrm{pad}}_{s i + a,\; s j + b} \mathrel{+}= \nabla Z_{i,j} \, W_{a,b}"
            rf"\qquad \nabla X = {_matrix(grads.grad_input)}"
        ),
        md.rubric(PART, "1 (b)") if problem == exam.CONV else "",
        md.provenance(conv.conv2d_backward, conv.grad_kernel_terms, conv.kernel_position_inputs),
    ]
    return md.solution("\n\n".join(b for b in body if b), md.question(PART, "1 (b)").points)


def exam_gradient_solution() -> str:
    return gradient_solution(exam.CONV)


# --- (c) convolution against average pooling -----------------------------------------------


def _decimal_matrix(values: np.ndarray, digits: int = 4) -> str:
    rows = [" & ".join(num(round(float(v), digits)) for v in row) for row in values]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def pooling_solution(
    problem: ConvProblem, learning_rate: float = ILLUSTRATIVE_LEARNING_RATE
) -> str:
    """Solution of 1 (c): the same function now (computed), not the same layer once trained."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    f = len(kernel)
    z = conv.conv2d(x, kernel, s, p)
    pooled = conv.avg_pool2d(x, f, s, p)
    gap = float(np.max(np.abs(z - pooled)))
    same = (
        "exactly"
        if gap == 0
        else f"up to rounding (largest difference ${num(float(f'{gap:.2g}'))}$)"
    )
    weight = exact(kernel[0][0])
    grads = conv.conv2d_backward(x, kernel, problem.grad_output, s, p)
    trained = conv.sgd_step(kernel, grads.grad_kernel, learning_rate)
    z_trained = conv.conv2d(x, trained, s, p)
    moved = float(np.max(np.abs(z_trained - pooled)))
    body = [
        f"**Now: the same function.** {f} × {f} average pooling with stride {s} and zero padding "
        f"{p} averages each window, padding zeros included, so it divides every window's sum by "
        f"${f}^2 = {f * f}$. Every weight of $W$ is ${num(weight)}$, so the convolution "
        "computes exactly that:",
        display(
            rf"Z_{{i,j}} = \sum_{{a,b}} {num(weight)} \, X^{{\mathrm{{pad}}}}_{{s i + a,\; s j + b}}"
            rf" = \frac{{1}}{{{f * f}}} \sum_{{a,b}} X^{{\mathrm{{pad}}}}_{{s i + a,\; s j + b}}"
            rf" = \operatorname{{avgpool}}(X)_{{i,j}}"
        ),
        f"Computed both ways on $X$, the outputs agree {same}:",
        display(rf"\operatorname{{avgpool}}(X) = {_matrix(pooled)} = Z"),
        "**Once training starts: not the same layer.** The kernel is a parameter, so gradient "
        "descent changes it; pooling has no parameters, it passes the gradient on to its input "
        "and has nothing to update. One SGD step with the kernel gradient of (b) and a learning "
        f"rate of ${num(learning_rate)}$ (our choice, for illustration):",
        display(
            rf"W' = W - {num(learning_rate)} \, \nabla W = {_decimal_matrix(trained)}"
            r" \quad \text{(4 decimals)}"
        ),
        "The layer now computes a different function, while average pooling still returns the "
        "output above:",
        display(
            rf"X * W' = {_decimal_matrix(z_trained)} \neq \operatorname{{avgpool}}(X)"
            rf" \quad \text{{(largest difference {num(round(moved, 4))})}}"
        ),
        "At test time both are fixed functions, but the convolution computes whatever its "
        "trained kernel has become. (With several input channels a convolution also sums "
        "over the channels, whereas pooling treats each channel on its own.)",
        md.rubric(PART, "1 (c)"),
        md.provenance(conv.avg_pool2d, conv.sgd_step, conv.conv2d),
    ]
    return md.solution("\n\n".join(b for b in body if b), md.question(PART, "1 (c)").points)


def exam_pooling_solution() -> str:
    return pooling_solution(exam.CONV)


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


def conv_shape_solution(problem: ConvShapeProblem) -> str:
    """Solution of Short Question 8: the output-size formula per axis, then the depth."""
    (h, w, c), f = problem.input_shape, problem.kernel_size
    s, p, k = problem.stride, problem.padding, problem.filters
    size = conv.output_size(h, f, s, p)
    shape = conv.conv_output_shape(problem.input_shape, k, f, s, p)
    quotient = size - 1  # the floor of the fraction
    body = [
        "Along each spatial axis, an input of size $n$, filter size $f$, stride $s$ and "
        "padding $p$ give",
        display(
            rf"n' = \left\lfloor \frac{{n - f + 2p}}{{s}} \right\rfloor + 1"
            rf" = \left\lfloor \frac{{{h} - {f} + 2 \cdot {p}}}{{{s}}} \right\rfloor + 1"
            rf" = {quotient} + 1 = {size}"
        ),
        (
            f"Height and width are both {h}, so both become {size}."
            if h == w
            else f"Height {h} becomes {size}; width {w} becomes {shape[1]} by the same formula."
        )
        + f" Each filter spans all {c} input "
        f"channels and produces one output channel, so the depth is the number of filters, {k}:",
        display(r" \times ".join(str(n) for n in shape)),
        # The exam's points list quotes the exam's answer: it belongs to the exam's numbers.
        md.rubric(2, "8") if problem == exam.CONV_SHAPE else "",
        md.provenance(conv.output_size, conv.conv_output_shape),
    ]
    return md.solution("\n\n".join(b for b in body if b), md.question(2, "8").points)


def exam_conv_shape_solution() -> str:
    return conv_shape_solution(exam.CONV_SHAPE)
