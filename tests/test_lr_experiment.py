"""The learning-rate experiment (Short Question 4), the stability of one-sample SGD steps, and
the epoch-averaged loss (Question 1)."""

from __future__ import annotations

from itertools import islice

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam, lr_experiment
from snippets.lr_experiment import (
    BETWEEN,
    CONTRACTING,
    EXPANDING,
    FULL_BATCH_COUNTEREXAMPLES,
    GOOD,
    STEPS,
    TOO_HIGH,
    TOO_LOW,
    WAY_TOO_HIGH,
    Dataset,
    assign_learning_rates,
    data_loss,
    diverging_below_full_batch_bound,
    gradient,
    learning_rate_experiment,
    make_regression,
    objective,
    objective_hessian,
    overshooting_share,
    read_curves,
    sgd_steps,
    stability_bounds,
    step_curvatures,
    train_full_batch,
    train_sgd,
    train_with_validation,
)
from snippets.metrics import epoch_means
from snippets.render.short_figures import LOSS_LIMITS, averaging_figure, loss_curves_figure
from snippets.render.svg import figure_svg

FD_STEP = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-8
# Finite differences of a quadratic's gradient: exact up to round-off ε·|∇ℓ|/h.
HESSIAN_FD_RTOL = 1e-5
HESSIAN_FD_ATOL = 1e-4
EXACT_RTOL = 1e-12
# One SGD step done in floating point against the exact linear map it should be.
STEP_RTOL = 1e-9
# Slack on the bound of the contracting regime (round-off of the run and of ρ).
BOUND_RTOL = 1e-9
# A full-batch step below the bound never raises the loss by more than round-off (relative
# to the first loss: the residuals' terms are that large).
MONOTONE_RTOL = 1e-12
# The reported epoch mean is a sample estimate of the mean training loss over the epoch.
SAMPLE_MEAN_RTOL = 0.1
# The sample variance of 2,560 normal draws lies within this share of the variance.
VARIANCE_RTOL = 0.1
# Least-squares weights of 256 samples with noise 0.5 and feature variance 18 agree to this.
WEIGHTS_ATOL = 0.05
# "Hardly improves any more": the reported mean of the last epoch within 10 % of its end value.
LAST_EPOCH_RATIO = 1.1
# "Gets as low": the too-low rate, given more steps, ends within 5 % of the good rate's level.
AS_LOW_RTOL = 0.05
VALIDATION_EPOCHS = 5
GOOD_RATE = exam.PUBLISHED_CURVES["D"]  # the page trains Question 1 with the good rate
STEPS_CHECKED = 300  # steps of a generated run checked against a bound
EXPANDING_STEPS = 20  # steps of an expanding run checked, before it overflows

# --- strategies (to move into tests/strategies.py) ---

small_reals = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
l2_strengths = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)
seeds = st.integers(min_value=0, max_value=2**16)
# Learning rates of synthetic curves: distinct, spread over four decades.
rate_sets = st.lists(
    st.floats(min_value=1e-5, max_value=1e-1), min_size=2, max_size=4, unique=True
).filter(lambda rates: min(np.diff(np.log10(sorted(rates))), default=1) > 0.3)
# Shares of a bound, strictly inside it.
fractions = st.floats(min_value=0.05, max_value=0.99, allow_nan=False, allow_infinity=False)
# Margins by which a rate exceeds a bound: 5 % to 100 %.
margins = st.floats(min_value=0.05, max_value=1.0, allow_nan=False, allow_infinity=False)


@st.composite
def regression_problems(draw: st.DrawFn, min_l2: float = 1e-4) -> tuple[Dataset, float]:
    """1-12 samples of 1-5 features with scale 0.1-10, targets all zero or with scale 0.01-10
    (no subnormal numbers), and an L2 strength λ from `min_l2` to 1."""
    n, d = draw(st.integers(1, 12)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(seeds))
    scale = draw(st.floats(0.1, 10.0, allow_nan=False, allow_infinity=False))
    noise = draw(st.just(0.0) | st.floats(0.01, 10.0, allow_nan=False, allow_infinity=False))
    l2 = draw(st.floats(min_l2, 1.0, allow_nan=False, allow_infinity=False))
    return Dataset(rng.normal(0.0, scale, (n, d)), rng.normal(0.0, 1.0, n) * noise), l2


