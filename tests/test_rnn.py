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
# "Shrinks exponentially": log ‖∂L/∂h‖ against steps back is a line to this r².
EXPONENTIAL_R2 = 0.99

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


@pytest.mark.claim(
    "part-2-short-questions.md",
    "Backpropagation through time multiplies the gradient, at every step back, by",
)
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


@pytest.mark.claim(
    "part-2-short-questions.md",
    "their recurrent weights are drawn with the same seed and scale (the LSTM's candidate weights are exactly the RNN's).",
)
def test_lstm_candidate_weights_are_the_rnn_weights():
    # Same seed, same draw: the LSTM's candidate update is the RNN's update.
    rnn_weights = rnn.random_rnn(seed=3)
    lstm_weights = rnn.random_lstm(seed=3)
    h = rnn.HIDDEN
    assert_allclose(lstm_weights.w[3 * h :], rnn_weights.w, rtol=0)
    assert_allclose(lstm_weights.u[3 * h :], rnn_weights.u, rtol=0)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "so the loss at the end of a sequence sends almost no signal to the early inputs.",
)
@pytest.mark.claim(
    "part-2-short-questions.md", "so over many steps it keeps shrinking (vanishing gradients)."
)
def test_rnn_gradient_vanishes_over_the_sequence(flow):
    assert flow.rnn[0] == pytest.approx(1.0)  # a unit gradient arrives at h_T
    assert flow.rnn[-1] < VANISHED


@pytest.mark.claim(
    "part-2-short-questions.md", "A gradient of norm one arrives at the last hidden state"
)
def test_every_model_receives_a_gradient_of_norm_one(flow):
    assert flow.rnn[0] == pytest.approx(1.0)
    for norms in flow.lstm.values():
        assert norms[0] == pytest.approx(1.0)


def test_rnn_gradient_falls_at_every_step_back(flow):
    assert np.all(np.diff(flow.rnn) < 0)


@pytest.mark.claim(
    "part-2-short-questions.md",
    "In the computation below this product shrinks exponentially, by a factor of about 0.62 per step",
)
def test_rnn_gradient_shrinks_exponentially(flow):
    # log of the norm against steps back: a falling straight line.
    logs = np.log(flow.rnn)
    slope, intercept = np.polyfit(flow.steps_back, logs, 1)
    fitted = slope * flow.steps_back + intercept
    r2 = 1 - np.sum((logs - fitted) ** 2) / np.sum((logs - logs.mean()) ** 2)
    assert slope < 0
    assert r2 > EXPONENTIAL_R2


@pytest.mark.claim("part-2-short-questions.md", "the derivative of tanh, which is at most one.")
@given(st.floats(-20.0, 20.0, allow_nan=False, allow_infinity=False))
def test_tanh_derivative_is_at_most_one(x):
    derivative = 1 - np.tanh(x) ** 2
    assert 0 <= derivative <= 1
    numeric = (np.tanh(x + FD_STEP) - np.tanh(x - FD_STEP)) / (2 * FD_STEP)
    assert_allclose(derivative, numeric, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim(
    "part-2-short-questions.md", "the two LSTMs differ only in the bias of their forget gate."
)
def test_lstms_differ_only_in_their_forget_bias():
    forgetting, remembering = (rnn.random_lstm(forget_bias=b, seed=0) for b in rnn.FORGET_BIASES)
    h = rnn.HIDDEN
    assert_allclose(forgetting.w, remembering.w, rtol=0)
    assert_allclose(forgetting.u, remembering.u, rtol=0)
    differs = np.flatnonzero(forgetting.b != remembering.b)
    forget_rows = np.arange(h, 2 * h)  # the forget gate's rows, second in STACK_ORDER
    assert rnn.STACK_ORDER[1] == "f"
    assert differs.tolist() == forget_rows.tolist()


@pytest.mark.claim(
    "part-2-short-questions.md",
    "with forget gates near one half its gradient vanishes like the RNN's.",
)
def test_forgetting_lstm_gradient_vanishes_too(flow):
    forgetting = min(flow.lstm)
    assert flow.mean_forget[forgetting] < 0.6
    assert flow.lstm[forgetting][-1] < VANISHED


@pytest.mark.claim(
    "part-2-short-questions.md",
    "With forget gates near one, which a positive forget bias gives from the start, the gradient never falls below 0.067 over all 100 steps.",
)
@pytest.mark.claim(
    "part-2-short-questions.md", "with forget gates near one it survives many steps."
)
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
