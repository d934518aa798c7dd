r"""Derivations whose every step is checked by sympy, exactly as the reader sees it.

A derivation starts from a definition (a sympy expression, shown as `lhs_tex`) and goes
through steps written in LaTeX. Each step's LaTeX is parsed by sympy, so what is checked is
what is shown, and must equal the previous step symbolically; a numeric spot check at a few
fixed points is a second witness. A wrong or unparseable step raises `DerivationError`
naming the derivation and the step.

Conventions (CONTRIBUTING.md, "Write a derivation step by step"):
- A symbol is named as sympy's LaTeX parser names it: `z_c` and `z_{c}` both parse to the
  symbol `z_{c}`, so write `sp.Symbol("z_{c}")` in `start`, `domains` and `assumptions`.
- `e` is Euler's number; write products with `\cdot` and group with parentheses (the parser
  reads `\log a + \log b` two ways and refuses it: write `(\log a) + \log b`).
- `macros` is plain string replacement before parsing: each key is replaced by its value in
  parentheses, e.g. `\sigma(z)` by `(\frac{1}{1 + e^{-z}})`.
- `assumptions` declares what a symbol is (positive, nonnegative, real, integer): the
  symbolic check then uses it, so `\log(a \cdot b) = (\log a) + \log b` and
  `\sqrt{r^2} = r` verify for positive symbols, and the spot check samples where they hold.
- A derivation function ends with `.check()`, so that building the page checks it, and is
  listed in `DERIVATIONS` of tests/test_derivations.py, so that the tests check it too.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field

import sympy as sp

# Plain symbols, as sympy's LaTeX parser creates them.
z, t, p = sp.symbols("z t p")
SIGMOID = 1 / (1 + sp.exp(-z))
SPOT_CHECKS = 5
SPOT_RTOL = 1e-9
# What a symbol may be declared to be, and where the spot check samples it by default.
ASSUMPTIONS = ("positive", "nonnegative", "real", "integer")
DEFAULT_DOMAIN = (-2.0, 2.0)
POSITIVE_DOMAIN = (0.1, 2.0)


class DerivationError(ValueError):
    """A step of a derivation is not equal to the one before it, or cannot be parsed."""


@dataclass(frozen=True)
class Step:
    """One line `= tex` of a derivation, with the reason it follows from the line before."""

    tex: str
    reason: str = ""


@dataclass(frozen=True)
class Derivation:
    """lhs = step 1 = step 2 = ...: `start` is the sympy meaning of `lhs_tex`."""

    name: str
    lhs_tex: str
    start: sp.Expr
    steps: tuple[Step, ...]
    # TeX shorthands replaced before parsing, e.g. σ(z) by its definition.
    macros: dict[str, str] = field(default_factory=dict)
    # Sampling intervals for the numeric spot check: symbol name -> (low, high).
    domains: dict[str, tuple[float, float]] = field(default_factory=dict)
    # What symbols are, for the symbolic check: symbol name -> "positive", or a tuple of
    # ASSUMPTIONS such as ("real", "integer"). Undeclared symbols are arbitrary complex.
    assumptions: dict[str, str | tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, declared in self.assumptions.items():
            unknown = set(_as_tuple(declared)) - set(ASSUMPTIONS)
            if unknown:
                raise ValueError(
                    f"assumptions of {name!r} must be among {', '.join(ASSUMPTIONS)}, "
                    f"got {', '.join(sorted(unknown))}"
                )

    def assume(self, expr: sp.Expr) -> sp.Expr:
        """`expr` with each declared symbol replaced by one that carries its assumptions."""
        declared = {
            s: sp.Symbol(s.name, **dict.fromkeys(_as_tuple(self.assumptions[s.name]), True))
            for s in expr.free_symbols
            if s.name in self.assumptions
        }
        return expr.xreplace(declared)

    def parse(self, number: int) -> sp.Expr:
        """The sympy expression of step `number` (1-based), parsed from its TeX."""
        tex = self.steps[number - 1].tex
        for short, meaning in self.macros.items():
            tex = tex.replace(short, f"({meaning})")
        try:
            expr = _parse_latex(tex)
        except Exception as error:
            raise DerivationError(
                f"derivation {self.name!r}, step {number}: sympy cannot parse {tex!r} ({error})"
            ) from None
        if not isinstance(expr, sp.Expr):
            raise DerivationError(
                f"derivation {self.name!r}, step {number}: {tex!r} is ambiguous; "
                "write products with \\cdot and group with parentheses"
            )
        return self.assume(expr.subs(sp.Symbol("e"), sp.E))

    def check(self) -> Derivation:
        """Raise DerivationError at the first step that differs from its predecessor."""
        previous = self.assume(self.start.doit())
        for number in range(1, len(self.steps) + 1):
            current = self.parse(number)
            if not _equal(previous, current, tuple(sorted(self.domains.items()))):
                raise DerivationError(
                    f"derivation {self.name!r}, step {number}: {self.steps[number - 1].tex} "
                    f"is not equal to the step before it ({sp.sstr(previous)})"
                )
            previous = current
        return self

    @property
    def result(self) -> sp.Expr:
        return self.parse(len(self.steps))


@functools.lru_cache(maxsize=512)
def _parse_latex(tex: str) -> sp.Basic:
    """sympy's parse of `tex`, kept: the Earley parser takes up to half a second a step."""
    # Imported on first use: building the parser's grammar takes about a second, which every
    # process that imports a renderer (each test worker, each build) would otherwise pay.
    from sympy.parsing.latex import parse_latex

    return parse_latex(tex, backend="lark", strict=True)


