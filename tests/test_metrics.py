"""Confusion matrix, precision and recall, and the epoch-averaged training loss."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import metrics
from snippets.metrics import HIRING_DAY, Confusion, confusion_matrix, epoch_means

EXACT_RTOL = 1e-12

# --- strategies (to move into tests/strategies.py) ---

# Paired 0/1 targets and predictions of one length.
labelled_predictions = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
        st.lists(st.integers(0, 1), min_size=n, max_size=n),
    )
)
# Per-step losses of whole epochs: (losses, steps per epoch).
epoch_losses = st.tuples(st.integers(1, 8), st.integers(1, 6)).flatmap(
    lambda shape: st.tuples(
        st.lists(
            st.floats(min_value=0.0, max_value=1e3, allow_nan=False, allow_infinity=False),
            min_size=shape[0] * shape[1],
            max_size=shape[0] * shape[1],
        ),
        st.just(shape[1]),
    )
)


def _counts(targets, predictions) -> dict[str, int]:
    """The four counts by a plain loop, a witness independent of confusion_matrix."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for t, p in zip(targets, predictions, strict=True):
        counts[("t" if t == p else "f") + ("p" if p == 1 else "n")] += 1
    return counts


@given(labelled_predictions)
def test_confusion_matrix_matches_counting_loop(pair):
    targets, predictions = pair
    assert confusion_matrix(targets, predictions) == Confusion(**_counts(targets, predictions))


@given(labelled_predictions)
def test_confusion_matrix_counts_every_sample_once(pair):
    targets, predictions = pair
    assert confusion_matrix(targets, predictions).total == len(targets)


@pytest.mark.claim(
    "part-2-short-questions.md", "High precision means few false positives among the offers"
)
@given(labelled_predictions)
def test_precision_is_share_of_right_positive_predictions(pair):
    targets, predictions = pair
    matrix = Confusion(**_counts(targets, predictions))
    flagged = [t for t, p in zip(targets, predictions, strict=True) if p == 1]
    if not flagged:
        with pytest.raises(ValueError, match="precision is undefined"):
            _ = matrix.precision
        return
    assert_allclose(matrix.precision, sum(flagged) / len(flagged), rtol=EXACT_RTOL)


@given(labelled_predictions)
def test_recall_is_share_of_positives_found(pair):
    targets, predictions = pair
    matrix = Confusion(**_counts(targets, predictions))
    found = [p for t, p in zip(targets, predictions, strict=True) if t == 1]
    if not found:
        with pytest.raises(ValueError, match="recall is undefined"):
            _ = matrix.recall
        return
    assert_allclose(matrix.recall, sum(found) / len(found), rtol=EXACT_RTOL)


def test_confusion_matrix_rejects_labels_other_than_zero_and_one():
    with pytest.raises(ValueError, match="predictions must hold only 0 and 1"):
        confusion_matrix([0, 1], [0, 2])


def test_confusion_rejects_negative_counts():
    with pytest.raises(ValueError, match="fp must be at least 0"):
        Confusion(tp=1, fp=-1, fn=0, tn=0)


@pytest.mark.claim("part-2-short-questions.md", "decide about the same applicants")
def test_both_hiring_models_decide_about_the_same_applicants():
    # One day, two models: the same applicants, the same good candidates among them.
    lenient, strict = HIRING_DAY["lenient"], HIRING_DAY["strict"]
    assert lenient.total == strict.total
    assert lenient.actual_positive == strict.actual_positive


@pytest.mark.claim(
    "part-2-short-questions.md",
    "the same model with a higher threshold: its offers are among the lenient model's",
)
def test_strict_model_offers_are_among_the_lenient_offers():
    # A higher threshold only withdraws offers: no more good and no more wrong offers.
    lenient, strict = HIRING_DAY["lenient"], HIRING_DAY["strict"]
    assert strict.tp <= lenient.tp
    assert strict.fp <= lenient.fp


@pytest.mark.claim(
    "part-2-short-questions.md",
    "The start-up wants the strict model: higher precision, lower recall.",
)
def test_strict_hiring_model_trades_recall_for_precision():
    lenient, strict = HIRING_DAY["lenient"], HIRING_DAY["strict"]
    assert strict.precision > lenient.precision
    assert strict.recall < lenient.recall
    assert strict.fp < lenient.fp  # fewer offers to unsuitable candidates


@given(epoch_losses)
def test_epoch_means_match_loop(case):
    losses, per_epoch = case
    want = [
        sum(losses[start : start + per_epoch]) / per_epoch
        for start in range(0, len(losses), per_epoch)
    ]
    assert_allclose(epoch_means(losses, per_epoch), want, rtol=EXACT_RTOL, atol=1e-12)


def test_epoch_means_reject_a_partial_epoch():
    with pytest.raises(ValueError, match="step_losses must hold whole epochs"):
        metrics.epoch_means(np.ones(5), 2)
