"""What a practice page asks: each number with its right value and the tolerance it is checked with."""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^[a-z][a-z0-9-]*$")

# Answers that are exact in principle (sums, products, counts of small numbers): a reader who
# rounds to two decimals is still right.
EXACT_TOLERANCE = 0.005


@dataclass(frozen=True)
class Asked:
    """One number a practice problem asks for.

    `label` is plain text; `_{...}` marks a subscript (h_{1}, ∂L/∂w_{21}); `tolerance` is the
    largest |typed - value| that counts as right (0 for counts, which must be exact).
    """

    key: str
    label: str
    value: float
    tolerance: float

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"key must be lowercase letters, digits and dashes, got {self.key!r}")
        if not self.tolerance >= 0:
            raise ValueError(f"tolerance must be at least 0, got {self.tolerance!r}")

    @property
    def text(self) -> str:
        """The label without subscript marks: h_{1} -> h1."""
        return re.sub(r"_\{([^}]*)\}", r"\1", self.label)

    def accepts(self, typed: float) -> bool:
        """Whether a typed number counts as right: |typed - value| <= tolerance."""
        return abs(typed - self.value) <= self.tolerance + 1e-12  # float noise of the typed value
