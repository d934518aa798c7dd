"""Executed demonstrations behind the explanations of Part I (multiple choice), as Markdown.

`demonstration(key)` returns the demonstration for a question's `demo` key in
`exam.MULTIPLE_CHOICE`: prose, tables, math and inline SVG figures, all computed when the
page is built, ending with the provenance of the functions that computed them. A claim the
prose makes about a result is checked here first: if a computation stops showing it, the
build fails instead of printing a false sentence.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from snippets import conv, layers, optim, overfitting
from snippets.render import markdown as md
from snippets.render.demo_figures import (
    bottleneck_figure,
    depth_figure,
    dropout_figure,
    overfitting_figure,
    trajectories_figure,
)
from snippets.render.latex import display, num, vector
from snippets.render.svg import figure_svg

# --- settings of the demonstrations (illustrative choices, not exam data) ------------------

DROPOUT_X = (1.2, -0.6, 2.0, 0.4, -1.4, 0.8)  # activations of one layer, one sample
DROPOUT_P = 0.5  # probability of dropping a unit
DROPOUT_SEED = 4
DROPOUT_SAMPLES = 10_000  # masks averaged for the empirical mean

BN_BATCH = 16  # samples per batch
BN_MEANS = (5.0, -2.0, 0.5)  # per feature: the data's mean and standard deviation
BN_STDS = (3.0, 0.5, 10.0)
BN_EPS = 1e-5
BN_MOMENTUM = 0.9  # of the running averages
BN_TRAINING_BATCHES = 200
BN_SEED = 7

BOWL_SCALES = (1.0, 5.0)  # L(θ) = ½ (θ₁² + 25 θ₂²)
BOWL_START = (-4.0, 1.5)
BOWL_STEPS = 40
OPTIMISERS = (
    optim.SGD(learning_rate=0.07),
    optim.Momentum(learning_rate=0.01, beta=0.9),
    optim.RMSProp(learning_rate=0.1, beta=0.9),
    optim.Adam(learning_rate=0.2),
    optim.GaussNewton(),
)

DEPTHS = (1, 2, 4, 8, 16, 32, 64)  # hidden layers
DEPTH_WIDTH = 16
DEPTH_STEPS = 300
DEPTH_LEARNING_RATE = 3e-3
DEPTH_SEED = 0
DEPTH_SAMPLES = 64

LSTM_SEED = 3
LSTM_X = (1.0, -0.5)  # input x_t
LSTM_H = (0.2, -0.4)  # hidden state h_(t-1)
LSTM_C = (0.8, -1.5)  # cell state c_(t-1)

ONE_BY_ONE_INPUT = (28, 28, 256)  # an Inception-sized feature map
ONE_BY_ONE_REDUCED = 64
ONE_BY_ONE_FILTERS = 256
POINTWISE_SHAPE = (4, 4, 3)  # a small volume for the 1 × 1 convolution check
POINTWISE_FILTERS = 2
POINTWISE_SEED = 11


def _n(value: float, digits: int = 3) -> str:
    """A number rounded to `digits` decimals, as inline math (trailing zeros dropped)."""
    return f"${num(round(float(value), digits))}$"


def _fixed(value: float, digits: int) -> str:
    """A number with exactly `digits` decimals, as inline math: columns of a table line up."""
    return f"${num(round(float(value), digits) + 0.0, digits)}$"  # + 0.0: no "-0.0000"


def _sci(value: float, digits: int = 2) -> str:
    """A small positive number to `digits` significant digits, as inline math."""
    return f"${num(float(f'{value:.{digits}g}'))}$"


def _exp(value: float, digits: int = 2) -> str:
    """A positive number in scientific notation with `digits` significant digits: 7.6 · 10⁻⁴."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"${mantissa} \\cdot 10^{{{int(exponent)}}}$"


def _count(value: int) -> str:
    return f"{value:,}"


def _require(claim: bool, what: str) -> None:
    """Stop the build if a computed result no longer shows what the prose says."""
    if not claim:
        raise ValueError(f"the demonstration no longer shows that {what}")


# --- (1) overfitting -------------------------------------------------------------------------


