"""Properties of snippets.logistic, and the answer key of Part III (c)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam
from snippets.logistic import (
    bce,
    bce_from_score,
    bce_grad_score,
    descent_step,
    sigmoid,
    sigmoid_grad,
)
from tests.strategies import extreme_scores, reals, scores, targets
from tests.witnesses import central_difference

FD_STEP = 1e-5  # central differences: truncation error ~ h², round-off ~ eps / h
FD_ATOL = 1e-8
EXACT_RTOL = 1e-12
# Two decimals, as the exam prints its results.
EXAM_ATOL = 5e-3


@pytest.mark.claim(
    "exam-sheet.md",
    "Show that the derivative of the sigmoid with respect to its input is",
)
@given(scores)
def test_sigmoid_derivative_matches_finite_differences(z):
    assert_allclose(sigmoid_grad(z), central_difference(sigmoid, z, FD_STEP), atol=FD_ATOL)


@given(scores)
def test_sigmoid_is_symmetric(z):
    assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


@pytest.mark.claim("part-3-logistic-regression.md", "The gradient is the prediction error")
@given(scores, targets)
def test_bce_gradient_is_p_minus_t(z, t):
    numeric = central_difference(lambda s: bce_from_score(s, t), z, FD_STEP)
    assert_allclose(bce_grad_score(z, t), numeric, atol=FD_ATOL)
    assert_allclose(bce_grad_score(z, t), sigmoid(z) - t, rtol=EXACT_RTOL)


@given(st.floats(min_value=-15.0, max_value=15.0), targets)
def test_stable_bce_equals_textbook_bce(z, t):
    # Textbook form on p = σ(z) where p stays representably inside (0, 1).
    assert_allclose(bce_from_score(z, t), bce(sigmoid(z), t), rtol=1e-9, atol=1e-12)


@given(extreme_scores, targets)
def test_bce_agrees_with_logaddexp_form_for_large_scores(z, t):
    # A second stable algorithm: CE = log(1 + e^z) - t z, with numpy's logaddexp.
    assert_allclose(bce_from_score(z, t), np.logaddexp(0.0, z) - t * z, rtol=1e-12, atol=1e-12)


@given(extreme_scores, targets)
@example(1e3, 0.0)  # e^(1000) overflows a naive sigmoid
@example(-1e3, 1.0)
def test_bce_is_finite_for_large_scores(z, t):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail here
        loss = bce_from_score(z, t)
        grad = bce_grad_score(z, t)
    assert np.isfinite(loss)
    assert np.isfinite(grad)
    assert loss >= 0


@given(
    st.lists(reals, min_size=1, max_size=5).flatmap(
        lambda x: st.tuples(st.just(x), st.lists(reals, min_size=len(x), max_size=len(x)))
    ),
    reals,
    targets,
)
def test_small_step_lowers_the_loss(xw, b, t):
    x, w = (np.array(v) for v in xw)
    step = descent_step(x, w, b, t, learning_rate=1e-3)
    gradient_norm2 = step.grad_z**2 * (x @ x + 1)
    new_loss = bce_from_score(x @ np.array(step.w_new) + step.b_new, t)
    # First-order decrease, with a quadratic remainder bounded by 1/8 (curvature of BCE).
    assert new_loss <= step.loss - 1e-3 * gradient_norm2 * (1 - 1e-3 / 8 * (x @ x + 1)) + 1e-12


@given(st.lists(reals, min_size=1, max_size=5), reals, targets)
def test_descent_step_gradient_matches_finite_differences(x, b, t):
    x = np.array(x)
    w = np.linspace(-1, 1, len(x))
    step = descent_step(x, w, b, t, learning_rate=0.1)
    for i in range(len(x)):
        unit = np.eye(len(x))[i]
        numeric = central_difference(
            lambda s, u=unit: bce_from_score(x @ (w + s * u) + b, t), 0.0, FD_STEP
        )
        assert_allclose(step.grad_w[i], numeric, atol=1e-6)


@pytest.mark.parametrize("t", [-0.1, 1.5, float("nan")])
def test_target_outside_unit_interval_is_rejected(t):
    with pytest.raises(ValueError, match=r"^t must"):
        bce_from_score(0.0, t)
    with pytest.raises(ValueError, match=r"^t must"):
        descent_step([1.0], [1.0], 0.0, t, 0.1)


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match=r"^w must"):
        descent_step([1.0, 2.0], [1.0], 0.0, 1.0, 0.1)


def test_non_positive_learning_rate_is_rejected():
    with pytest.raises(ValueError, match=r"^learning_rate must"):
        descent_step([1.0], [1.0], 0.0, 1.0, 0.0)


# --- the answer key of Part III (c) ---------------------------------------------------------

PROBLEM = exam.LOGISTIC_STEP
PUBLISHED = exam.PUBLISHED_LOGISTIC_STEP


def test_answer_key_score():
    step = descent_step(PROBLEM.x, PROBLEM.w, PROBLEM.b, PROBLEM.t, PROBLEM.learning_rate)
    assert_allclose(step.z, PUBLISHED.z, rtol=EXACT_RTOL)


def test_answer_key_plot_reading_path():
    step = descent_step(
        PROBLEM.x, PROBLEM.w, PROBLEM.b, PROBLEM.t, PROBLEM.learning_rate, p=exam.PLOT_READING_P
    )
    assert_allclose(step.grad_z, PUBLISHED.grad_z, rtol=EXACT_RTOL)
    assert_allclose(step.grad_w[0], PUBLISHED.grad_w1, rtol=EXACT_RTOL)
    assert_allclose(step.w_new[0], PUBLISHED.w1_new, rtol=EXACT_RTOL)


def test_answer_key_exact_path_agrees_to_two_decimals():
    step = descent_step(PROBLEM.x, PROBLEM.w, PROBLEM.b, PROBLEM.t, PROBLEM.learning_rate)
    assert_allclose(step.p, PUBLISHED.p, atol=EXAM_ATOL)
    assert_allclose(step.w_new[0], PUBLISHED.w1_new, atol=EXAM_ATOL)


@pytest.mark.claim("part-3-logistic-regression.md", "Reading the plot costs little")
@pytest.mark.claim("part-3-logistic-regression.md", "which rounds to the same")
def test_reading_the_plot_changes_the_new_weight_by_less_than_its_rounding():
    problem, p_read = exam.LOGISTIC_STEP, exam.PLOT_READING_P
    args = (problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
    read, exact = descent_step(*args, p=p_read), descent_step(*args)
    k = problem.asked_weight - 1
    assert abs(read.p - exact.p) < 1e-3
    assert abs(read.w_new[k] - exact.w_new[k]) < 1e-4
    assert (
        round(read.w_new[k], 2) == round(exact.w_new[k], 2) == exam.PUBLISHED_LOGISTIC_STEP.w1_new
    )
