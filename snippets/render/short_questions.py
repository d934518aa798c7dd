"""Part II, the eight short questions, as Markdown: statements, solutions and demonstrations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from snippets import exam
from snippets.architectures import exam_network, total_params
from snippets.layer_cache import (
    affine_relu_backward,
    affine_relu_forward,
    example_inputs,
    gradient_check,
)
from snippets.linear_maps import (
    absolute_value_layers,
    collapse,
    compose,
    midpoint_defect,
    random_layers,
    stack,
)
from snippets.lr_experiment import (
    FEATURE_VARIANCE,
    FEATURES,
    L2,
    SAMPLES,
    STEPS,
    LossCurve,
    assign_learning_rates,
    hessian_eigenvalues,
    learning_rate_experiment,
    make_regression,
    read_curves,
    train_sgd,
    train_with_validation,
)
from snippets.metrics import HIRING_DAY, Confusion, epoch_means
from snippets.newton import (
    condition_number,
    example_problem,
    gradient_descent,
    hessian_cost,
    newton,
    predicted_gd_iterations,
)
from snippets.render import markdown as md
from snippets.render.latex import display, num
from snippets.render.short_figures import (
    averaging_figure,
    gradient_flow_figure,
    linear_stack_figure,
    loss_curves_figure,
    newton_figure,
)
from snippets.render.svg import figure_svg
from snippets.rnn import (
    HIDDEN,
    LENGTH,
    gradient_flow,
    lstm_state_gradients,
    rnn_state_gradients,
)

PART = 2
AVERAGING_EPOCHS = 5
NEWTON_START = (-1.5, 2.5)
NEWTON_TOLERANCE = 1e-6
COLLAPSE_SIZES = (3, 4, 2)  # a worked example: 3 inputs, 4 hidden units, 2 outputs
COLLAPSE_SEED = 0
DEEP_SIZES = (1, 8, 8, 8, 1)
DEEP_SEED = 4  # a draw whose ReLU kinks fall inside the plotted range
DEEP_RANGE = (-3.0, 3.0)


# --- shared pieces -------------------------------------------------------------------------


def _solution(label: str, blocks: Sequence[str]) -> str:
    return md.solution("\n\n".join(b for b in blocks if b), md.question(PART, label).points)


def _sig(value: float, digits: int = 3) -> str:
    """A number to `digits` significant digits, as TeX (1.56 · 10^{-21})."""
    return num(float(f"{value:.{digits}g}"))


def _thousands(n: int) -> str:
    """An integer with thin spaces between groups of three digits, as TeX (91\\,738\\,472)."""
    return f"{n:,}".replace(",", r"\,")


def _scientific(x: float) -> str:
    """A positive number as mantissa · 10^exponent in TeX, as the exam writes 3e-4."""
    mantissa, exponent = f"{x:.2e}".split("e")
    return rf"{num(float(mantissa))} \cdot 10^{{{int(exponent)}}}"


def _affine_tex(slope: float, intercept: float, digits: int = 3) -> str:
    """slope·x + intercept with the intercept's sign written once (-0.249 x - 2.67)."""
    sign = "-" if intercept < 0 else "+"
    return rf"{num(round(slope, digits))}\,x {sign} {num(round(abs(intercept), digits))}"


def _bytes(n: int) -> str:
    """A byte count in SI units, as text (367 MB, 33.7 PB)."""
    for unit, size in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def _matrix(values: object, digits: int | None = None) -> str:
    """A bmatrix; a 1-D array is shown as a row."""
    array = np.atleast_2d(np.asarray(values, dtype=float))
    rows = [" & ".join(num(v, digits) if digits is None else num(round(v, digits)) for v in row)
            for row in array]  # fmt: skip
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


# --- (1) validation error below training error ---------------------------------------------


