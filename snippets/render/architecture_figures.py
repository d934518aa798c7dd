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
from snippets.render.palette import ACCENT, HIGHLIGHT, INK, MUTED, SERIES

_TIMES = "\u2009×\u2009"  # thin spaces around the multiplication sign
_COLUMN = 1.55  # inches between volume centres
_ROW = 2.5  # inches between row centres
_FONT = 10.5  # the network figure is wide: large text stays readable when scaled down


def _size_label(shape: Sequence[int | str]) -> str:
    return _TIMES.join(str(n) for n in shape)


def _box(shape: tuple[int, ...]) -> tuple[float, float]:
    """Width and height (inches) of a volume: height grows with log size, width with log depth."""
    if len(shape) == 1:  # a flat vector: a thin bar
        return 0.14, 0.25 + 0.09 * np.log2(shape[0])
    height, _, channels = shape
    return 0.12 + 0.05 * np.log2(channels), 0.2 + 0.13 * np.log2(height)


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
    per_row: int = 4,
) -> Figure:
    """The network as volumes (boxes labelled with their sizes) joined by operations (arrows
    labelled with filter size f and stride s), `per_row` volumes a row; the output layer dashed.

    Without `show_sizes` it is the question's figure: heights and widths are "?" (part (c))
    and so is the size of the output layer (part (b)).
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
    lines = -(-len(volumes) // per_row)  # ceil: rows of the layout
    width, height = per_row * _COLUMN + 0.2, lines * _ROW
    fig = Figure(figsize=(width, height))
    fig.patch.set_alpha(0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor("none")
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    tallest = max(_box(shape)[1] for _, shape, _ in volumes)

    centres = []
    for i, (name, shape, row) in enumerate(volumes):
        line, column = divmod(i, per_row)
        x, y = 0.1 + (column + 0.5) * _COLUMN, height - (line + 0.5) * _ROW
        w, h = _box(shape)
        is_output = row is not None and isinstance(row.layer, Dense) and name == output_name
        ax.add_patch(
            Rectangle((x - w / 2, y - h / 2), w, h, linewidth=1.2, **_style(row, is_output))
        )
        top, bottom = y + tallest / 2 + 0.12, y - tallest / 2 - 0.12
        ax.text(x, top, name, ha="center", va="bottom", fontsize=_FONT, color=MUTED)
        label = _size_label(shape)
        if not show_sizes and row is not None:
            label = (
                "?"
                if is_output
                else _size_label(("?", "?", shape[2]) if len(shape) == 3 else shape)
            )
        ax.text(x, bottom, label, ha="center", va="top", fontsize=_FONT, color=INK)
        centres.append((x, y, w))

    for (above, below), (x0, y0, w0), (x1, y1, w1) in zip(
        operations, centres[:-1], centres[1:], strict=True
    ):
        if y0 == y1:  # along a row
            path = [(x0 + w0 / 2 + 0.05, y0), (x1 - w1 / 2 - 0.05, y1)]
        else:  # from the end of the first row back to the start of the second
            turn_x, mid_y, start_x = x0 + _COLUMN / 2, (y0 + y1) / 2, x1 - _COLUMN / 2 + 0.1
            path = [(x0 + w0 / 2 + 0.05, y0), (turn_x, y0), (turn_x, mid_y), (start_x, mid_y)]
            path += [(start_x, y1), (x1 - w1 / 2 - 0.05, y1)]
            ax.plot(*zip(*path[:-1], strict=True), color=INK, linewidth=1.0)
            path = path[-2:]
        (ax0, ay), (ax1, _) = path
        ax.add_patch(
            FancyArrowPatch(path[0], path[1], arrowstyle="-|>", mutation_scale=9, color=INK, lw=1.0)
        )
        label_x = (ax0 + ax1) / 2 if y0 == y1 else (x0 + x1) / 2
        label_y = ay if y0 == y1 else (y0 + y1) / 2
        ax.text(label_x, label_y + 0.07, above, ha="center", va="bottom", fontsize=_FONT, color=INK)
        ax.text(label_x, label_y - 0.07, below, ha="center", va="top", fontsize=_FONT, color=INK)
    return fig


def parameters_vs_input_figure(splits: Sequence[ParameterSplit], *, marked_size: int) -> Figure:
    """Total parameters against the input size, split into the first FC layer (which grows with
    the input) and all other layers (which do not); the exam's input size marked."""
    first_dense_name = splits[0].first_dense_name
    # A step plot needs only the sizes where a count changes (and the last size).
    counts = [(s.conv, s.first_dense, s.other_dense) for s in splits]
    kept = [
        s for i, s in enumerate(splits) if i in (0, len(splits) - 1) or counts[i] != counts[i - 1]
    ]
    sizes = np.array([s.input_size for s in kept])
    rest = np.array([s.conv + s.other_dense for s in kept]) / 1e6
    total = np.array([s.total for s in kept]) / 1e6
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    style_axes(ax)
    ax.set_axisbelow(True)  # grid under the bands
    ax.fill_between(sizes, 0, rest, step="post", facecolor=HIGHLIGHT, edgecolor=SERIES[1])
    ax.fill_between(sizes, rest, total, step="post", facecolor=SERIES[0], alpha=0.35, lw=0)
    ax.step(sizes, total, where="post", color=INK, linewidth=1.2)
    ax.set_xlim(sizes[0], sizes[-1])
    ax.set_ylim(0, total.max() * 1.08)
    x_text = sizes[len(sizes) // 8]
    ax.text(
        x_text, rest[0] / 2, "all other layers (constant)", va="center", color=INK, fontsize=_FONT
    )
    ax.text(
        sizes[len(sizes) // 2],
        (rest[len(sizes) // 2] + total[len(sizes) // 2]) / 2,
        f"first FC layer ({first_dense_name})",
        va="center",
        color=INK,
        fontsize=_FONT,
    )
    marked = next((s for s in splits if s.input_size == marked_size), None)
    if marked is None:
        raise ValueError(f"marked_size must be one of the input sizes of splits, got {marked_size}")
    ax.axvline(marked_size, color=MUTED, linestyle=(0, (4, 3)), linewidth=1.0)
    share = marked.first_dense / marked.total
    ax.annotate(
        f"{marked_size}{_TIMES}{marked_size}: {marked.total / 1e6:.1f} M in total,\n"
        f"{first_dense_name} {marked.first_dense / 1e6:.1f} M ({share:.0%})",
        xy=(marked_size, marked.total / 1e6),
        xytext=(-6, 36),
        textcoords="offset points",
        ha="right",
        color=INK,
        fontsize=_FONT,
    )
    ax.set_xlabel("input height = width (pixels)")
    ax.set_ylabel("parameters (millions)")
    return fig
