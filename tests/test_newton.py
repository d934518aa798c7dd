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
    newton_step,
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
STEP_ATOL = 1e-9
# Step sizes tried against the best fixed step: a grid over (0, 2/λ_min].
STEP_GRID = 200

# --- strategies (to move into tests/strategies.py) ---

# Symmetric positive definite matrices Q diag(λ) Qᵀ with curvatures in [1, 50] (κ ≤ 50).
curvatures = st.floats(min_value=1.0, max_value=50.0, allow_nan=False, allow_infinity=False)


# Saddles: a positive curvature 0.5..20 and a negative one -20..-0.5 along axes rotated by
# 0..π, and b and the start x0 with entries in [-5, 5].
coordinates = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
indefinite_problems = st.tuples(
    st.floats(0.5, 20.0), st.floats(-20.0, -0.5), st.floats(0.0, np.pi),
    st.lists(coordinates, min_size=4, max_size=4),
)  # fmt: skip


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


@pytest.mark.claim(
    "part-2-short-questions.md", "so from any start one step lands exactly on the minimum"
)
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


@pytest.mark.claim("part-2-short-questions.md", "1 against 139 on the quadratic below.")
@pytest.mark.claim("part-2-short-questions.md", "best fixed step needs 139 steps")
@pytest.mark.claim("part-2-short-questions.md", "Newton's method needs 1.")
def test_example_needs_many_descent_steps_and_one_newton_step():
    a, b = example_problem()
    x0 = np.array([-1.5, 2.5])
    assert newton(a, b, x0).iterations == 1
    assert gradient_descent(a, b, x0).iterations == predicted_gd_iterations(a, TOLERANCE)
    assert_allclose(np.linalg.solve(a, b), [1.0, 1.0], rtol=EXACT_RTOL)


@pytest.mark.claim("part-2-short-questions.md", "needs fewer iterations than gradient descent")
@given(spd_problems())
def test_newton_needs_no_more_iterations_than_gradient_descent(problem):
    a, b, x0 = problem
    assert (
        newton(a, b, x0, TOLERANCE).iterations <= gradient_descent(a, b, x0, TOLERANCE).iterations
    )


@pytest.mark.claim(
    "part-2-short-questions.md", "Computed on a quadratic whose curvatures differ by a factor"
)
def test_example_curvatures_differ_by_a_factor_of_twenty():
    a, _ = example_problem()
    assert_allclose(np.linalg.eigvalsh(a), [1.0, 20.0], rtol=EXACT_RTOL)
    assert_allclose(condition_number(a), 20.0, rtol=EXACT_RTOL)


@pytest.mark.claim("part-2-short-questions.md", "with its best fixed step")
@given(spd_problems())
def test_best_fixed_step_contracts_fastest(problem):
    # No fixed step η shrinks the worst direction more: ‖I - ηA‖₂ ≥ ‖I - η*A‖₂.
    a, _, _ = problem
    best = np.linalg.norm(np.eye(len(a)) - best_fixed_step(a) * a, ord=2)
    top = 2 / np.linalg.eigvalsh(a)[0]
    for eta in np.linspace(top / STEP_GRID, top, STEP_GRID):
        assert np.linalg.norm(np.eye(len(a)) - eta * a, ord=2) >= best - STEP_ATOL


@given(spd_problems(min_size=2, max_size=2).filter(lambda p: condition_number(p[0]) > 1.01))
def test_descent_path_zigzags_across_the_valley(problem):
    # Along the steepest axis the best step overshoots: the error changes sign at every step.
    a, b, x0 = problem
    steep = np.linalg.eigh(a)[1][:, -1]
    run = gradient_descent(a, b, x0, TOLERANCE)
    across = (run.path - np.linalg.solve(a, b)) @ steep
    across = across[np.abs(across) > STEP_ATOL]  # the steps still above round-off
    assert np.all(np.sign(across[1:]) == -np.sign(across[:-1]))


def test_example_descent_path_zigzags():
    a, b = example_problem()
    steep = np.linalg.eigh(a)[1][:, -1]
    across = (gradient_descent(a, b, [-1.5, 2.5]).path[:20] - np.ones(2)) @ steep
    assert np.all(np.sign(across[1:]) == -np.sign(across[:-1]))


