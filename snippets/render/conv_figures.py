"""Figures of Part V 1: which inputs each asked output reads, and which meet each asked weight.

Every value drawn is computed by `snippets.conv` from the data passed in; nothing is typed here.
The solutions' figures share one width and one cell size, so their text has the same size on
the page; the questions' figures are drawn narrow, to be read on a phone without scrolling.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from snippets import conv
from snippets.conv import Cell
from snippets.render.numbers import plain_fraction
from snippets.render.palette import HIGHLIGHT, INK, MUTED, SERIES

_GRID_FONT = 9
_WIDTH = 7.5  # inches: every figure of this module, so all scale alike in the column
_CELL = 0.36  # inches per grid cell
_GAP = 1.2  # cells between panels (wider between small panels, to fit their titles)
_TITLE_CELLS = 4.5  # cells a panel title needs
_TITLE = 1.1  # cells above a panel for its title
_LINESTYLES = ("solid", (0, (4, 2)), (0, (1, 1.5)), (0, (5, 1.5, 1, 1.5)))  # one per asked cell


def number_text(value: float) -> str:
    """A cell's value as the grids write it: an integer or a small fraction (1/9), else three
    significant digits."""
    return plain_fraction(value, 3)


def position_name(cell: Cell, shape: tuple[int, int]) -> str:
    """The exam's name for a cell of a 3 x 3 grid ("top middle"), else "row i, column j"."""
    if shape != (3, 3):
        return f"row {cell[0]}, column {cell[1]}"
    rows, cols = ("top", "middle", "bottom"), ("left", "middle", "right")
    if cell == (1, 1):
        return "centre"
    return f"{rows[cell[0]]} {cols[cell[1]]}"


def _panels(
    rows: Sequence[Sequence[tuple[int, int]]], *, narrow: bool = False
) -> tuple[Figure, list[list[Axes]]]:
    """A figure with rows of grid panels (shapes in cells), each row centred: `_WIDTH` wide,
    or with `narrow` just as wide as its widest row and the titles need (a phone's width)."""
    heights = [max(shape[0] for shape in row) + _TITLE for row in rows]
    height = (sum(heights) + 0.3) * _CELL
    gaps = [max(_GAP, _TITLE_CELLS - min(shape[1] for shape in row)) for row in rows]
    widths = [
        (sum(shape[1] for shape in row) + gap * (len(row) - 1)) * _CELL
        for row, gap in zip(rows, gaps, strict=True)
    ]
    # A title may be wider than its panel: half the excess on each side, a little at least.
    overhang = max(0.3, (_TITLE_CELLS - min(shape[1] for row in rows for shape in row)) / 2)
    fig_width = max(widths) + 2 * overhang * _CELL if narrow else _WIDTH
    fig = Figure(figsize=(fig_width, height))
    fig.patch.set_alpha(0)
    axes, top = [], height
    for row, row_height, gap, width in zip(rows, heights, gaps, widths, strict=True):
        if width > fig_width:
            raise ValueError(f"rows must fit the figure's {fig_width} inches, got {width:.2f}")
        left, row_axes = (fig_width - width) / 2, []
        for shape in row:
            # Vertically centred in the row, below the title space.
            bottom = top - (_TITLE + (row_height - _TITLE + shape[0]) / 2) * _CELL
            box = (
                left / fig_width,
                bottom / height,
                shape[1] * _CELL / fig_width,
                shape[0] * _CELL / height,
            )
            row_axes.append(fig.add_axes(box))
            left += (shape[1] + gap) * _CELL
        axes.append(row_axes)
        top -= row_height * _CELL
    return fig, axes


def _grid(
    ax: Axes,
    values: np.ndarray,
    *,
    title: str,
    faint: np.ndarray | None = None,
    fills: dict[Cell, str] | None = None,
    hidden: Sequence[Cell] = (),
) -> None:
    """A table of numbers, one square per cell; `faint` cells (padding) in the muted colour,
    `hidden` cells (the ones a question asks for) shown as "?"."""
    fills = fills or {}
    for (i, j), value in np.ndenumerate(values):
        ax.add_patch(
            Rectangle(
                (j, i), 1, 1, facecolor=fills.get((i, j), "none"), edgecolor=MUTED,
                linewidth=0.6, clip_on=False,  # the outer edges lie on the axes' border
            )
        )  # fmt: skip
        colour = MUTED if faint is not None and faint[i, j] else INK
        text = "?" if (i, j) in hidden else number_text(value)
        ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=_GRID_FONT, color=colour)
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)  # row 0 on top
    ax.set_axis_off()
    ax.set_facecolor("none")
    ax.set_title(title, fontsize=_GRID_FONT + 1, color=INK, pad=4)


def _outline(ax: Axes, cells: Sequence[Cell], k: int, *, inset: float) -> None:
    """A rectangle around the bounding box of `cells` in series colour k, inset a little."""
    rows = [c[0] for c in cells]
    cols = [c[1] for c in cells]
    top, left = min(rows) + inset, min(cols) + inset
    height, width = max(rows) + 1 - inset - top, max(cols) + 1 - inset - left
    ax.add_patch(
        Rectangle(
            (left, top), width, height, facecolor="none", edgecolor=SERIES[k % len(SERIES)],
            linewidth=1.8, linestyle=_LINESTYLES[k % len(_LINESTYLES)], clip_on=False,
        )
    )  # fmt: skip


