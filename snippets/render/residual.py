"""Part V 2, residual blocks, as Markdown: each sub-question one unit (md.unit), and the
depth experiment as a section beyond the exam."""

from __future__ import annotations

import re

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from snippets import residual
from snippets.render import markdown as md
from snippets.render.latex import display
from snippets.render.numbers import num, significant
from snippets.render.residual_figures import (
    gradient_depth_figure,
    residual_block_figure,
)
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


# --- (a) the drawing -----------------------------------------------------------------------


def block_figure() -> str:
    """The residual block drawn by code, as inline SVG."""
    alt = (
        "A residual block: the input x passes through layer l1, then layer l2, and the result "
        "R(x) enters an addition node. A skip connection leaves x before l1, bypasses both "
        "layers and enters the same addition node, whose output is H(x)."
    )
    return figure_svg(
        residual_block_figure(), name="residual-block", alt=alt, cap_at_text_size=True
    )


def block_solution() -> str:
    """Question 2 (a) as one unit: the drawing is the answer."""
    answer = (
        block_figure()
        + "\n\nThe two layers in a row, and a skip connection that carries $x$ around both to "
        "an addition: $H(x) = x + l_2(l_1(x))$."
    )
    worked = "\n\n".join(
        [
            "Draw the two layers one after the other, $x \\to l_1 \\to l_2$: together they form "
            "the residual branch $R(x) = l_2(l_1(x))$. Then draw the skip connection, a second "
            "path that leaves $x$ before $l_1$, passes both layers without changing $x$, and "
            "meets the branch at an addition node. The block's output is the sum:",
            display(r"H(x) = x + R(x) = x + l_2(l_1(x))"),
            "The addition needs $R(x)$ to have the shape of $x$: $l_2$ must return as many "
            "values as $x$ holds. Activations are left out, as the question allows.",
        ]
    )
    return md.unit(
        PART,
        "2 (a)",
        answer=answer,
        worked=worked,
        evidence=(residual_block_figure, residual.stack_output),
        level=3,
    )


# --- (b) dH/dx = 1 + r ---------------------------------------------------------------------


REASON_WIDTH = 32  # characters of a reason's line under its step: it fits a phone's width
REASON_TOKEN = r"\$[^$]*\$\S*|\S+"  # a word, or a formula with what sticks to it (a comma)


def shown_length(token: str) -> int:
    """About how many characters a word or a $...$ formula takes on the page (a TeX command
    such as the partial sign counts as one)."""
    return len(re.sub(r"\\[a-zA-Z]+ ?", "x", token.replace("$", "")))


def reason_lines(reason: str) -> list[str]:
    """A step's reason in lines of about REASON_WIDTH shown characters, its math never split."""
    tokens = re.findall(REASON_TOKEN, reason)
    lines: list[list[str]] = [[]]
    for token in tokens:
        line = lines[-1]
        if line and sum(shown_length(t) + 1 for t in line) + shown_length(token) > REASON_WIDTH:
            lines.append([token])
        else:
            line.append(token)
    return [" ".join(line) for line in lines]


def derivation() -> str:
    """dH/dx = 1 + r as an aligned display, each step's reason in small type below it."""
    steps = residual.residual_derivation()
    checks = residual.check_derivation(steps, residual.residual_givens())
    if not all(checks):
        wrong = checks.index(False) + 2
        raise ValueError(f"steps: step {wrong} of the residual derivation is not an equality")
    rows = []
    for k, step in enumerate(steps):
        left = r"\frac{\partial H(x)}{\partial x} " if k == 0 else ""
        why = [rf"&\quad \footnotesize\text{{{line}}}" for line in reason_lines(step.reason)]
        rows.append(" \\\\\n".join([rf"{left}&= {tex(step.expression)}", *why]))
    return display("\\begin{aligned}\n" + " \\\\[0.6em]\n".join(rows) + "\n\\end{aligned}")


def derivative_solution() -> str:
    """Question 2 (b) as one unit: dH/dx = 1 + r, every step checked by sympy at build time."""
    result = tex(residual.residual_derivation()[-1].expression)
    worked = "\n\n".join(
        [
            "Differentiate the sum term by term:",
            derivation(),
            "sympy checks every line against the one before it when the site is built; a wrong "
            "step stops the build. The given $r$ is itself a chain rule through both layers, "
            r"$r = l_2'(l_1(x)) \cdot l_1'(x)$, and may be tiny; the $1$ from the skip "
            "connection does not depend on the layers at all.",
        ]
    )
    return md.unit(
        PART,
        "2 (b)",
        answer=rf"$\frac{{\partial H(x)}}{{\partial x}} = {result}$",
        worked=worked,
        evidence=(residual.residual_derivation, residual.check_derivation),
        level=3,
    )


