"""Why networks need activation functions: stacked linear layers collapse into one.

W2(W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2): two affine layers are one affine layer, and so
is any stack of them. A ReLU between the layers breaks this; the midpoint test
f((x + y)/2) = (f(x) + f(y))/2, which every affine map passes, then fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Affine:
    """The layer x ↦ W x + b, with W of shape (outputs, inputs)."""

    w: Array
    b: Array

    def __post_init__(self) -> None:
        if self.w.ndim != 2 or self.b.shape != (self.w.shape[0],):
            raise ValueError(
                f"w must be (outputs, inputs) and b (outputs,), got {self.w.shape} and {self.b.shape}"
            )

    def __call__(self, x: Array) -> Array:
        return self.w @ x + self.b


def compose(first: Affine, second: Affine) -> Affine:
    """second ∘ first: W = W2 W1, b = W2 b1 + b2."""
    if second.w.shape[1] != first.w.shape[0]:
        raise ValueError(
            f"second must take {first.w.shape[0]} inputs, the outputs of first; "
            f"it takes {second.w.shape[1]}"
        )
    return Affine(second.w @ first.w, second.w @ first.b + second.b)


def collapse(layers: Sequence[Affine]) -> Affine:
    """One affine layer equal to the whole stack (first layer first)."""
    if not layers:
        raise ValueError("layers must hold at least one layer")
    result = layers[0]
    for layer in layers[1:]:
        result = compose(result, layer)
    return result


def relu(x: Array) -> Array:
    """max(0, x), elementwise."""
    return np.maximum(x, 0.0)


def stack(layers: Sequence[Affine], x: Array, activation: bool) -> Array:
    """The stack applied to x, with a ReLU after every layer but the last when `activation`."""
    if not layers:
        raise ValueError("layers must hold at least one layer")
    out = np.asarray(x, dtype=float)
    for number, layer in enumerate(layers, start=1):
        out = layer(out)
        if activation and number < len(layers):
            out = relu(out)
    return out


def random_layers(
    sizes: Sequence[int], seed: int = 0, decimals: int | None = None
) -> tuple[Affine, ...]:
    """Affine layers of the given widths (input first), weights N(0, 2/inputs), bias N(0, ½);
    entries rounded to `decimals` places if given (for examples worked by hand)."""
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive widths, got {tuple(sizes)}")
    rng = np.random.default_rng(seed)

    def draw(scale: float, shape: tuple[int, ...]) -> Array:
        values = rng.normal(0.0, scale, shape)
        return values if decimals is None else np.round(values, decimals) + 0.0  # no -0.0

    return tuple(
        Affine(draw(np.sqrt(2.0 / n_in), (n_out, n_in)), draw(0.5, (n_out,)))
        for n_in, n_out in pairwise(sizes)
    )


def absolute_value_layers() -> tuple[Affine, Affine]:
    """The smallest counterexample: W1 = [1, -1]ᵀ, W2 = [1, 1], no biases.

    Without activation the stack computes (1 - 1) x = 0; with ReLU, max(0, x) + max(0, -x) = |x|.
    """
    return (
        Affine(np.array([[1.0], [-1.0]]), np.zeros(2)),
        Affine(np.array([[1.0, 1.0]]), np.zeros(1)),
    )


def midpoint_defect(layers: Sequence[Affine], x: Array, y: Array, activation: bool) -> Array:
    """f((x + y)/2) - (f(x) + f(y))/2: zero for every affine f, for every x and y."""

    def f(z: Array) -> Array:
        return stack(layers, z, activation)

    return f((np.asarray(x) + np.asarray(y)) / 2) - (f(x) + f(y)) / 2
