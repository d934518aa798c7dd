"""Training curves of a linear model under SGD with L2 regularisation.

Short Question 4 shows four loss curves of one network trained with four learning rates;
Short Question 1 asks why a validation loss can lie below the training loss. Both are
regenerated here by actually training: a linear model y ≈ x·w + b (a network with a single
layer) on synthetic regression data, with the objective

    L(w, b) = 1/(2n) Σ (x_i·w + b - y_i)² + λ/2 ‖w‖²

and plain stochastic gradient descent, one sample per step. `read_curves` and
`assign_learning_rates` then read the curves the way the exam expects a student to, from
their shapes alone, without being told which learning rate drew which curve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

# The regression problem of both demonstrations (fixed, so every build draws the same curves).
FEATURES = 10
FEATURE_VARIANCE = 18.0  # sets the curvature of the loss, hence which steps are too large
NOISE = 0.5  # standard deviation of the label noise: the loss cannot reach zero
SAMPLES = 256
L2 = 1e-3
STEPS = 1500
LOG_EVERY = 5
# A run stops once its loss exceeds its initial loss by this factor: it has diverged.
DIVERGENCE_FACTOR = 1e6

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Dataset:
    """Features x (n, d) and targets y (n,) of a regression problem."""

    x: Array
    y: Array


def make_regression(
    samples: int = SAMPLES,
    features: int = FEATURES,
    feature_variance: float = FEATURE_VARIANCE,
    noise: float = NOISE,
    seed: int = 0,
) -> tuple[Dataset, Dataset]:
    """A training and a validation set from one distribution: y = x·w* + noise."""
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    if features < 1:
        raise ValueError(f"features must be at least 1, got {features}")
    if not feature_variance > 0:
        raise ValueError(f"feature_variance must be positive, got {feature_variance}")
    if not noise >= 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    rng = np.random.default_rng(seed)
    w_true = rng.normal(0.0, 1.0, features)  # the weights the data come from

    def draw() -> Dataset:
        x = rng.normal(0.0, np.sqrt(feature_variance), (samples, features))
        return Dataset(x, x @ w_true + rng.normal(0.0, noise, samples))

    return draw(), draw()


def data_loss(w: Array, b: float, data: Dataset) -> float:
    """Mean squared error 1/(2n) Σ (x_i·w + b - y_i)²."""
    residual = data.x @ w + b - data.y
    return float(0.5 * np.mean(residual**2))


def objective(w: Array, b: float, data: Dataset, l2: float = L2) -> float:
    """The training objective: mean squared error + λ/2 ‖w‖² (the bias is not penalised)."""
    return data_loss(w, b, data) + 0.5 * l2 * float(w @ w)


def gradient(w: Array, b: float, x: Array, y: Array, l2: float = L2) -> tuple[Array, float]:
    """∂L/∂w = xᵀ(xw + b - y)/m + λw and ∂L/∂b = mean(xw + b - y) on a batch of m samples."""
    residual = x @ w + b - y
    return x.T @ residual / len(y) + l2 * w, float(np.mean(residual))


def hessian_eigenvalues(data: Dataset, l2: float = L2) -> Array:
    """Eigenvalues of ∂²L/∂w² = xᵀx/n + λI, smallest first: the curvatures of the loss."""
    n, d = data.x.shape
    return np.linalg.eigvalsh(data.x.T @ data.x / n + l2 * np.eye(d))


def _check_rate(learning_rate: float) -> None:
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be positive and finite, got {learning_rate!r}")


@dataclass(frozen=True)
class LossCurve:
    """The objective on the whole training set, logged every `log_every` steps from step 0."""

    learning_rate: float
    steps: NDArray[np.int64]
    losses: Array
    diverged: bool


def train_sgd(
    data: Dataset,
    learning_rate: float,
    steps: int = STEPS,
    l2: float = L2,
    log_every: int = LOG_EVERY,
    seed: int = 1,
) -> LossCurve:
    """SGD with one sample per step (w ← w - η ∂L/∂w), from w = 0, b = 0; stops on divergence."""
    _check_rate(learning_rate)
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if log_every < 1:
        raise ValueError(f"log_every must be at least 1, got {log_every}")
    rng = np.random.default_rng(seed)
    n, d = data.x.shape
    w, b = np.zeros(d), 0.0
    logged_steps, losses = [0], [objective(w, b, data, l2)]
    order, position = rng.permutation(n), 0
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows on purpose
        for step in range(1, steps + 1):
            if position == n:  # a new epoch: a new random order of the samples
                order, position = rng.permutation(n), 0
            i = order[position : position + 1]
            position += 1
            grad_w, grad_b = gradient(w, b, data.x[i], data.y[i], l2)
            w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
            if step % log_every == 0:
                loss = objective(w, b, data, l2)
                logged_steps.append(step)
                losses.append(loss)
                if not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * losses[0]:
                    diverged = True
                    break
    return LossCurve(learning_rate, np.array(logged_steps), np.array(losses), diverged)


def learning_rate_experiment(
    learning_rates: Sequence[float], data: Dataset | None = None
) -> dict[float, LossCurve]:
    """One training run per learning rate, same data, same start, same sample order."""
    data = data if data is not None else make_regression()[0]
    return {rate: train_sgd(data, rate) for rate in learning_rates}


# --- reading the curves --------------------------------------------------------------------

WAY_TOO_HIGH, TOO_HIGH, GOOD, TOO_LOW = "way too high", "too high", "good", "too low"
FINAL_SHARE = 0.2  # "final" is the median over the last fifth of the run


@dataclass(frozen=True)
class CurveReading:
    """What a student reads off one curve, and the verdict it leads to."""

    label: str
    diverged: bool  # the loss ends above where it started: every step overshoots
    tenfold_at: int | None  # index of the first point ten times below the start (speed)
    drop: float  # decades fallen from the start to the final level
    final: float  # median loss over the last fifth of the run (level reached)
    verdict: str

    @property
    def speed_rank(self) -> tuple[bool, float, float]:
        """Sorts fastest first: diverged, then the earlier tenfold fall, then the larger drop."""
        first = np.inf if self.tenfold_at is None else self.tenfold_at
        return (not self.diverged, first, -self.drop)


def _read(label: str, losses: Array) -> CurveReading:
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return CurveReading(label, True, None, -np.inf, np.inf, WAY_TOO_HIGH)
    below = np.flatnonzero(losses <= losses[0] / 10)
    final = float(np.median(losses[-max(1, round(FINAL_SHARE * len(losses))) :]))
    tenfold_at = int(below[0]) if len(below) else None
    return CurveReading(label, False, tenfold_at, float(np.log10(losses[0] / final)), final, "")


def read_curves(curves: Mapping[str, Sequence[float] | Array]) -> tuple[CurveReading, ...]:
    """Verdicts from shapes alone: a curve that diverges is way too high; of the others, the one
    that ends lowest is good, one that falls faster but ends higher is too high, one that falls
    slower is too low."""
    if not curves:
        raise ValueError("curves must hold at least one curve")
    readings = []
    for label, losses in curves.items():
        values = np.asarray(losses, dtype=float)
        if values.ndim != 1 or len(values) < 2:
            raise ValueError(f"curve {label!r} must be a 1-D sequence of at least 2 losses")
        readings.append(_read(label, values))
    stable = [r for r in readings if not r.diverged]
    if not stable:
        return tuple(readings)
    best = min(stable, key=lambda r: r.final)

    def verdict(r: CurveReading) -> str:
        if r.diverged:
            return WAY_TOO_HIGH
        if r is best:
            return GOOD
        return TOO_HIGH if r.speed_rank < best.speed_rank else TOO_LOW

    return tuple(replace(r, verdict=verdict(r)) for r in readings)


def assign_learning_rates(
    readings: Sequence[CurveReading], learning_rates: Sequence[float]
) -> dict[str, float]:
    """The largest rate to the fastest curve, the next to the next: a larger step falls faster
    while it is stable, and a diverging run took the largest steps of all."""
    if len(readings) != len(learning_rates):
        raise ValueError(
            f"learning_rates must have one rate per curve ({len(readings)}), "
            f"got {len(learning_rates)}"
        )
    fastest_first = sorted(readings, key=lambda r: r.speed_rank)
    rates = sorted(learning_rates, reverse=True)
    return {r.label: rate for r, rate in zip(fastest_first, rates, strict=True)}


# --- Short Question 1: training loss averaged over an epoch --------------------------------


@dataclass(frozen=True)
class EpochHistory:
    """Per-step training losses, and per epoch: their mean, and the losses at the epoch's end."""

    step_losses: Array  # loss of each step's sample, before that step's update
    steps_per_epoch: int
    train_before_step: Array  # data loss on the whole training set before each step
    train_at_end: Array  # data loss on the whole training set after each epoch
    validation_at_end: Array  # data loss on the validation set after each epoch


def train_with_validation(
    train: Dataset,
    validation: Dataset,
    learning_rate: float,
    epochs: int,
    l2: float = L2,
    seed: int = 1,
) -> EpochHistory:
    """SGD as in `train_sgd`, logging what a training loop usually reports."""
    _check_rate(learning_rate)
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    rng = np.random.default_rng(seed)
    n, d = train.x.shape
    w, b = np.zeros(d), 0.0
    step_losses, train_now, train_end, validation_end = [], [], [], []
    for _ in range(epochs):
        for i in rng.permutation(n):
            x, y = train.x[i : i + 1], train.y[i : i + 1]
            train_now.append(data_loss(w, b, train))  # what the model scores right now
            # The sample's loss as the loop sees it: with the weights before this update.
            step_losses.append(0.5 * float((x @ w + b - y)[0] ** 2))
            grad_w, grad_b = gradient(w, b, x, y, l2)
            w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
        train_end.append(data_loss(w, b, train))
        validation_end.append(data_loss(w, b, validation))
    return EpochHistory(
        np.array(step_losses),
        n,
        np.array(train_now),
        np.array(train_end),
        np.array(validation_end),
    )
