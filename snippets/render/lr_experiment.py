"""Short Question 4 as Markdown, one unit (md.unit): four training-loss curves, each assigned
its learning rate from what the curve does, and why the largest rate diverges, computed from
the per-sample loss."""

from __future__ import annotations

from collections.abc import Sequence

from snippets import exam
from snippets.lr_experiment import (
    BETWEEN,
    CONTRACTING,
    EXPANDING,
    FEATURE_VARIANCE,
    FEATURES,
    GOOD,
    L2,
    LOG_EVERY,
    SAMPLES,
    STEPS,
    TOO_HIGH,
    TOO_LOW,
    WAY_TOO_HIGH,
    CurveReading,
    Dataset,
    LossCurve,
    assign_learning_rates,
    diverging_below_full_batch_bound,
    learning_rate_experiment,
    make_regression,
    overshooting_share,
    read_curves,
    sgd_steps,
    stability_bounds,
    step_curvatures,
    train_full_batch,
)
from snippets.render import markdown as md
from snippets.render.latex import display
from snippets.render.numbers import num, scientific, significant
from snippets.render.short_figures import LOSS_LIMITS, loss_curves_figure
from snippets.render.svg import figure_svg

PART = 2
# Why each verdict, in the answer's words.
_VERDICT_REASON = {
    WAY_TOO_HIGH: "way too high: the loss rises",
    TOO_HIGH: "too high: the loss falls fast, then jumps around a higher level",
    GOOD: "good: the loss ends lowest",
    TOO_LOW: "too low: the loss falls slowly",
}


def _exam_curves() -> dict[str, LossCurve]:
    """The four runs, labelled as the exam's figure labels them."""
    runs = learning_rate_experiment(exam.LEARNING_RATES)
    return {label: runs[rate] for label, rate in exam.PUBLISHED_CURVES.items()}


def _readings(curves: dict[str, LossCurve]) -> tuple[CurveReading, ...]:
    return read_curves({label: curve.losses for label, curve in curves.items()})


def curves_statement() -> str:
    """Question 4 restated, with the learning rates from the exam."""
    rates = ", ".join(f"${scientific(rate)}$" for rate in exam.LEARNING_RATES)
    return (
        "A colleague trained a neural network with plain stochastic gradient descent and L2 "
        f"weight regularisation, once with each of the learning rates {rates}, and plotted "
        "the four training-loss curves below. He no longer knows which curve belongs to which "
        "learning rate. Assign each learning rate to a curve, A to D, and explain why."
    )


def _curve_description(reading: CurveReading, curve: LossCurve) -> str:
    """What a curve does, for the figure's text alternative: no learning rate named."""
    if reading.diverged:
        leaves = curve.first_step_above(LOSS_LIMITS[1])
        return f"{reading.label} leaves the top of the plot by step {leaves}."
    steps = curve.steps
    fall = (
        "never falls tenfold"
        if reading.tenfold_at is None
        else f"falls tenfold by step {steps[reading.tenfold_at]}"
    )
    if reading.smooth:
        return f"{reading.label} {fall} and ends smoothly at {reading.final:.3g}."
    return f"{reading.label} {fall}, then jumps up and down around {reading.final:.3g}."


def curves_figure() -> str:
    """The four curves A-D, without their learning rates, as inline SVG."""
    curves = _exam_curves()
    descriptions = " ".join(_curve_description(r, curves[r.label]) for r in _readings(curves))
    alt = f"Training loss against training step, loss on a log scale, four curves. {descriptions}"
    return figure_svg(loss_curves_figure(curves), name="lr-curves", alt=alt)


def curves_note() -> str:
    """How the curves of question 4 were made, and the loss they plot."""
    return (
        "The exam's figure did not survive, so these curves come from actually training: a "
        f"single linear layer $x \\cdot w + b$ on {SAMPLES} synthetic samples of {FEATURES} "
        f"features (variance {num(FEATURE_VARIANCE)} each), from the same start and in the "
        "same order of samples for every learning rate. Each step of SGD takes one sample "
        "$i$ and descends its loss "
        "$\\ell_i(w, b) = \\tfrac12 (x_i \\cdot w + b - y_i)^2 + \\tfrac{\\lambda}{2}\\lVert w "
        f"\\rVert^2$ with $\\lambda = {scientific(L2)}$ (the bias is not penalised); the "
        f"curves show the mean of $\\ell_i$ over all samples every {LOG_EVERY} steps, for up to "
        f"{STEPS} steps (a run that diverges is stopped)."
    )


