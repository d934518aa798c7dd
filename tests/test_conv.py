"""Convolution: output size, forward, both gradients, pooling, and the exam's answer key."""

from __future__ import annotations

import inspect
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from snippets import conv, exam, layers
from snippets.render import conv as conv_render
from snippets.render import markdown as md
from snippets.render.conv_figures import conv_forward_figure, grad_kernel_figure, number_text
from snippets.render.numbers import num
from snippets.render.svg import figure_svg
from tests.figures import assert_grid_shows, grid_texts
from tests.strategies import conv_configs, reals
from tests.witnesses import naive_conv

FD_STEP = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-6  # the loss is linear in W and in X, so central differences are exact up to rounding
LOOP_RTOL = 1e-12  # a second summation order of the same products
ANSWER_RTOL = 1e-12  # ninths summed in floating point against the published integers

# Python loops: their time follows the machine's load, so no per-example deadline.
LOOPS = settings(deadline=None)

# --- helpers: independent witnesses ---


def central_difference(loss, values: np.ndarray) -> np.ndarray:
    """d loss / d values, one entry at a time, by (loss(v + h) - loss(v - h)) / 2h."""
    grad = np.zeros_like(values)
    for index in np.ndindex(values.shape):
        up, down = values.copy(), values.copy()
        up[index] += FD_STEP
        down[index] -= FD_STEP
        grad[index] = (loss(up) - loss(down)) / (2 * FD_STEP)
    return grad


def exact_conv_problem() -> list[list[Fraction]]:
    """The exam's Z with exact fractions: each weight is read as the fraction it prints (1/9)."""
    x = [[Fraction(v) for v in row] for row in exam.CONV.input]
    kernel = [[Fraction(w).limit_denominator(100) for w in row] for row in exam.CONV.kernel]
    s, p, f = exam.CONV.stride, exam.CONV.padding, len(kernel)
    size = (len(x) + 2 * p - f) // s + 1
    z = [[Fraction(0)] * size for _ in range(size)]
    for i in range(size):
        for j in range(size):
            for a in range(f):
                for b in range(f):
                    r, c = s * i + a - p, s * j + b - p
                    if 0 <= r < len(x) and 0 <= c < len(x[0]):
                        z[i][j] += x[r][c] * kernel[a][b]
    return z


# --- output size ---


