"""CNN architectures as data: layer specs, shape propagation, parameter and multiply-add counts.

Part VI of the exam shows an AlexNet-like network in a figure that did not survive; its text
gives the input (256 × 256 × 3), the 1000 classes, the first convolution (96 filters of
11 × 11, stride 4) and the rule that every convolution and pooling layer pads by
p = (f - 1) / 2. `EXAM_FEATURES` and `EXAM_CLASSIFIER` reconstruct the rest after AlexNet
(Krizhevsky et al., 2012): five convolutions 11-5-3-3-3 with 96-256-384-384-256 filters,
3 × 3 max pooling with stride 2 after the first, second and fifth, two fully-connected layers
of 4096 units; `output_layer` adds the part (b) answer, a fully-connected layer of 1000 units.

Volumes are (height, width, channels); a flattened volume is (units,). Multiply-adds count
one multiplication and one addition per weight use; biases and pooling comparisons are not
counted. A tiny numpy forward pass (`init_weights`, `forward`) runs any of these networks, so
the tests can check the table against real array shapes.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from snippets import exam
from snippets.conv import conv2d_multichannel, output_size


def _check_integer(name: str, value: int, minimum: int) -> None:
    try:
        whole = operator.index(value)  # accepts int and numpy integers, rejects 2.0 and "2"
    except TypeError:
        whole = None
    if whole is None or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def same_padding(kernel_size: int) -> int:
    """p = (f - 1) / 2, the exam's padding; keeps the size for stride 1, needs an odd f."""
    _check_integer("kernel_size", kernel_size, 1)
    if kernel_size % 2 == 0:
        raise ValueError(
            f"kernel_size must be odd for padding (f - 1) / 2 to be an integer, got {kernel_size}"
        )
    return (kernel_size - 1) // 2


@dataclass(frozen=True)
class Conv:
    """A convolution with `filters` kernels of kernel_size × kernel_size, padding (f - 1) / 2."""

    name: str
    kernel_size: int
    filters: int
    stride: int = 1

    def __post_init__(self) -> None:
        same_padding(self.kernel_size)
        _check_integer("filters", self.filters, 1)
        _check_integer("stride", self.stride, 1)

    @property
    def padding(self) -> int:
        return same_padding(self.kernel_size)


@dataclass(frozen=True)
class MaxPool:
    """Max pooling over kernel_size × kernel_size windows, padding (f - 1) / 2, no parameters."""

    name: str
    kernel_size: int
    stride: int = 1

    def __post_init__(self) -> None:
        same_padding(self.kernel_size)
        _check_integer("stride", self.stride, 1)

    @property
    def padding(self) -> int:
        return same_padding(self.kernel_size)


@dataclass(frozen=True)
class Flatten:
    """Reshape a volume (h, w, c) into a vector of h w c units."""

    name: str = "flatten"


@dataclass(frozen=True)
class Dense:
    """A fully-connected layer of `units` neurons on a flat input."""

    name: str
    units: int

    def __post_init__(self) -> None:
        _check_integer("units", self.units, 1)


Layer = Conv | MaxPool | Flatten | Dense

# The reconstructed figure: everything before the (missing) output layer.
EXAM_FEATURES: tuple[Layer, ...] = (
    Conv("conv1", exam.FIRST_CONV["kernel_size"], exam.FIRST_CONV["filters"], stride=4),
    MaxPool("pool1", 3, 2),
    Conv("conv2", 5, 256),
    MaxPool("pool2", 3, 2),
    Conv("conv3", 3, 384),
    Conv("conv4", 3, 384),
    Conv("conv5", 3, 256),
    MaxPool("pool3", 3, 2),
)
EXAM_CLASSIFIER: tuple[Layer, ...] = (Flatten("flatten"), Dense("fc6", 4096), Dense("fc7", 4096))


def output_layer(num_classes: int = exam.NUM_CLASSES) -> Dense:
    """The answer of part (b): a fully-connected layer with one unit per class (softmax on top)."""
    _check_integer("num_classes", num_classes, 1)
    return Dense("output", num_classes)


