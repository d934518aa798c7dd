"""Logistic regression: the sigmoid, binary cross-entropy, their gradients, one descent step.

Notation as in the exam: score z = xᵀw + b, probability p = σ(z), target t in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


def sigmoid(z: ArrayLike) -> NDArray[np.float64]:
    """σ(z) = 1 / (1 + e^(-z)), evaluated without overflow for any finite z."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # e^(-|z|) is at most 1: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z: ArrayLike) -> NDArray[np.float64]:
    """dσ/dz = σ(z) (1 - σ(z)), the result of Part III (a)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def _check_targets(t: ArrayLike) -> NDArray[np.float64]:
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t)) or np.any((t < 0.0) | (t > 1.0)):
        raise ValueError(f"t must lie in [0, 1], got {t.tolist()!r}")
    return t


def bce(p: ArrayLike, t: ArrayLike) -> NDArray[np.float64]:
    """CE(p) = -t log p - (1 - t) log(1 - p), binary cross-entropy as the exam writes it."""
    t = _check_targets(t)
    p = np.asarray(p, dtype=float)
    if np.any((p <= 0.0) | (p >= 1.0)):
        raise ValueError(f"p must lie strictly between 0 and 1, got {p.tolist()!r}")
    return -t * np.log(p) - (1.0 - t) * np.log1p(-p)


def bce_from_score(z: ArrayLike, t: ArrayLike) -> NDArray[np.float64]:
    """CE(σ(z)) in the stable form max(z, 0) - t z + log(1 + e^(-|z|)); finite for any z."""
    t = _check_targets(t)
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) - t * z + np.log1p(np.exp(-np.abs(z)))


def bce_grad_score(z: ArrayLike, t: ArrayLike) -> NDArray[np.float64]:
    """∂CE/∂z = p - t, the result of Part III (b)."""
    t = _check_targets(t)
    return sigmoid(z) - t


@dataclass(frozen=True)
class LogisticStep:
    """Every quantity of one gradient-descent step on a single sample."""

    z: float  # score xᵀw + b
    p: float  # probability σ(z)
    loss: float  # CE(p)
    grad_z: float  # ∂CE/∂z = p - t
    grad_w: tuple[float, ...]  # ∂CE/∂w = (p - t) x
    grad_b: float  # ∂CE/∂b = p - t
    w_new: tuple[float, ...]  # w - α ∂CE/∂w
    b_new: float  # b - α ∂CE/∂b


def descent_step(
    x: ArrayLike,
    w: ArrayLike,
    b: float,
    t: float,
    learning_rate: float,
    *,
    p: float | None = None,
) -> LogisticStep:
    """One step w ← w - α (p - t) x, b ← b - α (p - t) on the BCE of one sample.

    `p` replaces σ(z) by a given value, as when the exam reads σ(1.1) off a plot.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a vector, got shape {x.shape}")
    if w.shape != x.shape:
        raise ValueError(f"w must have the shape of x {x.shape}, got {w.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(w)) and np.isfinite(b)):
        raise ValueError("x, w and b must be finite")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    t = float(_check_targets(t))
    z = float(x @ w + b)  # score
    if p is None:
        p = float(sigmoid(z))
        loss = float(bce_from_score(z, t))
    else:
        loss = float(bce(p, t))
    grad_z = p - t  # ∂CE/∂z
    grad_w = grad_z * x  # chain rule: ∂z/∂w = x
    w_new = w - learning_rate * grad_w
    b_new = b - learning_rate * grad_z  # ∂z/∂b = 1
    return LogisticStep(
        z=z,
        p=p,
        loss=loss,
        grad_z=grad_z,
        grad_w=tuple(grad_w.tolist()),
        grad_b=grad_z,
        w_new=tuple(w_new.tolist()),
        b_new=b_new,
    )