def averaging_solution() -> str:
    """Solution of question 1: the reasons, and the epoch-averaging effect computed."""
    train, validation = make_regression()
    rate = exam.PUBLISHED_CURVES["D"]  # the good learning rate of question 4
    history = train_with_validation(train, validation, rate, AVERAGING_EPOCHS)
    reported = epoch_means(history.step_losses, history.steps_per_epoch)
    rows = [
        (epoch, f"{mean:.3f}", f"{end:.3f}", f"{val:.3f}", "yes" if val < mean else "no")
        for epoch, (mean, end, val) in enumerate(
            zip(reported, history.train_at_end, history.validation_at_end, strict=True), start=1
        )
    ]
    below = [row[0] for row in rows if row[-1] == "yes"]
    alt = (
        f"Training over {AVERAGING_EPOCHS} epochs on a log scale. The training loss of the "
        "current weights falls steadily; the reported training loss of each epoch, its mean, "
        "is a flat bar above the loss reached at the epoch's end. The validation loss at each "
        "epoch's end lies just above the training loss at that moment, and in the early epochs "
        "far below the reported training loss."
    )
    blocks = [
        "Any two of these:",
        "- **The training loss is averaged over an epoch, the validation loss is not.** A "
        "training loop usually reports the mean of the losses of all batches of an epoch. "
        "The model improves during the epoch, so that mean includes the poor early batches, "
        "while the validation loss is measured once, with the weights at the epoch's end.\n"
        "- **The two sets come from different distributions.** The validation set may be "
        "easier than the training set (cleaner images, fewer hard classes), or it overlaps "
        "the training set.\n"
        "- **A bug.** For example, the validation loss is computed on the wrong data, with "
        "different preprocessing, or with a wrongly scaled loss.\n"
        "- **Regularisation that acts only in training.** Dropout silences units while "
        "training and keeps all of them for validation; data augmentation makes training "
        "samples harder; an L2 penalty is added to the training loss only.",
        "**The first reason, computed.** A linear model is trained with SGD, one sample per "
        f"step, with learning rate ${num(rate)}$ on {train.x.shape[0]} training samples; "
        f"{validation.x.shape[0]} validation samples come from the same distribution. "
        "The grey curve is the training loss of the current weights; the bars are what the "
        "loop reports, the mean of each step's loss over the epoch.",
        figure_svg(averaging_figure(history), name="epoch-averaging", alt=alt),
        md.table(
            (
                "epoch",
                "reported training loss (mean)",
                "training loss at the end",
                "validation loss at the end",
                "validation below reported?",
            ),
            rows,
            align="rrrrc",
        ),
        f"In epochs {', '.join(map(str, below))} the validation loss lies below the reported "
        "training loss, although with the same weights it is higher than the training loss "
        "(last column against the third). Once the model stops improving, the mean over an "
        "epoch equals its end value and the usual order returns.",
        md.rubric(PART, "1"),
        md.provenance(train_with_validation, epoch_means),
    ]
    return _solution("1", blocks)


# --- (2) precision or recall ---------------------------------------------------------------


def _confusion_table(matrix: Confusion) -> str:
    return md.table(
        ("", "predicted: offer", "predicted: reject"),
        [
            ("**good hire**", f"{matrix.tp} (TP)", f"{matrix.fn} (FN)"),
            ("**not suited**", f"{matrix.fp} (FP)", f"{matrix.tn} (TN)"),
        ],
        align="lrr",
    )