def overfitting_demo() -> str:
    """Training and validation curves, early stopping and data augmentation, computed."""
    e = overfitting.overfitting_experiment()
    plain, aug = e.plain, e.augmented
    n, weights = len(e.train_set.x), e.degree + 1
    _require(bool(np.all(np.diff(plain.training) <= 1e-12)), "the training loss never rises")
    _require(plain.best_validation < plain.final_validation, "early stopping lowers the loss")
    _require(aug.best_validation < plain.best_validation, "augmentation lowers the best loss")
    _require(aug.final_validation < plain.final_validation, "augmentation lowers the last loss")
    early = plain.best_epoch - 1
    _require(plain.test[early] < plain.test[-1], "early stopping lowers the test loss")
    _require(aug.test[-1] < plain.test[-1], "augmentation lowers the test loss")
    _require(aug.training[-1] > plain.training[-1], "augmentation costs training loss")
    rows = [
        ("none, last epoch", e.epochs, plain, e.epochs),
        ("early stopping", plain.best_epoch, plain, plain.best_epoch),
        ("augmentation, last epoch", e.epochs, aug, e.epochs),
        ("augmentation and early stopping", aug.best_epoch, aug, aug.best_epoch),
    ]
    table = md.table(
        ("remedy", "epoch kept", "training loss", "validation loss", "test loss"),
        [
            (
                name,
                _count(epoch),
                _fixed(run.training[k - 1], 4),
                _fixed(run.validation[k - 1], 4),
                _fixed(run.test[k - 1], 4),
            )
            for name, epoch, run, k in rows
        ],
        align="lrrrr",
    )
    alt = (
        f"Left: training and validation loss per epoch on log scales. Without augmentation the "
        f"training loss falls to {plain.training[-1]:.4f} while the validation loss reaches "
        f"{plain.best_validation:.3f} at epoch {plain.best_epoch} and rises to "
        f"{plain.final_validation:.3f}; with augmentation the validation loss stays near "
        f"{aug.final_validation:.3f}. Right: the last-epoch fit oscillates through the noisy "
        "samples; the early-stopped and the augmented fits follow sin(πx)."
    )
    body = [
        f"**The set-up.** {n} noisy samples of $y = \\sin(\\pi x) + \\varepsilon$ (noise "
        f"standard deviation ${num(e.noise)}$) are fitted by a polynomial of degree {e.degree}: "
        f"{weights} weights for {n} points, a model large enough to pass through every sample, "
        "noise included. Full-batch gradient descent minimises the mean squared error for "
        f"{_count(e.epochs)} epochs. A validation set of {len(e.validation.x)} fresh samples "
        f"decides when to stop; a test set of {_count(len(e.test.x))} more samples, used for "
        "nothing else, shows how well each choice generalises.",
        figure_svg(overfitting_figure(e), name="demo-overfitting", alt=alt),
        f"**Overfitting.** The training loss never rises, from "
        f"{_n(plain.training[0], 3)} after the first epoch to {_sci(plain.training[-1])} after "
        f"the last. The validation loss is lowest at epoch {plain.best_epoch} "
        f"({_n(plain.best_validation, 4)}) and then climbs to {_n(plain.final_validation, 3)}: "
        f"the weights learned after that epoch fit the noise of the {n} samples, not the sine.",
        f"**Early stopping** keeps the weights of epoch {plain.best_epoch}: their validation loss "
        f"{_n(plain.best_validation, 4)} is below the last epoch's "
        f"{_n(plain.final_validation, 3)}, and so is their test loss.",
        f"**Data augmentation** adds transformed copies of the {n} samples: their mirror images "
        "$(-x, -y)$, which the task allows because the sine is odd (as a flipped photo of a "
        f"dog still shows a dog), and {e.copies} copies of both "
        f"with $x$ jittered by noise of standard deviation ${num(e.jitter)}$: "
        f"{e.augmented_set.x.size} training points in all. The same model trained on them "
        f"reaches a best validation loss of {_n(aug.best_validation, 4)} (below "
        f"{_n(plain.best_validation, 4)} without augmentation), and even its last epoch "
        f"({_n(aug.final_validation, 4)}) stays below the unaugmented last epoch's "
        f"{_n(plain.final_validation, 3)}.",
        table,
        "Both remedies cost some training loss and buy validation and test loss: the model "
        "fits the training samples less closely and generalises better. A larger model "
        "(higher degree) would only add more ways to fit the noise.",
        md.provenance(
            overfitting.noisy_samples,
            overfitting.augment,
            overfitting.descent_weights,
            overfitting.train_run,
        ),
    ]
    return "\n\n".join(body)


# --- (2) dropout -------------------------------------------------------------------------------