# --- fixtures ---


@pytest.fixture(scope="module")
def data() -> Dataset:
    return make_regression()[0]


@pytest.fixture(scope="module")
def exam_runs(data) -> dict[float, lr_experiment.LossCurve]:
    return learning_rate_experiment(exam.LEARNING_RATES, data)


@pytest.fixture(scope="module")
def exam_curves(exam_runs) -> dict[str, np.ndarray]:
    # The question's figure labels the runs as the exam published them; the reading is blind.
    return {label: exam_runs[rate].losses for label, rate in exam.PUBLISHED_CURVES.items()}


@pytest.fixture(scope="module")
def readings(exam_curves) -> dict[str, lr_experiment.CurveReading]:
    return {r.label: r for r in read_curves(exam_curves)}


@pytest.fixture(scope="module")
def history() -> lr_experiment.EpochHistory:
    train, validation = make_regression()
    return train_with_validation(train, validation, GOOD_RATE, VALIDATION_EPOCHS)


# --- helpers: a sample's loss, built independently of snippets.lr_experiment ---


def sample_hessian(data: Dataset, i: int, l2: float) -> np.ndarray:
    """∂²ℓ_i over (w, b): z zᵀ + λ diag(1, …, 1, 0), z = (x_i, 1)."""
    z = np.append(data.x[i], 1.0)
    return np.outer(z, z) + l2 * np.diag([1.0] * data.x.shape[1] + [0.0])


def top_direction(data: Dataset, i: int, l2: float) -> tuple[float, np.ndarray, float]:
    """μ, the unit top eigenvector v of H_i, and v·θ_i* = y_i (v·z_i)/μ (from H_i θ* = y_i z_i)."""
    eigenvalues, vectors = np.linalg.eigh(sample_hessian(data, i, l2))
    mu, v = eigenvalues[-1], vectors[:, -1]
    return mu, v, data.y[i] * (v @ np.append(data.x[i], 1.0)) / mu


def parameters(state: lr_experiment.SGDStep) -> np.ndarray:
    return np.append(state.w, state.b)


def _pull(data: Dataset, state: lr_experiment.SGDStep, rate: float) -> float:
    """α |y_i| ‖z_i‖: the size of the step's constant term, for round-off tolerances."""
    return rate * abs(data.y[state.sample]) * np.linalg.norm(np.append(data.x[state.sample], 1))


# --- the model ---


@given(seeds, small_reals, l2_strengths)
def test_gradient_matches_finite_differences(seed, b, l2):
    rng = np.random.default_rng(seed)
    data = Dataset(rng.normal(size=(5, 3)), rng.normal(size=5))
    w = rng.normal(size=3)
    grad_w, grad_b = gradient(w, b, data.x, data.y, l2)
    numeric_w = np.array(
        [
            (objective(w + FD_STEP * e, b, data, l2) - objective(w - FD_STEP * e, b, data, l2))
            / (2 * FD_STEP)
            for e in np.eye(3)
        ]
    )
    numeric_b = (objective(w, b + FD_STEP, data, l2) - objective(w, b - FD_STEP, data, l2)) / (
        2 * FD_STEP
    )
    assert_allclose(grad_w, numeric_w, rtol=FD_RTOL, atol=FD_ATOL)
    assert_allclose(grad_b, numeric_b, rtol=FD_RTOL, atol=FD_ATOL)