def precision_solution() -> str:
    """Solution of question 2: precision, with two made-up days of the hiring model."""
    lenient, strict = HIRING_DAY["lenient"], HIRING_DAY["strict"]
    rows = [
        (name, m.tp, m.fp, m.fn, f"{m.precision:.2f}", f"{m.recall:.2f}")
        for name, m in HIRING_DAY.items()
    ]
    blocks = [
        "**Precision.** A false positive sends a job offer to someone who is not suited: that "
        "is expensive (a bad hire, or an offer to withdraw). A false negative rejects a good "
        "candidate: with thousands of applications every day, enough good candidates remain. "
        "High precision means few false positives among the offers; recall may be lower.",
        f"**Two days, computed from made-up counts.** Say {lenient.total:,} people apply on a "
        f"day and {lenient.actual_positive} of them would be good hires. A lenient model and a "
        "strict one (the same model with a higher threshold) decide as follows; TP are offers "
        "to good candidates, FP offers to unsuited ones, FN good candidates rejected:",
        md.table(("model", "TP", "FP", "FN", "precision", "recall"), rows, align="lrrrrr"),
        "The strict model's confusion matrix, and its two measures:",
        _confusion_table(strict),
        display(
            rf"\text{{precision}} = \frac{{TP}}{{TP + FP}} = \frac{{{strict.tp}}}{{{strict.tp} + "
            rf"{strict.fp}}} = {strict.precision:.2f} \qquad \text{{recall}} = "
            rf"\frac{{TP}}{{TP + FN}} = \frac{{{strict.tp}}}{{{strict.tp} + {strict.fn}}} = "
            rf"{strict.recall:.2f}"
        ),
        f"The lenient model finds {lenient.tp} of the {lenient.actual_positive} good candidates "
        f"but sends {lenient.fp} offers to people who are not suited; the strict model misses "
        f"{strict.fn} good candidates, who are easily replaced from the next day's "
        f"applications, and sends only {strict.fp} wrong offers. The start-up wants the strict "
        "model: high precision.",
        md.rubric(PART, "2"),
        md.provenance(Confusion),
    ]
    return _solution("2", blocks)


# --- (3) Newton's method -------------------------------------------------------------------


def newton_solution() -> str:
    """Solution of question 3: fewer iterations, but the Hessian is far too large."""
    a, b = example_problem()
    descent = gradient_descent(a, b, NEWTON_START, NEWTON_TOLERANCE)
    one_step = newton(a, b, NEWTON_START, NEWTON_TOLERANCE)
    kappa = condition_number(a)
    n = total_params(exam_network(), exam.IMAGE_SHAPE)
    cost = hessian_cost(n)
    alt = (
        "Elliptic level sets of a two-dimensional quadratic. Gradient descent zigzags across "
        f"the valley in {descent.iterations} steps; Newton's method goes straight from the start "
        f"to the minimum in {one_step.iterations} step."
    )
    blocks = [
        "**True, counted in iterations.** Newton's method rescales the gradient by the inverse "
        "of the Hessian, the matrix of second derivatives: "
        "$x \\leftarrow x - H^{-1} \\nabla f(x)$. It takes the curvature into account that "
        "gradient descent ignores, and near a minimum it converges quadratically. On a "
        "quadratic $f(x) = \\tfrac12 x^\\top A x - b^\\top x$ the Hessian is $A$ and one step "
        "lands exactly on the minimum.",
        f"Computed on a quadratic whose curvatures differ by a factor $\\kappa = {num(round(kappa, 6))}$, "
        f"from the start $({num(NEWTON_START[0])}, {num(NEWTON_START[1])})$ until the distance to "
        f"the minimum has shrunk by a factor ${num(NEWTON_TOLERANCE)}$: gradient descent with "
        f"its best fixed step needs {descent.iterations} steps (the bound "
        f"$\\lceil \\log(\\text{{tol}}) / \\log\\frac{{\\kappa - 1}}{{\\kappa + 1}} \\rceil = "
        f"{predicted_gd_iterations(a, NEWTON_TOLERANCE)}$), Newton's method "
        f"{one_step.iterations}.",
        figure_svg(newton_figure(a, b, descent, one_step), name="newton-descent", alt=alt),
        "**But each iteration is far too expensive.** With $n$ parameters the Hessian has "
        "$n^2$ entries, and a step solves a linear system with it, about $n^3/3$ "
        "multiply-adds. For the AlexNet-like network of "
        "[Part VI](part-6-cnn-architectures.html):",
        md.table(
            ("", "size"),
            [
                ("parameters $n$", f"${_thousands(n)}$"),
                ("gradient, $n$ floats of 4 bytes", _bytes(cost.gradient_bytes)),
                ("Hessian entries $n^2$", f"${_sig(cost.hessian_entries)}$"),
                ("Hessian, $n^2$ floats of 4 bytes", _bytes(cost.hessian_bytes)),
                (
                    "solving for one Newton step, $n^3/3$",
                    f"${_sig(cost.cholesky_flops)}$ multiply-adds",
                ),
            ],
            align="lr",
        ),
        "No machine stores tens of petabytes per step; gradient descent needs memory and time "
        "proportional to $n$. Two further downsides: with a very large dataset the Hessian "
        "would have to be estimated from mini-batches, which makes it noisy; and on a "
        "non-convex loss Newton's method heads for any point with zero gradient, saddle "
        "points included. Approximations (quasi-Newton methods such as L-BFGS) reduce the "
        "cost but are rarely used to train large networks.",
        md.rubric(PART, "3"),
        md.provenance(newton, gradient_descent, hessian_cost, total_params),
    ]
    return _solution("3", blocks)


