"""Markdown building blocks shared by every chapter: the question unit, tables, evidence."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence

from snippets import exam


def join(blocks: Iterable[str]) -> str:
    """Blocks of Markdown one after another, a blank line between them; empty ones left out."""
    return "\n\n".join(b for b in blocks if b)


def indent(text: str, spaces: int = 4) -> str:
    return textwrap.indent(text, " " * spaces, lambda line: bool(line.strip()))


def points(value: float) -> str:
    value = float(value)
    amount = f"{value:g}"
    return f"{amount} point" if value == 1 else f"{amount} points"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A number with its noun in agreement: 1 test, 2 tests, 0 boxes."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def collapsible(title: str, body: str, kind: str = "success", open_: bool = False) -> str:
    """A collapsible admonition (pymdownx.details): closed until the reader opens it."""
    marker = "???+" if open_ else "???"
    return f'{marker} {kind} "{title}"\n\n{indent(body)}\n'


def solution(body: str, pts: float | None = None, title: str = "Solution") -> str:
    """A worked solution, closed so the reader can try first."""
    heading = f"{title} ({points(pts)})" if pts is not None else title
    return collapsible(heading, body, kind="success")


def question(part: int, label: str) -> exam.Question:
    """The exam's question `label` of part `part`."""
    for item in exam.part(part).questions:
        if item.label == label:
            return item
    raise ValueError(f"label {label!r} is not a question of part {part}")


def rubric(part: int, label: str) -> str:
    """The exam's points breakdown for question `label` of part `part`, or '' where it gives none."""
    item = question(part, label)
    if not item.rubric:
        return ""
    lines = "\n".join(f"- {points(pts)}: {what}" for what, pts in item.rubric)
    return f"**Points.**\n\n{lines}"


def heading(part: int, label: str, level: int = 2) -> str:
    """A section heading with the question's points, e.g. '## (a) Derivative of σ · 3 points'."""
    item = question(part, label)
    shown = item.label if "(" in item.label else f"({item.label})"  # "1 (a)" stays as it is
    topic = item.topic[:1].upper() + item.topic[1:]  # keep acronyms such as LSTM
    optional = " · optional" if item.optional else ""  # as the exam marks it
    return f"{'#' * level} {shown} {topic} · {points(item.points)}{optional}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    """A Markdown table; `align` has one of l, c, r per column (default: left)."""
    align = align or "l" * len(headers)
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def page_url(page: str) -> str:
    """The built URL of docs/`page`, for links printed by a block.

    MkDocs rewrites `.md` links only in a page's own Markdown; a block's output is HTML by
    then, so it must link to the built file (plain `.html` URLs: `use_directory_urls: false`).
    """
    return page.removesuffix(".md") + ".html"


def exam_structure() -> str:
    """The exam's parts, points and time as a table, each part linked to its chapter."""
    rows = [
        (
            part.roman,
            f"[{part.title}]({page_url(part.page)})",
            f"{part.points:g}",
            len(part.questions),
        )
        for part in exam.PARTS
    ]
    total = sum(part.points for part in exam.PARTS)
    rows.append(("", "**Total**", f"**{total:g}**", sum(len(p.questions) for p in exam.PARTS)))
    return table(("Part", "Topic", "Points", "Questions"), rows, align="llrr")


def exam_time() -> str:
    """One line: total points and minutes."""
    total = sum(part.points for part in exam.PARTS)
    return (
        f"{len(exam.PARTS)} parts, **{total:g} points in {exam.MINUTES} minutes** "
        f"({exam.TERM}); no notes or other aids allowed."
    )


def part_summary(number: int) -> str:
    """One line: the part's points and its share of the exam's time."""
    part = exam.part(number)
    total = sum(p.points for p in exam.PARTS)
    minutes = exam.MINUTES * part.points / total
    notebook = f"notebooks/{part.page.removesuffix('.md')}.ipynb"
    return (
        f"**Part {part.roman} · {points(part.points)}** · about {minutes:.0f} of the exam's "
        f"{exam.MINUTES} minutes (one minute a point) · "
        f"[this chapter as a notebook]({notebook}) (runs with numpy, matplotlib and sympy)"
    )


