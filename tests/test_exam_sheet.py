"""The printable exam sheet: every part and question with its points, the total and the
time from exam.py, the chapters' own statements, and nothing of any solution."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
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


@pytest.mark.claim("index.md", "(questions only)")
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


def test_every_question_has_a_statement():
    for part in exam.PARTS:
        for q in part.questions:
            assert sheet.statement(part.number, q.label).strip(), (part.number, q.label)


def test_worded_statements_are_the_wording_of_exam_py():
    """One home for a question's wording: the sheet prints exam.WORDING, as the chapter does."""
    for (part, label), wording in exam.WORDING.items():
        assert sheet.statement(part, label) == wording
        assert md.question(part, label).statement == wording


def test_a_question_without_wording_or_statement_function_is_refused(monkeypatch):
    monkeypatch.setitem(exam.WORDING, (6, "d"), "")
    monkeypatch.setattr(exam, "PARTS", exam.PARTS)  # unchanged; the wording is read per call
    question = md.question(6, "d")
    monkeypatch.setattr(md, "question", lambda part, label: dataclasses.replace(
        question, statement="") if (part, label) == (6, "d") else question)  # fmt: skip
    with pytest.raises(ValueError, match="has no wording"):
        sheet.statement(6, "d")


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


@pytest.mark.build
def test_the_cached_sheet_follows_an_edited_wording(tmp_path):
    """Edit a question's wording (in a copy), rebuild with the cache on: the sheet follows."""
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    docs = tmp_path / "docs"
    for folder in ("assets", "stylesheets", "javascripts"):
        shutil.copytree(ROOT / "docs" / folder, docs / folder)
    (docs / "index.md").write_text("# Home\n")
    shutil.copy(ROOT / "docs" / "exam-sheet.md", docs / "exam-sheet.md")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nnav: [index.md, exam-sheet.md]\n"
        f"hooks: [{tmp_path / 'snippets' / 'mdext' / 'hooks.py'}]\n"
        f"theme: {{custom_dir: {ROOT / 'overrides'}}}\nplugins: [search]\n"
    )
    env = os.environ | {
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(tmp_path),  # the copy's snippets, not the repository's
        "I2DL_EXEC_CACHE": str(tmp_path / "cache"),
    }

    def built() -> str:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                   "-d", str(tmp_path / "site")]  # fmt: skip
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                                check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return (tmp_path / "site" / "exam-sheet.html").read_text(encoding="utf-8")

    old = exam.WORDING[5, "2 (c)"]
    assert old in built()
    module = tmp_path / "snippets" / "exam.py"
    source = module.read_text(encoding="utf-8")
    assert source.count(repr(old)[1:-1]) == 1
    module.write_text(source.replace(repr(old)[1:-1], "Why can residual nets be deep? (edited)"))
    html = built()
    assert "Why can residual nets be deep? (edited)" in html
    assert old not in html


def test_sheet_says_which_figures_were_rebuilt():
    for (part, label), note in exam.RECONSTRUCTED.items():
        before, _, _ = text().partition(sheet.heading(part, label))
        since_last_question = before.rpartition("\n### ")[2]  # between it and the one before
        assert f"*Rebuilt figure.* {note}" in since_last_question, (part, label)
    assert {(2, "4"), (6, "a")} <= exam.RECONSTRUCTED.keys()
    assert any(part == 5 for part, _ in exam.RECONSTRUCTED)