def dropout_demo() -> str:
    """Training against test behaviour of inverted dropout, and its preserved expectation."""
    x, p = np.array(DROPOUT_X), DROPOUT_P
    mask = layers.dropout_mask(x.shape, p, np.random.default_rng(DROPOUT_SEED))
    train = layers.dropout(x, p, mask, training=True)
    test = layers.dropout(x, p, training=False)
    exact = layers.dropout_expectation(x, p)
    mean = layers.dropout_mean(x, p, DROPOUT_SAMPLES, DROPOUT_SEED)
    unscaled = (1.0 - p) * exact  # the expectation without the 1/(1 - p) factor
    std_error = layers.dropout_standard_error(x, p, DROPOUT_SAMPLES)
    exact_gap = float(np.max(np.abs(exact - x)))
    mean_gap = float(np.max(np.abs(mean - x)))
    _require(exact_gap < 1e-12, "the exact expectation equals the input")
    _require(not np.array_equal(train, test), "training and test outputs differ")
    rows = [
        (k + 1, _n(xk), int(mk), _n(tk), _n(sk))
        for k, (xk, mk, tk, sk) in enumerate(zip(x, mask, train, test, strict=True))
    ]
    alt = (
        f"Bars for {x.size} units: the input, the mean of inverted dropout over all masks, which "
        "matches the input, and the mean without rescaling, which is (1 - p) times the input."
    )
    body = [
        f"A layer's activations $x$ for one sample pass through inverted dropout with drop "
        f"probability $p = {num(p)}$. While training, each unit is kept with "
        "probability $1 - p$ (mask entry $m_k = 1$) and the kept ones are divided by $1 - p$; "
        "at test time the layer passes $x$ through unchanged:",
        display(
            r"\text{training: } y = \frac{x \odot m}{1 - p}, \quad m_k \sim \text{Bernoulli}(1 - p)"
            r" \qquad \text{test: } y = x"
        ),
        md.table(
            ("unit", "input $x$", "mask $m$ (one training pass)", "training output", "test output"),
            rows,
            align="rrrrr",
        ),
        "The same input gives a random, thinned output while training and a fixed one at test "
        "time: the layer behaves differently in the two modes. The factor $1/(1-p)$ makes the "
        "two agree on average, since $\\mathbb{E}[m_k] = 1 - p$:",
        display(
            r"\mathbb{E}_m\!\left[\frac{x_k m_k}{1 - p}\right] = \frac{x_k (1 - p)}{1 - p} = x_k ."
        ),
        f"Computed: the sum over all $2^{{{x.size}}} = {2**x.size}$ masks, each weighted by "
        f"its probability, gives back $x$ up to rounding (largest difference "
        f"{_sci(exact_gap, 1) if exact_gap else '$0$'}). The average over "
        f"{_count(DROPOUT_SAMPLES)} random masks differs from $x$ by at most "
        f"{_sci(mean_gap)}, which is {float(np.max(np.abs(mean - x) / std_error)):.1f} standard "
        "errors or fewer (the standard error of unit $k$ is "
        "$|x_k| \\sqrt{p / (1 - p)} / \\sqrt{N}$). Without the rescaling the mean would be "
        "$(1 - p)\\,x$, and the test-time layer would have to multiply by $1 - p$ instead.",
        figure_svg(dropout_figure(x, exact, unscaled), name="demo-dropout", alt=alt),
        md.provenance(
            layers.dropout_mask,
            layers.dropout,
            layers.dropout_expectation,
            layers.dropout_mean,
            layers.dropout_standard_error,
        ),
    ]
    return "\n\n".join(body)


# --- (3) batch normalisation ---------------------------------------------------------------


def _batch(rng: np.random.Generator) -> np.ndarray:
    """One batch of the demonstration's data: features with very different means and scales."""
    return rng.normal(BN_MEANS, BN_STDS, size=(BN_BATCH, len(BN_MEANS)))


