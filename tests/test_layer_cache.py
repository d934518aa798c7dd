"""A layer's forward (output and cache) and backward (gradients), and its gradient check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets.layer_cache import (
    affine_relu_backward,
    affine_relu_forward,
    example_inputs,
    gradient_check,
    numerical_gradient,
    relative_error,
    unmasked_backward_error,
)

FD_STEP = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-8
EXACT_RTOL = 1e-12
# A correct backward agrees with central differences to about this relative error.
CHECK_PASSES = 1e-7
# Pre-activations closer than this to 0 let a finite-difference step cross the ReLU's kink.
KINK_MARGIN = 1e-3

# --- strategies (to move into tests/strategies.py) ---

seeds = st.integers(min_value=0, max_value=2**16)
sizes = st.integers(min_value=1, max_value=4)


def _draw(seed: int, n: int, d: int, m: int):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(n, d)),
        rng.normal(size=(d, m)),
        rng.normal(size=m),
        rng.normal(size=(n, m)),
    )


@pytest.mark.claim("part-2-short-questions.md", "forward returns the output and caches")
@given(seeds, sizes, sizes, sizes)
def test_forward_is_relu_of_affine(seed, n, d, m):
    x, w, b, _ = _draw(seed, n, d, m)
    out, cache = affine_relu_forward(x, w, b)
    naive = np.array(
        [
            [max(0.0, sum(x[i, k] * w[k, j] for k in range(d)) + b[j]) for j in range(m)]
            for i in range(n)
        ]
    )
    assert_allclose(out, naive, rtol=EXACT_RTOL, atol=1e-12)
    assert_allclose(cache.z, x @ w + b, rtol=EXACT_RTOL)
    assert_allclose(cache.x, x, rtol=0)  # the cache keeps the input and the weights
    assert_allclose(cache.w, w, rtol=0)


@pytest.mark.claim("part-2-short-questions.md", "ReLU lets the gradient through only where")
@given(seeds, sizes, sizes, sizes)
def test_backward_matches_finite_differences(seed, n, d, m):
    x, w, b, grad_out = _draw(seed, n, d, m)
    _, cache = affine_relu_forward(x, w, b)
    assume(np.abs(cache.z).min() > KINK_MARGIN)
    grads = affine_relu_backward(grad_out, cache)

    def loss(xx, ww, bb) -> float:
        return float(np.sum(grad_out * affine_relu_forward(xx, ww, bb)[0]))

    assert_allclose(
        grads.x, numerical_gradient(lambda a: loss(a, w, b), x, FD_STEP), rtol=FD_RTOL, atol=FD_ATOL
    )
    assert_allclose(
        grads.w, numerical_gradient(lambda a: loss(x, a, b), w, FD_STEP), rtol=FD_RTOL, atol=FD_ATOL
    )
    assert_allclose(
        grads.b, numerical_gradient(lambda a: loss(x, w, a), b, FD_STEP), rtol=FD_RTOL, atol=FD_ATOL
    )


@given(st.integers(1, 5), st.integers(1, 5))
def test_numerical_gradient_of_a_quadratic_form_is_exact(seed, n):
    # f(a) = ½ aᵀMa has gradient ½(M + Mᵀ)a: an independent witness for the differencer.
    rng = np.random.default_rng(seed)
    m, a = rng.normal(size=(n, n)), rng.normal(size=n)
    got = numerical_gradient(lambda v: 0.5 * v @ m @ v, a, FD_STEP)
    assert_allclose(got, 0.5 * (m + m.T) @ a, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim("part-2-short-questions.md", "give the same numbers")
def test_example_passes_its_gradient_check():
    check = gradient_check(*example_inputs())
    assert check.min_distance_to_kink > KINK_MARGIN
    assert max(check.errors.values()) < CHECK_PASSES


def test_gradient_check_catches_a_wrong_backward():
    # Forgetting the ReLU mask in backward: the check must flag it.
    x, w, b, grad_out = example_inputs()
    _, cache = affine_relu_forward(x, w, b)
    assert (cache.z <= 0).any()  # some unit is off, so the mask matters
    wrong = grad_out @ w.T
    right = gradient_check(x, w, b, grad_out).numeric.x
    assert relative_error(wrong, right) > 1e-2


@pytest.mark.claim(
    "part-2-short-questions.md",
    "A backward that forgot the ReLU mask would show a relative error of 1 in",
)
def test_forgotten_relu_mask_shows_a_relative_error_of_one_in_the_example():
    # The page prints this error rounded to six decimals: 1.
    error = unmasked_backward_error(*example_inputs())
    assert round(error, 6) == 1
    assert error > 1e6 * CHECK_PASSES  # far above what a right backward shows


@pytest.mark.claim(
    "part-2-short-questions.md",
    "far more than a difference step moves it, so the differences never straddle the kink.",
)
def test_difference_steps_never_cross_the_relu_kink_in_the_example():
    # A step h in one entry of x, W or b moves z by at most h·max(|W|, |x|, 1).
    x, w, b, grad_out = example_inputs()
    check = gradient_check(x, w, b, grad_out)
    largest_move = FD_STEP * max(np.abs(w).max(), np.abs(x).max(), 1.0)
    assert check.min_distance_to_kink > largest_move


def test_relative_error_is_zero_for_equal_arrays():
    a = np.array([[0.0, 1.5], [-2.0, 3.0]])
    assert relative_error(a, a.copy()) == 0.0


def test_backward_rejects_a_gradient_of_the_wrong_shape():
    x, w, b, _ = example_inputs()
    _, cache = affine_relu_forward(x, w, b)
    with pytest.raises(ValueError, match="grad_out must have the output's shape"):
        affine_relu_backward(np.ones((1, 1)), cache)


def test_forward_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="x must be"):
        affine_relu_forward(np.ones((2, 3)), np.ones((2, 2)), np.ones(2))
