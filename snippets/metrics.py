"""Metrics: the confusion matrix, precision and recall; the training loss averaged over epochs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer count, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be at least 0, got {value}")


@dataclass(frozen=True)
class Confusion:
    """Counts of a binary classifier: true/false positives, false/true negatives."""

    tp: int
    fp: int
    fn: int
    tn: int

    def __post_init__(self) -> None:
        for name in ("tp", "fp", "fn", "tn"):
            _check_count(name, getattr(self, name))

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def predicted_positive(self) -> int:
        return self.tp + self.fp

    @property
    def actual_positive(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """TP / (TP + FP): the share of predicted positives that are right."""
        if self.predicted_positive == 0:
            raise ValueError("precision is undefined: the classifier predicted no positives")
        return self.tp / self.predicted_positive

    @property
    def recall(self) -> float:
        """TP / (TP + FN): the share of actual positives that are found."""
        if self.actual_positive == 0:
            raise ValueError("recall is undefined: there are no positive samples")
        return self.tp / self.actual_positive


def confusion_matrix(targets: Sequence[int], predictions: Sequence[int]) -> Confusion:
    """Count the four outcomes of 0/1 predictions against 0/1 targets."""
    t = np.asarray(targets)
    p = np.asarray(predictions)
    if t.shape != p.shape or t.ndim != 1:
        raise ValueError(
            f"targets and predictions must be 1-D of one length, got {t.shape} and {p.shape}"
        )
    for name, values in (("targets", t), ("predictions", p)):
        if not np.isin(values, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0 and 1")
    t, p = t.astype(bool), p.astype(bool)
    return Confusion(
        tp=int(np.sum(t & p)),  # positive, predicted positive
        fp=int(np.sum(~t & p)),  # negative, predicted positive
        fn=int(np.sum(t & ~p)),  # positive, predicted negative
        tn=int(np.sum(~t & ~p)),  # negative, predicted negative
    )


def epoch_means(step_losses: Sequence[float], steps_per_epoch: int) -> NDArray[np.float64]:
    """The training loss a loop reports per epoch: the mean of that epoch's step losses."""
    losses = np.asarray(step_losses, dtype=float)
    if isinstance(steps_per_epoch, bool) or not isinstance(steps_per_epoch, int):
        raise ValueError(f"steps_per_epoch must be an integer, got {steps_per_epoch!r}")
    if steps_per_epoch < 1:
        raise ValueError(f"steps_per_epoch must be at least 1, got {steps_per_epoch}")
    if losses.ndim != 1 or len(losses) == 0 or len(losses) % steps_per_epoch:
        raise ValueError(
            f"step_losses must hold whole epochs of {steps_per_epoch} steps, got {losses.shape}"
        )
    return losses.reshape(-1, steps_per_epoch).mean(axis=1)


# Short Question 2, made-up counts for one day of the hiring model (stated as such on the
# page): 2,000 applications, 40 of them from candidates who would be good hires (positives).
# A lenient threshold sends many offers; a strict one sends few.
HIRING_DAY = {
    "lenient": Confusion(tp=38, fp=362, fn=2, tn=1598),
    "strict": Confusion(tp=22, fp=3, fn=18, tn=1957),
}
