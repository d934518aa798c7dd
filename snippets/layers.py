"""Layers that behave differently in training and testing, the LSTM cell, and 1 × 1 convolutions.

Inverted dropout, batch normalisation, one step of an LSTM cell (gates named as in the
lecture: forget f, input i, candidate g, output o; cell state c, hidden state h) with its
backward pass, and a 1 × 1 convolution written as a per-pixel fully connected layer.
Batches are (samples, features); volumes are (height, width, channels). Each `*_experiment`
runs one of them on a page's settings (its defaults) and returns every number the page shows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets.architectures import Conv, LayerShape, propagate
from snippets.conv import conv2d_multichannel
from snippets.logistic import sigmoid

Array = NDArray[np.float64]


def _check_probability(name: str, value: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and 0.0 <= value < 1.0):
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")
    return value


def _as_array(name: str, values: ArrayLike, ndim: int) -> Array:
    array = np.asarray(values, dtype=float)
    if array.ndim != ndim or 0 in array.shape:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers")
    return array


# --- inverted dropout ----------------------------------------------------------------------


def dropout_mask(shape: tuple[int, ...], p: float, rng: np.random.Generator) -> Array:
    """A keep mask: each entry 1 with probability 1 - p, 0 (dropped) with probability p."""
    p = _check_probability("p", p)
    return (rng.random(shape) >= p).astype(float)


def dropout(x: ArrayLike, p: float, mask: ArrayLike | None = None, training: bool = True) -> Array:
    """Inverted dropout: x ⊙ mask / (1 - p) while training, x unchanged at test time."""
    p = _check_probability("p", p)
    x = np.asarray(x, dtype=float)
    if not training:
        return x.copy()  # test time: every unit kept, no rescaling needed
    if mask is None:
        raise ValueError("mask must be given in training mode (see dropout_mask)")
    mask = np.asarray(mask, dtype=float)
    if mask.shape != x.shape or not np.all((mask == 0.0) | (mask == 1.0)):
        raise ValueError(f"mask must be 0s and 1s of shape {x.shape}, got shape {mask.shape}")
    return x * mask / (1.0 - p)  # the 1/(1 - p) keeps E[output] = x


def dropout_expectation(x: ArrayLike, p: float) -> Array:
    """E_mask[dropout(x)] exactly: Σ over all 2^n masks of P(mask) · x ⊙ mask / (1 - p)."""
    p = _check_probability("p", p)
    x = np.asarray(x, dtype=float).reshape(-1)
    if x.size > 16:
        raise ValueError(f"x must have at most 16 entries to enumerate its masks, got {x.size}")
    total = np.zeros_like(x)
    for bits in itertools.product((0.0, 1.0), repeat=x.size):
        mask = np.array(bits)
        kept = int(mask.sum())
        probability = (1.0 - p) ** kept * p ** (x.size - kept)  # independent Bernoulli(1 - p)
        total += probability * dropout(x, p, mask)
    return total


def dropout_mean(x: ArrayLike, p: float, samples: int, seed: int) -> Array:
    """The empirical mean of dropout(x) over `samples` random masks: (1/N) Σ_k x ⊙ m_k / (1 - p)."""
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    x = np.asarray(x, dtype=float)
    rng = np.random.default_rng(seed)
    masks = dropout_mask((samples, *x.shape), p, rng)
    return dropout(np.broadcast_to(x, masks.shape), p, masks).mean(axis=0)


def dropout_standard_error(x: ArrayLike, p: float, samples: int) -> Array:
    """Standard error of dropout_mean over N masks: |x| sqrt(p / (1 - p)) / sqrt(N).

    Var[m / (1 - p)] = (1 - p) / (1 - p)² - 1 = p / (1 - p) for m ~ Bernoulli(1 - p).
    """
    p = _check_probability("p", p)
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    return np.abs(np.asarray(x, dtype=float)) * np.sqrt(p / (1.0 - p)) / np.sqrt(samples)


# --- batch normalisation -------------------------------------------------------------------


@dataclass(frozen=True)
class BatchNormTrain:
    """A training-mode pass: the output and the batch statistics it used."""

    y: Array  # γ ⊙ x̂ + β
    x_hat: Array  # (x - μ_B) / sqrt(σ²_B + ε)
    mean: Array  # μ_B, per feature
    var: Array  # σ²_B, per feature (biased: divides by the batch size)


def batch_norm_train(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float) -> BatchNormTrain:
    """y = γ ⊙ (x - μ_B) / sqrt(σ²_B + ε) + β with the batch's own mean and variance."""
    x = _as_array("x", x, 2)
    if x.shape[0] < 2:
        raise ValueError(f"x must hold at least 2 samples for batch statistics, got {x.shape[0]}")
    if not (np.isfinite(eps) and eps >= 0):
        raise ValueError(f"eps must be a non-negative number, got {eps!r}")
    mean = x.mean(axis=0)  # μ_B
    var = x.var(axis=0)  # σ²_B = (1/m) Σ (x - μ_B)²
    x_hat = (x - mean) / np.sqrt(var + eps)
    return BatchNormTrain(np.asarray(gamma) * x_hat + np.asarray(beta), x_hat, mean, var)


