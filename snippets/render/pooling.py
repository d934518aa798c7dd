"""Shape chains and pooling as Markdown: the practice kinds shape-chain and pool-forward.

These two kinds have no practice page yet (their `Kind.page` is False), so this module gives
what the command line and the generated mock exams need: the question with its numbers, the
worked solution as a closed block, and the terminal Markdown, in the shape that
`snippets.render.practice.terminal_markdown` prints for the kinds with a page.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from snippets.practice import pool_forward, registry, shape_chain
from snippets.practice.asked import Asked
from snippets.practice.pool_forward import PADDING_CONVENTION, PoolProblem
from snippets.practice.shape_chain import ShapeChainProblem
from snippets.render import markdown as md
from snippets.render.latex import display
from snippets.render.numbers import matrix, num, rounded, shape_text

# The exam questions these kinds practise: their points title the worked solutions.
SHAPE_CHAIN_QUESTION = (6, "c")
POOL_FORWARD_QUESTION = (5, "1 (c)")
AVERAGE_DIGITS = 4  # averages of ninths are written to 4 decimals


# --- shape-chain -------------------------------------------------------------------------------


def shape_chain_statement(problem: ShapeChainProblem) -> str:
    """The question: the input volume, the layers as a table, the shapes to find."""
    rows = [
        (i + 1, layer.layer, layer.kernel_size, layer.stride, layer.padding, layer.filters or "–")
        for i, layer in enumerate(problem.layers)
    ]
    table = md.table(
        ("Layer", "Type", "Size f", "Stride s", "Padding p", "Filters"), rows, align="rlrrrr"
    )
    return (
        f"An input volume of {shape_text(problem.input_shape)} (height × width × channels) "
        "passes through the layers below, in order. Padding adds p rows and columns of zeros on "
        "every side. What are the height, the width and the number of channels after every "
        f"layer?\n\n{table}"
    )


def _axis_tex(n: int, f: int, s: int, p: int) -> str:
    """⌊(n - f + 2p) / s⌋ + 1 with its numbers, the fraction's value and the result."""
    span = n - f + 2 * p
    formula = rf"\left\lfloor \frac{{{n} - {f} + 2 \cdot {p}}}{{{s}}} \right\rfloor + 1"
    if span % s == 0:  # the stride divides: nothing to floor
        return rf"{formula} = {span // s} + 1 = {span // s + 1}"
    return rf"{formula} = \lfloor {num(span / s)} \rfloor + 1 = {span // s} + 1 = {span // s + 1}"


def shape_chain_worked(problem: ShapeChainProblem) -> str:
    """Every layer: the output-size formula per axis (the floor where it matters), the depth."""
    blocks = [
        "Along each axis, an input of size $n$ with filter size $f$, stride $s$ and padding "
        "$p$ gives $n' = \\lfloor (n - f + 2p) / s \\rfloor + 1$: the floor drops a last "
        "window that would not fit. A convolution's output has one channel per filter; "
        "pooling keeps the channels."
    ]
    shape = problem.input_shape
    for i, layer in enumerate(problem.layers):
        out = shape_chain.layer_output(layer, shape)
        f, s, p = layer.kernel_size, layer.stride, layer.padding
        if shape[1] == shape[0]:
            axes = [rf"\text{{height and width: }} & {_axis_tex(shape[0], f, s, p)}"]
        else:
            axes = [
                rf"\text{{height: }} & {_axis_tex(shape[0], f, s, p)}",
                rf"\text{{width: }} & {_axis_tex(shape[1], f, s, p)}",
            ]
        depth = f"{layer.filters} filters" if layer.layer == "conv" else "channels kept"
        blocks += [
            f"**{shape_chain.layer_title(i, layer).capitalize()}**, on {shape_text(shape)}:",
            display("\\begin{aligned}\n" + " \\\\\n".join(axes) + "\n\\end{aligned}"),
            f"Output: {shape_text(out)} ({depth}).",
        ]
        shape = out
    return "\n\n".join(blocks)


def shape_chain_solution(problem: ShapeChainProblem) -> str:
    """The worked solution, closed, titled with the points of Part VI (c)."""
    return md.solution(shape_chain_worked(problem), md.question(*SHAPE_CHAIN_QUESTION).points)


# --- pool-forward ------------------------------------------------------------------------------


def pool_statement(problem: PoolProblem) -> str:
    """The question: the input, the window, stride and padding, the convention, the cells asked."""
    f = problem.kernel_size
    cells = ", ".join(f"$({i}, {j})$" for i, j in problem.asked)
    return (
        f"Pool the input $X$ below with {f} × {f} windows, stride {problem.stride} and "
        f"padding {problem.padding}, once with max pooling and once with average pooling. "
        f"{PADDING_CONVENTION}\n\n"
        f"{display('X = ' + matrix(problem.input))}\n\n"
        f"Give the cells {cells} of both outputs (row and column counted from 0 at the top "
        "left)."
    )


