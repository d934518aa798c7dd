"""Figures of Part IV: the 2-2-2 ReLU network as a computational graph.

The question's figure writes only the given values: inputs, biases and targets in their
nodes, each weight on its edge. The forward figure adds each unit's value (not the loss); the
backward figure writes ∂L/∂(node) in each unit and bias and ∂L/∂(weight) on each edge, and
draws the paths of the asked parameter's chain rule in the accent colour. Every number comes
from a `snippets.backprop.Solution`; nothing is typed here.

The layout is in inches (one data unit = one inch) and compact: 6.2 inches at an 11 pt font,
so that on a phone, where a figure keeps at least 480 CSS px and scrolls sideways, no label
is drawn smaller than 11 CSS px. Long labels (the gradients) are set on two lines.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from snippets.backprop import BIAS_NAMES, Solution, relu_grad
from snippets.render.numbers import plain
from snippets.render.palette import ACCENT, HIGHLIGHT, INK, MUTED, PAPER

FONT = 11  # points, every label of the figure
SIZE = (6.2, 3.9)  # inches: width, height

# Node centres in inches: inputs, sums, activations, outputs, loss.
POSITIONS = {
    "i1": (0.35, 2.85),
    "i2": (0.35, 1.05),
    "h1": (1.95, 2.85),
    "h2": (1.95, 1.05),
    "h3": (3.25, 2.85),
    "h4": (3.25, 1.05),
    "o1": (4.85, 2.85),
    "o2": (4.85, 1.05),
    "loss": (5.85, 1.95),
    # Biases above the top row and below the bottom row; targets above and below the loss.
    "b1": (1.95, 3.6),
    "b2": (1.95, 0.3),
    "b3": (4.85, 3.6),
    "b4": (4.85, 0.3),
    "t1": (5.85, 3.05),
    "t2": (5.85, 0.85),
}
# Weighted edges: weight name -> (source unit, target unit), as in the exam (w_kj: k to j).
WEIGHT_EDGES = {
    "w11": ("i1", "h1"),
    "w12": ("i1", "h2"),
    "w21": ("i2", "h1"),
    "w22": ("i2", "h2"),
    "w31": ("h3", "o1"),
    "w32": ("h3", "o2"),
    "w41": ("h4", "o1"),
    "w42": ("h4", "o2"),
}
BIAS_EDGES = {"b1": "h1", "b2": "h2", "b3": "o1", "b4": "o2"}
RELU_EDGES = {"h3": "h1", "h4": "h2"}  # activation -> its sum
FORWARD_NODES = ("h1", "h2", "h3", "h4", "o1", "o2")  # the values the forward figure adds
_MIDDLE = POSITIONS["loss"][1]  # between the two rows: labels go above the top, below the bottom
_NODE_SIZE = (0.62, 0.5)  # width and height of a unit's box, inches
_SMALL_SIZE = (0.56, 0.44)  # biases and targets
_ROUNDING = 0.08  # radius of a box's rounded corners, inches
_BOX_LINE = 1.0  # width of a box's outline, points
# An arrow stops this far beyond the outline of the box it leaves or enters: half the outline's
# width, then 2 points of air (the ends matplotlib would draw by clipping the arrow at the box,
# computed here: clipping by the box's path costs most of a figure's drawing time).
_ARROW_GAP = (_BOX_LINE / 2, 2.0)  # points: beyond the outline's middle, then along the arrow
# Where along a weighted edge its label sits: crossing edges near their source, so that the
# two labels of a crossing never meet in the middle.
_LABEL_AT = {"straight": 0.5, "crossing": 0.3}


def number_text(value: float) -> str:
    """A value as the figures label it: up to four significant digits."""
    return plain(value, 4)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def symbol_text(name: str) -> str:
    """The exam's name with subscript digits: w21 -> w₂₁, loss -> L.

    Plain Unicode rather than mathtext: the browser lays out each label as one text run in
    the page's font, so no glyph is placed with another font's widths.
    """
    return "L" if name == "loss" else name[0] + name[1:].translate(_SUBSCRIPTS)


def gradient_label(name: str, value: float) -> str:
    """∂L/∂name and its value on two lines, as the backward figure writes it."""
    return f"∂L/∂{symbol_text(name)}\n= {number_text(value)}"


def relu_label(pre: str, value: float) -> str:
    """ReLU′(pre) and its value on two lines."""
    return f"ReLU′({symbol_text(pre)})\n= {number_text(value)}"


def question_figure(solution: Solution) -> Figure:
    """The network with only the given values: the question's figure, nothing computed."""
    return _graph(
        node_values=_given(solution),
        edge_labels=_weight_labels(solution),
        relu_labels=dict.fromkeys(RELU_EDGES, "ReLU"),
        marked=frozenset(),
        asked=None,
    )


