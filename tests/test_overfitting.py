"""Overfitting: closed-form gradient descent, the losses, and the demonstration's claims."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import overfitting

GD_RTOL = 1e-8  # closed form against the loop: eigen-decomposition rounding over many steps
GD_ATOL = 1e-10
LOSS_RTOL = 1e-9
# Augmentation must lower the best validation loss on at least this many of the seeds below.
AUGMENTATION_WINS = 9
ROBUSTNESS_SEEDS = range(100, 110)
MONOTONE_ATOL = 1e-12  # a loss "never rises" or "climbs": steps up or down by rounding only
# Least squares through samples at least MIN_SPACING apart: conditioning loses digits
# (about 2e-8 at worst for 12 samples and degree 12), far below the noise of 0.25.
INTERPOLATION_ATOL = 1e-6
MIN_SPACING = 0.01

# --- strategies (to move into tests/strategies.py) ---

seeds = st.integers(min_value=0, max_value=2**16)
degrees = st.integers(min_value=0, max_value=8)
sample_counts = st.integers(min_value=2, max_value=15)


# The page's run, computed once. A module-level name rather than a fixture: the evidence
# index (snippets/mdext/evidence.py) then counts the tests that call it as checks of
# overfitting_experiment.
page_experiment = functools.cache(overfitting.overfitting_experiment)


# --- gradient descent in closed form ---


@pytest.mark.claim(
    "part-1-multiple-choice.md", "Full-batch gradient descent minimises the mean squared error"
)
@given(sample_counts, degrees, seeds, st.integers(1, 60))
@settings(deadline=None)
def test_closed_form_descent_equals_the_step_by_step_loop(samples, degree, seed, epochs):
    data = overfitting.noisy_samples(samples, 0.3, seed)
    alpha = overfitting.learning_rate(data, degree)
    a = overfitting.features(data.x, degree)
    w = np.zeros(degree + 1)
    loop = []
    for _ in range(epochs):
        w = w - alpha * a.T @ (a @ w - data.y) / samples  # ∇ of mean (A w - y)² / 2
        loop.append(w)
    got = overfitting.descent_weights(data, degree, alpha, epochs)
    assert_allclose(got, np.array(loop), rtol=GD_RTOL, atol=GD_ATOL)


@given(sample_counts, degrees, seeds)
def test_mse_equals_the_mean_of_squared_residuals(samples, degree, seed):
    data = overfitting.noisy_samples(samples, 0.3, seed)
    weights = np.random.default_rng(seed).normal(size=(3, degree + 1))
    direct = [np.mean((overfitting.fitted(w, data.x) - data.y) ** 2) for w in weights]
    assert_allclose(overfitting.mse(weights, data, degree), direct, rtol=LOSS_RTOL, atol=1e-12)


@pytest.mark.claim("part-1-multiple-choice.md", "Data augmentation adds transformed copies of the")
@pytest.mark.claim("part-1-multiple-choice.md", "training points in all")
@given(sample_counts, seeds, st.integers(0, 5), st.floats(0.0, 0.2))
def test_augment_mirrors_then_copies(samples, seed, copies, jitter):
    data = overfitting.noisy_samples(samples, 0.3, seed)
    aug = overfitting.augment(data, copies, jitter, seed)
    assert aug.x.size == 2 * samples * (copies + 1)
    assert_allclose(aug.x[:samples], data.x)
    assert_allclose(aug.x[samples : 2 * samples], -data.x)  # the mirror image (-x, -y)
    assert_allclose(aug.y[samples : 2 * samples], -data.y)
    assert np.all(np.abs(aug.x) <= 1.0)
    assert_allclose(aug.y, np.tile(aug.y[: 2 * samples], copies + 1))


@pytest.mark.claim("part-1-multiple-choice.md", "which the task allows because the sine is odd")
def test_target_is_odd_so_the_mirror_is_a_valid_augmentation():
    x = np.linspace(-1.0, 1.0, 101)
    assert_allclose(overfitting.target(-x), -overfitting.target(x), atol=1e-15)


@pytest.mark.claim("part-1-multiple-choice.md", "The training loss never rises")
@given(sample_counts, degrees, seeds)
def test_training_loss_never_rises_under_gradient_descent(samples, degree, seed):
    # α = 1/λ_max is below the stability bound 2/λ_max: every step lowers the loss.
    data = overfitting.noisy_samples(samples, 0.3, seed)
    alpha = overfitting.learning_rate(data, degree)
    losses = overfitting.mse(overfitting.descent_weights(data, degree, alpha, 200), data, degree)
    assert np.all(np.diff(losses) <= 1e-12)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Stopping when the validation loss stops improving keeps the weights from the epoch with the lowest validation loss, the best estimate of which generalises best.",
)
@pytest.mark.claim("part-1-multiple-choice.md", "fresh samples decides when to stop")
@given(seeds)
def test_train_run_keeps_the_epoch_of_lowest_validation_loss(seed):
    train_set = overfitting.noisy_samples(8, 0.3, seed)
    validation = overfitting.noisy_samples(20, 0.3, seed + 1)
    run = overfitting.train_run(train_set, train_set, validation, validation, 6, epochs=300)
    # Witness: step-by-step gradient descent, validation loss evaluated directly.
    a = overfitting.features(train_set.x, 6)
    alpha = overfitting.learning_rate(train_set, 6)
    w, losses = np.zeros(7), []
    for _ in range(300):
        w = w - alpha * a.T @ (a @ w - train_set.y) / 8
        losses.append(np.mean((overfitting.fitted(w, validation.x) - validation.y) ** 2))
    assert_allclose(run.validation, losses, rtol=GD_RTOL, atol=GD_ATOL)
    assert run.best_validation == pytest.approx(min(losses), rel=GD_RTOL)
    assert_allclose(run.final_weights, w, rtol=GD_RTOL, atol=GD_ATOL)


def test_bad_arguments_raise_naming_them():
    data = overfitting.noisy_samples(5, 0.1, 0)
    with pytest.raises(ValueError, match="epochs"):
        overfitting.descent_weights(data, 3, 0.1, 0)
    with pytest.raises(ValueError, match="copies"):
        overfitting.augment(data, -1, 0.1, 0)
    with pytest.raises(ValueError, match="noise"):
        overfitting.noisy_samples(5, -0.1, 0)


# --- the demonstration's claims, on the demonstration's own data ---


@pytest.mark.claim(
    "part-1-multiple-choice.md", "the weights learned after that epoch fit the noise of the"
)
def test_training_loss_falls_while_validation_loss_rises_after_its_minimum():
    experiment = page_experiment()
    plain = experiment.plain
    assert plain.training[-1] < plain.training[plain.best_epoch - 1]
    assert plain.final_validation > plain.best_validation


@pytest.mark.claim("part-1-multiple-choice.md", "Early stopping keeps the weights of epoch")
@pytest.mark.claim("part-1-multiple-choice.md", "is below the last epoch's")
def test_early_stopping_validation_loss_is_below_the_final_one():
    experiment = page_experiment()
    run = experiment.plain
    assert run.validation[run.best_epoch - 1] == pytest.approx(run.validation.min())
    assert run.best_validation < run.final_validation


@pytest.mark.claim("part-1-multiple-choice.md", "and so is their test loss")
def test_early_stopping_also_lowers_the_test_loss():
    experiment = page_experiment()
    run = experiment.plain
    assert run.test[run.best_epoch - 1] < run.test[-1]


@pytest.mark.claim(
    "part-1-multiple-choice.md", "The same model trained on them reaches a best validation loss of"
)
def test_augmentation_improves_the_best_validation_loss():
    experiment = page_experiment()
    assert experiment.augmented.best_validation < experiment.plain.best_validation


@pytest.mark.claim("part-1-multiple-choice.md", "stays below the unaugmented last epoch's")
def test_augmentation_improves_the_final_validation_loss():
    experiment = page_experiment()
    assert experiment.augmented.final_validation < experiment.plain.final_validation


@pytest.mark.claim("part-1-multiple-choice.md", "Early stopping keeps the weights of epoch")
def test_best_weights_are_those_of_the_best_epoch():
    experiment = page_experiment()
    run = experiment.plain
    loss = overfitting.mse(run.best_weights[None], experiment.validation, experiment.degree)
    assert_allclose(loss[0], run.best_validation, rtol=LOSS_RTOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Transformed copies of the data add variety the model must generalise over; it acts as a regulariser.",
)
def test_augmentation_helps_on_other_draws_of_the_data():
    wins = 0
    for seed in ROBUSTNESS_SEEDS:
        e = overfitting.overfitting_experiment(seed=seed, epochs=2_000)
        wins += e.augmented.best_validation < e.plain.best_validation
    assert wins >= AUGMENTATION_WINS


def _remedies(e: overfitting.Experiment) -> dict[str, tuple[overfitting.Run, int]]:
    """The table's remedies: a run and the epoch it keeps (1-based)."""
    return {
        "early stopping": (e.plain, e.plain.best_epoch),
        "augmentation": (e.augmented, e.epochs),
        "augmentation and early stopping": (e.augmented, e.augmented.best_epoch),
    }


