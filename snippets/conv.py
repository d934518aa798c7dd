"""Convolution layers: output size, forward and backward passes, average pooling.

Written for clarity with numpy: a convolution here is a cross-correlation (no kernel flip),
as in the lecture and in every deep-learning framework. Single-channel arrays are
(height, width); multi-channel inputs are (height, width, channels) and kernels
(f, f, in_channels, filters), the layout of the exam's Part VI.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Cell = tuple[int, int]  # (row, column), 0-based from the top left


def _check_int(name: str, value: int, minimum: int) -> None:
    is_integer = isinstance(value, int) and not isinstance(value, bool)
    if not is_integer:  # a ValueError too, so callers catch one kind of bad configuration
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Output length along one axis: floor((size - kernel_size + 2 padding) / stride) + 1.

    The floor matches the frameworks (and the exam's numbers, which always divide).
    Raises `ValueError` naming the parameter for an impossible configuration.
    """
    _check_int("size", size, 1)
    _check_int("kernel_size", kernel_size, 1)
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    if kernel_size > size + 2 * padding:
        raise ValueError(
            f"kernel_size {kernel_size} is larger than the padded input "
            f"(size {size} + 2 * padding {padding} = {size + 2 * padding})"
        )
    return (size - kernel_size + 2 * padding) // stride + 1


def conv_output_shape(
    input_shape: tuple[int, int, int], filters: int, kernel_size: int, stride: int, padding: int
) -> tuple[int, int, int]:
    """Output volume (H', W', filters) of a convolution layer on an (H, W, C) input."""
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    height, width, channels = input_shape
    _check_int("channels", channels, 1)
    _check_int("filters", filters, 1)
    # Each axis follows output_size; the depth is the number of filters.
    return (
        output_size(height, kernel_size, stride, padding),
        output_size(width, kernel_size, stride, padding),
        filters,
    )


# --- single channel ------------------------------------------------------------------------


def _as_matrix(name: str, values: object) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    return array


def _output_shape(x: np.ndarray, kernel_shape: tuple[int, ...], stride: int, padding: int):
    """(H', W') of a convolution of x; output_size checks stride, padding and kernel_size."""
    return (
        output_size(x.shape[0], kernel_shape[0], stride, padding),
        output_size(x.shape[1], kernel_shape[1], stride, padding),
    )


def pad(x: object, padding: int) -> np.ndarray:
    """X_pad: x surrounded by `padding` rows and columns of zeros."""
    _check_int("padding", padding, 0)
    x = _as_matrix("x", x)
    return np.pad(x, padding, mode="constant", constant_values=0.0)


