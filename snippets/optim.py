"""Optimisers side by side, and depth against training loss for plain networks.

SGD, SGD with momentum, RMSProp and Adam in the lecture's notation: gradient g_k = ∇L(θ_k),
learning rate α, first moment m (a running mean of gradients; the velocity of momentum),
second moment v (a running mean of squared gradients). Each optimiser's `step` returns the
new parameters and the `State` it carries to the next step, so what an optimiser remembers
can be read off the state it returns. Gauss-Newton, for least-squares losses, is the
second-order contrast: it uses the residuals' Jacobian and remembers nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets import layers

Array = NDArray[np.float64]


def _check_positive(name: str, value: float) -> None:
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def _check_rate(name: str, value: float) -> None:
    if not (np.isfinite(value) and 0 <= value < 1):
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")


# --- the loss: least squares L(θ) = ½ ‖r(θ)‖² -------------------------------------------------


@dataclass(frozen=True)
class LeastSquares:
    """A loss L(θ) = ½ ‖r(θ)‖² given by its residuals r and their Jacobian J = ∂r/∂θ."""

    residuals: Callable[[Array], Array]
    jacobian: Callable[[Array], Array]

    def loss(self, params: Array) -> float:
        r = self.residuals(params)
        return 0.5 * float(r @ r)

    def gradient(self, params: Array) -> Array:
        """∇L = Jᵀ r."""
        return self.jacobian(params).T @ self.residuals(params)


def elongated_bowl(scales: ArrayLike) -> LeastSquares:
    """L(θ) = ½ Σ_j (s_j θ_j)²: a quadratic whose curvature along θ_j is s_j²."""
    s = np.asarray(scales, dtype=float)
    if s.ndim != 1 or not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"scales must be a vector of positive numbers, got {s.tolist()!r}")
    return LeastSquares(residuals=lambda theta: s * theta, jacobian=lambda theta: np.diag(s))


# --- the optimisers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What an optimiser carries from one step to the next (None: not kept)."""

    step: int = 0  # steps taken so far, k
    first_moment: Array | None = None  # m: running mean of gradients (velocity)
    second_moment: Array | None = None  # v: running mean of squared gradients


@dataclass(frozen=True)
class SGD:
    """θ_(k+1) = θ_k - α g_k."""

    learning_rate: float
    name: str = "SGD"

    def step(self, params: Array, grad: Array, state: State) -> tuple[Array, State]:
        _check_positive("learning_rate", self.learning_rate)
        g = np.asarray(grad, dtype=float)  # g_k = ∇L(θ_k)
        return params - self.learning_rate * g, replace(state, step=state.step + 1)


@dataclass(frozen=True)
class Momentum:
    """m_(k+1) = β m_k + g_k, θ_(k+1) = θ_k - α m_(k+1) (the velocity accumulates gradients)."""

    learning_rate: float
    beta: float = 0.9
    name: str = "SGD with momentum"

    def step(self, params: Array, grad: Array, state: State) -> tuple[Array, State]:
        _check_positive("learning_rate", self.learning_rate)
        _check_rate("beta", self.beta)
        g = np.asarray(grad, dtype=float)  # g_k = ∇L(θ_k)
        m = state.first_moment if state.first_moment is not None else np.zeros_like(g)
        m = self.beta * m + g  # velocity: decayed past gradients plus the new one
        return params - self.learning_rate * m, State(state.step + 1, first_moment=m)


@dataclass(frozen=True)
class RMSProp:
    """v_(k+1) = β v_k + (1 - β) g_k², θ_(k+1) = θ_k - α g_k / (√v_(k+1) + ε)."""

    learning_rate: float
    beta: float = 0.9
    eps: float = 1e-8
    name: str = "RMSProp"

    def step(self, params: Array, grad: Array, state: State) -> tuple[Array, State]:
        _check_positive("learning_rate", self.learning_rate)
        _check_rate("beta", self.beta)
        g = np.asarray(grad, dtype=float)  # g_k = ∇L(θ_k)
        v = state.second_moment if state.second_moment is not None else np.zeros_like(g)
        v = self.beta * v + (1.0 - self.beta) * g**2  # running mean of squared gradients
        step = self.learning_rate * g / (np.sqrt(v) + self.eps)  # each coordinate rescaled
        return params - step, State(state.step + 1, second_moment=v)


