"""Figures of the Part I demonstrations: curves, bars and trajectories in palette colours."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from snippets.overfitting import fitted, target
from snippets.render.axes import style_axes
from snippets.render.palette import ACCENT, INK, MUTED, SERIES


def _figure(width: float = 6.4, height: float = 3.4) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.patch.set_alpha(0)
    return fig


def _style(ax) -> None:
    """style_axes, plus the minor ticks of log scales in the ink colour."""
    style_axes(ax)
    ax.tick_params(which="minor", colors=INK)


def _plain_log_ticks(axis) -> None:
    """Label a log axis 0.01, 0.1, 1 rather than 10⁻², whose superscript would be 7 pt."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))


def _legend(ax) -> None:
    legend = ax.legend(frameon=False, labelcolor=INK)
    legend.get_frame().set_alpha(0)


def dropout_figure(
    x: Sequence[float], inverted: Sequence[float], unscaled: Sequence[float]
) -> Figure:
    """Grouped bars per unit: the input, E[inverted dropout], E[dropout without 1/(1-p)]."""
    fig = _figure(height=3.0)
    ax = fig.add_subplot()
    _style(ax)
    units = np.arange(len(x))
    width = 0.26
    series = (
        ("input x (= test-time output)", x, SERIES[0]),
        ("mean of inverted dropout", inverted, SERIES[1]),
        ("mean without the 1/(1-p) scaling", unscaled, SERIES[2]),
    )
    for k, (label, values, colour) in enumerate(series):
        ax.bar(units + (k - 1) * width, values, width, label=label, color=colour, edgecolor=colour)
    ax.axhline(0, color=INK, linewidth=0.8)
    ax.set_xticks(units, [f"unit {u + 1}" for u in units])
    ax.set_ylabel("value")
    legend = ax.legend(frameon=False, labelcolor=INK, loc="upper right")
    legend.get_frame().set_alpha(0)
    return fig


def overfitting_figure(experiment) -> Figure:
    """Left: losses per epoch with and without augmentation. Right: the fitted curves."""
    fig = _figure(width=7.6, height=3.4)
    left, right = fig.subplots(1, 2, width_ratios=(1.25, 1))
    for ax in (left, right):
        _style(ax)
    epochs = np.arange(1, experiment.epochs + 1)
    plain, augmented = experiment.plain, experiment.augmented
    left.plot(epochs, plain.training, color=SERIES[0], linestyle="--", label="training")
    left.plot(epochs, plain.validation, color=SERIES[0], label="validation")
    left.plot(
        epochs, augmented.training, color=SERIES[2], linestyle="--", label="training, augmented"
    )
    left.plot(epochs, augmented.validation, color=SERIES[2], label="validation, augmented")
    left.axvline(plain.best_epoch, color=ACCENT, linewidth=1, linestyle=":")
    left.plot([plain.best_epoch], [plain.best_validation], "o", color=ACCENT, markersize=5)
    left.annotate(
        f"early stop (epoch {plain.best_epoch})",
        xy=(plain.best_epoch, plain.best_validation),
        xytext=(plain.best_epoch * 1.4, plain.best_validation * 2.4),
        color=INK,
        arrowprops={"arrowstyle": "->", "color": INK},
    )
    left.set_xscale("log")
    left.set_yscale("log")
    _plain_log_ticks(left.xaxis)
    _plain_log_ticks(left.yaxis)
    left.set_xlabel("epoch")
    left.set_ylabel("mean squared error")
    legend = left.legend(frameon=False, labelcolor=INK, loc="lower left")
    legend.get_frame().set_alpha(0)

    grid = np.linspace(-1.0, 1.0, 401)
    right.plot(grid, target(grid), color=MUTED, linewidth=2, label="sin(πx)")
    right.plot(grid, fitted(plain.final_weights, grid), color=SERIES[1], label="last epoch")
    right.plot(grid, fitted(plain.best_weights, grid), color=SERIES[3], label="early stop")
    right.plot(
        grid, fitted(augmented.final_weights, grid), color=SERIES[2], label="augmented, last epoch"
    )
    data = experiment.train_set
    right.plot(data.x, data.y, "o", color=INK, markersize=4, label="training samples")
    right.set_ylim(-2.0, 2.0)
    right.set_xlabel("x")
    right.set_ylabel("y")
    legend = right.legend(
        frameon=False, labelcolor=INK, loc="center left", bbox_to_anchor=(1.02, 0.5)
    )
    legend.get_frame().set_alpha(0)
    return fig