def batch_norm_test(
    x: ArrayLike,
    gamma: ArrayLike,
    beta: ArrayLike,
    running_mean: ArrayLike,
    running_var: ArrayLike,
    eps: float,
) -> Array:
    """y = γ ⊙ (x - μ_run) / sqrt(σ²_run + ε) + β: statistics from training, not from the batch."""
    x = _as_array("x", x, 2)
    x_hat = (x - np.asarray(running_mean)) / np.sqrt(np.asarray(running_var) + eps)
    return np.asarray(gamma) * x_hat + np.asarray(beta)


def running_average(running: ArrayLike, batch: ArrayLike, momentum: float) -> Array:
    """μ_run ← momentum · μ_run + (1 - momentum) · μ_B (the same rule for the variance)."""
    momentum = _check_probability("momentum", momentum)
    return momentum * np.asarray(running, dtype=float) + (1.0 - momentum) * np.asarray(batch)


def running_statistics(
    batches: list[Array], momentum: float, start: tuple[Array, Array] | None = None
) -> tuple[Array, Array]:
    """(μ_run, σ²_run) after training on `batches`: running averages of each batch's mean and
    unbiased variance m/(m - 1) σ²_B (as PyTorch keeps them), from (0, 1) unless `start`."""
    if not batches:
        raise ValueError("batches must hold at least one batch")
    features = np.asarray(batches[0]).shape[1]
    mean, var = start if start is not None else (np.zeros(features), np.ones(features))
    for batch in batches:
        stats = batch_norm_train(batch, 1.0, 0.0, eps=0.0)
        m = len(batch)
        mean = running_average(mean, stats.mean, momentum)
        var = running_average(var, stats.var * m / (m - 1), momentum)  # unbiased estimate
    return mean, var


# --- the LSTM cell -------------------------------------------------------------------------

GATES = ("f", "i", "g", "o")  # forget, input, candidate, output


@dataclass(frozen=True)
class LSTMParams:
    """One weight matrix W_k (hidden × (input + hidden)) and bias b_k per gate k in f, i, g, o.

    Each gate reads the concatenation [x_t; h_(t-1)].
    """

    w: dict[str, Array]
    b: dict[str, Array]

    @property
    def hidden_size(self) -> int:
        return self.b["f"].shape[0]

    @property
    def input_size(self) -> int:
        return self.w["f"].shape[1] - self.hidden_size


def lstm_params(input_size: int, hidden_size: int, seed: int, scale: float = 0.5) -> LSTMParams:
    """Random normal weights and biases with standard deviation `scale`, from `seed`."""
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    rng = np.random.default_rng(seed)
    cols = input_size + hidden_size
    w = {k: rng.normal(scale=scale, size=(hidden_size, cols)) for k in GATES}
    b = {k: rng.normal(scale=scale, size=hidden_size) for k in GATES}
    return LSTMParams(w, b)


@dataclass(frozen=True)
class LSTMStep:
    """Every intermediate of one step, named as in the lecture."""

    x: Array  # input x_t
    h_prev: Array  # hidden state h_(t-1)
    c_prev: Array  # cell state c_(t-1)
    pre: dict[str, Array]  # pre-activations W_k [x; h_(t-1)] + b_k
    f: Array  # forget gate σ(·)
    i: Array  # input gate σ(·)
    g: Array  # candidate tanh(·)
    o: Array  # output gate σ(·)
    c: Array  # cell state c_t = f ⊙ c_(t-1) + i ⊙ g
    h: Array  # hidden state h_t = o ⊙ tanh(c_t)