def _window(problem: PoolProblem, cell: tuple[int, int]) -> tuple[list[float], int]:
    """The input values an output cell's window covers, row by row, and its padding cells."""
    i, j = cell
    f, s, p = problem.kernel_size, problem.stride, problem.padding
    x = np.asarray(problem.input, dtype=float)
    values, padding = [], 0
    for r in range(s * i - p, s * i - p + f):
        for c in range(s * j - p, s * j - p + f):
            if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
                values.append(float(x[r, c]))
            else:
                padding += 1
    return values, padding


def _sum_tex(values: list[float]) -> str:
    """A sum as written by hand: 3 + 2 - 5, not 3 + 2 + -5."""
    text = num(values[0])
    for v in values[1:]:
        text += f" - {num(-v)}" if v < 0 else f" + {num(v)}"
    return text


def _cell_worked(problem: PoolProblem, cell: tuple[int, int], maxima, means) -> str:
    values, padding = _window(problem, cell)
    f2 = problem.kernel_size**2
    listed = ", ".join(num(v) for v in values)
    zeros = " + 0" * padding
    total = sum(values)
    whole = float(total).is_integer() and Fraction(int(total), f2).denominator == 1
    average = num(means[cell])
    if not whole:
        average = rf"\tfrac{{{num(total)}}}{{{f2}}} \approx {rounded(means[cell], AVERAGE_DIGITS)}"
    summed = _sum_tex(values) + zeros
    return (
        f"- Cell $({cell[0]}, {cell[1]})$: the window holds {listed}"
        + (f" and {md.count(padding, 'padding cell')}" if padding else "")
        + f". Max: ${num(maxima[cell])}$. Average: $({summed}) / {f2} = {average}$."
    )


def pool_worked(problem: PoolProblem) -> str:
    """Each asked cell: its window, the maximum over the input's cells, the sum over f²."""
    maxima = pool_forward.max_output(problem)
    means = pool_forward.average_output(problem)
    lines = [_cell_worked(problem, cell, maxima, means) for cell in problem.asked]
    digits = None if np.allclose(means, np.round(means)) else AVERAGE_DIGITS
    return "\n\n".join(
        [
            f"Output cell $(i, j)$ reads the {problem.kernel_size} × {problem.kernel_size} "
            f"window whose top left corner is at row $i s - p$, column $j s - p$ of $X$ "
            f"(here $s = {problem.stride}$, $p = {problem.padding}$). {PADDING_CONVENTION}",
            "\n".join(lines),
            "The whole outputs:",
            display(rf"\max = {matrix(maxima)} \qquad \text{{avg}} = {matrix(means, digits)}"),
        ]
    )


def pool_solution(problem: PoolProblem) -> str:
    """The worked solution, closed, titled with the points of Part V 1 (c)."""
    return md.solution(pool_worked(problem), md.question(*POOL_FORWARD_QUESTION).points)


# --- the command line --------------------------------------------------------------------------

_STATEMENTS = {"shape-chain": shape_chain_statement, "pool-forward": pool_statement}
_SOLUTIONS = {"shape-chain": shape_chain_solution, "pool-forward": pool_solution}


def statement(kind: str, seed: int | None) -> str:
    """The problem of `kind` for `seed` (None: the exam's), restated."""
    return _STATEMENTS[registry.kind(kind).name](registry.problem(kind, seed))


def solution(kind: str, seed: int | None) -> str:
    """Its worked solution, as a closed block."""
    return _SOLUTIONS[registry.kind(kind).name](registry.problem(kind, seed))


def answer_lines(asked: tuple[Asked, ...]) -> str:
    """One line per asked number: '- height after layer 1 (conv) = 64'."""
    return "\n".join(f"- {item.text} = {rounded(item.value, 6)}" for item in asked)


def terminal_markdown(kind: str, seed: int | None) -> str:
    """The problem and its worked solution as Markdown for the command line, in the shape of
    the kinds with a page: title, statement, worked solution, answers."""
    from snippets.render.practice import tolerance_text  # the same words as the other kinds

    spec = registry.kind(kind)
    which = "the mock exam's own instance" if seed is None else f"seed {seed}"
    asked = spec.asked(registry.problem(kind, seed))
    text = "\n\n".join(
        [
            f"# Practice: {spec.title} ({which})",
            statement(kind, seed),
            f"## Worked solution\n\n{solution(kind, seed)}",
            f"## Answers\n\n{answer_lines(asked)}\n\n{tolerance_text(asked)}",
        ]
    )
    return text.rstrip() + "\n"