# --- (4) learning-rate curves --------------------------------------------------------------


def _exam_curves() -> dict[str, LossCurve]:
    """The four runs, labelled as the exam's figure labels them."""
    runs = learning_rate_experiment(exam.LEARNING_RATES)
    return {label: runs[rate] for label, rate in exam.PUBLISHED_CURVES.items()}


def curves_statement() -> str:
    """Question 4 restated, with the learning rates from the exam."""
    rates = ", ".join(f"${_scientific(rate)}$" for rate in exam.LEARNING_RATES)
    return (
        "A colleague trained a neural network with plain stochastic gradient descent and L2 "
        f"weight regularisation, once with each of the learning rates {rates}, and plotted "
        "the four training-loss curves below. He no longer knows which curve belongs to which "
        "learning rate. Assign each learning rate to a curve, A to D, and explain why."
    )


def curves_figure() -> str:
    """The four curves A-D, without their learning rates, as inline SVG."""
    curves = _exam_curves()
    alt = (
        "Training loss against training steps on a log scale for four curves. A shoots up off "
        "the plot within the first steps. B falls slowly and almost linearly and ends highest "
        "of the other three. C falls steeply within the first hundred steps, then jumps up and "
        "down around a level well above the lowest. D falls smoothly and ends lowest."
    )
    return figure_svg(loss_curves_figure(curves), name="lr-curves", alt=alt)


def curves_note() -> str:
    """How the curves of question 4 were made."""
    return (
        f"The exam's figure did not survive, so these curves come from actually training: a "
        f"single linear layer on {SAMPLES} synthetic samples of {FEATURES} features (variance "
        f"{num(FEATURE_VARIANCE)} each), mean squared error plus L2 with "
        f"$\\lambda = {_scientific(L2)}$, one sample per SGD step, {STEPS} steps per learning "
        "rate, every run from the same start and with the same order of samples."
    )


