"""A layer as it is written from scratch: forward returns the output and a cache, backward
takes the upstream gradient and returns the gradients of the inputs and the parameters.

The layer is affine followed by ReLU on a batch of N rows:  z = x W + b,  out = max(0, z).
Backward: ∂L/∂z = ∂L/∂out ⊙ [z > 0],  ∂L/∂x = ∂L/∂z Wᵀ,  ∂L/∂W = xᵀ ∂L/∂z,
∂L/∂b = Σ_rows ∂L/∂z. `gradient_check` compares all three with central differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
FD_STEP = 1e-6
RELATIVE_FLOOR = 1e-8


@dataclass(frozen=True)
class Cache:
    """What forward saves for backward: the input, the weights and the pre-activation."""

    x: Array
    w: Array
    z: Array


@dataclass(frozen=True)
class Gradients:
    x: Array
    w: Array
    b: Array


def affine_relu_forward(x: object, w: object, b: object) -> tuple[Array, Cache]:
    """out = max(0, x W + b), and the cache (x, W, z) backward needs."""
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"x must be (N, D) and w (D, M), got {x.shape} and {w.shape}")
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape ({w.shape[1]},), got {b.shape}")
    z = x @ w + b  # the affine part
    return np.maximum(z, 0.0), Cache(x, w, z)


def affine_relu_backward(grad_out: object, cache: Cache) -> Gradients:
    """∂L/∂x, ∂L/∂W, ∂L/∂b from the upstream gradient ∂L/∂out and the cache."""
    grad_out = np.asarray(grad_out, dtype=float)
    if grad_out.shape != cache.z.shape:
        raise ValueError(
            f"grad_out must have the output's shape {cache.z.shape}, got {grad_out.shape}"
        )
    grad_z = grad_out * (cache.z > 0)  # ReLU passes the gradient where z > 0
    return Gradients(
        x=grad_z @ cache.w.T,  # ∂L/∂x = ∂L/∂z Wᵀ
        w=cache.x.T @ grad_z,  # ∂L/∂W = xᵀ ∂L/∂z
        b=grad_z.sum(axis=0),  # ∂L/∂b: b is added to every row
    )


def numerical_gradient(f: Callable[[Array], float], at: Array, h: float = FD_STEP) -> Array:
    """Central differences (f(a + h e_i) - f(a - h e_i)) / 2h for every entry i of `at`."""
    at = np.asarray(at, dtype=float)
    grad = np.zeros_like(at)
    for index in np.ndindex(at.shape):
        up, down = at.copy(), at.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


def relative_error(a: Array, b: Array) -> float:
    """max |a - b| / max(|a| + |b|, 1e-8) over the entries, the usual gradient-check measure."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    # The floor keeps entries where both gradients are (nearly) zero from dividing by zero.
    scale = np.maximum(np.abs(a) + np.abs(b), RELATIVE_FLOOR)
    return float((np.abs(a - b) / scale).max(initial=0.0))


@dataclass(frozen=True)
class GradientCheck:
    analytic: Gradients
    numeric: Gradients
    errors: dict[str, float]  # name -> relative error
    min_distance_to_kink: float  # min |z|: finite differences are exact only away from z = 0


def gradient_check(x: object, w: object, b: object, grad_out: object, h: float = FD_STEP):
    """Backward against central differences of L = Σ grad_out ⊙ forward(x, W, b)."""
    x, w, b, grad_out = (np.asarray(a, dtype=float) for a in (x, w, b, grad_out))
    _, cache = affine_relu_forward(x, w, b)
    analytic = affine_relu_backward(grad_out, cache)

    def loss(xx: Array, ww: Array, bb: Array) -> float:  # L whose ∂L/∂out is grad_out
        return float(np.sum(grad_out * affine_relu_forward(xx, ww, bb)[0]))

    numeric = Gradients(
        x=numerical_gradient(lambda a: loss(a, w, b), x, h),
        w=numerical_gradient(lambda a: loss(x, a, b), w, h),
        b=numerical_gradient(lambda a: loss(x, w, a), b, h),
    )
    errors = {
        name: relative_error(getattr(analytic, name), getattr(numeric, name))
        for name in ("x", "w", "b")
    }
    return GradientCheck(analytic, numeric, errors, float(np.abs(cache.z).min()))


def unmasked_backward_error(
    x: object, w: object, b: object, grad_out: object, h: float = FD_STEP
) -> float:
    """The gradient check's relative error of ∂L/∂x from a backward that forgets the ReLU mask
    (∂L/∂x = ∂L/∂out Wᵀ): what the check reports for a wrong backward."""
    check = gradient_check(x, w, b, grad_out, h)
    wrong = np.asarray(grad_out, dtype=float) @ np.asarray(w, dtype=float).T  # no [z > 0]
    return relative_error(wrong, check.numeric.x)


def example_inputs(seed: int = 1) -> tuple[Array, Array, Array, Array]:
    """x (2×3), W (3×2), b (2,), ∂L/∂out (2×2) with one decimal, for a check shown by hand."""
    rng = np.random.default_rng(seed)

    def draw(*shape: int) -> Array:
        return np.round(rng.normal(0.0, 1.0, shape), 1)

    return draw(2, 3), draw(3, 2), draw(2), draw(2, 2)