def exam_network(num_classes: int = exam.NUM_CLASSES, width: float = 1.0) -> tuple[Layer, ...]:
    """The reconstructed network with its output layer; `width` scales every filter and unit count.

    width < 1 gives a narrow copy with the same layer list, cheap enough to run in numpy.
    """
    if not (np.isfinite(width) and 0 < width <= 1):
        raise ValueError(f"width must lie in (0, 1], got {width!r}")

    def scaled(n: int) -> int:
        return max(1, round(n * width))

    layers: list[Layer] = []
    for layer in (*EXAM_FEATURES, *EXAM_CLASSIFIER):
        if isinstance(layer, Conv):
            layer = Conv(layer.name, layer.kernel_size, scaled(layer.filters), layer.stride)
        elif isinstance(layer, Dense):
            layer = Dense(layer.name, scaled(layer.units))
        layers.append(layer)
    return (*layers, output_layer(num_classes))


@dataclass(frozen=True)
class LayerShape:
    """One row of the shape table: a layer, its input and output volumes and its costs."""

    layer: Layer
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]  # (height, width, channels), or (units,) once flat
    weight_shapes: tuple[tuple[int, ...], ...]  # (weights, biases), or () without parameters
    params: int  # weights + biases
    mult_adds: int


def _check_shape(input_shape: Sequence[int]) -> tuple[int, int, int]:
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    for axis, value in zip(("height", "width", "channels"), input_shape, strict=True):
        _check_integer(f"input_shape {axis}", value, 1)
    height, width, channels = (int(v) for v in input_shape)
    return height, width, channels


def layer_shape(layer: Layer, shape: Sequence[int]) -> LayerShape:
    """Output volume, weight shapes, parameters and multiply-adds of one layer on `shape`."""
    shape = tuple(int(n) for n in shape)
    if isinstance(layer, Dense) and len(shape) != 1:
        raise ValueError(f"layer {layer.name!r} is fully connected: put a Flatten before it")
    if isinstance(layer, Conv | MaxPool | Flatten) and len(shape) != 3:
        raise ValueError(f"layer {layer.name!r} needs a volume (h, w, c), got shape {shape}")
    if isinstance(layer, Flatten):
        h, w, c = shape
        return LayerShape(layer, shape, (h * w * c,), (), 0, 0)
    if isinstance(layer, Dense):
        (n_in,) = shape
        weights = ((n_in, layer.units), (layer.units,))
        # n_in weights and 1 bias per unit; one multiply-add per weight
        return LayerShape(
            layer, shape, (layer.units,), weights, (n_in + 1) * layer.units, n_in * layer.units
        )
    h, w, c = shape
    f, s, p = layer.kernel_size, layer.stride, layer.padding
    h_out = output_size(h, f, stride=s, padding=p)  # floor((h - f + 2p) / s) + 1
    w_out = output_size(w, f, stride=s, padding=p)
    if isinstance(layer, MaxPool):
        return LayerShape(layer, shape, (h_out, w_out, c), (), 0, 0)  # pooling keeps channels
    k = layer.filters
    weights = ((f, f, c, k), (k,))
    params = f * f * c * k + k  # f·f·c weights per filter, one bias per filter
    mult_adds = h_out * w_out * k * (f * f * c)  # every output cell is an f·f·c dot product
    return LayerShape(layer, shape, (h_out, w_out, k), weights, params, mult_adds)


def propagate(layers: Sequence[Layer], input_shape: Sequence[int]) -> tuple[LayerShape, ...]:
    """The shape table: each layer's output volume, parameters and multiply-adds, in order."""
    shape: tuple[int, ...] = _check_shape(input_shape)
    rows = []
    for layer in layers:
        row = layer_shape(layer, shape)
        rows.append(row)
        shape = row.output_shape
    return tuple(rows)


def total_params(layers: Sequence[Layer], input_shape: Sequence[int]) -> int:
    """Σ weights + biases over all layers, for an input volume `input_shape`."""
    return sum(row.params for row in propagate(layers, input_shape))


@dataclass(frozen=True)
class ParameterSplit:
    """Parameters by role: what depends on the input size (first FC) and what does not."""

    input_size: int
    first_dense_name: str
    conv: int  # every convolution: independent of the input size
    first_dense: int  # the first fully-connected layer: grows with the flattened volume
    other_dense: int  # later fully-connected layers: independent of the input size
    total: int


def parameter_split(
    layers: Sequence[Layer], input_size: int, channels: int = exam.IMAGE_SHAPE[2]
) -> ParameterSplit:
    """Part (e): parameters of a square input_size × input_size × channels input, by role."""
    _check_integer("input_size", input_size, 1)
    rows = propagate(layers, (input_size, input_size, channels))
    conv = sum(r.params for r in rows if isinstance(r.layer, Conv))
    dense = [r for r in rows if isinstance(r.layer, Dense)]
    if not dense:
        raise ValueError("layers must contain a fully-connected layer")
    first, later = dense[0].params, sum(r.params for r in dense[1:])
    return ParameterSplit(input_size, dense[0].layer.name, conv, first, later, conv + first + later)