def curves_answer() -> str:
    """What earns question 4's points: a rate per curve, and why, read from the curves."""
    readings = _readings(_exam_curves())
    derived = assign_learning_rates(readings, exam.LEARNING_RATES)
    return "\n".join(
        f"- **{r.label}**: ${scientific(derived[r.label])}$, {_VERDICT_REASON[r.verdict]}."
        for r in sorted(readings, key=lambda r: r.label)
    )


def _curves_table(curves: dict[str, LossCurve], readings: Sequence[CurveReading]) -> str:
    derived = assign_learning_rates(readings, exam.LEARNING_RATES)
    rows = []
    for r in readings:
        curve = curves[r.label]
        if r.diverged:
            shape = f"rises to ${significant(curve.losses[-1])}$ by step {curve.steps[-1]}"
        else:
            fall = (
                "never falls tenfold"
                if r.tenfold_at is None
                else f"falls tenfold by step {curve.steps[r.tenfold_at]}"
            )
            end = "smoothly" if r.smooth else "jumping"
            shape = f"{fall}; ends at {r.final:.3g}, {end}"
        rows.append((f"**{r.label}**", shape, r.verdict, f"${scientific(derived[r.label])}$"))
    return md.table(("curve", "what it does", "verdict", "learning rate"), rows, align="llll")


def _rate_list(rates: Sequence[float], powers_of_ten: bool = True) -> str:
    """3 · 10^-4 and 2 · 10^-5 as the exam writes rates; without `powers_of_ten`, 0.02, 0.03
    and 0.05."""
    tex = [f"${scientific(rate) if powers_of_ten else num(rate)}$" for rate in rates]
    return tex[0] if len(tex) == 1 else ", ".join(tex[:-1]) + f" and {tex[-1]}"


def _regime_sentences(curves: dict[str, LossCurve], data: Dataset) -> str:
    """One line per regime the exam's rates fall in: what every step does, what the run did."""
    bounds = stability_bounds(data)
    mu = step_curvatures(data)
    by_rate = {curve.learning_rate: curve for curve in curves.values()}
    rates = sorted(exam.LEARNING_RATES)
    lines = []
    contracting = [r for r in rates if bounds.regime(r) == CONTRACTING]
    if contracting:
        lines.append(
            f"- {_rate_list(contracting)} {'lies' if len(contracting) == 1 else 'lie'} below "
            f"{bounds.contracting:.4f}: every step contracts, so the run stays bounded, "
            "whatever the order of the samples."
        )
    for rate in (r for r in rates if bounds.regime(r) == BETWEEN):
        curve = by_rate[rate]
        reading = read_curves({"run": curve.losses})[0]
        line = (
            f"- ${scientific(rate)}$ lies between: a step on any of the "
            f"{overshooting_share(data, rate):.0%} of samples with $\\alpha \\mu_i > 2$ expands, "
            "the others contract. "
        )
        if curve.diverged:
            line += "Here its run diverges."
        elif reading.smooth:
            line += "Here its run stays bounded and ends smoothly."
        else:
            full = read_curves({"full": train_full_batch(data, rate).losses})[0]
            line += (
                "Here its run stays bounded, but its loss jumps, by a median of "
                f"{reading.jitter:.2g} decades from one plotted point to the next at the end. "
                "That is the noise of single-sample steps at a large rate: with all samples "
                f"in every step (full-batch gradient descent), the same rate ends at "
                f"{full.final:.3g} and changes by a median of "
                f"${significant(full.jitter, 1)}$ decades."
            )
        lines.append(line)
    for rate in (r for r in rates if bounds.regime(r) == EXPANDING):
        leaves = by_rate[rate].first_step_above(LOSS_LIMITS[1])
        lines.append(
            f"- ${scientific(rate)}$ lies above {bounds.expanding:.4f}: every step expands, "
            f"by a factor of at least {rate * mu.min() - 1:.1f}"
            + (f", and the loss leaves the plot by step {leaves}." if leaves else ".")
        )
    return "\n".join(lines)