def _fd_hessian(data: Dataset, l2: float, theta: np.ndarray) -> np.ndarray:
    """Central differences of the snippet's gradient (of the mean loss over `data`) in θ = (w, b)."""

    def grad(t: np.ndarray) -> np.ndarray:
        grad_w, grad_b = gradient(t[:-1], t[-1], data.x, data.y, l2)
        return np.append(grad_w, grad_b)

    return np.array(
        [(grad(theta + FD_STEP * e) - grad(theta - FD_STEP * e)) / (2 * FD_STEP)
         for e in np.eye(len(theta))]
    ).T  # fmt: skip


@given(seeds, l2_strengths)
def test_objective_hessian_matches_finite_differences(seed, l2):
    rng = np.random.default_rng(seed)
    data = Dataset(rng.normal(size=(6, 3)), rng.normal(size=6))
    numeric = _fd_hessian(data, l2, rng.normal(size=4))
    assert_allclose(objective_hessian(data, l2), numeric, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim("part-2-short-questions.md", "is the largest eigenvalue of")
@given(regression_problems(min_l2=0.0), seeds)
def test_step_curvature_is_the_top_eigenvalue_of_the_sample_hessian(problem, seed):
    # μ_i in closed form against the finite-difference Hessian of one sample's loss ℓ_i.
    data, l2 = problem
    mu = step_curvatures(data, l2)
    theta = np.random.default_rng(seed).normal(size=data.x.shape[1] + 1)
    for i in range(len(data.y)):
        one = Dataset(data.x[i : i + 1], data.y[i : i + 1])
        numeric = np.linalg.eigvalsh(_fd_hessian(one, l2, theta))[-1]
        assert_allclose(mu[i], numeric, rtol=HESSIAN_FD_RTOL, atol=HESSIAN_FD_ATOL)


@pytest.mark.claim("part-2-short-questions.md", "(the bias is not penalised)")
@given(regression_problems(min_l2=0.0), seeds)
def test_sample_loss_hessian_is_z_z_transpose_plus_l2_on_the_weights(problem, seed):
    # ℓ_i is the objective of a one-sample dataset; its Hessian is H_i of the page.
    data, l2 = problem
    theta = np.random.default_rng(seed).normal(size=data.x.shape[1] + 1)
    for i in range(len(data.y)):
        one = Dataset(data.x[i : i + 1], data.y[i : i + 1])
        numeric = _fd_hessian(one, l2, theta)
        assert_allclose(numeric, sample_hessian(data, i, l2), rtol=HESSIAN_FD_RTOL,
                        atol=HESSIAN_FD_ATOL)  # fmt: skip


@pytest.mark.claim("part-2-short-questions.md", "without L2.)")
@given(regression_problems())
def test_step_curvature_without_l2_is_squared_norm_plus_one(problem):
    data, _ = problem
    assert_allclose(step_curvatures(data, 0.0), np.sum(data.x**2, axis=1) + 1, rtol=EXACT_RTOL)


@given(regression_problems(min_l2=0.0), seeds)
def test_objective_is_the_mean_of_the_sample_losses(problem, seed):
    data, l2 = problem
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=data.x.shape[1]), float(rng.normal())
    per_sample = [
        objective(w, b, Dataset(data.x[i : i + 1], data.y[i : i + 1]), l2)
        for i in range(len(data.y))
    ]
    assert_allclose(objective(w, b, data, l2), np.mean(per_sample), rtol=EXACT_RTOL)


@pytest.mark.claim("part-2-short-questions.md", "the bound of a typical sample")
@given(regression_problems(min_l2=0.0))
def test_stability_bounds_are_two_over_the_extreme_curvatures(problem):
    data, l2 = problem
    curvatures = [np.linalg.eigvalsh(sample_hessian(data, i, l2))[-1] for i in range(len(data.y))]
    bounds = stability_bounds(data, l2)
    assert_allclose(bounds.contracting, 2 / max(curvatures), rtol=STEP_RTOL)
    assert_allclose(bounds.typical, 2 / np.median(curvatures), rtol=STEP_RTOL)
    assert_allclose(bounds.expanding, 2 / min(curvatures), rtol=STEP_RTOL)
    top = np.linalg.eigvalsh(objective_hessian(data, l2))[-1]
    assert_allclose(bounds.full_batch, 2 / top, rtol=STEP_RTOL)


