"""Hypothesis strategies shared by the test modules, each with its domain stated."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from snippets import exam
from snippets.backprop import BIAS_NAMES, PARAMETER_NAMES, WEIGHT_NAMES

# --- shared values ---

# Moderate real values in [-5, 5] for features, pixels, weights, biases and targets.
reals = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
# Seeds of numpy random generators, 0 to 2**16.
seeds = st.integers(min_value=0, max_value=2**16)

# --- logistic regression ---

# Scores z of a logistic model: wide enough to reach saturation on both sides.
scores = st.floats(min_value=-30.0, max_value=30.0, allow_nan=False, allow_infinity=False)
# Extreme scores for overflow checks.
extreme_scores = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
# Soft targets of binary cross-entropy.
targets = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)

# --- backpropagation ---

# Learning rates of one descent step: positive, from tiny (1e-6) to large (10).
wide_learning_rates = st.floats(
    min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False
)
# Integers -5..5 as floats: sums of their products are exact, so a sum can be exactly 0.
small_integers = st.integers(min_value=-5, max_value=5).map(float)


# The exam's 2-2-2 ReLU network with every input, weight, bias and target drawn from `reals`.
@st.composite
def backprop_problems(draw: st.DrawFn) -> exam.BackpropProblem:
    """A 2-2-2 network like the exam's: every input, weight, bias and target in `reals`."""
    return exam.BackpropProblem(
        inputs=(draw(reals), draw(reals)),
        weights={name: draw(reals) for name in WEIGHT_NAMES},
        biases={name: draw(reals) for name in BIAS_NAMES},
        targets=(draw(reals), draw(reals)),
        learning_rate=draw(wide_learning_rates),
        asked=draw(st.sampled_from(PARAMETER_NAMES)),
    )


# --- convolution ---


# Single-channel convolutions: sides 1..max_size, padding 0..2, stride 1..3, values in `reals`.
@st.composite
def conv_configs(draw: st.DrawFn, max_size: int = 7) -> dict[str, object]:
    """A valid single-channel configuration: input, square kernel, stride, padding."""
    rows = draw(st.integers(1, max_size))
    cols = draw(st.integers(1, max_size))
    padding = draw(st.integers(0, 2))
    f = draw(st.integers(1, min(rows, cols) + 2 * padding))
    stride = draw(st.integers(1, 3))
    x = draw(hnp.arrays(np.float64, (rows, cols), elements=reals))
    kernel = draw(hnp.arrays(np.float64, (f, f), elements=reals))
    return {"x": x, "kernel": kernel, "stride": stride, "padding": padding}


# --- CNN architectures ---

# Spatial sizes 1..48: small enough for a numpy forward pass of the whole network.
small_sizes = st.integers(min_value=1, max_value=48)
# Width factors that keep every layer at least one filter wide and the dense layers small.
width_factors = st.sampled_from([1 / 64, 1 / 32, 1 / 16])
# Odd kernel sizes: the only ones with an integer padding (f - 1) / 2.
odd_kernel_sizes = st.sampled_from([1, 3, 5, 7])
# Strides 1..4 of a convolution or pooling layer (the exam's first convolution has 4).
strides = st.integers(min_value=1, max_value=4)
# Input channels or filters of a small convolution: 1..3.
channels = st.integers(min_value=1, max_value=3)
# Numbers of classes of the output layer: 1..20.
class_counts = st.integers(min_value=1, max_value=20)
# Square input sizes around the exam's 256 (the range of part (e)'s figure and beyond).
input_sizes = st.integers(min_value=1, max_value=1024)