def _stability_worked(curves: dict[str, LossCurve]) -> str:
    """Why the largest rate diverges and the second largest jumps, from the per-sample loss."""
    data = make_regression()[0]
    bounds = stability_bounds(data)
    diverging = diverging_below_full_batch_bound(data)
    full_batch = (
        "The bound of full-batch gradient descent is a different one: a step on all samples "
        "lowers the mean loss whenever $\\alpha < 2/\\lambda_{\\max}$, with "
        "$\\lambda_{\\max}$ the largest eigenvalue of the mean loss's Hessian, here "
        f"{bounds.full_batch:.3f}."
    )
    if diverging:
        full_batch += (
            " It does not carry over to one sample per step: on these samples "
            f"{_rate_list(diverging, powers_of_ten=False)} all lie below {bounds.full_batch:.3f}, "
            "and their runs "
            "of one-sample SGD all diverge."
        )
    return md.join(
        [
            "**Why the largest rate diverges and the second largest jumps, computed.** A step "
            "of SGD takes one sample $i$ and moves the weights and the bias against the "
            "gradient of that sample's loss:",
            display(
                r"\ell_i(w, b) = \tfrac12 (x_i \cdot w + b - y_i)^2 + \tfrac{\lambda}{2} "
                r"\lVert w \rVert^2, \qquad (w, b) \leftarrow (w, b) - \alpha\, \nabla "
                r"\ell_i(w, b)"
            ),
            "$\\ell_i$ is quadratic, with Hessian $H_i = z_i z_i^\\top + \\lambda\\, "
            "\\mathrm{diag}(1, \\dots, 1, 0)$ where $z_i = (x_i, 1)$. So a step multiplies "
            "the distance to the minimum of $\\ell_i$, measured along the top eigenvector of "
            "$H_i$, by $1 - \\alpha \\mu_i$, where $\\mu_i$ is the largest eigenvalue of "
            "$H_i$:",
            display(
                r"\mu_i = \tfrac12 \Bigl(s_i + \lambda + \sqrt{(s_i - \lambda)^2 + "
                r"4 \lambda (s_i - 1)}\Bigr), \qquad s_i = \lVert x_i \rVert^2 + 1"
            ),
            "($\\mu_i = \\lVert x_i \\rVert^2 + 1$ without L2.) Along that direction the "
            "step is stable only when $\\alpha \\mu_i < 2$. On these samples:",
            md.table(
                ("bound", "learning rate", "what holds"),
                [
                    (
                        "$2 / \\max_i \\mu_i$",
                        f"{bounds.contracting:.4f}",
                        "below it every step contracts (as $\\lambda > 0$), so the run stays "
                        "bounded in any order of samples",
                    ),
                    (
                        "$2 / \\operatorname{median}_i \\mu_i$",
                        f"{bounds.typical:.4f}",
                        "the bound of a typical sample",
                    ),
                    (
                        "$2 / \\min_i \\mu_i$",
                        f"{bounds.expanding:.4f}",
                        "above it every step expands along its sample's top eigenvector, by "
                        "the factor $\\alpha \\mu_i - 1 > 1$",
                    ),
                ],
                align="lrl",
            ),
            _regime_sentences(curves, data),
            full_batch,
        ]
    )


def learning_rate_curves() -> str:
    """Question 4: verdicts read from the curves, the rates assigned, and why, computed."""
    curves = _exam_curves()
    readings = _readings(curves)
    derived = assign_learning_rates(readings, exam.LEARNING_RATES)
    agrees = derived == exam.PUBLISHED_CURVES
    worked = md.join(
        [
            "Read each curve for two things: how fast it falls at first, and how low it ends.",
            "- A curve that **rises** takes steps that overshoot and grow: its learning rate "
            "is far too high.\n"
            "- Of the curves that fall, the one that **ends lowest** has a good learning "
            "rate.\n"
            "- One that **falls faster at first but ends higher, jumping**, has a learning "
            "rate that is too high: it gets near the minimum quickly, then every single-sample "
            "step, scaled by the large rate, knocks it away again.\n"
            "- One that **falls more slowly** has a learning rate that is too low: it would "
            "get as low, but needs far more steps.",
            "Sorted from the fastest fall to the slowest (a rising curve first), the curves "
            "pair up with the learning rates sorted from the largest to the smallest. Done by "
            "code, from the curves alone:",
            _curves_table(curves, readings),
            f"This {'agrees with' if agrees else 'differs from'} the exam's published answer.",
            _stability_worked(curves),
        ]
    )
    return md.unit(
        PART,
        "4",
        statement=curves_statement(),
        figure=curves_figure() + "\n\n" + curves_note(),
        answer=curves_answer(),
        worked=worked,
        evidence=(sgd_steps, step_curvatures, stability_bounds, read_curves, assign_learning_rates),
    )