@pytest.mark.claim("part-1-multiple-choice.md", "The training loss never rises")
def test_training_loss_never_rises_in_the_page_run():
    experiment = page_experiment()
    assert np.all(np.diff(experiment.plain.training) <= MONOTONE_ATOL)


@pytest.mark.claim("part-1-multiple-choice.md", "and then climbs to")
def test_validation_loss_climbs_after_the_early_stopping_epoch():
    experiment = page_experiment()
    run = experiment.plain
    assert np.all(np.diff(run.validation[run.best_epoch - 1 :]) >= -MONOTONE_ATOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Both remedies cost some training loss and buy validation and test loss",
)
def test_augmentation_lowers_the_test_loss():
    experiment = page_experiment()
    assert experiment.augmented.test[-1] < experiment.plain.test[-1]


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Both remedies cost some training loss and buy validation and test loss",
)
def test_augmentation_costs_training_loss():
    experiment = page_experiment()
    assert experiment.augmented.training[-1] > experiment.plain.training[-1]


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Both remedies cost some training loss and buy validation and test loss",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "the model fits the training samples less closely and generalises better",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Transformed copies of the data add variety the model must generalise over; it acts as a regulariser.",
)
@pytest.mark.parametrize(
    "remedy", ["early stopping", "augmentation", "augmentation and early stopping"]
)
def test_each_remedy_costs_training_loss_and_buys_validation_and_test_loss(remedy):
    # "Both remedies cost some training loss and buy validation and test loss": each row of
    # the table against the row without a remedy (the plain run's last epoch).
    experiment = page_experiment()
    run, epoch = _remedies(experiment)[remedy]
    plain = experiment.plain
    assert run.training[epoch - 1] > plain.training[-1]
    assert run.validation[epoch - 1] < plain.validation[-1]
    assert run.test[epoch - 1] < plain.test[-1]


