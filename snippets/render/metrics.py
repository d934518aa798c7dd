"""Short Questions 1 and 2 as Markdown, each one unit (md.unit): why the validation loss can
lie below the reported training loss, with the epoch mean computed; and precision against
recall for a hiring model, on one made-up day."""

from __future__ import annotations

from collections.abc import Sequence

from snippets import exam
from snippets.lr_experiment import make_regression, train_with_validation
from snippets.metrics import HIRING_DAY, Confusion, epoch_means
from snippets.render import markdown as md
from snippets.render.latex import display
from snippets.render.numbers import num
from snippets.render.short_figures import averaging_figure
from snippets.render.svg import figure_svg

PART = 2
AVERAGING_EPOCHS = 5


def _epochs(numbers: Sequence[int]) -> str:
    """1 → 'epoch 1'; 1, 2, 3 → 'epochs 1, 2 and 3'."""
    if len(numbers) == 1:
        return f"epoch {numbers[0]}"
    return "epochs " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


# --- (1) validation error below training error ---------------------------------------------


def validation_below_training_answer() -> str:
    """What earns question 1's points: two of the reasons."""
    return (
        "Any two of these:\n\n"
        "- **The training loss is averaged over the epoch, the validation loss is not.** The "
        "reported training loss is the mean over all batches of an epoch, early ones "
        "included, while the model improves; the validation loss is measured once, with the "
        "weights at the epoch's end.\n"
        "- **The two sets come from different distributions**, for example a validation set "
        "with easier samples.\n"
        "- **A bug in the implementation**, for example the validation loss computed on the "
        "wrong data or scaled differently.\n"
        "- **Regularisation that acts only in training**, such as dropout: units are dropped "
        "while training and all of them are kept when validating."
    )


def validation_below_training() -> str:
    """Question 1: the reasons, and the epoch-averaging effect computed."""
    train, validation = make_regression()
    rate = exam.PUBLISHED_CURVES["D"]  # the good learning rate of question 4
    history = train_with_validation(train, validation, rate, AVERAGING_EPOCHS)
    reported = history.reported
    below_flags = history.validation_at_end < reported
    rows = [
        (epoch, f"{mean:.3f}", f"{end:.3f}", f"{val:.3f}", "yes" if below else "no")
        for epoch, (mean, end, val, below) in enumerate(
            zip(reported, history.train_at_end, history.validation_at_end, below_flags,
                strict=True),
            start=1,
        )
    ]  # fmt: skip
    below = [epoch for epoch, flag in enumerate(below_flags, start=1) if flag]
    above = [epoch for epoch, flag in enumerate(below_flags, start=1) if not flag]
    ratios = reported / history.train_at_end
    alt = (
        f"Training over {AVERAGING_EPOCHS} epochs, loss on a log scale. The training loss of "
        f"the current weights falls from {history.train_before_step[0]:.3g} to "
        f"{history.train_before_step[-1]:.3g}. Each epoch's reported training loss, the mean "
        "over the epoch, is a flat bar above the training loss at the epoch's end. The "
        "validation loss at each epoch's end lies above the training loss at that moment, "
        f"and in {_epochs(below)} below the reported training loss."
    )
    worked = md.join(
        [
            "**The first reason, computed.** A linear model $y \\approx x \\cdot w + b$ is "
            f"trained by SGD, one sample per step, with learning rate ${num(rate)}$ on "
            f"{train.x.shape[0]} training samples; {validation.x.shape[0]} validation samples "
            "are drawn from the same distribution. The thin curve is the training loss of the "
            "current weights on the whole training set; the bars are what the loop reports, "
            "the mean over the epoch of each step's loss, taken before that step's update.",
            figure_svg(averaging_figure(history), name="epoch-averaging", alt=alt),
            md.table(
                (
                    "epoch",
                    "reported training loss (mean)",
                    "training loss at the end",
                    "validation loss at the end",
                    "validation below reported?",
                ),
                rows,
                align="rrrrc",
            ),
            f"In {_epochs(below)} the validation loss lies below the reported training loss, "
            "yet in every epoch it is above the training loss measured with the same weights "
            "(fourth column against the third). The reported mean lies above the training "
            f"loss at the epoch's end in every epoch, by a factor of {ratios[0]:.1f} in the "
            f"first and of {ratios[-1]:.2f} in the last, where the model hardly improves any "
            "more."
            + (
                f" From epoch {above[0]} on, the validation loss is above the reported "
                "training loss again."
                if above
                else ""
            ),
        ]
    )
    return md.unit(
        PART,
        "1",
        answer=validation_below_training_answer(),
        worked=worked,
        evidence=(train_with_validation, epoch_means),
    )


# --- (2) precision or recall ---------------------------------------------------------------


def precision_or_recall_answer() -> str:
    """What earns question 2's points: precision, and why."""
    return (
        "**Precision.** A false positive sends a job offer to someone who is not suited, "
        "which is costly. A false negative rejects a good candidate; with thousands of "
        "applications every day, other good candidates remain. High precision means few "
        "false positives among the offers; a lower recall is acceptable."
    )


def _confusion_table(matrix: Confusion) -> str:
    return md.table(
        ("", "predicted: offer", "predicted: reject"),
        [
            ("**good hire**", f"{matrix.tp} (TP)", f"{matrix.fn} (FN)"),
            ("**not suited**", f"{matrix.fp} (FP)", f"{matrix.tn} (TN)"),
        ],
        align="lrr",
    )


def precision_or_recall() -> str:
    """Question 2: precision, with one made-up day and two models."""
    lenient, strict = HIRING_DAY["lenient"], HIRING_DAY["strict"]
    rows = [
        (name, m.tp, m.fp, m.fn, f"{m.precision:.2f}", f"{m.recall:.2f}")
        for name, m in HIRING_DAY.items()
    ]
    worked = md.join(
        [
            f"**One day, two models, with made-up counts.** Say {lenient.total:,} people "
            f"apply on one day and {lenient.actual_positive} of them would be good hires. "
            "A lenient model and a strict one (the same model with a higher threshold: its "
            "offers are among the lenient model's) decide about the same applicants; TP are "
            "offers to good candidates, FP offers to unsuited ones, FN good candidates "
            "rejected:",
            md.table(("model", "TP", "FP", "FN", "precision", "recall"), rows, align="lrrrrr"),
            "The strict model's confusion matrix, and its two measures:",
            _confusion_table(strict),
            display(
                rf"\text{{precision}} = \frac{{TP}}{{TP + FP}} = \frac{{{strict.tp}}}"
                rf"{{{strict.tp} + {strict.fp}}} = {strict.precision:.2f} \qquad "
                rf"\text{{recall}} = \frac{{TP}}{{TP + FN}} = \frac{{{strict.tp}}}"
                rf"{{{strict.tp} + {strict.fn}}} = {strict.recall:.2f}"
            ),
            f"The lenient model finds {lenient.tp} of the {lenient.actual_positive} good "
            f"candidates but sends {lenient.fp} offers to people who are not suited. The strict "
            f"model misses {strict.fn} good candidates, still makes {strict.tp} good offers, "
            f"and sends {strict.fp} wrong ones. The start-up wants the strict model: higher "
            "precision, lower recall.",
        ]
    )
    return md.unit(
        PART, "2", answer=precision_or_recall_answer(), worked=worked, evidence=(Confusion,)
    )