def test_make_regression_rejects_a_non_positive_variance():
    with pytest.raises(ValueError, match="feature_variance must be positive"):
        make_regression(feature_variance=0.0)


def test_train_sgd_rejects_a_negative_learning_rate():
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        train_sgd(make_regression(samples=4)[0], -0.1)


def test_step_curvatures_reject_a_negative_l2():
    with pytest.raises(ValueError, match="l2 must be non-negative"):
        step_curvatures(make_regression(samples=4)[0], -1.0)


def test_sgd_steps_rejects_a_zero_learning_rate_at_once():
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        sgd_steps(make_regression(samples=4)[0], 0.0)


def test_train_sgd_is_reproducible(data):
    first, second = train_sgd(data, GOOD_RATE), train_sgd(data, GOOD_RATE)
    assert_allclose(first.losses, second.losses, rtol=0)


@pytest.mark.claim(
    "part-2-short-questions.md", "on 256 synthetic samples of 10 features (variance 18 each)"
)
def test_make_regression_draws_features_of_the_stated_variance(data):
    assert data.x.shape == (lr_experiment.SAMPLES, lr_experiment.FEATURES)
    assert_allclose(np.var(data.x), lr_experiment.FEATURE_VARIANCE, rtol=VARIANCE_RTOL)


@pytest.mark.claim(
    "part-2-short-questions.md", "256 validation samples are drawn from the same distribution."
)
def test_training_and_validation_sets_come_from_one_distribution():
    # Both sets are drawn from the same weights: least squares on each finds the same ones.
    fits = [np.linalg.lstsq(part.x, part.y, rcond=None)[0] for part in make_regression()]
    assert_allclose(fits[0], fits[1], atol=WEIGHTS_ATOL)


# --- one-sample SGD: what each step does (the page's rule, on generated data) ---


@pytest.mark.claim(
    "part-2-short-questions.md", "So a step multiplies the distance to the minimum of"
)
@pytest.mark.claim("part-2-short-questions.md", "Along that direction the step is stable only when")
@given(regression_problems(min_l2=0.0), st.floats(0.01, 3.0), seeds)
def test_each_step_scales_the_distance_along_its_top_direction_by_one_minus_rate_times_mu(
    problem, share, seed
):
    """A step on sample i multiplies the distance to ℓ_i's minimum, along H_i's top eigenvector,
    by 1 - α μ_i, with μ_i the closed form of the page."""
    data, l2 = problem
    rate = share * stability_bounds(data, l2).expanding
    mu = step_curvatures(data, l2)
    before = np.zeros(data.x.shape[1] + 1)
    for state in islice(sgd_steps(data, rate, l2, seed), 3 * len(data.y)):
        _, v, target = top_direction(data, state.sample, l2)
        after = parameters(state)
        factor = 1 - rate * mu[state.sample]
        # Round-off of one step: relative to the sizes of θ, of the step and of the target.
        scale = (2 + abs(factor)) * np.linalg.norm(before) + abs(target) + _pull(data, state, rate)
        assert abs((v @ after - target) - factor * (v @ before - target)) <= STEP_RTOL * scale
        before = after


