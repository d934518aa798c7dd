"""Overfitting on a small problem, and two remedies: early stopping and data augmentation.

A polynomial of degree 12 (13 weights, in the Legendre basis, which is well conditioned on
[-1, 1]) is fitted to 12 noisy samples of sin(πx) by full-batch gradient descent on the
mean squared error. With as many weights as points it can pass through every noisy sample:
the training loss keeps falling while the validation loss, after a minimum, rises.
Gradient descent on a least-squares loss has a closed form, so every epoch's weights are
computed at once: w_t = Q diag((1 - (1 - α λ)^t) / λ) Qᵀ b for H = AᵀA / n = Q diag(λ) Qᵀ,
b = Aᵀy / n, starting from w_0 = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def target(x: ArrayLike) -> Array:
    """The function behind the data: sin(πx), odd: target(-x) = -target(x)."""
    return np.sin(np.pi * np.asarray(x, dtype=float))


@dataclass(frozen=True)
class Dataset:
    """Inputs x in [-1, 1] and noisy targets y."""

    x: Array
    y: Array


def noisy_samples(samples: int, noise: float, seed: int) -> Dataset:
    """x ~ U(-1, 1), y = sin(πx) + ε with ε ~ N(0, noise²)."""
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, samples)
    return Dataset(x, target(x) + rng.normal(scale=noise, size=samples))


def augment(data: Dataset, copies: int, jitter: float, seed: int) -> Dataset:
    """The data, its mirror image (-x, -y) and `copies` jittered copies (x + δ, y) of both.

    The mirror uses what is known about the task (the target is odd), as flipping an image
    uses that a flipped cat is still a cat; the jitter says that nearby inputs have nearby
    targets. Jittered inputs are clipped to [-1, 1].
    """
    if copies < 0:
        raise ValueError(f"copies must be at least 0, got {copies}")
    if not (np.isfinite(jitter) and jitter >= 0):
        raise ValueError(f"jitter must be a non-negative number, got {jitter!r}")
    rng = np.random.default_rng(seed)
    x = np.concatenate([data.x, -data.x])  # mirrored: the target is odd
    y = np.concatenate([data.y, -data.y])
    shifted = [np.clip(x + rng.normal(scale=jitter, size=x.size), -1.0, 1.0) for _ in range(copies)]
    return Dataset(np.concatenate([x, *shifted]), np.tile(y, copies + 1))


def features(x: ArrayLike, degree: int) -> Array:
    """The design matrix A[n, j] = P_j(x_n), Legendre polynomials of degree 0 … degree."""
    if degree < 0:
        raise ValueError(f"degree must be at least 0, got {degree}")
    return legendre.legvander(np.asarray(x, dtype=float), degree)


def learning_rate(data: Dataset, degree: int) -> float:
    """α = 1 / λ_max(AᵀA / n): the largest curvature decides the step that stays stable."""
    a = features(data.x, degree)
    return float(1.0 / np.linalg.eigvalsh(a.T @ a / len(data.x)).max())


def descent_weights(data: Dataset, degree: int, alpha: float, epochs: int) -> Array:
    """w_1, …, w_epochs of w_(t+1) = w_t - α ∇L(w_t), L = mean (A w - y)² / 2, from w_0 = 0."""
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a positive number, got {alpha!r}")
    a = features(data.x, degree)
    n = len(data.x)
    curvature, q = np.linalg.eigh(a.T @ a / n)  # H = AᵀA / n = Q diag(λ) Qᵀ
    b = q.T @ (a.T @ data.y / n)  # Aᵀy / n in the eigenbasis
    t = np.arange(1, epochs + 1)[:, None]
    flat = curvature <= 1e-12 * curvature.max()  # directions the data do not constrain
    lam = np.where(flat, 1.0, curvature)
    # Each eigen-direction approaches b / λ geometrically: (1 - (1 - αλ)^t) / λ; for λ = 0: αt.
    gain = np.where(flat, alpha * t, (1.0 - (1.0 - alpha * lam) ** t) / lam)
    return (gain * b) @ q.T


def mse(weights: Array, data: Dataset, degree: int) -> Array:
    """mean_n (A w - y)² for each row w of `weights`, as wᵀ G w - 2 wᵀ c + yᵀy / n."""
    a = features(data.x, degree)
    n = len(data.x)
    gram, cross = a.T @ a / n, a.T @ data.y / n
    quadratic = np.sum((weights @ gram) * weights, axis=1)  # wᵀ G w for each row
    return np.maximum(quadratic - 2.0 * weights @ cross + data.y @ data.y / n, 0.0)


@dataclass(frozen=True)
class Run:
    """One training run: the losses per epoch and the weights worth keeping."""

    training: Array  # mean squared error on the original training samples, epochs 1 … T
    validation: Array
    test: Array
    best_epoch: int  # the epoch early stopping keeps: lowest validation loss (1-based)
    best_weights: Array
    final_weights: Array

    @property
    def best_validation(self) -> float:
        return float(self.validation[self.best_epoch - 1])

    @property
    def final_validation(self) -> float:
        return float(self.validation[-1])


def train_run(
    fit_on: Dataset,
    train_set: Dataset,
    validation: Dataset,
    test: Dataset,
    degree: int,
    epochs: int,
) -> Run:
    """Gradient descent on `fit_on`; losses on the original training, validation, test sets."""
    weights = descent_weights(fit_on, degree, learning_rate(fit_on, degree), epochs)
    val = mse(weights, validation, degree)
    best = int(np.argmin(val))  # early stopping: keep the epoch with the lowest validation loss
    return Run(
        training=mse(weights, train_set, degree),
        validation=val,
        test=mse(weights, test, degree),
        best_epoch=best + 1,
        best_weights=weights[best],
        final_weights=weights[-1],
    )


@dataclass(frozen=True)
class Experiment:
    """The same model trained on the data as they are and on the augmented data."""

    degree: int
    epochs: int
    noise: float  # standard deviation of the noise on the targets
    copies: int  # jittered copies per sample (and per mirrored sample)
    jitter: float  # standard deviation of the jitter on x
    train_set: Dataset
    augmented_set: Dataset
    validation: Dataset
    test: Dataset
    plain: Run
    augmented: Run


def overfitting_experiment(
    samples: int = 12,
    degree: int = 12,
    noise: float = 0.25,
    epochs: int = 10_000,
    copies: int = 4,
    jitter: float = 0.05,
    seed: int = 1,
) -> Experiment:
    """Train a polynomial by gradient descent with and without augmentation; seeds fix the data."""
    train_set = noisy_samples(samples, noise, seed)
    validation = noisy_samples(200, noise, seed + 1)
    test = noisy_samples(1000, noise, seed + 2)
    augmented_set = augment(train_set, copies, jitter, seed + 3)
    return Experiment(
        degree,
        epochs,
        noise,
        copies,
        jitter,
        train_set,
        augmented_set,
        validation,
        test,
        plain=train_run(train_set, train_set, validation, test, degree, epochs),
        augmented=train_run(augmented_set, train_set, validation, test, degree, epochs),
    )


def fitted(weights: Array, x: ArrayLike) -> Array:
    """The polynomial Σ_j w_j P_j(x)."""
    return legendre.legval(np.asarray(x, dtype=float), weights)
