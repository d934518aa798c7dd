"""Dropout, batch normalisation, the LSTM cell and 1 × 1 convolutions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from snippets import conv, exam, layers
from snippets.render.demos import demonstration

EXACT_RTOL = 1e-12  # sums of a few dozen floats: rounding only
EXACT_ATOL = 1e-12
# A mean over N random masks lies within this many standard errors of its expectation
# (a normal variable leaves ±6σ with probability 2e-9).
MEAN_Z = 6.0
MASKS = 4_000
SUM_RTOL = 1e-10  # rounding of a mean over MASKS values
FD_STEP = 1e-6
FD_RTOL = 1e-6
FD_ATOL = 1e-8
BN_EPS = 1e-5
# An exponential average with momentum 0.9 over batches of 64 keeps about 10 batches' worth:
# its mean wanders by about σ / sqrt(640) ≈ 0.04 σ; 0.2 σ is five of those.
RUNNING_ATOL = 0.2  # in units of the feature's standard deviation
RUNNING_RTOL = 0.2

# --- strategies (to move into tests/strategies.py) ---

# Activations of a layer: moderate finite values.
activations = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False, allow_infinity=False)
# Drop probabilities, away from 1 so that 1 / (1 - p) stays moderate.
drop_probabilities = st.floats(min_value=0.0, max_value=0.9, allow_nan=False, allow_infinity=False)
# Small vectors whose 2^n masks can be enumerated.
small_vectors = st.lists(activations, min_size=1, max_size=6).map(np.array)
# Batches (samples × features) of 2..8 samples and 1..4 features.
batches = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 8), st.integers(1, 4)),
    elements=st.floats(min_value=-50.0, max_value=50.0, allow_nan=False, allow_infinity=False),
)
seeds = st.integers(min_value=0, max_value=2**16)


def _spread(x: np.ndarray) -> bool:
    """Every feature varies across the batch (a constant feature has no unit variance)."""
    return bool(np.all(x.std(axis=0) > 1e-3 * (1.0 + np.abs(x).max())))


# --- dropout ---


@given(small_vectors, drop_probabilities)
def test_inverted_dropout_preserves_expectation_over_all_masks(x, p):
    assert_allclose(layers.dropout_expectation(x, p), x, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@given(st.lists(activations, min_size=1, max_size=20).map(np.array), drop_probabilities, seeds)
# p = 0 keeps every unit: the mean of N equal values differs from x by summation rounding only.
@example(x=np.array([0.0, 9.668439137125432]), p=0.0, seed=0)
def test_inverted_dropout_mean_over_masks_is_close_to_input(x, p, seed):
    mean = layers.dropout_mean(x, p, MASKS, seed)
    std_error = np.abs(x) * np.sqrt(p / (1.0 - p)) / np.sqrt(MASKS)  # of Bernoulli / (1 - p)
    assert np.all(np.abs(mean - x) <= MEAN_Z * std_error + SUM_RTOL * np.abs(x))


@given(
    st.lists(activations, min_size=1, max_size=4).map(np.array),
    drop_probabilities,
    st.integers(1, 10_000),
)
def test_dropout_standard_error_matches_the_exact_variance_over_masks(x, p, samples):
    # Var over the two values of each unit's mask, weighted by their probabilities.
    kept = x / (1.0 - p)
    variance = (1.0 - p) * (kept - x) ** 2 + p * (0.0 - x) ** 2  # E[(y - E y)²], E y = x
    want = np.sqrt(variance / samples)
    got = layers.dropout_standard_error(x, p, samples)
    assert_allclose(got, want, rtol=1e-9, atol=EXACT_ATOL)


@given(small_vectors, drop_probabilities)
def test_dropout_without_rescaling_would_shrink_the_mean(x, p):
    # Witness of why inverted dropout divides: x ⊙ m alone has mean (1 - p) x.
    assert_allclose(
        (1.0 - p) * layers.dropout_expectation(x, p),
        (1.0 - p) * x,
        rtol=EXACT_RTOL,
        atol=EXACT_ATOL,
    )
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=x.size)))
    probs = np.prod(np.where(masks == 1.0, 1.0 - p, p), axis=1)
    assert_allclose(probs @ (masks * x), (1.0 - p) * x, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@given(small_vectors, drop_probabilities)
def test_dropout_is_the_identity_at_test_time(x, p):
    assert_array_equal(layers.dropout(x, p, training=False), x)


@given(small_vectors, drop_probabilities, seeds)
def test_dropout_zeroes_dropped_units_and_scales_kept_ones(x, p, seed):
    mask = layers.dropout_mask(x.shape, p, np.random.default_rng(seed))
    y = layers.dropout(x, p, mask)
    assert_array_equal(y[mask == 0.0], 0.0)
    assert_allclose(y[mask == 1.0], x[mask == 1.0] / (1.0 - p), rtol=EXACT_RTOL)


@given(drop_probabilities, seeds)
def test_dropout_mask_keeps_a_share_of_one_minus_p(p, seed):
    mask = layers.dropout_mask((MASKS,), p, np.random.default_rng(seed))
    std_error = np.sqrt(p * (1.0 - p) / MASKS)
    assert abs(mask.mean() - (1.0 - p)) <= MEAN_Z * std_error + EXACT_ATOL


@pytest.mark.parametrize("p", [-0.1, 1.0, float("nan")])
def test_dropout_rejects_a_probability_outside_zero_one(p):
    with pytest.raises(ValueError, match="p must lie in"):
        layers.dropout([1.0], p, [1.0])


# --- batch normalisation ---


@given(batches.filter(_spread))
def test_batch_norm_with_gamma_std_and_beta_mean_is_the_identity(x):
    stats = layers.batch_norm_train(x, 1.0, 0.0, BN_EPS)
    gamma, beta = np.sqrt(stats.var + BN_EPS), stats.mean  # γ = batch std, β = batch mean
    y = layers.batch_norm_train(x, gamma, beta, BN_EPS).y
    assert_allclose(y, x, rtol=1e-9, atol=1e-9)


@given(batches.filter(_spread))
def test_batch_norm_output_has_zero_mean_and_unit_variance_per_feature(x):
    y = layers.batch_norm_train(x, 1.0, 0.0, eps=0.0).y
    assert_allclose(y.mean(axis=0), 0.0, atol=1e-9)
    assert_allclose(y.var(axis=0), 1.0, rtol=1e-9)


@given(batches.filter(_spread))
def test_batch_norm_statistics_match_naive_loops(x):
    stats = layers.batch_norm_train(x, 1.0, 0.0, BN_EPS)
    m = x.shape[0]
    for k in range(x.shape[1]):
        mean = sum(x[n, k] for n in range(m)) / m
        var = sum((x[n, k] - mean) ** 2 for n in range(m)) / m
        assert_allclose(stats.mean[k], mean, rtol=1e-12, atol=1e-12)
        assert_allclose(stats.var[k], var, rtol=1e-9, atol=1e-9)


@given(batches.filter(_spread), seeds)
def test_batch_norm_at_test_time_treats_each_sample_alone(x, seed):
    rng = np.random.default_rng(seed)
    gamma, beta = rng.normal(size=x.shape[1]), rng.normal(size=x.shape[1])
    mean, var = rng.normal(size=x.shape[1]), rng.uniform(0.5, 2.0, size=x.shape[1])
    together = layers.batch_norm_test(x, gamma, beta, mean, var, BN_EPS)
    alone = np.vstack(
        [layers.batch_norm_test(row[None], gamma, beta, mean, var, BN_EPS) for row in x]
    )
    assert_allclose(together, alone, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@given(batches.filter(_spread))
def test_batch_norm_test_mode_with_the_batch_statistics_equals_training_mode(x):
    stats = layers.batch_norm_train(x, 2.0, -1.0, BN_EPS)
    test = layers.batch_norm_test(x, 2.0, -1.0, stats.mean, stats.var, BN_EPS)
    assert_allclose(test, stats.y, rtol=EXACT_RTOL, atol=1e-10)


@given(st.floats(0.0, 0.99), st.lists(activations, min_size=1, max_size=30))
def test_running_average_is_an_exponentially_weighted_sum(momentum, values):
    running = 0.0
    for value in values:
        running = layers.running_average(running, value, momentum)
    n = len(values)
    # Unrolled: Σ_k (1 - momentum) momentum^(n - 1 - k) value_k, starting from 0.
    want = sum((1 - momentum) * momentum ** (n - 1 - k) * v for k, v in enumerate(values))
    assert_allclose(running, want, rtol=1e-9, atol=1e-9)


@given(st.floats(0.0, 0.99), st.integers(2, 6), seeds)
def test_running_statistics_average_batch_means_and_unbiased_variances(momentum, m, seed):
    rng = np.random.default_rng(seed)
    batches = [rng.normal(size=(m, 2)) for _ in range(5)]
    mean, var = layers.running_statistics(batches, momentum)
    want_mean, want_var = np.zeros(2), np.ones(2)
    for batch in batches:  # witness: numpy's own unbiased variance, ddof = 1
        want_mean = momentum * want_mean + (1 - momentum) * batch.mean(axis=0)
        want_var = momentum * want_var + (1 - momentum) * batch.var(axis=0, ddof=1)
    assert_allclose(mean, want_mean, rtol=1e-9, atol=1e-12)
    assert_allclose(var, want_var, rtol=1e-9, atol=1e-12)


def test_running_statistics_approach_the_data_statistics():
    rng = np.random.default_rng(0)
    mu, sigma = np.array([3.0, -1.0]), np.array([2.0, 0.5])
    batches = [rng.normal(mu, sigma, size=(64, 2)) for _ in range(300)]
    mean, var = layers.running_statistics(batches, momentum=0.9)
    assert np.all(np.abs(mean - mu) <= RUNNING_ATOL * sigma)
    assert_allclose(np.sqrt(var), sigma, rtol=RUNNING_RTOL)


def test_batch_norm_rejects_a_single_sample():
    with pytest.raises(ValueError, match="x must hold at least 2 samples"):
        layers.batch_norm_train([[1.0, 2.0]], 1.0, 0.0, BN_EPS)


# --- the LSTM cell ---


def _loss(step: layers.LSTMStep, grad_h: np.ndarray, grad_c: np.ndarray) -> float:
    """A scalar that depends on h and c linearly: its gradients are grad_h and grad_c."""
    return float(grad_h @ step.h + grad_c @ step.c)


def _central_difference(f, array: np.ndarray) -> np.ndarray:
    """∂f/∂array by central differences, entry by entry (array is perturbed in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        old = array[index]
        array[index] = old + FD_STEP
        up = f()
        array[index] = old - FD_STEP
        down = f()
        array[index] = old
        grad[index] = (up - down) / (2 * FD_STEP)
    return grad


@given(seeds, st.integers(1, 3), st.integers(1, 3))
@settings(deadline=None)  # slow under load; not a property of the code
def test_lstm_cell_gradients_match_finite_differences(seed, input_size, hidden_size):
    rng = np.random.default_rng(seed)
    params = layers.lstm_params(input_size, hidden_size, seed, scale=1.0)
    x, h_prev, c_prev = (rng.normal(size=n) for n in (input_size, hidden_size, hidden_size))
    grad_h, grad_c = rng.normal(size=hidden_size), rng.normal(size=hidden_size)
    grads = layers.lstm_cell_backward(
        layers.lstm_cell(x, h_prev, c_prev, params), params, grad_h, grad_c
    )

    def loss() -> float:
        return _loss(layers.lstm_cell(x, h_prev, c_prev, params), grad_h, grad_c)

    for got, array in ((grads.x, x), (grads.h_prev, h_prev), (grads.c_prev, c_prev)):
        assert_allclose(got, _central_difference(loss, array), rtol=FD_RTOL, atol=FD_ATOL)
    for gate in layers.GATES:
        for got, array in ((grads.w[gate], params.w[gate]), (grads.b[gate], params.b[gate])):
            assert_allclose(got, _central_difference(loss, array), rtol=FD_RTOL, atol=FD_ATOL)


@given(seeds)
@example(seed=235)  # a pre-activation near 40: σ rounds to exactly 1.0 in float64
def test_lstm_gates_lie_in_their_ranges(seed):
    rng = np.random.default_rng(seed)
    params = layers.lstm_params(3, 4, seed, scale=2.0)
    step = layers.lstm_cell(rng.normal(size=3), rng.normal(size=4), rng.normal(size=4), params)
    for gate in (step.f, step.i, step.o):  # σ ∈ (0, 1), closed in floating point
        assert np.all((gate >= 0.0) & (gate <= 1.0))
    assert np.all(np.abs(step.g) <= 1.0)


@given(seeds)
@settings(deadline=None)  # slow under load; not a property of the code
def test_lstm_cell_matches_the_lecture_equations_unit_by_unit(seed):
    rng = np.random.default_rng(seed)
    params = layers.lstm_params(2, 3, seed)
    x, h_prev, c_prev = rng.normal(size=2), rng.normal(size=3), rng.normal(size=3)
    step = layers.lstm_cell(x, h_prev, c_prev, params)
    z = list(x) + list(h_prev)
    for u in range(3):

        def gate(k: str, unit: int = u) -> float:
            return sum(params.w[k][unit, j] * z[j] for j in range(5)) + params.b[k][unit]

        sig = {k: 1.0 / (1.0 + np.exp(-gate(k))) for k in ("f", "i", "o")}
        c = sig["f"] * c_prev[u] + sig["i"] * np.tanh(gate("g"))
        assert_allclose(step.c[u], c, rtol=1e-12, atol=1e-12)
        assert_allclose(step.h[u], sig["o"] * np.tanh(c), rtol=1e-12, atol=1e-12)


def test_lstm_with_forget_open_and_input_closed_keeps_the_cell_state():
    params = layers.lstm_params(2, 2, seed=0, scale=0.0)
    params.b["f"][:] = 50.0  # forget gate σ(50) ≈ 1: keep the memory
    params.b["i"][:] = -50.0  # input gate σ(-50) ≈ 0: write nothing
    c_prev = np.array([0.7, -1.3])
    step = layers.lstm_cell([1.0, 2.0], [0.0, 0.0], c_prev, params)
    assert_allclose(step.c, c_prev, rtol=1e-12)


def test_lstm_cell_rejects_a_wrong_input_size():
    params = layers.lstm_params(2, 2, seed=0)
    with pytest.raises(ValueError, match="x must have 2 entries"):
        layers.lstm_cell([1.0, 2.0, 3.0], [0.0, 0.0], [0.0, 0.0], params)


# --- 1 × 1 convolutions ---


@given(seeds, st.integers(1, 5), st.integers(1, 5), st.integers(1, 6), st.integers(1, 6))
def test_one_by_one_convolution_equals_per_pixel_matrix_product(seed, h, w, c, k):
    rng = np.random.default_rng(seed)
    x, weights, bias = rng.normal(size=(h, w, c)), rng.normal(size=(c, k)), rng.normal(size=k)
    by_conv = conv.conv2d_multichannel(x, weights.reshape(1, 1, c, k), bias=bias)
    assert_allclose(layers.pointwise_dense(x, weights, bias), by_conv, rtol=1e-12, atol=1e-12)


def _loop_mult_adds(shape: tuple[int, int, int], kernel_size: int, filters: int):
    """Run a naive same-padded convolution on ones and count its multiplications."""
    channels = shape[2]
    p = (kernel_size - 1) // 2
    x_pad = np.pad(np.ones(shape), ((p, p), (p, p), (0, 0)))
    kernel = np.ones((kernel_size, kernel_size, channels, filters))
    rows, cols = x_pad.shape[0] - kernel_size + 1, x_pad.shape[1] - kernel_size + 1
    out = np.zeros((rows, cols, filters))
    count = 0
    for i in range(rows):
        for j in range(cols):
            for k in range(filters):
                for a in range(kernel_size):
                    for b in range(kernel_size):
                        for c in range(channels):
                            out[i, j, k] += x_pad[i + a, j + b, c] * kernel[a, b, c, k]
                            count += 1
    return count, out.shape


@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 4),
    st.sampled_from([1, 3]),
)
@settings(deadline=None)  # slow under load; not a property of the code
def test_bottleneck_mult_adds_match_loop_counts(h, w, c, reduced, filters, kernel_size):
    costs = layers.bottleneck_costs((h, w, c), reduced, filters, kernel_size)
    direct, _ = _loop_mult_adds((h, w, c), kernel_size, filters)
    reduce, reduced_shape = _loop_mult_adds((h, w, c), 1, reduced)
    then, _ = _loop_mult_adds(reduced_shape, kernel_size, filters)
    assert costs.direct_mult_adds == direct
    assert costs.reduced_mult_adds == reduce + then


