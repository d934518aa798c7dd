"""Figures of Part IV: the 2-2-2 ReLU network as a computational graph.

The forward figure writes each node's value in the node and each weight's value on its edge;
the backward figure writes ∂loss/∂(node) in the node and ∂loss/∂(weight) on the edge, and
marks the paths of the asked weight's chain rule. Every number comes from a
`snippets.backprop.Solution`; nothing is typed here.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from snippets.backprop import BIAS_NAMES, Solution, relu_grad
from snippets.render.palette import ACCENT, HIGHLIGHT, INK, MUTED, PAPER

_FONT = 11  # the figure is drawn about as wide as the text column
_MINUS = "\u2212"

# Node centres in data units: inputs, pre-activations, activations, outputs, loss.
_POSITIONS = {
    "i1": (0.0, 1.2),
    "i2": (0.0, -1.2),
    "h1": (3.1, 1.2),
    "h2": (3.1, -1.2),
    "h3": (5.6, 1.2),
    "h4": (5.6, -1.2),
    "o1": (8.7, 1.2),
    "o2": (8.7, -1.2),
    "loss": (10.9, 0.0),
    # Biases sit above the top row and below the bottom row; targets beside the loss.
    "b1": (3.1, 2.75),
    "b2": (3.1, -2.75),
    "b3": (8.7, 2.75),
    "b4": (8.7, -2.75),
    "t1": (10.9, 1.95),
    "t2": (10.9, -1.95),
}
# Weighted edges: weight name -> (source unit, target unit), as in the exam (w_kj: k to j).
_WEIGHTS = {
    "w11": ("i1", "h1"),
    "w12": ("i1", "h2"),
    "w21": ("i2", "h1"),
    "w22": ("i2", "h2"),
    "w31": ("h3", "o1"),
    "w32": ("h3", "o2"),
    "w41": ("h4", "o1"),
    "w42": ("h4", "o2"),
}
_BIASES = {"b1": "h1", "b2": "h2", "b3": "o1", "b4": "o2"}
_RELUS = {"h3": "h1", "h4": "h2"}  # activation -> pre-activation
_NODE_SIZE = (0.95, 0.78)  # width and height of a unit's box
_SMALL_SIZE = (0.8, 0.62)  # biases and targets
# Where along a weighted edge its label sits: crossing edges near their source, so that the
# two labels of a crossing never meet in the middle.
_LABEL_AT = {"straight": 0.5, "crossing": 0.3}


def number_text(value: float) -> str:
    """A value with up to four significant digits and a true minus sign; -0 is 0."""
    text = f"{value:.4g}"
    return "0" if text == "-0" else text.replace("-", _MINUS)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def symbol_text(name: str) -> str:
    """The exam's name with subscript digits: w21 -> w₂₁, loss -> L.

    Plain Unicode rather than mathtext: the browser lays out each label as one text run in
    the page's font, so no glyph is placed with another font's widths.
    """
    return "L" if name == "loss" else name[0] + name[1:].translate(_SUBSCRIPTS)


def _grad_symbol(name: str) -> str:
    return f"∂L/∂{symbol_text(name)}"


def forward_figure(solution: Solution, *, show_computed: bool = True) -> Figure:
    """The network with the forward pass: each node's value, each weight on its edge.

    With `show_computed=False` only the given values are written (the question's figure).
    """
    f = solution.forward
    values = dict(zip(("i1", "i2"), solution.inputs, strict=True))
    values |= dict(zip(("t1", "t2"), solution.targets, strict=True))
    values |= dict(solution.biases)
    if show_computed:
        values |= {k: getattr(f, k) for k in ("h1", "h2", "h3", "h4", "o1", "o2", "loss")}
    edge_labels = {k: f"{symbol_text(k)} = {number_text(v)}" for k, v in solution.weights.items()}
    title = (
        "Forward pass: the value of every node, the weight on every edge"
        if show_computed
        else "The network: given values in the nodes, the weights on the edges"
    )
    return _graph(
        title=title,
        node_values=values,
        edge_labels=edge_labels,
        relu_labels=dict.fromkeys(_RELUS, "ReLU"),
        marked=frozenset(),
        asked=None,
    )


def backward_figure(solution: Solution) -> Figure:
    """The network with the backward pass: ∂L/∂node in each node, ∂L/∂weight on its edge.

    The edges of every path in the chain rule of the asked weight are drawn in the accent
    colour, so the figure shows which local derivatives the asked gradient multiplies.
    """
    f, b = solution.forward, solution.backward
    values = {"loss": 1.0}  # ∂L/∂L
    values |= {k: getattr(b, f"grad_{k}") for k in ("h1", "h2", "h3", "h4", "o1", "o2")}
    values |= dict(b.grad_biases)
    edge_labels = {k: f"{_grad_symbol(k)} = {number_text(v)}" for k, v in b.grad_weights.items()}
    relu_labels = {
        h: f"ReLU′({symbol_text(pre)}) = {number_text(relu_grad(getattr(f, pre)))}"
        for h, pre in _RELUS.items()
    }
    marked = set()
    for path in solution.chain.paths:
        for factor in path:
            marked.add(_edge_of(factor.of, factor.wrt))
    return _graph(
        title=(
            "Backward pass: ∂L/∂(node) in every node, ∂L/∂(weight) on every edge\n"
            f"the paths from L to {symbol_text(solution.asked)} in colour"
        ),
        node_values=values,
        edge_labels=edge_labels,
        relu_labels=relu_labels,
        marked=frozenset(marked),
        asked=solution.asked,
    )


def _edge_of(of: str, wrt: str) -> tuple[str, str]:
    """The drawn edge (source, target) that carries the local derivative ∂of/∂wrt."""
    if wrt in _WEIGHTS:
        return _WEIGHTS[wrt]
    if wrt in _BIASES:
        return (wrt, of)
    return (wrt, of)  # a unit below `of`


def _graph(
    *,
    title: str,
    node_values: dict[str, float],
    edge_labels: dict[str, str],
    relu_labels: dict[str, str],
    marked: frozenset[tuple[str, str]],
    asked: str | None,
) -> Figure:
    fig = Figure(figsize=(8.4, 5.0), layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    ax.set_facecolor("none")
    ax.set_axis_off()
    ax.set_xlim(-0.6, 11.5)
    ax.set_ylim(-3.2, 3.2)
    ax.set_title(title, fontsize=_FONT + 1, color=INK)

    boxes = {}
    for name, (x, y) in _POSITIONS.items():
        small = name in BIAS_NAMES or name.startswith("t")
        if name not in node_values:  # not computed yet, or without a gradient (inputs, targets)
            boxes[name] = _node(ax, name, x, y, None, small=small)
        else:
            boxes[name] = _node(ax, name, x, y, node_values[name], small=small)

    for name, (source, target) in _WEIGHTS.items():
        edge = (source, target)
        colour = ACCENT if edge in marked else INK
        _arrow(ax, boxes[source], boxes[target], colour, width=2.0 if edge in marked else 1.0)
        crossing = _POSITIONS[source][1] != _POSITIONS[target][1]
        t = _LABEL_AT["crossing" if crossing else "straight"]
        (x0, y0), (x1, y1) = _POSITIONS[source], _POSITIONS[target]
        x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        if not crossing:  # beside the line, away from the crossing edges
            y += 0.22 if y0 > 0 else -0.22
        _label(ax, x, y, edge_labels[name], ACCENT if name == asked else INK)

    for h, pre in _RELUS.items():
        edge = (pre, h)
        colour = ACCENT if edge in marked else INK
        _arrow(ax, boxes[pre], boxes[h], colour, width=2.0 if edge in marked else 1.0)
        (x0, y0), (x1, _) = _POSITIONS[pre], _POSITIONS[h]
        _label(ax, (x0 + x1) / 2, y0 + (0.55 if y0 > 0 else -0.55), relu_labels[h], INK)

    for bias, unit in _BIASES.items():
        colour = ACCENT if (bias, unit) in marked else MUTED
        _arrow(ax, boxes[bias], boxes[unit], colour, width=1.0)
    for output, target in (("o1", "t1"), ("o2", "t2")):
        edge = (output, "loss")
        colour = ACCENT if edge in marked else INK
        _arrow(ax, boxes[output], boxes["loss"], colour, width=2.0 if edge in marked else 1.0)
        _arrow(ax, boxes[target], boxes["loss"], MUTED, width=1.0)
    # A diagram inside the limits above: clipping to the axes would only add a clip path to
    # every element of the SVG.
    for artist in (*ax.patches, *ax.texts):
        artist.set_clip_on(False)
    return fig


def _node(
    ax: Axes, name: str, x: float, y: float, value: float | None, *, small: bool
) -> FancyBboxPatch:
    """A rounded box with the node's name and, below it, its value."""
    width, height = _SMALL_SIZE if small else _NODE_SIZE
    box = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle="round,pad=0,rounding_size=0.15",
        facecolor=PAPER if small else HIGHLIGHT,
        edgecolor=MUTED if small else INK,
        linewidth=1.0,
        zorder=2,
    )
    ax.add_patch(box)
    if value is None:
        ax.text(
            x, y, symbol_text(name), ha="center", va="center", fontsize=_FONT, color=INK, zorder=3
        )
    else:
        ax.text(x, y + 0.16, symbol_text(name), ha="center", va="center", fontsize=_FONT,
                color=INK, zorder=3)  # fmt: skip
        ax.text(x, y - 0.18, number_text(value), ha="center", va="center", fontsize=_FONT,
                color=INK, fontweight="bold", zorder=3)  # fmt: skip
    return box


def _arrow(
    ax: Axes, source: FancyBboxPatch, target: FancyBboxPatch, colour: str, *, width: float
) -> None:
    ax.add_patch(
        FancyArrowPatch(
            patchA=source,
            patchB=target,
            posA=_centre(source),
            posB=_centre(target),
            arrowstyle="-|>",
            mutation_scale=10,
            color=colour,
            linewidth=width,
            zorder=1,
        )
    )


def _centre(box: FancyBboxPatch) -> tuple[float, float]:
    return box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2


def _label(ax: Axes, x: float, y: float, text: str, colour: str) -> None:
    """A label on a white (paper) ground, so the lines behind it do not cross the text."""
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=_FONT - 0.5,
        color=colour,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": PAPER, "edgecolor": "none"},
    )