def batch_norm_demo() -> str:
    """Batch statistics while training, running statistics at test time, and γ, β undoing it."""
    rng = np.random.default_rng(BN_SEED)
    features = len(BN_MEANS)
    ones, zeros = np.ones(features), np.zeros(features)
    x = _batch(rng)
    train = layers.batch_norm_train(x, ones, zeros, BN_EPS)
    # γ = batch standard deviation, β = batch mean: the normalisation undone.
    gamma, beta = np.sqrt(train.var + BN_EPS), train.mean
    undone = layers.batch_norm_train(x, gamma, beta, BN_EPS).y
    identity_gap = float(np.max(np.abs(undone - x)))
    _require(identity_gap < 1e-9, "γ = σ and β = μ give back the input")
    # Running averages over many training batches, as a framework keeps them.
    batches = [_batch(rng) for _ in range(BN_TRAINING_BATCHES)]
    running_mean, running_var = layers.running_statistics(batches, BN_MOMENTUM)
    # One sample, normalised in two different training batches and at test time.
    sample = x[:1]
    in_a = layers.batch_norm_train(x, ones, zeros, BN_EPS).y[0]
    other = _batch(rng)
    in_b = layers.batch_norm_train(np.vstack([sample, other[1:]]), ones, zeros, BN_EPS).y[0]
    at_test = layers.batch_norm_test(sample, ones, zeros, running_mean, running_var, BN_EPS)[0]
    _require(not np.allclose(in_a, in_b), "the training output depends on the batch")
    stat_rows = [
        (k + 1, _n(train.mean[k]), _n(np.sqrt(train.var[k])), _fixed(train.y[:, k].mean(), 4),
         _fixed(train.y[:, k].var(), 4))
        for k in range(features)
    ]  # fmt: skip
    running_rows = [
        (k + 1, _n(BN_MEANS[k], 1), _n(running_mean[k]), _n(BN_STDS[k], 1),
         _n(np.sqrt(running_var[k])))
        for k in range(features)
    ]  # fmt: skip
    sample_rows = [
        (k + 1, _n(sample[0, k]), _n(in_a[k]), _n(in_b[k]), _n(at_test[k])) for k in range(features)
    ]
    body = [
        f"A batch of $m = {BN_BATCH}$ samples with {features} features whose scales differ a lot. "
        "While training, batch normalisation normalises each feature with the mean "
        "$\\mu_B$ and variance $\\sigma_B^2$ of the current batch, then scales and shifts by "
        "the learnable $\\gamma$ and $\\beta$:",
        display(
            r"\hat{x} = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad "
            r"y = \gamma \odot \hat{x} + \beta, \qquad "
            rf"\varepsilon = {num(BN_EPS)}"
        ),
        md.table(
            (
                "feature",
                "batch mean $\\mu_B$",
                "batch std $\\sigma_B$",
                "mean of $\\hat{x}$",
                "variance of $\\hat{x}$",
            ),
            stat_rows,
            align="rrrrr",
        ),
        "With $\\gamma = 1$, $\\beta = 0$ every feature leaves the layer with mean $0$ and "
        "variance $1$ (up to the $\\varepsilon$), whatever its scale was.",
        f"**Undoing the normalisation.** Setting $\\gamma = \\sqrt{{\\sigma_B^2 + \\varepsilon}}$ "
        "and $\\beta = \\mu_B$ gives $y = x$: the largest difference from the input on this "
        f"batch is {_sci(identity_gap, 1) + ', rounding error' if identity_gap else '$0$'}. So "
        "the two learnable parameters (here "
        f"$2 \\times {features} = {2 * features}$ numbers) let the network keep the "
        "normalisation, undo it, or anything between.",
        f"**Training and test time.** During training the layer also keeps running averages "
        f"of $\\mu_B$ and $\\sigma_B^2$ (momentum ${num(BN_MOMENTUM)}$, here over "
        f"{BN_TRAINING_BATCHES} batches; they are averaged, not learned by gradient descent). "
        "(For the variance, the unbiased batch estimate $\\tfrac{m}{m-1} \\sigma_B^2$ is "
        "averaged, as PyTorch does.) They come close to the statistics of the distribution the "
        "data are drawn from:",
        md.table(
            ("feature", "data mean", "running mean", "data std", "running std"),
            running_rows,
            align="rrrrr",
        ),
        "At test time the layer uses them instead of the batch's own. The first sample of the "
        "batch above, normalised in two different training batches and at test time:",
        md.table(
            ("feature", "$x$", "training, batch A", "training, batch B", "test (running stats)"),
            sample_rows,
            align="rrrrr",
        ),
        "In training mode the sample's output depends on which other samples share its batch; "
        "at test time it depends on the sample alone, so a prediction is the same whether "
        "it is made alone or in a batch.",
        md.provenance(
            layers.batch_norm_train,
            layers.batch_norm_test,
            layers.running_average,
            layers.running_statistics,
        ),
    ]
    return "\n\n".join(body)


# --- (4) optimisers ---------------------------------------------------------------------------

# The update rules as the classes in snippets/optim.py implement them (k counts steps from 1).
_UPDATES = (
    r"\text{SGD:} && \theta_{k} &= \theta_{k-1} - \alpha g_k \\",
    r"\text{momentum:} && m_k &= \beta m_{k-1} + g_k, "
    r"& \theta_k &= \theta_{k-1} - \alpha m_k \\",
    r"\text{RMSProp:} && v_k &= \beta v_{k-1} + (1 - \beta) g_k^2, "
    r"& \theta_k &= \theta_{k-1} - \alpha \frac{g_k}{\sqrt{v_k} + \varepsilon} \\",
    r"\text{Adam:} && m_k &= \beta_1 m_{k-1} + (1 - \beta_1) g_k, "
    r"& \theta_k &= \theta_{k-1} - \alpha \frac{m_k / (1 - \beta_1^k)}"
    r"{\sqrt{v_k / (1 - \beta_2^k)} + \varepsilon} \\",
    r"&& v_k &= \beta_2 v_{k-1} + (1 - \beta_2) g_k^2 \\",
    r"\text{Gauss-Newton:} && & & \theta_k &= \theta_{k-1} - (J^\top J)^{-1} J^\top r",
)


def _settings(optimiser: optim.Optimiser) -> str:
    names = {"learning_rate": r"\alpha", "beta": r"\beta", "beta1": r"\beta_1", "beta2": r"\beta_2"}
    parts = [
        f"{tex} = {num(getattr(optimiser, field))}"
        for field, tex in names.items()
        if hasattr(optimiser, field)
    ]
    return f"${', '.join(parts)}$" if parts else "none"


