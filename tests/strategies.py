"""Hypothesis strategies shared by the test modules, each with its domain stated."""

from __future__ import annotations

from hypothesis import strategies as st

# Scores z of a logistic model: wide enough to reach saturation on both sides.
scores = st.floats(min_value=-30.0, max_value=30.0, allow_nan=False, allow_infinity=False)
# Extreme scores for overflow checks.
extreme_scores = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
# Soft targets of binary cross-entropy.
targets = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)
# Moderate real values for features, weights and biases.
reals = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
