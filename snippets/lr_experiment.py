"""Training curves of a linear model under SGD with L2 regularisation.

Short Question 4 shows four loss curves of one network trained with four learning rates;
Short Question 1 asks why a validation loss can lie below the training loss. Both are
regenerated here by actually training: a linear model y ≈ x·w + b (a network with a single
layer) on synthetic regression data, with the objective

    L(w, b) = 1/(2n) Σ (x_i·w + b - y_i)² + λ/2 ‖w‖²

and plain stochastic gradient descent, one sample per step: a step on sample i descends

    ℓ_i(w, b) = ½ (x_i·w + b - y_i)² + λ/2 ‖w‖²      (L is the mean of the ℓ_i)

`read_curves` and `assign_learning_rates` then read the curves the way the exam expects a
student to, from their shapes alone, without being told which learning rate drew which curve.
`stability_bounds` says which learning rates make single-sample steps contract or expand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice

import numpy as np
from numpy.typing import NDArray

from snippets.metrics import epoch_means

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


def objective_hessian(data: Dataset, l2: float = L2) -> Array:
    """∂²L over (w, b) = ZᵀZ/n + λ diag(1, …, 1, 0) with Z = [x 1]: constant, L is quadratic."""
    n, d = data.x.shape
    z = np.hstack([data.x, np.ones((n, 1))])  # the bias as a feature that is always 1
    return z.T @ z / n + l2 * np.diag([1.0] * d + [0.0])  # the bias is not penalised


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

    def first_step_above(self, level: float) -> int | None:
        """The first logged step whose loss exceeds `level` (None if none does)."""
        above = np.flatnonzero(~(self.losses <= level))  # an overflow (nan) counts as above
        return int(self.steps[above[0]]) if len(above) else None


@dataclass(frozen=True)
class SGDStep:
    """One step of one-sample SGD: the sample it took and the parameters after it."""

    sample: int
    w: Array
    b: float


def sgd_steps(
    data: Dataset, learning_rate: float, l2: float = L2, seed: int = 1
) -> Iterator[SGDStep]:
    """One-sample SGD from w = 0, b = 0, without end: the step on sample i is
    (w, b) ← (w, b) - η ∇ℓ_i(w, b); every epoch takes each sample once, in a new random order."""
    _check_rate(learning_rate)
    rng = np.random.default_rng(seed)

    def steps() -> Iterator[SGDStep]:
        n, d = data.x.shape
        w, b = np.zeros(d), 0.0
        while True:
            for i in rng.permutation(n):  # one epoch
                with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows
                    grad_w, grad_b = gradient(w, b, data.x[i : i + 1], data.y[i : i + 1], l2)
                    w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
                yield SGDStep(int(i), w, b)

    return steps()


def train_sgd(
    data: Dataset,
    learning_rate: float,
    steps: int = STEPS,
    l2: float = L2,
    log_every: int = LOG_EVERY,
    seed: int = 1,
) -> LossCurve:
    """The objective L along `sgd_steps`, logged every `log_every` steps; stops on divergence."""
    _check_rate(learning_rate)
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if log_every < 1:
        raise ValueError(f"log_every must be at least 1, got {log_every}")
    d = data.x.shape[1]
    logged_steps, losses = [0], [objective(np.zeros(d), 0.0, data, l2)]
    diverged = False
    run = islice(sgd_steps(data, learning_rate, l2, seed), steps)
    for step, state in enumerate(run, start=1):
        if step % log_every == 0:
            with np.errstate(over="ignore", invalid="ignore"):
                loss = objective(state.w, state.b, data, l2)
            logged_steps.append(step)
            losses.append(loss)
            if not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * losses[0]:
                diverged = True
                break
    return LossCurve(learning_rate, np.array(logged_steps), np.array(losses), diverged)


def train_full_batch(
    data: Dataset,
    learning_rate: float,
    steps: int = STEPS,
    l2: float = L2,
    log_every: int = LOG_EVERY,
) -> LossCurve:
    """Gradient descent with every sample in every step, (w, b) ← (w, b) - η ∇L, from 0."""
    _check_rate(learning_rate)
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if log_every < 1:
        raise ValueError(f"log_every must be at least 1, got {log_every}")
    w, b = np.zeros(data.x.shape[1]), 0.0
    logged_steps, losses = [0], [objective(w, b, data, l2)]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows on purpose
        for step in range(1, steps + 1):
            grad_w, grad_b = gradient(w, b, data.x, data.y, l2)  # ∇L: the mean over all samples
            w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
            if step % log_every == 0:
                logged_steps.append(step)
                losses.append(objective(w, b, data, l2))
                if not np.isfinite(losses[-1]) or losses[-1] > DIVERGENCE_FACTOR * losses[0]:
                    return LossCurve(learning_rate, np.array(logged_steps), np.array(losses), True)
    return LossCurve(learning_rate, np.array(logged_steps), np.array(losses), False)


def learning_rate_experiment(
    learning_rates: Sequence[float], data: Dataset | None = None
) -> dict[float, LossCurve]:
    """One training run per learning rate, same data, same start, same sample order."""
    data = data if data is not None else make_regression()[0]
    return {rate: train_sgd(data, rate) for rate in learning_rates}


# --- which learning rates one-sample steps survive ------------------------------------------
# ℓ_i is quadratic in θ = (w, b) with Hessian H_i = z_i z_iᵀ + λ diag(1, …, 1, 0), z_i = (x_i, 1),
# so a step is exactly θ' - θ_i* = (I - η H_i)(θ - θ_i*), θ_i* the minimum of ℓ_i: along each
# eigenvector of H_i the distance to θ_i* is multiplied by 1 - η·(its eigenvalue).

# Rates below the full-batch bound whose one-sample runs the page shows (Short Question 4).
FULL_BATCH_COUNTEREXAMPLES = (0.02, 0.03, 0.05, 0.08)


def step_curvatures(data: Dataset, l2: float = L2) -> Array:
    """μ_i, the largest eigenvalue of H_i: ½ (s_i + λ + √((s_i - λ)² + 4λ(s_i - 1))), where
    s_i = ‖x_i‖² + 1 (μ_i = s_i when λ = 0)."""
    if not l2 >= 0:
        raise ValueError(f"l2 must be non-negative, got {l2}")
    # On the plane of (x_i, 0) and (0, 1), H_i = [[‖x_i‖² + λ, ‖x_i‖], [‖x_i‖, 1]]: trace
    # s_i + λ, determinant λ; on the rest of the space its eigenvalue is λ ≤ μ_i.
    s = np.sum(data.x**2, axis=1) + 1.0  # ‖z_i‖²
    root = np.sqrt((s - l2) ** 2 + 4 * l2 * (s - 1))  # √((s + λ)² - 4λ), no cancellation
    return 0.5 * (s + l2 + root)


CONTRACTING, BETWEEN, EXPANDING = "contracting", "between", "expanding"


@dataclass(frozen=True)
class StabilityBounds:
    """Learning rates that decide what the steps of SGD (and of full-batch descent) do."""

    contracting: float  # 2 / max μ_i: below it every step contracts (with λ > 0)
    typical: float  # 2 / median μ_i: a typical sample's bound
    expanding: float  # 2 / min μ_i: above it every step expands along its sample's top direction
    full_batch: float  # 2 / λ_max of ∂²L: below it a step on all samples lowers L

    def regime(self, learning_rate: float) -> str:
        """CONTRACTING below `contracting`, EXPANDING above `expanding`, else BETWEEN."""
        if learning_rate < self.contracting:
            return CONTRACTING
        return EXPANDING if learning_rate > self.expanding else BETWEEN


def stability_bounds(data: Dataset, l2: float = L2) -> StabilityBounds:
    """The step is stable along sample i's top direction iff |1 - η μ_i| < 1, i.e. η < 2/μ_i."""
    mu = step_curvatures(data, l2)
    top = float(np.linalg.eigvalsh(objective_hessian(data, l2))[-1])  # λ_max of ∂²L
    return StabilityBounds(
        contracting=float(2 / mu.max()),
        typical=float(2 / np.median(mu)),
        expanding=float(2 / mu.min()),
        full_batch=2 / top,
    )