def optimisers_demo() -> str:
    """What each optimiser remembers, read off its state, and its path on a stretched bowl."""
    bowl = optim.elongated_bowl(BOWL_SCALES)
    memories = [optim.memory(o) for o in OPTIMISERS]
    paths = [(o.name, optim.trajectory(o, bowl, BOWL_START, BOWL_STEPS)) for o in OPTIMISERS]
    keeps = {m.name: m for m in memories}
    _require(
        [keeps[n].first_moment for n in ("SGD", "RMSProp", "Adam", "Gauss-Newton")]
        == [False, False, True, False],
        "only Adam among the exam's options keeps a first moment",
    )
    yes_no = {True: "yes", False: "no"}
    memory_rows = [(m.name, yes_no[m.first_moment], yes_no[m.second_moment]) for m in memories]
    path_rows = [
        (
            name,
            _settings(o),
            _sci(bowl.loss(path[0]), 3),
            _sci(bowl.loss(path[1]), 3),
            _sci(bowl.loss(path[-1]), 2),
        )
        for (name, path), o in zip(paths, OPTIMISERS, strict=True)
    ]
    s1, s2 = BOWL_SCALES
    alt = (
        f"Contour lines of the loss, an ellipse stretched along θ₁, with the paths of {len(paths)} "
        f"optimisers from ({BOWL_START[0]:g}, {BOWL_START[1]:g}) towards the minimum at the "
        "origin: SGD zig-zags across the narrow direction, momentum swings widely and overshoots, "
        "RMSProp and Adam move along the diagonal at first, Gauss-Newton jumps to the minimum."
    )
    body = [
        "The update rules, with gradient $g_k = \\nabla L(\\theta_{k-1})$ and learning rate "
        "$\\alpha$; $m$ is a first moment (a running mean of the gradients; for momentum, the "
        "velocity) and $v$ a second moment (a running mean of their squares):",
        display("\\begin{aligned}\n" + "\n".join(_UPDATES) + "\n\\end{aligned}"),
        "Each optimiser is a small class whose `step` returns the new parameters and the state "
        "it carries to the next step. The table is filled by taking one step with each and "
        "looking at what that state holds:",
        md.table(
            ("optimiser", "keeps a first moment $m$", "keeps a second moment $v$"),
            memory_rows,
            align="lcc",
        ),
        "Adam divides $m$ and $v$ by $1 - \\beta_1^k$ and $1 - \\beta_2^k$ (bias correction, "
        "since both start at zero). With $\\beta_1 = 0$ its first moment is just the current "
        "gradient and Adam becomes RMSProp with bias correction. Gauss-Newton keeps no running "
        "average at all: it needs the residuals $r$ of a least-squares loss "
        "$L = \\tfrac12 \\lVert r \\rVert^2$ and their Jacobian $J$, and uses the curvature "
        "$J^\\top J$ at the current point.",
        f"**Paths.** The loss $L(\\theta) = \\tfrac12 (\\theta_1^2 + {num(s2**2 / s1**2)}\\, "
        "\\theta_2^2)$ is a bowl that is steep along $\\theta_2$ and flat along $\\theta_1$. "
        f"{BOWL_STEPS} steps of each optimiser from $\\theta = ({num(BOWL_START[0])}, "
        f"{num(BOWL_START[1])})$:",
        figure_svg(trajectories_figure(bowl, paths), name="demo-optimisers", alt=alt),
        md.table(
            ("optimiser", "settings", "loss at start", "after 1 step", f"after {BOWL_STEPS} steps"),
            path_rows,
            align="llrrr",
        ),
        "SGD's learning rate must stay small enough for the steep direction, where it "
        "zig-zags, so it crawls along the flat one. Momentum swings across the valley at "
        "first; the running mean averages the swings out while the velocity along the valley "
        "builds up and carries it past the minimum and back. RMSProp and Adam divide each "
        "coordinate by the root of its running mean square, so both directions move at a "
        "similar pace and the first steps point along the diagonal; Adam's first moment adds "
        "momentum's overshoot. On this quadratic the residuals are linear, $J^\\top J$ is the "
        "exact curvature and one Gauss-Newton step lands on the minimum. The learning rates "
        "were picked by hand for this bowl: other choices change the paths, not what each "
        "method remembers.",
        md.provenance(
            optim.SGD,
            optim.Momentum,
            optim.RMSProp,
            optim.Adam,
            optim.GaussNewton,
            optim.memory,
            optim.trajectory,
        ),
    ]
    return "\n\n".join(body)


# --- (5) depth ---------------------------------------------------------------------------------


