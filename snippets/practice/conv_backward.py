"""Practice kind conv-backward: kernel and input gradients of a convolution (Part V 1 (b)).

The layer is drawn as for conv-forward; the upstream gradient has entries -1, 0, 1 or 2 (at
least two non-zero). Four cells of the kernel gradient are asked (all of them for a 2 × 2
kernel), none of them 0; the answer also holds the whole input gradient.
"""

from __future__ import annotations

from snippets import conv, exam
from snippets.exam import ConvProblem
from snippets.practice import conv_forward
from snippets.practice.asked import EXACT_TOLERANCE, Asked
from snippets.practice.conv_forward import cells, draw_layer, matrix
from snippets.practice.seeds import attempts

KIND = "conv-backward"
TITLE = "Convolution backward"
PART = 5  # the chapter with the exam's own instance
EXAM_QUESTION = "Part V 1 (b)"
GRAD_VALUES = (-1, 0, 1, 2)
ASKED_CELLS = 4


def generate(seed: int) -> ConvProblem:
    """The conv-backward problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        layer = draw_layer(draw)
        if layer is None:
            continue
        out = conv.output_size(len(layer.input), len(layer.kernel), layer.stride, layer.padding)
        grad_output = [[draw.choice(GRAD_VALUES) for _ in range(out)] for _ in range(out)]
        if sum(v != 0 for row in grad_output for v in row) < 2:
            continue
        f = len(layer.kernel)
        asked_cells = tuple(sorted(draw.sample(cells((f, f)), ASKED_CELLS)))
        grads = conv.conv2d_backward(
            layer.input, layer.kernel, grad_output, layer.stride, layer.padding
        )
        if any(grads.grad_kernel[cell] == 0 for cell in asked_cells):
            continue
        return ConvProblem(
            input=layer.input, kernel=layer.kernel, stride=layer.stride, padding=layer.padding,
            grad_output=matrix(grad_output), asked_output=(), asked_grad_kernel=asked_cells,
        )  # fmt: skip
    raise AssertionError("unreachable")  # pragma: no cover


def exam_problem() -> ConvProblem:
    """The exam's own instance, Part V 1 (b)."""
    return exam.CONV


def problem_data(problem: ConvProblem) -> dict[str, object]:
    """The JSON "problem": conv-forward's keys plus grad_output (a 2-D list)."""
    return conv_forward.problem_data(problem) | {
        "grad_output": [list(row) for row in problem.grad_output]
    }


def answer_data(problem: ConvProblem) -> dict[str, object]:
    """The JSON "answer": grad_kernel and grad_input (2-D lists)."""
    grads = conv.conv2d_backward(
        problem.input, problem.kernel, problem.grad_output, problem.stride, problem.padding
    )
    return {"grad_kernel": grads.grad_kernel.tolist(), "grad_input": grads.grad_input.tolist()}


def asked(problem: ConvProblem) -> tuple[Asked, ...]:
    """The asked cells ∇W[a, b] of the kernel gradient (counted from 0 at the top left)."""
    grads = conv.conv2d_backward(
        problem.input, problem.kernel, problem.grad_output, problem.stride, problem.padding
    )
    return tuple(
        Asked(f"dw-{a}-{b}", f"∇W_{{{a},{b}}}", float(grads.grad_kernel[a, b]), EXACT_TOLERANCE)
        for a, b in problem.asked_grad_kernel
    )
