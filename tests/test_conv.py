"""Convolution: output size, forward, both gradients, pooling, and the exam's answer key."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from snippets import conv, exam
from snippets.render.conv_figures import conv_forward_figure, grad_kernel_figure
from snippets.render.svg import figure_svg
from tests.strategies import conv_configs, reals

FD_STEP = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-6  # the loss is linear in W and in X, so central differences are exact up to rounding
LOOP_RTOL = 1e-12  # a second summation order of the same products
ANSWER_RTOL = 1e-12  # ninths summed in floating point against the published integers

# Python loops: their time follows the machine's load, so no per-example deadline.
LOOPS = settings(deadline=None)

# --- helpers: independent witnesses ---


def naive_conv(x: np.ndarray, kernel: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Z by four loops over the unpadded input: positions outside it read as zero."""
    f = kernel.shape[0]
    rows = (x.shape[0] + 2 * padding - f) // stride + 1
    cols = (x.shape[1] + 2 * padding - f) // stride + 1
    z = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for a in range(f):
                for b in range(f):
                    r, c = stride * i + a - padding, stride * j + b - padding
                    if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
                        z[i, j] += x[r, c] * kernel[a, b]
    return z


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


@LOOPS
@given(conv_configs())
def test_conv2d_equals_naive_loops(config):
    got = conv.conv2d(**config)
    assert_allclose(got, naive_conv(**config), rtol=LOOP_RTOL, atol=LOOP_RTOL)


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


def test_receptive_field_is_the_window_the_forward_reads():
    # Output (1, 2) of a 3 x 3 kernel with stride 2 reads padded rows 2..4, columns 4..6.
    cells = conv.receptive_field((1, 2), kernel_size=3, stride=2)
    assert cells == tuple((r, c) for r in range(2, 5) for c in range(4, 7))


# --- pooling, training, several channels ---


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


def test_sgd_step_moves_the_kernel_away_from_pooling():
    # One step with the exam's upstream gradient: the kernel is no longer 1/9 everywhere,
    # so the layer stops computing average pooling, which has no weights to move.
    c = exam.CONV
    grads = conv.conv2d_backward(c.input, c.kernel, c.grad_output, c.stride, c.padding)
    trained = conv.sgd_step(c.kernel, grads.grad_kernel, learning_rate=0.01)
    pooled = conv.avg_pool2d(c.input, len(c.kernel), c.stride, c.padding)
    assert not np.allclose(trained, c.kernel)
    assert not np.allclose(conv.conv2d(c.input, trained, c.stride, c.padding), pooled)


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


def test_conv_shape_matches_published():
    q = exam.CONV_SHAPE
    shape = conv.conv_output_shape(q.input_shape, q.filters, q.kernel_size, q.stride, q.padding)
    assert shape == exam.PUBLISHED_CONV_SHAPE


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