@pytest.mark.claim(
    "part-2-short-questions.md",
    "Newton's step heads for a point with zero gradient, whatever kind of point it is.",
)
@given(indefinite_problems)
def test_newton_step_lands_on_the_saddle_of_an_indefinite_quadratic(problem):
    up, down, angle, values = problem
    c, s = np.cos(angle), np.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    a = rotation @ np.diag([up, down]) @ rotation.T
    a = (a + a.T) / 2
    b, x0 = np.array(values[:2]), np.array(values[2:])
    landed = newton_step(a, b, x0)
    assert_allclose(a @ landed - b, 0.0, atol=STEP_ATOL)  # ∇f = 0 there
    falling = rotation[:, 1]  # the direction of negative curvature
    assert quadratic_value(a, b, landed + falling) < quadratic_value(a, b, landed)  # no minimum


def quadratic_value(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    """½ xᵀAx - bᵀx for any symmetric A (`quadratic` accepts only positive definite ones)."""
    return float(0.5 * x @ a @ x - b @ x)


@pytest.mark.claim("part-2-short-questions.md", "one step from any start lands on the saddle point")
@given(st.lists(coordinates, min_size=2, max_size=2))
def test_newton_step_on_the_pages_saddle_lands_on_the_origin_from_any_start(start):
    landed = newton_step(np.diag([1.0, -1.0]), np.zeros(2), np.array(start))
    assert_allclose(landed, [0.0, 0.0], atol=STEP_ATOL)


@given(spd_problems())
def test_hessian_of_quadratic_is_a(problem):
    # Second differences of f itself: a witness independent of the gradient Ax - b.
    a, b, x = problem
    n, h = len(b), 1e-3
    eye = np.eye(n)
    numeric = np.array(
        [[(quadratic(a, b, x + h * (eye[i] + eye[j])) - quadratic(a, b, x + h * (eye[i] - eye[j]))
           - quadratic(a, b, x - h * (eye[i] - eye[j])) + quadratic(a, b, x - h * (eye[i] + eye[j])))
          / (4 * h * h) for j in range(n)] for i in range(n)]
    )  # fmt: skip
    assert_allclose(numeric, a, rtol=1e-4, atol=1e-4)


def _solve_counting(a: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, int]:
    """Solve A d = g by a textbook Cholesky factorisation and two triangular solves, counting
    multiply-adds (a witness for the cost the page states)."""
    n = len(a)
    low = np.zeros_like(a)
    count = 0
    for j in range(n):
        total = a[j, j]
        for k in range(j):
            total -= low[j, k] ** 2
            count += 1
        low[j, j] = np.sqrt(total)
        for i in range(j + 1, n):
            total = a[i, j]
            for k in range(j):
                total -= low[i, k] * low[j, k]
                count += 1
            low[i, j] = total / low[j, j]
    y = np.zeros(n)
    for i in range(n):  # L y = g
        total = g[i]
        for k in range(i):
            total -= low[i, k] * y[k]
            count += 1
        y[i] = total / low[i, i]
    d = np.zeros(n)
    for i in reversed(range(n)):  # Lᵀ d = y
        total = y[i]
        for k in range(i + 1, n):
            total -= low[k, i] * d[k]
            count += 1
        d[i] = total / low[i, i]
    return d, count


@pytest.mark.claim("part-2-short-questions.md", "a Cholesky factorisation, about")
@pytest.mark.parametrize("n", [30, 45, 60])
def test_newton_step_costs_about_n_cubed_over_three_operations(n):
    # Counted: (n³ - n)/6 multiply-adds to factorise and n(n - 1) to solve, two operations each.
    rng = np.random.default_rng(n)
    m = rng.normal(size=(n, n))
    a, g = m @ m.T + n * np.eye(n), rng.normal(size=n)
    d, count = _solve_counting(a, g)
    assert_allclose(d, np.linalg.solve(a, g), rtol=1e-9)
    operations = 2 * count
    assert -n <= operations - hessian_cost(n).cholesky_flops <= 2 * n * n


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


@pytest.mark.claim(
    "part-2-short-questions.md",
    "The Hessian alone needs more than ten petabytes, the gradient less than a gigabyte.",
)
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
