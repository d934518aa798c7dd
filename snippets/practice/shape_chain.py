"""Practice kind shape-chain: height × width × channels through a stack of layers (Part VI (c)).

An input of 12 to 48 pixels a side (a quarter of them rectangular) with 1, 3 or 8 channels
goes through 3 or 4 layers, the first a convolution: convolutions with 4 to 64 filters of
size 1, 3, 5 or 7, stride 1 to 3 and padding 0 or (f - 1) / 2, and max pooling of 2 × 2
(padding 0) or 3 × 3 (padding 0 or 1) with stride 2 or 3; no stride exceeds its kernel size. At least one layer's stride does
not divide n - f + 2p, so the floor in ⌊(n - f + 2p) / s⌋ + 1 matters, as in the exam's
first layer, ⌊(256 - 11 + 2 · 5) / 4⌋ + 1 = 64. Every output is at least 2 × 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from snippets import architectures, conv, exam
from snippets.practice.asked import Asked
from snippets.practice.seeds import Draw, attempts

KIND = "shape-chain"
TITLE = "Shapes through a network"
PART = 6  # the chapter with the exam's own instance
EXAM_QUESTION = "Part VI (c)"
SIZES = tuple(range(12, 49))
CHANNELS = (1, 3, 8)
FILTERS = (4, 8, 16, 32, 64)
CONV_KERNELS = (1, 3, 5, 7)
CONV_STRIDES = (1, 2, 3)
POOL_KERNELS = (2, 3)
POOL_STRIDES = (2, 3)
LAYER_COUNTS = (3, 4)
SQUARE_SHARE = 0.75  # most inputs are square, as in the exam
MIN_OUTPUT = 2

LayerName = Literal["conv", "max-pool"]
LAYER_NAMES: tuple[LayerName, ...] = ("conv", "max-pool")


@dataclass(frozen=True)
class ChainLayer:
    """One layer of the stack: a convolution (with `filters`) or max pooling (without)."""

    layer: LayerName
    kernel_size: int
    stride: int
    padding: int
    filters: int | None = None

    def __post_init__(self) -> None:
        if self.layer not in LAYER_NAMES:
            raise ValueError(f"layer must be one of {', '.join(LAYER_NAMES)}, got {self.layer!r}")
        for name, minimum in (("kernel_size", 1), ("stride", 1), ("padding", 0)):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= minimum):
                raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
        if self.padding >= self.kernel_size:
            raise ValueError(
                f"padding must be less than kernel_size {self.kernel_size}, got {self.padding}"
            )
        if self.layer == "conv" and not (isinstance(self.filters, int) and self.filters >= 1):
            raise ValueError(f"filters must be a whole number >= 1 for conv, got {self.filters!r}")
        if self.layer == "max-pool" and self.filters is not None:
            raise ValueError(f"filters must be None for max-pool, got {self.filters!r}")


@dataclass(frozen=True)
class ShapeChainProblem:
    """An input volume (height, width, channels) and the layers applied to it, in order."""

    input_shape: tuple[int, int, int]
    layers: tuple[ChainLayer, ...]

    def __post_init__(self) -> None:
        if len(self.input_shape) != 3 or min(self.input_shape) < 1:
            raise ValueError(
                f"input_shape must be (height, width, channels) >= 1, got {self.input_shape!r}"
            )
        if not self.layers:
            raise ValueError("layers must hold at least one layer, got none")


def layer_output(layer: ChainLayer, shape: tuple[int, int, int]) -> tuple[int, int, int]:
    """The volume after `layer`: ⌊(n - f + 2p) / s⌋ + 1 per axis (snippets.conv.output_size);
    a convolution's depth is its number of filters, pooling keeps the channels."""
    height, width, channels = shape
    size = (layer.kernel_size, layer.stride, layer.padding)
    depth = layer.filters if layer.layer == "conv" else channels
    return conv.output_size(height, *size), conv.output_size(width, *size), depth


def shapes(problem: ShapeChainProblem) -> tuple[tuple[int, int, int], ...]:
    """The volume after every layer, in order."""
    out, shape = [], problem.input_shape
    for layer in problem.layers:
        shape = layer_output(layer, shape)
        out.append(shape)
    return tuple(out)