def lstm_cell(x: ArrayLike, h_prev: ArrayLike, c_prev: ArrayLike, params: LSTMParams) -> LSTMStep:
    """One step: f, i, o = σ(W [x; h] + b), g = tanh(W_g [x; h] + b_g), c = f⊙c' + i⊙g, h = o⊙tanh c."""
    x = _as_array("x", x, 1)
    h_prev = _as_array("h_prev", h_prev, 1)
    c_prev = _as_array("c_prev", c_prev, 1)
    if x.shape[0] != params.input_size:
        raise ValueError(f"x must have {params.input_size} entries, got {x.shape[0]}")
    for name, state in (("h_prev", h_prev), ("c_prev", c_prev)):
        if state.shape[0] != params.hidden_size:
            raise ValueError(f"{name} must have {params.hidden_size} entries, got {state.shape[0]}")
    z = np.concatenate([x, h_prev])  # [x_t; h_(t-1)]
    pre = {k: params.w[k] @ z + params.b[k] for k in GATES}
    f, i, o = (sigmoid(pre[k]) for k in ("f", "i", "o"))  # gates in (0, 1)
    g = np.tanh(pre["g"])  # candidate values in (-1, 1)
    c = f * c_prev + i * g  # keep part of the old memory, write part of the candidate
    h = o * np.tanh(c)  # expose part of the squashed memory
    return LSTMStep(x, h_prev, c_prev, pre, f, i, g, o, c, h)


@dataclass(frozen=True)
class LSTMGrads:
    """Gradients of a loss L with respect to the inputs and parameters of one step."""

    x: Array
    h_prev: Array
    c_prev: Array
    w: dict[str, Array]
    b: dict[str, Array]


def lstm_cell_backward(
    step: LSTMStep, params: LSTMParams, grad_h: ArrayLike, grad_c: ArrayLike
) -> LSTMGrads:
    """Backpropagate ∂L/∂h_t and ∂L/∂c_t (from later steps) through one step, by the chain rule."""
    grad_h = np.asarray(grad_h, dtype=float)
    grad_c = np.asarray(grad_c, dtype=float)
    tanh_c = np.tanh(step.c)
    grad_o = grad_h * tanh_c  # h = o ⊙ tanh(c)
    grad_c = grad_c + grad_h * step.o * (1.0 - tanh_c**2)  # both paths into c
    grad_f = grad_c * step.c_prev  # c = f ⊙ c' + i ⊙ g
    grad_i = grad_c * step.g
    grad_g = grad_c * step.i
    grad_pre = {
        "f": grad_f * step.f * (1.0 - step.f),  # σ' = σ (1 - σ)
        "i": grad_i * step.i * (1.0 - step.i),
        "g": grad_g * (1.0 - step.g**2),  # tanh' = 1 - tanh²
        "o": grad_o * step.o * (1.0 - step.o),
    }
    z = np.concatenate([step.x, step.h_prev])
    grad_z = sum(params.w[k].T @ grad_pre[k] for k in GATES)
    n = params.input_size
    return LSTMGrads(
        x=grad_z[:n],
        h_prev=grad_z[n:],
        c_prev=grad_c * step.f,
        w={k: np.outer(grad_pre[k], z) for k in GATES},
        b={k: grad_pre[k] for k in GATES},
    )


# --- 1 × 1 convolution ---------------------------------------------------------------------


def pointwise_dense(x: ArrayLike, weights: ArrayLike, bias: ArrayLike) -> Array:
    """A fully connected layer at every pixel: Y[i, j, :] = X[i, j, :] W + b, as one matrix product."""
    x = _as_array("x", x, 3)
    weights = _as_array("weights", weights, 2)
    if weights.shape[0] != x.shape[2]:
        raise ValueError(
            f"weights must have {x.shape[2]} rows (input channels), got {weights.shape[0]}"
        )
    height, width, channels = x.shape
    pixels = x.reshape(height * width, channels)  # one row per pixel
    return (pixels @ weights + np.asarray(bias)).reshape(height, width, weights.shape[1])