def curves_solution() -> str:
    """Solution of question 4: verdicts read from the curves, then the rates assigned."""
    curves = _exam_curves()
    readings = read_curves({label: curve.losses for label, curve in curves.items()})
    derived = assign_learning_rates(readings, exam.LEARNING_RATES)
    rows = []
    for r in readings:
        steps = curves[r.label].steps
        if r.diverged:
            shape = f"rises to ${_sig(curves[r.label].losses[-1])}$ by step {steps[-1]}"
        else:
            tenfold = (
                "never falls tenfold"
                if r.tenfold_at is None
                else f"falls tenfold by step {steps[r.tenfold_at]}"
            )
            shape = f"{tenfold}; ends at {r.final:.3g}"
        rows.append((f"**{r.label}**", shape, r.verdict, f"${_scientific(derived[r.label])}$"))
    agrees = derived == exam.PUBLISHED_CURVES
    limit = 2 / hessian_eigenvalues(make_regression()[0])[-1]
    blocks = [
        "Read each curve for two things: how fast it falls at first, and how low it ends.",
        "- A curve that **rises** took steps so large that each one overshoots the minimum by "
        "more than it started from: the learning rate is far too high.\n"
        "- The curve that **ends lowest, smoothly**, has a good learning rate.\n"
        "- A curve that **falls faster at first but then stalls higher and jumps** has a "
        "learning rate that is too high: it gets near the minimum quickly, then the noise of "
        "single-sample steps, scaled by the large rate, keeps it bouncing around.\n"
        "- A curve that **falls slowly and steadily** has a learning rate that is too low: it "
        "would get there, but needs far more steps.",
        "A larger stable rate falls faster, so sorting the curves from fastest to slowest and "
        "the rates from largest to smallest pairs them up. Done by code, from the curves "
        "alone:",
        md.table(("curve", "what it does", "verdict", "learning rate"), rows, align="llll"),
        f"This {'agrees with' if agrees else 'differs from'} the exam's published answer. The "
        f"largest rate fails for a reason one can compute: gradient descent on a quadratic "
        f"loss is stable only for steps below $2/\\lambda_{{\\max}}$, where "
        f"$\\lambda_{{\\max}}$ is the largest curvature (eigenvalue of the Hessian); here "
        f"$2/\\lambda_{{\\max}} = {limit:.3f}$. The largest rate is above that limit; the "
        "second largest is below it, so its run stays bounded, but its steps are large "
        "enough for the noise to keep the loss from settling.",
        md.rubric(PART, "4"),
        md.provenance(train_sgd, read_curves, assign_learning_rates),
    ]
    return _solution("4", blocks)


# --- (5) LSTM against RNN ------------------------------------------------------------------


def lstm_solution() -> str:
    """Solution of question 5: vanishing gradients, and the cell state, computed."""
    flow = gradient_flow()
    biases = sorted(flow.lstm)
    forgetting, remembering = biases[0], biases[-1]
    alt = (
        f"Gradient norm against the number of steps back, over {LENGTH} steps, on a log scale. "
        f"The vanilla RNN's gradient falls steadily to about {flow.rnn[-1]:.0e}; an LSTM whose "
        f"forget gates average {flow.mean_forget[forgetting]:.2f} falls just as fast; an LSTM "
        f"whose forget gates average {flow.mean_forget[remembering]:.2f} stays near "
        f"{flow.lstm[remembering][-1]:.1g}."
    )
    blocks = [
        "**Why plain RNNs struggle.** Backpropagation through time multiplies the gradient, at "
        "every step back, by $\\partial h_t / \\partial h_{t-1} = "
        "\\operatorname{diag}(1 - h_t^2)\\, W$: the same weight matrix again and again, and "
        "the derivative of tanh, which is at most one. Over many steps the product shrinks "
        "exponentially (or, with large weights, explodes), so the loss at the end of a "
        "sequence sends almost no signal to the early inputs: long-term dependencies are not "
        "learned.",
        "**How the LSTM helps.** Its cell state is updated additively, "
        "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$, so along the cell state "
        "$\\partial c_t / \\partial c_{t-1} = \\operatorname{diag}(f_t)$: no weight matrix, "
        "no squashing, only the forget gate. When the network learns to keep its forget gate "
        "near one, the gradient flows back through many steps almost unchanged.",
        f"**Computed.** A vanilla RNN and two LSTMs with {HIDDEN} units each read the same "
        f"random sequence of {LENGTH} inputs; their recurrent weights are drawn with the same "
        "seed and scale (the LSTM's candidate weights are exactly the RNN's). A unit gradient "
        "arrives at the last hidden state and is propagated back; the LSTMs differ only in "
        "the bias of their forget gate.",
        figure_svg(gradient_flow_figure(flow), name="rnn-lstm-gradients", alt=alt),
        md.table(
            ("model", "mean forget gate", f"gradient norm {LENGTH} steps back"),
            [
                ("vanilla RNN", "no gates", f"${_sig(flow.rnn[-1])}$"),
                *[
                    (
                        f"LSTM, forget bias {num(bias)}",
                        f"{flow.mean_forget[bias]:.2f}",
                        f"${_sig(flow.lstm[bias][-1])}$",
                    )
                    for bias in biases
                ],
            ],
            align="lrr",
        ),
        "The LSTM's advantage is not automatic: with forget gates near one half it forgets, "
        "and its gradient vanishes like the RNN's. Its gates let it learn when to keep the "
        "cell state, and then the gradient survives; initialising the forget bias to a "
        "positive value is a common way to start there.",
        md.rubric(PART, "5"),
        md.provenance(rnn_state_gradients, lstm_state_gradients, gradient_flow),
    ]
    return _solution("5", blocks)


