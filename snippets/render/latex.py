"""Display math in Markdown, and checked derivations as one aligned block.

Numbers themselves are written by `render.numbers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: rendering does not depend on sympy
    from snippets.derivations import Derivation


def display(tex: str) -> str:
    """A display-math block in Markdown."""
    return f"$$\n{tex}\n$$"


def aligned(derivation: Derivation) -> str:
    """A checked derivation as one aligned block: each step on its own line with its reason."""
    lines = [rf"{derivation.lhs_tex} \\"]
    for step in derivation.steps:
        reason = rf" && \text{{{step.reason}}}" if step.reason else ""
        lines.append(rf"&= {step.tex}{reason} \\")
    lines[-1] = lines[-1].removesuffix(r" \\")
    lines[0] = lines[0].replace(" = ", " &= ", 1) if " = " in derivation.lhs_tex else lines[0]
    return display("\\begin{aligned}\n" + "\n".join(lines) + "\n\\end{aligned}")
