"""Seeds and the random draws of the practice generators.

A problem is a function of its kind and its seed only. Draws come from Python's
`random.Random` seeded with the string "i2dl-practice/<kind>/<seed>", and use nothing but
`random()`, whose sequence Python guarantees for a given seed across versions; every choice
below is built from it, so a seed gives the same problem on any machine and any Python.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

SEED_LIMIT = 2**32  # valid seeds: 0 <= seed < 2**32
SEED_RANGE = f"a whole number from 0 to {SEED_LIMIT - 1}"
# Rejection sampling draws again until a problem is exam-friendly; a few dozen tries suffice.
MAX_ATTEMPTS = 10_000


def check_seed(seed: object) -> int:
    """The seed as an int; ValueError naming the valid range for anything else."""
    try:
        whole = operator.index(seed)  # int and numpy integers; not 1.0, "1" or True
    except TypeError:
        whole = None
    if whole is None or isinstance(seed, bool) or not 0 <= whole < SEED_LIMIT:
        raise ValueError(f"seed must be {SEED_RANGE}, got {seed!r}")
    return int(whole)


class Draw:
    """Random choices for one (kind, seed), reproducible across Python versions."""

    def __init__(self, kind: str, seed: int) -> None:
        self._random = random.Random(f"i2dl-practice/{kind}/{check_seed(seed)}")

    def index(self, n: int) -> int:
        """A whole number in 0 .. n - 1, each equally likely."""
        return min(int(self._random.random() * n), n - 1)

    def choice(self, options: Sequence[T]) -> T:
        """One of `options`, each equally likely."""
        return options[self.index(len(options))]

    def sample(self, options: Sequence[T], k: int) -> list[T]:
        """k distinct elements of `options`, in the order drawn."""
        pool = list(options)
        return [pool.pop(self.index(len(pool))) for _ in range(min(k, len(pool)))]


def attempts(kind: str, seed: int):
    """One Draw shared by up to MAX_ATTEMPTS tries; raise if none gave a valid problem."""
    draw = Draw(kind, seed)
    for _ in range(MAX_ATTEMPTS):
        yield draw
    raise RuntimeError(f"no exam-friendly {kind} problem after {MAX_ATTEMPTS} draws (seed {seed})")
