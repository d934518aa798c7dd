"""Part II's page: each short question as one unit, its answers against the exam's, nothing
answered before the answer, and the statements the page makes about its computations."""

from __future__ import annotations

import re

import pytest

from snippets import exam
from snippets.lr_experiment import make_regression, stability_bounds
from snippets.render import conv as conv_render
from snippets.render import layer_cache, linear_maps, lr_experiment, metrics, newton, rnn
from snippets.render import markdown as md

ANSWERS = '<div class="guide-answers'
UNITS = {
    "1": metrics.validation_below_training,
    "2": metrics.precision_or_recall,
    "3": newton.newtons_method,
    "4": lr_experiment.learning_rate_curves,
    "5": rnn.lstm_against_rnn,
    "6": linear_maps.activation_functions,
    "7": layer_cache.forward_and_backward,
    "8": conv_render.exam_conv_shape_solution,
}
VERDICT_WORDS = ("too high", "too low", "good")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {label: render() for label, render in UNITS.items()}


def before_answer(text: str) -> str:
    """What a reader sees before opening anything: heading, statement, figure, notes."""
    return text[: text.index(ANSWERS)]


def exam_rate_tex(rate: float) -> str:
    """3e-4 written as the exam's figure would be restated: 3 \\cdot 10^{-4}."""
    mantissa, exponent = f"{rate:.0e}".split("e")
    return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"


@pytest.mark.parametrize("label", sorted(UNITS))
def test_every_short_question_is_one_unit(pages, label):
    text = pages[label]
    assert text.startswith(md.heading(2, label))
    for block in ("Answer ·", "Worked solution", "How we know"):
        assert block in text.split(ANSWERS, 1)[1]


@pytest.mark.parametrize("label", sorted(UNITS))
def test_nothing_before_the_answer_shows_a_published_tell(pages, label):
    shown = before_answer(pages[label]).lower()
    for tell in exam.published_tells().get((2, label), ()):
        assert tell.lower() not in shown


@pytest.mark.parametrize("label", sorted(UNITS))
def test_every_published_tell_is_in_the_answers(pages, label):
    opened = pages[label].split(ANSWERS, 1)[1].lower()
    for tell in exam.published_tells().get((2, label), ()):
        assert tell.lower() in opened


def test_learning_rate_figure_and_note_name_no_verdict(pages):
    shown = before_answer(pages["4"]).lower()
    for word in VERDICT_WORDS:
        assert word not in shown


def test_curves_answer_gives_the_published_rate_of_each_curve():
    answer = lr_experiment.curves_answer()
    for label, rate in exam.PUBLISHED_CURVES.items():
        assert f"**{label}**: ${exam_rate_tex(rate)}$" in answer


def test_conv_shape_unit_gives_the_published_shape(pages):
    answer = pages["8"].split(ANSWERS, 1)[1]
    assert r" \times ".join(map(str, exam.PUBLISHED_CONV_SHAPE)) in answer


def test_question_2_demonstration_shows_one_day_and_two_models(pages):
    assert "One day, two models" in pages["2"]
    assert "Two days" not in pages["2"]


def test_question_4_states_the_per_sample_bounds_of_its_data(pages):
    bounds = stability_bounds(make_regression()[0])
    worked = pages["4"]
    for value in (bounds.contracting, bounds.typical, bounds.expanding):
        assert f"| {value:.4f} |" in worked
    assert f"here {bounds.full_batch:.3f}" in worked


def test_question_4_no_longer_calls_the_full_batch_bound_a_stability_bound_for_sgd(pages):
    # Issue 13: "stable only for steps below 2/λ_max … so its run stays bounded" was wrong.
    assert not re.search(r"stable only for steps below \$2/\\lambda", pages["4"])
    assert "does not carry over to one sample per step" in pages["4"]
