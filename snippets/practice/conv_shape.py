"""Practice kind conv-shape: the output volume of a convolution layer (Short Question 8).

Square or rectangular inputs of 8 to 64 pixels with 3 to 64 channels, 4 to 128 filters of
size 1 to 7, stride 1 to 4 and padding 0 to 3 (less than the filter size), chosen so that
(n - f + 2p) / s is a whole number on both axes, as in the exam; the output is at least 2 × 2.
"""

from __future__ import annotations

from snippets import conv, exam
from snippets.exam import ConvShapeProblem
from snippets.practice.asked import Asked
from snippets.practice.seeds import attempts

KIND = "conv-shape"
TITLE = "Convolution shape"
PART = 2  # the chapter with the exam's own instance
EXAM_QUESTION = "Part II, short question 8"
SIZES = tuple(range(8, 65))
CHANNELS = (3, 8, 16, 32, 64)
FILTERS = (4, 8, 16, 32, 64, 96, 128)
KERNEL_SIZES = (1, 2, 3, 4, 5, 6, 7)
STRIDES = (1, 2, 3, 4)
PADDINGS = (0, 1, 2, 3)
SQUARE_SHARE = 0.75  # most inputs are square, as in the exam


def _fits(size: int, kernel_size: int, stride: int, padding: int) -> bool:
    span = size - kernel_size + 2 * padding
    return span >= 2 * stride and span % stride == 0  # exact windows, output of at least 2


def generate(seed: int) -> ConvShapeProblem:
    """The conv-shape problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        height = draw.choice(SIZES)
        width = height if draw.index(100) < 100 * SQUARE_SHARE else draw.choice(SIZES)
        channels, filters = draw.choice(CHANNELS), draw.choice(FILTERS)
        f, s, p = draw.choice(KERNEL_SIZES), draw.choice(STRIDES), draw.choice(PADDINGS)
        if p >= f or not (_fits(height, f, s, p) and _fits(width, f, s, p)):
            continue
        return ConvShapeProblem(
            input_shape=(height, width, channels), filters=filters, kernel_size=f, stride=s,
            padding=p,
        )  # fmt: skip
    raise AssertionError("unreachable")  # pragma: no cover


def exam_problem() -> ConvShapeProblem:
    """The exam's own instance, Part II, Short Question 8."""
    return exam.CONV_SHAPE


def problem_data(problem: ConvShapeProblem) -> dict[str, object]:
    """The JSON "problem": input_shape [H, W, C], filters, kernel_size, stride, padding."""
    return {
        "input_shape": list(problem.input_shape),
        "filters": problem.filters,
        "kernel_size": problem.kernel_size,
        "stride": problem.stride,
        "padding": problem.padding,
    }


def _shape(problem: ConvShapeProblem) -> tuple[int, int, int]:
    return conv.conv_output_shape(
        problem.input_shape, problem.filters, problem.kernel_size, problem.stride, problem.padding
    )


def answer_data(problem: ConvShapeProblem) -> dict[str, object]:
    """The JSON "answer": output_shape [H, W, C]."""
    return {"output_shape": list(_shape(problem))}


def asked(problem: ConvShapeProblem) -> tuple[Asked, ...]:
    """Output height, width and channels: counts, so they must be exact."""
    height, width, channels = _shape(problem)
    return (
        Asked("height", "output height", height, 0),
        Asked("width", "output width", width, 0),
        Asked("channels", "output channels", channels, 0),
    )