# --- (6) why activation functions ----------------------------------------------------------


def activation_solution() -> str:
    """Solution of question 6: linear layers collapse; ReLU breaks the collapse."""
    first, second = random_layers(COLLAPSE_SIZES, seed=COLLAPSE_SEED, decimals=1)
    both = compose(first, second)
    x = np.ones(COLLAPSE_SIZES[0])
    two_steps = second(first(x))
    pair = absolute_value_layers()
    left, right = np.array([-1.0]), np.array([1.0])
    f_left, f_right = stack(pair, left, True)[0], stack(pair, right, True)[0]
    f_mid = stack(pair, (left + right) / 2, True)[0]
    defect = midpoint_defect(pair, left, right, activation=True)[0]
    deep = random_layers(DEEP_SIZES, seed=DEEP_SEED)
    deep_linear = collapse(deep)
    alt = (
        f"Output against input of a stack of {len(deep)} layers. Without activation functions "
        "the output is a straight line; with ReLU between the layers it is a bent, piecewise "
        "linear curve."
    )
    blocks = [
        "Without non-linear activation functions a network can only compute an affine "
        "function of its input, however many layers it has, because a composition of affine "
        "maps is affine:",
        display(
            r"W_2 (W_1 x + b_1) + b_2 = \underbrace{W_2 W_1}_{W}\, x + "
            r"\underbrace{W_2 b_1 + b_2}_{b}"
        ),
        f"**Computed.** Two layers with {COLLAPSE_SIZES[0]} inputs, {COLLAPSE_SIZES[1]} hidden "
        f"units and {COLLAPSE_SIZES[2]} outputs (weights drawn at random, rounded to one "
        "decimal):",
        display(
            rf"W_1 = {_matrix(first.w)},\quad b_1 = {_matrix(first.b[:, None])},\quad "
            rf"W_2 = {_matrix(second.w)},\quad b_2 = {_matrix(second.b[:, None])}"
        ),
        display(
            rf"W = W_2 W_1 = {_matrix(both.w, 6)},\quad b = W_2 b_1 + b_2 = "
            rf"{_matrix(both.b[:, None], 6)}"
        ),
        "For the input $x = (1, 1, 1)$ both ways give the same output: "
        f"$W_2(W_1 x + b_1) + b_2 = {_matrix(two_steps[:, None], 6)}$ and "
        f"$W x + b = {_matrix(both(x)[:, None], 6)}$.",
        "**With a ReLU in between, the collapse fails.** Every affine map $f$ satisfies "
        "$f(\\tfrac{x + y}{2}) = \\tfrac{f(x) + f(y)}{2}$. Take $W_1 = [1, -1]^\\top$, "
        "$W_2 = [1, 1]$ and no biases. Without activation, $f(x) = (1 - 1)\\,x = 0$. With "
        "ReLU, $f(x) = \\max(0, x) + \\max(0, -x) = |x|$, and at $x = -1$, $y = 1$:",
        display(
            rf"f(0) = {num(f_mid)} \neq \frac{{f(-1) + f(1)}}{{2}} = "
            rf"\frac{{{num(f_left)} + {num(f_right)}}}{{2}} = {num((f_left + f_right) / 2)}"
        ),
        f"The midpoint test fails by ${num(defect)}$: no single affine layer computes $|x|$.",
        f"The same for a deeper stack, {len(deep)} layers with one input and one output: "
        f"without activations it collapses to "
        f"$f(x) = {_affine_tex(deep_linear.w[0, 0], deep_linear.b[0])}$, a straight line; "
        "with ReLU it bends, and the "
        "bends are what let a network approximate non-linear functions.",
        figure_svg(linear_stack_figure(deep, DEEP_RANGE), name="linear-stack", alt=alt),
        md.rubric(PART, "6"),
        md.provenance(compose, collapse, midpoint_defect),
    ]
    return _solution("6", blocks)


