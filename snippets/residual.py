"""Residual blocks: H(x) = x + R(x) with R = l2(l1(x)), its derivative and its effect on depth.

Two parts: a symbolic derivation of dH/dx = 1 + r whose every step sympy checks, and a
numeric experiment that backpropagates through stacks of blocks, with and without the skip
connection, and records how large the gradient reaching the first layer still is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

# --- dH/dx = 1 + r, step by step -------------------------------------------------------------

x = sp.Symbol("x")
r = sp.Symbol("r")  # the given dR/dx
l1 = sp.Function("l_1")
l2 = sp.Function("l_2")
R = sp.Function("R")


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the expression it arrives at and why that equals the last."""

    expression: sp.Expr
    reason: str


def residual_derivation() -> tuple[Step, ...]:
    """dH/dx = d(x + R(x))/dx = dx/dx + dR/dx = 1 + r, one rule per step."""
    residual = R(x)
    return (
        Step(sp.Derivative(x + residual, x), "the block adds its input back: $H(x) = x + R(x)$"),
        Step(sp.Derivative(x, x) + sp.Derivative(residual, x), "the derivative of a sum"),
        Step(
            1 + sp.Derivative(residual, x), "the skip connection: $\\partial x / \\partial x = 1$"
        ),
        Step(1 + r, "as given, $\\partial R / \\partial x = r$"),
    )


def residual_givens() -> dict[sp.Expr, sp.Expr]:
    """What the question gives: dR/dx = r."""
    return {sp.Derivative(R(x), x): r}


def check_derivation(steps: tuple[Step, ...], givens: dict[sp.Expr, sp.Expr]) -> tuple[bool, ...]:
    """For each step after the first, whether sympy finds it equal to the step before."""
    if len(steps) < 2:
        raise ValueError(f"steps must hold at least two expressions, got {len(steps)}")

    def value(expression: sp.Expr) -> sp.Expr:
        # Substitute the givens first, then carry out the remaining derivatives.
        return expression.subs(givens).doit().subs(givens)

    return tuple(
        sp.simplify(value(before.expression) - value(after.expression)) == 0
        for before, after in itertools.pairwise(steps)
    )


def residual_block_derivative(inner: sp.Expr, outer: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(dH/dx, dR/dx) for concrete layers: l1 = `inner`, l2 = `outer` (expressions in x)."""
    block = outer.subs(x, inner)  # R(x) = l2(l1(x))
    return sp.diff(x + block, x), sp.diff(block, x)


# --- the gradient reaching the first layer, plain against residual --------------------------


@dataclass(frozen=True)
class Block:
    """Two layers l1, l2, each linear then tanh: R(h) = tanh(W2 tanh(W1 h + b1) + b2)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


def random_blocks(count: int, width: int, gain: float, seed: int) -> tuple[Block, ...]:
    """`count` blocks of `width` units, weights N(0, gain² / width), biases N(0, 0.01)."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    if not gain > 0:
        raise ValueError(f"gain must be positive, got {gain}")
    rng = np.random.default_rng(seed)
    scale = gain / np.sqrt(width)

    def layer() -> tuple[np.ndarray, np.ndarray]:
        return rng.normal(0.0, scale, (width, width)), rng.normal(0.0, 0.1, width)

    blocks = []
    for _ in range(count):
        (w1, b1), (w2, b2) = layer(), layer()
        blocks.append(Block(w1, b1, w2, b2))
    return tuple(blocks)


def _check_stack(inputs: np.ndarray, blocks: tuple[Block, ...]) -> None:
    if not blocks:
        raise ValueError("blocks must hold at least one block")
    if inputs.shape != blocks[0].b1.shape:
        raise ValueError(f"inputs must have shape {blocks[0].b1.shape}, got {inputs.shape}")


def stack_output(inputs: object, blocks: tuple[Block, ...], residual: bool) -> np.ndarray:
    """h_k = h_{k-1} + R_k(h_{k-1}) with skip connections, h_k = R_k(h_{k-1}) without."""
    h = np.asarray(inputs, dtype=float)
    _check_stack(h, blocks)
    for block in blocks:
        branch = np.tanh(block.w2 @ np.tanh(block.w1 @ h + block.b1) + block.b2)  # R_k(h)
        h = h + branch if residual else branch
    return h


def first_layer_gradient(
    inputs: object, blocks: tuple[Block, ...], upstream: object, residual: bool
) -> np.ndarray:
    """dL/dW1 of the first block's first layer for L = upstream · h_depth, by backpropagation."""
    h = np.asarray(inputs, dtype=float)
    _check_stack(h, blocks)
    upstream = np.asarray(upstream, dtype=float)
    if upstream.shape != h.shape:
        raise ValueError(f"upstream must have shape {h.shape}, got {upstream.shape}")
    # Forward, keeping what the backward pass needs.
    caches = []
    for block in blocks:
        a1 = np.tanh(block.w1 @ h + block.b1)  # output of l1
        a2 = np.tanh(block.w2 @ a1 + block.b2)  # output of l2, i.e. R_k(h)
        caches.append((h, a1, a2))
        h = h + a2 if residual else a2
    # Backward: grad is dL/dh at the output of each block in turn.
    grad = upstream
    for k in range(len(blocks) - 1, -1, -1):
        block, (h_in, a1, a2) = blocks[k], caches[k]
        grad_pre2 = grad * (1.0 - a2**2)  # through tanh of l2
        grad_a1 = block.w2.T @ grad_pre2  # through W2
        grad_pre1 = grad_a1 * (1.0 - a1**2)  # through tanh of l1
        if k == 0:
            return np.outer(grad_pre1, h_in)  # dL/dW1 = (dL/d pre-activation) h_in^T
        grad_branch = block.w1.T @ grad_pre1  # dL/dh_in through the branch R_k
        grad = grad + grad_branch if residual else grad_branch  # the skip adds the identity
    raise AssertionError("unreachable: the loop returns at the first block")


@dataclass(frozen=True)
class DepthExperiment:
    """Norms of dL/dW1 of the first layer for stacks of 1 .. max_depth blocks."""

    depths: np.ndarray
    plain: np.ndarray
    residual: np.ndarray
    width: int
    gain: float
    seed: int


def gradient_norm_experiment(
    max_depth: int = 50, width: int = 16, gain: float = 0.8, seed: int = 0
) -> DepthExperiment:
    """Backpropagate a fixed unit upstream gradient through 1 .. max_depth blocks, both ways.

    The stacks of every depth share their first blocks (the same random weights), so the
    curves differ only in depth and in the skip connections.
    """
    blocks = random_blocks(max_depth, width, gain, seed)
    rng = np.random.default_rng(seed + 1)
    inputs = rng.normal(0.0, 1.0, width)
    upstream = rng.normal(0.0, 1.0, width)
    upstream /= np.linalg.norm(upstream)  # a unit gradient arrives at the top of every stack
    depths = np.arange(1, max_depth + 1)
    plain = [
        np.linalg.norm(first_layer_gradient(inputs, blocks[:d], upstream, residual=False))
        for d in depths
    ]
    residual = [
        np.linalg.norm(first_layer_gradient(inputs, blocks[:d], upstream, residual=True))
        for d in depths
    ]
    return DepthExperiment(depths, np.array(plain), np.array(residual), width, gain, seed)