@dataclass(frozen=True)
class Bottleneck:
    """A kernel_size × kernel_size convolution on its own, and after a 1 × 1 reduction."""

    direct: tuple[LayerShape, ...]  # the convolution on all input channels
    reduced: tuple[LayerShape, ...]  # 1 × 1 down to fewer channels, then the convolution

    @property
    def direct_mult_adds(self) -> int:
        return sum(row.mult_adds for row in self.direct)

    @property
    def reduced_mult_adds(self) -> int:
        return sum(row.mult_adds for row in self.reduced)


def bottleneck_costs(
    input_shape: tuple[int, int, int], reduced_channels: int, filters: int, kernel_size: int = 3
) -> Bottleneck:
    """Shapes, parameters and multiply-adds with and without a 1 × 1 channel reduction."""
    conv = Conv(f"conv{kernel_size}x{kernel_size}", kernel_size, filters)  # padding (f - 1) / 2
    reduce = Conv("reduce1x1", 1, reduced_channels)  # mixes channels, pixel by pixel
    return Bottleneck(propagate([conv], input_shape), propagate([reduce, conv], input_shape))


# --- a plain fully connected ReLU network, with the cache backpropagation needs -----------

Weights = list[tuple[Array, Array]]  # (W, b) per layer; W is (inputs × outputs)


def mlp_init(sizes: tuple[int, ...], seed: int) -> Weights:
    """He-initialised weights N(0, 2 / fan_in) and zero biases for layer sizes n_0, …, n_L."""
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must list at least 2 positive layer sizes, got {sizes!r}")
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(scale=np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def mlp_forward(weights: Weights, x: ArrayLike) -> list[Array]:
    """Every layer's output a_l = ReLU(a_(l-1) W_l + b_l), the last one linear; a_0 = x."""
    acts = [np.asarray(x, dtype=float)]
    for k, (w, b) in enumerate(weights):
        z = acts[-1] @ w + b
        acts.append(np.maximum(z, 0.0) if k < len(weights) - 1 else z)
    return acts


def mlp_backward(weights: Weights, acts: list[Array], grad_out: ArrayLike) -> Weights:
    """(∂L/∂W_l, ∂L/∂b_l) per layer from ∂L/∂a_L and the cached outputs a_0, …, a_L."""
    grad = np.asarray(grad_out, dtype=float)
    grads: Weights = []
    for k in range(len(weights) - 1, -1, -1):
        if k < len(weights) - 1:
            grad = grad * (acts[k + 1] > 0.0)  # through the ReLU: 1 where it was active
        grads.append((acts[k].T @ grad, grad.sum(axis=0)))  # ∂z/∂W = a_(k-1), ∂z/∂b = 1
        grad = grad @ weights[k][0].T  # on to the layer below
    return grads[::-1]


def mlp_shapes(sizes: tuple[int, ...]) -> list[tuple[tuple[int, int], tuple[int]]]:
    """The (W, b) shapes of each layer."""
    return [((n_in, n_out), (n_out,)) for n_in, n_out in itertools.pairwise(sizes)]


def mlp_flatten(weights: Weights) -> Array:
    """All weights and biases in one vector, layer by layer."""
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in weights])


def mlp_unflatten(flat: Array, shapes: list[tuple[tuple[int, int], tuple[int]]]) -> Weights:
    """The inverse of mlp_flatten for layers of the given shapes (views into `flat`)."""
    weights, start = [], 0
    for w_shape, (n_out,) in shapes:
        size = w_shape[0] * w_shape[1]
        w = flat[start : start + size].reshape(w_shape)
        weights.append((w, flat[start + size : start + size + n_out]))
        start += size + n_out
    if start != flat.size:
        raise ValueError(f"flat must have {start} entries for these shapes, got {flat.size}")
    return weights


def mlp_costs(sizes: tuple[int, ...]) -> tuple[int, int]:
    """(parameters, multiply-adds per sample): Σ (n_in + 1) n_out and Σ n_in n_out."""
    pairs = list(itertools.pairwise(sizes))
    params = sum((n_in + 1) * n_out for n_in, n_out in pairs)  # weights and one bias per unit
    mult_adds = sum(n_in * n_out for n_in, n_out in pairs)  # one per weight
    return params, mult_adds