# --- (7) forward and backward of a layer ---------------------------------------------------


def layer_solution() -> str:
    """Solution of question 7: what forward and backward take, keep and return, with numbers."""
    x, w, b, grad_out = example_inputs()
    out, cache = affine_relu_forward(x, w, b)
    grads = affine_relu_backward(grad_out, cache)
    check = gradient_check(x, w, b, grad_out)
    bound = 10.0 ** np.ceil(np.log10(max(check.errors.values())))  # the next power of ten
    blocks = [
        "- **forward** takes the layer's input (the output of the layer before) and its "
        "parameters, computes the layer's operation and returns the output. It also returns "
        "a **cache**: the values backward will need, typically the input, the weights and "
        "intermediate results such as the pre-activation.\n"
        "- **backward** takes the upstream gradient $\\partial L / \\partial \\text{out}$ and "
        "the cache, applies the chain rule, and returns the gradient with respect to every "
        "input of forward: $\\partial L / \\partial x$ (passed on to the layer before) and "
        "the gradients of the parameters (used by the optimiser).",
        "**An example: an affine layer followed by ReLU**, $z = xW + b$, "
        "$\\text{out} = \\max(0, z)$, on a batch of two samples:",
        display(rf"x = {_matrix(x)},\quad W = {_matrix(w)},\quad b = {_matrix(b)}"),
        "forward returns the output and caches $x$, $W$ and $z$:",
        display(rf"z = xW + b = {_matrix(cache.z, 6)},\quad \text{{out}} = {_matrix(out, 6)}"),
        "backward receives the upstream gradient and returns three gradients. ReLU lets the "
        "gradient through only where $z > 0$, so $\\partial L / \\partial z = "
        "\\partial L / \\partial \\text{out} \\odot [z > 0]$:",
        display(
            rf"\frac{{\partial L}}{{\partial \text{{out}}}} = {_matrix(grad_out)},\quad "
            rf"\frac{{\partial L}}{{\partial z}} = {_matrix(grad_out * (cache.z > 0))}"
        ),
        display(
            rf"\frac{{\partial L}}{{\partial x}} = \frac{{\partial L}}{{\partial z}} W^\top = "
            rf"{_matrix(grads.x, 6)},\quad "
            rf"\frac{{\partial L}}{{\partial W}} = x^\top \frac{{\partial L}}{{\partial z}} = "
            rf"{_matrix(grads.w, 6)},\quad "
            rf"\frac{{\partial L}}{{\partial b}} = \sum_{{\text{{rows}}}} "
            rf"\frac{{\partial L}}{{\partial z}} = {_matrix(grads.b, 6)}"
        ),
        "**The gradient check.** Central differences "
        "$(L(\\theta + h) - L(\\theta - h)) / 2h$ with "
        "$L = \\sum \\frac{\\partial L}{\\partial \\text{out}} \\odot \\text{out}$ give the "
        "same numbers; the largest relative error "
        "$|a - n| / (|a| + |n|)$ of each gradient:",
        md.table(
            ("gradient", "largest relative error"),
            [(f"∂L/∂{name}", f"${_sig(error, 2)}$") for name, error in check.errors.items()],
            align="lr",
        ),
        f"Errors below ${num(bound)}$ mean backward is right; a forgotten ReLU mask would show "
        f"up as an error near one. (No pre-activation lies closer than "
        f"{check.min_distance_to_kink:.2f} to the kink at zero, so the differences never "
        "straddle it.)",
        md.rubric(PART, "7"),
        md.provenance(affine_relu_forward, affine_relu_backward, gradient_check),
    ]
    return _solution("7", blocks)
