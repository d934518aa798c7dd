"""Numbers and derivations as LaTeX."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: rendering does not depend on sympy
    from snippets.derivations import Derivation

SIGNIFICANT = 10  # digits kept before trailing zeros are dropped: 1.1000000000000003 -> 1.1


def num(x: float | int | Fraction, digits: int | None = None) -> str:
    """A number as the exam writes it: no float noise, '-' as a true minus sign in TeX."""
    if isinstance(x, Fraction):
        return (
            str(x.numerator)
            if x.denominator == 1
            else rf"\tfrac{{{x.numerator}}}{{{x.denominator}}}"
        )
    value = float(x)
    text = f"{value:.{digits}f}" if digits is not None else f"{value:.{SIGNIFICANT}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    if text in {"-0", "-0.0"}:
        text = "0"
    return text


def signed(x: float, digits: int | None = None) -> str:
    """A factor in a product: negative numbers in parentheses, as in 0.5 · (-0.2)."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def vector(values: Iterable[float]) -> str:
    """A column vector written as a transposed row, [a, b, c]ᵀ."""
    return r"[" + ", ".join(num(v) for v in values) + r"]^\top"


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
