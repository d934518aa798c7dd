"""Reading the drawn figures back: what a matplotlib figure shows, by its patches and texts,
shared by the test modules that check the network graphs and the convolution grids."""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# --- the backpropagation network graphs ---

# Every connection of the network, as the statement and the question figure's description
# list them: inputs into both sums, each sum through ReLU, both activations into both outputs,
# a bias into each sum, the outputs and the targets into the loss.
NETWORK_EDGES = {
    ("i1", "h1"), ("i1", "h2"), ("i2", "h1"), ("i2", "h2"),
    ("h1", "h3"), ("h2", "h4"),
    ("h3", "o1"), ("h3", "o2"), ("h4", "o1"), ("h4", "o2"),
    ("b1", "h1"), ("b2", "h2"), ("b3", "o1"), ("b4", "o2"),
    ("o1", "loss"), ("o2", "loss"), ("t1", "loss"), ("t2", "loss"),
}  # fmt: skip
# The nodes whose values the forward and backward passes compute.
COMPUTED_NODES = ("h1", "h2", "h3", "h4", "o1", "o2", "loss")


def node_boxes(fig) -> dict[str, FancyBboxPatch]:
    """The box of each node, by the node's name (the patch's gid is `node-<name>`)."""
    return {
        patch.get_gid().removeprefix("node-"): patch
        for patch in fig.axes[0].patches
        if (patch.get_gid() or "").startswith("node-")
    }


def node_edges(fig) -> dict[tuple[str, str], FancyArrowPatch]:
    """Each arrow, by the names of the nodes it joins (from, to): its gid is
    `edge-<from>-<to>` (tests/test_backprop.py checks that it runs between those boxes)."""
    return {
        tuple(arrow.get_gid().removeprefix("edge-").split("-")): arrow
        for arrow in fig.axes[0].patches
        if isinstance(arrow, FancyArrowPatch)
    }


def texts_in(fig, node: str) -> list[str]:
    """The texts drawn inside the box of `node`."""
    box = node_boxes(fig)[node]
    x0, y0 = box.get_x(), box.get_y()
    x1, y1 = x0 + box.get_width(), y0 + box.get_height()
    return [
        text.get_text()
        for text in fig.axes[0].texts
        if x0 <= text.get_position()[0] <= x1 and y0 <= text.get_position()[1] <= y1
    ]


# --- the convolution grids ---


def grid_texts(fig) -> dict[str, dict[tuple[int, int], str]]:
    """Each grid panel's numbers by cell (row, column), the panel named by its title."""
    return {
        ax.get_title(): {
            (int(t.get_position()[1]), int(t.get_position()[0])): t.get_text() for t in ax.texts
        }
        for ax in fig.axes
    }


def assert_grid_shows(panel: dict[tuple[int, int], str], values, write, asked=()) -> None:
    """Each cell (i, j) of a grid panel shows values[i][j] as `write` prints it, or "?" if it
    is one of the `asked` cells."""
    for (i, j), text in panel.items():
        assert text == ("?" if (i, j) in asked else write(values[i][j])), (i, j)