def trajectories_figure(problem, paths: Sequence[tuple[str, np.ndarray]]) -> Figure:
    """Paths of several optimisers over the contour lines of a 2-D loss."""
    fig = _figure(width=7.0, height=3.6)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(False)
    points = np.concatenate([path for _, path in paths])
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.15 * (hi - lo) + 0.2
    t1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 81)
    t2 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 81)
    g1, g2 = np.meshgrid(t1, t2)
    loss = np.reshape(
        [problem.loss(np.array(p)) for p in zip(g1.flat, g2.flat, strict=True)], g1.shape
    )
    levels = np.geomspace(max(loss.min(), 1e-3), loss.max(), 12)
    ax.contour(g1, g2, loss, levels=levels, colors=MUTED, linewidths=0.6)
    colours = (*SERIES, INK)
    markers = ("o", "s", "^", "D", "v")
    styles = ("-", "-", "-", "-", "--")
    for (label, path), colour, marker, style in zip(paths, colours, markers, styles, strict=False):
        ax.plot(path[:, 0], path[:, 1], color=colour, marker=marker, linestyle=style,
                markersize=2.5, linewidth=1.0, label=label)  # fmt: skip
    ax.plot([0], [0], "*", color=ACCENT, markersize=11)
    ax.set_aspect("equal")
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    legend = ax.legend(frameon=False, labelcolor=INK, loc="center left",
                       bbox_to_anchor=(1.02, 0.5))  # fmt: skip
    legend.get_frame().set_alpha(0)
    return fig


def depth_figure(runs) -> Figure:
    """Left: parameters and multiply-adds against depth. Right: training loss per step."""
    fig = _figure(width=7.6, height=3.3)
    left, right = fig.subplots(1, 2)
    for ax in (left, right):
        _style(ax)
    depths = [run.hidden_layers for run in runs]
    left.plot(depths, [run.params for run in runs], "o-", color=SERIES[0], label="parameters")
    left.plot(depths, [run.mult_adds for run in runs], "s--", color=SERIES[1],
              label="multiply-adds per sample")  # fmt: skip
    left.set_xlabel("hidden layers")
    left.set_ylabel("count")
    _legend(left)
    colours = (MUTED, SERIES[0], SERIES[2], SERIES[3], SERIES[1], INK, ACCENT)
    styles = ("-", "-", "-", "-", "-", "-", "--")
    for run, colour, style in zip(runs, colours, styles, strict=False):
        steps = np.arange(len(run.losses))
        right.plot(steps, run.losses, color=colour, linestyle=style, linewidth=1.0,
                   label=f"{run.hidden_layers} hidden")  # fmt: skip
    right.set_yscale("log")
    _plain_log_ticks(right.yaxis)
    right.set_xlabel("Adam step")
    right.set_ylabel("training loss (MSE)")
    legend = right.legend(
        frameon=False, labelcolor=INK, loc="center left", bbox_to_anchor=(1.02, 0.5)
    )
    legend.get_frame().set_alpha(0)
    return fig


def bottleneck_figure(direct: int, reduce: int, conv: int) -> Figure:
    """Multiply-adds of a 3 × 3 convolution alone and after a 1 × 1 reduction, as bars."""
    fig = _figure(height=2.2)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(False)
    millions = 1e-6
    ax.barh([1], [direct * millions], color=SERIES[1], label="3 × 3 convolution")
    ax.barh([0], [reduce * millions], color=SERIES[0], label="1 × 1 reduction")
    ax.barh([0], [conv * millions], left=[reduce * millions], color=SERIES[1])
    ax.set_yticks([0, 1], ["with 1 × 1 first", "3 × 3 directly"])
    ax.set_xlabel("multiply-adds (millions)")
    _legend(ax)
    return fig
