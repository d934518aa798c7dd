"""Newton's method against gradient descent on a quadratic, and what a Hessian costs.

On f(x) = ½ xᵀAx - bᵀx (A symmetric positive definite) the gradient is Ax - b and the
Hessian is A, so Newton's step x - A⁻¹(Ax - b) = A⁻¹b lands on the minimum at once, while
gradient descent needs a number of steps that grows with the condition number of A.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
MAX_ITERATIONS = 100_000
BYTES_PER_FLOAT32 = 4


def _check_problem(a: object, b: object) -> tuple[Array, Array]:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"a must be a non-empty square matrix, got shape {a.shape}")
    if b.shape != (a.shape[0],):
        raise ValueError(f"b must be a vector of length {a.shape[0]}, got shape {b.shape}")
    if not np.allclose(a, a.T):
        raise ValueError("a must be symmetric")
    if np.linalg.eigvalsh(a)[0] <= 0:
        raise ValueError("a must be positive definite")
    return a, b


def quadratic(a: object, b: object, x: object) -> float:
    """f(x) = ½ xᵀAx - bᵀx."""
    a, b = _check_problem(a, b)
    x = np.asarray(x, dtype=float)
    return float(0.5 * x @ a @ x - b @ x)


def best_fixed_step(a: object) -> float:
    """η = 2 / (λ_min + λ_max), the fixed step that makes gradient descent contract fastest."""
    eigenvalues = np.linalg.eigvalsh(np.asarray(a, dtype=float))
    return 2.0 / (eigenvalues[0] + eigenvalues[-1])


def condition_number(a: object) -> float:
    """κ = λ_max / λ_min: how elongated the level sets of f are."""
    eigenvalues = np.linalg.eigvalsh(np.asarray(a, dtype=float))
    return float(eigenvalues[-1] / eigenvalues[0])


@dataclass(frozen=True)
class Run:
    """The iterates x_0, x_1, … of one method until it was within `tolerance` of the minimum."""

    method: str
    path: Array  # (iterations + 1, n)
    tolerance: float

    @property
    def iterations(self) -> int:
        return len(self.path) - 1


def _run(method: str, a: Array, b: Array, x0: object, tolerance: float, step) -> Run:
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must lie in (0, 1), got {tolerance}")
    x = np.asarray(x0, dtype=float)
    minimum = np.linalg.solve(a, b)  # x* = A⁻¹b
    start = np.linalg.norm(x - minimum)
    path = [x]
    # Converged when the error has shrunk by the factor `tolerance` (relative to the start).
    while np.linalg.norm(x - minimum) > tolerance * start:
        if len(path) > MAX_ITERATIONS:
            raise ValueError(f"{method} did not converge in {MAX_ITERATIONS} iterations")
        x = step(x)
        path.append(x)
    return Run(method, np.array(path), tolerance)


def gradient_descent(
    a: object, b: object, x0: object, tolerance: float = 1e-6, step_size: float | None = None
) -> Run:
    """x ← x - η (Ax - b), with the best fixed step unless `step_size` is given."""
    a, b = _check_problem(a, b)
    eta = best_fixed_step(a) if step_size is None else step_size
    if not eta > 0:
        raise ValueError(f"step_size must be positive, got {eta}")
    return _run("gradient descent", a, b, x0, tolerance, lambda x: x - eta * (a @ x - b))


def newton_step(a: object, b: object, x: object) -> Array:
    """x - H⁻¹ ∇f(x) with H = A, for any symmetric invertible A: the step solves A d = Ax - b
    (no inverse is formed) and lands on the point where ∇f = 0, whatever kind of point it is."""
    a, b, x = (np.asarray(v, dtype=float) for v in (a, b, x))
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"a must be a non-empty square matrix, got shape {a.shape}")
    if b.shape != (a.shape[0],) or x.shape != (a.shape[0],):
        raise ValueError(
            f"b and x must be vectors of length {a.shape[0]}, got {b.shape}, {x.shape}"
        )
    if not np.allclose(a, a.T):
        raise ValueError("a must be symmetric")
    return x - np.linalg.solve(a, a @ x - b)  # ∇f(x) = Ax - b


def newton(a: object, b: object, x0: object, tolerance: float = 1e-6) -> Run:
    """Newton's method x ← x - H⁻¹ ∇f(x) on a convex quadratic (A positive definite)."""
    a, b = _check_problem(a, b)
    return _run("Newton", a, b, x0, tolerance, lambda x: newton_step(a, b, x))


def predicted_gd_iterations(a: object, tolerance: float) -> int:
    """⌈log(tol) / log((κ - 1)/(κ + 1))⌉: the error shrinks by (κ - 1)/(κ + 1) per best step."""
    kappa = condition_number(a)
    rate = (kappa - 1) / (kappa + 1)
    if rate == 0:
        return 1  # κ = 1: one step of the best size lands on the minimum
    return int(np.ceil(np.log(tolerance) / np.log(rate)))


@dataclass(frozen=True)
class HessianCost:
    """Sizes for a model with n parameters, stored as float32."""

    parameters: int
    gradient_bytes: int  # n entries
    hessian_entries: int  # n² entries
    hessian_bytes: int
    cholesky_flops: float  # about n³/3 operations (n³/6 multiply-adds) to solve H d = g


def hessian_cost(parameters: int, bytes_per_entry: int = BYTES_PER_FLOAT32) -> HessianCost:
    """The gradient has n entries, the Hessian n²; solving H d = g by a Cholesky factorisation
    costs about n³/3 floating-point operations (n³/6 multiply-adds; the solves add O(n²))."""
    if isinstance(parameters, bool) or not isinstance(parameters, int) or parameters < 1:
        raise ValueError(f"parameters must be a positive integer, got {parameters!r}")
    if bytes_per_entry < 1:
        raise ValueError(f"bytes_per_entry must be at least 1, got {bytes_per_entry}")
    n = parameters
    return HessianCost(
        parameters=n,
        gradient_bytes=n * bytes_per_entry,
        hessian_entries=n * n,  # Python ints: exact, no overflow
        hessian_bytes=n * n * bytes_per_entry,
        cholesky_flops=float(n) ** 3 / 3,
    )


def example_problem(kappa: float = 20.0, angle: float = np.pi / 6) -> tuple[Array, Array]:
    """A 2-D quadratic with curvatures 1 and κ along axes rotated by `angle`, minimum at (1, 1)."""
    if not kappa >= 1:
        raise ValueError(f"kappa must be at least 1, got {kappa}")
    c, s = np.cos(angle), np.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    a = rotation @ np.diag([1.0, kappa]) @ rotation.T
    a = (a + a.T) / 2  # exactly symmetric despite rounding
    return a, a @ np.ones(2)  # b = A x* with x* = (1, 1)