@given(st.integers(1, 5), st.integers(1, 4), st.integers(1, 3), st.integers(1, 4))
def test_bottleneck_params_are_weights_plus_biases(h, c, reduced, filters):
    costs = layers.bottleneck_costs((h, h, c), reduced, filters)
    assert [row.params for row in costs.direct] == [9 * c * filters + filters]
    assert [row.params for row in costs.reduced] == [
        c * reduced + reduced,
        9 * reduced * filters + filters,
    ]


def test_pointwise_dense_rejects_mismatched_channels():
    with pytest.raises(ValueError, match="weights must have 3 rows"):
        layers.pointwise_dense(np.zeros((2, 2, 3)), np.zeros((4, 2)), np.zeros(2))


# --- the demonstrations that use these layers ---


DEMO_KEYS = [question.demo for question in exam.MULTIPLE_CHOICE]


@pytest.mark.parametrize("key", DEMO_KEYS)
def test_demonstration_ends_with_its_provenance(key):
    text = demonstration(key)
    start = text.rfind('??? abstract "Computed by"')
    assert start > 0
    # Everything after the opening line is the indented body of the provenance block.
    assert all(
        line.startswith("    ") or not line.strip() for line in text[start:].splitlines()[1:]
    )


def test_demonstration_of_an_unknown_key_raises_naming_it():
    with pytest.raises(ValueError, match="'dropped-out'"):
        demonstration("dropped-out")