# --- (c) why depth works -------------------------------------------------------------------


def depth_answer() -> str:
    """What earns (c)'s point, as short as the exam's solution."""
    return (
        "The skip connections pass the gradient directly back through the network (the $1$ "
        "in $1 + r$), which alleviates the vanishing gradient. Also accepted: a block easily "
        "learns the identity, so adding blocks need not make the network worse."
    )


def depth_worked(experiment: DepthExperiment) -> str:
    """The reason of (c), step by step, tied to the experiment below the questions."""
    deepest = int(experiment.depths[-1])
    decay = experiment.plain[0] / experiment.plain[-1]
    return "\n\n".join(
        [
            "**The gradient on its way down.** Backpropagation multiplies the gradient by every "
            "block's Jacobian, from the loss down to the first layer. Through a plain block "
            "(no skip connection) that Jacobian is $J_k = \\partial R_k / \\partial h$; through "
            "a residual block it is $I + J_k$, the matrix form of $1 + r$ from (b).",
            "**Without skip connections** the gradient that reaches the first layers has "
            "passed through the product of the $J_k$ alone, and it shrinks with depth wherever "
            "the factors shrink it: the vanishing gradient. In the experiment below it falls "
            f"by a factor of about ${significant(decay, 1)}$ over {deepest} blocks.",
            "**With skip connections** the product is one of $I + J_k$. Multiplied out, it is "
            "$I$ plus terms that each contain a branch Jacobian, so even where the branches "
            "pass no gradient at all ($J_k = 0$), the identity hands the gradient from the loss "
            "to the first layers unchanged.",
            "**A second view.** To change nothing, a block only has to learn $R = 0$: with its "
            "last layer's weights and bias at zero, it returns its input exactly. A block added "
            "to a network can start as the identity, so the deeper network can do at least "
            "what the shallower one did.",
        ]
    )


def exam_depth_solution() -> str:
    """Question 2 (c) as one unit."""
    return md.unit(
        PART,
        "2 (c)",
        answer=depth_answer(),
        worked=depth_worked(residual.gradient_norm_experiment()),
        evidence=(residual.stack_output, residual.first_layer_gradient),
        level=3,
    )


# --- beyond the exam: the gradient through many blocks ----------------------------------------


def depth_section(experiment: DepthExperiment) -> str:
    """Beyond the exam: the gradient reaching the first layer of plain and residual stacks."""
    deepest = int(experiment.depths[-1])
    plain_first, plain_last = experiment.plain[0], experiment.plain[-1]
    res_low, res_high = float(np.min(experiment.residual)), float(np.max(experiment.residual))
    alt = (
        f"Norm of the first layer's weight gradient against depth from 1 to {deepest} blocks, "
        f"log scale. The plain stack falls from about {plain_first:.2g} to {plain_last:.1e}; the "
        f"residual stack stays between {res_low:.2g} and {res_high:.2g}."
    )
    body = "\n\n".join(
        [
            f"Stacks of 1 to {deepest} blocks, each block two layers of {experiment.width} "
            f"tanh units with random weights (gain {num(experiment.gain)}, seed "
            f"{experiment.seed}). The stacks share their blocks, and the same gradient arrives "
            "at the top of each; backpropagation through the stack gives the gradient of the "
            "first layer's weights. Plain and residual stacks differ only in the skip "
            "connections:",
            figure_svg(
                gradient_depth_figure(experiment),
                name="residual-depth",
                alt=alt,
                cap_at_text_size=True,
            ),
            md.table(
                ("depth (blocks)", "plain", "residual"),
                [
                    (int(d), f"${significant(p)}$", f"${significant(q)}$")
                    for d, p, q in zip(
                        experiment.depths, experiment.plain, experiment.residual, strict=True
                    )
                    if d in TABLE_DEPTHS or d == deepest
                ],
                align="rrr",
            ),
            f"Without skip connections the first layer's gradient shrinks by a factor of about "
            f"${significant(plain_first / plain_last, 1)}$ over {deepest} blocks, so those weights "
            f"barely move; with them it stays between ${significant(res_low)}$ and "
            f"${significant(res_high)}$ at every depth.",
            md.how_we_know(residual.first_layer_gradient, residual.gradient_norm_experiment),
        ]
    )
    return md.section(f"Beyond the exam: the gradient through {deepest} blocks", body)


def exam_depth_section() -> str:
    return depth_section(residual.gradient_norm_experiment())
