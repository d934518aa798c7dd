"""Backpropagation through the exam's 2-2-2 network with ReLU, named as in the exam.

    h1 = i1 w11 + i2 w21 + b1        h3 = ReLU(h1)        o1 = h3 w31 + h4 w41 + b3
    h2 = i1 w12 + i2 w22 + b2        h4 = ReLU(h2)        o2 = h3 w32 + h4 w42 + b4
    loss = 0.5 (t1 - o1)^2 + 0.5 (t2 - o2)^2              (the exam's "MSE")

ReLU is not differentiable at 0. Like PyTorch, this module takes ReLU'(0) = 0: a unit whose
pre-activation is exactly 0 passes no gradient back (it is treated as dead).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from types import MappingProxyType
from typing import Protocol

WEIGHT_NAMES = ("w11", "w12", "w21", "w22", "w31", "w32", "w41", "w42")
BIAS_NAMES = ("b1", "b2", "b3", "b4")
PARAMETER_NAMES = WEIGHT_NAMES + BIAS_NAMES


class ProblemLike(Protocol):
    """Anything shaped like `snippets.exam.BackpropProblem`."""

    inputs: tuple[float, float]
    weights: Mapping[str, float]
    biases: Mapping[str, float]
    targets: tuple[float, float]
    learning_rate: float
    asked: str


@dataclass(frozen=True)
class Forward:
    """Every intermediate value of the forward pass."""

    h1: float  # pre-activation of the first hidden unit
    h2: float
    h3: float  # ReLU(h1)
    h4: float  # ReLU(h2)
    o1: float
    o2: float
    loss: float  # 0.5 (t1 - o1)^2 + 0.5 (t2 - o2)^2


@dataclass(frozen=True)
class Backward:
    """Gradients of the loss: upstream at every unit, and of every weight and bias."""

    grad_o1: float  # ∂loss/∂o1 = o1 - t1
    grad_o2: float
    grad_h3: float  # ∂loss/∂h3
    grad_h4: float
    grad_h1: float  # ∂loss/∂h1 = ∂loss/∂h3 · ReLU'(h1)
    grad_h2: float
    grad_weights: Mapping[str, float]  # keys w11 ... w42
    grad_biases: Mapping[str, float]  # keys b1 ... b4

    def grad(self, name: str) -> float:
        """The gradient of the loss with respect to the weight or bias called `name`."""
        _check_name(name)
        return self.grad_weights[name] if name in self.grad_weights else self.grad_biases[name]


@dataclass(frozen=True)
class Parameters:
    """Weights w11 ... w42 and biases b1 ... b4 (for instance after one descent step)."""

    weights: Mapping[str, float]
    biases: Mapping[str, float]

    def value(self, name: str) -> float:
        """The weight or bias called `name`."""
        _check_name(name)
        return self.weights[name] if name in self.weights else self.biases[name]


@dataclass(frozen=True)
class Factor:
    """One local derivative ∂of/∂wrt of a chain, its expression in the exam's names, its value.

    `expression` uses the exam's names: `o1 - t1`, `w31`, `h3`, `i2`, `1`, or `relu'(h1)`
    for the ReLU derivative (1 if h1 > 0, else 0).
    """

    of: str
    wrt: str
    expression: str
    value: float


@dataclass(frozen=True)
class Chain:
    """∂loss/∂name as a sum over paths from the loss to `name` of products of local derivatives."""

    name: str
    paths: tuple[tuple[Factor, ...], ...]

    @property
    def terms(self) -> tuple[float, ...]:
        """The product of each path's factors."""
        return tuple(math.prod(factor.value for factor in path) for path in self.paths)

    @property
    def value(self) -> float:
        """The sum of the paths' products: the gradient."""
        return math.fsum(self.terms)


@dataclass(frozen=True)
class Solution:
    """Everything the exam asks and more: forward, backward, one descent step, the asked chain."""

    inputs: tuple[float, float]
    weights: Mapping[str, float]
    biases: Mapping[str, float]
    targets: tuple[float, float]
    learning_rate: float
    asked: str
    forward: Forward
    backward: Backward
    updated: Parameters
    chain: Chain


def relu(x: float) -> float:
    """ReLU(x) = max(0, x)."""
    return x if x > 0 else 0.0


def relu_grad(x: float) -> float:
    """ReLU'(x): 1 for x > 0, 0 for x < 0, and 0 at x = 0 by definition (as in PyTorch)."""
    return 1.0 if x > 0 else 0.0


def forward(
    inputs: tuple[float, float],
    weights: Mapping[str, float],
    biases: Mapping[str, float],
    targets: tuple[float, float],
) -> Forward:
    """The forward pass h1 ... h4, o1, o2 and loss = 0.5 (t1 - o1)^2 + 0.5 (t2 - o2)^2."""
    (i1, i2), w, b, (t1, t2) = _checked(inputs, weights, biases, targets)
    h1 = i1 * w["w11"] + i2 * w["w21"] + b["b1"]
    h2 = i1 * w["w12"] + i2 * w["w22"] + b["b2"]
    h3, h4 = relu(h1), relu(h2)
    o1 = h3 * w["w31"] + h4 * w["w41"] + b["b3"]
    o2 = h3 * w["w32"] + h4 * w["w42"] + b["b4"]
    loss = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    return Forward(h1=h1, h2=h2, h3=h3, h4=h4, o1=o1, o2=o2, loss=loss)


def backward(
    inputs: tuple[float, float],
    weights: Mapping[str, float],
    biases: Mapping[str, float],
    targets: tuple[float, float],
) -> Backward:
    """The backward pass: the chain rule from the loss down to every weight and bias."""
    (i1, i2), w, _, (t1, t2) = _checked(inputs, weights, biases, targets)
    f = forward(inputs, weights, biases, targets)
    grad_o1 = f.o1 - t1  # ∂ 0.5 (t1 - o1)^2 / ∂o1
    grad_o2 = f.o2 - t2
    grad_h3 = grad_o1 * w["w31"] + grad_o2 * w["w32"]  # h3 feeds both outputs
    grad_h4 = grad_o1 * w["w41"] + grad_o2 * w["w42"]
    grad_h1 = grad_h3 * relu_grad(f.h1)  # through h3 = ReLU(h1)
    grad_h2 = grad_h4 * relu_grad(f.h2)
    grad_weights = {
        "w11": grad_h1 * i1,  # ∂h1/∂w11 = i1
        "w12": grad_h2 * i1,
        "w21": grad_h1 * i2,
        "w22": grad_h2 * i2,
        "w31": grad_o1 * f.h3,  # ∂o1/∂w31 = h3
        "w32": grad_o2 * f.h3,
        "w41": grad_o1 * f.h4,
        "w42": grad_o2 * f.h4,
    }
    # Each bias enters its unit with local derivative 1.
    grad_biases = {"b1": grad_h1, "b2": grad_h2, "b3": grad_o1, "b4": grad_o2}
    return Backward(
        grad_o1=grad_o1,
        grad_o2=grad_o2,
        grad_h3=grad_h3,
        grad_h4=grad_h4,
        grad_h1=grad_h1,
        grad_h2=grad_h2,
        grad_weights=_frozen(grad_weights, WEIGHT_NAMES),
        grad_biases=_frozen(grad_biases, BIAS_NAMES),
    )


def descent_step(
    weights: Mapping[str, float],
    biases: Mapping[str, float],
    grads: Backward,
    learning_rate: float,
) -> Parameters:
    """One step of gradient descent: every parameter p becomes p - learning_rate · ∂loss/∂p."""
    w = _check_parameters("weights", weights, WEIGHT_NAMES)
    b = _check_parameters("biases", biases, BIAS_NAMES)
    _check_learning_rate(learning_rate)
    return Parameters(
        weights=_frozen({k: w[k] - learning_rate * grads.grad_weights[k] for k in w}, WEIGHT_NAMES),
        biases=_frozen({k: b[k] - learning_rate * grads.grad_biases[k] for k in b}, BIAS_NAMES),
    )


def chain(
    name: str,
    inputs: tuple[float, float],
    weights: Mapping[str, float],
    biases: Mapping[str, float],
    targets: tuple[float, float],
) -> Chain:
    """∂loss/∂name as the exam writes it: one product of local derivatives per path.

    For w21: (o1 - t1) · w31 · ReLU'(h1) · i2 + (o2 - t2) · w32 · ReLU'(h1) · i2.
    """
    _check_name(name)
    (i1, i2), w, _, (t1, t2) = _checked(inputs, weights, biases, targets)
    f = forward(inputs, weights, biases, targets)
    # The graph from the loss downwards: node -> [(child, expression of ∂node/∂child, value)].
    edges: dict[str, list[tuple[str, str, float]]] = {
        "loss": [("o1", "o1 - t1", f.o1 - t1), ("o2", "o2 - t2", f.o2 - t2)],
        "o1": [
            ("h3", "w31", w["w31"]),
            ("h4", "w41", w["w41"]),
            ("w31", "h3", f.h3),
            ("w41", "h4", f.h4),
            ("b3", "1", 1.0),
        ],
        "o2": [
            ("h3", "w32", w["w32"]),
            ("h4", "w42", w["w42"]),
            ("w32", "h3", f.h3),
            ("w42", "h4", f.h4),
            ("b4", "1", 1.0),
        ],
        "h3": [("h1", "relu'(h1)", relu_grad(f.h1))],
        "h4": [("h2", "relu'(h2)", relu_grad(f.h2))],
        "h1": [("w11", "i1", i1), ("w21", "i2", i2), ("b1", "1", 1.0)],
        "h2": [("w12", "i1", i1), ("w22", "i2", i2), ("b2", "1", 1.0)],
    }

    def paths_from(node: str) -> list[tuple[Factor, ...]]:
        found = []
        for child, expression, local in edges.get(node, []):
            factor = Factor(of=node, wrt=child, expression=expression, value=local)
            if child == name:
                found.append((factor,))
            found += [(factor, *rest) for rest in paths_from(child)]
        return found

    return Chain(name=name, paths=tuple(paths_from("loss")))


def solve(problem: ProblemLike) -> Solution:
    """Forward, backward, one descent step and the asked chain for a BackpropProblem."""
    args = (problem.inputs, problem.weights, problem.biases, problem.targets)
    grads = backward(*args)
    return Solution(
        inputs=tuple(problem.inputs),
        weights=_frozen(problem.weights, WEIGHT_NAMES),
        biases=_frozen(problem.biases, BIAS_NAMES),
        targets=tuple(problem.targets),
        learning_rate=problem.learning_rate,
        asked=problem.asked,
        forward=forward(*args),
        backward=grads,
        updated=descent_step(problem.weights, problem.biases, grads, problem.learning_rate),
        chain=chain(problem.asked, *args),
    )


# --- validation ------------------------------------------------------------------------------


def _check_name(name: str) -> None:
    if name not in PARAMETER_NAMES:
        raise ValueError(f"name must be one of {', '.join(PARAMETER_NAMES)}, got {name!r}")


def _check_finite(label: str, value: float) -> float:
    real = isinstance(value, Real) and not isinstance(value, bool)
    if not (real and math.isfinite(value)):
        raise ValueError(f"{label} must be a finite real number, got {value!r}")
    return float(value)


def _check_pair(label: str, values: tuple[float, float], names: str) -> tuple[float, float]:
    values = tuple(values)
    if len(values) != 2:
        raise ValueError(f"{label} must have 2 values ({names}), got {len(values)}")
    first, second = (_check_finite(f"{label}[{k}]", v) for k, v in enumerate(values))
    return first, second


def _check_parameters(
    label: str, values: Mapping[str, float], names: tuple[str, ...]
) -> dict[str, float]:
    if not isinstance(values, Mapping) or set(values) != set(names):
        keys = sorted(values) if isinstance(values, Mapping) else values
        raise ValueError(f"{label} must have exactly the keys {', '.join(names)}, got {keys!r}")
    return {k: _check_finite(f"{label}[{k!r}]", values[k]) for k in names}


def _check_learning_rate(learning_rate: float) -> None:
    _check_finite("learning_rate", learning_rate)
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")


def _checked(inputs, weights, biases, targets):
    return (
        _check_pair("inputs", inputs, "i1, i2"),
        _check_parameters("weights", weights, WEIGHT_NAMES),
        _check_parameters("biases", biases, BIAS_NAMES),
        _check_pair("targets", targets, "t1, t2"),
    )


def _frozen(values: Mapping[str, float], names: tuple[str, ...]) -> Mapping[str, float]:
    """A read-only copy in the exam's order of names."""
    return MappingProxyType({k: float(values[k]) for k in names})
