"""Figures of Part III: the sigmoid plot the exam reads σ(1.1) from."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from snippets.logistic import sigmoid
from snippets.render import palette
from snippets.render.axes import style_axes

Z_RANGE = (-6.0, 6.0)


def sigmoid_figure(z_marked: float | None = None, p_read: float | None = None) -> Figure:
    """σ(z) on a grid fine enough to read two decimals; with `z_marked`, the point read at
    z_marked with dashed guides to both axes (a solution's figure: the question's marks
    nothing, since reading the value is the exercise)."""
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    style_axes(ax)
    z = np.linspace(*Z_RANGE, 241)
    ax.plot(z, sigmoid(z), color=palette.SERIES[0], linewidth=2, label=r"$\sigma(z)$")
    if z_marked is not None:
        p = float(sigmoid(z_marked))
        # Dashed guides from the axes to the marked point, as a student reads the plot.
        ax.plot([z_marked, z_marked], [0, p], color=palette.ACCENT, linestyle="--", linewidth=1)
        ax.plot([Z_RANGE[0], z_marked], [p, p], color=palette.ACCENT, linestyle="--", linewidth=1)
        ax.plot([z_marked], [p], "o", color=palette.ACCENT, markersize=6)
        label = f"z = {z_marked:g}" if p_read is None else f"σ({z_marked:g}) ≈ {p_read:g}"
        ax.annotate(
            label,
            xy=(z_marked, p),
            xytext=(z_marked + 0.6, p - 0.32),
            color=palette.INK,
            arrowprops={"arrowstyle": "->", "color": palette.INK},
        )
    ax.set_xlim(*Z_RANGE)
    ax.set_ylim(0, 1)
    ax.set_xticks(np.arange(Z_RANGE[0], Z_RANGE[1] + 1, 1))
    ax.set_yticks(np.arange(0, 1.01, 0.1))
    ax.set_xlabel("score z")
    ax.set_ylabel("probability p = σ(z)")
    return fig