def _as_tuple(declared: str | tuple[str, ...]) -> tuple[str, ...]:
    return (declared,) if isinstance(declared, str) else tuple(declared)


@functools.lru_cache(maxsize=512)
def _equal(a: sp.Expr, b: sp.Expr, domains: tuple[tuple[str, tuple[float, float]], ...]) -> bool:
    """Equal at a few fixed sample points, and symbolically equal.

    The numeric witness goes first because it is cheap and rejects a false step at once;
    the symbolic check then proves the equality under the symbols' assumptions. Each
    rewriting tried is valid under those assumptions (none is forced), so a false step
    can never pass. The answer depends only on the arguments (the points are fixed), so it
    is kept: a page or test that checks the same step again gets it at once.
    """
    difference = a - b
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    intervals = dict(domains)
    rng = random.Random(0)  # fixed points: the check is reproducible
    for _ in range(SPOT_CHECKS):
        point = {s: _sample(s, intervals, rng) for s in symbols}
        scale = 1 + abs(complex(a.subs(point).evalf()))
        if abs(complex(difference.subs(point).evalf())) > SPOT_RTOL * scale:
            return False
    # A rational function that cancels to zero is zero: cheap, and enough for most steps.
    if sp.cancel(sp.together(sp.expand(difference))) == 0:
        return True
    return any(
        sp.simplify(rewrite(difference)) == 0
        for rewrite in (lambda d: d, sp.expand_log, sp.logcombine)
    )


def _sample(
    symbol: sp.Symbol, domains: dict[str, tuple[float, float]], rng: random.Random
) -> float:
    """A point of the symbol's domain (`domains`, else a default) that meets its assumptions."""
    low, high = domains.get(symbol.name, POSITIVE_DOMAIN if symbol.is_positive else DEFAULT_DOMAIN)
    if symbol.is_nonnegative:
        low = max(low, 0.0)
    if symbol.is_integer:
        first = max(math.ceil(low), 1) if symbol.is_positive else math.ceil(low)
        return rng.randint(first, math.floor(high))
    return rng.uniform(low, high)


# --- Part III ------------------------------------------------------------------------------

SIGMA_MACRO = {r"\sigma(z)": r"\frac{1}{1 + e^{-z}}"}
PROBABILITIES = {"p": (0.05, 0.95), "t": (0.0, 1.0)}


