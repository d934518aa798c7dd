"""Executed demonstrations behind the explanations of Part I (multiple choice), as Markdown.

`demonstration(key)` returns the demonstration for a question's `demo` key in
`exam.MULTIPLE_CHOICE`: prose, tables, math and inline SVG figures, ending with the
provenance of the functions that computed them. The experiments run in the compute modules
(`overfitting`, `layers`, `optim`), each returning a frozen dataclass with every number shown
here; the claims the prose makes about them are tests (tests/test_overfitting.py,
test_layers.py, test_optim.py), so a computation that stops showing one fails the suite.
"""

from __future__ import annotations

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
from snippets.render.latex import display
from snippets.render.numbers import (
    coordinates,
    fixed,
    matrix,
    num,
    rounded,
    scientific,
    significant,
    thousands,
    vector,
)
from snippets.render.svg import figure_svg

# --- (1) overfitting -------------------------------------------------------------------------


def overfitting_demo() -> str:
    """Training and validation curves, early stopping and data augmentation, computed."""
    e = overfitting.overfitting_experiment()
    plain, aug = e.plain, e.augmented
    n, weights = len(e.train_set.x), e.degree + 1
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
                thousands(epoch),
                f"${fixed(run.training[k - 1], 4)}$",
                f"${fixed(run.validation[k - 1], 4)}$",
                f"${fixed(run.test[k - 1], 4)}$",
            )
            for name, epoch, run, k in rows
        ],
        align="lrrrr",
    )
    alt = (
        f"Left: training and validation loss per epoch on log scales. Without augmentation the "
        f"training loss falls to {plain.training[-1]:.4f} while the validation loss reaches "
        f"{plain.best_validation:.3f} at epoch {plain.best_epoch} and rises to "
        f"{plain.final_validation:.3f}; with augmentation the validation loss ends at "
        f"{aug.final_validation:.3f}. Right: the last-epoch fit oscillates through the noisy "
        "samples; the early-stopped and the augmented fits follow sin(πx)."
    )
    body = [
        f"**The set-up.** {n} noisy samples of $y = \\sin(\\pi x) + \\varepsilon$ (noise "
        f"standard deviation ${num(e.noise)}$) are fitted by a polynomial of degree {e.degree}: "
        f"{weights} weights for {n} points, a model large enough to pass through every sample, "
        "noise included. Full-batch gradient descent minimises the mean squared error for "
        f"{thousands(e.epochs)} epochs. A validation set of {len(e.validation.x)} fresh samples "
        f"decides when to stop; a test set of {thousands(len(e.test.x))} more samples, used for "
        "nothing else, shows how well each choice generalises.",
        figure_svg(overfitting_figure(e), name="demo-overfitting", alt=alt),
        f"**Overfitting.** The training loss never rises, from "
        f"${rounded(plain.training[0], 3)}$ after the first epoch to "
        f"${significant(plain.training[-1], 2)}$ after the last. The validation loss is lowest "
        f"at epoch {plain.best_epoch} (${rounded(plain.best_validation, 4)}$) and then climbs "
        f"to ${rounded(plain.final_validation, 3)}$: "
        f"the weights learned after that epoch fit the noise of the {n} samples, not the sine.",
        f"**Early stopping** keeps the weights of epoch {plain.best_epoch}: their validation loss "
        f"${rounded(plain.best_validation, 4)}$ is below the last epoch's "
        f"${rounded(plain.final_validation, 3)}$, and so is their test loss.",
        f"**Data augmentation** adds transformed copies of the {n} samples: their mirror images "
        "$(-x, -y)$, which the task allows because the sine is odd (as a flipped photo of a "
        f"dog still shows a dog), and {e.copies} copies of both "
        f"with $x$ jittered by noise of standard deviation ${num(e.jitter)}$: "
        f"{e.augmented_set.x.size} training points in all. The same model trained on them "
        f"reaches a best validation loss of ${rounded(aug.best_validation, 4)}$ (below "
        f"${rounded(plain.best_validation, 4)}$ without augmentation), and even its last epoch "
        f"(${rounded(aug.final_validation, 4)}$) stays below the unaugmented last epoch's "
        f"${rounded(plain.final_validation, 3)}$.",
        table,
        "Both remedies cost some training loss and buy validation and test loss: the model "
        "fits the training samples less closely and generalises better. A larger model "
        "(higher degree) would be no remedy: it too can pass through every noisy sample.",
        md.provenance(
            overfitting.overfitting_experiment,
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
    e = layers.dropout_experiment()
    x, p = e.x, e.p
    rows = [
        (k + 1, f"${rounded(xk, 3)}$", int(mk), f"${rounded(tk, 3)}$", f"${rounded(sk, 3)}$")
        for k, (xk, mk, tk, sk) in enumerate(zip(x, e.mask, e.train, e.test, strict=True))
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
        f"${significant(e.expectation_gap, 1)}$). The average over "
        f"{thousands(e.samples)} random masks differs from $x$ by at most "
        f"${significant(e.mean_gap, 2)}$, which is {e.mean_gap_in_std_errors:.1f} standard "
        "errors or fewer (the standard error of unit $k$ is "
        "$|x_k| \\sqrt{p / (1 - p)} / \\sqrt{N}$). Without the rescaling the mean would be "
        "$(1 - p)\\,x$, and the test-time layer would have to multiply by $1 - p$ instead.",
        figure_svg(dropout_figure(x, e.expectation, e.unscaled), name="demo-dropout", alt=alt),
        md.provenance(
            layers.dropout_experiment,
            layers.dropout_mask,
            layers.dropout,
            layers.dropout_expectation,
            layers.dropout_mean,
            layers.dropout_standard_error,
        ),
    ]
    return "\n\n".join(body)


# --- (3) batch normalisation ---------------------------------------------------------------


def batch_norm_demo() -> str:
    """Batch statistics while training, running statistics at test time, and γ, β undoing it."""
    e = layers.batch_norm_experiment()
    train, features = e.train, e.means.size
    stat_rows = [
        (
            k + 1,
            f"${rounded(train.mean[k], 3)}$",
            f"${rounded(np.sqrt(train.var[k]), 3)}$",
            f"${fixed(train.y[:, k].mean(), 4)}$",
            f"${fixed(train.y[:, k].var(), 4)}$",
        )
        for k in range(features)
    ]
    running_rows = [
        (
            k + 1,
            f"${rounded(e.means[k], 1)}$",
            f"${rounded(e.running_mean[k], 3)}$",
            f"${rounded(e.stds[k], 1)}$",
            f"${rounded(np.sqrt(e.running_var[k]), 3)}$",
        )
        for k in range(features)
    ]
    identity_gap = (
        f"${significant(e.identity_gap, 1)}$, rounding error" if e.identity_gap else "$0$"
    )
    sample_rows = [
        (
            k + 1,
            f"${rounded(e.sample[k], 3)}$",
            f"${rounded(e.in_a[k], 3)}$",
            f"${rounded(e.in_b[k], 3)}$",
            f"${rounded(e.at_test[k], 3)}$",
        )
        for k in range(features)
    ]
    body = [
        f"A batch of $m = {len(e.x)}$ samples with {features} features whose scales differ a lot. "
        "While training, batch normalisation normalises each feature with the mean "
        "$\\mu_B$ and variance $\\sigma_B^2$ of the current batch, then scales and shifts by "
        "the learnable $\\gamma$ and $\\beta$:",
        display(
            r"\hat{x} = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad "
            r"y = \gamma \odot \hat{x} + \beta, \qquad "
            rf"\varepsilon = {num(e.eps)}"
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
        f"batch is {identity_gap}. So "
        "the two learnable parameters (here "
        f"$2 \\times {features} = {2 * features}$ numbers) let the network keep the "
        "normalisation, undo it, or anything between.",
        f"**Training and test time.** During training the layer also keeps running averages "
        f"of $\\mu_B$ and $\\sigma_B^2$ (momentum ${num(e.momentum)}$, here over "
        f"{e.training_batches} batches; they are averaged, not learned by gradient descent). "
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
            layers.batch_norm_experiment,
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
    e = optim.bowl_experiment()
    bowl, paths = e.problem, list(zip((o.name for o in e.optimisers), e.paths, strict=True))
    yes_no = {True: "yes", False: "no"}
    memory_rows = [(m.name, yes_no[m.first_moment], yes_no[m.second_moment]) for m in e.memories]
    path_rows = [
        (
            o.name,
            _settings(o),
            f"${significant(loss[0], 3)}$",
            f"${significant(loss[1], 3)}$",
            f"${significant(loss[-1], 2)}$",
        )
        for o, loss in zip(e.optimisers, e.losses, strict=True)
    ]
    s1, s2 = e.scales
    alt = (
        f"Contour lines of the loss, an ellipse stretched along θ₁, with the paths of {len(paths)} "
        f"optimisers from ({e.start[0]:g}, {e.start[1]:g}) towards the minimum at the "
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
        f"{e.steps} steps of each optimiser from $\\theta = ({num(e.start[0])}, "
        f"{num(e.start[1])})$:",
        figure_svg(trajectories_figure(bowl, paths), name="demo-optimisers", alt=alt),
        md.table(
            ("optimiser", "settings", "loss at start", "after 1 step", f"after {e.steps} steps"),
            path_rows,
            align="llrrr",
        ),
        "SGD's learning rate must stay small enough for the steep direction, where it "
        "zig-zags, so it crawls along the flat one. Here momentum swings across the valley at "
        "first; the running mean averages the swings out while the velocity along the valley "
        "builds up and carries it past the minimum and back. RMSProp and Adam divide each "
        "coordinate by the root of its running mean square, so both directions move at a "
        "similar pace and the first steps point along the diagonal; Adam's first moment adds "
        "momentum's overshoot. On this quadratic the residuals are linear, $J^\\top J$ is the "
        "exact curvature and one Gauss-Newton step lands on the minimum. The learning rates "
        "were picked by hand for this bowl: other choices change the paths, not what each "
        "method remembers.",
        md.provenance(
            optim.bowl_experiment,
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
    e = optim.depth_experiment()
    runs, deep, shallow = e.runs, e.deepest, e.best_shallower
    w = e.width
    rows = [
        (
            run.hidden_layers,
            thousands(run.params),
            thousands(run.mult_adds),
            f"${scientific(run.lowest_loss, 2)}$",
            f"${scientific(run.losses[-1], 2)}$",
        )
        for run in runs
    ]
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
        f"{e.samples} points of $y = \\sin(3\\pi x)$ with full-batch Adam "
        f"($\\alpha = {num(e.learning_rate)}$) for {e.steps} steps from He-initialised "
        f"weights (seed {e.seed}).",
        "**Cost.** Every hidden layer of width $w$ adds $w^2 + w = "
        f"{w * w + w}$ parameters and $w^2 = {w * w}$ multiply-adds per sample to each forward "
        "pass (and about twice that to each backward pass), so training and inference get "
        "slower with every layer:",
        md.table(
            ("hidden layers", "parameters", "multiply-adds per sample",
             f"lowest training loss in {e.steps} steps", "training loss at the end"),
            rows,
            align="rrrrr",
        ),
        figure_svg(depth_figure(runs), name="demo-depth", alt=alt),
        f"**Training loss.** Here depth helps at first, but not all the way. The network with "
        f"{shallow.hidden_layers} hidden layers gets down to "
        f"${scientific(shallow.lowest_loss, 2)}$; the one with {deep.hidden_layers} never gets "
        f"below ${scientific(deep.lowest_loss, 2)}$, although "
        "it could represent everything the shallower one can (its extra layers would only "
        "have to pass their input on). A deep plain network is harder to optimise: this is "
        "the degradation problem that motivated residual connections. The table compares the "
        "lowest loss each run reaches, not its last value, because Adam's loss curves spike. "
        "What this run shows is limited (one seed, one learning rate, one budget of steps; "
        "a tuned rate or more steps can shrink the gap, and the tests repeat the comparison "
        "on other seeds), but one counterexample is enough against *always*.",
        md.provenance(
            optim.depth_experiment,
            layers.mlp_costs,
            optim.train_plain_network,
            optim.network_loss_and_gradient,
        ),
    ]  # fmt: skip
    return "\n\n".join(body)


# --- (6) LSTM ----------------------------------------------------------------------------------

_GATE_NAMES = {
    "f": ("forget gate", r"\sigma"),
    "i": ("input gate", r"\sigma"),
    "g": ("candidate (not a gate)", r"\tanh"),
    "o": ("output gate", r"\sigma"),
}


def lstm_demo() -> str:
    """One step of an LSTM cell with every gate's value, and the gradient along the cell state."""
    e = layers.lstm_experiment()
    params, step, carry = e.params, e.step, e.carry
    hidden = params.hidden_size
    gate_rows = [
        (
            f"${k}$",
            _GATE_NAMES[k][0],
            f"${_GATE_NAMES[k][1]}$",
            f"${coordinates(step.pre[k], 4)}$",
            f"${coordinates(getattr(step, k), 4)}$",
        )
        for k in layers.GATES
    ]
    units = range(hidden)
    c_lines = [
        rf"c_{{t,{u + 1}}} &= f_{u + 1}\, c_{{t-1,{u + 1}}} + i_{u + 1}\, g_{u + 1} = "
        rf"{rounded(step.f[u], 4)} \cdot ({num(step.c_prev[u])}) + "
        rf"{rounded(step.i[u], 4)} \cdot ({rounded(step.g[u], 4)}) = "
        rf"{rounded(step.c[u], 4)}"
        for u in units
    ]
    h_lines = [
        rf"h_{{t,{u + 1}}} &= o_{u + 1} \tanh(c_{{t,{u + 1}}}) = "
        rf"{rounded(step.o[u], 4)} \cdot \tanh({rounded(step.c[u], 4)}) = "
        rf"{rounded(step.h[u], 4)}"
        for u in units
    ]
    weights = "\n\n".join(
        display(
            rf"W_{k} = {matrix(params.w[k], 3)}, \qquad b_{k} = {matrix(params.b[k][:, None], 3)}"
        )
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
        f"One step with {params.input_size} inputs and {hidden} hidden units, weights drawn "
        f"with seed {e.seed}, input $x_t = {vector(step.x)}$, hidden state "
        f"$h_{{t-1}} = {vector(step.h_prev)}$ and cell state "
        f"$c_{{t-1}} = {vector(step.c_prev)}$. Each entry below lists the two hidden units:",
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
        f"${coordinates(carry, 4)}$, which is exactly the forget gate "
        f"$f_t = {coordinates(step.f, 4)}$: along the "
        "cell state the gradient is only multiplied by $f_t$, with no weight matrix and no "
        "squashing in between.",
        md.provenance(
            layers.lstm_experiment, layers.lstm_params, layers.lstm_cell, layers.lstm_cell_backward
        ),
    ]
    return "\n\n".join(body)


# --- (7) 1 × 1 convolutions ---------------------------------------------------------------------


def one_by_one_demo() -> str:
    """Channel reduction before a 3 × 3 convolution, and 1 × 1 = a per-pixel dense layer."""
    e = layers.one_by_one_experiment()
    costs, reduced, filters = e.costs, e.reduced_channels, e.filters
    h, w, c = e.input_shape
    direct, reduce_row, conv_row = costs.direct[0], *costs.reduced
    rows = [
        (
            "3 × 3 directly",
            f"{c} → {filters}",
            thousands(direct.params),
            thousands(direct.mult_adds),
        ),
        (
            "1 × 1 reduction",
            f"{c} → {reduced}",
            thousands(reduce_row.params),
            thousands(reduce_row.mult_adds),
        ),
        (
            "then 3 × 3",
            f"{reduced} → {filters}",
            thousands(conv_row.params),
            thousands(conv_row.mult_adds),
        ),
        (
            "**with 1 × 1 first, total**",
            "",
            thousands(reduce_row.params + conv_row.params),
            f"**{thousands(costs.reduced_mult_adds)}**",
        ),
    ]
    ph, pw, pc = e.x.shape
    alt = (
        f"Two bars of multiply-adds: the 3 × 3 convolution alone needs about "
        f"{costs.direct_mult_adds / 1e6:.0f} million; after a 1 × 1 reduction both layers "
        f"together need about {costs.reduced_mult_adds / 1e6:.0f} million."
    )
    body = [
        f"**Fewer channels before an expensive layer.** A feature map of ${h} \\times {w} "
        f"\\times {c}$ goes into a $3 \\times 3$ convolution with {filters} filters "
        "(padding $1$). A $1 \\times 1$ convolution with "
        f"{reduced} filters first reduces the channels from {c} to "
        f"{reduced}, as in the bottlenecks of Inception and ResNet. Each output "
        "value of a convolution costs one multiply-add per weight of its filter, "
        "$f \\cdot f \\cdot C_\\text{in}$:",
        md.table(("layer", "channels", "parameters", "multiply-adds"), rows, align="llrr"),
        figure_svg(
            bottleneck_figure(direct.mult_adds, reduce_row.mult_adds, conv_row.mult_adds),
            name="demo-one-by-one",
            alt=alt,
        ),
        f"The reduction saves {e.saved:.0%} of the multiply-adds: ${h} \\cdot {w} \\cdot "
        f"{filters} \\cdot 9 \\cdot {c}$ becomes ${h} \\cdot {w} \\cdot "
        f"{reduced} \\cdot {c} + {h} \\cdot {w} \\cdot {filters} \\cdot 9 "
        f"\\cdot {reduced}$. A non-linearity after the $1 \\times 1$ convolution "
        "adds one more layer of expressiveness for little cost.",
        "**A fully connected layer at every pixel.** A $1 \\times 1$ convolution with weights "
        "$W$ ($C_\\text{in} \\times C_\\text{out}$) and bias $b$ computes, at each pixel, "
        "$Y_{ij} = X_{ij} W + b$ from that pixel's channel vector alone. Reshaping the volume "
        "into one row per pixel turns the whole layer into a single matrix product:",
        display(
            r"Y_{(H W) \times C_\text{out}} = X_{(H W) \times C_\text{in}}\, "
            r"W_{C_\text{in} \times C_\text{out}} + b"
        ),
        f"Computed on a random ${ph} \\times {pw} \\times {pc}$ volume with {e.by_conv.shape[2]} "
        "filters: the sliding-window convolution and the matrix product "
        + (f"agree to ${significant(e.gap, 1)}$" if e.gap else "agree exactly")
        + f" in every one of the {e.by_conv.size} outputs. The same "
        "weights apply to any height and width, which is why $1 \\times 1$ convolutions can "
        "replace the fully connected layers that act on a vector of channels (after global "
        "pooling) and make a classifier fully convolutional. "
        "They do not select features: every output channel mixes all input channels.",
        md.provenance(
            layers.one_by_one_experiment,
            layers.bottleneck_costs,
            layers.pointwise_dense,
            conv.conv2d_multichannel,
        ),
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
