"""A generated mock exam as Markdown for the terminal: the questions, and with `key` the answers.

The exam comes from `snippets.mockexam.exam(seed)`. Questions that keep the exam's wording are
stated as the exam sheet states them (`render.exam_sheet`); a question answered by a practice
kind is stated, and with `key` solved, by that kind's own terminal Markdown (the text
`i2dl practice KIND --seed N` prints), so an exam and a practice problem never say it twice
differently. Figures are named, not drawn: the terminal cannot show them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from snippets import architectures
from snippets import exam as source
from snippets.mockexam import (
    LETTERS,
    ChoiceQuestion,
    DrillQuestion,
    MockExam,
    MockPart,
    Question,
    WordedQuestion,
)
from snippets.practice.cli import MODULE, SCRIPT
from snippets.practice.cli import markdown as practice_markdown
from snippets.render import exam_sheet
from snippets.render import markdown as md
from snippets.render.numbers import shape_text

# Where the practice Markdown splits: the statement above, the key below.
WORKED_HEADING = "## Worked solution"

# The figures a terminal cannot show, named where their question needs them.
FIGURE_NOTES: dict[tuple[int, str], str] = {
    (2, "4"): (
        "*Figure: the four training-loss curves A to D of the mock exam (rebuilt by training "
        "in the guide's Part II chapter).*"
    ),
}


def practice_parts(kind: str, seed: int) -> tuple[str, str]:
    """A practice problem's terminal Markdown split into its statement and its key (worked
    solution and answers, headings one level down)."""
    text = practice_markdown(kind, seed)
    head, _, key = text.partition(f"\n\n{WORKED_HEADING}\n\n")
    if not key:
        raise ValueError(f"kind {kind!r} printed no {WORKED_HEADING!r} section")
    statement = head.split("\n\n", 1)[1]  # without the "# Practice: ..." title
    return statement, key.replace("\n## Answers\n", "\n#### Answers\n").rstrip()


def network_text() -> str:
    """The exam's Part VI network in words, layer by layer (its figure cannot be drawn here)."""
    layers = []
    for layer in architectures.EXAM_FEATURES + architectures.EXAM_CLASSIFIER:
        if isinstance(layer, architectures.Conv):
            f = layer.kernel_size
            layers.append(f"{layer.name} {f} × {f}, stride {layer.stride}, {layer.filters} filters")
        elif isinstance(layer, architectures.MaxPool):
            f = layer.kernel_size
            layers.append(f"{layer.name} max pooling {f} × {f}, stride {layer.stride}")
        elif isinstance(layer, architectures.Dense):
            layers.append(f"{layer.name} fully connected, {layer.units} units")
    return (
        f"Questions (a), (b), (e) and (f) are about the mock exam's own network: an input of "
        f"{shape_text(source.IMAGE_SHAPE)}, then {'; '.join(layers)}; every convolution and "
        "pooling layer pads by p = (f − 1)/2. Questions (c) and (d) give their own layers."
    )


# Shown before a question, in a generated exam: what the following questions share.
SETTINGS: dict[tuple[int, str], Callable[[], str]] = {(6, "a"): network_text}


def heading(part: int, question: Question, level: int = 3) -> str:
    """A question's heading, as its chapter's but with the generated question's topic:
    '### (c) Gradient and update of one weight · 5 points'."""
    label = question.label if "(" in question.label else f"({question.label})"
    topic = getattr(question, "topic", "") or md.question(part, question.label).topic
    optional = " · optional" if (part, question.label) in source.OPTIONAL else ""
    title = f"{label} {topic[:1].upper()}{topic[1:]} · {md.points(question.points)}{optional}"
    return f"{'#' * level} {title}" if level else title


def header(mock: MockExam) -> str:
    """The title, time and points, and how to get the key."""
    rows = [(part.roman, part.title, f"{part.points:g}") for part in mock.parts]
    rows.append(("", "**Total**", f"**{mock.points:g}**"))
    return "\n\n".join(
        [
            f"# Mock exam, seed {mock.seed}",
            f"A fresh mock exam in the shape of the {source.TERM} exam of {source.COURSE}: the "
            f"same parts, questions and points, **{mock.points:g} points in {mock.minutes} "
            "minutes**, with shuffled options and new numbers. Set a timer and answer on paper; "
            f"`{SCRIPT} exam --seed {mock.seed} --key` prints the answers "
            f"(or `{MODULE} exam ...`).",
            md.table(("Part", "Topic", "Points"), rows, align="llr"),
        ]
    )


