"""Numbers as the guide writes them: in TeX for the math, and as plain text for figures.

TeX forms (`num`, `rounded`, `fixed`, `significant`, `scientific`, `decimal`, ...) write no
float noise, and TeX sets their `-` as a true minus sign. Plain-text forms (`plain`,
`plain_fraction`, `power_of_ten`, ...) are for figures and prose: Unicode, a true minus sign,
no `$` (in a figure, a `$` would be read as math by the page around it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

SIGNIFICANT = 10  # digits kept before trailing zeros are dropped: 1.1000000000000003 -> 1.1
MAX_DENOMINATOR = 1000  # a "small" fraction: the exam's kernel weights are ninths
EXACT_ATOL = 1e-9  # how far a float may lie from the small fraction it stands for
MINUS = "\u2212"  # the true minus sign of text, as TeX sets `-` in math
TIMES = "\u00a0×\u00a0"  # no-break spaces: a size never wraps inside a table cell
THIN_TIMES = "\u2009×\u2009"  # thin spaces: a size in a figure's label
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_BYTE_UNITS = (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3))


# --- one number in TeX ---------------------------------------------------------------------


def num(x: float | int | Fraction, digits: int | None = None) -> str:
    """A number as the exam writes it: no float noise, -0 as 0; a Fraction as \\tfrac{1}{9};
    with `digits`, exactly that many decimals; very large or small ones as 1.5 \\cdot 10^{-21}."""
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return str(x.numerator)
        sign = "-" if x < 0 else ""  # in front, where `signed` sees it: -\tfrac{1}{9}
        return rf"{sign}\tfrac{{{abs(x.numerator)}}}{{{x.denominator}}}"
    value = float(x)
    text = f"{value:.{digits}f}" if digits is not None else f"{value:.{SIGNIFICANT}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    if text in {"-0", "-0.0"}:
        text = "0"
    return text


def rounded(x: float, digits: int) -> str:
    """`x` rounded to `digits` decimals, trailing zeros dropped: 0.90517 -> 0.9052, 2.5 -> 2.5."""
    return num(round(float(x), digits))


def fixed(x: float, digits: int) -> str:
    """`x` with exactly `digits` decimals, never -0: 0.5 -> 0.5000, so table columns line up."""
    return num(round(float(x), digits) + 0.0, digits)  # + 0.0: no "-0.0000"


def significant(x: float, digits: int = 3) -> str:
    """`x` to `digits` significant digits: 0.012345 -> 0.0123, 1.5612e-21 -> 1.56 \\cdot 10^{-21}
    (`num` switches to a power of ten for the very large and small)."""
    return num(float(f"{x:.{digits}g}"))


def scientific(x: float, digits: int = 3) -> str:
    """`x` as mantissa \\cdot 10^exponent to `digits` significant digits, always: 3 \\cdot 10^{-4},
    as the exam writes 3e-4 (trailing zeros of the mantissa dropped)."""
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return rf"{num(float(mantissa))} \cdot 10^{{{int(exponent)}}}"


def decimal(x: float) -> str:
    """A number with at least one decimal, as the exam's tables write it: 2.0, -0.5, 0.65."""
    text = num(x)
    return f"{text}.0" if re.fullmatch(r"-?\d+", text) else text


def _parenthesised(text: str) -> str:
    """A negative number in parentheses, as a factor of a product or after a minus sign."""
    return f"({text})" if text.startswith("-") else text


def signed(x: float | Fraction, digits: int | None = None) -> str:
    """A factor of a product (`num`): negative numbers in parentheses, as in 0.5 \\cdot (-0.2)."""
    return _parenthesised(num(x, digits))


def factor(x: float) -> str:
    """A factor of a product with at least one decimal (`decimal`): 2.0 \\times (-0.5)."""
    return _parenthesised(decimal(x))


def minus(x: float) -> str:
    """Subtracting `x`: `- 0.5`, or `- (-1.5)` for a negative one."""
    return f"- {factor(x)}"


