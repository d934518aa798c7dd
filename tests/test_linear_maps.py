"""Stacked linear layers collapse into one; with a ReLU between them they do not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets.linear_maps import (
    Affine,
    absolute_value_layers,
    collapse,
    compose,
    midpoint_defect,
    random_layers,
    relu,
    stack,
)
from snippets.render.short_figures import linear_stack_figure
from snippets.render.svg import figure_svg

COLLAPSE_RTOL = 1e-10
COLLAPSE_ATOL = 1e-10
# A midpoint defect above this is not round-off: the map is not affine.
NONLINEAR_DEFECT = 1e-3

# --- strategies (to move into tests/strategies.py) ---

seeds = st.integers(min_value=0, max_value=2**16)
widths = st.lists(st.integers(1, 6), min_size=2, max_size=5)
entries = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)


@pytest.mark.claim("part-2-short-questions.md", "both ways give the same output")
@given(widths, seeds)
def test_two_layers_equal_their_composition(sizes, seed):
    first, second = random_layers(sizes[:3] if len(sizes) >= 3 else [*sizes, 2], seed)[:2]
    x = np.random.default_rng(seed).normal(size=first.w.shape[1])
    assert_allclose(
        compose(first, second)(x), second(first(x)), rtol=COLLAPSE_RTOL, atol=COLLAPSE_ATOL
    )


@pytest.mark.claim("part-2-short-questions.md", "A composition of affine maps is affine")
@pytest.mark.claim(
    "part-2-short-questions.md", "however deep, the network collapses to a single linear layer"
)
@pytest.mark.claim("part-2-short-questions.md", "without activations it collapses to")
@given(widths, seeds)
def test_linear_stack_is_one_affine_layer(sizes, seed):
    layers = random_layers(sizes, seed)
    x = np.random.default_rng(seed).normal(size=sizes[0])
    assert_allclose(
        collapse(layers)(x),
        stack(layers, x, activation=False),
        rtol=COLLAPSE_RTOL,
        atol=COLLAPSE_ATOL,
    )


@pytest.mark.claim("part-2-short-questions.md", "Every affine map")
@given(widths, seeds)
def test_linear_stack_passes_the_midpoint_test(sizes, seed):
    layers = random_layers(sizes, seed)
    x, y = np.random.default_rng(seed).normal(size=(2, sizes[0])) * 3
    defect = midpoint_defect(layers, x, y, activation=False)
    assert_allclose(defect, 0.0, atol=COLLAPSE_ATOL)


@pytest.mark.claim("part-2-short-questions.md", "no single affine layer computes")
def test_relu_stack_fails_the_midpoint_test():
    # The smallest counterexample: f(x) = relu(x) + relu(-x) = |x| at x = -1 and y = 1.
    layers = absolute_value_layers()
    assert_allclose(
        midpoint_defect(layers, np.array([-1.0]), np.array([1.0]), activation=True), [-1.0]
    )
    assert_allclose(
        midpoint_defect(layers, np.array([-1.0]), np.array([1.0]), activation=False), [0.0]
    )


@pytest.mark.claim("part-2-short-questions.md", "a straight line; with ReLU it bends.")
def test_random_relu_stack_of_the_page_is_not_affine():
    layers = random_layers((1, 8, 8, 8, 1), seed=4)
    defect = midpoint_defect(layers, np.array([-2.0]), np.array([2.0]), activation=True)
    assert np.abs(defect).max() > NONLINEAR_DEFECT


def test_relu_stack_of_the_page_is_piecewise_linear():
    # A bent line made of straight pieces: on the plotted grid the slope changes somewhere,
    # but stays the same across nine in ten of the grid's triples of points.
    layers = random_layers((1, 8, 8, 8, 1), seed=4)
    xs = np.linspace(-3.0, 3.0, 401)
    ys = np.array([stack(layers, np.array([x]), activation=True)[0] for x in xs])
    bends = np.abs(np.diff(ys, 2)) > COLLAPSE_ATOL
    assert 0 < bends.sum() < len(bends) / 10


@given(st.lists(entries, min_size=1, max_size=8))
def test_relu_is_max_with_zero(values):
    assert relu(np.array(values)).tolist() == [max(v, 0.0) for v in values]


def test_compose_rejects_mismatched_layers():
    first = Affine(np.ones((3, 2)), np.zeros(3))
    second = Affine(np.ones((1, 4)), np.zeros(1))
    with pytest.raises(ValueError, match="second must take 3 inputs"):
        compose(first, second)


def test_linear_stack_figure_is_page_safe_svg():
    fig = linear_stack_figure(random_layers((1, 8, 8, 8, 1), seed=4), (-3.0, 3.0))
    svg = figure_svg(fig, name="test-stack", alt="a line and a bent line")
    assert "<svg" in svg
    assert "$" not in svg


@given(entries)
def test_absolute_value_stack_computes_abs_with_relu_and_zero_without(x):
    layers = absolute_value_layers()
    assert_allclose(stack(layers, np.array([x]), activation=True), [abs(x)], atol=COLLAPSE_ATOL)
    assert_allclose(stack(layers, np.array([x]), activation=False), [0.0], atol=COLLAPSE_ATOL)


@pytest.mark.claim("part-2-short-questions.md", "(weights drawn at random, rounded to one decimal)")
@given(widths, seeds)
def test_random_layers_round_to_the_asked_decimals(sizes, seed):
    for layer in random_layers(sizes, seed, decimals=1):
        for values in (layer.w, layer.b):
            assert_allclose(values * 10, np.round(values * 10), atol=COLLAPSE_ATOL)