def forward_figure(solution: Solution) -> Figure:
    """The network with the forward pass: each unit's value next to the given ones, each
    weight on its edge. The loss is left out: it is the answer of (b)."""
    f = solution.forward
    values = _given(solution)
    values |= {k: getattr(f, k) for k in FORWARD_NODES}
    return _graph(
        node_values=values,
        edge_labels=_weight_labels(solution),
        relu_labels=dict.fromkeys(RELU_EDGES, "ReLU"),
        marked=frozenset(),
        asked=None,
    )


def backward_figure(solution: Solution) -> Figure:
    """The network with the backward pass: ∂L/∂node in each unit and bias, ∂L/∂weight on
    its edge, ReLU′ on each ReLU edge.

    The edges of every path in the chain rule of the asked parameter are drawn in the
    accent colour, so the figure shows which local derivatives the asked gradient multiplies.
    """
    f, b = solution.forward, solution.backward
    values = {"loss": 1.0}  # ∂L/∂L
    values |= {k: getattr(b, f"grad_{k}") for k in ("h1", "h2", "h3", "h4", "o1", "o2")}
    values |= dict(b.grad_biases)
    edge_labels = {k: gradient_label(k, v) for k, v in b.grad_weights.items()}
    relus = {h: relu_label(pre, relu_grad(getattr(f, pre))) for h, pre in RELU_EDGES.items()}
    return _graph(
        node_values=values,
        edge_labels=edge_labels,
        relu_labels=relus,
        marked=marked_edges(solution),
        asked=solution.asked,
    )


def marked_edges(solution: Solution) -> frozenset[tuple[str, str]]:
    """The drawn edges (source, target) on the paths of the asked parameter's chain rule."""
    return frozenset(
        _edge_of(factor.of, factor.wrt) for path in solution.chain.paths for factor in path
    )


def _given(solution: Solution) -> dict[str, float]:
    values = dict(zip(("i1", "i2"), solution.inputs, strict=True))
    values |= dict(zip(("t1", "t2"), solution.targets, strict=True))
    return values | dict(solution.biases)


def _weight_labels(solution: Solution) -> dict[str, str]:
    return {k: f"{symbol_text(k)} = {number_text(v)}" for k, v in solution.weights.items()}


def _edge_of(of: str, wrt: str) -> tuple[str, str]:
    """The drawn edge (source, target) that carries the local derivative ∂of/∂wrt."""
    if wrt in WEIGHT_EDGES:
        return WEIGHT_EDGES[wrt]
    return (wrt, of)  # a bias or a unit below `of`