def _padding_mask(shape: tuple[int, int], padding: int) -> np.ndarray:
    mask = np.ones((shape[0] + 2 * padding, shape[1] + 2 * padding), dtype=bool)
    mask[padding : padding + shape[0], padding : padding + shape[1]] = False
    return mask


def conv_forward_figure(
    x: object,
    kernel: object,
    stride: int,
    padding: int,
    asked_output: Sequence[Cell],
    *,
    reveal: bool = True,
) -> Figure:
    """Padded input with the receptive field of each asked output cell outlined, the kernel,
    and the output Z with the asked cells highlighted in the same colour and line style.

    With `reveal=False` it is the question's figure, as the exam drew it: the input as given
    (unpadded) and the output with the asked cells shown as "?". The kernel, stated above the
    question, is left out, so the two grids fit a phone's width.
    """
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    shown = conv.pad(x, padding) if reveal else x
    z = conv.conv2d(x, kernel, stride, padding)
    if reveal:
        fig, ((ax_x, ax_w, ax_z),) = _panels([(shown.shape, kernel.shape, z.shape)])
        _grid(ax_x, shown, title=f"input X, zero padding {padding}",
              faint=_padding_mask(x.shape, padding))  # fmt: skip
        for k, cell in enumerate(asked_output):
            field = conv.receptive_field(cell, kernel.shape[0], stride)
            _outline(ax_x, field, k, inset=0.05 + 0.07 * k)
        _grid(ax_w, kernel, title="kernel W")
    else:
        fig, ((ax_x, ax_z),) = _panels([(shown.shape, z.shape)], narrow=True)
        _grid(ax_x, shown, title="input X")
    hidden = () if reveal else asked_output
    _grid(ax_z, z, title=f"output Z, stride {stride}", fills=dict.fromkeys(asked_output, HIGHLIGHT),
          hidden=hidden)  # fmt: skip
    for k, cell in enumerate(asked_output):
        _outline(ax_z, [cell], k, inset=0.06)
    return fig


def grad_kernel_figure(
    x: object,
    kernel_size: int,
    grad_output: object,
    stride: int,
    padding: int,
    asked_grad_kernel: Sequence[Cell],
    *,
    reveal: bool = True,
) -> Figure:
    """Upstream gradient dZ and kernel gradient dW (asked cells highlighted), then for each asked
    dW[a, b] the padded-input cells that meet weight W[a, b], crossed out where dZ[i, j] = 0.

    With `reveal=False` it is the question's figure: dZ and dW only, the asked cells as "?".
    """
    x = np.asarray(x, dtype=float)
    grad_output = np.asarray(grad_output, dtype=float)
    x_pad = conv.pad(x, padding)
    kernel_shape = (kernel_size, kernel_size)
    # dW does not depend on W itself, so any kernel of the right size will do.
    grad_kernel = conv.conv2d_backward(
        x, np.zeros(kernel_shape), grad_output, stride, padding
    ).grad_kernel
    asked = list(asked_grad_kernel)
    # Two input panels a row below the gradients (none in the question's figure).
    pairs = [asked[k : k + 2] for k in range(0, len(asked), 2)] if reveal else []
    fig, axes = _panels(
        [(grad_output.shape, kernel_shape)] + [[x_pad.shape] * len(p) for p in pairs],
        narrow=not reveal,
    )
    ax_dz, ax_dw = axes[0]
    _grid(ax_dz, grad_output, title="upstream gradient ∇Z")
    _grid(ax_dw, grad_kernel, title="kernel gradient ∇W", fills=dict.fromkeys(asked, HIGHLIGHT),
          hidden=() if reveal else asked)  # fmt: skip
    for k, cell in enumerate(asked):
        _outline(ax_dw, [cell], k, inset=0.06)

    panel_axes = [ax for row in axes[1:] for ax in row]
    for k, (ax, cell) in enumerate(zip(panel_axes, asked if reveal else [], strict=True)):
        terms = conv.grad_kernel_terms(x, kernel_size, grad_output, cell, stride, padding)
        fills = {t.input_cell: HIGHLIGHT for t in terms}
        total = number_text(sum(t.product for t in terms))
        title = f"∇W {position_name(cell, kernel_shape)}: {total}"
        _grid(ax, x_pad, title=title, faint=_padding_mask(x.shape, padding), fills=fills)
        colour = SERIES[k % len(SERIES)]
        for term in terms:
            row, col = term.input_cell
            ax.add_patch(
                Rectangle((col + 0.06, row + 0.06), 0.88, 0.88, facecolor="none",
                          edgecolor=colour, linewidth=1.4, linestyle=_LINESTYLES[k % 4])
            )  # fmt: skip
            if term.factor == 0:  # dZ[i, j] = 0: this input adds nothing to dW[a, b]
                for ends in ((0.85, 0.15), (0.15, 0.85)):  # a cross over the cell
                    ax.plot([col + 0.2, col + 0.8], [row + ends[0], row + ends[1]],
                            color=MUTED, linewidth=1.0)  # fmt: skip
    return fig
