"""Shared styling of matplotlib axes for the guide's figures."""

from __future__ import annotations

from matplotlib.axes import Axes

from snippets.render import palette


def style_axes(ax: Axes) -> None:
    """Axes, ticks and grid in palette colours on a transparent background."""
    ax.set_facecolor("none")
    for spine in ax.spines.values():
        spine.set_color(palette.INK)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=palette.INK, labelcolor=palette.INK)
    ax.grid(color=palette.MUTED, linewidth=0.5, alpha=0.6)
    ax.xaxis.label.set_color(palette.INK)
    ax.yaxis.label.set_color(palette.INK)
    ax.title.set_color(palette.INK)
