"""Residual blocks: dH/dx = 1 + r, and the gradient that reaches the first layer."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from matplotlib.patches import Circle, FancyBboxPatch
from numpy.testing import assert_allclose

from snippets import residual
from snippets.render import residual as residual_render
from snippets.render.numbers import significant
from snippets.render.palette import SERIES
from snippets.render.residual_figures import (
    INTO_SUM,
    gradient_depth_figure,
    residual_block_figure,
)
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
# A branch derivative this small passes next to nothing on (a saturated tanh).
TINY_BRANCH = 1e-3

# Python loops: their time follows the machine's load, so no per-example deadline.
LOOPS = settings(deadline=None)


@pytest.fixture(scope="module")
def experiment() -> residual.DepthExperiment:
    return residual.gradient_norm_experiment()


# --- dH/dx = 1 + r ---


@pytest.mark.claim(
    "part-5-layers.md",
    "sympy checks every line against the one before it when the site is built",
)
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


@pytest.mark.claim(
    "part-5-layers.md",
    "from the skip connection does not depend on the layers at all",
)
@pytest.mark.parametrize(
    ("inner", "outer"),
    [(3 * x + 1, sp.tanh(x)), (sp.sin(x), x**2 - 2 * x), (sp.exp(-x), sp.Max(0, x))],
)
def test_concrete_block_derivative_is_one_plus_its_branch_derivative(inner, outer):
    # The chain rule through l2(l1(x)) gives r; the skip connection adds exactly 1.
    d_block, d_branch = residual.residual_block_derivative(inner, outer)
    assert sp.simplify(d_block - (1 + d_branch)) == 0


@pytest.mark.claim("part-5-layers.md", "is itself a chain rule through both layers")
@pytest.mark.parametrize(
    ("inner", "outer"),
    [(3 * x + 1, sp.tanh(x)), (sp.sin(x), x**2 - 2 * x), (sp.exp(-x), sp.Max(0, x))],
)
def test_branch_derivative_is_the_chain_rule_through_both_layers(inner, outer):
    # "r = l2'(l1(x)) · l1'(x)"
    _, d_branch = residual.residual_block_derivative(inner, outer)
    chain = sp.diff(outer, x).subs(x, inner) * sp.diff(inner, x)
    assert sp.simplify(d_branch - chain) == 0


@pytest.mark.claim("part-5-layers.md", "and may be tiny")
def test_branch_derivative_can_be_tiny_while_the_skip_keeps_one():
    # "r ... may be tiny; the 1 from the skip connection does not depend on the layers": a
    # saturated tanh after l1(x) = 5x at x = 1 passes almost nothing, the block still 1 + r.
    d_block, d_branch = residual.residual_block_derivative(5 * x, sp.tanh(x))
    r_value = float(d_branch.subs(x, 1))
    assert 0 < r_value < TINY_BRANCH
    assert float(d_block.subs(x, 1)) == pytest.approx(1 + r_value, rel=FD_RTOL)


@pytest.mark.claim("part-5-layers.md", "a wrong step stops the build")
def test_a_wrong_step_stops_the_build(monkeypatch):
    # "sympy checks every line against the one before it when the site is built; a wrong step
    # stops the build": the renderer raises, and a block that raises stops the build.
    wrong = (*residual.residual_derivation()[:-1], Step(r, "drops the skip connection"))
    monkeypatch.setattr(residual, "residual_derivation", lambda: wrong)
    with pytest.raises(ValueError, match=r"^steps: step 4 "):
        residual_render.derivation()


# --- what a skip connection does to a stack ---


def jacobian(f, h: np.ndarray) -> np.ndarray:
    """d f / d h by central differences, one column per entry of h."""
    columns = []
    for k in range(h.size):
        step = np.zeros_like(h)
        step[k] = FD_STEP
        columns.append((f(h + step) - f(h - step)) / (2 * FD_STEP))
    return np.stack(columns, axis=1)


def silent_blocks(count: int, width: int) -> tuple[residual.Block, ...]:
    """Blocks whose branches pass no gradient: both weight matrices zero, biases not."""
    zero, bias = np.zeros((width, width)), np.full(width, 0.3)
    return tuple(residual.Block(zero, bias, zero, bias) for _ in range(count))


@pytest.mark.claim("part-5-layers.md", "the matrix form of")
@pytest.mark.claim("part-5-layers.md", "passes both layers without changing")
@LOOPS
@given(seed=seeds)
def test_residual_block_jacobian_is_identity_plus_branch_jacobian(seed):
    # "Through a plain block that Jacobian is J_k; through a residual block it is I + J_k."
    blocks = residual.random_blocks(1, 4, gain=0.9, seed=seed)
    h = np.random.default_rng(seed).normal(size=4)
    plain = jacobian(lambda v: residual.stack_output(v, blocks, residual=False), h)
    skip = jacobian(lambda v: residual.stack_output(v, blocks, residual=True), h)
    assert_allclose(skip, np.eye(4) + plain, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim(
    "part-5-layers.md",
    "The skip connections pass the gradient directly back through the network",
)
@pytest.mark.claim(
    "part-5-layers.md",
    "the identity hands the gradient from the loss to the first layers unchanged",
)
def test_silent_branches_pass_the_gradient_unchanged_only_with_skips():
    # "Even where the branches pass no gradient at all (J_k = 0), the identity hands the
    # gradient from the loss to the first layers unchanged"; without skips nothing arrives.
    blocks, h = silent_blocks(6, 4), np.linspace(-1.0, 1.0, 4)
    skip = jacobian(lambda v: residual.stack_output(v, blocks, residual=True), h)
    plain = jacobian(lambda v: residual.stack_output(v, blocks, residual=False), h)
    assert_allclose(skip, np.eye(4), rtol=0, atol=FD_ATOL)
    assert_allclose(plain, np.zeros((4, 4)), rtol=0, atol=FD_ATOL)


@pytest.mark.claim(
    "part-5-layers.md",
    "a block easily learns the identity, so adding blocks need not make the network worse",
)
@pytest.mark.claim(
    "part-5-layers.md",
    "with its last layer's weights and bias at zero, it returns its input exactly",
)
@pytest.mark.claim(
    "part-5-layers.md",
    "so the deeper network can do at least what the shallower one did",
)
@LOOPS
@given(seed=seeds)
def test_block_with_a_zero_last_layer_is_the_identity(seed):
    # "With its last layer's weights and bias at zero, it returns its input exactly."
    first = residual.random_blocks(1, 5, gain=1.0, seed=seed)[0]
    block = residual.Block(first.w1, first.b1, np.zeros((5, 5)), np.zeros(5))
    h = np.random.default_rng(seed).normal(size=5)
    assert np.array_equal(residual.stack_output(h, (block,), residual=True), h)


@pytest.mark.claim("part-5-layers.md", "must return as many values as")
def test_the_sum_needs_the_branch_to_keep_the_inputs_shape():
    # "The addition needs R(x) to have the shape of x": a plain block may change the width,
    # a residual block may not.
    rng = np.random.default_rng(0)
    narrowing = residual.Block(rng.normal(size=(4, 4)), np.zeros(4), rng.normal(size=(3, 4)),
                               np.zeros(3))  # fmt: skip
    h = rng.normal(size=4)
    assert residual.stack_output(h, (narrowing,), residual=False).shape == (3,)
    with pytest.raises(ValueError, match="broadcast"):  # numpy: shapes (4,) and (3,) cannot add
        residual.stack_output(h, (narrowing,), residual=True)


# --- the depth experiment ---


@pytest.mark.claim("part-5-layers.md", "which alleviates the vanishing gradient")
@pytest.mark.claim("part-5-layers.md", "at every depth")
def test_residual_gradient_stays_bounded_away_from_zero(experiment):
    assert np.all(experiment.residual >= RESIDUAL_FLOOR * experiment.residual[0])


@pytest.mark.claim("part-5-layers.md", "which alleviates the vanishing gradient")
@pytest.mark.claim(
    "part-5-layers.md",
    "it shrinks with depth wherever the factors shrink it: the vanishing gradient",
)
@pytest.mark.claim("part-5-layers.md", "so those weights barely move")
def test_plain_gradient_decays_with_depth(experiment):
    assert experiment.plain[-1] <= PLAIN_DECAY * experiment.plain[0]


@pytest.mark.claim(
    "part-5-layers.md",
    "The stacks share their blocks, and the same gradient arrives at the top of each",
)
@pytest.mark.claim(
    "part-5-layers.md",
    "Plain and residual stacks differ only in the skip connections",
)
def test_one_block_is_the_same_with_or_without_the_skip(experiment):
    # Below the first block's first layer nothing differs yet: the skip of block 1 joins above it.
    assert_allclose(experiment.plain[0], experiment.residual[0], rtol=FD_RTOL)


@pytest.mark.claim(
    "part-5-layers.md",
    "Backpropagation multiplies the gradient by every block's Jacobian, from the loss down to the first layer",
)
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


@pytest.mark.claim(
    "part-5-layers.md",
    "The two layers in a row, and a skip connection that carries",
)
def test_residual_block_figure_draws_both_paths_into_the_sum():
    # The drawing of 2 (a): x, the two layers, and two arrows ending on the addition node, one
    # from l2 and one from the skip connection, which leaves the main line before l1.
    ax = residual_block_figure().axes[0]
    assert {"x", "l₁", "l₂", "+", "H(x)"} <= {t.get_text() for t in ax.texts}
    (node,) = [p for p in ax.patches if isinstance(p, Circle)]
    arrows = {p.get_gid(): p for p in ax.patches if p.get_gid() in INTO_SUM}
    assert sorted(arrows) == sorted(INTO_SUM)
    for arrow in arrows.values():
        end = np.array(arrow._posA_posB[1])  # matplotlib keeps an arrow's ends here
        assert np.linalg.norm(end - node.center) == pytest.approx(node.radius)
    first_layer = min(p.get_x() for p in ax.patches if isinstance(p, FancyBboxPatch))
    (skip,) = [line for line in ax.lines if line.get_color() == SERIES[1]]
    assert skip.get_xdata()[0] < first_layer


# --- the chapter's units ---

ANSWERS = '<div class="guide-answers'


def test_derivative_unit_answers_one_plus_r_and_shows_it_only_behind_the_control():
    unit = residual_render.derivative_solution()
    before, after = unit.split(ANSWERS, 1)
    answer = after.split('"Worked solution"', 1)[0]
    assert "= 1 + r$" in answer
    assert "1 + r" not in before


def test_block_drawing_is_shown_only_behind_the_control():
    before, after = residual_render.block_solution().split(ANSWERS, 1)
    assert "<svg" not in before
    assert "<svg" in after.split('"Worked solution"', 1)[0]


@pytest.mark.parametrize("reason", [step.reason for step in residual.residual_derivation()])
def test_reasons_wrap_to_a_phones_width_without_losing_a_word(reason):
    lines = residual_render.reason_lines(reason)
    assert " ".join(lines) == reason
    for line in lines:
        # A line is longer than the width only where one word or formula is.
        if residual_render.shown_length(line) > residual_render.REASON_WIDTH:
            assert len(re.findall(residual_render.REASON_TOKEN, line)) == 1


@pytest.mark.claim("part-5-layers.md", "In the experiment below it falls by a factor of about")
def test_depth_worked_solution_quotes_the_experiments_decay(experiment):
    text = residual_render.depth_worked(experiment)
    decay = experiment.plain[0] / experiment.plain[-1]
    assert f"${significant(decay, 1)}$ over {int(experiment.depths[-1])} blocks" in text
