"""The printable exam sheet: every part and question with its points, the total and the
time from exam.py, the chapters' own statements, and nothing of any solution."""

from __future__ import annotations

import re
from functools import cache

import pytest

from snippets import exam
from snippets.render import exam_sheet as sheet
from snippets.render import markdown as md
from tests.conftest import ROOT


@cache
def text() -> str:
    return sheet.exam_sheet()


def prose() -> str:
    """The sheet without its inline figures (their SVG text is labels and ticks)."""
    return re.sub(r"<figure.*?</figure>", "", text(), flags=re.DOTALL)


def test_sheet_has_no_solution_block():
    assert not re.search(r"^\s*(\?\?\?|!!!)", text(), flags=re.MULTILINE)
    assert "<details" not in text()
    for marker in ("Solution", "Computed by", "Checked by", "data-right"):
        assert marker not in text(), marker


def test_sheet_gives_no_published_answer_of_a_multiple_choice_question():
    for question in exam.MULTIPLE_CHOICE:
        for option in question.options:
            assert f"☐ {option.text}" in text()
            assert option.why not in text(), option.why
    assert "☑" not in text()


def test_sheet_shows_total_points_and_time():
    total = sum(part.points for part in exam.PARTS)
    assert total == exam.PUBLISHED_TOTAL_POINTS
    assert f"**{exam.PUBLISHED_TOTAL_POINTS} points in {exam.MINUTES} minutes**" in text()
    assert f"| **Total** | **{exam.PUBLISHED_TOTAL_POINTS}** |" in text()


def test_sheet_shows_every_part_with_its_points():
    for part, published in zip(exam.PARTS, exam.PUBLISHED_PART_POINTS, strict=True):
        assert f"\n## Part {part.roman} · {part.title} · {published} points\n" in text()
        assert f"| {part.roman} | {part.title} | {published} |" in text()


def test_sheet_shows_every_question_with_its_points_in_exam_order():
    headings = re.findall(r"^### .*$", text(), flags=re.MULTILINE)
    expected = [
        md.heading(part.number, q.label, level=3) for part in exam.PARTS for q in part.questions
    ]
    assert headings == expected


def key_id(key: tuple[int, str]) -> str:
    return f"part-{key[0]}-{key[1].replace(' ', '')}"


@pytest.mark.parametrize("key", sorted(sheet.STATEMENTS), ids=key_id)
def test_sheet_restates_the_chapter_statement(key):
    part, label = key
    chapter_text = sheet.STATEMENTS[key]()
    assert chapter_text.strip()
    block = text().split(sheet.heading(part, label), 1)[1]
    assert block.lstrip().startswith(chapter_text)


@pytest.mark.parametrize("key", sorted(sheet.FIGURES), ids=key_id)
def test_sheet_shows_the_question_figure(key):
    figure = sheet.FIGURES[key]()
    assert 'role="img" aria-label="' in figure
    assert text().count(figure) == 1


def test_settings_come_before_their_first_question():
    for (part, label), setting in sheet.SETTINGS.items():
        before, _, _ = text().partition(sheet.heading(part, label))
        assert before.rstrip().endswith(setting().rstrip())


def test_fallbacks_are_the_questions_without_a_statement_function_or_prose():
    fallbacks = sheet.fallbacks()
    for part in exam.PARTS[1:]:
        for q in part.questions:
            stated = (part.number, q.label) in sheet.STATEMENTS or sheet.page_prose(
                part.number, q.label
            )
            assert ((part.number, q.label) in fallbacks) != bool(stated)


def test_prose_statements_are_taken_from_the_chapter_pages():
    prose = sheet.statement(5, "2 (b)")
    assert "Find" in prose
    assert "```" not in prose
    assert prose in (sheet.DOCS / exam.part(5).page).read_text()


def test_every_question_has_a_statement():
    assert sheet.fallbacks() == []


def test_topic_keeps_capitals_and_capitalises_the_first_letter():
    assert sheet.topic(1, "6") == "LSTM gates"
    assert sheet.topic(3, "a") == "Derivative of the sigmoid"


def test_sheet_page_prints_the_sheet_and_nothing_else():
    page = (ROOT / "docs" / "exam-sheet.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python exec=\"on\"[^\n]*\n(.*?)```", page, flags=re.DOTALL)
    assert blocks == ["from snippets.render.exam_sheet import exam_sheet\n\nprint(exam_sheet())\n"]


@pytest.mark.build
def test_built_sheet_has_every_part_and_no_solution(site):
    html = (site / "exam-sheet.html").read_text(encoding="utf-8")
    assert "<details" not in html
    assert 'class="katex"' in html  # the statements' math is rendered
    for part in exam.PARTS:
        assert f"Part {part.roman} · {part.title} · {md.points(part.points)}" in html
    assert html.count('<svg class="guide-figure"') == text().count('<svg class="guide-figure"')
