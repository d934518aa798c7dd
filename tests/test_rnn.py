"""Backpropagation through time in a vanilla RNN and an LSTM."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import rnn
from snippets.render.short_figures import gradient_flow_figure
from snippets.render.svg import figure_svg

FD_STEP = 1e-6
FD_RTOL = 1e-5
FD_ATOL = 1e-9
EXACT_RTOL = 1e-12
# The claims of the page about the default demonstration (100 steps back):
VANISHED = 1e-15  # the RNN's and the forgetting LSTM's gradients fall below this
KEPT = 1e-2  # the remembering LSTM's gradient stays above this

# --- strategies (to move into tests/strategies.py) ---

seeds = st.integers(min_value=0, max_value=2**16)
lengths = st.integers(min_value=1, max_value=6)
forget_biases = st.floats(min_value=-2.0, max_value=4.0, allow_nan=False, allow_infinity=False)
HIDDEN, INPUTS = 4, 3  # small sizes keep the finite differences cheap


@pytest.fixture(scope="module")
def flow() -> rnn.GradientFlow:
    return rnn.gradient_flow()


def _numeric_gradient(loss, at: np.ndarray) -> np.ndarray:
    grad = np.zeros_like(at)
    for k, e in enumerate(np.eye(len(at))):
        grad[k] = (loss(at + FD_STEP * e) - loss(at - FD_STEP * e)) / (2 * FD_STEP)
    return grad


@given(seeds, lengths)
def test_rnn_gradient_matches_finite_differences(seed, length):
    weights = rnn.random_rnn(HIDDEN, INPUTS, seed=seed)
    rng = np.random.default_rng(seed + 1)
    xs, h0, v = rng.normal(size=(length, INPUTS)), rng.normal(size=HIDDEN), rng.normal(size=HIDDEN)
    grads = rnn.rnn_state_gradients(weights, xs, h0, v)

    def loss(h: np.ndarray) -> float:  # L = vᵀ h_T as a function of h_0
        return float(v @ rnn.rnn_forward(weights, xs, h)[-1])

    assert_allclose(grads[0], _numeric_gradient(loss, h0), rtol=FD_RTOL, atol=FD_ATOL)


@given(seeds, lengths)
def test_rnn_gradient_at_step_t_is_gradient_of_the_rest_of_the_sequence(seed, length):
    # ∂L/∂h_t is ∂L/∂h_0 of the run that starts at h_t and reads the inputs after t.
    weights = rnn.random_rnn(HIDDEN, INPUTS, seed=seed)
    rng = np.random.default_rng(seed + 1)
    xs, h0, v = rng.normal(size=(length, INPUTS)), rng.normal(size=HIDDEN), rng.normal(size=HIDDEN)
    states = rnn.rnn_forward(weights, xs, h0)
    grads = rnn.rnn_state_gradients(weights, xs, h0, v)
    for t in range(length + 1):
        rest = rnn.rnn_state_gradients(weights, xs[t:], states[t], v)
        assert_allclose(grads[t], rest[0], rtol=EXACT_RTOL, atol=1e-15)


@given(seeds, lengths, forget_biases)
def test_lstm_gradients_match_finite_differences(seed, length, forget_bias):
    weights = rnn.random_lstm(HIDDEN, INPUTS, forget_bias=forget_bias, seed=seed)
    rng = np.random.default_rng(seed + 1)
    xs = rng.normal(size=(length, INPUTS))
    h0, c0, v = (rng.normal(size=HIDDEN) for _ in range(3))
    grad_h, grad_c = rnn.lstm_state_gradients(weights, xs, h0, c0, v)

    def loss_h(h: np.ndarray) -> float:
        return float(v @ rnn.lstm_forward(weights, xs, h, c0)[0][-1])

    def loss_c(c: np.ndarray) -> float:
        return float(v @ rnn.lstm_forward(weights, xs, h0, c)[0][-1])

    assert_allclose(grad_h[0], _numeric_gradient(loss_h, h0), rtol=FD_RTOL, atol=FD_ATOL)
    assert_allclose(grad_c[0], _numeric_gradient(loss_c, c0), rtol=FD_RTOL, atol=FD_ATOL)


def test_lstm_candidate_weights_are_the_rnn_weights():
    # Same seed, same draw: the LSTM's candidate update is the RNN's update.
    rnn_weights = rnn.random_rnn(seed=3)
    lstm_weights = rnn.random_lstm(seed=3)
    h = rnn.HIDDEN
    assert_allclose(lstm_weights.w[3 * h :], rnn_weights.w, rtol=0)
    assert_allclose(lstm_weights.u[3 * h :], rnn_weights.u, rtol=0)


def test_rnn_gradient_vanishes_over_the_sequence(flow):
    assert flow.rnn[0] == pytest.approx(1.0)  # a unit gradient arrives at h_T
    assert flow.rnn[-1] < VANISHED


def test_forgetting_lstm_gradient_vanishes_too(flow):
    forgetting = min(flow.lstm)
    assert flow.mean_forget[forgetting] < 0.6
    assert flow.lstm[forgetting][-1] < VANISHED


def test_remembering_lstm_keeps_the_gradient(flow):
    remembering = max(flow.lstm)
    assert flow.mean_forget[remembering] > 0.9
    assert flow.lstm[remembering].min() > KEPT


def test_random_rnn_rejects_zero_hidden_units():
    with pytest.raises(ValueError, match="hidden must be at least 1"):
        rnn.random_rnn(hidden=0)


def test_gradient_flow_figure_is_page_safe_svg(flow):
    svg = figure_svg(gradient_flow_figure(flow), name="test-flow", alt="gradient norms")
    assert "<svg" in svg
    assert "$" not in svg


def test_gradient_flow_is_reproducible():
    first, second = rnn.gradient_flow(length=10), rnn.gradient_flow(length=10)
    assert_allclose(first.rnn, second.rnn, rtol=0)
    for bias in first.lstm:
        assert_allclose(first.lstm[bias], second.lstm[bias], rtol=0)