def rubric(question: WordedQuestion | DrillQuestion) -> str:
    """The points breakdown of a generated question, or '' where it has none."""
    if not question.rubric:
        return ""
    lines = "\n".join(f"- {md.points(pts)}: {what}" for what, pts in question.rubric)
    return f"**Points.**\n\n{lines}"


def choice_markdown(question: ChoiceQuestion, key: bool) -> str:
    """A multiple-choice question with lettered boxes; with `key`, the right letters and why."""
    boxes = "  \n".join(
        f"☐ {letter}. {option.text}"
        for letter, option in zip(LETTERS, question.options, strict=False)
    )
    blocks = [heading(1, question), f"{question.prompt}\n\n{boxes}"]
    if key:
        right = ", ".join(question.right) or "none"
        reasons = "\n".join(
            f"- {letter}. {'true' if option.right else 'false'}: {option.why}"
            for letter, option in zip(LETTERS, question.options, strict=False)
        )
        blocks.append(f"**Answer:** {right}\n\n{reasons}")
    return "\n\n".join(blocks)


def worded_key(part: int, question: WordedQuestion) -> str:
    """What earns the points of a question without new numbers, and where it is worked out."""
    blocks = []
    if question.answer:
        pairs = "; ".join(
            f"{name}: " + ", ".join(f"{k} = {v:g}" for k, v in value.items())
            for name, value in question.answer.items()
        )
        blocks.append(f"**Answer (the exam's):** {pairs}.")
    blocks.append(rubric(question) or f"*{md.points(question.points)}.*")
    blocks.append(
        f"The worked answer is in the guide's chapter {source.part(part).page} ({question.topic})."
    )
    return "\n\n".join(blocks)


def worded_markdown(part: int, question: WordedQuestion, key: bool) -> str:
    """A question that keeps the exam's wording, as the exam sheet states it."""
    blocks = [
        heading(part, question),
        exam_sheet.statement(part, question.label),
    ]
    if (part, question.label) in FIGURE_NOTES:
        blocks.append(FIGURE_NOTES[part, question.label])
    if key:
        blocks.append(worded_key(part, question))
    return "\n\n".join(blocks)


def drill_groups(part: MockPart) -> list[list[Question]]:
    """The part's questions, consecutive drills of one (kind, seed) grouped: they share one
    problem (Part IV (a) to (c))."""
    groups: list[list] = []
    for question in part.questions:
        previous = groups[-1][-1] if groups else None
        same = (
            isinstance(question, DrillQuestion)
            and isinstance(previous, DrillQuestion)
            and (previous.kind, previous.seed) == (question.kind, question.seed)
        )
        if same:
            groups[-1].append(question)
        else:
            groups.append([question])
    return groups


def drill_markdown(part: int, questions: Sequence[DrillQuestion], key: bool) -> str:
    """Questions sharing one practice problem: their headings, its statement, its key."""
    first = questions[0]
    statement, solution = practice_parts(first.kind, first.seed)
    if len(questions) == 1:
        blocks = [heading(part, first)]
    else:
        labels = " to ".join((f"({questions[0].label})", f"({questions[-1].label})"))
        total = sum(q.points for q in questions)
        listed = "\n".join(f"- {heading(part, q, level=0)}" for q in questions)
        blocks = [f"### {labels} · {md.points(total)}", listed]
    blocks.append(statement)
    follow_ups = [q.follow_up for q in questions if q.follow_up]
    blocks += follow_ups
    if key:
        blocks.append(f"#### Key\n\n{solution}")
        blocks += [rubric(q) for q in questions if q.follow_up and q.rubric]
    return "\n\n".join(blocks)


def part_markdown(part: MockPart, key: bool) -> str:
    """One part: its heading with points, then its questions in the exam's order."""
    blocks = [f"## Part {part.roman} · {part.title} · {md.points(part.points)}"]
    if part.number == 1:
        blocks.append(exam_sheet.MULTIPLE_CHOICE_RULE)
    for group in drill_groups(part):
        question = group[0]
        if (part.number, question.label) in SETTINGS:
            blocks.append(SETTINGS[part.number, question.label]())
        if isinstance(question, ChoiceQuestion):
            blocks.append(choice_markdown(question, key))
        elif isinstance(question, WordedQuestion):
            blocks.append(worded_markdown(part.number, question, key))
        else:
            blocks.append(drill_markdown(part.number, group, key))
    return "\n\n".join(blocks)


def exam_markdown(mock: MockExam, key: bool = False) -> str:
    """The whole generated exam as Markdown: questions only, or with `key` the answers too."""
    return "\n\n".join([header(mock), *(part_markdown(part, key) for part in mock.parts)]) + "\n"