@dataclass(frozen=True)
class Adam:
    """m, v as running means of g and g²; θ_(k+1) = θ_k - α m̂ / (√v̂ + ε) with bias correction."""

    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    name: str = "Adam"

    def step(self, params: Array, grad: Array, state: State) -> tuple[Array, State]:
        _check_positive("learning_rate", self.learning_rate)
        _check_rate("beta1", self.beta1)
        _check_rate("beta2", self.beta2)
        g = np.asarray(grad, dtype=float)  # g_k = ∇L(θ_k)
        m = state.first_moment if state.first_moment is not None else np.zeros_like(g)
        v = state.second_moment if state.second_moment is not None else np.zeros_like(g)
        k = state.step + 1
        m = self.beta1 * m + (1.0 - self.beta1) * g  # first moment: mean of gradients
        v = self.beta2 * v + (1.0 - self.beta2) * g**2  # second moment: mean of squares
        m_hat = m / (1.0 - self.beta1**k)  # bias correction: m and v start at 0
        v_hat = v / (1.0 - self.beta2**k)
        step = self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)
        return params - step, State(k, first_moment=m, second_moment=v)


@dataclass(frozen=True)
class GaussNewton:
    """θ_(k+1) = θ_k - (JᵀJ)⁻¹ Jᵀ r: Newton's step with the curvature JᵀJ of ½ ‖r‖².

    Unlike the first-order optimisers it needs the residuals and their Jacobian, not just
    the gradient Jᵀ r, so its step takes the problem.
    """

    name: str = "Gauss-Newton"

    def step(self, params: Array, problem: LeastSquares, state: State) -> tuple[Array, State]:
        j, r = problem.jacobian(params), problem.residuals(params)
        return params - np.linalg.solve(j.T @ j, j.T @ r), replace(state, step=state.step + 1)


Optimiser = SGD | Momentum | RMSProp | Adam | GaussNewton


@dataclass(frozen=True)
class Memory:
    """Which running averages an optimiser keeps, read off the state it returns."""

    name: str
    first_moment: bool
    second_moment: bool


def _step(
    optimiser: Optimiser, params: Array, problem: LeastSquares, state: State
) -> tuple[Array, State]:
    """One update: Gauss-Newton reads the problem, the others only its gradient."""
    if isinstance(optimiser, GaussNewton):
        return optimiser.step(params, problem, state)
    return optimiser.step(params, problem.gradient(params), state)


def memory(optimiser: Optimiser, size: int = 2) -> Memory:
    """Take one step on ½ ‖θ‖² from θ = 1 and report which moments the returned state holds."""
    _, state = _step(optimiser, np.ones(size), elongated_bowl(np.ones(size)), State())
    return Memory(optimiser.name, state.first_moment is not None, state.second_moment is not None)


def trajectory(optimiser: Optimiser, problem: LeastSquares, start: ArrayLike, steps: int) -> Array:
    """θ_0, θ_1, …, θ_steps: the path of `steps` updates from `start`, one row per iterate."""
    if steps < 0:
        raise ValueError(f"steps must be at least 0, got {steps}")
    params = np.asarray(start, dtype=float)
    state = State()
    path = [params]
    for _ in range(steps):
        params, state = _step(optimiser, params, problem, state)
        path.append(params)
    return np.array(path)


# --- depth against training loss: plain ReLU networks, a fixed budget of Adam steps ----------


@dataclass(frozen=True)
class DepthRun:
    """Training of one plain network: its layer sizes, costs and training-loss curve."""

    hidden_layers: int
    sizes: tuple[int, ...]
    params: int
    mult_adds: int  # per sample, forward pass
    losses: Array  # mean squared error on the training set after 0, 1, …, steps steps

    @property
    def lowest_loss(self) -> float:
        """The lowest training loss reached within the budget (fair to a run that spikes)."""
        return float(self.losses.min())


def wiggly_targets(samples: int) -> tuple[Array, Array]:
    """x on a grid in [-1, 1] and y = sin(3πx): a target a network must bend to fit."""
    if samples < 2:
        raise ValueError(f"samples must be at least 2, got {samples}")
    x = np.linspace(-1.0, 1.0, samples)[:, None]
    return x, np.sin(3.0 * np.pi * x)


def network_loss_and_gradient(
    flat: Array, sizes: tuple[int, ...], x: Array, y: Array
) -> tuple[float, Array]:
    """Mean squared error L = mean (ŷ - y)² of a plain ReLU network, and ∇L by backpropagation."""
    weights = layers.mlp_unflatten(flat, layers.mlp_shapes(sizes))
    acts = layers.mlp_forward(weights, x)
    error = acts[-1] - y
    grad_out = 2.0 * error / len(x)  # ∂L/∂ŷ
    grads = layers.mlp_backward(weights, acts, grad_out)
    return float(np.mean(error**2)), layers.mlp_flatten(grads)


