"""Part V 2, residual blocks, as Markdown: the drawing, dH/dx = 1 + r, and depth."""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from snippets import residual
from snippets.render import markdown as md
from snippets.render.latex import display, num
from snippets.render.residual_figures import gradient_depth_figure, residual_block_figure
from snippets.render.svg import figure_svg
from snippets.residual import DepthExperiment

PART = 5
TABLE_DEPTHS = (1, 10, 20, 30, 40)  # rows of the table under the plot, with the deepest


class _PartialPrinter(LatexPrinter):
    """sympy's LaTeX with the exam's notation: ∂ for derivatives, R(x) for applied functions."""

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        ((variable, count),) = expr.variable_count
        if count != 1:
            raise ValueError(f"expr must be a first derivative, got order {count}")
        inner, by = self._print(expr.expr), self._print(variable)
        if isinstance(expr.expr, sp.Symbol | AppliedUndef):
            return rf"\frac{{\partial {inner}}}{{\partial {by}}}"
        return rf"\frac{{\partial}}{{\partial {by}}} \left({inner}\right)"

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef):
            arguments = ", ".join(self._print(a) for a in expr.args)
            return f"{expr.func.__name__}({arguments})"
        return super()._print_Function(expr, exp)


def tex(expression: sp.Expr) -> str:
    """An expression in the exam's notation, terms in the order they were written."""
    return _PartialPrinter({"order": "none"}).doprint(expression)


def _sig(value: float, digits: int = 3) -> str:
    """A positive number to `digits` significant digits, as TeX (4.51 · 10^{-12})."""
    return num(float(f"{value:.{digits}g}"))


# --- (a) the drawing -----------------------------------------------------------------------


def block_solution() -> str:
    """Solution of 2 (a): the residual block drawn by code."""
    alt = (
        "A residual block: the input x passes through layer l1, then layer l2, and the result "
        "R(x) enters an addition node. A skip connection leaves x before l1, bypasses both "
        "layers and enters the same addition node, whose output is H(x) = x + R(x)."
    )
    body = [
        "The two layers form the residual branch $R(x) = l_2(l_1(x))$. The skip connection "
        "carries the input $x$ around them unchanged, and the block adds the two:",
        display(r"H(x) = x + R(x) = x + l_2(l_1(x))"),
        figure_svg(residual_block_figure(), name="residual-block", alt=alt),
        "The addition needs $R(x)$ to have the shape of $x$. (In a ResNet a ReLU usually "
        "follows $l_1$ and the sum; the question leaves activations out.)",
        md.provenance(residual_block_figure),
    ]
    return md.solution("\n\n".join(body), md.question(PART, "2 (a)").points)


# --- (b) dH/dx = 1 + r ---------------------------------------------------------------------


def derivative_solution() -> str:
    """Solution of 2 (b): dH/dx = 1 + r, every step checked by sympy at build time."""
    steps = residual.residual_derivation()
    checks = residual.check_derivation(steps, residual.residual_givens())
    if not all(checks):
        wrong = checks.index(False) + 2
        raise ValueError(f"steps: step {wrong} of the residual derivation is not an equality")
    lines = [rf"&= {tex(step.expression)} && \text{{{step.reason}}}" for step in steps]
    lines[0] = r"\frac{\partial H(x)}{\partial x} " + lines[0]
    derivation = display("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}")
    body = [
        "Differentiate the sum term by term:",
        derivation,
        "sympy checks every line against the one before it when the site is built; a wrong "
        "step stops the build. The given $r$ is itself a chain rule through both layers, "
        r"$r = l_2'(l_1(x)) \cdot l_1'(x)$, and may "
        "be tiny; the $1$ from the skip connection is not.",
        md.provenance(residual.residual_derivation, residual.check_derivation),
    ]
    return md.solution("\n\n".join(body), md.question(PART, "2 (b)").points)


# --- (c) why depth works -------------------------------------------------------------------


def depth_solution(experiment: DepthExperiment) -> str:
    """Solution of 2 (c): the reason, and an experiment that shows it."""
    deepest = int(experiment.depths[-1])
    plain_first, plain_last = experiment.plain[0], experiment.plain[-1]
    res_low, res_high = float(np.min(experiment.residual)), float(np.max(experiment.residual))
    alt = (
        f"Norm of the first layer's weight gradient against depth from 1 to {deepest} blocks, "
        f"log scale. The plain stack falls from about {plain_first:.2g} to {plain_last:.1e}; the "
        f"residual stack stays between {res_low:.2g} and {res_high:.2g}."
    )
    fig = gradient_depth_figure(experiment)
    body = [
        "**The reason.** Backpropagation multiplies the gradient by every block's Jacobian on "
        "its way down. Through a plain block that factor is $J_k = \\partial R_k / \\partial h$; "
        "through a residual block it is $I + J_k$, the matrix form of $1 + r$ from (b). A "
        "product of many $J_k$ that each shrink the gradient decays exponentially with depth "
        "(the vanishing gradient). The product of the $I + J_k$ always contains the identity "
        "term: the skip connections hand the gradient from the loss to the first layers "
        "directly, whatever the branches do.",
        "A second view: a block that should do nothing only has to learn $R = 0$, which is easy "
        "(weights near zero), so adding blocks does not make the network worse.",
        f"**An experiment.** Stacks of 1 to {deepest} blocks, each block two layers of "
        f"{experiment.width} tanh units with random weights (gain {num(experiment.gain)}, seed "
        f"{experiment.seed}). The same unit gradient arrives at the top of every stack; "
        "backpropagation through the stack gives the gradient of the first layer's weights. "
        "The stacks differ only in the skip connections:",
        figure_svg(fig, name="residual-depth", alt=alt),
        md.table(
            ("depth (blocks)", "plain", "residual"),
            [
                (int(d), f"${_sig(p)}$", f"${_sig(q)}$")
                for d, p, q in zip(
                    experiment.depths, experiment.plain, experiment.residual, strict=True
                )
                if d in TABLE_DEPTHS or d == deepest
            ],
            align="rrr",
        ),
        f"Without skip connections the first layer's gradient shrinks by a factor of about "
        f"${_sig(plain_first / plain_last, 1)}$ over {deepest} blocks, so those weights barely "
        f"move; with them it stays between ${_sig(res_low)}$ and ${_sig(res_high)}$ at every "
        "depth.",
        md.provenance(residual.first_layer_gradient, residual.gradient_norm_experiment),
    ]
    return md.solution("\n\n".join(body), md.question(PART, "2 (c)").points)


def exam_depth_solution() -> str:
    return depth_solution(residual.gradient_norm_experiment())
