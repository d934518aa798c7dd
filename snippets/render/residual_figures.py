"""Figures of Part V 2: a residual block drawn by code, and gradient norm against depth."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from snippets.render.numbers import power_of_ten
from snippets.render.palette import HIGHLIGHT, INK, MUTED, PAPER, SERIES
from snippets.residual import DepthExperiment

_FONT = 10
Point = tuple[float, float]


def _arrow(
    ax: Axes, start: Point, end: Point, colour: str = INK, width: float = 1.2, gid: str = ""
) -> None:
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour,
                        linewidth=width, shrinkA=0, shrinkB=0, gid=gid or None)
    )  # fmt: skip


# Where the skip connection and the residual branch meet: the tests find the two arrows into
# the sum by these ids.
INTO_SUM = ("branch-into-sum", "skip-into-sum")


def residual_block_figure() -> Figure:
    """x -> l1 -> l2 -> (+) -> H(x), with the skip connection arcing from x to (+).

    Drawn narrow (4 inches, labels of 10 points at least) to be read on a phone.
    """
    fig = Figure(figsize=(4.0, 2.1))
    fig.patch.set_alpha(0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor("none")
    ax.set_xlim(0, 4.0)
    ax.set_ylim(0.2, 2.3)
    ax.set_aspect("equal")
    ax.set_axis_off()

    y = 0.95  # the main line
    box_w, box_h = 0.75, 0.55
    l1_x, l2_x, plus_x, radius = 0.8, 1.9, 3.0, 0.18
    split_x = 0.45  # where the skip connection leaves the main line

    ax.text(0.12, y, "x", ha="center", va="center", fontsize=_FONT + 2, color=INK, style="italic")
    for left, name in ((l1_x, "l₁"), (l2_x, "l₂")):
        ax.add_patch(
            FancyBboxPatch((left, y - box_h / 2), box_w, box_h, boxstyle="round,pad=0.02",
                           facecolor=HIGHLIGHT, edgecolor=SERIES[0], linewidth=1.4)
        )  # fmt: skip
        ax.text(left + box_w / 2, y, name, ha="center", va="center", fontsize=_FONT + 2,
                color=INK, style="italic")  # fmt: skip
    ax.add_patch(Circle((plus_x, y), radius, facecolor=PAPER, edgecolor=INK, linewidth=1.2))
    ax.text(plus_x, y, "+", ha="center", va="center", fontsize=_FONT + 3, color=INK)

    # Main line: x -> l1 -> l2 -> + -> H(x).
    ax.plot([0.24, split_x], [y, y], color=INK, linewidth=1.2)
    _arrow(ax, (split_x, y), (l1_x, y))
    _arrow(ax, (l1_x + box_w, y), (l2_x, y))
    _arrow(ax, (l2_x + box_w, y), (plus_x - radius, y), gid=INTO_SUM[0])
    _arrow(ax, (plus_x + radius, y), (3.45, y))
    ax.text(3.5, y, "H(x)", ha="left", va="center", fontsize=_FONT + 1, color=INK)
    ax.plot([split_x], [y], marker="o", markersize=4, color=INK)

    # The residual branch R(x) = l2(l1(x)), marked below the two layers.
    bottom = y - box_h / 2 - 0.15
    ax.add_patch(
        Rectangle((l1_x - 0.1, bottom), l2_x + box_w - l1_x + 0.2, box_h + 0.3,
                  facecolor="none", edgecolor=MUTED, linewidth=1.0, linestyle=(0, (3, 2)))
    )  # fmt: skip
    ax.text((l1_x + l2_x + box_w) / 2, bottom - 0.08, "residual branch R(x) = l₂(l₁(x))",
            ha="center", va="top", fontsize=_FONT, color=MUTED)  # fmt: skip

    # The skip connection: up from the split, across, down into +.
    top = 1.9
    ax.plot([split_x, split_x, plus_x], [y, top, top], color=SERIES[1], linewidth=1.6)
    _arrow(ax, (plus_x, top), (plus_x, y + radius), colour=SERIES[1], width=1.6,
           gid=INTO_SUM[1])  # fmt: skip
    ax.text((split_x + plus_x) / 2, top + 0.06, "skip connection: the identity carries x",
            ha="center", va="bottom", fontsize=_FONT, color=SERIES[1])  # fmt: skip
    return fig


def gradient_depth_figure(experiment: DepthExperiment) -> Figure:
    """Norm of the first layer's weight gradient against depth, plain and residual (log scale).

    Drawn narrow (4.4 inches, labels of 10 points at least) to be read on a phone.
    """
    fig = Figure(figsize=(4.4, 3.3))
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    ax.set_facecolor("none")
    ax.semilogy(experiment.depths, experiment.plain, color=SERIES[0], linewidth=1.6,
                marker="o", markersize=3, label="plain (no skip connections)")  # fmt: skip
    ax.semilogy(experiment.depths, experiment.residual, color=SERIES[1], linewidth=1.6,
                linestyle=(0, (5, 2)), marker="s", markersize=3,
                label="residual (skip connections)")  # fmt: skip
    ax.set_xlabel("depth (blocks of two tanh layers)", color=INK, fontsize=_FONT)
    ax.set_ylabel("‖∂L/∂W‖ of the first layer", color=INK, fontsize=_FONT)
    ax.set_xlim(0, experiment.depths[-1] + 1)
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: power_of_ten(value, plain_one=True))
    )
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.grid(True, which="major", color=MUTED, linewidth=0.5, alpha=0.5)
    ax.tick_params(colors=INK, which="both", labelsize=_FONT)
    for spine in ax.spines.values():
        spine.set_color(INK)
    legend = ax.legend(fontsize=_FONT, labelcolor=INK, facecolor="none", edgecolor=MUTED)
    legend.get_frame().set_alpha(None)
    fig.tight_layout()
    return fig