def conv2d(x: object, kernel: object, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Z[i, j] = sum_{a, b} X_pad[s i + a, s j + b] W[a, b] (cross-correlation)."""
    x = _as_matrix("x", x)
    kernel = _as_matrix("kernel", kernel)
    out_rows, out_cols = _output_shape(x, kernel.shape, stride, padding)
    x_pad = pad(x, padding)
    f_rows, f_cols = kernel.shape
    z = np.zeros((out_rows, out_cols))
    for i in range(out_rows):
        for j in range(out_cols):
            window = x_pad[stride * i : stride * i + f_rows, stride * j : stride * j + f_cols]
            z[i, j] = np.sum(window * kernel)  # the window times the kernel, summed
    return z


@dataclass(frozen=True)
class ConvGradients:
    """Gradients of the loss with respect to the kernel and to the (unpadded) input."""

    grad_kernel: np.ndarray  # dL/dW, same shape as the kernel
    grad_input: np.ndarray  # dL/dX, same shape as x


def conv2d_backward(
    x: object, kernel: object, grad_output: object, stride: int = 1, padding: int = 0
) -> ConvGradients:
    """dW[a, b] = sum_{i, j} dZ[i, j] X_pad[s i + a, s j + b]; dX_pad[s i + a, s j + b] += dZ[i, j] W[a, b]."""
    x = _as_matrix("x", x)
    kernel = _as_matrix("kernel", kernel)
    out_shape = _output_shape(x, kernel.shape, stride, padding)
    grad_output = np.asarray(grad_output, dtype=float)
    if grad_output.shape != out_shape:
        raise ValueError(
            f"grad_output must have the output's shape {out_shape}, got {grad_output.shape}"
        )
    x_pad = pad(x, padding)
    f_rows, f_cols = kernel.shape
    grad_kernel = np.zeros_like(kernel)
    grad_x_pad = np.zeros_like(x_pad)
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            rows = slice(stride * i, stride * i + f_rows)
            cols = slice(stride * j, stride * j + f_cols)
            grad_kernel += grad_output[i, j] * x_pad[rows, cols]  # dZ[i, j] times its window
            grad_x_pad[rows, cols] += grad_output[i, j] * kernel  # dZ[i, j] spread by W
    # The padding zeros are constants: drop their gradient.
    grad_input = grad_x_pad[padding : padding + x.shape[0], padding : padding + x.shape[1]]
    return ConvGradients(grad_kernel=grad_kernel, grad_input=grad_input.copy())


# --- which cells meet which: data for figures and worked sums -------------------------------


def receptive_field(output_cell: Cell, kernel_size: int, stride: int) -> tuple[Cell, ...]:
    """Padded-input cells read by output cell (i, j): rows s i .. s i + f - 1, same for columns."""
    _check_int("kernel_size", kernel_size, 1)
    _check_int("stride", stride, 1)
    i, j = output_cell
    return tuple(
        (stride * i + a, stride * j + b) for a in range(kernel_size) for b in range(kernel_size)
    )


def kernel_position_inputs(kernel_cell: Cell, output_shape: Cell, stride: int) -> tuple[Cell, ...]:
    """Padded-input cells that meet kernel weight W[a, b]: X_pad[s i + a, s j + b] for every (i, j)."""
    _check_int("stride", stride, 1)
    a, b = kernel_cell
    out_rows, out_cols = output_shape
    return tuple((stride * i + a, stride * j + b) for i in range(out_rows) for j in range(out_cols))


@dataclass(frozen=True)
class Term:
    """One product of a worked sum: a padded-input value times a factor."""

    input_cell: Cell  # where the value sits in the padded input
    output_cell: Cell  # the output cell (i, j) of this product
    kernel_cell: Cell  # the kernel weight (a, b) of this product
    value: float  # X_pad[input_cell]
    factor: float  # W[a, b] in the forward sum, dZ[i, j] in the kernel-gradient sum

    @property
    def product(self) -> float:
        return self.value * self.factor


def forward_terms(
    x: object, kernel: object, output_cell: Cell, stride: int = 1, padding: int = 0
) -> tuple[Term, ...]:
    """The nine (f x f) products X_pad[s i + a, s j + b] W[a, b] that sum to Z[i, j]."""
    x = _as_matrix("x", x)
    kernel = _as_matrix("kernel", kernel)
    out_shape = _output_shape(x, kernel.shape, stride, padding)
    i, j = output_cell
    if not (0 <= i < out_shape[0] and 0 <= j < out_shape[1]):
        raise ValueError(
            f"output_cell must lie in the output of shape {out_shape}, got {output_cell}"
        )
    if kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"kernel must be square, got shape {kernel.shape}")
    x_pad = pad(x, padding)
    cells = receptive_field(output_cell, kernel.shape[0], stride)
    return tuple(
        Term(
            input_cell=(r, c),
            output_cell=(i, j),
            kernel_cell=(r - stride * i, c - stride * j),
            value=float(x_pad[r, c]),
            factor=float(kernel[r - stride * i, c - stride * j]),
        )
        for r, c in cells
    )


def grad_kernel_terms(
    x: object,
    kernel_size: int,
    grad_output: object,
    kernel_cell: Cell,
    stride: int = 1,
    padding: int = 0,
) -> tuple[Term, ...]:
    """The products dZ[i, j] X_pad[s i + a, s j + b], one per output cell, that sum to dW[a, b]."""
    x = _as_matrix("x", x)
    out_shape = _output_shape(x, (kernel_size, kernel_size), stride, padding)
    grad_output = np.asarray(grad_output, dtype=float)
    if grad_output.shape != out_shape:
        raise ValueError(
            f"grad_output must have the output's shape {out_shape}, got {grad_output.shape}"
        )
    a, b = kernel_cell
    if not (0 <= a < kernel_size and 0 <= b < kernel_size):
        raise ValueError(
            f"kernel_cell must lie in the {kernel_size} x {kernel_size} kernel, got {kernel_cell}"
        )
    x_pad = pad(x, padding)
    cells = kernel_position_inputs(kernel_cell, out_shape, stride)
    return tuple(
        Term(
            input_cell=(r, c),
            output_cell=((r - a) // stride, (c - b) // stride),
            kernel_cell=(a, b),
            value=float(x_pad[r, c]),
            factor=float(grad_output[(r - a) // stride, (c - b) // stride]),
        )
        for r, c in cells
    )


# --- pooling and training -------------------------------------------------------------------


def avg_pool2d(x: object, kernel_size: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Mean of each f x f window of X_pad; padding zeros count, so every window divides by f²."""
    x = _as_matrix("x", x)
    out_rows, out_cols = _output_shape(x, (kernel_size, kernel_size), stride, padding)
    x_pad = pad(x, padding)
    pooled = np.zeros((out_rows, out_cols))
    for i in range(out_rows):
        for j in range(out_cols):
            window = x_pad[
                stride * i : stride * i + kernel_size, stride * j : stride * j + kernel_size
            ]
            pooled[i, j] = window.mean()  # sum / f², zeros of the padding included
    return pooled


def sgd_step(kernel: object, grad_kernel: object, learning_rate: float) -> np.ndarray:
    """W <- W - lr dL/dW: one gradient-descent step on a trainable kernel."""
    kernel = _as_matrix("kernel", kernel)
    grad_kernel = np.asarray(grad_kernel, dtype=float)
    if grad_kernel.shape != kernel.shape:
        raise ValueError(
            f"grad_kernel must have the kernel's shape {kernel.shape}, got {grad_kernel.shape}"
        )
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    return kernel - learning_rate * grad_kernel


# --- several channels -----------------------------------------------------------------------


def conv2d_multichannel(
    x: object, kernels: object, stride: int = 1, padding: int = 0, bias: object = None
) -> np.ndarray:
    """Z[i, j, o] = sum_{a, b, c} X_pad[s i + a, s j + b, c] K[a, b, c, o] + bias[o]."""
    x = np.asarray(x, dtype=float)
    kernels = np.asarray(kernels, dtype=float)
    if x.ndim != 3 or 0 in x.shape:
        raise ValueError(f"x must be (height, width, channels), got shape {x.shape}")
    if kernels.ndim != 4 or 0 in kernels.shape:
        raise ValueError(f"kernels must be (f, f, in_channels, filters), got shape {kernels.shape}")
    if kernels.shape[2] != x.shape[2]:
        raise ValueError(
            f"kernels must have x's {x.shape[2]} input channels, got {kernels.shape[2]}"
        )
    filters = kernels.shape[3]
    bias = np.zeros(filters) if bias is None else np.asarray(bias, dtype=float)
    if bias.shape != (filters,):
        raise ValueError(f"bias must have one value per filter ({filters},), got {bias.shape}")
    out_rows, out_cols = _output_shape(x, kernels.shape, stride, padding)
    # Pad height and width only, never the channels.
    x_pad = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    f_rows, f_cols = kernels.shape[:2]
    z = np.zeros((out_rows, out_cols, filters))
    for i in range(out_rows):
        for j in range(out_cols):
            window = x_pad[stride * i : stride * i + f_rows, stride * j : stride * j + f_cols, :]
            # Each filter's weights times the whole window volume, summed, plus its bias.
            z[i, j, :] = np.tensordot(window, kernels, axes=3) + bias
    return z
