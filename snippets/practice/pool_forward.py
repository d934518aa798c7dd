"""Practice kind pool-forward: max and average pooling of a small input (Part V 1 (c)).

Inputs are 4 × 4 to 6 × 6 whole numbers from -5 to 9, windows 2 × 2 or 3 × 3 with a stride
of 1 up to the window size and zero padding 0 or 1, chosen so that the windows tile the
padded input exactly and the output is 2 × 2 or 3 × 3. Four cells of each output are asked
(all of them for a 2 × 2 output).

The padding convention, stated with every problem: padding adds zeros around the input.
Average pooling divides every window's sum by f², the padding zeros included (as
snippets.conv.avg_pool2d does, and as a convolution with the kernel of entries 1/f² does: the
comparison of Part V 1 (c)). Max pooling ignores the padding: a window's maximum is taken
over the input's own cells only (as the frameworks pad with -∞), so a padding zero never wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from snippets import conv, exam
from snippets.practice.asked import EXACT_TOLERANCE, Asked
from snippets.practice.conv_forward import Matrix, cells, matrix
from snippets.practice.seeds import attempts

KIND = "pool-forward"
TITLE = "Pooling forward"
PART = 5  # the chapter with the exam's own instance
EXAM_QUESTION = "Part V 1 (c)"
INPUT_SIZES = (4, 5, 6)
INPUT_VALUES = tuple(range(-5, 10))
KERNEL_SIZES = (2, 3)
STRIDES = (1, 2, 3)
PADDINGS = (0, 1)
OUTPUT_SIZES = (2, 3)
ASKED_CELLS = 4
PADDING_CONVENTION = (
    "Padding adds zeros around the input. Average pooling divides each window's sum by the "
    "whole window size f², padding zeros included; max pooling ignores the padding (a "
    "window's maximum is taken over the input's own cells only)."
)


@dataclass(frozen=True)
class PoolProblem:
    """A single-channel input pooled over f × f windows with a stride and zero padding."""

    input: Matrix
    kernel_size: int
    stride: int
    padding: int
    # (row, column) of the output cells asked, from the top left, 0-based; the same for both.
    asked: tuple[tuple[int, int], ...]


def max_pool2d(x: object, kernel_size: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Y[i, j] = max of the f × f window at (s i, s j) of x padded by p, padding cells left out."""
    x = np.asarray(x, dtype=float)
    rows = conv.output_size(x.shape[0], kernel_size, stride, padding)
    cols = conv.output_size(x.shape[1], kernel_size, stride, padding)
    padded = np.pad(x, padding, constant_values=-np.inf)  # -∞: a padding cell never wins
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = padded[
                stride * i : stride * i + kernel_size, stride * j : stride * j + kernel_size
            ].max()
    return out


def max_output(problem: PoolProblem) -> np.ndarray:
    """The max-pooled output."""
    return max_pool2d(problem.input, problem.kernel_size, problem.stride, problem.padding)


def average_output(problem: PoolProblem) -> np.ndarray:
    """The average-pooled output (snippets.conv.avg_pool2d: padding zeros counted)."""
    return conv.avg_pool2d(problem.input, problem.kernel_size, problem.stride, problem.padding)


def generate(seed: int) -> PoolProblem:
    """The pool-forward problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        n, f = draw.choice(INPUT_SIZES), draw.choice(KERNEL_SIZES)
        stride, padding = draw.choice(STRIDES), draw.choice(PADDINGS)
        span = n - f + 2 * padding
        if stride > f or span % stride or span // stride + 1 not in OUTPUT_SIZES:
            continue  # every input cell read, and the windows tile the padded input exactly
        x = matrix([[draw.choice(INPUT_VALUES) for _ in range(n)] for _ in range(n)])
        out = span // stride + 1
        asked_cells = tuple(sorted(draw.sample(cells((out, out)), ASKED_CELLS)))
        return PoolProblem(x, f, stride, padding, asked_cells)
    raise AssertionError("unreachable")  # pragma: no cover


def exam_problem() -> PoolProblem:
    """The exam's own instance: the 3 × 3 average pooling that Part V 1 (c) compares with its
    convolution (the same input, stride and padding; the cells asked in Part V 1 (a))."""
    f = len(exam.CONV.kernel)
    return PoolProblem(
        exam.CONV.input, f, exam.CONV.stride, exam.CONV.padding, exam.CONV.asked_output
    )


def problem_data(problem: PoolProblem) -> dict[str, object]:
    """The JSON "problem": input (2-D list), kernel_size, stride, padding."""
    return {
        "input": [list(row) for row in problem.input],
        "kernel_size": problem.kernel_size,
        "stride": problem.stride,
        "padding": problem.padding,
    }


def answer_data(problem: PoolProblem) -> dict[str, object]:
    """The JSON "answer": max_output and average_output (2-D lists)."""
    return {
        "max_output": max_output(problem).tolist(),
        "average_output": average_output(problem).tolist(),
    }


def asked(problem: PoolProblem) -> tuple[Asked, ...]:
    """The asked cells of the max-pooled output, then of the average-pooled output."""
    maxima, means = max_output(problem), average_output(problem)
    return tuple(
        Asked(f"max-{i}-{j}", f"max_{{{i},{j}}}", float(maxima[i, j]), EXACT_TOLERANCE)
        for i, j in problem.asked
    ) + tuple(
        Asked(f"avg-{i}-{j}", f"avg_{{{i},{j}}}", float(means[i, j]), EXACT_TOLERANCE)
        for i, j in problem.asked
    )
