"""Residual blocks: dH/dx = 1 + r, and the gradient that reaches the first layer."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import residual
from snippets.render.residual_figures import gradient_depth_figure, residual_block_figure
from snippets.render.svg import figure_svg
from snippets.residual import Step, r, x
from tests.strategies import seeds

FD_STEP = 1e-6
FD_RTOL = 1e-5
# Round-off of a central difference is about eps |L| / FD_STEP, ~1e-9 for |L| of a few units.
FD_ATOL = 1e-7
# The residual stack keeps at least this share of the depth-1 gradient at every depth.
RESIDUAL_FLOOR = 0.5
# The plain stack loses at least this factor between depth 1 and the deepest stack.
PLAIN_DECAY = 1e-6

# Python loops: their time follows the machine's load, so no per-example deadline.
LOOPS = settings(deadline=None)


@pytest.fixture(scope="module")
def experiment() -> residual.DepthExperiment:
    return residual.gradient_norm_experiment()


# --- dH/dx = 1 + r ---


def test_every_derivation_step_is_an_equality():
    steps = residual.residual_derivation()
    assert all(residual.check_derivation(steps, residual.residual_givens()))


def test_derivation_ends_at_one_plus_r():
    assert sp.simplify(residual.residual_derivation()[-1].expression - (1 + r)) == 0


def test_derivation_starts_at_the_derivative_of_the_block():
    first = residual.residual_derivation()[0].expression
    assert first == sp.Derivative(x + residual.R(x), x)


def test_check_derivation_rejects_a_wrong_step():
    steps = (*residual.residual_derivation()[:-1], Step(r, "drops the skip connection"))
    assert residual.check_derivation(steps, residual.residual_givens())[-1] is False


@pytest.mark.parametrize(
    ("inner", "outer"),
    [(3 * x + 1, sp.tanh(x)), (sp.sin(x), x**2 - 2 * x), (sp.exp(-x), sp.Max(0, x))],
)
def test_concrete_block_derivative_is_one_plus_its_branch_derivative(inner, outer):
    # The chain rule through l2(l1(x)) gives r; the skip connection adds exactly 1.
    d_block, d_branch = residual.residual_block_derivative(inner, outer)
    assert sp.simplify(d_block - (1 + d_branch)) == 0


# --- the depth experiment ---


def test_residual_gradient_stays_bounded_away_from_zero(experiment):
    assert np.all(experiment.residual >= RESIDUAL_FLOOR * experiment.residual[0])


def test_plain_gradient_decays_with_depth(experiment):
    assert experiment.plain[-1] <= PLAIN_DECAY * experiment.plain[0]


def test_one_block_is_the_same_with_or_without_the_skip(experiment):
    # Below the first block's first layer nothing differs yet: the skip of block 1 joins above it.
    assert_allclose(experiment.plain[0], experiment.residual[0], rtol=FD_RTOL)


@LOOPS
@pytest.mark.parametrize("residual_stack", [False, True])
@given(seed=seeds, depth=st.integers(1, 6))
@example(seed=25061, depth=1)  # a tiny entry (1e-5) where round-off exceeded an atol of 1e-9
def test_first_layer_gradient_matches_finite_differences(residual_stack, seed, depth):
    width = 4
    blocks = residual.random_blocks(depth, width, gain=0.9, seed=seed)
    rng = np.random.default_rng(seed)
    inputs, upstream = rng.normal(size=width), rng.normal(size=width)

    def loss(w1: np.ndarray) -> float:  # L = upstream · h_depth as a function of W1 of block 1
        first = residual.Block(w1, blocks[0].b1, blocks[0].w2, blocks[0].b2)
        return float(upstream @ residual.stack_output(inputs, (first, *blocks[1:]), residual_stack))

    got = residual.first_layer_gradient(inputs, blocks, upstream, residual_stack)
    want = np.zeros_like(blocks[0].w1)
    for index in np.ndindex(want.shape):
        up, down = blocks[0].w1.copy(), blocks[0].w1.copy()
        up[index] += FD_STEP
        down[index] -= FD_STEP
        want[index] = (loss(up) - loss(down)) / (2 * FD_STEP)
    assert_allclose(got, want, rtol=FD_RTOL, atol=FD_ATOL)


def test_experiment_is_reproducible():
    first, second = residual.gradient_norm_experiment(), residual.gradient_norm_experiment()
    assert_allclose(first.plain, second.plain, rtol=0)
    assert_allclose(first.residual, second.residual, rtol=0)


# --- figures ---


def test_residual_block_figure_is_page_safe_svg():
    # figure_svg raises on any colour outside the palette; a "$" in the SVG (matplotlib keeps
    # each label's source in a comment) would be read as TeX on the page.
    svg = figure_svg(residual_block_figure(), name="test-block", alt="a residual block")
    assert '<svg class="guide-figure"' in svg
    assert "$" not in svg


def test_gradient_depth_figure_is_page_safe_svg(experiment):
    # Palette colours only, and no "$" (see the test above).
    svg = figure_svg(gradient_depth_figure(experiment), name="test-depth", alt="gradient norms")
    assert '<svg class="guide-figure"' in svg
    assert "$" not in svg
