"""Figures of Part VI: the reconstructed network and its parameter count against input size.

Every label is read from the shape table (`architectures.propagate`) or the parameter split
(`architectures.parameter_split`); nothing is typed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from snippets.architectures import Conv, Dense, Flatten, LayerShape, MaxPool, ParameterSplit
from snippets.render.axes import style_axes
from snippets.render.numbers import THIN_TIMES, shape_text
from snippets.render.palette import ACCENT, HIGHLIGHT, INK, MUTED, PAPER, SERIES

_FONT = 11  # points; the figure's width below keeps it at 11 CSS px or more on a phone
_COLUMN = 1.35  # inches between volume centres: three volumes a row fit a phone's column
_GAP = 0.1  # inches between a box (or an arrow) and its labels
_LINE = 1.3 * _FONT / 72  # inches: the height of one line of text
_MARGIN = 0.1  # inches of empty border


def _box(shape: tuple[int, ...]) -> tuple[float, float]:
    """Width and height (inches) of a volume: height grows with log size, width with log depth."""
    if len(shape) == 1:  # a flat vector: a thin bar
        return 0.14, 0.2 + 0.06 * np.log2(shape[0])
    height, _, channels = shape
    return 0.12 + 0.045 * np.log2(channels), 0.15 + 0.09 * np.log2(height)


def _operation(row: LayerShape, flattened: LayerShape | None, show_sizes: bool) -> tuple[str, str]:
    """Text above and below the arrow into a volume: the operation and its filter size f and
    stride s, or for the first FC layer the length of the flattened vector it reads."""
    layer = row.layer
    if isinstance(layer, Conv | MaxPool):
        kind = "conv" if isinstance(layer, Conv) else "max pool"
        stride = f", s={layer.stride}" if layer.stride != 1 else ""
        return kind, f"f={layer.kernel_size}{stride}"
    if flattened is None:
        return "FC", ""
    return "flatten, FC", f"{flattened.output_shape[0]} inputs" if show_sizes else ""


def _style(row: LayerShape | None, is_output: bool) -> dict[str, object]:
    if row is None:  # the input image
        return {"facecolor": "none", "edgecolor": INK}
    if is_output:  # missing from the exam's figure: the answer of part (b)
        return {"facecolor": "none", "edgecolor": ACCENT, "linestyle": (0, (3, 2))}
    if isinstance(row.layer, Conv):
        return {"facecolor": HIGHLIGHT, "edgecolor": SERIES[0]}
    if isinstance(row.layer, MaxPool):
        return {"facecolor": "none", "edgecolor": SERIES[1]}
    return {"facecolor": SERIES[2], "edgecolor": SERIES[2]}


def network_figure(
    rows: Sequence[LayerShape],
    input_shape: tuple[int, int, int],
    *,
    show_sizes: bool = True,
    output_name: str = "output",
    per_row: int = 3,
) -> Figure:
    """The network as volumes (boxes labelled with their sizes) joined by operations (arrows
    labelled with filter size f and stride s), `per_row` volumes a row; the output layer dashed.

    Without `show_sizes` it is the question's figure: heights and widths are "?" (part (c)).
    Pass the rows without the output layer for the exam's figure, which leaves it out (part (b)).
    """
    volumes: list[tuple[str, tuple[int, ...], LayerShape | None]] = [("input", input_shape, None)]
    operations: list[tuple[str, str]] = []
    flattened = None  # a Flatten is drawn as part of the arrow into the next layer
    for row in rows:
        if isinstance(row.layer, Flatten):
            flattened = row
            continue
        operations.append(_operation(row, flattened, show_sizes))
        volumes.append((row.layer.name, row.output_shape, row))
        flattened = None
    # Each row of the layout is as tall as its tallest box, plus a line of text above and below.
    chunks = [volumes[i : i + per_row] for i in range(0, len(volumes), per_row)]
    halves = [max(_box(shape)[1] for _, shape, _ in chunk) / 2 for chunk in chunks]
    # Between two rows: the arrow back to the start, its two labels and a gap either side.
    band = 2 * (_LINE + _GAP) + _GAP
    width = per_row * _COLUMN + 2 * _MARGIN
    height = sum(2 * (half + _GAP + _LINE) for half in halves) + (len(chunks) - 1) * band
    height += 2 * _MARGIN
    centre_y, top = [], height - _MARGIN
    for half in halves:
        centre_y.append(top - _LINE - _GAP - half)
        top -= 2 * (half + _GAP + _LINE) + band
    fig = Figure(figsize=(width, height))
    fig.patch.set_alpha(0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor("none")
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()

    centres = []
    for i, (name, shape, row) in enumerate(volumes):
        line, column = divmod(i, per_row)
        x = _MARGIN + (column + 0.5) * _COLUMN
        y = centre_y[line]
        w, h = _box(shape)
        is_output = row is not None and isinstance(row.layer, Dense) and name == output_name
        ax.add_patch(
            Rectangle((x - w / 2, y - h / 2), w, h, linewidth=1.2, **_style(row, is_output))
        )
        name_y, size_y = y + halves[line] + _GAP, y - halves[line] - _GAP
        ax.text(x, name_y, name, ha="center", va="bottom", fontsize=_FONT, color=MUTED)
        label = shape_text(shape, THIN_TIMES)
        if not show_sizes and row is not None:
            # heights and widths asked in part (c); channels and units are the figure's own
            label = shape_text(("?", "?", shape[2]) if len(shape) == 3 else shape, THIN_TIMES)
            label = "?" if is_output else label
        ax.text(x, size_y, label, ha="center", va="top", fontsize=_FONT, color=INK)
        centres.append((x, y, w, halves[line] + _GAP + _LINE))

    for (above, below), (x0, y0, w0, reach0), (x1, y1, w1, reach1) in zip(
        operations, centres[:-1], centres[1:], strict=True
    ):
        if y0 == y1:  # along a row
            path = [(x0 + w0 / 2 + 0.05, y0), (x1 - w1 / 2 - 0.05, y1)]
            label_x, label_y = (path[0][0] + path[1][0]) / 2, y0
        else:  # from the end of one row back to the start of the next, between their labels
            turn_x, mid_y = x0 + _COLUMN / 2, (y0 - reach0 + y1 + reach1) / 2
            start_x = x1 - _COLUMN / 2 + 0.05
            corners = [(x0 + w0 / 2 + 0.05, y0), (turn_x, y0), (turn_x, mid_y), (start_x, mid_y)]
            ax.plot(*zip(*corners, (start_x, y1), strict=True), color=INK, linewidth=1.0)
            path = [(start_x, y1), (x1 - w1 / 2 - 0.05, y1)]
            label_x, label_y = width / 2, mid_y
        ax.add_patch(
            FancyArrowPatch(path[0], path[1], arrowstyle="-|>", mutation_scale=9, color=INK, lw=1.0)
        )
        for text, dy, va in ((above, _GAP / 2, "bottom"), (below, -_GAP / 2, "top")):
            ax.text(label_x, label_y + dy, text, ha="center", va=va, fontsize=_FONT, color=INK)
    return fig


def parameters_vs_input_figure(splits: Sequence[ParameterSplit], *, marked_size: int) -> Figure:
    """Total parameters against the input size, split into the first FC layer (which grows with
    the input) and all other layers (which do not); the exam's input size marked.

    Drawn narrow, with every label at the network figure's size, to be read on a phone.
    """
    first_dense_name = splits[0].first_dense_name
    marked = next((s for s in splits if s.input_size == marked_size), None)
    if marked is None:
        raise ValueError(f"marked_size must be one of the input sizes of splits, got {marked_size}")
    # A step plot needs only the sizes where a count changes (and the last size).
    counts = [(s.conv, s.first_dense, s.other_dense) for s in splits]
    kept = [
        s for i, s in enumerate(splits) if i in (0, len(splits) - 1) or counts[i] != counts[i - 1]
    ]
    sizes = np.array([s.input_size for s in kept])
    rest = np.array([s.conv + s.other_dense for s in kept]) / 1e6
    total = np.array([s.total for s in kept]) / 1e6
    fig = Figure(figsize=(4.6, 3.4), layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.tick_params(labelsize=_FONT)
    ax.set_axisbelow(True)  # grid under the bands
    ax.fill_between(sizes, 0, rest, step="post", facecolor=HIGHLIGHT, edgecolor=SERIES[1])
    ax.fill_between(sizes, rest, total, step="post", facecolor=SERIES[0], alpha=0.35, lw=0)
    ax.step(sizes, total, where="post", color=INK, linewidth=1.2)
    ax.set_xlim(sizes[0], sizes[-1])
    ax.set_ylim(0, total.max() * 1.08)
    label = {"va": "center", "color": INK, "fontsize": _FONT}
    # x in axes fraction, y in data: inside the flat band, near the left edge
    left_y = ax.get_yaxis_transform()
    ax.text(0.03, rest[0] / 2, "all other layers (constant)", transform=left_y, **label)
    right = 3 * len(sizes) // 4  # where the growing band is wide enough for its label
    middle = (rest[right] + total[right]) / 2
    ax.text(sizes[right], middle, f"first FC layer ({first_dense_name})", ha="center", **label)
    ax.axvline(marked_size, color=MUTED, linestyle=(0, (4, 3)), linewidth=1.0)
    share = marked.first_dense / marked.total
    # Top left, where the staircase is still low; the paper-coloured box hides the guide line.
    ax.annotate(
        f"{shape_text((marked_size, marked_size), THIN_TIMES)}: {marked.total / 1e6:.1f} M,\n"
        f"{first_dense_name} {marked.first_dense / 1e6:.1f} M ({share:.0%})",
        xy=(marked_size, marked.total / 1e6),
        xytext=(0.03, 0.95),
        textcoords="axes fraction",
        ha="left",
        va="top",
        color=INK,
        fontsize=_FONT,
        bbox={"boxstyle": "square,pad=0.15", "facecolor": PAPER, "edgecolor": "none"},
        arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 0.8, "shrinkA": 2, "shrinkB": 2},
    )
    ax.set_xlabel("input height = width (pixels)", fontsize=_FONT)
    ax.set_ylabel("parameters (millions)", fontsize=_FONT)
    return fig
