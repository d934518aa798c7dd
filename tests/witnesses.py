"""Independent witnesses shared by the test modules: the answers recomputed by plain loops and
finite differences, without importing the snippets modules they check."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def central_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """df/dx at x by (f(x + h) - f(x - h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


def naive_conv(x, kernel, stride: int, padding: int) -> np.ndarray:
    """Cross-correlation Z by four loops over the unpadded input: positions outside it read as
    zero. `x` and the square `kernel` are any nested sequences of numbers."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    f = kernel.shape[0]
    rows = (x.shape[0] + 2 * padding - f) // stride + 1
    cols = (x.shape[1] + 2 * padding - f) // stride + 1
    z = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for a in range(f):
                for b in range(f):
                    r, c = stride * i + a - padding, stride * j + b - padding
                    if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:
                        z[i, j] += x[r, c] * kernel[a, b]
    return z