@pytest.mark.claim("part-2-short-questions.md", "so the run stays bounded in any order of samples")
@pytest.mark.claim(
    "part-2-short-questions.md",
    "every step contracts, so the run stays bounded, whatever the order of the samples.",
)
@given(regression_problems(), fractions, seeds)
def test_sgd_stays_bounded_below_the_contracting_bound(problem, fraction, seed):
    """Below 2/max μ_i (with λ > 0) every step contracts, so in any order of samples
    ‖θ_k‖ ≤ c/(1 - ρ), with ρ the largest ‖I - αH_i‖ and c = α max |y_i| ‖z_i‖."""
    data, l2 = problem
    rate = fraction * stability_bounds(data, l2).contracting
    n = len(data.y)
    rho = max(
        np.abs(1 - rate * np.linalg.eigvalsh(sample_hessian(data, i, l2))).max() for i in range(n)
    )
    assert rho < 1
    z_norms = np.linalg.norm(np.hstack([data.x, np.ones((n, 1))]), axis=1)
    radius = rate * np.max(np.abs(data.y) * z_norms) / (1 - rho)
    for state in islice(sgd_steps(data, rate, l2, seed), STEPS_CHECKED):
        assert np.linalg.norm(parameters(state)) <= radius * (1 + BOUND_RTOL)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "A curve that rises takes steps that overshoot and grow: its learning rate is far too high.",
)
@pytest.mark.claim(
    "part-2-short-questions.md",
    "above it every step expands along its sample's top eigenvector, by the factor",
)
@pytest.mark.claim("part-2-short-questions.md", "every step expands, by a factor of at least 9.6")
@given(regression_problems(), margins, seeds)
def test_every_step_expands_above_the_expanding_bound(problem, margin, seed):
    """Above (1 + m)·2/min μ_i, every step multiplies the distance to its sample's minimum,
    along H_i's top eigenvector, by at least 1 + 2m."""
    data, l2 = problem
    rate = (1 + margin) * stability_bounds(data, l2).expanding
    before = np.zeros(data.x.shape[1] + 1)
    for state in islice(sgd_steps(data, rate, l2, seed), EXPANDING_STEPS):
        mu, v, target = top_direction(data, state.sample, l2)
        after = parameters(state)
        factor = abs(1 - rate * mu)
        assert factor >= (1 + 2 * margin) * (1 - STEP_RTOL)
        grown, start = abs(v @ after - target), abs(v @ before - target)
        scale = (2 + factor) * np.linalg.norm(before) + abs(target) + _pull(data, state, rate)
        assert grown >= (1 + 2 * margin) * start - STEP_RTOL * scale
        before = after


@pytest.mark.claim(
    "part-2-short-questions.md", "a step on all samples lowers the mean loss whenever"
)
@given(regression_problems(min_l2=0.0), fractions)
# One sample, a loss that reaches zero: round-off of its last values (1e-46) once exceeded a
# tolerance relative to those values; it is relative to the first loss now.
@example(problem=(Dataset(np.array([[0.23528276]]), np.array([-1.58587994])), 0.25), fraction=0.5)
def test_full_batch_descent_lowers_the_loss_below_its_bound(problem, fraction):
    data, l2 = problem
    rate = fraction * stability_bounds(data, l2).full_batch
    losses = train_full_batch(data, rate, steps=200, l2=l2, log_every=1).losses
    # Round-off of the loss is relative to the size of its terms, which start at the first loss.
    assert np.all(np.diff(losses) <= MONOTONE_RTOL * losses[0])


@pytest.mark.claim("part-2-short-questions.md", "expands, the others contract.")
@given(regression_problems(min_l2=0.0), st.floats(0.001, 0.2))
def test_overshooting_share_counts_samples_with_rate_times_mu_above_two(problem, rate):
    data, l2 = problem
    over = [
        rate * np.linalg.eigvalsh(sample_hessian(data, i, l2))[-1] > 2 for i in range(len(data.y))
    ]
    assert_allclose(overshooting_share(data, rate, l2), np.mean(over), rtol=EXACT_RTOL)


# --- the page's numbers: the exam's rates against the bounds ---


@pytest.mark.claim("part-2-short-questions.md", "lie below 0.0041")
@pytest.mark.claim(
    "part-2-short-questions.md", "lies between: a step on any of the 18% of samples with"
)
@pytest.mark.claim("part-2-short-questions.md", "lies above 0.0758")
def test_exam_rates_fall_in_the_regimes_the_page_names(data):
    bounds = stability_bounds(data)
    regimes = {rate: bounds.regime(rate) for rate in exam.LEARNING_RATES}
    assert regimes == {2e-5: CONTRACTING, 3e-4: CONTRACTING, 8e-3: BETWEEN, 4e-1: EXPANDING}
    assert bounds.contracting < bounds.typical < bounds.expanding


