"""The Part I quiz as rendered at build time: only checkboxes, the exam's answer key in the
markup, the part's total, and the exam's all-or-nothing rule (zero true options included)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snippets import exam
from snippets.exam import MultipleChoice, Option
from snippets.render import markdown as md
from snippets.render.quiz import (
    answer,
    answer_for,
    multiple_choice,
    question_form,
    quiz_question,
    rule,
    score,
    total_line,
    total_points,
)

LABELS = [question.label for question in exam.MULTIPLE_CHOICE]

# --- strategies (to move into tests/strategies.py) ---


@st.composite
def answer_sheets(draw) -> tuple[list[bool], list[bool]]:
    """A question's truth per option and a reader's boxes, of the same length (1 to 8)."""
    size = draw(st.integers(min_value=1, max_value=8))
    right = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    checked = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return right, checked


# --- reading the rendered HTML -------------------------------------------------------------


class _Form(HTMLParser):
    """Collects the inputs (type, data-right), the hidden blocks and the form's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.forms: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "input":
            self.inputs.append(attrs)
        if tag == "form":
            self.forms.append(attrs)


def parse(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    parser.close()
    return parser


NO_TRUE_OPTION = MultipleChoice(
    "Z",
    "Which of these numbers are negative?",
    (
        Option("One", False, "It is positive."),
        Option("Two", False, "It is positive too."),
        Option("Three", False, "So is this one."),
    ),
    "none",
)


# --- the markup ----------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_option_is_a_checkbox_never_a_radio_button(label):
    html = quiz_question(label)
    options = multiple_choice(label).options
    assert html.count('type="checkbox"') == len(options)
    assert "radio" not in html
    assert [attrs.get("type") for attrs in parse(html).inputs] == ["checkbox"] * len(options)


@pytest.mark.parametrize("label", LABELS)
def test_answer_key_in_the_markup_equals_the_exam(label):
    question = multiple_choice(label)
    inputs = parse(quiz_question(label)).inputs
    assert [attrs["data-right"] == "true" for attrs in inputs] == [
        o.right for o in question.options
    ]
    assert {attrs["data-right"] for attrs in inputs} <= {"true", "false"}


@pytest.mark.parametrize("label", LABELS)
def test_form_carries_the_question_points_from_the_exam(label):
    (form,) = parse(quiz_question(label)).forms
    assert float(form["data-points"]) == md.question(1, label).points


def test_every_checkbox_has_its_own_label_and_a_unique_id():
    tags = [tag for label in LABELS for tag in parse(quiz_question(label)).tags]
    ids = [attrs["id"] for tag, attrs in tags if tag == "input"]
    labelled = [attrs["for"] for tag, attrs in tags if tag == "label"]
    assert len(set(ids)) == len(ids)
    assert labelled == ids


@pytest.mark.parametrize("label", LABELS)
def test_explanations_are_in_the_page_but_hidden_until_checked(label):
    html = quiz_question(label)
    question = multiple_choice(label)
    for option in question.options:
        assert option.why in html.replace("&#x27;", "'")
    feedback = [
        attrs for tag, attrs in parse(html).tags if "quiz-feedback" in (attrs.get("class") or "")
    ]
    assert len(feedback) == len(question.options)
    assert all("hidden" in attrs for attrs in feedback)


def test_option_text_is_escaped():
    question = MultipleChoice("X", "Is <b> bold?", (Option("a < b & c", True, '"quoted"'),), "x")
    html = question_form(question, 2)
    assert "<b>" not in html
    assert "a &lt; b &amp; c" in html


def test_buttons_never_submit_the_form():
    for label in LABELS:
        buttons = [attrs for tag, attrs in parse(quiz_question(label)).tags if tag == "button"]
        assert buttons
        assert all(attrs.get("type") == "button" for attrs in buttons)


# --- the total -----------------------------------------------------------------------------


def test_total_is_the_published_points_of_part_1():
    assert total_points() == exam.PUBLISHED_PART_POINTS[0]
    assert total_points() == exam.part(1).points


def test_total_line_shows_the_total_from_the_exam():
    html = total_line()
    (max_points,) = re.findall(r'data-max="([^"]+)"', html)
    assert float(max_points) == exam.PUBLISHED_PART_POINTS[0]
    assert f"{md.points(exam.PUBLISHED_PART_POINTS[0])}</strong>" in html


# --- the rule ------------------------------------------------------------------------------


@given(answer_sheets())
def test_score_is_full_exactly_when_every_box_matches(sheet):
    right, checked = sheet
    every_box_right = all(c == r for c, r in zip(checked, right, strict=True))
    assert score(right, checked, 2) == (2 if every_box_right else 0)


@given(answer_sheets())
def test_score_is_all_or_nothing(sheet):
    right, checked = sheet
    assert score(right, checked, 2) in (0, 2)


@given(st.lists(st.booleans(), min_size=1, max_size=8))
def test_checking_exactly_the_true_options_scores_full(right):
    assert score(right, right, 2) == 2


@given(st.lists(st.booleans(), min_size=1, max_size=8), st.data())
def test_one_wrong_box_scores_zero(right, data):
    flipped = data.draw(st.integers(min_value=0, max_value=len(right) - 1))
    checked = [r != (i == flipped) for i, r in enumerate(right)]
    assert score(right, checked, 2) == 0


def test_score_rejects_a_sheet_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"^checked must have one entry per option"):
        score([True, False], [True], 2)


def test_an_empty_answer_scores_zero_on_every_exam_question():
    # Every question of the mock exam has at least one true option.
    for question in exam.MULTIPLE_CHOICE:
        right = [option.right for option in question.options]
        assert score(right, [False] * len(right), 2) == 0


def test_a_question_with_no_true_option_renders_and_is_scorable():
    html = question_form(NO_TRUE_OPTION, 2)
    inputs = parse(html).inputs
    assert [attrs["type"] for attrs in inputs] == ["checkbox"] * 3
    assert [attrs["data-right"] for attrs in inputs] == ["false"] * 3
    right = [attrs["data-right"] == "true" for attrs in inputs]
    assert score(right, [False] * 3, 2) == 2  # leaving every box empty is the answer
    assert score(right, [True, False, False], 2) == 0


# --- the prose -----------------------------------------------------------------------------


def test_rule_names_the_points_of_a_question_and_shows_the_scoring_code():
    text = rule()
    assert md.points(md.question(1, "1").points) in text
    assert "snippets.render.quiz.score" in text


@pytest.mark.parametrize("label", LABELS)
def test_answer_names_every_option_with_its_truth(label):
    text = answer(label)
    assert text.startswith("??? success")
    for option in multiple_choice(label).options:
        verdict = "true: ☑ check it" if option.right else "false: ☐ leave it empty"
        assert f"**{option.text}** ({verdict})" in text


def test_answer_to_a_question_with_no_true_option_says_leave_every_box_empty():
    text = answer_for(NO_TRUE_OPTION, 2)
    assert "leave every box empty" in text
    assert text.count("(false: ☐ leave it empty)") == len(NO_TRUE_OPTION.options)


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match=r"^label '99' is not a multiple-choice question"):
        multiple_choice("99")