def term(x: float) -> str:
    """A later term of a sum (`decimal`): `+ 0.5` or `- 0.5`, as the exam writes h2 = ... - 0.5."""
    text = decimal(abs(x))
    return f"- {text}" if x < 0 else f"+ {text}"


def exact(value: float) -> Fraction:
    """The small fraction a float stands for (0.111… -> 1/9); raises if there is none."""
    fraction = Fraction(value).limit_denominator(MAX_DENOMINATOR)
    if abs(float(fraction) - value) > EXACT_ATOL:
        raise ValueError(f"value {value!r} is not a fraction with a small denominator")
    return fraction


def over(numerator: Fraction, denominator: int) -> str:
    """numerator / denominator unreduced, as the exam writes 27/9, with the sign in front."""
    sign = "-" if numerator < 0 else ""
    return rf"{sign}\tfrac{{{num(abs(numerator))}}}{{{denominator}}}"


def thousands_tex(n: int, *, thin: bool = False) -> str:
    """An integer with its groups of three digits marked, for TeX: 34{,}944 (the comma in
    braces, so that TeX sets no space after it), or with `thin` thin spaces: 91\\,738\\,472."""
    return f"{n:,}".replace(",", r"\," if thin else "{,}")


# --- several numbers in TeX ----------------------------------------------------------------


def vector(values: Iterable[float]) -> str:
    """A column vector written as a transposed row, [a, b, c]^\\top (`num`)."""
    return r"[" + ", ".join(num(v) for v in values) + r"]^\top"


def coordinates(values: Iterable[float], digits: int) -> str:
    """A vector as a parenthesised row (`rounded`): (0.9052,\\ 0.4905)."""
    return "(" + ",\\ ".join(rounded(v, digits) for v in values) + ")"


def matrix(values: object, digits: int | None = None) -> str:
    """A bmatrix of `num`, or with `digits` of `rounded` entries; a 1-D array is one row."""
    array = np.atleast_2d(np.asarray(values, dtype=float))
    rows = [" & ".join(num(v) if digits is None else rounded(v, digits) for v in row)
            for row in array]  # fmt: skip
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


# --- text ----------------------------------------------------------------------------------


def thousands(n: int) -> str:
    """An integer with thousands separators, as text: 34,944."""
    return f"{n:,}"


def byte_size(n: int) -> str:
    """A byte count in SI units to three significant digits, as text: 367 MB, 33.7 PB."""
    shown = float(f"{n:.3g}")  # the unit after rounding: 999,999 bytes is 1 MB, not 1e+03 kB
    for unit, size in _BYTE_UNITS:
        if shown >= size:
            return f"{shown / size:.3g} {unit}"
    return f"{n} bytes"


def shape_text(shape: Sequence[int | str], times: str = TIMES) -> str:
    """A tensor's shape as text, 224 × 224 × 3: `TIMES` in prose, `THIN_TIMES` in a figure."""
    return times.join(str(n) for n in shape)


def plain(value: float, digits: int) -> str:
    """Plain text for a figure's label: `value` to `digits` significant digits, a true minus
    sign, -0 as 0."""
    label = f"{value:.{digits}g}"
    return "0" if label == "-0" else label.replace("-", MINUS)


def plain_fraction(value: float, digits: int = 3) -> str:
    """Plain text for a figure's label: the small fraction `value` stands for (1/9, −2), else
    `plain` to `digits` significant digits."""
    try:
        fraction = exact(value)
    except ValueError:
        return plain(value, digits)
    return str(fraction).replace("-", MINUS)


def power_of_ten(value: float, *, plain_one: bool = False) -> str:
    """A log axis's tick as text, 10⁻¹² (a `$` would be read as math by the page); with
    `plain_one`, 10⁰ is written 1."""
    exponent = round(float(np.log10(value)))
    if plain_one and exponent == 0:
        return "1"
    return f"10{str(exponent).translate(_SUPERSCRIPT)}"
