"""Part VI: the reconstructed AlexNet-like network, its shapes, parameters and multiply-adds,
and every claim the chapter makes about them.

Witnesses: the sizes of real numpy weight arrays, the shapes of a real numpy forward pass,
naive loops (values and multiply-add counts), a brute-force count of window positions, a
closed form of the first fully-connected layer, AlexNet's layer list as its paper gives it,
finite differences; and the published answer of part (d).
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import FancyArrowPatch, Rectangle
from numpy.testing import assert_allclose

from snippets import architectures as arch
from snippets import exam
from snippets.architectures import Conv, Dense, Flatten, MaxPool
from snippets.logistic import bce, sigmoid
from snippets.render import architectures as render
from snippets.render import markdown as md
from snippets.render.architecture_figures import network_figure, parameters_vs_input_figure
from snippets.render.svg import figure_svg, text_size_width
from tests.strategies import (
    channels,
    class_counts,
    input_sizes,
    odd_kernel_sizes,
    reals,
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


@pytest.mark.claim("exam-sheet.md", "faithful to the sizes the questions ask about")
@pytest.mark.claim("part-6-cnn-architectures.md", "faithful to the sizes the questions ask about")
@pytest.mark.claim("part-6-cnn-architectures.md", "The published answer is 34,944.")
def test_first_conv_params_match_published_answer() -> None:
    first = arch.layer_shape(arch.EXAM_FEATURES[0], exam.IMAGE_SHAPE)
    assert first.params == exam.PUBLISHED_FIRST_CONV_PARAMS
    rows = arch.propagate(arch.exam_network(), exam.IMAGE_SHAPE)
    assert rows[0] == first
    # and every size the exam fixes: the input, the classes, the first convolution's filters
    f, c, k = (exam.FIRST_CONV[key] for key in ("kernel_size", "in_channels", "filters"))
    assert (rows[0].input_shape, rows[-1].output_shape) == (exam.IMAGE_SHAPE, (exam.NUM_CLASSES,))
    assert rows[0].weight_shapes[0] == (f, f, c, k)


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "its published solutions fix the first convolution: 96 filters of 11 × 11 over 3 colour channels",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "Each of the 96 filters spans 11 × 11 pixels across all 3 input channels and has one bias",
)
def test_first_conv_params_are_f_f_c_k_plus_k() -> None:
    # 11 · 11 · 3 · 96 + 96, each factor read from the exam's data, not from the network.
    f, c, k = (exam.FIRST_CONV[key] for key in ("kernel_size", "in_channels", "filters"))
    first = arch.layer_shape(arch.EXAM_FEATURES[0], exam.IMAGE_SHAPE)
    assert first.input_shape[2] == c
    assert first.weight_shapes == ((f, f, c, k), (k,))  # k filters of f × f × c, k biases
    assert first.params == f * f * c * k + k
    # the published count is the product of these sizes: the solutions fix them
    assert f * f * c * k + k == exam.PUBLISHED_FIRST_CONV_PARAMS


@pytest.mark.claim(
    "exam-sheet.md",
    "each image has 256 × 256 pixels and belongs to one of 1000 classes",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "each image has 256 × 256 pixels and belongs to one of 1000 classes",
)
def test_exam_network_follows_the_exam_data() -> None:
    rows = _exam_rows()
    assert rows[0].input_shape == exam.IMAGE_SHAPE
    assert rows[-1].output_shape == (exam.NUM_CLASSES,)
    assert all(layer.padding == (layer.kernel_size - 1) // 2 for layer in arch.EXAM_FEATURES)


# --- parameters against real arrays --------------------------------------------------------


@pytest.mark.claim("part-6-cnn-architectures.md", "The formula applied layer by layer")
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


@pytest.mark.claim("part-6-cnn-architectures.md", "The formula applied layer by layer")
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


@pytest.mark.claim("part-6-cnn-architectures.md", "Along each axis, a filter of size")
@pytest.mark.claim("part-6-cnn-architectures.md", "the last, incomplete step is dropped")
@given(height=small_sizes, width=small_sizes, kernel_size=odd_kernel_sizes, stride=strides)
def test_output_size_counts_window_positions(
    height: int, width: int, kernel_size: int, stride: int
) -> None:
    # Brute force, along each axis: every start i·stride whose window still fits in the
    # padded input (a last, incomplete step has no start).
    padding = arch.same_padding(kernel_size)

    def positions(n: int) -> int:
        starts = [
            i for i in range(0, n + 2 * padding, stride) if i + kernel_size <= n + 2 * padding
        ]
        assert len(starts) == (n - kernel_size + 2 * padding) // stride + 1  # the formula
        return len(starts)

    for layer in (MaxPool("pool", kernel_size, stride), Conv("conv", kernel_size, 1, stride)):
        (row,) = arch.propagate([layer], (height, width, 1))
        assert row.output_shape[:2] == (positions(height), positions(width)), layer.name


@pytest.mark.claim("part-6-cnn-architectures.md", "a layer with stride 1 keeps the size")
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


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "multiply-adds count one multiplication and one addition per use of a weight, for one image",
)
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


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "multiply-adds count one multiplication and one addition per use of a weight, for one image",
)
@given(n_in=st.integers(min_value=1, max_value=12), units=st.integers(min_value=1, max_value=12))
def test_dense_mult_adds_match_loop_count(n_in: int, units: int) -> None:
    count = sum(1 for _ in range(units) for _ in range(n_in))  # one product per weight
    assert arch.layer_shape(Dense("fc", units), (n_in,)).mult_adds == count


# --- part (e): parameters against input size -----------------------------------------------


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "The convolutions and the other fully-connected layers keep their counts.",
)
@given(small=input_sizes, large=input_sizes)
def test_conv_params_do_not_depend_on_input_size(small: int, large: int) -> None:
    layers = arch.exam_network()
    a, b = arch.parameter_split(layers, small), arch.parameter_split(layers, large)
    assert (a.conv, a.other_dense) == (b.conv, b.other_dense)


@pytest.mark.claim("part-6-cnn-architectures.md", "Every other layer keeps its count")
@given(small=input_sizes, large=input_sizes)
def test_total_params_change_only_by_first_dense_change(small: int, large: int) -> None:
    layers = arch.exam_network()
    a, b = arch.parameter_split(layers, small), arch.parameter_split(layers, large)
    assert b.total - a.total == b.first_dense - a.first_dense


@pytest.mark.claim("part-6-cnn-architectures.md", "Yes, the total grows")
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


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "because the network is not fully convolutional: the first fully-connected layer (fc6) reads the flattened last volume, which grows with the image, so it gets more weights",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "But the last pooled volume grows with the image, and the first fully-connected layer (fc6) connects every one of its values to every one of its 4096 units.",
)
@pytest.mark.claim("part-6-cnn-architectures.md", "At 256 × 256 that volume is 8 × 8 × 256")
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "the count rises in steps every 32 pixels, with the square of the side",
)
@given(size=input_sizes)
def test_first_dense_params_closed_form(size: int) -> None:
    # Padding (f - 1)/2 makes each layer ceil(n / s): four strides 4, 2, 2, 2 give ceil(n / 32).
    last = next(r for r in _exam_rows() if r.layer.name == "pool3")
    fc6 = next(layer for layer in arch.EXAM_CLASSIFIER if isinstance(layer, Dense))
    side = math.ceil(size / 32)
    want = (side * side * last.output_shape[2] + 1) * fc6.units
    assert arch.parameter_split(arch.exam_network(), size).first_dense == want
    # At the exam's size the flattened volume fc6 reads is ceil(256/32) = 8 square, as deep
    # as the last convolution has filters.
    flat = next(r for r in _exam_rows() if isinstance(r.layer, Flatten))
    conv5 = [layer for layer in arch.EXAM_FEATURES if isinstance(layer, Conv)][-1]
    n = exam.IMAGE_SHAPE[0]
    assert flat.input_shape == (math.ceil(n / 32), math.ceil(n / 32), conv5.filters)


# --- part (f): transfer learning -----------------------------------------------------------


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "That freezes 3,747,200 parameters (4.1%) and trains 87,991,272 on the small dataset.",
)
@given(num_classes=class_counts)
def test_transfer_frozen_plus_retrained_is_new_total(num_classes: int) -> None:
    counts = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, num_classes)
    assert counts.total == arch.total_params(arch.exam_network(num_classes), exam.IMAGE_SHAPE)


@pytest.mark.claim("part-6-cnn-architectures.md", "keep the pretrained convolutions (frozen)")
@pytest.mark.claim(
    "part-6-cnn-architectures.md", "the convolutions keep their pretrained values and are frozen"
)
@given(num_classes=class_counts)
def test_transfer_freezes_every_conv_parameter(num_classes: int) -> None:
    counts = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, num_classes)
    split = arch.parameter_split(arch.exam_network(), exam.IMAGE_SHAPE[0])
    assert counts.frozen_params == split.conv
    assert counts.frozen_layers == tuple(
        layer.name for layer in arch.EXAM_FEATURES if isinstance(layer, Conv)
    )


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "Replace the output layer by a new one with 1000 units, one per contest class, trained from scratch",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "the output layer is replaced by a new one with one unit per contest class",
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


# --- the chapter's claims: (a) the classic architecture ----------------------------------
# AlexNet as its paper gives it (Krizhevsky, Sutskever and Hinton, 2012, section 3.5 and
# figure 2), typed here independently of snippets/: (filter size, stride, filters) of each
# convolution; the convolutions max pooling follows; pooling window and stride; the units of
# the fully-connected layers; the depth of each convolution's kernels, half the channels of
# its input where the paper splits a layer over its two GPUs; the classes of ImageNet.
ALEXNET_CONVS = ((11, 4, 96), (5, 1, 256), (3, 1, 384), (3, 1, 384), (3, 1, 256))
ALEXNET_POOLED_AFTER = ("conv1", "conv2", "conv5")
ALEXNET_POOL = (3, 2)
ALEXNET_DENSE = (4096, 4096, 1000)
ALEXNET_KERNEL_DEPTH = {"conv1": 3, "conv2": 48, "conv3": 256, "conv4": 192, "conv5": 192}
IMAGENET_CLASSES = 1000


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "Its stride and every other layer are reconstructed after a classic network",
)
@pytest.mark.claim("part-6-cnn-architectures.md", "The network has the marks of AlexNet")
@pytest.mark.claim("part-6-cnn-architectures.md", "The layer list follows AlexNet's")
def test_reconstruction_has_alexnets_layer_list() -> None:
    layers = arch.exam_network()
    convs = [layer for layer in layers if isinstance(layer, Conv)]
    assert tuple((c.kernel_size, c.stride, c.filters) for c in convs) == ALEXNET_CONVS
    pools = [i for i, layer in enumerate(layers) if isinstance(layer, MaxPool)]
    assert tuple(layers[i - 1].name for i in pools) == ALEXNET_POOLED_AFTER
    assert {(layers[i].kernel_size, layers[i].stride) for i in pools} == {ALEXNET_POOL}
    assert tuple(layer.units for layer in layers if isinstance(layer, Dense)) == ALEXNET_DENSE


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "5 convolutions, with max pooling after the first, the second and the last",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "3 fully-connected layers at the end, counting the output layer of (b)",
)
def test_network_has_five_convolutions_and_three_fully_connected_layers() -> None:
    # (a): "5 convolutions", "3 fully-connected layers at the end, counting the output layer"
    layers = arch.exam_network()
    assert sum(isinstance(layer, Conv) for layer in layers) == 5
    assert [type(layer) for layer in layers[-3:]] == [Dense, Dense, Dense]
    assert sum(isinstance(layer, Dense) for layer in layers) == 3
    # max pooling right after the first, the second and the last convolution, nowhere else
    convs = [i for i, layer in enumerate(layers) if isinstance(layer, Conv)]
    pooled = [i - 1 for i, layer in enumerate(layers) if isinstance(layer, MaxPool)]
    assert pooled == [convs[0], convs[1], convs[-1]]


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "which divides the height and width of the image by 4 at once (256 to 64)",
)
@pytest.mark.claim("part-6-cnn-architectures.md", "so the first volume is 64 × 64 × 96")
def test_first_conv_divides_height_and_width_by_its_stride() -> None:
    first = _exam_rows()[0]
    stride = first.layer.stride
    height, width, _ = exam.IMAGE_SHAPE
    # exactly divided (no rounding), into as many channels as the exam's filters
    assert first.output_shape == (height / stride, width / stride, exam.FIRST_CONV["filters"])
    text = render.architecture_unit()
    assert f"({exam.IMAGE_SHAPE[0]} to {first.output_shape[0]})" in text


@pytest.mark.claim(
    "part-6-cnn-architectures.md", "which overlap, since the stride is smaller than the window"
)
def test_pooling_windows_overlap() -> None:
    # (a): the stride is smaller than the window, so neighbouring windows share cells
    pools = [layer for layer in arch.EXAM_FEATURES if isinstance(layer, MaxPool)]
    assert pools
    assert all(pool.stride < pool.kernel_size for pool in pools)


@pytest.mark.claim(
    "part-6-cnn-architectures.md", "as many as the ImageNet challenge it was built for"
)
def test_classes_are_as_many_as_imagenets() -> None:
    assert exam.NUM_CLASSES == IMAGENET_CLASSES


@pytest.mark.claim("exam-sheet.md", "Every convolution and pooling layer pads its input by")
@pytest.mark.claim(
    "part-6-cnn-architectures.md", "Every convolution and pooling layer pads its input by"
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md", "every convolution and pooling layer pads by the exam's rule"
)
def test_every_conv_and_pool_pads_by_the_exams_rule() -> None:
    for layer in arch.EXAM_FEATURES:
        assert 2 * layer.padding == layer.kernel_size - 1, layer.name


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "every filter sees all the channels of its input (AlexNet split some layers into two halves, one per GPU)",
)
def test_every_filter_sees_all_channels_where_alexnet_splits_some_in_halves() -> None:
    # (a)'s note: one tower here, every kernel as deep as its input; AlexNet's kernels of
    # conv2, conv4 and conv5 see half of it, one GPU's share
    convs = [row for row in _exam_rows() if isinstance(row.layer, Conv)]
    assert all(row.weight_shapes[0][2] == row.input_shape[2] for row in convs)
    halved = [
        r.layer.name for r in convs if 2 * ALEXNET_KERNEL_DEPTH[r.layer.name] == r.input_shape[2]
    ]
    whole = [r.layer.name for r in convs if ALEXNET_KERNEL_DEPTH[r.layer.name] == r.input_shape[2]]
    assert (halved, whole) == (["conv2", "conv4", "conv5"], ["conv1", "conv3"])


@pytest.mark.claim("part-6-cnn-architectures.md", "there is no local response normalisation")
def test_network_has_no_normalisation_layer() -> None:
    # (a)'s note: convolutions, pooling, a flatten and fully-connected layers, nothing else
    assert {type(layer) for layer in arch.exam_network()} == {Conv, MaxPool, Flatten, Dense}


# --- (b) the output layer -------------------------------------------------------------------

SOFTMAX_ATOL = 1e-12  # sums and logs of probabilities in double precision
FD_STEP = 1e-6  # central differences of the smooth cross-entropy
FD_ATOL = 1e-7
# Logits of 2 to 8 classes, each in [-5, 5] (`reals`): every probability stays above e^-10.
logit_vectors = st.lists(reals, min_size=2, max_size=8).map(np.array)


def softmax(z: np.ndarray) -> np.ndarray:
    """p_k = e^(z_k) / Σ_j e^(z_j), the formula the chapter displays (shifted: same value)."""
    e = np.exp(z - z.max())
    return e / e.sum()


def cross_entropy(z: np.ndarray, y: int) -> float:
    """-Σ_k t_k log p_k for the one-hot target of class y, summed over every class."""
    t = np.eye(len(z))[y]
    return float(-(t * np.log(softmax(z))).sum())


@pytest.mark.claim(
    "part-6-cnn-architectures.md", "A fully-connected layer with 1000 units, one score (logit)"
)
@pytest.mark.claim("part-6-cnn-architectures.md", "It reads the 4096 outputs of fc7")
def test_output_layer_has_a_unit_per_class() -> None:
    out = _exam_rows()[-1]
    assert out.layer == arch.output_layer()
    assert out.layer.units == exam.NUM_CLASSES
    assert out.layer.name == "output"
    assert _exam_rows()[-2].layer.name == "fc7"
    assert out.input_shape == _exam_rows()[-2].output_shape == (4096,)  # fc7's 4096 outputs


@pytest.mark.claim(
    "part-6-cnn-architectures.md", "parameters: a weight per input and a bias, for every unit"
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "one can retrain only the new output layer (4,097,000 parameters)",
)
def test_output_layer_params_are_a_weight_per_input_and_a_bias_per_unit() -> None:
    out, before = _exam_rows()[-1], _exam_rows()[-2]
    want = (before.output_shape[0] + 1) * exam.NUM_CLASSES
    (weights, biases) = arch.init_weights(arch.exam_network(), exam.IMAGE_SHAPE)[-1]
    assert out.params == want == weights.size + biases.size


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "which turns the scores into probabilities that are positive and sum to one",
)
@given(z=logit_vectors)
def test_softmax_probabilities_are_positive_and_sum_to_one(z: np.ndarray) -> None:
    p = softmax(z)
    assert np.all(p > 0)
    assert_allclose(p.sum(), 1.0, atol=SOFTMAX_ATOL)


@pytest.mark.claim("part-6-cnn-architectures.md", "is the negative log-probability of its class")
@given(z=logit_vectors, data=st.data())
def test_cross_entropy_of_a_one_hot_target_is_minus_log_p_of_its_class(z, data) -> None:
    y = data.draw(st.integers(0, len(z) - 1))
    assert_allclose(cross_entropy(z, y), -np.log(softmax(z)[y]), atol=SOFTMAX_ATOL)


@pytest.mark.claim("part-6-cnn-architectures.md", "Its gradient with respect to the scores is")
@given(z=logit_vectors, data=st.data())
def test_softmax_cross_entropy_gradient_is_p_minus_t(z, data) -> None:
    y = data.draw(st.integers(0, len(z) - 1))
    step = np.eye(len(z)) * FD_STEP
    numeric = [(cross_entropy(z + h, y) - cross_entropy(z - h, y)) / (2 * FD_STEP) for h in step]
    assert_allclose(numeric, softmax(z) - np.eye(len(z))[y], atol=FD_ATOL)


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "With two classes, softmax is the sigmoid of the difference of the two scores and this loss is the binary cross-entropy of Part III",
)
@given(z0=reals, z1=reals, y=st.sampled_from([0, 1]))
def test_two_class_softmax_is_the_sigmoid_and_its_loss_the_bce(z0, z1, y) -> None:
    # (b): softmax of (z0, z1) is σ(z0 - z1) for class 0; the loss is Part III's BCE
    z = np.array([z0, z1])
    p0 = float(sigmoid(z0 - z1))
    assert_allclose(softmax(z)[0], p0, atol=SOFTMAX_ATOL)
    # |z0 - z1| <= 10 keeps p0 within (4e-5, 1 - 4e-5): both logs are well conditioned
    assert_allclose(cross_entropy(z, y), bce(p0, 1 - y), atol=SOFTMAX_ATOL)


# --- (c) output sizes -----------------------------------------------------------------------


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "The number of channels is the number of filters for a convolution, and pooling leaves it unchanged.",
)
@given(size=small_sizes, kernel_size=odd_kernel_sizes, stride=strides, c=channels, k=channels)
def test_conv_output_channels_are_its_filters_and_pooling_keeps_them(
    size, kernel_size, stride, c, k
):
    conv = arch.layer_shape(Conv("conv", kernel_size, k, stride), (size, size, c))
    pool = arch.layer_shape(MaxPool("pool", kernel_size, stride), (size, size, c))
    assert (conv.output_shape[2], pool.output_shape[2]) == (k, c)


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "conv1 64 × 64, pool1 32 × 32, conv2 32 × 32, pool2 16 × 16, conv3 16 × 16, conv4 16 × 16, conv5 16 × 16, pool3 8 × 8.",
)
def test_output_sizes_answer_lists_every_volume() -> None:
    # Independent: with p = (f - 1)/2 each layer gives ceil(n / s); multiply the strides so far.
    answer = render.output_sizes_answer()[1]
    n, want = exam.IMAGE_SHAPE[0], []
    for layer in arch.EXAM_FEATURES:
        n = math.ceil(n / layer.stride)
        want.append(f"{layer.name} {n}\u00a0×\u00a0{n}")
    assert answer == ", ".join(want) + "."
    assert want[0] == "conv1 64\u00a0×\u00a064"
    assert want[-1] == "pool3 8\u00a0×\u00a08"


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "Here 4 does not divide 255: without the floor the formula would give 64.75, which is not a size.",
)
def test_output_size_unit_says_when_the_floor_drops_a_step() -> None:
    first = arch.EXAM_FEATURES[0]
    numerator = exam.IMAGE_SHAPE[0] - first.kernel_size + 2 * first.padding
    text = render.output_size_unit()
    assert numerator % first.stride != 0  # 255 = 4 · 63 + 3: the exam's case drops a step
    unfloored = numerator / first.stride + 1
    assert f"Here {first.stride} does not divide {numerator}: without the floor" in text
    assert f"the formula would give {unfloored:g}, which is not a size" in text
    assert not unfloored.is_integer()  # 64.75: not a count of positions
    assert math.floor(unfloored) == _exam_rows()[0].output_shape[0]


@pytest.mark.claim(
    "part-6-cnn-architectures.md", "The filled-in figure, with the output layer of (b) dashed"
)
def test_answer_figure_dashes_the_output_layer_only() -> None:
    fig = network_figure(_exam_rows(), exam.IMAGE_SHAPE)
    boxes = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    dashed = [p for p in boxes if p.get_linestyle() not in ("-", "solid")]
    assert len(boxes) == 12
    assert len(dashed) == 1
    assert dashed[0] is boxes[-1]


# --- (d) parameters of one layer -----------------------------------------------------------


@pytest.mark.claim(
    "practice/param-count.md",
    "The count does not depend on the size of the feature map or on the stride: the same filters slide over every position.",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "The count does not depend on the size of the feature map or on the stride: the same filters slide over every position.",
)
@pytest.mark.claim(
    "part-6-cnn-architectures.md", "nothing in it depends on the height or width of its input"
)
@given(size=small_sizes, other=small_sizes, kernel_size=odd_kernel_sizes, stride=strides,
       c=channels, k=channels)  # fmt: skip
def test_conv_params_do_not_depend_on_map_size_or_stride(size, other, kernel_size, stride, c, k):
    # height and width drawn apart, and swapped, with two strides: one count, f · f · c · k + k
    one = arch.layer_shape(Conv("conv", kernel_size, k, stride), (size, other, c))
    two = arch.layer_shape(Conv("conv", kernel_size, k, 1), (other, size, c))
    assert one.params == two.params == kernel_size * kernel_size * c * k + k


@given(n_in=st.integers(min_value=1, max_value=64), units=st.integers(min_value=1, max_value=64))
def test_dense_params_are_n_k_weights_plus_k_biases(n_in: int, units: int) -> None:
    layers = [Dense("fc", units)]
    (arrays,) = arch.init_weights([Flatten(), *layers], (1, 1, n_in))[1:]
    assert arch.layer_shape(layers[0], (n_in,)).params == n_in * units + units
    assert sum(a.size for a in arrays) == n_in * units + units


def test_published_answer_shown_for_the_exams_layer_only() -> None:
    exams = render.params_worked(_exam_rows()[0])
    other = render.params_worked(arch.layer_shape(Conv("conv", 3, 8), (3, 3, 3)))
    published = f"{exam.PUBLISHED_FIRST_CONV_PARAMS:,}"
    assert f"The published answer is {published}." in exams
    assert "published" not in other


def test_chapter_and_practice_show_the_same_worked_count() -> None:
    worked = render.params_worked(_exam_rows()[0])
    assert md.indent(worked) in render.first_layer_unit()
    assert md.indent(worked) in render.first_layer_solution()


# --- (e) parameters against input size -----------------------------------------------------


@pytest.mark.claim("part-6-cnn-architectures.md", "and pooling has no parameters at all")
def test_pooling_has_no_parameters() -> None:
    pools = [r for r in _exam_rows() if isinstance(r.layer, MaxPool)]
    assert pools
    assert all(r.params == 0 and r.weight_shapes == () for r in pools)


@pytest.mark.claim("part-6-cnn-architectures.md", "The strides multiply to 32")
def test_strides_multiply_to_32() -> None:
    # The 32 of test_first_dense_params_closed_form, and the text's step width.
    product = math.prod(layer.stride for layer in arch.EXAM_FEATURES)
    assert product == 32
    assert f"The strides multiply to {product}" in render.input_size_unit()


@pytest.mark.claim("part-6-cnn-architectures.md", "parameters, 73% of the whole network")
def test_first_dense_share_in_text_matches_weight_arrays() -> None:
    weights = arch.init_weights(arch.exam_network(), exam.IMAGE_SHAPE)
    sizes = [sum(a.size for a in arrays) for arrays in weights]
    names = [layer.name for layer in arch.exam_network()]
    share = sizes[names.index("fc6")] / sum(sizes)
    assert share > 0.5  # most of the network
    assert f"parameters, {share:.0%} of the whole network" in render.input_size_unit()


@pytest.mark.claim("part-6-cnn-architectures.md", "would keep the same count for every input size")
@given(small=input_sizes, large=input_sizes)
def test_fully_convolutional_params_do_not_depend_on_input_size(small: int, large: int) -> None:
    # The features, then the classifier as 1 × 1 convolutions (global average pooling after
    # them has no parameters).
    layers = [*arch.EXAM_FEATURES, Conv("fc6", 1, 4096), Conv("fc7", 1, 4096), Conv("out", 1, 1000)]
    assert arch.total_params(layers, (small, small, 3)) == arch.total_params(
        layers, (large, large, 3)
    )


# --- (f) transfer learning -----------------------------------------------------------------


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "These counts do not depend on the number of classes of the large dataset: its output layer is thrown away.",
)
@given(pretrain_classes=class_counts)
def test_transfer_counts_do_not_depend_on_pretraining_classes(pretrain_classes: int) -> None:
    pretrained = arch.exam_network(num_classes=pretrain_classes)
    counts = arch.transfer_learning(pretrained, exam.IMAGE_SHAPE, exam.NUM_CLASSES)
    assert counts == arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, exam.NUM_CLASSES)


@pytest.mark.claim("part-6-cnn-architectures.md", "retrain the other fully-connected layers")
@pytest.mark.claim("part-6-cnn-architectures.md", "the other fully-connected layers are retrained")
@pytest.mark.claim("part-6-cnn-architectures.md", "(pooling has no parameters to freeze)")
def test_transfer_retrains_every_fully_connected_layer() -> None:
    counts = arch.transfer_learning(arch.exam_network(), exam.IMAGE_SHAPE, exam.NUM_CLASSES)
    assert counts.retrained_layers == ("fc6", "fc7", "output")
    frozen = sum(r.params for r in _exam_rows() if isinstance(r.layer, Conv | MaxPool))
    assert counts.frozen_params == frozen  # pooling adds nothing to freeze


# --- the setting: nothing answered before the questions -----------------------------------


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "Part VI · 9 points · about 9 of the exam's 71 minutes (one minute a point)",
)
def test_summary_counts_the_points_of_the_questions_and_a_minute_a_point() -> None:
    part = exam.part(6)
    points = sum(question.points for question in part.questions)
    assert points == part.points == exam.PUBLISHED_PART_POINTS[5] == 9
    assert sum(p.points for p in exam.PARTS) == exam.MINUTES  # one minute a point
    summary = md.part_summary(6)
    assert f"**Part VI · {md.points(points)}** · about {points} of the exam's " in summary
    assert f"{exam.MINUTES} minutes (one minute a point)" in summary


def normal(text: str) -> str:
    """As a reader compares: spaces and digit commas do not count (tests/test_browser_exam_first)."""
    return re.sub(r"[\s,\u2009\u202f\u00a0]", "", text).lower()


def test_setting_shows_no_answer_of_part_vi() -> None:
    shown = normal(render.network_setting())
    tells = [t for (part, _), ts in exam.published_tells().items() if part == 6 for t in ts]
    assert "alexnet" in [t.lower() for t in tells]
    for tell in tells:
        assert normal(tell) not in shown, tell


@pytest.mark.claim("exam-sheet.md", "The figure stops before the output layer.")
@pytest.mark.claim("part-6-cnn-architectures.md", "The figure stops before the output layer.")
def test_question_figure_shows_no_asked_size_and_no_output_layer() -> None:
    fig = network_figure(render._question_rows(), exam.IMAGE_SHAPE, show_sizes=False)
    labels = [t.get_text() for t in fig.axes[0].texts]
    alt = re.search(r'aria-label="([^"]*)"', render.question_figure()).group(1)
    for row in _exam_rows():
        if len(row.output_shape) == 3:
            h, w, _ = row.output_shape
            assert not any(label.startswith(f"{h}\u2009×\u2009{w}") for label in labels)
            assert f" {h}\u00a0×\u00a0{w}\u00a0×" not in alt, row.layer.name
    # (b) asks for the output layer: neither its name, its size nor its kind is shown
    assert "fc7" in labels  # the last volume shown
    assert not any(str(exam.NUM_CLASSES) in text for text in [*labels, alt])
    assert "output" not in " ".join([*labels, alt])
    assert alt.count("fully connected") == 2  # fc6 and fc7, given


@pytest.mark.claim("exam-sheet.md", "Under each arrow stand the filter size")
@pytest.mark.claim("part-6-cnn-architectures.md", "Under each arrow stand the filter size")
def test_question_figure_labels_each_arrow_with_f_and_s_only_when_s_is_not_1() -> None:
    fig = network_figure(render._question_rows(), exam.IMAGE_SHAPE, show_sizes=False)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for layer in arch.EXAM_FEATURES:
        shown = f"f={layer.kernel_size}" + (f", s={layer.stride}" if layer.stride != 1 else "")
        assert shown in texts, layer.name
    assert not any("s=1" in text for text in texts)
    # "Under each arrow": each f, s label hangs just below a horizontal stretch of an arrow
    # (a straight arrow, or the line that leads from the end of one row to the next).
    ax, renderer = fig.axes[0], FigureCanvasAgg(fig).get_renderer()
    shafts = []  # (x from, x to, y), in pixels
    for patch in ax.patches:
        if isinstance(patch, FancyArrowPatch):
            box = patch.get_window_extent(renderer)
            shafts.append((box.x0, box.x1, (box.y0 + box.y1) / 2))
    for line in ax.lines:
        points = ax.transData.transform(line.get_xydata())
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if math.isclose(y0, y1):
                shafts.append((min(x0, x1), max(x0, x1), y0))
    labels = [t for t in ax.texts if t.get_text().startswith("f=")]
    assert len(labels) == len(arch.EXAM_FEATURES)
    for label in labels:
        box = label.get_window_extent(renderer)
        centre = (box.x0 + box.x1) / 2
        assert any(x0 <= centre <= x1 and 0 < y - box.y1 < box.height for x0, x1, y in shafts), (
            label.get_text()
        )


@pytest.mark.claim(
    "part-6-cnn-architectures.md",
    "a note after that answer says how closely the reconstruction follows it",
)
def test_alexnet_is_named_only_behind_the_answer_of_a() -> None:
    unit = render.architecture_unit()
    before, answers = unit.split('<div class="guide-answers', 1)
    assert "AlexNet" not in before
    assert "How closely the reconstruction follows it" in answers
    assert "AlexNet" not in render.network_setting()
    assert "AlexNet" not in "".join(f() for f in (render.output_layer_unit,
                                                   render.first_layer_unit))  # fmt: skip


def test_every_unit_answers_in_the_exams_shape() -> None:
    units = (render.architecture_unit, render.output_layer_unit, render.output_size_unit,
             render.first_layer_unit, render.input_size_unit, render.transfer_unit)  # fmt: skip
    for label, unit in zip("abcdef", units, strict=True):
        text = unit()
        assert text.startswith(md.heading(6, label)), label
        assert f'"Answer · {md.points(md.question(6, label).points)}"' in text, label


# --- figures -------------------------------------------------------------------------------

# The column of a worked solution on a phone 390 px wide (measured), and the smallest label
# size a reader should get there, in CSS px.
PHONE_COLUMN = 332
PHONE_LABEL = 11


@pytest.mark.claim("part-6-cnn-architectures.md", "The filled-in figure")
def test_network_figure_labels_every_volume_from_the_table() -> None:
    svg = figure_svg(network_figure(_exam_rows(), exam.IMAGE_SHAPE), name="net", alt="network")
    for row in _exam_rows():
        assert row.layer.name in svg or isinstance(row.layer, Flatten)
        assert "\u2009×\u2009".join(map(str, row.output_shape)) in svg


def _figures():
    splits = [arch.parameter_split(arch.exam_network(), n) for n in range(64, 513)]
    return {
        "question": network_figure(render._question_rows(), exam.IMAGE_SHAPE, show_sizes=False),
        "answer": network_figure(_exam_rows(), exam.IMAGE_SHAPE),
        "parameters": parameters_vs_input_figure(splits, marked_size=exam.IMAGE_SHAPE[0]),
    }


@pytest.mark.parametrize("name", ["question", "answer", "parameters"])
def test_figure_labels_stay_readable_in_a_phones_column(name: str) -> None:
    # Scaled to the column, the smallest label is still PHONE_LABEL px (1 pt of the SVG is
    # one unit of its viewBox); on a wide column it stops at the size of the text (1 em).
    fig = _figures()[name]
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize")) if t.get_text()]
    smallest = min(t.get_fontsize() for t in texts)
    width_pt = fig.get_figwidth() * 72
    assert smallest * PHONE_COLUMN / width_pt >= PHONE_LABEL
    assert text_size_width(fig) == pytest.approx(width_pt / smallest)


@pytest.mark.parametrize("name", ["question", "answer"])
def test_network_figure_labels_neither_overlap_nor_leave_the_figure(name: str) -> None:
    fig = _figures()[name]
    renderer = FigureCanvasAgg(fig).get_renderer()  # text extents as drawn
    bounds = fig.bbox
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_text()]
    for i, box in enumerate(boxes):
        assert bounds.contains(box.x0, box.y0)
        assert bounds.contains(box.x1, box.y1)
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other), (fig.axes[0].texts[i].get_text(),)
    patches = [
        p.get_window_extent(renderer) for p in fig.axes[0].patches if isinstance(p, Rectangle)
    ]
    assert not any(box.overlaps(patch) for box in boxes for patch in patches)


def test_narrow_figures_stop_at_the_text_size_on_a_wide_column() -> None:
    html = render.question_figure()
    width = text_size_width(_figures()["question"])
    assert html.startswith(f'<figure class="guide-svg" style="max-width: {width:.1f}em">')


def test_parameters_figure_follows_the_palette() -> None:
    splits = [arch.parameter_split(arch.exam_network(), n) for n in range(64, 513, 8)]
    fig = parameters_vs_input_figure(splits, marked_size=exam.IMAGE_SHAPE[0])
    assert '<svg class="guide-figure"' in figure_svg(
        fig, name="params", alt="parameters against input size"
    )