def train_plain_network(
    hidden_layers: int, width: int, steps: int, learning_rate: float, seed: int, samples: int = 64
) -> DepthRun:
    """Full-batch Adam on the mean squared error of a plain ReLU network (no skips, no norms)."""
    if hidden_layers < 0:
        raise ValueError(f"hidden_layers must be at least 0, got {hidden_layers}")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    x, y = wiggly_targets(samples)
    sizes = (1, *([width] * hidden_layers), 1)
    params = layers.mlp_flatten(layers.mlp_init(sizes, seed))
    adam, state = Adam(learning_rate), State()
    losses = np.empty(steps + 1)
    for k in range(steps + 1):
        losses[k], grad = network_loss_and_gradient(params, sizes, x, y)  # loss after k steps
        if k < steps:
            params, state = adam.step(params, grad, state)
    n_params, mult_adds = layers.mlp_costs(sizes)
    return DepthRun(hidden_layers, sizes, n_params, mult_adds, losses)


# --- experiments: the optimisers on a stretched bowl, plain networks of growing depth -------

BOWL_OPTIMISERS = (  # learning rates picked by hand for the bowl of `bowl_experiment`
    SGD(learning_rate=0.07),
    Momentum(learning_rate=0.01, beta=0.9),
    RMSProp(learning_rate=0.1, beta=0.9),
    Adam(learning_rate=0.2),
    GaussNewton(),
)


@dataclass(frozen=True)
class BowlExperiment:
    """What each optimiser remembers, and its path on L(θ) = ½ Σ_j (s_j θ_j)²."""

    scales: tuple[float, ...]  # s_j: the curvature along θ_j is s_j²
    start: tuple[float, ...]
    steps: int
    optimisers: tuple[Optimiser, ...]
    problem: LeastSquares
    memories: tuple[Memory, ...]  # one per optimiser
    paths: tuple[Array, ...]  # θ_0, …, θ_steps, one row per iterate, one per optimiser
    losses: tuple[Array, ...]  # L(θ_k) along each path


def bowl_experiment(
    scales: tuple[float, ...] = (1.0, 5.0),
    start: tuple[float, ...] = (-4.0, 1.5),
    steps: int = 40,
    optimisers: tuple[Optimiser, ...] = BOWL_OPTIMISERS,
) -> BowlExperiment:
    """Each optimiser's memory, and `steps` of it from `start` on the stretched bowl."""
    problem = elongated_bowl(scales)
    paths = tuple(trajectory(o, problem, start, steps) for o in optimisers)
    return BowlExperiment(
        scales=tuple(scales),
        start=tuple(start),
        steps=steps,
        optimisers=tuple(optimisers),
        problem=problem,
        memories=tuple(memory(o) for o in optimisers),
        paths=paths,
        losses=tuple(np.array([problem.loss(theta) for theta in path]) for path in paths),
    )


DEPTHS = (1, 2, 4, 8, 16, 32, 64)  # hidden layers of the networks `depth_experiment` trains


@dataclass(frozen=True)
class DepthExperiment:
    """Plain networks of one width and growing depth, each trained with the same budget."""

    width: int
    steps: int
    learning_rate: float
    seed: int
    samples: int
    runs: tuple[DepthRun, ...]  # one per depth, in the order given

    @property
    def deepest(self) -> DepthRun:
        return self.runs[-1]

    @property
    def best_shallower(self) -> DepthRun:
        """Of the runs before the deepest, the one whose lowest training loss is lowest."""
        return min(self.runs[:-1], key=lambda run: run.lowest_loss)


def depth_experiment(
    depths: tuple[int, ...] = DEPTHS,
    width: int = 16,
    steps: int = 300,
    learning_rate: float = 3e-3,
    seed: int = 0,
    samples: int = 64,
) -> DepthExperiment:
    """train_plain_network for each depth, with the same width, budget, seed and data."""
    if len(depths) < 2:
        raise ValueError(f"depths must list at least 2 depths to compare, got {depths!r}")
    runs = tuple(train_plain_network(d, width, steps, learning_rate, seed, samples) for d in depths)
    return DepthExperiment(width, steps, learning_rate, seed, samples, runs)