@dataclass(frozen=True)
class TransferCounts:
    """Part (f): parameters kept frozen from pretraining and parameters trained anew."""

    frozen_layers: tuple[str, ...]
    retrained_layers: tuple[str, ...]
    frozen_params: int
    retrained_params: int

    @property
    def total(self) -> int:
        return self.frozen_params + self.retrained_params


def transfer_learning(
    layers: Sequence[Layer], input_shape: Sequence[int], num_classes: int
) -> TransferCounts:
    """Freeze convolutions and pooling, replace the output layer by `num_classes` units, and
    retrain every fully-connected layer: the exam's choice after pretraining."""
    _check_integer("num_classes", num_classes, 1)
    if not layers or not isinstance(layers[-1], Dense):
        raise ValueError("layers must end in a fully-connected output layer to replace")
    new_layers = [*layers[:-1], Dense(layers[-1].name, num_classes)]  # the replaced output layer
    rows = propagate(new_layers, input_shape)
    frozen = [r for r in rows if isinstance(r.layer, Conv)]  # pooling has nothing to freeze
    retrained = [r for r in rows if isinstance(r.layer, Dense)]
    return TransferCounts(
        frozen_layers=tuple(r.layer.name for r in frozen),
        retrained_layers=tuple(r.layer.name for r in retrained),
        frozen_params=sum(r.params for r in frozen),
        retrained_params=sum(r.params for r in retrained),
    )


# --- a tiny numpy forward pass, to check the table against real arrays ---------------------


def init_weights(
    layers: Sequence[Layer],
    input_shape: Sequence[int],
    rng: np.random.Generator | None = None,
) -> tuple[tuple[NDArray[np.float64], ...], ...]:
    """(weights, biases) arrays for each layer, () for layers without parameters.

    Without `rng` the arrays are read-only broadcast zeros: the full exam network's tens of
    millions of parameters then take no memory. With `rng`: He-scaled normal weights.
    """
    arrays = []
    for row in propagate(layers, input_shape):
        if not row.weight_shapes:
            arrays.append(())
            continue
        w_shape, b_shape = row.weight_shapes
        if rng is None:
            arrays.append((np.broadcast_to(0.0, w_shape), np.broadcast_to(0.0, b_shape)))
        else:
            fan_in = int(np.prod(w_shape[:-1]))  # f·f·c for a conv, n_in for a dense layer
            w = rng.normal(scale=np.sqrt(2.0 / fan_in), size=w_shape)
            arrays.append((w, rng.normal(scale=0.1, size=b_shape)))
    return tuple(arrays)


def _max_pool(x: NDArray[np.float64], f: int, s: int, p: int) -> NDArray[np.float64]:
    """Y[i, j, c] = max over the f × f window at (s i, s j) of x padded by p, per channel."""
    padded = np.pad(x, ((p, p), (p, p), (0, 0)), constant_values=-np.inf)  # padding never wins
    windows = sliding_window_view(padded, (f, f), axis=(0, 1))[::s, ::s]  # (h', w', c, f, f)
    return windows.max(axis=(3, 4))


def forward(
    layers: Sequence[Layer],
    weights: Sequence[tuple[NDArray[np.float64], ...]],
    x: NDArray[np.float64],
) -> tuple[NDArray[np.float64], ...]:
    """Every layer's activation for one input volume x (h, w, c); the last are the logits.

    ReLU follows every convolution and every fully-connected layer but the last, as in AlexNet.
    """
    if len(weights) != len(layers):
        raise ValueError(
            f"weights must have one entry per layer ({len(layers)}), got {len(weights)}"
        )
    outputs = []
    for i, (layer, params) in enumerate(zip(layers, weights, strict=True)):
        if isinstance(layer, Conv):
            w, b = params
            # Σ window · kernel + bias, zero padding (f - 1) / 2: the layer of snippets.conv
            x = conv2d_multichannel(x, w, layer.stride, layer.padding, bias=b)
            x = np.maximum(x, 0.0)
        elif isinstance(layer, MaxPool):
            x = _max_pool(x, layer.kernel_size, layer.stride, layer.padding)
        elif isinstance(layer, Flatten):
            x = x.reshape(-1)
        else:
            w, b = params
            x = x @ w + b
            if i < len(layers) - 1:
                x = np.maximum(x, 0.0)
        outputs.append(x)
    return tuple(outputs)