def depth_demo() -> str:
    """Parameters and multiply-adds against depth; training loss after a fixed budget."""
    runs = [
        optim.train_plain_network(
            d, DEPTH_WIDTH, DEPTH_STEPS, DEPTH_LEARNING_RATE, DEPTH_SEED, DEPTH_SAMPLES
        )
        for d in DEPTHS
    ]
    _require(all(b.mult_adds > a.mult_adds for a, b in itertools.pairwise(runs)), "costs grow")
    deep = runs[-1]
    shallow = min(runs[:-1], key=lambda run: run.lowest_loss)  # the best of the shallower ones
    _require(deep.lowest_loss > shallow.lowest_loss, "the deepest network stays above a shallower")
    _require(runs[1].lowest_loss < runs[0].lowest_loss, "depth helps at first")
    w = DEPTH_WIDTH
    rows = [
        (run.hidden_layers, _count(run.params), _count(run.mult_adds), _exp(run.lowest_loss),
         _exp(run.losses[-1]))
        for run in runs
    ]  # fmt: skip
    alt = (
        f"Left: parameters and multiply-adds per sample grow linearly with the number of hidden "
        f"layers, from {runs[0].params} parameters at {runs[0].hidden_layers} to "
        f"{deep.params} at {deep.hidden_layers}. Right: training loss per Adam step for each "
        f"depth, log scale; the network with {shallow.hidden_layers} hidden layers gets lowest, "
        f"the one with {deep.hidden_layers} stays higher."
    )
    body = [
        f"Plain fully connected ReLU networks of width {w} (no skip connections, no "
        "normalisation) with more and more hidden layers, each trained on the same "
        f"{DEPTH_SAMPLES} points of $y = \\sin(3\\pi x)$ with full-batch Adam "
        f"($\\alpha = {num(DEPTH_LEARNING_RATE)}$) for {DEPTH_STEPS} steps from He-initialised "
        f"weights (seed {DEPTH_SEED}).",
        "**Cost.** Every hidden layer of width $w$ adds $w^2 + w = "
        f"{w * w + w}$ parameters and $w^2 = {w * w}$ multiply-adds per sample to each forward "
        "pass (and about twice that to each backward pass), so training and inference get "
        "slower with every layer:",
        md.table(
            ("hidden layers", "parameters", "multiply-adds per sample",
             f"lowest training loss in {DEPTH_STEPS} steps", "training loss at the end"),
            rows,
            align="rrrrr",
        ),
        figure_svg(depth_figure(runs), name="demo-depth", alt=alt),
        f"**Training loss.** Depth helps at first, but not all the way. The network with "
        f"{shallow.hidden_layers} hidden layers gets down to {_exp(shallow.lowest_loss)}; the "
        f"one with {deep.hidden_layers} never gets below {_exp(deep.lowest_loss)}, although "
        "it could represent everything the shallower one can (its extra layers would only "
        "have to pass their input on). A deep plain network is harder to optimise: this is "
        "the degradation problem that motivated residual connections. The table compares the "
        "lowest loss each run reaches, not its last value, because Adam's loss curves spike. "
        "What this run shows is limited (one seed, one learning rate, one budget of steps; "
        "a tuned rate or more steps can shrink the gap, and the tests repeat the comparison "
        "on other seeds), but one counterexample is enough against *always*.",
        md.provenance(layers.mlp_costs, optim.train_plain_network, optim.network_loss_and_gradient),
    ]  # fmt: skip
    return "\n\n".join(body)


# --- (6) LSTM ----------------------------------------------------------------------------------

_GATE_NAMES = {
    "f": ("forget gate", r"\sigma"),
    "i": ("input gate", r"\sigma"),
    "g": ("candidate (not a gate)", r"\tanh"),
    "o": ("output gate", r"\sigma"),
}


def _vec(values: np.ndarray, digits: int = 4) -> str:
    return (
        r"\begin{bmatrix}"
        + r" \\ ".join(num(round(float(v), digits)) for v in values)
        + (r"\end{bmatrix}")
    )


def _row(values: np.ndarray, digits: int = 4) -> str:
    """A vector as a parenthesised row, e.g. (0.9052, 0.4905)."""
    return "(" + ",\\ ".join(num(round(float(v), digits)) for v in values) + ")"