def overshooting_share(data: Dataset, learning_rate: float, l2: float = L2) -> float:
    """The share of samples with η μ_i > 2: a step on any of them expands along its top direction."""
    _check_rate(learning_rate)
    return float(np.mean(learning_rate * step_curvatures(data, l2) > 2))


def diverging_below_full_batch_bound(
    data: Dataset, learning_rates: Sequence[float] = FULL_BATCH_COUNTEREXAMPLES, l2: float = L2
) -> tuple[float, ...]:
    """The rates below 2/λ_max of ∂²L at which one-sample SGD nevertheless diverges."""
    bound = stability_bounds(data, l2).full_batch
    return tuple(
        rate for rate in learning_rates if rate < bound and train_sgd(data, rate, l2=l2).diverged
    )


# --- reading the curves --------------------------------------------------------------------

WAY_TOO_HIGH, TOO_HIGH, GOOD, TOO_LOW = "way too high", "too high", "good", "too low"
FINAL_SHARE = 0.2  # "final" is the median over the last fifth of the run
# A curve whose loss changes by a median of less than this between logged points at its end
# (in decades: 0.01 is about 2 %) looks smooth on a log plot; above it, it jumps.
SMOOTH_JITTER = 0.01


@dataclass(frozen=True)
class CurveReading:
    """What a student reads off one curve, and the verdict it leads to."""

    label: str
    diverged: bool  # the loss overflowed or ends above where it started
    tenfold_at: int | None  # index of the first point ten times below the start (speed)
    drop: float  # decades fallen from the start to the final level
    final: float  # median loss over the last fifth of the run (level reached)
    jitter: float  # median |change of log10 loss| between logged points in the last fifth
    verdict: str

    @property
    def smooth(self) -> bool:
        """A falling curve whose end changes little from point to point (see SMOOTH_JITTER)."""
        return not self.diverged and self.jitter < SMOOTH_JITTER

    @property
    def speed_rank(self) -> tuple[bool, float, float]:
        """Sorts fastest first: diverged, then the earlier tenfold fall, then the larger drop."""
        first = np.inf if self.tenfold_at is None else self.tenfold_at
        return (not self.diverged, first, -self.drop)