def sigmoid_derivative() -> Derivation:
    """dσ/dz = σ(z)(1 - σ(z)), step by step as Part III (a) asks."""
    return Derivation(
        name="sigmoid derivative",
        lhs_tex=r"\frac{\partial \sigma(z)}{\partial z} = \frac{\partial}{\partial z} \frac{1}{1 + e^{-z}}",
        start=sp.diff(SIGMOID, z),
        steps=(
            Step(
                r"\frac{-1 \cdot (-e^{-z})}{(1 + e^{-z})^2}",
                "quotient rule, with $(1 + e^{-z})' = -e^{-z}$",
            ),
            Step(r"\frac{e^{-z}}{(1 + e^{-z})^2}", "the two signs cancel"),
            Step(
                r"\frac{1}{1 + e^{-z}} \cdot \frac{e^{-z}}{1 + e^{-z}}",
                "split the square into two factors",
            ),
            Step(
                r"\sigma(z) \cdot (1 - \sigma(z))",
                "the factors are $\\sigma(z)$ and $1 - \\sigma(z)$ (below)",
            ),
        ),
        macros=SIGMA_MACRO,
    ).check()


def one_minus_sigmoid() -> Derivation:
    """1 - σ(z) = e^(-z) / (1 + e^(-z)), the identity used in the last step above."""
    return Derivation(
        name="one minus sigmoid",
        lhs_tex=r"1 - \sigma(z) = 1 - \frac{1}{1 + e^{-z}}",
        start=1 - SIGMOID,
        steps=(
            Step(
                r"\frac{1 + e^{-z}}{1 + e^{-z}} - \frac{1}{1 + e^{-z}}",
                "write 1 over the same denominator",
            ),
            Step(r"\frac{e^{-z}}{1 + e^{-z}}", "subtract the numerators"),
        ),
    ).check()


def bce_derivative_wrt_p() -> Derivation:
    """∂CE/∂p = -t/p + (1 - t)/(1 - p), the first step of Part III (b)."""
    ce = -t * sp.log(p) - (1 - t) * sp.log(1 - p)
    return Derivation(
        name="binary cross-entropy derivative in p",
        lhs_tex=r"\frac{\partial \mathrm{CE}}{\partial p}",
        start=sp.diff(ce, p),
        steps=(
            Step(r"-\frac{t}{p} - \frac{1-t}{1-p} \cdot (-1)", "differentiate each logarithm"),
            Step(r"-\frac{t}{p} + \frac{1-t}{1-p}", "simplify the sign"),
        ),
        domains=PROBABILITIES,
    ).check()


def bce_derivative() -> Derivation:
    """∂CE/∂z = p - t via ∂CE/∂p and ∂p/∂z = p(1 - p), as Part III (b) asks."""
    ce = -t * sp.log(p) - (1 - t) * sp.log(1 - p)
    return Derivation(
        name="binary cross-entropy derivative",
        lhs_tex=r"\frac{\partial \mathrm{CE}}{\partial z} = \frac{\partial \mathrm{CE}}{\partial p} \cdot \frac{\partial p}{\partial z}",
        start=sp.diff(ce, p) * p * (1 - p),
        steps=(
            Step(
                r"\left(-\frac{t}{p} - \frac{1-t}{1-p} \cdot (-1)\right) \cdot p \cdot (1-p)",
                "differentiate $\\mathrm{CE}(p)$; $\\partial p / \\partial z = p(1 - p)$ by (a)",
            ),
            Step(
                r"\left(-\frac{t}{p} + \frac{1-t}{1-p}\right) \cdot p \cdot (1-p)",
                "simplify the sign",
            ),
            Step(r"-t \cdot (1-p) + p \cdot (1-t)", "cancel $p$ and $1 - p$"),
            Step(r"-t + t p + p - p t", "multiply out"),
            Step(r"p - t", "the terms $t p$ cancel"),
        ),
        domains=PROBABILITIES,
    ).check()
