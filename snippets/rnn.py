"""Backpropagation through time in a vanilla RNN and an LSTM: how far back a gradient reaches.

Vanilla RNN:  h_t = tanh(W h_{t-1} + U x_t + b), so ∂h_t/∂h_{t-1} = diag(1 - h_t²) W: the
gradient is multiplied by the same matrix and by tanh' ≤ 1 at every step back.
LSTM:  c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,  h_t = o_t ⊙ tanh(c_t), so along the cell state
∂c_t/∂c_{t-1} = diag(f_t): no weight matrix, no squashing, only the forget gate, which the
network can learn to hold near 1.
The loss of both demonstrations is L = vᵀ h_T for a fixed unit vector v.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from snippets.layers import GATES, LSTMParams, LSTMStep, lstm_cell, lstm_cell_backward

Array = NDArray[np.float64]
HIDDEN = 32
INPUTS = 8
LENGTH = 100
GAIN = 1.0  # recurrent weights ~ N(0, GAIN²/HIDDEN): spectral radius about GAIN
FORGET_BIASES = (0.0, 3.0)  # σ(0) = 0.5 forgets half per step; σ(3) ≈ 0.95 keeps the memory


@dataclass(frozen=True)
class RNNWeights:
    w: Array  # (H, H) recurrent
    u: Array  # (H, D) input
    b: Array  # (H,)


STACK_ORDER = ("i", "f", "o", "g")  # the rows of LSTMWeights, H each


@dataclass(frozen=True)
class LSTMWeights:
    """Gate weights stacked in STACK_ORDER: input, forget, output, candidate (i, f, o, g)."""

    w: Array  # (4H, H) recurrent
    u: Array  # (4H, D) input
    b: Array  # (4H,)

    @property
    def hidden(self) -> int:
        return self.w.shape[1]


def _check_sizes(hidden: int, inputs: int, gain: float) -> None:
    if hidden < 1:
        raise ValueError(f"hidden must be at least 1, got {hidden}")
    if inputs < 1:
        raise ValueError(f"inputs must be at least 1, got {inputs}")
    if not gain > 0:
        raise ValueError(f"gain must be positive, got {gain}")


def random_rnn(hidden: int = HIDDEN, inputs: int = INPUTS, gain: float = GAIN, seed: int = 0):
    """Recurrent weights N(0, gain²/H), input weights N(0, 1/D), zero bias."""
    _check_sizes(hidden, inputs, gain)
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, gain / np.sqrt(hidden), (hidden, hidden))
    u = rng.normal(0.0, 1.0 / np.sqrt(inputs), (hidden, inputs))
    return RNNWeights(w, u, np.zeros(hidden))


def random_lstm(
    hidden: int = HIDDEN,
    inputs: int = INPUTS,
    gain: float = GAIN,
    forget_bias: float = 0.0,
    seed: int = 0,
) -> LSTMWeights:
    """Each gate drawn like the RNN's weights (the candidate gate's with the RNN's very draw)."""
    _check_sizes(hidden, inputs, gain)
    rng = np.random.default_rng(seed)
    # The candidate g_t = tanh(W_g h + U_g x) is the RNN's update: same seed, same first draw.
    w_g = rng.normal(0.0, gain / np.sqrt(hidden), (hidden, hidden))
    u_g = rng.normal(0.0, 1.0 / np.sqrt(inputs), (hidden, inputs))
    w_ifo = rng.normal(0.0, gain / np.sqrt(hidden), (3 * hidden, hidden))
    u_ifo = rng.normal(0.0, 1.0 / np.sqrt(inputs), (3 * hidden, inputs))
    b = np.zeros(4 * hidden)
    b[hidden : 2 * hidden] = forget_bias  # the forget gate's bias
    return LSTMWeights(np.vstack([w_ifo, w_g]), np.vstack([u_ifo, u_g]), b)


def random_inputs(length: int = LENGTH, inputs: int = INPUTS, seed: int = 1) -> Array:
    """A sequence x_1 … x_T of standard normal vectors, (T, D)."""
    if length < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    return np.random.default_rng(seed).normal(0.0, 1.0, (length, inputs))


# --- vanilla RNN ---------------------------------------------------------------------------


def rnn_forward(weights: RNNWeights, xs: Array, h0: Array) -> Array:
    """The states h_0 … h_T, (T + 1, H)."""
    states = [np.asarray(h0, dtype=float)]
    for x in xs:
        states.append(np.tanh(weights.w @ states[-1] + weights.u @ x + weights.b))
    return np.array(states)