@pytest.mark.claim("practice/conv-shape.md", "Along each spatial axis, an input of size")
@LOOPS
@given(
    size=st.integers(1, 12),
    kernel_size=st.integers(1, 6),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
)
def test_conv_output_size_matches_forward(size, kernel_size, stride, padding):
    assume(kernel_size <= size + 2 * padding)
    z = conv.conv2d(np.ones((size, size)), np.ones((kernel_size, kernel_size)), stride, padding)
    expected = conv.output_size(size, kernel_size, stride, padding)
    assert z.shape == (expected, expected)


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"size": 0, "kernel_size": 1}, "size"),
        ({"size": 5, "kernel_size": 0}, "kernel_size"),
        ({"size": 5, "kernel_size": 3, "stride": 0}, "stride"),
        ({"size": 5, "kernel_size": 3, "padding": -1}, "padding"),
        ({"size": 5, "kernel_size": 8, "padding": 1}, "kernel_size"),
        ({"size": 5, "kernel_size": 3, "stride": 1.5}, "stride"),
    ],
)
def test_output_size_rejects_impossible_configuration(arguments, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        conv.output_size(**arguments)


@pytest.mark.parametrize(
    ("stride", "padding", "kernel_size", "name"),
    [(0, 1, 3, "stride"), (2, -1, 3, "padding"), (1, 0, 6, "kernel_size")],
)
def test_conv2d_rejects_impossible_configuration(stride, padding, kernel_size, name):
    kernel = np.ones((kernel_size, kernel_size))
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        conv.conv2d(np.ones((5, 5)), kernel, stride, padding)
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        conv.conv2d_backward(np.ones((5, 5)), kernel, np.ones((3, 3)), stride, padding)


def test_backward_rejects_grad_output_of_wrong_shape():
    with pytest.raises(ValueError, match=r"^grad_output\b"):
        conv.conv2d_backward(np.ones((5, 5)), np.ones((3, 3)), np.ones((2, 2)), 2, 1)
    with pytest.raises(ValueError, match=r"^grad_output\b"):
        conv.grad_kernel_terms(np.ones((5, 5)), 3, np.ones((3, 4)), (0, 0), 2, 1)


# --- forward and backward ---


@pytest.mark.claim("practice/conv-forward.md", "and no bias.")
@pytest.mark.claim("practice/conv-backward.md", "and no bias.")
@pytest.mark.claim("exam-sheet.md", "and no bias.")
@pytest.mark.claim("practice/conv-forward.md", "whose top left corner is padded cell")
@pytest.mark.claim("practice/conv-forward.md", "and sums it weighted by")
@LOOPS
@given(conv_configs())
def test_conv2d_equals_naive_loops(config):
    got = conv.conv2d(**config)
    assert_allclose(got, naive_conv(**config), rtol=LOOP_RTOL, atol=LOOP_RTOL)


@pytest.mark.claim(
    "practice/conv-backward.md",
    "By the chain rule its gradient collects those inputs, each weighted by the gradient arriving at that output",
)
@pytest.mark.claim(
    "part-5-layers.md",
    "By the chain rule its gradient collects those inputs, each weighted by the gradient arriving at that output",
)
@pytest.mark.claim("part-5-layers.md", "computes two gradients from the upstream one")
@LOOPS
@given(conv_configs(max_size=5), st.data())
def test_grad_kernel_matches_finite_differences(config, data):
    shape = conv.conv2d(**config).shape
    grad_output = data.draw(hnp.arrays(np.float64, shape, elements=reals))
    x, stride, padding = config["x"], config["stride"], config["padding"]

    def loss(kernel):  # L = sum(dZ * Z): its gradient with respect to Z is dZ
        return np.sum(grad_output * conv.conv2d(x, kernel, stride, padding))

    got = conv.conv2d_backward(x, config["kernel"], grad_output, stride, padding).grad_kernel
    want = central_difference(loss, config["kernel"])
    assert_allclose(got, want, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim(
    "practice/conv-backward.md",
    "every output cell sends its upstream gradient back to the inputs of its window, weighted by the kernel; what lands on the padding is dropped",
)
@pytest.mark.claim(
    "part-5-layers.md",
    "every output cell sends its upstream gradient back to the inputs of its window, weighted by the kernel; what lands on the padding is dropped",
)
@pytest.mark.claim("part-5-layers.md", "computes two gradients from the upstream one")
@LOOPS
@given(conv_configs(max_size=5), st.data())
def test_grad_input_matches_finite_differences(config, data):
    shape = conv.conv2d(**config).shape
    grad_output = data.draw(hnp.arrays(np.float64, shape, elements=reals))
    kernel, stride, padding = config["kernel"], config["stride"], config["padding"]

    def loss(x):
        return np.sum(grad_output * conv.conv2d(x, kernel, stride, padding))

    got = conv.conv2d_backward(config["x"], kernel, grad_output, stride, padding).grad_input
    want = central_difference(loss, config["x"])
    assert_allclose(got, want, rtol=FD_RTOL, atol=FD_ATOL)


@LOOPS
@given(conv_configs(), st.data())
def test_forward_terms_sum_to_output(config, data):
    z = conv.conv2d(**config)
    cell = (data.draw(st.integers(0, z.shape[0] - 1)), data.draw(st.integers(0, z.shape[1] - 1)))
    terms = conv.forward_terms(
        config["x"], config["kernel"], cell, config["stride"], config["padding"]
    )
    assert_allclose(sum(t.product for t in terms), z[cell], rtol=LOOP_RTOL, atol=LOOP_RTOL)


@LOOPS
@given(conv_configs(), st.data())
def test_grad_kernel_terms_sum_to_grad_kernel(config, data):
    shape = conv.conv2d(**config).shape
    grad_output = data.draw(hnp.arrays(np.float64, shape, elements=reals))
    f = config["kernel"].shape[0]
    cell = (data.draw(st.integers(0, f - 1)), data.draw(st.integers(0, f - 1)))
    x, stride, padding = config["x"], config["stride"], config["padding"]
    terms = conv.grad_kernel_terms(x, f, grad_output, cell, stride, padding)
    grads = conv.conv2d_backward(x, config["kernel"], grad_output, stride, padding)
    assert_allclose(
        sum(t.product for t in terms), grads.grad_kernel[cell], rtol=LOOP_RTOL, atol=LOOP_RTOL
    )


@pytest.mark.claim(
    "part-5-layers.md",
    "reads the 3 × 3 window whose top left corner is padded cell",
)
def test_receptive_field_is_the_window_the_forward_reads():
    # Output (1, 2) of a 3 x 3 kernel with stride 2 reads padded rows 2..4, columns 4..6.
    cells = conv.receptive_field((1, 2), kernel_size=3, stride=2)
    assert cells == tuple((r, c) for r in range(2, 5) for c in range(4, 7))


@pytest.mark.claim("practice/conv-forward.md", "the kernel is not flipped")
@pytest.mark.claim("practice/conv-backward.md", "the kernel is not flipped")
@pytest.mark.claim("exam-sheet.md", "the kernel is not flipped")
@pytest.mark.claim("part-5-layers.md", "the kernel is not flipped")
def test_conv2d_does_not_flip_the_kernel():
    # "A cross-correlation: the kernel is not flipped". A kernel with a single 1 at its top left
    # reads the top left of each window; a flipped kernel would read the bottom right.
    x = np.arange(16.0).reshape(4, 4)
    kernel = np.zeros((3, 3))
    kernel[0, 0] = 1.0
    assert_allclose(conv.conv2d(x, kernel), x[:2, :2], rtol=0)


# --- pooling, training, several channels ---


@pytest.mark.claim(
    "part-5-layers.md",
    "averages each window, padding zeros included, so it divides every window's sum by",
)
def test_average_pooling_counts_the_padding_zeros():
    # "Padding zeros included, so it divides every window's sum by f²": the corner window of a
    # padded 3 x 3 input of ones holds four ones and five zeros.
    pooled = conv.avg_pool2d(np.ones((3, 3)), kernel_size=3, stride=1, padding=1)
    assert pooled[0, 0] == pytest.approx(4 / 9, rel=LOOP_RTOL)


@pytest.mark.claim("part-5-layers.md", "while pooling has no parameters")
@pytest.mark.claim("part-5-layers.md", "Pooling has no parameters")
def test_average_pooling_has_no_parameters():
    # "Pooling has no parameters": it takes the input and the window's size, stride and padding.
    names = list(inspect.signature(conv.avg_pool2d).parameters)
    assert names == ["x", "kernel_size", "stride", "padding"]
    assert "kernel" in inspect.signature(conv.conv2d).parameters  # the convolution's weights


@pytest.mark.claim(
    "part-5-layers.md",
    "Neither layer has a test-time mode of its own, unlike dropout, which drops units only in training",
)
@pytest.mark.claim("part-5-layers.md", "at test time both are fixed functions of their input")
def test_neither_layer_has_a_test_time_mode_unlike_dropout():
    # "Neither layer has a test-time mode of its own, unlike dropout, which drops units only in
    # training": neither function takes a training flag; dropout does, and at test time it is
    # the identity while a training pass changes its input.
    for layer in (conv.conv2d, conv.avg_pool2d):
        assert "training" not in inspect.signature(layer).parameters
    c = exam.CONV  # a fixed function of the input: the same output every time
    assert np.array_equal(
        conv.conv2d(c.input, c.kernel, 2, 1), conv.conv2d(c.input, c.kernel, 2, 1)
    )
    assert np.array_equal(conv.avg_pool2d(c.input, 3, 2, 1), conv.avg_pool2d(c.input, 3, 2, 1))
    x = np.arange(1.0, 7.0)
    mask = np.array([1, 0, 1, 0, 1, 0], dtype=float)
    assert_allclose(layers.dropout(x, 0.5, training=False), x, rtol=0)
    assert not np.allclose(layers.dropout(x, 0.5, mask, training=True), x)


@pytest.mark.claim(
    "part-5-layers.md",
    "a convolution sums over the channels into one output channel, while average pooling keeps every channel",
)
@LOOPS
@given(x=hnp.arrays(np.float64, (5, 4, 3), elements=reals))
def test_averaging_kernel_over_channels_sums_the_channel_averages(x):
    # "With several input channels a convolution sums over the channels into one output
    # channel, while average pooling keeps every channel."
    kernels = np.full((3, 3, 3, 1), 1 / 9)
    got = conv.conv2d_multichannel(x, kernels, stride=2, padding=1)
    pooled = [conv.avg_pool2d(x[:, :, c], 3, stride=2, padding=1) for c in range(3)]
    assert got.shape[2] == 1
    assert len(pooled) == x.shape[2]
    assert_allclose(got[:, :, 0], sum(pooled), rtol=LOOP_RTOL, atol=LOOP_RTOL)


@pytest.mark.claim(
    "part-5-layers.md",
    "With several input channels the two would differ even before training",
)
def test_with_several_channels_the_averaging_convolution_is_not_pooling():
    # "With several input channels the two would differ even before training."
    x = np.random.default_rng(0).normal(size=(5, 5, 3))
    got = conv.conv2d_multichannel(x, np.full((3, 3, 3, 1), 1 / 9), stride=2, padding=1)
    for c in range(3):
        assert not np.allclose(got[:, :, 0], conv.avg_pool2d(x[:, :, c], 3, 2, 1))


@pytest.mark.claim(
    "part-5-layers.md",
    "it passes the gradient on to its input and has nothing to update",
)
@LOOPS
@given(config=conv_configs(max_size=5), data=st.data())
def test_average_pooling_passes_the_gradient_to_its_input(config, data):
    # "Pooling passes the gradient on to its input": d(sum g * avgpool(x))/dx by differences
    # is the gradient the averaging convolution sends to its input, and it is not zero.
    x, stride, padding = config["x"], config["stride"], config["padding"]
    f = config["kernel"].shape[0]
    shape = conv.avg_pool2d(x, f, stride, padding).shape
    g = data.draw(hnp.arrays(np.float64, shape, elements=reals))
    got = central_difference(lambda v: float(np.sum(g * conv.avg_pool2d(v, f, stride, padding))), x)
    want = conv.conv2d_backward(x, np.full((f, f), 1 / f**2), g, stride, padding).grad_input
    assert_allclose(got, want, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim(
    "part-5-layers.md",
    "exactly as 3 × 3 average pooling with stride 2 and padding 1 does",
)
@pytest.mark.claim("part-5-layers.md", "so the convolution computes exactly that")
@pytest.mark.claim("part-5-layers.md", "the outputs agree up to rounding")
@LOOPS
@given(
    x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=7),
                 elements=reals),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
)  # fmt: skip
def test_averaging_kernel_equals_average_pooling(x, stride, padding):
    assume(min(x.shape) + 2 * padding >= 3)
    averaging = np.full((3, 3), 1 / 9)
    got = conv.conv2d(x, averaging, stride, padding)
    assert_allclose(got, conv.avg_pool2d(x, 3, stride, padding), rtol=LOOP_RTOL, atol=LOOP_RTOL)


@pytest.mark.claim(
    "part-5-layers.md",
    "the kernel is a trainable parameter and changes during training",
)
@pytest.mark.claim("part-5-layers.md", "once trained, the two compute different functions")
@pytest.mark.claim("part-5-layers.md", "The kernel is a parameter, so gradient descent changes it")
@pytest.mark.claim(
    "part-5-layers.md",
    "The layer now computes a different function, while average pooling still returns the output above",
)
def test_sgd_step_moves_the_kernel_away_from_pooling():
    # One step with the exam's upstream gradient: the kernel is no longer 1/9 everywhere,
    # so the layer stops computing average pooling, which has no weights to move.
    c = exam.CONV
    grads = conv.conv2d_backward(c.input, c.kernel, c.grad_output, c.stride, c.padding)
    trained = conv.sgd_step(c.kernel, grads.grad_kernel, learning_rate=0.01)
    pooled = conv.avg_pool2d(c.input, len(c.kernel), c.stride, c.padding)
    assert not np.allclose(trained, c.kernel)
    assert not np.allclose(conv.conv2d(c.input, trained, c.stride, c.padding), pooled)


@pytest.mark.claim(
    "practice/conv-shape.md",
    "input channels and produces one output channel, so the depth is the number of filters",
)
@LOOPS
@given(
    x=hnp.arrays(np.float64, (5, 4, 3), elements=reals),
    kernels=hnp.arrays(np.float64, (3, 3, 3, 2), elements=reals),
    stride=st.integers(1, 2),
    padding=st.integers(0, 1),
)
def test_multichannel_equals_sum_of_single_channel(x, kernels, stride, padding):
    got = conv.conv2d_multichannel(x, kernels, stride, padding)
    for o in range(kernels.shape[3]):
        want = sum(conv.conv2d(x[:, :, c], kernels[:, :, c, o], stride, padding) for c in range(3))
        assert_allclose(got[:, :, o], want, rtol=LOOP_RTOL, atol=LOOP_RTOL)


# --- answer key ---


def test_asked_outputs_match_published():
    c = exam.CONV
    z = conv.conv2d(c.input, c.kernel, c.stride, c.padding)
    got = [z[cell] for cell in c.asked_output]
    assert_allclose(got, exam.PUBLISHED_CONV_OUTPUT, rtol=ANSWER_RTOL)


def test_all_outputs_match_exact_recomputation():
    c = exam.CONV
    z = conv.conv2d(c.input, c.kernel, c.stride, c.padding)
    want = np.array(exact_conv_problem(), dtype=float)
    assert_allclose(z, want, rtol=ANSWER_RTOL, atol=ANSWER_RTOL)


def test_asked_outputs_are_exact_ninths_of_the_published_values():
    exact = exact_conv_problem()
    got = tuple(exact[i][j] for i, j in exam.CONV.asked_output)
    assert got == tuple(Fraction(v) for v in exam.PUBLISHED_CONV_OUTPUT)


def test_grad_kernel_matches_published():
    c = exam.CONV
    grads = conv.conv2d_backward(c.input, c.kernel, c.grad_output, c.stride, c.padding)
    assert_allclose(grads.grad_kernel, exam.PUBLISHED_GRAD_KERNEL, rtol=ANSWER_RTOL)


@pytest.mark.claim("part-2-short-questions.md", "Height and width are both 32, so both become 15.")
def test_conv_shape_matches_published():
    q = exam.CONV_SHAPE
    shape = conv.conv_output_shape(q.input_shape, q.filters, q.kernel_size, q.stride, q.padding)
    assert shape == exam.PUBLISHED_CONV_SHAPE


@pytest.mark.claim(
    "part-2-short-questions.md",
    "produces one output channel, so the depth is the number of filters",
)
def test_conv_shape_matches_multichannel_forward():
    q = exam.CONV_SHAPE
    x = np.zeros(q.input_shape)
    kernels = np.zeros((q.kernel_size, q.kernel_size, q.input_shape[2], q.filters))
    z = conv.conv2d_multichannel(x, kernels, q.stride, q.padding)
    assert z.shape == exam.PUBLISHED_CONV_SHAPE


@LOOPS
@given(conv_configs(), st.data())
def test_terms_name_the_cells_they_multiply(config, data):
    # input cell = stride * output cell + kernel cell, and value and factor sit at those cells.
    x, kernel, stride, padding = config["x"], config["kernel"], config["stride"], config["padding"]
    shape = conv.conv2d(**config).shape
    grad_output = data.draw(hnp.arrays(np.float64, shape, elements=reals))
    x_pad = conv.pad(x, padding)
    f = kernel.shape[0]
    terms = conv.forward_terms(x, kernel, (shape[0] - 1, 0), stride, padding)
    terms += conv.grad_kernel_terms(x, f, grad_output, (f - 1, 0), stride, padding)
    for k, t in enumerate(terms):
        (i, j), (a, b) = t.output_cell, t.kernel_cell
        assert t.input_cell == (stride * i + a, stride * j + b)
        assert t.value == x_pad[t.input_cell]
        assert t.factor == (kernel[a, b] if k < f * f else grad_output[i, j])


@pytest.mark.claim("practice/conv-backward.md", "multiplies one input in every window")
@pytest.mark.claim("part-5-layers.md", "multiplies one input in every window")
@LOOPS
@given(conv_configs())
def test_kernel_position_inputs_match_receptive_fields(config):
    # Weight (a, b) meets, in the window of output (i, j), that window's cell (a, b).
    f, stride = config["kernel"].shape[0], config["stride"]
    shape = conv.conv2d(**config).shape
    for a, b in np.ndindex(f, f):
        met = conv.kernel_position_inputs((a, b), shape, stride)
        for k, (i, j) in enumerate(np.ndindex(*shape)):
            assert met[k] == conv.receptive_field((i, j), f, stride)[a * f + b]


# --- figures ---


@pytest.mark.parametrize("reveal", [True, False])
def test_conv_forward_figure_is_page_safe_svg(reveal):
    # figure_svg raises on any colour outside the palette; a "$" in the SVG (matplotlib keeps
    # each label's source in a comment) would be read as TeX on the page.
    c = exam.CONV
    fig = conv_forward_figure(c.input, c.kernel, c.stride, c.padding, c.asked_output, reveal=reveal)
    svg = figure_svg(fig, name="test-forward", alt="convolution")
    assert '<svg class="guide-figure"' in svg
    assert "$" not in svg


@pytest.mark.parametrize("reveal", [True, False])
def test_grad_kernel_figure_is_page_safe_svg(reveal):
    c = exam.CONV
    fig = grad_kernel_figure(
        c.input, len(c.kernel), c.grad_output, c.stride, c.padding, c.asked_grad_kernel,
        reveal=reveal,
    )  # fmt: skip
    svg = figure_svg(fig, name="test-gradient", alt="kernel gradient")
    assert '<svg class="guide-figure"' in svg
    assert "$" not in svg


# --- the chapter's units: the exam's numbers, nothing answered before the answer ---

ANSWERS = '<div class="guide-answers'


def question_part(unit: str) -> str:
    """What a unit shows before its closed answers: heading, statement, figure."""
    return unit.split(ANSWERS, 1)[0]


def answer_of(unit: str) -> str:
    """The text of a unit's closed Answer block."""
    return unit.split(ANSWERS, 1)[1].split('"Worked solution"', 1)[0]


def test_forward_answer_gives_the_published_values():
    c = exam.CONV
    answer = answer_of(conv_render.exam_forward_solution())
    for (i, j), value in zip(c.asked_output, exam.PUBLISHED_CONV_OUTPUT, strict=True):
        cell = re.escape(f"Z_{{{i},{j}}}")
        assert re.search(rf"{cell} = [^$]* = {re.escape(num(value))}\$", answer), (i, j)


def test_gradient_answer_gives_the_published_values():
    c = exam.CONV
    answer = answer_of(conv_render.exam_gradient_solution())
    for a, b in c.asked_grad_kernel:
        published = num(exam.PUBLISHED_GRAD_KERNEL[a][b])
        assert rf"\nabla W_{{{a},{b}}} = {published}$" in answer, (a, b)


def test_pooling_answer_follows_the_points_breakdown():
    answer = answer_of(conv_render.exam_pooling_solution())
    rubric = md.question(5, "1 (c)").rubric
    assert answer.count("· *1 point*") == len(rubric) == 2
    assert "same function" in answer
    assert "trainable" in answer


def test_conv_shape_answer_follows_the_points_breakdown():
    # The rubric's two items: the size per axis, 15, then the shape 15 x 15 x 8.
    unit = conv_render.exam_conv_shape_solution()
    items = [line for line in answer_of(unit).splitlines() if line.strip().startswith("- ")]
    size, shape = exam.PUBLISHED_CONV_SHAPE[0], exam.PUBLISHED_CONV_SHAPE
    assert len(items) == len(md.question(2, "8").rubric) == 2
    assert items[0].split("$")[1].endswith(f"= {size}")
    assert " \\times ".join(str(n) for n in shape) in items[1]
    assert conv_render.conv_shape_statement(exam.CONV_SHAPE) in question_part(unit)


@pytest.mark.parametrize(
    "unit",
    [
        conv_render.exam_forward_solution,
        conv_render.exam_gradient_solution,
        conv_render.exam_pooling_solution,
        conv_render.exam_conv_shape_solution,
    ],
)
def test_unit_shows_no_solution_before_its_answer(unit):
    # The question's figure comes before the answers, the solution's figure and sums after.
    before = question_part(unit())
    assert "-solution" not in before  # the solution figures' ids
    assert "\\boxed" not in before
    assert "&=" not in before


@pytest.mark.claim("exam-sheet.md", "those are the cells marked with a question mark")
@pytest.mark.claim("exam-sheet.md", "they are computed here from the input and the kernel")
@pytest.mark.claim("part-5-layers.md", "those are the cells marked with a question mark")
@pytest.mark.claim("part-5-layers.md", "they are computed here from the input and the kernel")
def test_question_figure_shows_the_output_as_given_and_the_asked_cells_as_question_marks():
    # The exam's text has no cell of Z but the asked ones' answers: the question figure shows
    # the others computed from X and W (the note above the question says so), the asked as ?.
    c = exam.CONV
    fig = conv_forward_figure(c.input, c.kernel, c.stride, c.padding, c.asked_output,
                              reveal=False)  # fmt: skip
    panels = grid_texts(fig)
    assert sorted(panels) == ["input X", f"output Z, stride {c.stride}"]  # no kernel panel
    z = np.array(exact_conv_problem(), dtype=float)
    assert_grid_shows(panels[f"output Z, stride {c.stride}"], z, number_text, c.asked_output)
    assert_grid_shows(panels["input X"], c.input, number_text)


@pytest.mark.claim("exam-sheet.md", "those are the cells marked with a question mark")
@pytest.mark.claim("part-5-layers.md", "those are the cells marked with a question mark")
def test_gradient_question_figure_shows_the_published_givens_and_question_marks():
    c = exam.CONV
    fig = grad_kernel_figure(c.input, len(c.kernel), c.grad_output, c.stride, c.padding,
                             c.asked_grad_kernel, reveal=False)  # fmt: skip
    panels = grid_texts(fig)
    assert sorted(panels) == ["kernel gradient ∇W", "upstream gradient ∇Z"]
    assert_grid_shows(panels["kernel gradient ∇W"], exam.PUBLISHED_GRAD_KERNEL, number_text,
                      c.asked_grad_kernel)  # fmt: skip
    assert_grid_shows(panels["upstream gradient ∇Z"], c.grad_output, number_text)


def test_setting_states_the_layer_the_upstream_gradient_and_what_was_rebuilt():
    setting = conv_render.exam_setting()
    assert setting.startswith(conv_render.statement(exam.CONV))
    assert conv_render.gradient_statement(exam.CONV) in setting
    assert exam.RECONSTRUCTED[5, "1 (a)"] in setting
    assert "?" not in setting.replace("question mark", "")


def test_input_gradient_section_answers_with_the_computed_gradient():
    # The exercise beyond the exam: its closed answer is 1/d times an integer matrix, d the
    # common denominator, and that is the input gradient of the exam's layer.
    c = exam.CONV
    section = conv_render.input_gradient_section(c)
    question, answer = section.split('"Answer"', 1)
    assert "\\nabla X =" not in question
    factor = re.search(
        r"\\nabla X = \\tfrac\{1\}\{(\d+)\} \\cdot \\begin\{bmatrix\}(.*?)\\end", answer
    )
    rows = [[int(v) for v in row.split("&")] for row in factor.group(2).split("\\\\")]
    got = np.array(rows) / int(factor.group(1))
    want = conv.conv2d_backward(c.input, c.kernel, c.grad_output, c.stride, c.padding)
    assert_allclose(got, want.grad_input, rtol=ANSWER_RTOL)


def test_forward_solution_figure_outlines_the_window_of_each_asked_cell():
    # The solution's figure: on the padded input, one outline per asked cell around exactly
    # the 3 x 3 window that cell reads.
    c = exam.CONV
    fig = conv_forward_figure(c.input, c.kernel, c.stride, c.padding, c.asked_output)
    ax_x = fig.axes[0]
    outlines = [p for p in ax_x.patches if p.get_linewidth() > 1]  # cells have thin edges
    assert len(outlines) == len(c.asked_output)
    for outline, cell in zip(outlines, c.asked_output, strict=True):
        field = conv.receptive_field(cell, len(c.kernel), c.stride)
        top, left = min(r for r, _ in field), min(col for _, col in field)
        x0, y0 = outline.get_xy()
        x1, y1 = x0 + outline.get_width(), y0 + outline.get_height()
        # Inset a little into the window's border cells, so that outlines can overlap.
        assert (math.floor(y0), math.floor(x0)) == (top, left)
        assert (math.ceil(y1), math.ceil(x1)) == (top + len(c.kernel), left + len(c.kernel))


def test_gradient_solution_figure_marks_the_inputs_met_by_each_asked_weight():
    # One panel per asked weight, titled with its gradient, the inputs that meet the weight
    # highlighted, and crossed out exactly where the upstream gradient is 0.
    c = exam.CONV
    fig = grad_kernel_figure(c.input, len(c.kernel), c.grad_output, c.stride, c.padding,
                             c.asked_grad_kernel)  # fmt: skip
    panels = fig.axes[2:]
    assert len(panels) == len(c.asked_grad_kernel)
    for ax, (a, b) in zip(panels, c.asked_grad_kernel, strict=True):
        assert ax.get_title().endswith(f": {number_text(exam.PUBLISHED_GRAD_KERNEL[a][b])}")
        terms = conv.grad_kernel_terms(c.input, len(c.kernel), c.grad_output, (a, b), c.stride,
                                       c.padding)  # fmt: skip
        crossed = len(ax.lines) // 2  # two strokes a cross
        assert crossed == sum(t.factor == 0 for t in terms)