@pytest.mark.claim(
    "part-2-short-questions.md", "It does not carry over to one sample per step: on these samples"
)
@pytest.mark.claim(
    "part-2-short-questions.md",
    "all lie below 0.082, and their runs of one-sample SGD all diverge.",
)
def test_full_batch_bound_does_not_hold_for_one_sample_steps(data):
    # The rule the page once taught (stable below 2/λ_max) fails for one-sample SGD here.
    bound = stability_bounds(data).full_batch
    assert all(rate < bound for rate in FULL_BATCH_COUNTEREXAMPLES)
    assert diverging_below_full_batch_bound(data) == FULL_BATCH_COUNTEREXAMPLES


@pytest.mark.claim(
    "part-2-short-questions.md",
    "then every single-sample step, scaled by the large rate, knocks it away again.",
)
@pytest.mark.claim(
    "part-2-short-questions.md",
    "That is the noise of single-sample steps at a large rate: with all samples in every step (full-batch gradient descent), the same rate ends at 0.113",
)
def test_too_high_rate_jumps_where_full_batch_descent_is_smooth(readings, data):
    # The jumps of C are the noise of one-sample steps: all samples per step at C's rate is smooth.
    assert not readings["C"].smooth
    full = read_curves({"full": train_full_batch(data, exam.PUBLISHED_CURVES["C"]).losses})[0]
    assert full.smooth
    assert full.final < readings["C"].final


# --- the exam's four curves ---


@pytest.mark.claim(
    "part-2-short-questions.md",
    "from the same start and in the same order of samples for every learning rate.",
)
def test_runs_share_their_start(exam_runs):
    starts = {curve.losses[0] for curve in exam_runs.values()}
    assert len(starts) == 1


@pytest.mark.claim(
    "part-2-short-questions.md",
    "from the same start and in the same order of samples for every learning rate.",
)
def test_runs_share_their_sample_order(data):
    orders = [
        [state.sample for state in islice(sgd_steps(data, rate), 2 * len(data.y))]
        for rate in exam.LEARNING_RATES
    ]
    assert all(order == orders[0] for order in orders)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "over all samples every 5 steps, for up to 1500 steps (a run that diverges is stopped).",
)
def test_stable_runs_take_every_step_logged_every_five(exam_runs):
    for curve in exam_runs.values():
        assert curve.diverged or curve.steps[-1] == STEPS
        assert np.all(np.diff(curve.steps) == 5)  # the page's "every 5 steps"


@pytest.mark.claim("part-2-short-questions.md", "Here its run stays bounded, but its loss jumps")
def test_only_the_largest_rate_diverges(exam_runs):
    diverged = {rate for rate, curve in exam_runs.items() if curve.diverged}
    assert diverged == {max(exam.LEARNING_RATES)}


@pytest.mark.claim("part-2-short-questions.md", "and the loss leaves the plot by step 5.")
def test_largest_rate_leaves_the_plot_within_the_first_steps(exam_runs):
    leaves = exam_runs[max(exam.LEARNING_RATES)].first_step_above(LOSS_LIMITS[1])
    assert leaves is not None
    assert leaves <= 10


@pytest.mark.claim("part-2-short-questions.md", "way too high: the loss rises.")
@pytest.mark.claim("part-2-short-questions.md", "too low: the loss falls slowly.")
@pytest.mark.claim("part-2-short-questions.md", "good: the loss ends lowest")
def test_exam_curve_verdicts(exam_curves):
    verdicts = {r.label: r.verdict for r in read_curves(exam_curves)}
    assert verdicts == {"A": WAY_TOO_HIGH, "B": TOO_LOW, "C": TOO_HIGH, "D": GOOD}


