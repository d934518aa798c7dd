"""Practice kind conv-forward: a single-channel convolution, asked cells of its output (Part V 1 (a)).

Inputs are 4 × 4 to 6 × 6 whole numbers from -5 to 5, kernels 2 × 2 or 3 × 3 with entries
-1, 0, 1 or 2 (at least two of them non-zero), stride 1 or 2 and zero padding 0 or 1, chosen
so that the windows fit exactly and the output is 2 × 2 or 3 × 3, as in the exam. Four
output cells are asked (all of them for a 2 × 2 output), none of them 0.
"""

from __future__ import annotations

import numpy as np

from snippets import conv, exam
from snippets.exam import ConvProblem
from snippets.practice.asked import EXACT_TOLERANCE, Asked
from snippets.practice.seeds import Draw, attempts

KIND = "conv-forward"
TITLE = "Convolution forward"
PART = 5  # the chapter with the exam's own instance
EXAM_QUESTION = "Part V 1 (a)"
INPUT_SIZES = (4, 5, 6)
INPUT_VALUES = tuple(range(-5, 6))
KERNEL_SIZES = (2, 3)
KERNEL_VALUES = (-1, 0, 1, 2)
STRIDES = (1, 2)
PADDINGS = (0, 1)
OUTPUT_SIZES = (2, 3)
ASKED_CELLS = 4

Matrix = tuple[tuple[float, ...], ...]


def matrix(values: object) -> Matrix:
    """A 2-D array as a tuple of row tuples of floats (hashable, comparable)."""
    return tuple(tuple(float(v) for v in row) for row in np.asarray(values, dtype=float))


def draw_layer(draw: Draw) -> ConvProblem | None:
    """One exam-sized layer (input, kernel, stride, padding), or None if the windows do not fit."""
    n, f = draw.choice(INPUT_SIZES), draw.choice(KERNEL_SIZES)
    stride, padding = draw.choice(STRIDES), draw.choice(PADDINGS)
    span = n - f + 2 * padding
    if span < 0 or span % stride or span // stride + 1 not in OUTPUT_SIZES:
        return None  # the windows must tile the padded input exactly
    x = [[draw.choice(INPUT_VALUES) for _ in range(n)] for _ in range(n)]
    kernel = [[draw.choice(KERNEL_VALUES) for _ in range(f)] for _ in range(f)]
    if sum(v != 0 for row in kernel for v in row) < 2:
        return None
    return ConvProblem(
        input=matrix(x), kernel=matrix(kernel), stride=stride, padding=padding,
        grad_output=(), asked_output=(), asked_grad_kernel=(),
    )  # fmt: skip


def cells(shape: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """Every (row, column) of a grid, row by row."""
    return tuple((i, j) for i in range(shape[0]) for j in range(shape[1]))


def generate(seed: int) -> ConvProblem:
    """The conv-forward problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        layer = draw_layer(draw)
        if layer is None:
            continue
        z = conv.conv2d(layer.input, layer.kernel, layer.stride, layer.padding)
        asked_cells = tuple(sorted(draw.sample(cells(z.shape), ASKED_CELLS)))
        if any(z[cell] == 0 for cell in asked_cells):
            continue
        return ConvProblem(
            input=layer.input, kernel=layer.kernel, stride=layer.stride, padding=layer.padding,
            grad_output=(), asked_output=asked_cells, asked_grad_kernel=(),
        )  # fmt: skip
    raise AssertionError("unreachable")  # pragma: no cover


def exam_problem() -> ConvProblem:
    """The exam's own instance, Part V 1 (a)."""
    return exam.CONV


def problem_data(problem: ConvProblem) -> dict[str, object]:
    """The JSON "problem": input, kernel (2-D lists), stride, padding."""
    return {
        "input": [list(row) for row in problem.input],
        "kernel": [list(row) for row in problem.kernel],
        "stride": problem.stride,
        "padding": problem.padding,
    }


def answer_data(problem: ConvProblem) -> dict[str, object]:
    """The JSON "answer": the whole output (2-D list)."""
    z = conv.conv2d(problem.input, problem.kernel, problem.stride, problem.padding)
    return {"output": z.tolist()}


def asked(problem: ConvProblem) -> tuple[Asked, ...]:
    """The asked output cells Z[i, j] (rows and columns counted from 0 at the top left)."""
    z = conv.conv2d(problem.input, problem.kernel, problem.stride, problem.padding)
    return tuple(
        Asked(f"z-{i}-{j}", f"Z_{{{i},{j}}}", float(z[i, j]), EXACT_TOLERANCE)
        for i, j in problem.asked_output
    )
