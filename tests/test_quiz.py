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
from snippets.render.markdown import count as plural
from snippets.render.quiz import (
    ANSWER_KIND,
    DEMONSTRATION_KIND,
    answer,
    answer_for,
    demonstration,
    multiple_choice,
    question_form,
    quiz_question,
    rule,
    score,
    total_line,
    total_line_for,
    total_points,
)

LABELS = [question.label for question in exam.MULTIPLE_CHOICE]

# The exam's options, in its order (../shared/exam/mock-exam-solutions.txt): a word or two
# the guide's restatement must keep, and whether the published solution checks the box (with
# the check marks the extraction lost restored, as the exam's README says: Q2's last option
# and all of Q3). Question 5's last option is the exam's parenthesised joke, left empty.
EXAM_OPTIONS: dict[str, tuple[tuple[str, bool], ...]] = {
    "1": (("larger", False), ("Augment", True), ("Xavier", False), ("early", True)),
    "2": (
        ("faster", False),
        ("Leaky ReLU", False),
        ("regularises", True),
        ("training and at test time", True),
    ),
    "3": (("undo", True), ("deeper networks", True), ("test time", True), ("learnable", True)),
    "4": (("Stochastic", False), ("Adam", True), ("RMSProp", False), ("Gauss-Newton", False)),
    "5": (("slower", True), ("training loss", False), ("unseen data", False), ("party", False)),
    "6": (("Input", True), ("Output", True), ("Remember", False), ("Forget", True)),
    "7": (
        ("Selecting features", False),
        ("number of channels", True),
        ("non-linearity", True),
        ("fully convolutional", True),
    ),
}

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


@pytest.mark.claim("part-1-multiple-choice.md", "14 points in all: 7 questions.")
def test_total_line_shows_the_total_from_the_exam():
    html = total_line()
    (max_points,) = re.findall(r'data-max="([^"]+)"', html)
    assert float(max_points) == exam.PUBLISHED_PART_POINTS[0]
    assert f"{md.points(exam.PUBLISHED_PART_POINTS[0])}</strong>" in html


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "only when every box is right, that is, every true option is checked and every false one is left empty",
)
@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Only this answer, every box as above, earns 2 points; any other earns none.",
)
@given(answer_sheets())
def test_score_is_full_exactly_when_every_box_matches(sheet):
    right, checked = sheet
    every_box_right = all(c == r for c, r in zip(checked, right, strict=True))
    assert score(right, checked, 2) == (2 if every_box_right else 0)


@pytest.mark.claim("part-1-multiple-choice.md", "There are no partial points and no negative ones")
@given(answer_sheets())
def test_score_is_all_or_nothing(sheet):
    right, checked = sheet
    assert score(right, checked, 2) in (0, 2)


@given(st.lists(st.booleans(), min_size=1, max_size=8))
def test_checking_exactly_the_true_options_scores_full(right):
    assert score(right, right, 2) == 2


@pytest.mark.claim(
    "part-1-multiple-choice.md", "a single wrong box, checked or empty, makes it zero"
)
@given(st.lists(st.booleans(), min_size=1, max_size=8), st.data())
def test_one_wrong_box_scores_zero(right, data):
    flipped = data.draw(st.integers(min_value=0, max_value=len(right) - 1))
    checked = [r != (i == flipped) for i, r in enumerate(right)]
    assert score(right, checked, 2) == 0


def test_score_rejects_a_sheet_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"^checked must have one entry per option"):
        score([True, False], [True], 2)


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "so an empty question is not a safe choice: it scores only when no option is true",
)
def test_an_empty_answer_scores_zero_on_every_exam_question():
    # Every question of the mock exam has at least one true option.
    for question in exam.MULTIPLE_CHOICE:
        right = [option.right for option in question.options]
        assert score(right, [False] * len(right), 2) == 0


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Any number of a question's options may be true: one, several, all, or none at all.",
)
@pytest.mark.claim("part-1-multiple-choice.md", "Any number of options may be true, none included.")
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


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Only this answer, every box as above, earns 2 points; any other earns none.",
)
@pytest.mark.parametrize("label", LABELS)
def test_answer_names_every_option_with_its_truth(label):
    text = answer(label)
    assert text.startswith(f'??? {ANSWER_KIND} "Answer')
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