def _passes_through_every_sample(data: overfitting.Dataset, degree: int) -> bool:
    a = overfitting.features(data.x, degree)
    weights = np.linalg.lstsq(a, data.y, rcond=None)[0]  # the least-squares fit
    # Witness: the polynomial evaluated by Clenshaw's recurrence, not by the design matrix.
    return bool(np.all(np.abs(overfitting.fitted(weights, data.x) - data.y) <= INTERPOLATION_ATOL))


@pytest.mark.claim(
    "part-1-multiple-choice.md", "a model large enough to pass through every sample, noise included"
)
def test_the_page_model_can_pass_through_every_noisy_sample():
    experiment = page_experiment()
    assert _passes_through_every_sample(experiment.train_set, experiment.degree)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "A larger model (higher degree) would be no remedy: it too can pass through every noisy sample.",
)
@given(st.integers(2, 12), st.integers(0, 8), seeds)
def test_a_larger_model_can_pass_through_every_noisy_sample_too(samples, extra, seed):
    # Degree >= samples: more weights than points; any larger model interpolates the noise too.
    data = overfitting.noisy_samples(samples, 0.25, seed)
    assume(np.min(np.diff(np.sort(data.x))) >= MIN_SPACING)
    assert _passes_through_every_sample(data, samples + extra)