@pytest.mark.claim(
    "part-2-short-questions.md", "too high: the loss falls fast, then jumps around a higher level."
)
@pytest.mark.claim("part-2-short-questions.md", "ends at 18.6, smoothly")
@pytest.mark.claim("part-2-short-questions.md", "ends at 0.402, jumping")
@pytest.mark.claim("part-2-short-questions.md", "ends at 0.115, smoothly")
def test_too_high_curve_jumps_and_the_others_end_smoothly(readings):
    assert {label for label, r in readings.items() if r.smooth} == {"B", "D"}


@pytest.mark.claim(
    "part-2-short-questions.md",
    "Of the curves that fall, the one that ends lowest has a good learning rate.",
)
def test_good_curve_ends_lowest_and_too_high_curve_falls_tenfold_first(readings):
    stable = [r for r in readings.values() if not r.diverged]
    assert min(stable, key=lambda r: r.final).label == "D"
    assert readings["C"].tenfold_at < readings["D"].tenfold_at
    assert readings["B"].tenfold_at is None


@pytest.mark.claim("part-2-short-questions.md", "it would get as low, but needs far more steps.")
def test_too_low_rate_gets_as_low_with_more_steps(data, readings):
    # 2e-5 is 15 times smaller than the good 3e-4: with 15 times the steps it gets as low.
    low, good = exam.PUBLISHED_CURVES["B"], exam.PUBLISHED_CURVES["D"]
    longer = train_sgd(data, low, steps=round(STEPS * good / low))
    final = read_curves({"B": longer.losses})[0].final
    assert final <= readings["D"].final * (1 + AS_LOW_RTOL)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "the curves pair up with the learning rates sorted from the largest to the smallest.",
)
@pytest.mark.claim("part-2-short-questions.md", "This agrees with the exam's published answer.")
def test_curve_assignment_matches_published(exam_curves):
    # The answer key: read from the curves' shapes alone, then compared with the exam.
    derived = assign_learning_rates(read_curves(exam_curves), exam.LEARNING_RATES)
    assert derived == exam.PUBLISHED_CURVES


@given(st.permutations("ABCD"))
def test_assignment_follows_the_curves_not_their_labels(exam_curves, labels):
    relabelled = {new: exam_curves[old] for old, new in zip("ABCD", labels, strict=True)}
    derived = assign_learning_rates(read_curves(relabelled), exam.LEARNING_RATES)
    published = {new: exam.PUBLISHED_CURVES[old] for old, new in zip("ABCD", labels, strict=True)}
    assert derived == published


@given(rate_sets)
def test_reading_recovers_rates_of_idealised_curves(rates):
    # Idealised SGD curves: the excess loss decays like e^(-c η t) to a floor proportional to η.
    t = np.arange(0, 1001)
    curves = {f"r{i}": 50 * np.exp(-20 * rate * t) + 10 * rate for i, rate in enumerate(rates)}
    derived = assign_learning_rates(read_curves(curves), rates)
    assert derived == {f"r{i}": rate for i, rate in enumerate(rates)}


def test_reading_rejects_a_single_point_curve():
    with pytest.raises(ValueError, match="must be a 1-D sequence of at least 2 losses"):
        read_curves({"A": [1.0]})


# --- Question 1: the epoch-averaged training loss ---


