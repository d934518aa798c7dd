"""Overfitting: closed-form gradient descent, the losses, and the demonstration's claims."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import overfitting

GD_RTOL = 1e-8  # closed form against the loop: eigen-decomposition rounding over many steps
GD_ATOL = 1e-10
LOSS_RTOL = 1e-9
# Augmentation must lower the best validation loss on at least this many of the seeds below.
AUGMENTATION_WINS = 9
ROBUSTNESS_SEEDS = range(100, 110)

# --- strategies (to move into tests/strategies.py) ---

seeds = st.integers(min_value=0, max_value=2**16)
degrees = st.integers(min_value=0, max_value=8)
sample_counts = st.integers(min_value=2, max_value=15)


@pytest.fixture(scope="module")
def experiment() -> overfitting.Experiment:
    return overfitting.overfitting_experiment()


# --- gradient descent in closed form ---


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


def test_target_is_odd_so_the_mirror_is_a_valid_augmentation():
    x = np.linspace(-1.0, 1.0, 101)
    assert_allclose(overfitting.target(-x), -overfitting.target(x), atol=1e-15)


@given(sample_counts, degrees, seeds)
def test_training_loss_never_rises_under_gradient_descent(samples, degree, seed):
    # α = 1/λ_max is below the stability bound 2/λ_max: every step lowers the loss.
    data = overfitting.noisy_samples(samples, 0.3, seed)
    alpha = overfitting.learning_rate(data, degree)
    losses = overfitting.mse(overfitting.descent_weights(data, degree, alpha, 200), data, degree)
    assert np.all(np.diff(losses) <= 1e-12)


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


def test_training_loss_falls_while_validation_loss_rises_after_its_minimum(experiment):
    plain = experiment.plain
    assert plain.training[-1] < plain.training[plain.best_epoch - 1]
    assert plain.final_validation > plain.best_validation


def test_early_stopping_validation_loss_is_below_the_final_one(experiment):
    run = experiment.plain
    assert run.validation[run.best_epoch - 1] == pytest.approx(run.validation.min())
    assert run.best_validation < run.final_validation


def test_early_stopping_also_lowers_the_test_loss(experiment):
    run = experiment.plain
    assert run.test[run.best_epoch - 1] < run.test[-1]


def test_augmentation_improves_the_best_validation_loss(experiment):
    assert experiment.augmented.best_validation < experiment.plain.best_validation


def test_augmentation_improves_the_final_validation_loss(experiment):
    assert experiment.augmented.final_validation < experiment.plain.final_validation


def test_best_weights_are_those_of_the_best_epoch(experiment):
    run = experiment.plain
    loss = overfitting.mse(run.best_weights[None], experiment.validation, experiment.degree)
    assert_allclose(loss[0], run.best_validation, rtol=LOSS_RTOL)


def test_augmentation_helps_on_other_draws_of_the_data():
    wins = 0
    for seed in ROBUSTNESS_SEEDS:
        e = overfitting.overfitting_experiment(seed=seed, epochs=2_000)
        wins += e.augmented.best_validation < e.plain.best_validation
    assert wins >= AUGMENTATION_WINS
