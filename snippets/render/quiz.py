"""Part I, the multiple-choice quiz, as HTML: every option a checkbox, the key in the markup.

The quiz is plain HTML written at build time. docs/javascripts/guide.js adds the Check and
Reset buttons' behaviour and scores with `score`'s rule; without JavaScript the questions
still read as a list of boxes. Each question's `answer` and `demonstration` are closed blocks
that the page puts after the form in a `<div class="quiz-solutions" data-quiz-for="quiz-…">`:
guide.js hides them until the question is checked (in test mode, until its answers are
revealed); without JavaScript they stay in view, folded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from snippets import exam
from snippets.exam import MultipleChoice
from snippets.render import demos
from snippets.render import markdown as md

PART = 1
# Closed blocks, not details.success: test mode's per-solution Reveal (guide.js) picks up
# every details.success, while Part I's answers wait for their question's own Check or
# Reveal, with the verdicts in the form. quiz.css gives the answer a solution's colours.
ANSWER_KIND = "quiz-answer"
DEMONSTRATION_KIND = "example quiz-demonstration"


def score(right: Sequence[bool], checked: Sequence[bool], points: float) -> float:
    """The exam's rule: all of a question's points when every box is right, else none."""
    if len(checked) != len(right):
        raise ValueError(
            f"checked must have one entry per option ({len(right)}), got {len(checked)}"
        )
    every_box_right = all(c == r for c, r in zip(checked, right, strict=True))
    return points if every_box_right else 0


def multiple_choice(label: str) -> MultipleChoice:
    """The exam's multiple-choice question `label`."""
    for question in exam.MULTIPLE_CHOICE:
        if question.label == label:
            return question
    raise ValueError(f"label {label!r} is not a multiple-choice question")


def total_points() -> float:
    """The points of all multiple-choice questions together."""
    return sum(md.question(PART, q.label).points for q in exam.MULTIPLE_CHOICE)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def question_form(question: MultipleChoice, points: float) -> str:
    """One question as a form: a fieldset of checkboxes, the key in data-right attributes."""
    qid = f"quiz-{_slug(question.label)}"
    options = []
    for number, option in enumerate(question.options, start=1):
        oid = f"{qid}-{number}"
        truth = "true" if option.right else "false"
        options.append(
            f'<li class="quiz-option" data-right="{truth}">'
            f'<label class="quiz-choice" for="{oid}">'
            f'<input type="checkbox" id="{oid}" name="{oid}" data-right="{truth}">'
            f'<span class="quiz-text">{escape(option.text)}</span></label>'
            # Filled in and shown by guide.js after Check: the verdict on the reader's box.
            f'<div class="quiz-feedback" hidden><p class="quiz-mark" data-quiz-mark></p>'
            f'<p class="quiz-why"><strong>{"True" if option.right else "False"}.</strong> '
            f"{escape(option.why)}</p></div></li>"
        )
    return "\n".join(
        [
            f'<form class="quiz" id="{qid}" data-points="{_attr(f"{points:g}")}" '
            f'data-label="{_attr(question.label)}">',
            '<fieldset class="quiz-fieldset">',
            f'<legend class="quiz-prompt">{escape(question.prompt)}</legend>',
            '<p class="quiz-hint">Any number of options may be true, none included.</p>',
            '<ul class="quiz-options">',
            *options,
            "</ul>",
            "</fieldset>",
            # Without JavaScript the buttons would do nothing: guide.js shows them.
            '<div class="quiz-actions" hidden>',
            '<button type="button" class="md-button md-button--primary" data-quiz-check>'
            "Check</button>",
            '<button type="button" class="md-button" data-quiz-reset>Reset</button>',
            '<button type="button" class="md-button guide-reveal" data-quiz-reveal '
            'aria-expanded="false" hidden>Reveal the answers</button>',
            "</div>",
            '<p class="quiz-score" role="status" aria-live="polite" data-quiz-score></p>',
            "</form>",
        ]
    )


def quiz_question(label: str) -> str:
    """The exam's question `label` as a quiz form, with its points from exam.py."""
    return question_form(multiple_choice(label), md.question(PART, label).points)


def rule() -> str:
    """The exam's scoring rule for this part, restated, and the function that applies it."""
    per_question = {md.question(PART, q.label).points for q in exam.MULTIPLE_CHOICE}
    if len(per_question) == 1:
        earns = f"earns its {md.points(per_question.pop())}"
    else:
        earns = "earns its points"
    return (
        "Any number of a question's options may be true: one, several, all, or none at all. "
        f"A question {earns} only when every box is right, that is, every true option is "
        "checked and every false one is left empty; a single wrong box, checked or empty, "
        "makes it zero. There are no partial points and no negative ones, so an empty "
        "question is not a safe choice: it scores only when no option is true.\n\n"
        f"{md.provenance(score)}"
    )


def total_line() -> str:
    """The part's total as HTML; guide.js appends the reader's running score."""
    return total_line_for(len(exam.MULTIPLE_CHOICE), total_points())


def total_line_for(count: int, total: float) -> str:
    """The total of `count` questions worth `total` points, with room for the reader's score."""
    return (
        f'<p class="quiz-total" data-quiz-total data-max="{_attr(f"{total:g}")}">'
        f"<strong>{md.points(total)}</strong> in all: {md.count(count, 'question')}. "
        '<span class="quiz-total-score" data-quiz-total-score hidden></span></p>'
    )


def answer(label: str) -> str:
    """The answer to the exam's question `label`, with its points from exam.py."""
    return answer_for(multiple_choice(label), md.question(PART, label).points)


def answer_for(question: MultipleChoice, points: float) -> str:
    """The answer to a question with the reason for every box, as a closed block."""
    lines = []
    for option in question.options:
        box = "☑ check it" if option.right else "☐ leave it empty"
        verdict = "true" if option.right else "false"
        lines.append(f"- **{option.text}** ({verdict}: {box})  \n  {option.why}")
    right = sum(option.right for option in question.options)
    count = len(question.options)
    if right == 0:
        summary = "No option is true: the right answer is to leave every box empty."
    elif right == count:
        summary = "Every option is true: check every box."
    else:
        verb = "is" if right == 1 else "are"  # agrees with the count of true options
        summary = f"{right} of {md.count(count, 'option')} {verb} true."
    body = (
        f"{summary}\n\n"
        + "\n".join(lines)
        + f"\n\nOnly this answer, every box as above, earns {md.points(points)}; "
        "any other earns none."
    )
    return md.collapsible(f"Answer ({md.points(points)})", body, kind=ANSWER_KIND)


def demonstration(label: str) -> str:
    """The demonstration behind question `label`'s explanations, as a closed block."""
    body = demos.demonstration(multiple_choice(label).demo)
    return md.collapsible("Demonstration", body, kind=DEMONSTRATION_KIND)