def rnn_state_gradients(weights: RNNWeights, xs: Array, h0: Array, v: Array) -> Array:
    """∂L/∂h_t for t = 0 … T with L = vᵀh_T, by backpropagation through time, (T + 1, H)."""
    states = rnn_forward(weights, xs, h0)
    grads = [np.asarray(v, dtype=float)]  # ∂L/∂h_T = v
    for t in range(len(xs), 0, -1):
        pre = grads[-1] * (1.0 - states[t] ** 2)  # through tanh: tanh' = 1 - h_t²
        grads.append(weights.w.T @ pre)  # through W h_{t-1}
    return np.array(grads[::-1])


# --- LSTM ----------------------------------------------------------------------------------
# One step forward and back is `layers.lstm_cell` and `layers.lstm_cell_backward` (Short
# Question 7's cell); here they are only chained through time.


def lstm_params(weights: LSTMWeights) -> LSTMParams:
    """The stacked weights as one matrix W_k = [U_k  W_k] over [x_t; h_(t-1)] per gate."""
    n = weights.hidden
    rows = {gate: slice(k * n, (k + 1) * n) for k, gate in enumerate(STACK_ORDER)}
    return LSTMParams(
        w={k: np.hstack([weights.u[rows[k]], weights.w[rows[k]]]) for k in GATES},
        b={k: weights.b[rows[k]] for k in GATES},
    )


def lstm_forward(
    weights: LSTMWeights, xs: Array, h0: Array, c0: Array
) -> tuple[Array, Array, list[LSTMStep]]:
    """Hidden states h_0 … h_T, cell states c_0 … c_T and each step's intermediates."""
    params = lstm_params(weights)
    hs, cs = [np.asarray(h0, dtype=float)], [np.asarray(c0, dtype=float)]
    steps = []
    for x in xs:
        step = lstm_cell(x, hs[-1], cs[-1], params)
        steps.append(step)
        hs.append(step.h)
        cs.append(step.c)  # the additive cell update c_t = f ⊙ c_(t-1) + i ⊙ g
    return np.array(hs), np.array(cs), steps


def lstm_state_gradients(
    weights: LSTMWeights, xs: Array, h0: Array, c0: Array, v: Array
) -> tuple[Array, Array]:
    """∂L/∂h_t and ∂L/∂c_t for t = 0 … T with L = vᵀh_T, by backpropagation through time."""
    params = lstm_params(weights)
    _, _, steps = lstm_forward(weights, xs, h0, c0)
    grad_h, grad_c = np.asarray(v, dtype=float), np.zeros(weights.hidden)
    grads_h, grads_c = [grad_h], [grad_c]
    for step in reversed(steps):
        back = lstm_cell_backward(step, params, grad_h, grad_c)
        # Along the cell state ∂c_t/∂c_(t-1) = diag(f_t); h reaches back only through the gates.
        grad_h, grad_c = back.h_prev, back.c_prev
        grads_h.append(grad_h)
        grads_c.append(grad_c)
    return np.array(grads_h[::-1]), np.array(grads_c[::-1])


# --- the demonstration ---------------------------------------------------------------------


@dataclass(frozen=True)
class GradientFlow:
    """‖∂L/∂(state at T - k)‖ for k = 0 … T steps back, per model."""

    steps_back: NDArray[np.int64]
    rnn: Array
    lstm: dict[float, Array]  # forget bias -> norms of the full state (h, c)
    mean_forget: dict[float, float]  # forget bias -> average forget-gate value


def gradient_flow(
    length: int = LENGTH,
    hidden: int = HIDDEN,
    inputs: int = INPUTS,
    forget_biases: tuple[float, ...] = FORGET_BIASES,
    seed: int = 0,
) -> GradientFlow:
    """Backpropagate L = vᵀh_T through T steps of an RNN and of LSTMs with the same draws."""
    xs = random_inputs(length, inputs, seed + 1)
    v = np.random.default_rng(seed + 2).normal(0.0, 1.0, hidden)
    v /= np.linalg.norm(v)  # a unit gradient arrives at h_T
    zeros = np.zeros(hidden)
    rnn_grads = rnn_state_gradients(random_rnn(hidden, inputs, seed=seed), xs, zeros, v)
    lstm, mean_forget = {}, {}
    for bias in forget_biases:
        weights = random_lstm(hidden, inputs, forget_bias=bias, seed=seed)
        grad_h, grad_c = lstm_state_gradients(weights, xs, zeros, zeros, v)
        lstm[bias] = np.sqrt(np.sum(grad_h**2, axis=1) + np.sum(grad_c**2, axis=1))[::-1]
        mean_forget[bias] = float(
            np.mean([s.f for s in lstm_forward(weights, xs, zeros, zeros)[2]])
        )
    return GradientFlow(
        np.arange(length + 1), np.linalg.norm(rnn_grads, axis=1)[::-1], lstm, mean_forget
    )