# --- the exam's options --------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_options_follow_the_exam_in_order_and_truth(label):
    options = multiple_choice(label).options
    expected = EXAM_OPTIONS[label]
    assert len(options) == len(expected)
    for option, (words, right) in zip(options, expected, strict=True):
        assert words in option.text, (option.text, words)
        assert option.right == right, option.text


def test_question_5_restates_all_four_options_of_the_exam():
    # The exam's fourth, parenthesised option (bragging at parties) was once dropped.
    options = multiple_choice("5").options
    assert len(options) == 4
    assert "party" in options[3].text
    assert not options[3].right
    assert [option.right for option in options] == [True, False, False, False]


def test_every_exam_question_is_in_the_key_of_this_test():
    assert set(EXAM_OPTIONS) == set(LABELS)


# --- closed until the reader has answered --------------------------------------------------


@pytest.mark.claim(
    "part-1-multiple-choice.md", "each question's answer and demonstration are under it, folded"
)
@pytest.mark.parametrize("label", LABELS)
def test_answer_and_demonstration_are_closed_blocks_outside_test_modes_reveal(label):
    # Closed ("???"), and not details.success: guide.js shows them with the question's own
    # Check or Reveal, so test mode's per-solution Reveal must not add a second button.
    for text, kind in ((answer(label), ANSWER_KIND), (demonstration(label), DEMONSTRATION_KIND)):
        assert text.startswith(f"??? {kind} ")
        assert "success" not in kind.split()


def test_the_form_states_no_answer_outside_its_hidden_feedback():
    # Between a question's heading and its first control there is only the prompt and the hint.
    for label in LABELS:
        html = quiz_question(label)
        before_first_box = html[: html.index("<input")]
        question = multiple_choice(label)
        assert question.prompt in before_first_box
        for option in question.options:
            assert option.why not in before_first_box


# --- numbers and nouns agree ---------------------------------------------------------------


def test_plural_agrees_with_the_count():
    assert plural(1, "option") == "1 option"
    assert plural(0, "option") == "0 options"
    assert plural(4, "option") == "4 options"
    assert plural(1, "box", "boxes") == "1 box"
    assert plural(3, "box", "boxes") == "3 boxes"


@given(st.integers(min_value=0, max_value=10_000))
def test_plural_is_singular_exactly_for_one(count):
    text = plural(count, "question")
    assert text.startswith(f"{count} ")
    assert text.endswith("questions") == (count != 1)


def _question_with(truths: list[bool]) -> MultipleChoice:
    options = tuple(Option(f"Option {i}", right, "Because.") for i, right in enumerate(truths))
    return MultipleChoice("Y", "Which are true?", options, "none")


def test_answer_summary_agrees_with_the_number_of_true_options():
    assert "1 of 4 options is true." in answer_for(_question_with([True, False, False, False]), 2)
    assert "2 of 4 options are true." in answer_for(_question_with([True, True, False, False]), 2)
    assert "1 of 2 options is true." in answer_for(_question_with([False, True]), 2)


@pytest.mark.parametrize("label", LABELS)
def test_no_count_disagrees_with_its_noun_or_verb(label):
    text = answer(label)
    assert not re.search(r"\b1 of \d+ \w+ are\b", text), text
    assert not re.search(r"\bof 1 \w+s\b", text), text


def test_total_line_counts_one_question_in_the_singular():
    assert "in all: 1 question." in total_line_for(1, 2)
    assert "in all: 7 questions." in total_line_for(7, 14)


# --- the rule as the page states it -------------------------------------------------------


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "Any number of a question's options may be true: one, several, all, or none at all.",
)
def test_the_exams_questions_have_one_several_or_all_options_true():
    # With NO_TRUE_OPTION above (none at all), every count the rule names occurs.
    counts = {sum(o.right for o in question.options) for question in exam.MULTIPLE_CHOICE}
    sizes = {len(question.options) for question in exam.MULTIPLE_CHOICE}
    assert 1 in counts  # one
    assert any(1 < count < min(sizes) for count in counts)  # several
    assert any(
        sum(o.right for o in q.options) == len(q.options) for q in exam.MULTIPLE_CHOICE
    )  # all
    assert sum(o.right for o in NO_TRUE_OPTION.options) == 0


@pytest.mark.claim(
    "part-1-multiple-choice.md",
    "so an empty question is not a safe choice: it scores only when no option is true",
)
@given(st.lists(st.booleans(), min_size=1, max_size=8))
def test_an_empty_answer_scores_exactly_when_no_option_is_true(right):
    assert (score(right, [False] * len(right), 2) == 2) == (not any(right))
