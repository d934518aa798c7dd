"""The mock exam as a printable sheet for a timed attempt: the questions only, no solutions.

Every statement comes from the one place its chapter takes it from too: the function that
states it with the problem's numbers (STATEMENTS), or the question's wording in `exam.py`.
So the sheet and the chapters say the same thing, and the sheet reads no page.
"""

from __future__ import annotations

from collections.abc import Callable

from snippets import exam
from snippets.exam import MultipleChoice, Part
from snippets.render import architectures, backprop, conv, logistic, lr_experiment
from snippets.render import markdown as md

Block = Callable[[], str]

# Shown before a question, as in its chapter: the setting that the following questions share.
SETTINGS: dict[tuple[int, str], Block] = {
    (4, "a"): lambda: (
        backprop.network_statement(exam.BACKPROP) + "\n\n" + backprop.network_graph(exam.BACKPROP)
    ),
    (5, "1 (a)"): lambda: conv.setting(exam.CONV),
    (6, "a"): lambda: architectures.network_statement() + "\n\n" + architectures.question_figure(),
}

# The restated question, where its chapter prints it with a render function.
STATEMENTS: dict[tuple[int, str], Block] = {
    (2, "4"): lr_experiment.curves_statement,
    (2, "8"): lambda: conv.conv_shape_statement(exam.CONV_SHAPE),
    (3, "c"): lambda: logistic.step_statement(exam.LOGISTIC_STEP),
    (4, "c"): lambda: backprop.update_statement(exam.BACKPROP),
}

# The figure a question is answered from (a plot to read, cells to fill in).
FIGURES: dict[tuple[int, str], Block] = {
    (2, "4"): lr_experiment.curves_figure,
    (3, "c"): logistic.sigmoid_plot,
    (5, "1 (a)"): lambda: conv.forward_question_figure(exam.CONV),
    (5, "1 (b)"): lambda: conv.gradient_question_figure(exam.CONV),
}

# Part I's rule, said once for its questions.
MULTIPLE_CHOICE_RULE = (
    "Any number of a question's options may be true, none included. Cross the boxes of the "
    "true ones: a question scores only when every box is right."
)


def multiple_choice_statement(question: MultipleChoice) -> str:
    """A multiple-choice question as on paper: the prompt and an empty box per option."""
    boxes = "  \n".join(f"☐ {option.text}" for option in question.options)
    return f"{question.prompt}\n\n{boxes}"


def topic(part: int, label: str) -> str:
    """The question's topic with a capital first letter ("LSTM gates" stays as written)."""
    text = md.question(part, label).topic
    return text[:1].upper() + text[1:]


def heading(part: int, label: str) -> str:
    """A question's heading with its points, as in its chapter but one level down."""
    return md.heading(part, label, level=3)


def statement(part: int, label: str) -> str:
    """The restated question `label` of `part`, as its chapter states it."""
    if part == 1:
        return multiple_choice_statement(_multiple_choice(label))
    if (part, label) in STATEMENTS:
        return STATEMENTS[part, label]()
    wording = md.question(part, label).statement
    if not wording:
        raise ValueError(f"label {label!r} of part {part} has no wording in exam.WORDING")
    return wording


def header() -> str:
    """Total points and time, and a table to mark each part's score in."""
    rows = [(part.roman, part.title, f"{part.points:g}", "") for part in exam.PARTS]
    total = sum(part.points for part in exam.PARTS)
    rows.append(("", "**Total**", f"**{total:g}**", ""))
    return (
        f"{md.exam_time()} Set a timer for {exam.MINUTES} minutes and write your answers on "
        "paper; the worked solutions are in the chapters.\n\n"
        + md.table(("Part", "Topic", "Points", "Your score"), rows, align="llrr")
    )


def part_sheet(part: Part) -> str:
    """One part: its points and time, then every question with its points and statement."""
    total = sum(p.points for p in exam.PARTS)
    minutes = exam.MINUTES * part.points / total
    blocks = [
        f"## Part {part.roman} · {part.title} · {md.points(part.points)}",
        f"About {minutes:.0f} of the {exam.MINUTES} minutes.",
    ]
    if part.number == 1:
        blocks.append(MULTIPLE_CHOICE_RULE)
    for item in part.questions:
        key = (part.number, item.label)
        if key in exam.RECONSTRUCTED:
            blocks.append(f"*Rebuilt figure.* {exam.RECONSTRUCTED[key]}")
        if key in SETTINGS:
            blocks.append(SETTINGS[key]())
        blocks += [heading(*key), statement(*key)]
        if key in FIGURES:
            blocks.append(FIGURES[key]())
    return "\n\n".join(blocks)


def exam_sheet() -> str:
    """The whole sheet: header, then each part's questions."""
    return "\n\n".join([header(), *(part_sheet(part) for part in exam.PARTS)])


def _multiple_choice(label: str) -> MultipleChoice:
    for question in exam.MULTIPLE_CHOICE:
        if question.label == label:
            return question
    raise ValueError(f"label {label!r} is not a multiple-choice question")