def floors(layer: ChainLayer, size: int) -> bool:
    """Whether the stride leaves part of the padded input unused: n - f + 2p not a multiple of s."""
    return (size - layer.kernel_size + 2 * layer.padding) % layer.stride != 0


def _draw_layer(draw: Draw, first: bool) -> ChainLayer:
    if first or draw.index(2) == 0:
        f = draw.choice(CONV_KERNELS)
        return ChainLayer(
            "conv", f, draw.choice(CONV_STRIDES), draw.choice((0, (f - 1) // 2)),
            draw.choice(FILTERS),
        )  # fmt: skip
    f = draw.choice(POOL_KERNELS)
    return ChainLayer("max-pool", f, draw.choice(POOL_STRIDES), draw.choice((0, (f - 1) // 2)))


def _fits(problem: ShapeChainProblem) -> bool:
    """Every layer fits its input and reads every row (stride at most the kernel size), every
    output is at least MIN_OUTPUT, and at least one layer floors."""
    shape, floored = problem.input_shape, False
    for layer in problem.layers:
        if (
            layer.stride > layer.kernel_size
            or layer.kernel_size > min(shape[:2]) + 2 * layer.padding
        ):
            return False
        floored = floored or floors(layer, shape[0]) or floors(layer, shape[1])
        shape = layer_output(layer, shape)
        if min(shape[:2]) < MIN_OUTPUT:
            return False
    return floored


def generate(seed: int) -> ShapeChainProblem:
    """The shape-chain problem of `seed`: same seed, same problem."""
    for draw in attempts(KIND, seed):
        height = draw.choice(SIZES)
        width = height if draw.index(100) < 100 * SQUARE_SHARE else draw.choice(SIZES)
        count = draw.choice(LAYER_COUNTS)
        layers = tuple(_draw_layer(draw, first=i == 0) for i in range(count))
        problem = ShapeChainProblem((height, width, draw.choice(CHANNELS)), layers)
        if _fits(problem):
            return problem
    raise AssertionError("unreachable")  # pragma: no cover


def _exam_layer(layer: architectures.Conv | architectures.MaxPool) -> ChainLayer:
    if isinstance(layer, architectures.Conv):
        return ChainLayer("conv", layer.kernel_size, layer.stride, layer.padding, layer.filters)
    return ChainLayer("max-pool", layer.kernel_size, layer.stride, layer.padding)


def exam_problem() -> ShapeChainProblem:
    """The exam's own instance, Part VI (c): the convolution and pooling layers of its network."""
    return ShapeChainProblem(
        exam.IMAGE_SHAPE, tuple(_exam_layer(layer) for layer in architectures.EXAM_FEATURES)
    )


def layer_data(layer: ChainLayer) -> dict[str, object]:
    """One layer as JSON: layer, kernel_size, stride, padding, filters (null for pooling)."""
    return {
        "layer": layer.layer,
        "kernel_size": layer.kernel_size,
        "stride": layer.stride,
        "padding": layer.padding,
        "filters": layer.filters,
    }


def problem_data(problem: ShapeChainProblem) -> dict[str, object]:
    """The JSON "problem": input_shape [H, W, C] and the layers in order."""
    return {
        "input_shape": list(problem.input_shape),
        "layers": [layer_data(layer) for layer in problem.layers],
    }


def answer_data(problem: ShapeChainProblem) -> dict[str, object]:
    """The JSON "answer": shapes, [H, W, C] after every layer."""
    return {"shapes": [list(shape) for shape in shapes(problem)]}


def layer_title(index: int, layer: ChainLayer) -> str:
    """'layer 2 (max-pool)': layers counted from 1."""
    return f"layer {index + 1} ({layer.layer})"


def asked(problem: ShapeChainProblem) -> tuple[Asked, ...]:
    """Height, width and channels after every layer: counts, so they must be exact."""
    items = []
    for i, (layer, shape) in enumerate(zip(problem.layers, shapes(problem), strict=True)):
        for key, axis, value in zip(
            ("h", "w", "c"), ("height", "width", "channels"), shape, strict=True
        ):
            items.append(Asked(f"{key}-{i + 1}", f"{axis} after {layer_title(i, layer)}", value, 0))
    return tuple(items)
