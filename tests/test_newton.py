"""Newton's method against gradient descent on quadratics, and the size of a Hessian."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam
from snippets.architectures import exam_network, total_params
from snippets.newton import (
    best_fixed_step,
    condition_number,
    example_problem,
    gradient_descent,
    hessian_cost,
    newton,
    predicted_gd_iterations,
    quadratic,
)
from snippets.render.short_figures import newton_figure
from snippets.render.svg import figure_svg

FD_STEP = 1e-6
FD_RTOL = 1e-6
# Central differences are exact on a quadratic up to round-off ε·|f|/h, |f| up to about 10⁴.
FD_ATOL = 1e-4
EXACT_RTOL = 1e-12
TOLERANCE = 1e-6

# --- strategies (to move into tests/strategies.py) ---

# Symmetric positive definite matrices Q diag(λ) Qᵀ with curvatures in [1, 50] (κ ≤ 50).
curvatures = st.floats(min_value=1.0, max_value=50.0, allow_nan=False, allow_infinity=False)


@st.composite
def spd_problems(draw, min_size: int = 2, max_size: int = 5):
    n = draw(st.integers(min_size, max_size))
    eigenvalues = np.array(draw(st.lists(curvatures, min_size=n, max_size=n)))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))  # a random rotation
    a = q @ np.diag(eigenvalues) @ q.T
    a = (a + a.T) / 2
    return a, rng.normal(size=n), rng.normal(size=n) * 3


@given(spd_problems())
def test_gradient_of_quadratic_is_ax_minus_b(problem):
    a, b, x = problem
    numeric = [
        (quadratic(a, b, x + FD_STEP * e) - quadratic(a, b, x - FD_STEP * e)) / (2 * FD_STEP)
        for e in np.eye(len(b))
    ]
    assert_allclose(a @ x - b, numeric, rtol=FD_RTOL, atol=FD_ATOL)


@given(spd_problems())
def test_newton_lands_on_the_minimum_in_one_step(problem):
    a, b, x0 = problem
    run = newton(a, b, x0, TOLERANCE)
    assert run.iterations <= 1
    assert_allclose(run.path[-1], np.linalg.solve(a, b), rtol=1e-8, atol=1e-8)


@given(spd_problems())
def test_best_step_contracts_by_kappa_ratio(problem):
    # ‖I - ηA‖₂ = (κ - 1)/(κ + 1) for η = 2/(λ_min + λ_max): a second way to the same rate.
    a, _, _ = problem
    kappa = condition_number(a)
    contraction = np.linalg.norm(np.eye(len(a)) - best_fixed_step(a) * a, ord=2)
    assert_allclose(contraction, (kappa - 1) / (kappa + 1), rtol=1e-9, atol=1e-12)


@given(spd_problems(min_size=2, max_size=2))
def test_gradient_descent_needs_predicted_iterations_in_two_dimensions(problem):
    # With two curvatures, both directions shrink by exactly (κ - 1)/(κ + 1) per step.
    a, b, x0 = problem
    predicted = predicted_gd_iterations(a, TOLERANCE)
    assert abs(gradient_descent(a, b, x0, TOLERANCE).iterations - predicted) <= 1


@given(spd_problems(min_size=3))
def test_gradient_descent_needs_at_most_predicted_iterations(problem):
    a, b, x0 = problem
    assert (
        gradient_descent(a, b, x0, TOLERANCE).iterations
        <= predicted_gd_iterations(a, TOLERANCE) + 1
    )


def test_example_needs_many_descent_steps_and_one_newton_step():
    a, b = example_problem()
    x0 = np.array([-1.5, 2.5])
    assert newton(a, b, x0).iterations == 1
    assert gradient_descent(a, b, x0).iterations == predicted_gd_iterations(a, TOLERANCE)
    assert_allclose(np.linalg.solve(a, b), [1.0, 1.0], rtol=EXACT_RTOL)


def test_gradient_descent_rejects_a_tolerance_above_one():
    a, b = example_problem()
    with pytest.raises(ValueError, match="tolerance must lie in"):
        gradient_descent(a, b, [0.0, 0.0], tolerance=2.0)


def test_quadratic_rejects_an_indefinite_matrix():
    with pytest.raises(ValueError, match="a must be positive definite"):
        quadratic(np.diag([1.0, -1.0]), np.zeros(2), np.zeros(2))


@given(st.integers(1, 10**9))
def test_hessian_has_n_squared_entries(n):
    cost = hessian_cost(n)
    assert cost.hessian_entries == n * n
    assert cost.hessian_bytes == 4 * n * n
    assert cost.gradient_bytes == 4 * n
    assert cost.hessian_bytes == cost.gradient_bytes * n  # a second route: n gradients


def test_hessian_of_exam_network_needs_petabytes():
    n = total_params(exam_network(), exam.IMAGE_SHAPE)
    cost = hessian_cost(n)
    assert cost.hessian_bytes > 10**16  # the Hessian: over ten petabytes
    assert cost.gradient_bytes < 10**9  # the gradient: under a gigabyte
    assert_allclose(cost.cholesky_flops, float(n) ** 3 / 3, rtol=EXACT_RTOL)


def test_hessian_cost_rejects_zero_parameters():
    with pytest.raises(ValueError, match="parameters must be a positive integer"):
        hessian_cost(0)


def test_newton_figure_is_page_safe_svg():
    a, b = example_problem()
    x0 = np.array([-1.5, 2.5])
    fig = newton_figure(a, b, gradient_descent(a, b, x0), newton(a, b, x0))
    svg = figure_svg(fig, name="test-newton", alt="paths on a quadratic")
    assert "<svg" in svg
    assert "$" not in svg