# --- experiments: each layer run on one set of settings, every number a page shows -------


@dataclass(frozen=True)
class DropoutExperiment:
    """Inverted dropout on one sample: one training pass, the test pass, and its mean."""

    x: Array  # a layer's activations for one sample
    p: float  # drop probability
    samples: int  # random masks averaged in `mean`
    mask: Array  # the mask of the training pass
    train: Array  # x ⊙ mask / (1 - p)
    test: Array  # x
    expectation: Array  # E_mask[dropout(x)], exactly, over all 2^n masks
    mean: Array  # the mean over `samples` random masks
    unscaled: Array  # (1 - p) E_mask[dropout(x)] = E_mask[x ⊙ mask]: no 1/(1 - p)
    std_error: Array  # of `mean`, per unit

    @property
    def expectation_gap(self) -> float:
        """max_k |E[dropout(x)]_k - x_k|: rounding only."""
        return float(np.max(np.abs(self.expectation - self.x)))

    @property
    def mean_gap(self) -> float:
        """max_k |mean_k - x_k|."""
        return float(np.max(np.abs(self.mean - self.x)))

    @property
    def mean_gap_in_std_errors(self) -> float:
        """max_k |mean_k - x_k| / standard error_k, over the units that can vary."""
        varies = self.std_error > 0
        return float(np.max(np.abs(self.mean - self.x)[varies] / self.std_error[varies], initial=0))


def dropout_experiment(
    x: ArrayLike = (1.2, -0.6, 2.0, 0.4, -1.4, 0.8),
    p: float = 0.5,
    seed: int = 4,
    samples: int = 10_000,
) -> DropoutExperiment:
    """One training pass (mask from `seed`), the test pass, the exact and the sampled mean."""
    x = _as_array("x", x, 1)
    mask = dropout_mask(x.shape, p, np.random.default_rng(seed))
    expectation = dropout_expectation(x, p)
    return DropoutExperiment(
        x=x,
        p=p,
        samples=samples,
        mask=mask,
        train=dropout(x, p, mask, training=True),
        test=dropout(x, p, training=False),
        expectation=expectation,
        mean=dropout_mean(x, p, samples, seed),
        unscaled=(1.0 - p) * expectation,  # the mean without the 1/(1 - p) factor
        std_error=dropout_standard_error(x, p, samples),
    )


@dataclass(frozen=True)
class BatchNormExperiment:
    """Batch normalisation of one batch A, undone by γ and β, and one sample three ways."""

    means: Array  # per feature: the mean and standard deviation the data are drawn from
    stds: Array
    eps: float
    momentum: float  # of the running averages
    training_batches: int  # batches the running averages were kept over
    x: Array  # batch A, (samples, features)
    train: BatchNormTrain  # batch A with γ = 1, β = 0
    undone: Array  # batch A with γ = sqrt(σ²_B + ε), β = μ_B
    running_mean: Array
    running_var: Array
    in_b: Array  # batch A's first sample, normalised in another batch B
    at_test: Array  # batch A's first sample at test time, with the running statistics

    @property
    def identity_gap(self) -> float:
        """max |y - x| with γ = sqrt(σ²_B + ε), β = μ_B: rounding only."""
        return float(np.max(np.abs(self.undone - self.x)))

    @property
    def sample(self) -> Array:
        """The sample followed through batches A, B and test time: batch A's first."""
        return self.x[0]

    @property
    def in_a(self) -> Array:
        """The sample's output in batch A."""
        return self.train.y[0]