def _mat(values: np.ndarray, digits: int = 3) -> str:
    rows = [" & ".join(num(round(float(v), digits)) for v in row) for row in values]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def lstm_demo() -> str:
    """One step of an LSTM cell with every gate's value, and the gradient along the cell state."""
    params = layers.lstm_params(len(LSTM_X), len(LSTM_H), LSTM_SEED)
    step = layers.lstm_cell(LSTM_X, LSTM_H, LSTM_C, params)
    hidden = params.hidden_size
    # ∂c_t/∂c_(t-1) by backpropagation: send a unit gradient into c_t only.
    carry = layers.lstm_cell_backward(step, params, np.zeros(hidden), np.ones(hidden)).c_prev
    _require(bool(np.allclose(carry, step.f)), "the cell-state gradient is the forget gate")
    gate_rows = [
        (f"${k}$", _GATE_NAMES[k][0], f"${_GATE_NAMES[k][1]}$", f"${_row(step.pre[k])}$",
         f"${_row(getattr(step, k))}$")
        for k in layers.GATES
    ]  # fmt: skip
    units = range(hidden)
    c_lines = [
        rf"c_{{t,{u + 1}}} &= f_{u + 1}\, c_{{t-1,{u + 1}}} + i_{u + 1}\, g_{u + 1} = "
        rf"{num(round(float(step.f[u]), 4))} \cdot ({num(LSTM_C[u])}) + "
        rf"{num(round(float(step.i[u]), 4))} \cdot ({num(round(float(step.g[u]), 4))}) = "
        rf"{num(round(float(step.c[u]), 4))}"
        for u in units
    ]
    h_lines = [
        rf"h_{{t,{u + 1}}} &= o_{u + 1} \tanh(c_{{t,{u + 1}}}) = "
        rf"{num(round(float(step.o[u]), 4))} \cdot \tanh({num(round(float(step.c[u]), 4))}) = "
        rf"{num(round(float(step.h[u]), 4))}"
        for u in units
    ]
    weights = "\n\n".join(
        display(rf"W_{k} = {_mat(params.w[k])}, \qquad b_{k} = {_vec(params.b[k], 3)}")
        for k in layers.GATES
    )
    body = [
        "An LSTM cell has three gates, each a sigmoid with values between $0$ and $1$, and a "
        "candidate with values between $-1$ and $1$. All four read the input $x_t$ and the "
        "previous hidden state $h_{t-1}$:",
        display(
            r"\begin{aligned}"
            r"f_t &= \sigma(W_f [x_t; h_{t-1}] + b_f) && \text{forget gate: keep part of } c_{t-1} \\"
            r"i_t &= \sigma(W_i [x_t; h_{t-1}] + b_i) && \text{input gate: write part of } g_t \\"
            r"g_t &= \tanh(W_g [x_t; h_{t-1}] + b_g) && \text{candidate values} \\"
            r"o_t &= \sigma(W_o [x_t; h_{t-1}] + b_o) && \text{output gate: expose part of } c_t \\"
            r"c_t &= f_t \odot c_{t-1} + i_t \odot g_t && \text{new cell state} \\"
            r"h_t &= o_t \odot \tanh(c_t) && \text{new hidden state}"
            r"\end{aligned}"
        ),
        f"One step with {len(LSTM_X)} inputs and {hidden} hidden units, weights drawn with "
        f"seed {LSTM_SEED}, input $x_t = {vector(LSTM_X)}$, hidden state "
        f"$h_{{t-1}} = {vector(LSTM_H)}$ and cell state $c_{{t-1}} = {vector(LSTM_C)}$. Each "
        "entry below lists the two hidden units:",
        md.table(
            ("", "role", "squashing", "pre-activation $W [x_t; h_{t-1}] + b$", "value"),
            gate_rows,
            align="lllrr",
        ),
        display(r"\begin{aligned}" + r" \\ ".join(c_lines + h_lines) + r"\end{aligned}"),
        md.collapsible("The weights of this step", weights, kind="note"),
        "There is no *remember gate*: keeping memory is what the forget gate does when it is "
        "close to $1$. The cell state is also the path the gradient takes from step to step. "
        "Backpropagating a unit gradient from $c_t$ to $c_{t-1}$ through this step gives "
        f"${_row(carry)}$, which is exactly the forget gate $f_t = {_row(step.f)}$: along the "
        "cell state the gradient is only multiplied by $f_t$, with no weight matrix and no "
        "squashing in between.",
        md.provenance(layers.lstm_params, layers.lstm_cell, layers.lstm_cell_backward),
    ]
    return "\n\n".join(body)


# --- (7) 1 × 1 convolutions ---------------------------------------------------------------------


