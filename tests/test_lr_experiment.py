"""The learning-rate experiment (Short Question 4) and the epoch-averaged loss (Question 1)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam, lr_experiment
from snippets.lr_experiment import (
    GOOD,
    TOO_HIGH,
    TOO_LOW,
    WAY_TOO_HIGH,
    Dataset,
    assign_learning_rates,
    gradient,
    hessian_eigenvalues,
    learning_rate_experiment,
    make_regression,
    objective,
    read_curves,
    train_sgd,
    train_with_validation,
)
from snippets.metrics import epoch_means
from snippets.render.short_figures import averaging_figure, loss_curves_figure
from snippets.render.svg import figure_svg

FD_STEP = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-8
EXACT_RTOL = 1e-12
# The reported epoch mean is a sample estimate of the mean training loss over the epoch.
SAMPLE_MEAN_RTOL = 0.1
VALIDATION_EPOCHS = 5
GOOD_RATE = exam.PUBLISHED_CURVES["D"]  # the page trains Question 1 with the good rate

# --- strategies (to move into tests/strategies.py) ---

small_reals = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
l2_strengths = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)
# Learning rates of synthetic curves: distinct, spread over four decades.
rate_sets = st.lists(
    st.floats(min_value=1e-5, max_value=1e-1), min_size=2, max_size=4, unique=True
).filter(lambda rates: min(np.diff(np.log10(sorted(rates))), default=1) > 0.3)


@pytest.fixture(scope="module")
def exam_runs() -> dict[float, lr_experiment.LossCurve]:
    return learning_rate_experiment(exam.LEARNING_RATES)


@pytest.fixture(scope="module")
def exam_curves(exam_runs) -> dict[str, np.ndarray]:
    # The question's figure labels the runs as the exam published them; the reading is blind.
    return {label: exam_runs[rate].losses for label, rate in exam.PUBLISHED_CURVES.items()}


@pytest.fixture(scope="module")
def history() -> lr_experiment.EpochHistory:
    train, validation = make_regression()
    return train_with_validation(train, validation, GOOD_RATE, VALIDATION_EPOCHS)


# --- the model ---


@given(st.integers(0, 2**16), small_reals, l2_strengths)
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


@given(st.integers(0, 2**16), l2_strengths)
def test_hessian_eigenvalues_match_finite_difference_hessian(seed, l2):
    rng = np.random.default_rng(seed)
    data = Dataset(rng.normal(size=(6, 3)), rng.normal(size=6))
    w = rng.normal(size=3)
    # Column j: central difference of ∂L/∂w in direction e_j.
    columns = [
        (gradient(w + FD_STEP * e, 0.0, data.x, data.y, l2)[0]
         - gradient(w - FD_STEP * e, 0.0, data.x, data.y, l2)[0]) / (2 * FD_STEP)
        for e in np.eye(3)
    ]  # fmt: skip
    numeric = np.linalg.eigvalsh(np.array(columns))
    assert_allclose(hessian_eigenvalues(data, l2), numeric, rtol=FD_RTOL, atol=FD_ATOL)


def test_make_regression_rejects_a_non_positive_variance():
    with pytest.raises(ValueError, match="feature_variance must be positive"):
        make_regression(feature_variance=0.0)


def test_train_sgd_rejects_a_negative_learning_rate():
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        train_sgd(make_regression(samples=4)[0], -0.1)


def test_train_sgd_is_reproducible():
    data = make_regression()[0]
    first, second = train_sgd(data, GOOD_RATE), train_sgd(data, GOOD_RATE)
    assert_allclose(first.losses, second.losses, rtol=0)


# --- the exam's four curves ---


def test_runs_share_their_start(exam_runs):
    starts = {curve.losses[0] for curve in exam_runs.values()}
    assert len(starts) == 1


def test_largest_rate_exceeds_full_batch_stability_limit(exam_runs):
    # Gradient descent on a quadratic is stable only for η < 2 / λ_max.
    limit = 2 / hessian_eigenvalues(make_regression()[0])[-1]
    assert max(exam.LEARNING_RATES) > limit > sorted(exam.LEARNING_RATES)[-2]
    assert exam_runs[max(exam.LEARNING_RATES)].diverged


def test_only_the_largest_rate_diverges(exam_runs):
    diverged = {rate for rate, curve in exam_runs.items() if curve.diverged}
    assert diverged == {max(exam.LEARNING_RATES)}


def test_exam_curve_verdicts(exam_curves):
    verdicts = {r.label: r.verdict for r in read_curves(exam_curves)}
    assert verdicts == {"A": WAY_TOO_HIGH, "B": TOO_LOW, "C": TOO_HIGH, "D": GOOD}


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


def test_reported_training_loss_estimates_mean_over_epoch(history):
    reported = epoch_means(history.step_losses, history.steps_per_epoch)
    over_epoch = epoch_means(history.train_before_step, history.steps_per_epoch)
    assert_allclose(reported[:3], over_epoch[:3], rtol=SAMPLE_MEAN_RTOL)


def test_validation_below_reported_training_loss_while_improving(history):
    reported = epoch_means(history.step_losses, history.steps_per_epoch)
    assert np.all(history.validation_at_end[:3] < reported[:3])


def test_validation_above_training_loss_at_same_moment(history):
    # Measured with the same weights, the validation loss is the higher one.
    assert np.all(history.validation_at_end > history.train_at_end)


def test_gap_closes_once_training_has_converged(history):
    reported = epoch_means(history.step_losses, history.steps_per_epoch)
    assert history.validation_at_end[-1] > reported[-1]


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
