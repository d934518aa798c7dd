"""Short Question 6 as Markdown, one unit (md.unit): without activation functions a stack of
layers collapses to one affine map, computed, and a ReLU between them breaks the collapse."""

from __future__ import annotations

import numpy as np

from snippets.linear_maps import (
    absolute_value_layers,
    collapse,
    compose,
    midpoint_defect,
    random_layers,
    stack,
)
from snippets.render import markdown as md
from snippets.render.latex import display
from snippets.render.numbers import matrix, num, rounded
from snippets.render.short_figures import linear_stack_figure
from snippets.render.svg import figure_svg

PART = 2
COLLAPSE_SIZES = (3, 4, 2)  # a worked example: 3 inputs, 4 hidden units, 2 outputs
COLLAPSE_SEED = 0
DEEP_SIZES = (1, 8, 8, 8, 1)
DEEP_SEED = 4  # a draw whose ReLU kinks fall inside the plotted range
DEEP_RANGE = (-3.0, 3.0)


def _affine_tex(slope: float, intercept: float, digits: int = 3) -> str:
    """slope·x + intercept with the intercept's sign written once (-0.249 x - 2.67)."""
    sign = "-" if intercept < 0 else "+"
    return rf"{rounded(slope, digits)}\,x {sign} {rounded(abs(intercept), digits)}"


def activation_functions_answer() -> str:
    """What earns question 6's point."""
    return (
        "Without non-linear activation functions every layer is affine, and a composition of "
        "affine maps is affine: however deep, the network collapses to a single linear layer "
        "and can only learn linear (affine) functions."
    )


def activation_functions() -> str:
    """Question 6: linear layers collapse; ReLU breaks the collapse."""
    first, second = random_layers(COLLAPSE_SIZES, seed=COLLAPSE_SEED, decimals=1)
    both = compose(first, second)
    x = np.ones(COLLAPSE_SIZES[0])
    two_steps = second(first(x))
    pair = absolute_value_layers()
    left, right = np.array([-1.0]), np.array([1.0])
    f_left, f_right = stack(pair, left, True)[0], stack(pair, right, True)[0]
    f_mid = stack(pair, (left + right) / 2, True)[0]
    defect = midpoint_defect(pair, left, right, activation=True)[0]
    deep = random_layers(DEEP_SIZES, seed=DEEP_SEED)
    deep_linear = collapse(deep)
    alt = (
        f"Output against input of a stack of {len(deep)} layers. Without activation functions "
        "the output is a straight line; with ReLU between the layers it is a bent, piecewise "
        "linear curve."
    )
    worked = md.join(
        [
            "A composition of affine maps is affine:",
            display(
                r"W_2 (W_1 x + b_1) + b_2 = \underbrace{W_2 W_1}_{W}\, x + "
                r"\underbrace{W_2 b_1 + b_2}_{b}"
            ),
            f"**Computed.** Two layers with {COLLAPSE_SIZES[0]} inputs, {COLLAPSE_SIZES[1]} "
            f"hidden units and {COLLAPSE_SIZES[2]} outputs (weights drawn at random, rounded "
            "to one decimal):",
            display(
                rf"W_1 = {matrix(first.w)},\quad b_1 = {matrix(first.b[:, None])},\quad "
                rf"W_2 = {matrix(second.w)},\quad b_2 = {matrix(second.b[:, None])}"
            ),
            display(
                rf"W = W_2 W_1 = {matrix(both.w, 6)},\quad b = W_2 b_1 + b_2 = "
                rf"{matrix(both.b[:, None], 6)}"
            ),
            "For the input $x = (1, 1, 1)$ both ways give the same output: "
            f"$W_2(W_1 x + b_1) + b_2 = {matrix(two_steps[:, None], 6)}$ and "
            f"$W x + b = {matrix(both(x)[:, None], 6)}$.",
            "**With a ReLU in between, the collapse fails.** Every affine map $f$ satisfies "
            "$f(\\tfrac{x + y}{2}) = \\tfrac{f(x) + f(y)}{2}$. Take $W_1 = [1, -1]^\\top$, "
            "$W_2 = [1, 1]$ and no biases. Without activation, $f(x) = (1 - 1)\\,x = 0$. With "
            "ReLU, $f(x) = \\max(0, x) + \\max(0, -x) = |x|$, and at $x = -1$, $y = 1$:",
            display(
                rf"f(0) = {num(f_mid)} \neq \frac{{f(-1) + f(1)}}{{2}} = "
                rf"\frac{{{num(f_left)} + {num(f_right)}}}{{2}} = {num((f_left + f_right) / 2)}"
            ),
            f"The midpoint test fails by ${num(defect)}$: no single affine layer computes $|x|$.",
            f"The same for a deeper stack, {len(deep)} layers with one input and one output: "
            f"without activations it collapses to "
            f"$f(x) = {_affine_tex(deep_linear.w[0, 0], deep_linear.b[0])}$, a straight line; "
            "with ReLU it bends.",
            figure_svg(linear_stack_figure(deep, DEEP_RANGE), name="linear-stack", alt=alt),
        ]
    )
    return md.unit(
        PART,
        "6",
        answer=activation_functions_answer(),
        worked=worked,
        evidence=(compose, collapse, midpoint_defect),
    )