def _graph(
    *,
    node_values: dict[str, float],
    edge_labels: dict[str, str],
    relu_labels: dict[str, str],
    marked: frozenset[tuple[str, str]],
    asked: str | None,
) -> Figure:
    fig = Figure(figsize=SIZE)
    fig.patch.set_alpha(0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor("none")
    ax.set_axis_off()
    ax.set_xlim(0, SIZE[0])
    ax.set_ylim(0, SIZE[1])

    boxes = {
        name: _node(ax, name, x, y, node_values.get(name), small=_is_small(name))
        for name, (x, y) in POSITIONS.items()
    }

    def edge(source: str, target: str, *, muted: bool = False) -> None:
        on_path = (source, target) in marked
        colour = ACCENT if on_path else (MUTED if muted else INK)
        arrow = _arrow(boxes[source], boxes[target], colour, width=2.0 if on_path else 1.0)
        arrow.set_gid(f"edge-{source}-{target}")  # as the nodes' boxes: node-<name>
        ax.add_patch(arrow)

    for name, (source, target) in WEIGHT_EDGES.items():
        edge(source, target)
        (x0, y0), (x1, y1) = POSITIONS[source], POSITIONS[target]
        crossing = y0 != y1
        t = _LABEL_AT["crossing" if crossing else "straight"]
        x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        if not crossing:  # beside the line, away from the crossing edges
            y += 0.22 if y0 > _MIDDLE else -0.22
        _label(ax, x, y, edge_labels[name], ACCENT if name == asked else INK)

    for h, pre in RELU_EDGES.items():
        edge(pre, h)
        (x0, y0), (x1, _) = POSITIONS[pre], POSITIONS[h]
        _label(ax, (x0 + x1) / 2, y0 + (0.3 if y0 > _MIDDLE else -0.3), relu_labels[h], INK)

    for bias, unit in BIAS_EDGES.items():
        edge(bias, unit, muted=True)
    for output, target in (("o1", "t1"), ("o2", "t2")):
        edge(output, "loss")
        edge(target, "loss", muted=True)
    # A diagram inside the limits above: clipping to the axes would only add a clip path to
    # every element of the SVG.
    for artist in (*ax.patches, *ax.texts):
        artist.set_clip_on(False)
    return fig


def _is_small(name: str) -> bool:
    return name in BIAS_NAMES or name.startswith("t")


def _node(
    ax: Axes, name: str, x: float, y: float, value: float | None, *, small: bool
) -> FancyBboxPatch:
    """A rounded box with the node's name and, below it, its value (if it has one)."""
    width, height = _SMALL_SIZE if small else _NODE_SIZE
    box = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle=f"round,pad=0,rounding_size={_ROUNDING}",
        facecolor=PAPER if small else HIGHLIGHT,
        edgecolor=MUTED if small else INK,
        linewidth=_BOX_LINE,
        zorder=2,
    )
    box.set_gid(f"node-{name}")
    ax.add_patch(box)
    text = {"ha": "center", "va": "center", "fontsize": FONT, "color": INK, "zorder": 3}
    if value is None:
        ax.text(x, y, symbol_text(name), **text)
    else:
        ax.text(x, y + 0.1, symbol_text(name), **text)
        ax.text(x, y - 0.11, number_text(value), fontweight="bold", **text)
    return box


def _arrow(
    source: FancyBboxPatch, target: FancyBboxPatch, colour: str, *, width: float
) -> FancyArrowPatch:
    """An arrow on the line between two boxes' centres, from one box's edge to the other's."""
    start, end = _centre(source), _centre(target)
    return FancyArrowPatch(
        _end_at(source, toward=end),
        _end_at(target, toward=start),
        arrowstyle="-|>",
        mutation_scale=10,
        shrinkA=0,  # _end_at leaves the gap
        shrinkB=0,
        color=colour,
        linewidth=width,
        zorder=1,
    )


def _end_at(box: FancyBboxPatch, *, toward: tuple[float, float]) -> tuple[float, float]:
    """Where an arrow from the centre of `box` toward the point `toward` ends: where that
    line leaves the box's rounded outline, plus _ARROW_GAP."""
    (x, y), (px, py) = _centre(box), toward
    length = math.hypot(px - x, py - y)
    ux, uy = (px - x) / length, (py - y) / length  # unit direction
    grow = _ARROW_GAP[0] / 72  # points to inches
    half_w, half_h = box.get_width() / 2 + grow, box.get_height() / 2 + grow
    radius = _ROUNDING + grow
    # Distance to the straight sides: the nearer of the vertical and the horizontal pair.
    t = min(half_w / abs(ux) if ux else math.inf, half_h / abs(uy) if uy else math.inf)
    corner = (math.copysign(half_w - radius, ux), math.copysign(half_h - radius, uy))
    if abs(t * ux) > abs(corner[0]) and abs(t * uy) > abs(corner[1]):
        # Past a straight side's end: the line leaves through the corner's arc, the far root
        # of |t u - corner|² = radius².
        along = ux * corner[0] + uy * corner[1]
        t = along + math.sqrt(along**2 - corner[0] ** 2 - corner[1] ** 2 + radius**2)
    t += _ARROW_GAP[1] / 72
    return x + t * ux, y + t * uy


def _centre(box: FancyBboxPatch) -> tuple[float, float]:
    return box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2


def _label(ax: Axes, x: float, y: float, text: str, colour: str) -> None:
    """A label on a paper ground, so the lines behind it do not cross the text."""
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        multialignment="center",
        linespacing=1.1,
        fontsize=FONT,
        color=colour,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.12", "facecolor": PAPER, "edgecolor": "none"},
    )