@pytest.mark.claim(
    "part-2-short-questions.md",
    "the mean over the epoch of each step's loss, taken before that step's update.",
)
def test_train_with_validation_takes_the_steps_of_sgd_steps(history):
    # "SGD as in train_sgd": the loss before each step is that of sgd_steps' previous state.
    train = make_regression()[0]
    states = list(islice(sgd_steps(train, GOOD_RATE), 5))
    want = [data_loss(s.w, s.b, train) for s in states]
    assert_allclose(history.train_before_step[1:6], want, rtol=EXACT_RTOL)
    # Each step's reported loss uses the weights before that step's update.
    first, second = states[0].sample, states[1].sample
    assert_allclose(history.step_losses[0], 0.5 * train.y[first] ** 2, rtol=EXACT_RTOL)
    residual = train.x[second] @ states[0].w + states[0].b - train.y[second]
    assert_allclose(history.step_losses[1], 0.5 * residual**2, rtol=EXACT_RTOL)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "The reported training loss is the mean over all batches of an epoch, early ones included, while the model improves",
)
def test_reported_training_loss_estimates_mean_over_epoch(history):
    over_epoch = epoch_means(history.train_before_step, history.steps_per_epoch)
    assert_allclose(history.reported[:3], over_epoch[:3], rtol=SAMPLE_MEAN_RTOL)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "In epochs 1, 2 and 3 the validation loss lies below the reported training loss",
)
@pytest.mark.claim(
    "part-2-short-questions.md",
    "From epoch 4 on, the validation loss is above the reported training loss again.",
)
def test_validation_is_below_the_reported_loss_in_the_first_epochs_only(history):
    below = history.validation_at_end < history.reported
    first_above = int(np.argmin(below))
    assert below[0]  # below in the first epoch
    assert not below.all()  # above in some later epoch
    assert not below[first_above:].any()  # from the first epoch above on, never below again


@pytest.mark.claim(
    "part-2-short-questions.md",
    "yet in every epoch it is above the training loss measured with the same weights",
)
def test_validation_above_training_loss_at_same_moment(history):
    # Measured with the same weights, the validation loss is the higher one.
    assert np.all(history.validation_at_end > history.train_at_end)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "The reported mean lies above the training loss at the epoch's end in every epoch",
)
def test_reported_mean_lies_above_the_end_of_epoch_training_loss(history):
    assert np.all(history.reported > history.train_at_end)


@pytest.mark.claim(
    "part-2-short-questions.md", "1.05 in the last, where the model hardly improves any more."
)
def test_reported_mean_is_close_to_the_end_value_in_the_last_epoch(history):
    assert history.reported[-1] / history.train_at_end[-1] < LAST_EPOCH_RATIO


def test_training_loss_of_the_current_weights_falls_over_the_run(history):
    assert history.train_before_step[-1] < history.train_before_step[0] / 100


# --- figures ---


def test_loss_curves_figure_is_page_safe_svg(exam_runs):
    curves = {label: exam_runs[rate] for label, rate in exam.PUBLISHED_CURVES.items()}
    svg = figure_svg(loss_curves_figure(curves), name="test-curves", alt="four loss curves")
    assert "<svg" in svg
    assert "$" not in svg  # a "$" would be read as TeX on the page


def test_averaging_figure_is_page_safe_svg(history):
    svg = figure_svg(averaging_figure(history), name="test-averaging", alt="training curves")
    assert "<svg" in svg
    assert "$" not in svg


@pytest.mark.claim(
    "part-2-short-questions.md",
    "The thin curve is the training loss of the current weights on the whole training set; the bars are what the loop reports, the mean over the epoch of each step's loss",
)
def test_averaging_figure_draws_the_current_loss_and_the_epoch_means_as_bars(history):
    (ax,) = averaging_figure(history).axes
    lines = ax.get_lines()
    assert_allclose(lines[0].get_ydata(), history.train_before_step, rtol=0)
    bars = [line.get_ydata() for line in lines[1 : 1 + VALIDATION_EPOCHS]]
    assert all(bar[0] == bar[1] for bar in bars)  # flat
    assert_allclose([bar[0] for bar in bars], history.reported, rtol=0)


def test_train_with_validation_is_reproducible():
    train, validation = make_regression()
    first = train_with_validation(train, validation, GOOD_RATE, 2)
    second = train_with_validation(train, validation, GOOD_RATE, 2)
    assert_allclose(first.step_losses, second.step_losses, rtol=0)
    assert_allclose(first.validation_at_end, second.validation_at_end, rtol=0)


def test_train_with_validation_rejects_zero_epochs():
    train, validation = make_regression(samples=4)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        train_with_validation(train, validation, GOOD_RATE, 0)
