"""Figures of Part II: training curves, Newton against gradient descent, gradient flow in
RNNs and LSTMs, and stacked linear layers with and without ReLU."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from snippets.linear_maps import Affine, stack
from snippets.lr_experiment import EpochHistory, LossCurve
from snippets.metrics import epoch_means
from snippets.newton import Run
from snippets.render.axes import style_axes
from snippets.render.numbers import power_of_ten
from snippets.render.palette import ACCENT, INK, MUTED, PAPER, SERIES
from snippets.rnn import GradientFlow

_FONT = 10
_DASHES = ("-", (0, (5, 2)), (0, (1.5, 1.5)), (0, (6, 2, 1.5, 2)))  # one per series


def _log_y(ax: Axes) -> None:
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: power_of_ten(value)))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(colors=INK, which="both", labelsize=_FONT - 1)


def _figure(height: float = 3.6) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(6.4, height), layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    style_axes(ax)
    return fig, ax


def _legend(ax: Axes, **kwargs: object) -> None:
    legend = ax.legend(
        fontsize=_FONT - 1, labelcolor=INK, facecolor=PAPER, edgecolor=MUTED, **kwargs
    )
    legend.get_frame().set_alpha(0.9)


# --- Short Question 1 ----------------------------------------------------------------------


def averaging_figure(history: EpochHistory) -> Figure:
    """The training loss as the model improves, its epoch means, and the end-of-epoch losses."""
    fig, ax = _figure()
    _log_y(ax)
    n = history.steps_per_epoch
    epochs = len(history.train_at_end)
    steps = np.arange(len(history.train_before_step)) / n  # in epochs
    ax.plot(steps, history.train_before_step, color=MUTED, linewidth=1.2,
            label="training loss of the current weights")  # fmt: skip
    means = epoch_means(history.step_losses, n)
    for epoch, mean in enumerate(means):
        ax.plot([epoch, epoch + 1], [mean, mean], color=SERIES[0], linewidth=2.4,
                label="reported training loss: mean over the epoch" if epoch == 0 else None)  # fmt: skip
    ends = np.arange(1, epochs + 1)
    ax.plot(ends, history.validation_at_end, "o", color=SERIES[1], markersize=7,
            markerfacecolor="none", markeredgewidth=1.8,
            label="validation loss at the epoch's end")  # fmt: skip
    ax.plot(ends, history.train_at_end, "s", color=SERIES[2], markersize=4,
            label="training loss at the epoch's end")  # fmt: skip
    ax.set_xlim(0, epochs + 0.05)
    ax.set_xticks(range(epochs + 1))
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    _legend(ax, loc="upper right")
    return fig


# --- Short Question 3 ----------------------------------------------------------------------


def newton_figure(a: np.ndarray, b: np.ndarray, descent: Run, newton: Run) -> Figure:
    """Level sets of the quadratic with the paths of gradient descent and of Newton's method."""
    fig, ax = _figure(height=4.2)
    ax.grid(False)
    points = np.vstack([descent.path, newton.path])
    low, high = points.min(axis=0) - 0.4, points.max(axis=0) + 0.4
    g0, g1 = np.meshgrid(np.linspace(low[0], high[0], 200), np.linspace(low[1], high[1], 200))
    grid = np.stack([g0, g1], axis=-1)
    values = 0.5 * np.einsum("...i,ij,...j->...", grid, a, grid) - grid @ b  # ½ xᵀAx - bᵀx
    minimum = np.linalg.solve(a, b)
    floor = 0.5 * minimum @ a @ minimum - b @ minimum
    levels = floor + np.geomspace(0.01, values.max() - floor, 9)
    ax.contour(g0, g1, values, levels=levels, colors=MUTED, linewidths=0.7)
    ax.plot(*descent.path.T, color=SERIES[0], linewidth=1.2, marker="o", markersize=2.5,
            label=f"gradient descent: {descent.iterations} steps")  # fmt: skip
    ax.plot(*newton.path.T, color=ACCENT, linewidth=2.0, linestyle=(0, (5, 2)), marker="s",
            markersize=5, label=f"Newton's method: {newton.iterations} step")  # fmt: skip
    ax.plot(*minimum, "*", color=INK, markersize=11, label="minimum")
    ax.plot(*descent.path[0], "o", color=INK, markersize=5)
    ax.annotate("start", descent.path[0], xytext=(6, 4), textcoords="offset points", color=INK)
    ax.set_aspect("equal")
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    _legend(ax, loc="lower right")
    return fig