# --- evidence: which code computed a result -------------------------------------------------

EVIDENCE_CLASS = "guide-evidence-slot"


def qualified_name(function: Callable[..., object]) -> str:
    """`snippets.logistic.descent_step`: the name the build looks a function up by."""
    return f"{function.__module__}.{function.__qualname__}"


def how_we_know(*functions: Callable[..., object]) -> str:
    """A closed "How we know" block naming the functions that computed a result.

    The renderer only names them: the build (snippets/mdext/hooks.py) fills the block with
    the lines of each function that carry the math and a link to the tests that check it,
    and stops with the page's name if no test checks one of them.
    """
    if not functions:
        raise ValueError("functions must name at least one snippet function")
    names = " ".join(qualified_name(function) for function in functions)
    slot = f'<span class="{EVIDENCE_CLASS}" data-functions="{names}"></span>'
    return collapsible("How we know", slot, kind="abstract guide-evidence")


# The former name, kept for the blocks that still call it.
provenance = how_we_know


# --- the question as one unit -----------------------------------------------------------------


def answer_items(part: int, label: str, answer: str | Sequence[str]) -> str:
    """What earns the points: one line per item of the exam's points breakdown, or the whole
    answer with the question's points where the exam gives no breakdown."""
    item = question(part, label)
    if isinstance(answer, str):
        if item.rubric:
            raise ValueError(
                f"answer must give one entry per item of the points breakdown of "
                f"{part} {label} ({len(item.rubric)} items), got one text"
            )
        return f"{answer}\n\n*{points(item.points)}.*"
    if not item.rubric:
        raise ValueError(
            f"answer of {part} {label} must be one text: the exam gives no points breakdown"
        )
    if len(answer) != len(item.rubric):
        raise ValueError(
            f"answer must give one entry per item of the points breakdown of {part} {label}: "
            f"{len(item.rubric)} items, got {len(answer)}"
        )
    return "\n".join(
        f"- {text} · *{points(pts)}*" for text, (_, pts) in zip(answer, item.rubric, strict=True)
    )


def unit(
    part: int,
    label: str,
    *,
    answer: str | Sequence[str],
    worked: str,
    evidence: Sequence[Callable[..., object]] = (),
    statement: str | None = None,
    figure: str = "",
    after: str = "",
    level: int = 2,
) -> str:
    """One sub-question in the guide's one shape, the same in every chapter.

    Its heading with the points; the statement (the exam's wording as restated in
    `exam.py`, unless a renderer states it with the problem's numbers) and its figure,
    nothing marked that answers it; then, each closed until the reader opens it (and
    hidden in test mode until Reveal): **Answer**, what earns the points, short as a
    grader's; **Worked solution**, every step; **How we know**, the code and its checks.
    `after` holds notes that would give the answer away, so they come after the answer.
    """
    item = question(part, label)
    stated = item.statement if statement is None else statement
    if not stated.strip():
        raise ValueError(f"statement of {part} {label} is empty: restate it in exam.py")
    if not worked.strip():
        raise ValueError(f"worked must hold the worked solution of {part} {label}")
    blocks = [heading(part, label, level), stated]
    if figure:
        blocks.append(figure)
    answers = [
        collapsible(
            f"Answer · {points(item.points)}",
            answer_items(part, label, answer),
            kind="success guide-answer",
        ),
        collapsible("Worked solution", worked, kind="example guide-worked"),
    ]
    if evidence:
        answers.append(how_we_know(*evidence))
    if after:
        answers.append(after)
    blocks.append(
        '<div class="guide-answers guide-solution" data-title="the answer" markdown="1">\n\n'
        + "\n\n".join(answers)
        + "\n\n</div>"
    )
    return "\n\n".join(blocks)


def section(title: str, body: str, *, answer: str = "", level: int = 2) -> str:
    """A section that is not an exam question ("Beyond the exam"): a heading and its text,
    and, if it asks the reader something, its answer closed (hidden in test mode)."""
    if not title.strip():
        raise ValueError("title must not be empty")
    blocks = [f"{'#' * level} {title}", body]
    if answer:
        blocks.append(collapsible("Answer", answer, kind="success guide-answer"))
    return "\n\n".join(blocks)
