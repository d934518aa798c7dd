"""Dropout, batch normalisation, the LSTM cell and 1 × 1 convolutions."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
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


@pytest.mark.claim("part-1-multiple-choice.md", "makes the two agree on average")
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "(inverted dropout rescales during training so nothing changes at test time)",
)
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


@pytest.mark.claim("part-1-multiple-choice.md", "(the standard error of unit")
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


@pytest.mark.claim("part-1-multiple-choice.md", "Without the rescaling the mean would be")
@pytest.mark.claim("part-1-multiple-choice.md", "and the test-time layer would have to multiply by")
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Units are dropped only while training; at test time every unit is kept (inverted dropout rescales during training so nothing changes at test time).",
)
@pytest.mark.claim("part-1-multiple-choice.md", "at test time the layer passes")
@given(small_vectors, drop_probabilities)
def test_dropout_is_the_identity_at_test_time(x, p):
    assert_array_equal(layers.dropout(x, p, training=False), x)


@pytest.mark.claim("part-1-multiple-choice.md", "Units are dropped only while training")
@pytest.mark.claim("part-1-multiple-choice.md", "and the kept ones are divided by")
@given(small_vectors, drop_probabilities, seeds)
def test_dropout_zeroes_dropped_units_and_scales_kept_ones(x, p, seed):
    mask = layers.dropout_mask(x.shape, p, np.random.default_rng(seed))
    y = layers.dropout(x, p, mask)
    assert_array_equal(y[mask == 0.0], 0.0)
    assert_allclose(y[mask == 1.0], x[mask == 1.0] / (1.0 - p), rtol=EXACT_RTOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md", "While training, each unit is kept with probability"
)
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "With γ equal to the batch's standard deviation (taken with the layer's small ε) and β equal to its mean, the layer returns its input unchanged.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "let the network keep the normalisation, undo it, or anything between",
)
@given(batches.filter(_spread))
def test_batch_norm_with_gamma_std_and_beta_mean_is_the_identity(x):
    stats = layers.batch_norm_train(x, 1.0, 0.0, BN_EPS)
    gamma, beta = np.sqrt(stats.var + BN_EPS), stats.mean  # γ = batch std, β = batch mean
    y = layers.batch_norm_train(x, gamma, beta, BN_EPS).y
    assert_allclose(y, x, rtol=1e-9, atol=1e-9)


@pytest.mark.claim("part-1-multiple-choice.md", "every feature leaves the layer with mean")
@pytest.mark.claim("part-1-multiple-choice.md", "whatever its scale was")
@given(batches.filter(_spread))
def test_batch_norm_output_has_zero_mean_and_unit_variance_per_feature(x):
    y = layers.batch_norm_train(x, 1.0, 0.0, eps=0.0).y
    assert_allclose(y.mean(axis=0), 0.0, atol=1e-9)
    assert_allclose(y.var(axis=0), 1.0, rtol=1e-9)


@pytest.mark.claim(
    "part-1-multiple-choice.md", "batch normalisation normalises each feature with the mean"
)
@given(batches.filter(_spread))
def test_batch_norm_statistics_match_naive_loops(x):
    stats = layers.batch_norm_train(x, 1.0, 0.0, BN_EPS)
    m = x.shape[0]
    for k in range(x.shape[1]):
        mean = sum(x[n, k] for n in range(m)) / m
        var = sum((x[n, k] - mean) ** 2 for n in range(m)) / m
        assert_allclose(stats.mean[k], mean, rtol=1e-12, atol=1e-12)
        assert_allclose(stats.var[k], var, rtol=1e-9, atol=1e-9)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "at test time it depends on the sample alone, so a prediction is the same whether it is made alone or in a batch",
)
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


@pytest.mark.claim(
    "part-1-multiple-choice.md", "During training the layer also keeps running averages of"
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "they are averaged, not learned by gradient descent"
)
@given(st.floats(0.0, 0.99), st.lists(activations, min_size=1, max_size=30))
def test_running_average_is_an_exponentially_weighted_sum(momentum, values):
    running = 0.0
    for value in values:
        running = layers.running_average(running, value, momentum)
    n = len(values)
    # Unrolled: Σ_k (1 - momentum) momentum^(n - 1 - k) value_k, starting from 0.
    want = sum((1 - momentum) * momentum ** (n - 1 - k) * v for k, v in enumerate(values))
    assert_allclose(running, want, rtol=1e-9, atol=1e-9)


@pytest.mark.claim("part-1-multiple-choice.md", "(For the variance, the unbiased batch estimate")
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Running averages collected during training replace the batch statistics at test time.",
)
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "They come close to the statistics of the distribution the data are drawn from",
)
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


@pytest.mark.claim(
    "part-1-multiple-choice.md", "An LSTM cell has three gates, each a sigmoid with values between"
)
@pytest.mark.claim("part-1-multiple-choice.md", "and a candidate with values between")
@given(seeds)
@example(seed=235)  # a pre-activation near 40: σ rounds to exactly 1.0 in float64
def test_lstm_gates_lie_in_their_ranges(seed):
    rng = np.random.default_rng(seed)
    params = layers.lstm_params(3, 4, seed, scale=2.0)
    step = layers.lstm_cell(rng.normal(size=3), rng.normal(size=4), rng.normal(size=4), params)
    for gate in (step.f, step.i, step.o):  # σ ∈ (0, 1), closed in floating point
        assert np.all((gate >= 0.0) & (gate <= 1.0))
    assert np.all(np.abs(step.g) <= 1.0)


@pytest.mark.claim("part-1-multiple-choice.md", "All four read the input")
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "There is no such gate; keeping memory is the job of the forget gate.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "keeping memory is what the forget gate does when it is close to"
)
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "A 1×1 convolution is a fully connected layer applied at every pixel, so it works for any input size.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Reshaping the volume into one row per pixel turns the whole layer into a single matrix product",
)
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Each output value of a convolution costs one multiply-add per weight of its filter",
)
@pytest.mark.claim("part-1-multiple-choice.md", "first reduces the channels from")
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
def test_demonstration_ends_with_its_evidence(key):
    text = demonstration(key)
    start = text.rfind('??? abstract guide-evidence "How we know"')
    assert start > 0
    # Everything after the opening line is the indented body of the evidence block.
    assert all(
        line.startswith("    ") or not line.strip() for line in text[start:].splitlines()[1:]
    )


def test_demonstration_of_an_unknown_key_raises_naming_it():
    with pytest.raises(ValueError, match="'dropped-out'"):
        demonstration("dropped-out")


# --- the experiments behind the demonstrations, and the claims their prose makes ---

# The pages' runs, each computed once. Module-level names rather than fixtures: the evidence
# index (snippets/mdext/evidence.py) then counts the tests that call them as checks of the
# experiment functions.
page_dropout = functools.cache(layers.dropout_experiment)
page_batch_norm = functools.cache(layers.batch_norm_experiment)
page_one_by_one = functools.cache(layers.one_by_one_experiment)

BN_RTOL = 1e-9  # a subtraction, a square root and a division per value: rounding only
BN_ATOL = 1e-9

# Drop probabilities with a visible 1/(1 - p) (p = 0 keeps and passes every unit).
visible_drop_probabilities = st.floats(0.05, 0.9, allow_nan=False, allow_infinity=False)
# Activations with at least one unit far from 0.
nonzero_vectors = small_vectors.filter(lambda x: np.max(np.abs(x)) > 0.01)
# Batch sizes of the batch-norm experiment. Two samples are excluded: each feature of
# either then normalises to ±sqrt(σ² / (σ² + ε)), which another batch can repeat.
batch_sizes = st.integers(min_value=3, max_value=32)
# Per-feature means and standard deviations of the batch-norm experiment's data.
data_means = st.lists(
    st.floats(-100.0, 100.0, allow_nan=False, allow_infinity=False), min_size=1, max_size=4
)
data_stds = st.floats(0.1, 100.0, allow_nan=False, allow_infinity=False)
# Inputs and states of the LSTM experiment's cell: 2 units, moderate values.
lstm_states = st.lists(
    st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False), min_size=2, max_size=2
)


@pytest.mark.claim(
    "part-1-multiple-choice.md", "masks, each weighted by its probability, gives back"
)
@pytest.mark.claim("part-1-multiple-choice.md", "up to rounding (largest difference")
@given(small_vectors, drop_probabilities, seeds)
def test_exact_expectation_of_inverted_dropout_equals_the_input(x, p, seed):
    e = layers.dropout_experiment(x, p, seed, samples=10)
    assert_allclose(e.expectation, x, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    assert e.expectation_gap <= EXACT_ATOL + EXACT_RTOL * np.max(np.abs(x))


@pytest.mark.claim("part-1-multiple-choice.md", "the layer behaves differently in the two modes")
@given(nonzero_vectors, visible_drop_probabilities, seeds)
def test_training_and_test_outputs_of_dropout_differ(x, p, seed):
    # A dropped unit becomes 0, a kept one x / (1 - p): either way a non-zero unit changes.
    e = layers.dropout_experiment(x, p, seed, samples=10)
    assert not np.array_equal(e.train, e.test)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "The same input gives a random, thinned output while training and a fixed one at test time",
)
def test_the_page_mask_drops_some_units_and_keeps_others():
    e = page_dropout()
    assert 0 < e.mask.sum() < e.mask.size


@pytest.mark.claim("part-1-multiple-choice.md", "random masks differs from")
@pytest.mark.claim("part-1-multiple-choice.md", "standard errors or fewer")
@given(
    st.lists(activations, min_size=1, max_size=6).map(np.array), visible_drop_probabilities, seeds
)
def test_mean_over_random_masks_lies_within_a_few_standard_errors_of_the_input(x, p, seed):
    e = layers.dropout_experiment(x, p, seed, samples=MASKS)
    assert e.mean_gap_in_std_errors <= MEAN_Z


@pytest.mark.claim("part-1-multiple-choice.md", "Without the rescaling the mean would be")
@given(small_vectors, drop_probabilities, seeds)
def test_mean_without_rescaling_is_one_minus_p_times_the_input(x, p, seed):
    e = layers.dropout_experiment(x, p, seed, samples=10)
    # Witness: every mask, weighted by its probability, applied to x without 1/(1 - p).
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=x.size)))
    probs = np.prod(np.where(masks == 1.0, 1.0 - p, p), axis=1)
    assert_allclose(e.unscaled, probs @ (masks * x), rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "With γ equal to the batch's standard deviation (taken with the layer's small ε) and β equal to its mean, the layer returns its input unchanged.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "the largest difference from the input on this batch is"
)
@given(seeds, batch_sizes, data_means, data_stds)
def test_gamma_std_and_beta_mean_give_back_the_batch(seed, batch, means, std):
    e = layers.batch_norm_experiment(batch, means, [std] * len(means), seed=seed)
    scale = np.max(np.abs(e.x))
    assert e.identity_gap <= BN_ATOL + BN_RTOL * scale


@pytest.mark.claim("part-1-multiple-choice.md", "every feature leaves the layer with mean")
@pytest.mark.claim("part-1-multiple-choice.md", "whatever its scale was")
@given(seeds, batch_sizes, data_means, data_stds)
def test_every_feature_leaves_batch_norm_with_mean_zero_and_variance_one_up_to_eps(
    seed, batch, means, std
):
    e = layers.batch_norm_experiment(batch, means, [std] * len(means), seed=seed)
    var = e.x.var(axis=0)  # witness: numpy's own batch variance
    assert_allclose(e.train.y.mean(axis=0), 0.0, atol=BN_ATOL)
    assert_allclose(e.train.y.var(axis=0), var / (var + e.eps), rtol=BN_RTOL)  # 1 up to ε


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "In training mode the sample's output depends on which other samples share its batch",
)
@given(seeds, batch_sizes)
def test_training_output_of_a_sample_depends_on_its_batch(seed, batch):
    e = layers.batch_norm_experiment(batch, seed=seed)
    assert not np.allclose(e.in_a, e.in_b)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "at test time it depends on the sample alone, so a prediction is the same whether it is made alone or in a batch",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "At test time the layer uses them instead of the batch's own."
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Running averages collected during training replace the batch statistics at test time.",
)
@given(seeds, batch_sizes)
def test_at_test_time_a_sample_gets_the_same_output_alone_or_in_its_batch(seed, batch):
    e = layers.batch_norm_experiment(batch, seed=seed)
    ones, zeros = np.ones(e.means.size), np.zeros(e.means.size)
    in_batch = layers.batch_norm_test(e.x, ones, zeros, e.running_mean, e.running_var, e.eps)
    assert_allclose(e.at_test, in_batch[0], rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "They come close to the statistics of the distribution the data are drawn from",
)
def test_running_statistics_come_close_to_the_data_statistics_in_the_page_run():
    e = page_batch_norm()
    assert np.all(np.abs(e.running_mean - e.means) <= RUNNING_ATOL * e.stds)
    assert_allclose(np.sqrt(e.running_var), e.stds, rtol=RUNNING_RTOL)


@pytest.mark.claim("part-1-multiple-choice.md", "Backpropagating a unit gradient from")
@pytest.mark.claim("part-1-multiple-choice.md", "which is exactly the forget gate")
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "The cell state is also the path the gradient takes from step to step.",
)
@given(lstm_states, lstm_states, lstm_states, seeds)
def test_cell_state_gradient_is_the_forget_gate(x, h_prev, c_prev, seed):
    e = layers.lstm_experiment(x, h_prev, c_prev, seed)
    assert_allclose(e.carry, e.step.f, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md", "along the cell state the gradient is only multiplied by"
)
@pytest.mark.claim("part-1-multiple-choice.md", "with no weight matrix and no squashing in between")
@given(lstm_states, lstm_states, lstm_states, seeds)
def test_cell_state_jacobian_is_diagonal_with_the_gradient_passed_back(x, h_prev, c_prev, seed):
    # Along the cell state no weight matrix mixes the units: ∂c_t/∂c_(t-1) = diag(f_t).
    e = layers.lstm_experiment(x, h_prev, c_prev, seed)
    c = np.array(c_prev)
    jacobian = np.column_stack(
        [
            (
                layers.lstm_cell(x, h_prev, c + FD_STEP * unit, e.params).c
                - layers.lstm_cell(x, h_prev, c - FD_STEP * unit, e.params).c
            )
            / (2 * FD_STEP)
            for unit in np.eye(c.size)
        ]
    )
    assert_allclose(jacobian, np.diag(e.carry), rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim("part-1-multiple-choice.md", "The reduction saves")
def test_one_by_one_reduction_saves_multiply_adds_here():
    e = page_one_by_one()
    assert e.costs.reduced_mult_adds < e.costs.direct_mult_adds
    assert e.saved > 0


@pytest.mark.claim("part-1-multiple-choice.md", "The reduction saves")
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Fewer channels in means fewer multiply-adds in the following large convolution",
)
@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 512), st.integers(1, 512),
       st.integers(1, 512))  # fmt: skip
def test_one_by_one_costs_follow_the_products_on_the_page(h, w, c, reduced, filters):
    # H·W·F·9·C becomes H·W·r·C + H·W·F·9·r: the page's products, for any sizes.
    e = layers.one_by_one_experiment((h, w, c), reduced, filters)
    assert e.costs.direct_mult_adds == h * w * filters * 9 * c
    assert e.costs.reduced_mult_adds == h * w * reduced * c + h * w * filters * 9 * reduced
    assert e.saved == pytest.approx(1 - reduced * (c + 9 * filters) / (9 * filters * c))


@pytest.mark.claim(
    "part-1-multiple-choice.md", "the sliding-window convolution and the matrix product"
)
@given(seeds, st.integers(1, 5), st.integers(1, 5), st.integers(1, 6), st.integers(1, 6))
def test_sliding_window_and_matrix_product_agree_in_every_output(seed, h, w, c, k):
    e = layers.one_by_one_experiment(volume_shape=(h, w, c), volume_filters=k, seed=seed)
    assert e.by_conv.shape == (h, w, k)
    assert e.gap <= EXACT_ATOL * (1.0 + np.max(np.abs(e.by_conv)))


@pytest.mark.claim("part-1-multiple-choice.md", "The same weights apply to any height and width")
@pytest.mark.claim("part-1-multiple-choice.md", "from that pixel's channel vector alone")
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "A 1×1 convolution is a fully connected layer applied at every pixel, so it works for any input size.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "can replace the fully connected layers that act on a vector of channels",
)
@given(seeds, st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4))
def test_one_by_one_weights_apply_at_any_height_and_width(seed, h, w, c, k):
    rng = np.random.default_rng(seed)
    weights, bias = rng.normal(size=(c, k)), rng.normal(size=k)
    x = rng.normal(size=(h, w, c))
    y = layers.pointwise_dense(x, weights, bias)
    for i, j in itertools.product(range(h), range(w)):  # witness: each pixel on its own
        pixel = [sum(x[i, j, a] * weights[a, b] for a in range(c)) + bias[b] for b in range(k)]
        assert_allclose(y[i, j], pixel, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "They do not select features: every output channel mixes all input channels.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "A 1×1 convolution mixes all input channels with learned weights; nothing makes it pick a subset of features.",
)
@given(seeds, st.integers(1, 4), st.integers(1, 4))
def test_every_output_channel_of_a_one_by_one_convolution_mixes_every_input_channel(seed, c, k):
    # It selects no features: changing any one input channel changes every output channel.
    rng = np.random.default_rng(seed)
    x, weights, bias = rng.normal(size=(2, 2, c)), rng.normal(size=(c, k)), rng.normal(size=k)
    kernels = weights.reshape(1, 1, c, k)
    y = conv.conv2d_multichannel(x, kernels, bias=bias)
    for channel in range(c):
        nudged = x.copy()
        nudged[0, 0, channel] += 1.0
        change = conv.conv2d_multichannel(nudged, kernels, bias=bias)[0, 0] - y[0, 0]
        assert np.all(np.abs(change) > 0)
        assert_allclose(change, weights[channel], rtol=EXACT_RTOL, atol=EXACT_ATOL)


# --- the reasons Part I gives for its dropout, batch-norm, LSTM and 1 × 1 answers -----------

# Activation functions a layer may apply before dropout, Leaky ReLU among them.
ACTIVATIONS = {
    "identity": lambda z: z,
    "ReLU": lambda z: np.maximum(z, 0.0),
    "Leaky ReLU": lambda z: np.where(z > 0, z, 0.01 * z),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}
# A deep stack of linear layers: its depth, width and batch size.
STACK_DEPTH, STACK_WIDTH, STACK_BATCH = 6, 3, 8
weight_scales = st.floats(0.2, 5.0, allow_nan=False, allow_infinity=False)
# Central differences through the stack: rounding error relative to the gradient's largest entry.
STACK_ROUNDING = 1e-5


@pytest.mark.claim("part-1-multiple-choice.md", "Dropout adds noise to every step")
@given(st.floats(0.1, 0.9), seeds)
def test_dropout_draws_a_new_mask_at_every_step(p, seed):
    # Two training steps on the same activations: each draws its own mask, so the outputs
    # differ (two masks of 200 units agree with probability below 0.9^200 ≈ 7e-10).
    rng = np.random.default_rng(seed)
    x = np.ones(200)
    steps = [layers.dropout(x, p, layers.dropout_mask(x.shape, p, rng)) for _ in range(2)]
    assert not np.array_equal(*steps)


@pytest.mark.claim("part-1-multiple-choice.md", "Dropout works with any activation function.")
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@given(x=small_vectors, p=drop_probabilities)
def test_dropout_keeps_the_expectation_after_any_activation(activation, x, p):
    a = ACTIVATIONS[activation](x)  # negative values too, after Leaky ReLU, tanh or none
    assert_allclose(layers.dropout_expectation(a, p), a, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    assert_array_equal(layers.dropout(a, p, training=False), a)


@pytest.mark.claim(
    "part-1-multiple-choice.md", "it acts like training an ensemble of thinned networks"
)
@given(small_vectors, drop_probabilities, seeds)
def test_test_time_output_is_the_average_of_every_thinned_network(x, p, seed):
    # Each mask picks a thinned network (the units it keeps, with the weights they share);
    # for a linear layer after dropout, the test-time output is exactly their average,
    # each weighted by the probability of its mask.
    w = np.random.default_rng(seed).normal(size=(x.size, 3))
    average = np.zeros(3)
    for bits in itertools.product((0.0, 1.0), repeat=x.size):
        mask = np.array(bits)
        probability = np.prod(np.where(mask == 1.0, 1.0 - p, p))
        average += probability * (layers.dropout(x, p, mask) @ w)
    test_time = layers.dropout(x, p, training=False) @ w
    assert_allclose(average, test_time, rtol=1e-9, atol=1e-9)


def _stack(x: np.ndarray, weights: list[np.ndarray], normalise: bool) -> np.ndarray:
    """Linear layers x W_1 … W_L, each output batch-normalised (γ = 1, β = 0) or not."""
    for w in weights:
        x = x @ w
        if normalise:
            x = layers.batch_norm_train(x, 1.0, 0.0, eps=0.0).y
    return x


def _well_spread(x: np.ndarray, weights: list[np.ndarray]) -> bool:
    """Every layer's output varies across the batch in every feature (no near-constant
    feature for batch normalisation to blow up)."""
    for w in weights:
        z = x @ w
        if np.min(z.var(axis=0)) < 1e-2 * np.mean(w**2):
            return False
        x = layers.batch_norm_train(z, 1.0, 0.0, eps=0.0).y
    return True


def _input_gradient(x: np.ndarray, weights: list[np.ndarray], normalise: bool, probe: np.ndarray):
    """∂/∂x of Σ probe ⊙ stack(x), by central differences."""

    def loss() -> float:
        return float(np.sum(probe * _stack(x, weights, normalise)))

    return _central_difference(loss, x)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Keeping each layer's inputs normalised keeps activations and gradients in a well-scaled range.",
)
@given(seeds, weight_scales)
@settings(deadline=None)  # slow under load; not a property of the code
def test_batch_norm_keeps_activations_and_gradients_of_a_deep_stack_well_scaled(seed, scale):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(STACK_BATCH, STACK_WIDTH))
    weights = [rng.normal(size=(STACK_WIDTH, STACK_WIDTH)) for _ in range(STACK_DEPTH)]
    scaled = [scale * w for w in weights]
    assume(_well_spread(x, weights))
    probe = rng.normal(size=(STACK_BATCH, STACK_WIDTH))
    # Without normalisation the activations and the gradient grow or shrink as scale^depth.
    growth = scale**STACK_DEPTH
    assert_allclose(_stack(x, scaled, False), growth * _stack(x, weights, False), rtol=1e-9)
    plain = _input_gradient(x, weights, False, probe)
    # Central differences of a linear function: rounding only, relative to its largest entry.
    rounding = STACK_ROUNDING * growth * np.max(np.abs(plain))
    assert_allclose(
        _input_gradient(x, scaled, False, probe), growth * plain, rtol=FD_RTOL, atol=rounding
    )
    # With it every layer's output has mean 0 and variance 1, and neither the activations
    # nor the gradient depend on the scale of the weights.
    out = _stack(x, scaled, True)
    assert_allclose(out.mean(axis=0), 0.0, atol=1e-9)
    assert_allclose(out.var(axis=0), 1.0, rtol=1e-9)
    assert_allclose(out, _stack(x, weights, True), rtol=1e-7, atol=1e-7)
    normalised = _input_gradient(x, weights, True, probe)
    assert_allclose(
        _input_gradient(x, scaled, True, probe),
        normalised,
        rtol=1e-4,
        atol=STACK_ROUNDING * np.max(np.abs(normalised)),
    )


@pytest.mark.claim(
    "part-1-multiple-choice.md", "The scale γ and the shift β are learned by gradient descent."
)
@given(batches.filter(_spread), seeds)
def test_gamma_and_beta_are_learned_by_gradient_descent(x, seed):
    # y = γ ⊙ x̂ + β: the loss has gradients with respect to γ and β (checked against
    # central differences), and steps of gradient descent on them lower it.
    target = np.random.default_rng(seed).normal(size=x.shape)
    x_hat = layers.batch_norm_train(x, 1.0, 0.0, BN_EPS).x_hat
    gamma, beta = np.ones(x.shape[1]), np.zeros(x.shape[1])

    def loss() -> float:  # reads gamma and beta, which _central_difference perturbs in place
        return float(np.mean((layers.batch_norm_train(x, gamma, beta, BN_EPS).y - target) ** 2))

    losses = [loss()]
    for _ in range(20):
        grad_y = 2 * (layers.batch_norm_train(x, gamma, beta, BN_EPS).y - target) / x.size
        grad_gamma, grad_beta = (grad_y * x_hat).sum(axis=0), grad_y.sum(axis=0)
        assert_allclose(_central_difference(loss, gamma), grad_gamma, rtol=FD_RTOL, atol=FD_ATOL)
        assert_allclose(_central_difference(loss, beta), grad_beta, rtol=FD_RTOL, atol=FD_ATOL)
        gamma -= 0.1 * grad_gamma  # in place: loss() reads the new values
        beta -= 0.1 * grad_beta
        losses.append(loss())
    assert np.all(np.diff(losses) <= 1e-12)
    assert losses[-1] < losses[0]


def _cell(bias: dict[str, float], c_prev: np.ndarray, seed: int) -> layers.LSTMStep:
    """One step of a 2-unit cell with random weights from `seed` whose gate biases are moved
    by `bias` (±50 pins a gate at 1 or 0)."""
    params = layers.lstm_params(2, 2, seed)
    for gate, shift in bias.items():
        params.b[gate][:] += shift
    return layers.lstm_cell([0.3, -0.7], [0.1, 0.4], c_prev, params)


@pytest.mark.claim(
    "part-1-multiple-choice.md", "It decides how much of the new candidate enters the cell state."
)
@given(lstm_states, seeds)
def test_the_input_gate_decides_how_much_of_the_candidate_enters_the_cell_state(c_prev, seed):
    c_prev = np.array(c_prev)
    step = _cell({}, c_prev, seed)
    # What enters is i ⊙ g: the candidate scaled unit by unit by the input gate.
    assert_allclose(step.c - step.f * c_prev, step.i * step.g, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    closed, opened = _cell({"i": -50.0}, c_prev, seed), _cell({"i": 50.0}, c_prev, seed)
    assert_allclose(closed.c, closed.f * c_prev, atol=1e-12)  # nothing of the candidate
    assert_allclose(opened.c, opened.f * c_prev + opened.g, atol=1e-12)  # all of it


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "It decides how much of the cell state, squashed by tanh, is exposed as the hidden state.",
)
@given(lstm_states, seeds)
def test_the_output_gate_decides_how_much_of_the_cell_state_is_exposed(c_prev, seed):
    c_prev = np.array(c_prev)
    step = _cell({}, c_prev, seed)
    assert_allclose(step.h, step.o * np.tanh(step.c), rtol=EXACT_RTOL, atol=EXACT_ATOL)
    closed, opened = _cell({"o": -50.0}, c_prev, seed), _cell({"o": 50.0}, c_prev, seed)
    assert_allclose(closed.h, 0.0, atol=1e-12)  # nothing exposed
    assert_allclose(opened.h, np.tanh(opened.c), atol=1e-12)  # all of it, squashed


@pytest.mark.claim(
    "part-1-multiple-choice.md", "It decides how much of the previous cell state is kept."
)
@given(lstm_states, seeds)
def test_the_forget_gate_decides_how_much_of_the_previous_cell_state_is_kept(c_prev, seed):
    c_prev = np.array(c_prev)
    step = _cell({}, c_prev, seed)
    assert_allclose(step.c - step.i * step.g, step.f * c_prev, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    closed = _cell({"f": -50.0, "i": -50.0}, c_prev, seed)
    opened = _cell({"f": 50.0, "i": -50.0}, c_prev, seed)
    assert_allclose(closed.c, 0.0, atol=1e-12)  # forgotten
    assert_allclose(opened.c, c_prev, atol=1e-12)  # kept


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "There is no such gate; keeping memory is the job of the forget gate.",
)
def test_an_lstm_cell_has_no_remember_gate():
    # The cell's parameters: the forget, input and output gates and the candidate, nothing else.
    params = layers.lstm_params(2, 2, seed=0)
    assert set(params.w) == set(params.b) == {"f", "i", "g", "o"}
    assert set(layers.GATES) - {"g"} == {"f", "i", "o"}  # g is the candidate, not a gate


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Each 1×1 convolution followed by an activation adds a non-linear layer at little cost.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "convolution adds one more layer of expressiveness for little cost"
)
@given(seeds, st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
def test_two_one_by_one_convolutions_without_an_activation_are_one(seed, c, k, m):
    # Without a non-linearity between them two 1 × 1 convolutions collapse into a single
    # one (W₁W₂, b₁W₂ + b₂): stacking them adds no expressiveness.
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 3, c))
    w1, b1, w2, b2 = (
        rng.normal(size=(c, k)),
        rng.normal(size=k),
        rng.normal(size=(k, m)),
        rng.normal(size=m),
    )
    twice = conv.conv2d_multichannel(
        conv.conv2d_multichannel(x, w1.reshape(1, 1, c, k), bias=b1),
        w2.reshape(1, 1, k, m),
        bias=b2,
    )
    once = conv.conv2d_multichannel(x, (w1 @ w2).reshape(1, 1, c, m), bias=b1 @ w2 + b2)
    assert_allclose(twice, once, rtol=1e-9, atol=1e-9)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Each 1×1 convolution followed by an activation adds a non-linear layer at little cost.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "convolution adds one more layer of expressiveness for little cost"
)
@given(st.floats(0.1, 10.0, allow_nan=False, allow_infinity=False))
def test_an_activation_after_a_one_by_one_convolution_adds_a_non_linear_layer(a):
    # 1 × 1 convolutions (1 → 2 channels, then 2 → 1) with a ReLU between compute |x| at
    # every pixel. No single 1 × 1 convolution can: at each pixel it is affine, so its
    # outputs at a, -a and 0 satisfy f(a) + f(-a) = 2 f(0); |x| gives 2a ≠ 0.
    x = np.array([a, -a, 0.0]).reshape(1, 3, 1)
    hidden = np.maximum(conv.conv2d_multichannel(x, np.array([1.0, -1.0]).reshape(1, 1, 1, 2)), 0)
    y = conv.conv2d_multichannel(hidden, np.ones((1, 1, 2, 1)))[0, :, 0]
    assert_allclose(y, [a, a, 0.0], rtol=EXACT_RTOL)
    assert y[0] + y[1] != pytest.approx(2 * y[2])


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Each 1×1 convolution followed by an activation adds a non-linear layer at little cost.",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md", "convolution adds one more layer of expressiveness for little cost"
)
@given(st.integers(1, 16), st.integers(1, 16), st.integers(1, 64), st.integers(1, 64))
def test_a_one_by_one_convolution_costs_a_ninth_of_a_three_by_three_one(h, w, c, filters):
    one = layers.bottleneck_costs((h, w, c), 1, filters, kernel_size=1).direct_mult_adds
    three = layers.bottleneck_costs((h, w, c), 1, filters, kernel_size=3).direct_mult_adds
    assert 9 * one == three