# --- Short Question 4 ----------------------------------------------------------------------

LOSS_LIMITS = (0.05, 1e3)


def loss_curves_figure(curves: Mapping[str, LossCurve]) -> Figure:
    """Training loss against steps for curves labelled A, B, …, without their learning rates."""
    fig, ax = _figure(height=3.8)
    _log_y(ax)
    last = max(int(curve.steps[-1]) for curve in curves.values())
    for number, (label, curve) in enumerate(curves.items()):
        colour = SERIES[number % len(SERIES)]
        dash = _DASHES[number % len(_DASHES)]
        ax.plot(curve.steps, curve.losses, color=colour, linestyle=dash, linewidth=1.4,
                label=f"curve {label}")  # fmt: skip
        inside = np.flatnonzero(curve.losses < LOSS_LIMITS[1])
        end = inside[-1]
        if end == len(curve.losses) - 1:  # the curve ends inside the plot: label its end
            ax.annotate(label, (curve.steps[end], curve.losses[end]), xytext=(4, 0),
                        textcoords="offset points", va="center", color=colour,
                        fontweight="bold")  # fmt: skip
        else:  # it leaves through the top: label it there
            ax.annotate(label, (curve.steps[end + 1], LOSS_LIMITS[1]), xytext=(5, -10),
                        textcoords="offset points", color=colour, fontweight="bold")  # fmt: skip
    ax.set_ylim(*LOSS_LIMITS)
    ax.set_xlim(-0.02 * last, last * 1.04)  # keeps a curve that leaves at once off the axis
    ax.set_xlabel("training step (one sample per step)")
    ax.set_ylabel("training loss (MSE + L2)")
    _legend(ax, loc="upper right", ncols=2)
    return fig


# --- Short Question 5 ----------------------------------------------------------------------


def gradient_flow_figure(flow: GradientFlow) -> Figure:
    """‖∂L/∂state‖ against the number of steps back, RNN and LSTMs (log scale)."""
    fig, ax = _figure()
    _log_y(ax)
    ax.plot(flow.steps_back, flow.rnn, color=SERIES[0], linewidth=1.8,
            label="vanilla RNN, ‖∂L/∂hₜ‖")  # fmt: skip
    for number, (bias, norms) in enumerate(flow.lstm.items(), start=1):
        ax.plot(flow.steps_back, norms, color=SERIES[number % len(SERIES)],
                linestyle=_DASHES[number % len(_DASHES)], linewidth=1.8,
                label=f"LSTM, forget gate ≈ {flow.mean_forget[bias]:.2f}, ‖∂L/∂(hₜ, cₜ)‖")  # fmt: skip
    ax.set_xlim(0, flow.steps_back[-1])
    ax.set_xlabel("steps back in time, T − t")
    ax.set_ylabel("gradient norm")
    _legend(ax, loc="lower left")
    return fig


# --- Short Question 6 ----------------------------------------------------------------------


def linear_stack_figure(layers: Sequence[Affine], x_range: tuple[float, float]) -> Figure:
    """A 1-input, 1-output stack, once without and once with ReLU between its layers."""
    fig, ax = _figure(height=3.4)
    xs = np.linspace(*x_range, 401)
    linear = [stack(layers, np.array([x]), activation=False)[0] for x in xs]
    bent = [stack(layers, np.array([x]), activation=True)[0] for x in xs]
    ax.plot(xs, linear, color=SERIES[0], linewidth=1.8,
            label=f"{len(layers)} layers, no activation: a straight line")  # fmt: skip
    ax.plot(xs, bent, color=SERIES[1], linewidth=1.8, linestyle=(0, (5, 2)),
            label=f"{len(layers)} layers, ReLU in between: bends")  # fmt: skip
    ax.set_xlim(*x_range)
    ax.set_xlabel("input x")
    ax.set_ylabel("output f(x)")
    _legend(ax, loc="best")
    return fig