def _read(label: str, losses: Array) -> CurveReading:
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return CurveReading(label, True, None, -np.inf, np.inf, np.inf, WAY_TOO_HIGH)
    below = np.flatnonzero(losses <= losses[0] / 10)
    tail = losses[-max(2, round(FINAL_SHARE * len(losses))) :]
    final = float(np.median(tail))
    jitter = float(np.median(np.abs(np.diff(np.log10(tail)))))  # how much it jumps at the end
    tenfold_at = int(below[0]) if len(below) else None
    drop = float(np.log10(losses[0] / final))
    return CurveReading(label, False, tenfold_at, drop, final, jitter, "")


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

    @property
    def reported(self) -> Array:
        """What the loop reports per epoch: the mean of that epoch's step losses."""
        return epoch_means(self.step_losses, self.steps_per_epoch)


def train_with_validation(
    train: Dataset,
    validation: Dataset,
    learning_rate: float,
    epochs: int,
    l2: float = L2,
    seed: int = 1,
) -> EpochHistory:
    """SGD as in `train_sgd` (the very steps), logging what a training loop usually reports."""
    _check_rate(learning_rate)
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    n, d = train.x.shape
    w, b = np.zeros(d), 0.0
    step_losses, train_now, train_end, validation_end = [], [], [], []
    run = islice(sgd_steps(train, learning_rate, l2, seed), epochs * n)
    for step, state in enumerate(run, start=1):
        x, y = train.x[state.sample], train.y[state.sample]
        train_now.append(data_loss(w, b, train))  # what the model scores right now
        # The sample's loss as the loop sees it: with the weights before this update.
        step_losses.append(0.5 * float((x @ w + b - y) ** 2))
        w, b = state.w, state.b
        if step % n == 0:  # the end of an epoch
            train_end.append(data_loss(w, b, train))
            validation_end.append(data_loss(w, b, validation))
    return EpochHistory(
        np.array(step_losses),
        n,
        np.array(train_now),
        np.array(train_end),
        np.array(validation_end),
    )
