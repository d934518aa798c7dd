"""Convolution as TeX: matrices of exact fractions, and worked sums that fit a phone.

The exam's kernel weights are ninths; every number here is shown as the small fraction it
stands for (0.111… as 1/9), and a long sum goes on over several aligned lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from snippets.conv import Cell, Term
from snippets.render.latex import display
from snippets.render.numbers import exact, num, over, signed

# Summands of a worked sum per line, so that a line fits a phone's width.
VALUES_PER_LINE = 5  # plain values: 1/9 · (3 + 2 + 7 + 0 + 6
PRODUCTS_PER_LINE = 3  # products: 1 · 3 + 1 · 6 + 1 · 0


def exact_matrix(values: object, boxed: Sequence[Cell] = (), hidden: Sequence[Cell] = ()) -> str:
    """A bmatrix of exact entries; `boxed` entries framed, `hidden` ones shown as ?."""
    rows = []
    for i, row in enumerate(np.asarray(values, dtype=float)):
        cells = []
        for j, value in enumerate(row):
            tex = "?" if (i, j) in hidden else num(exact(value))
            cells.append(rf"\boxed{{{tex}}}" if (i, j) in boxed else tex)
        rows.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def kernel_matrix(kernel: object) -> str:
    """The kernel, a common weight written once in front: 1/9 times a matrix of ones."""
    values = np.asarray(kernel, dtype=float)
    weights = {exact(v) for v in values.flat}
    if len(weights) != 1:
        return exact_matrix(values)
    return rf"{num(weights.pop())} \cdot {exact_matrix(np.ones_like(values))}"


def factored_matrix(values: object) -> str:
    """A matrix of fractions with their common denominator written once in front: 1/9 · [...]."""
    entries = [exact(v) for v in np.asarray(values, dtype=float).flat]
    denominator = math.lcm(*(e.denominator for e in entries))
    if denominator == 1:
        return exact_matrix(values)
    scaled = np.asarray(values, dtype=float) * denominator
    return rf"\tfrac{{1}}{{{denominator}}} \cdot {exact_matrix(np.round(scaled))}"


def wrapped(summands: Sequence[str], per_line: int) -> str:
    """Summands joined by +, on as few aligned lines of at most `per_line` as possible,
    the lines as even as they can be (6 summands at 5 a line: 3 and 3)."""
    lines = -(-len(summands) // per_line)
    size = -(-len(summands) // lines) if summands else 1
    chunks = [" + ".join(summands[k : k + size]) for k in range(0, len(summands), size)]
    return " \\\\\n&\\quad + ".join(chunks)


def worked_sum(lhs: str, name: str, summed: str, result: str) -> str:
    """`lhs &= sum`, then the result on a line of its own with the cell's name beside it,
    where the line is short: so that every line fits a phone's width."""
    label = rf" \qquad \text{{{name}}}" if name else ""
    if not summed:
        return f"{lhs} &= {result}{label}"
    return f"{lhs} &= {summed} \\\\\n&= {result}{label}"


def aligned_sums(rows: Sequence[str]) -> str:
    """An aligned display of worked sums, a little space between two cells' sums."""
    return display("\\begin{aligned}\n" + " \\\\[0.4em]\n".join(rows) + "\n\\end{aligned}")


def products(terms: Sequence[Term]) -> tuple[str, str]:
    """Factor times value for each term, and their total (no products, total 0, for none)."""
    total = sum((exact(t.factor) * exact(t.value) for t in terms), Fraction(0))
    products = [rf"{signed(exact(t.factor))} \cdot {signed(exact(t.value))}" for t in terms]
    return wrapped(products, PRODUCTS_PER_LINE), num(total)


def uniform_weight(kernel: object) -> Fraction | None:
    """The common weight 1/n of an averaging kernel (the exam's 1/9), else None."""
    weights = {exact(v) for v in np.asarray(kernel, dtype=float).flat}
    if len(weights) == 1 and (w := weights.pop()).numerator == 1 and w.denominator > 1:
        return w
    return None


def forward_sum(terms: Sequence[Term], weight: Fraction | None) -> tuple[str, str]:
    """Z[i, j] from its terms, and its value; a common weight 1/n factored out, the sum over n."""
    if weight is None or not terms:
        return products(terms)
    values = [exact(t.value) for t in terms]
    total = sum(values, Fraction(0))
    listed = [signed(v) if k else num(v) for k, v in enumerate(values)]
    summed = rf"{num(weight)} \cdot ({wrapped(listed, VALUES_PER_LINE)})"
    return summed, f"{over(total, weight.denominator)} = {num(total * weight)}"