def batch_norm_experiment(
    batch: int = 16,
    means: ArrayLike = (5.0, -2.0, 0.5),
    stds: ArrayLike = (3.0, 0.5, 10.0),
    eps: float = 1e-5,
    momentum: float = 0.9,
    training_batches: int = 200,
    seed: int = 7,
) -> BatchNormExperiment:
    """Batches of N(means, stds²) features from `seed`: batch A, the training batches, batch B."""
    means, stds = _as_array("means", means, 1), _as_array("stds", stds, 1)
    if training_batches < 1:
        raise ValueError(f"training_batches must be at least 1, got {training_batches}")
    rng = np.random.default_rng(seed)
    ones, zeros = np.ones(means.size), np.zeros(means.size)

    def draw() -> Array:
        return rng.normal(means, stds, size=(batch, means.size))

    x = draw()
    train = batch_norm_train(x, ones, zeros, eps)
    # γ = batch standard deviation, β = batch mean: the normalisation undone.
    undone = batch_norm_train(x, np.sqrt(train.var + eps), train.mean, eps).y
    # Running averages over many training batches, as a framework keeps them.
    running_mean, running_var = running_statistics(
        [draw() for _ in range(training_batches)], momentum
    )
    batch_b = np.vstack([x[:1], draw()[1:]])  # the same first sample among other samples
    return BatchNormExperiment(
        means=means,
        stds=stds,
        eps=eps,
        momentum=momentum,
        training_batches=training_batches,
        x=x,
        train=train,
        undone=undone,
        running_mean=running_mean,
        running_var=running_var,
        in_b=batch_norm_train(batch_b, ones, zeros, eps).y[0],
        at_test=batch_norm_test(x[:1], ones, zeros, running_mean, running_var, eps)[0],
    )


@dataclass(frozen=True)
class LSTMExperiment:
    """One step of an LSTM cell, and the gradient ∂c_t/∂c_(t-1) it passes back."""

    seed: int  # of the weights
    params: LSTMParams
    step: LSTMStep
    carry: Array  # ∂L/∂c_(t-1) for ∂L/∂c_t = 1, ∂L/∂h_t = 0, by backpropagation


def lstm_experiment(
    x: ArrayLike = (1.0, -0.5),
    h_prev: ArrayLike = (0.2, -0.4),
    c_prev: ArrayLike = (0.8, -1.5),
    seed: int = 3,
) -> LSTMExperiment:
    """One step with weights from `seed`; a unit gradient sent into c_t alone, back to c_(t-1)."""
    x, h_prev = _as_array("x", x, 1), _as_array("h_prev", h_prev, 1)
    params = lstm_params(x.size, h_prev.size, seed)
    step = lstm_cell(x, h_prev, c_prev, params)
    hidden = params.hidden_size
    carry = lstm_cell_backward(step, params, np.zeros(hidden), np.ones(hidden)).c_prev
    return LSTMExperiment(seed, params, step, carry)


@dataclass(frozen=True)
class OneByOneExperiment:
    """A 1 × 1 reduction before a 3 × 3 convolution, and a 1 × 1 convolution two ways."""

    input_shape: tuple[int, int, int]  # the feature map the bottleneck reads
    reduced_channels: int
    filters: int
    costs: Bottleneck
    x: Array  # a small random volume for the 1 × 1 convolution
    by_conv: Array  # the sliding-window convolution with 1 × 1 kernels
    by_matmul: Array  # the per-pixel matrix product X W + b

    @property
    def saved(self) -> float:
        """The share of multiply-adds the reduction saves: 1 - reduced / direct."""
        return 1.0 - self.costs.reduced_mult_adds / self.costs.direct_mult_adds

    @property
    def gap(self) -> float:
        """max |convolution - matrix product| over every output: rounding only."""
        return float(np.max(np.abs(self.by_conv - self.by_matmul)))


def one_by_one_experiment(
    input_shape: tuple[int, int, int] = (28, 28, 256),
    reduced_channels: int = 64,
    filters: int = 256,
    volume_shape: tuple[int, int, int] = (4, 4, 3),
    volume_filters: int = 2,
    seed: int = 11,
) -> OneByOneExperiment:
    """Bottleneck costs for an Inception-sized map; a random volume from `seed` convolved 1 × 1."""
    rng = np.random.default_rng(seed)
    channels = volume_shape[2]
    x = rng.normal(size=volume_shape)
    weights = rng.normal(size=(channels, volume_filters))
    bias = rng.normal(size=volume_filters)
    kernels = weights.reshape(1, 1, channels, volume_filters)  # 1 × 1 kernels
    return OneByOneExperiment(
        input_shape=input_shape,
        reduced_channels=reduced_channels,
        filters=filters,
        costs=bottleneck_costs(input_shape, reduced_channels, filters),
        x=x,
        by_conv=conv2d_multichannel(x, kernels, bias=bias),
        by_matmul=pointwise_dense(x, weights, bias),
    )