# --- the reasons Part I gives: capacity, and what the test set is for ------------------------

# Degrees of the least-squares fits compared below: a small model and the page's.
SMALL_DEGREE = 3


def _least_squares(data: overfitting.Dataset, degree: int) -> np.ndarray:
    """The weights of the polynomial of `degree` closest to the data: the best fit it can reach."""
    return np.linalg.lstsq(overfitting.features(data.x, degree), data.y, rcond=None)[0]


def _loss(weights: np.ndarray, data: overfitting.Dataset, degree: int) -> float:
    return float(overfitting.mse(weights[None], data, degree)[0])


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "More capacity fits the training set more closely: it tends to make overfitting worse, not better.",
)
def test_more_capacity_fits_the_training_set_more_closely_here():
    # Each degree's polynomials include the lower degrees': the best training loss it can
    # reach never rises with the degree, down to 0 once it can pass through every sample.
    experiment = page_experiment()
    data = experiment.train_set
    losses = [_loss(_least_squares(data, d), data, d) for d in range(experiment.degree + 1)]
    assert np.all(np.diff(losses) <= INTERPOLATION_ATOL)
    assert losses[-1] <= INTERPOLATION_ATOL < losses[SMALL_DEGREE]


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "More capacity fits the training set more closely: it tends to make overfitting worse, not better.",
)
def test_more_capacity_tends_to_make_overfitting_worse():
    # On other draws of 12 samples, the fit that passes through every sample has a larger gap
    # between validation and training loss than a cubic on (nearly) every draw.
    worse = 0
    for seed in ROBUSTNESS_SEEDS:
        train_set = overfitting.noisy_samples(12, 0.25, seed)
        validation = overfitting.noisy_samples(200, 0.25, seed + 1)
        gaps = []
        for degree in (SMALL_DEGREE, 11):
            weights = _least_squares(train_set, degree)
            gaps.append(_loss(weights, validation, degree) - _loss(weights, train_set, degree))
        worse += gaps[1] > gaps[0]
    assert worse >= AUGMENTATION_WINS


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "More capacity can overfit; nothing guarantees a better validation or test error.",
)
def test_more_capacity_can_raise_the_validation_and_test_error_here():
    # One counterexample is enough against a guarantee: on the page's data the page's model,
    # fitted as closely as it can be, does worse on unseen data than a cubic.
    e = page_experiment()
    small, large = _least_squares(e.train_set, SMALL_DEGREE), _least_squares(e.train_set, e.degree)
    for unseen in (e.validation, e.test):
        assert _loss(large, unseen, e.degree) > _loss(small, unseen, SMALL_DEGREE)


@pytest.mark.claim("part-1-multiple-choice.md", "used for nothing else")
@given(seeds)
def test_the_test_set_decides_nothing(seed):
    # Early stopping reads the validation loss only: another test set keeps the same epoch.
    train_set = overfitting.noisy_samples(8, 0.3, seed)
    validation = overfitting.noisy_samples(20, 0.3, seed + 1)
    tests = [overfitting.noisy_samples(30, 0.3, seed + k) for k in (2, 3)]
    runs = [overfitting.train_run(train_set, train_set, validation, t, 6, 300) for t in tests]
    assert runs[0].best_epoch == runs[1].best_epoch
    assert_allclose(runs[0].best_weights, runs[1].best_weights, rtol=0, atol=0)