def one_by_one_demo() -> str:
    """Channel reduction before a 3 × 3 convolution, and 1 × 1 = a per-pixel dense layer."""
    h, w, c = ONE_BY_ONE_INPUT
    costs = layers.bottleneck_costs(ONE_BY_ONE_INPUT, ONE_BY_ONE_REDUCED, ONE_BY_ONE_FILTERS)
    direct, reduce_row, conv_row = costs.direct[0], *costs.reduced
    saved = 1.0 - costs.reduced_mult_adds / costs.direct_mult_adds
    _require(costs.reduced_mult_adds < costs.direct_mult_adds, "the reduction saves work")
    rows = [
        (
            "3 × 3 directly",
            f"{c} → {ONE_BY_ONE_FILTERS}",
            _count(direct.params),
            _count(direct.mult_adds),
        ),
        (
            "1 × 1 reduction",
            f"{c} → {ONE_BY_ONE_REDUCED}",
            _count(reduce_row.params),
            _count(reduce_row.mult_adds),
        ),
        (
            "then 3 × 3",
            f"{ONE_BY_ONE_REDUCED} → {ONE_BY_ONE_FILTERS}",
            _count(conv_row.params),
            _count(conv_row.mult_adds),
        ),
        (
            "**with 1 × 1 first, total**",
            "",
            _count(reduce_row.params + conv_row.params),
            f"**{_count(costs.reduced_mult_adds)}**",
        ),
    ]
    rng = np.random.default_rng(POINTWISE_SEED)
    ph, pw, pc = POINTWISE_SHAPE
    x = rng.normal(size=POINTWISE_SHAPE)
    weights = rng.normal(size=(pc, POINTWISE_FILTERS))
    bias = rng.normal(size=POINTWISE_FILTERS)
    by_conv = conv.conv2d_multichannel(x, weights.reshape(1, 1, pc, POINTWISE_FILTERS), bias=bias)
    by_matmul = layers.pointwise_dense(x, weights, bias)
    gap = float(np.max(np.abs(by_conv - by_matmul)))
    _require(gap < 1e-12, "a 1 × 1 convolution equals the per-pixel matrix product")
    alt = (
        f"Two bars of multiply-adds: the 3 × 3 convolution alone needs about "
        f"{costs.direct_mult_adds / 1e6:.0f} million; after a 1 × 1 reduction both layers "
        f"together need about {costs.reduced_mult_adds / 1e6:.0f} million."
    )
    body = [
        f"**Fewer channels before an expensive layer.** A feature map of ${h} \\times {w} "
        f"\\times {c}$ goes into a $3 \\times 3$ convolution with {ONE_BY_ONE_FILTERS} filters "
        "(padding $1$). A $1 \\times 1$ convolution with "
        f"{ONE_BY_ONE_REDUCED} filters first reduces the channels from {c} to "
        f"{ONE_BY_ONE_REDUCED}, as in the bottlenecks of Inception and ResNet. Each output "
        "value of a convolution costs one multiply-add per weight of its filter, "
        "$f \\cdot f \\cdot C_\\text{in}$:",
        md.table(("layer", "channels", "parameters", "multiply-adds"), rows, align="llrr"),
        figure_svg(
            bottleneck_figure(direct.mult_adds, reduce_row.mult_adds, conv_row.mult_adds),
            name="demo-one-by-one",
            alt=alt,
        ),
        f"The reduction saves {saved:.0%} of the multiply-adds: ${h} \\cdot {w} \\cdot "
        f"{ONE_BY_ONE_FILTERS} \\cdot 9 \\cdot {c}$ becomes ${h} \\cdot {w} \\cdot "
        f"{ONE_BY_ONE_REDUCED} \\cdot {c} + {h} \\cdot {w} \\cdot {ONE_BY_ONE_FILTERS} \\cdot 9 "
        f"\\cdot {ONE_BY_ONE_REDUCED}$. A non-linearity after the $1 \\times 1$ convolution "
        "adds one more layer of expressiveness for little cost.",
        "**A fully connected layer at every pixel.** A $1 \\times 1$ convolution with weights "
        "$W$ ($C_\\text{in} \\times C_\\text{out}$) and bias $b$ computes, at each pixel, "
        "$Y_{ij} = X_{ij} W + b$ from that pixel's channel vector alone. Reshaping the volume "
        "into one row per pixel turns the whole layer into a single matrix product:",
        display(
            r"Y_{(H W) \times C_\text{out}} = X_{(H W) \times C_\text{in}}\, "
            r"W_{C_\text{in} \times C_\text{out}} + b"
        ),
        f"Computed on a random ${ph} \\times {pw} \\times {pc}$ volume with {POINTWISE_FILTERS} "
        "filters: the sliding-window convolution and the matrix product "
        + (f"agree to {_sci(gap, 1)}" if gap else "agree exactly")
        + f" in every one of the {by_conv.size} outputs. The same "
        "weights apply to any height and width, which is why $1 \\times 1$ convolutions can "
        "replace the fully connected layers of a classifier and make it fully convolutional. "
        "They do not select features: every output channel mixes all input channels.",
        md.provenance(layers.bottleneck_costs, layers.pointwise_dense, conv.conv2d_multichannel),
    ]
    return "\n\n".join(body)


# --- the index -----------------------------------------------------------------------------

DEMOS: dict[str, Callable[[], str]] = {
    "overfitting": overfitting_demo,
    "dropout": dropout_demo,
    "batch-norm": batch_norm_demo,
    "optimisers": optimisers_demo,
    "depth": depth_demo,
    "lstm": lstm_demo,
    "one-by-one": one_by_one_demo,
}


def demonstration(key: str) -> str:
    """The demonstration for a multiple-choice question's `demo` key, as Markdown."""
    if key not in DEMOS:
        raise ValueError(f"key must be one of {sorted(DEMOS)}, got {key!r}")
    return DEMOS[key]()
