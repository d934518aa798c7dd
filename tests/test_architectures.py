"""Part VI: the reconstructed AlexNet-like network, its shapes, parameters and multiply-adds.

Witnesses: the sizes of real numpy weight arrays, the shapes of a real numpy forward pass,
naive loops (values and multiply-add counts), a brute-force count of window positions and a
closed form of the first fully-connected layer; and the published answer of part (d).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import architectures as arch
from snippets import exam
from snippets.architectures import Conv, Dense, Flatten, MaxPool
from snippets.render.architecture_figures import network_figure, parameters_vs_input_figure
from snippets.render.svg import figure_svg
from tests.strategies import (
    channels,
    class_counts,
    input_sizes,
    odd_kernel_sizes,
    small_sizes,
    strides,
    width_factors,
)

# Loops and numpy's tensordot sum the same products in a different order.
FORWARD_RTOL = 1e-12
FORWARD_ATOL = 1e-12


def _exam_rows() -> tuple[arch.LayerShape, ...]:
    return arch.propagate(arch.exam_network(), exam.IMAGE_SHAPE)


# --- the answer key ------------------------------------------------------------------------


def test_first_conv_params_match_published_answer() -> None:
    first = arch.layer_shape(arch.EXAM_FEATURES[0], exam.IMAGE_SHAPE)
    assert first.params == exam.PUBLISHED_FIRST_CONV_PARAMS
    assert arch.propagate(arch.exam_network(), exam.IMAGE_SHAPE)[0] == first


def test_first_conv_params_are_f_f_c_k_plus_k() -> None:
    # 11 · 11 · 3 · 96 + 96, each factor read from the exam's data, not from the network.
    f, c, k = (exam.FIRST_CONV[key] for key in ("kernel_size", "in_channels", "filters"))
    first = arch.layer_shape(arch.EXAM_FEATURES[0], exam.IMAGE_SHAPE)
    assert first.input_shape[2] == c
    assert first.params == f * f * c * k + k


def test_exam_network_follows_the_exam_data() -> None:
    rows = _exam_rows()
    assert rows[0].input_shape == exam.IMAGE_SHAPE
    assert rows[-1].output_shape == (exam.NUM_CLASSES,)
    assert all(layer.padding == (layer.kernel_size - 1) // 2 for layer in arch.EXAM_FEATURES)


# --- parameters against real arrays --------------------------------------------------------


def test_params_equal_sizes_of_weight_arrays() -> None:
    # The full network: zero arrays as broadcast views, so 90 M parameters cost no memory.
    rows = _exam_rows()
    weights = arch.init_weights(arch.exam_network(), exam.IMAGE_SHAPE)
    for row, arrays in zip(rows, weights, strict=True):
        assert sum(a.size for a in arrays) == row.params, row.layer.name
        assert tuple(a.shape for a in arrays) == row.weight_shapes


@given(height=small_sizes, width=small_sizes, factor=width_factors, num_classes=class_counts)
def test_params_equal_sizes_of_random_weight_arrays(
    height: int, width: int, factor: float, num_classes: int
) -> None:
    layers = arch.exam_network(num_classes, factor)
    shape = (height, width, exam.IMAGE_SHAPE[2])
    weights = arch.init_weights(layers, shape, np.random.default_rng(0))
    assert sum(a.size for arrays in weights for a in arrays) == arch.total_params(layers, shape)


# --- shapes against a real forward pass ----------------------------------------------------


@given(height=small_sizes, width=small_sizes, factor=width_factors, num_classes=class_counts)
def test_shape_table_matches_forward(
    height: int, width: int, factor: float, num_classes: int
) -> None:
    layers = arch.exam_network(num_classes, factor)
    shape = (height, width, exam.IMAGE_SHAPE[2])
    rng = np.random.default_rng(1)
    outputs = arch.forward(layers, arch.init_weights(layers, shape, rng), rng.normal(size=shape))
    rows = arch.propagate(layers, shape)
    assert [out.shape for out in outputs] == [row.output_shape for row in rows]


@given(size=small_sizes, kernel_size=odd_kernel_sizes, stride=strides)
def test_output_size_counts_window_positions(size: int, kernel_size: int, stride: int) -> None:
    # Brute force: every start i·stride whose window still fits in the padded input.
    padding = arch.same_padding(kernel_size)
    starts = [
        i for i in range(0, size + 2 * padding, stride) if i + kernel_size <= size + 2 * padding
    ]
    (row,) = arch.propagate([MaxPool("pool", kernel_size, stride)], (size, size, 1))
    assert row.output_shape[:2] == (len(starts), len(starts))


@given(size=input_sizes, kernel_size=odd_kernel_sizes, stride=strides)
def test_same_padding_output_is_ceil_of_size_over_stride(
    size: int, kernel_size: int, stride: int
) -> None:
    # With p = (f - 1)/2: floor((n - 1)/s) + 1 = ceil(n/s), whatever f.
    row = arch.layer_shape(Conv("conv", kernel_size, 1, stride), (size, size, 1))
    assert row.output_shape[0] == math.ceil(size / stride)


def _naive_conv(x, w, b, stride, padding):
    """Cross-correlation by loops, counting multiply-adds; returns (output, count)."""
    f, _, c, k = w.shape
    padded = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    rows = (padded.shape[0] - f) // stride + 1
    cols = (padded.shape[1] - f) // stride + 1
    out = np.zeros((rows, cols, k))
    count = 0
    for i in range(rows):
        for j in range(cols):
            for m in range(k):
                total = b[m]
                for u in range(f):
                    for v in range(f):
                        for ch in range(c):
                            total += padded[i * stride + u, j * stride + v, ch] * w[u, v, ch, m]
                            count += 1
                out[i, j, m] = total
    return np.maximum(out, 0.0), count


@given(
    size=st.integers(min_value=1, max_value=7),
    kernel_size=odd_kernel_sizes,
    stride=strides,
    in_channels=channels,
    filters=channels,
)
def test_conv_forward_matches_naive_loops(
    size: int, kernel_size: int, stride: int, in_channels: int, filters: int
) -> None:
    layers = [Conv("conv", kernel_size, filters, stride)]
    shape = (size, size + 1, in_channels)
    rng = np.random.default_rng(2)
    weights = arch.init_weights(layers, shape, rng)
    x = rng.normal(size=shape)
    (got,) = arch.forward(layers, weights, x)
    want, _ = _naive_conv(x, *weights[0], stride, arch.same_padding(kernel_size))
    assert_allclose(got, want, rtol=FORWARD_RTOL, atol=FORWARD_ATOL)


@given(size=st.integers(min_value=1, max_value=9), kernel_size=odd_kernel_sizes, stride=strides)
def test_maxpool_forward_matches_naive_loops(size: int, kernel_size: int, stride: int) -> None:
    layers = [MaxPool("pool", kernel_size, stride)]
    x = np.random.default_rng(3).normal(size=(size, size, 2))
    (got,) = arch.forward(layers, arch.init_weights(layers, x.shape), x)
    p = arch.same_padding(kernel_size)
    want = np.empty_like(got)
    for i in range(got.shape[0]):
        for j in range(got.shape[1]):
            # the window clipped to the image: padding never wins a max
            r0, c0 = max(i * stride - p, 0), max(j * stride - p, 0)
            r1, c1 = i * stride - p + kernel_size, j * stride - p + kernel_size
            want[i, j] = x[r0:r1, c0:c1].max(axis=(0, 1))
    assert_allclose(got, want, rtol=FORWARD_RTOL, atol=FORWARD_ATOL)


# --- multiply-adds against a brute-force count ---------------------------------------------


@given(
    size=st.integers(min_value=1, max_value=6),
    kernel_size=odd_kernel_sizes,
    stride=strides,
    in_channels=channels,
    filters=channels,
)
def test_conv_mult_adds_match_loop_count(
    size: int, kernel_size: int, stride: int, in_channels: int, filters: int
) -> None:
    layers = [Conv("conv", kernel_size, filters, stride)]
    shape = (size, size, in_channels)
    weights = arch.init_weights(layers, shape, np.random.default_rng(4))
    _, count = _naive_conv(np.ones(shape), *weights[0], stride, arch.same_padding(kernel_size))
    assert arch.layer_shape(layers[0], shape).mult_adds == count


@given(n_in=st.integers(min_value=1, max_value=12), units=st.integers(min_value=1, max_value=12))
def test_dense_mult_adds_match_loop_count(n_in: int, units: int) -> None:
    count = sum(1 for _ in range(units) for _ in range(n_in))  # one product per weight
    assert arch.layer_shape(Dense("fc", units), (n_in,)).mult_adds == count


# --- part (e): parameters against input size -----------------------------------------------


@given(small=input_sizes, large=input_sizes)
def test_conv_params_do_not_depend_on_input_size(small: int, large: int) -> None:
    layers = arch.exam_network()
    a, b = arch.parameter_split(layers, small), arch.parameter_split(layers, large)
    assert (a.conv, a.other_dense) == (b.conv, b.other_dense)


@given(small=input_sizes, large=input_sizes)
def test_total_params_change_only_by_first_dense_change(small: int, large: int) -> None:
    layers = arch.exam_network()
    a, b = arch.parameter_split(layers, small), arch.parameter_split(layers, large)
    assert b.total - a.total == b.first_dense - a.first_dense


@given(small=input_sizes, large=input_sizes)
def test_total_params_grow_with_input_size(small: int, large: int) -> None:
    small, large = sorted((small, large))
    layers = arch.exam_network()
    before = arch.total_params(layers, (small, small, 3))
    after = arch.total_params(layers, (large, large, 3))
    assert after >= before
    # strictly more once the last pooled volume is larger (every 32 pixels: stride 4·2·2·2)
    if math.ceil(large / 32) > math.ceil(small / 32):
        assert after > before


@given(size=input_sizes)
def test_first_dense_params_closed_form(size: int) -> None:
    # Padding (f - 1)/2 makes each layer ceil(n / s): four strides 4, 2, 2, 2 give ceil(n / 32).
    last = next(r for r in _exam_rows() if r.layer.name == "pool3")
    fc6 = next(layer for layer in arch.EXAM_CLASSIFIER if isinstance(layer, Dense))
    side = math.ceil(size / 32)
    want = (side * side * last.output_shape[2] + 1) * fc6.units
    assert arch.parameter_split(arch.exam_network(), size).first_dense == want


# --- part (f): transfer learning -----------------------------------------------------------


@given(num_classes=class_counts)
def test_transfer_frozen_plus_retrained_is_new_total(num_classes: int) -> None:
    counts = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, num_classes)
    assert counts.total == arch.total_params(arch.exam_network(num_classes), exam.IMAGE_SHAPE)


@given(num_classes=class_counts)
def test_transfer_freezes_every_conv_parameter(num_classes: int) -> None:
    counts = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, num_classes)
    split = arch.parameter_split(arch.exam_network(), exam.IMAGE_SHAPE[0])
    assert counts.frozen_params == split.conv
    assert counts.frozen_layers == tuple(
        layer.name for layer in arch.EXAM_FEATURES if isinstance(layer, Conv)
    )


@given(num_classes=class_counts)
def test_transfer_retrained_changes_only_by_output_layer(num_classes: int) -> None:
    old = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, exam.NUM_CLASSES)
    new = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, num_classes)
    fc7_units = arch.EXAM_CLASSIFIER[-1].units
    # (fc7 units + 1 bias) parameters per output unit
    assert new.retrained_params - old.retrained_params == (fc7_units + 1) * (
        num_classes - exam.NUM_CLASSES
    )


# --- impossible configurations -------------------------------------------------------------


@pytest.mark.parametrize("kernel_size", [2, 4, 10])
@pytest.mark.parametrize(
    "make",
    [arch.same_padding, lambda f: Conv("conv", f, 8), lambda f: MaxPool("pool", f, 2)],
    ids=["same_padding", "Conv", "MaxPool"],
)
def test_even_kernel_size_raises_naming_kernel_size(make, kernel_size: int) -> None:
    with pytest.raises(ValueError, match="kernel_size"):
        make(kernel_size)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: arch.propagate(arch.exam_network(), (0, 256, 3)), "input_shape height"),
        (lambda: arch.propagate(arch.exam_network(), (256, -1, 3)), "input_shape width"),
        (lambda: arch.propagate(arch.exam_network(), (256, 256, 0)), "input_shape channels"),
        (lambda: arch.propagate(arch.exam_network(), (256, 256)), "input_shape"),
        (lambda: arch.parameter_split(arch.exam_network(), 0), "input_size"),
        (lambda: Conv("conv", 3, 0), "filters"),
        (lambda: Conv("conv", 3, 8, stride=0), "stride"),
        (lambda: Conv("conv", 0, 8), "kernel_size"),
        (lambda: Conv("conv", 3.0, 8), "kernel_size"),
        (lambda: Dense("fc", 0), "units"),
        (lambda: arch.output_layer(0), "num_classes"),
        (lambda: arch.exam_network(width=0.0), "width"),
        (lambda: arch.exam_network(width=2.0), "width"),
        (lambda: arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, 0), "num_classes"),
    ],
)
def test_impossible_configuration_raises_naming_parameter(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()


def test_dense_on_a_volume_raises() -> None:
    with pytest.raises(ValueError, match="Flatten"):
        arch.layer_shape(Dense("fc", 10), (4, 4, 3))


# --- figures -------------------------------------------------------------------------------


def test_network_figure_labels_every_volume_from_the_table() -> None:
    svg = figure_svg(network_figure(_exam_rows(), exam.IMAGE_SHAPE), name="net", alt="network")
    for row in _exam_rows():
        assert row.layer.name in svg or isinstance(row.layer, Flatten)
        assert "\u2009×\u2009".join(map(str, row.output_shape)) in svg


def test_parameters_figure_follows_the_palette() -> None:
    splits = [arch.parameter_split(arch.exam_network(), n) for n in range(64, 513, 8)]
    fig = parameters_vs_input_figure(splits, marked_size=exam.IMAGE_SHAPE[0])
    assert '<svg class="guide-figure"' in figure_svg(
        fig, name="params", alt="parameters against input size"
    )
