"""The exam data agrees with the exam's own cover: points per part, total, time."""

from __future__ import annotations

import pytest

from snippets import exam


def test_part_points_match_the_cover():
    assert tuple(part.points for part in exam.PARTS) == exam.PUBLISHED_PART_POINTS


def test_total_points_match_the_cover():
    assert sum(part.points for part in exam.PARTS) == exam.PUBLISHED_TOTAL_POINTS


def test_rubrics_add_up_to_the_question_points():
    for part in exam.PARTS:
        for question in part.questions:
            if question.rubric:
                assert sum(pts for _, pts in question.rubric) == question.points, question


def test_every_part_has_a_page_in_the_nav():
    from pathlib import Path

    from mkdocs.config import load_config

    config = load_config(str(Path(__file__).parent.parent / "mkdocs.yml"))

    def flatten(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from flatten(value) if isinstance(value, list) else [value]

    pages = set(flatten(config["nav"]))
    assert {part.page for part in exam.PARTS} <= pages


@pytest.mark.parametrize("number", [0, 7])
def test_unknown_part_is_rejected(number):
    with pytest.raises(ValueError, match=r"^number must"):
        exam.part(number)


def test_short_question_8_is_optional_as_in_the_exam():
    optional = [
        (part.number, question.label)
        for part in exam.PARTS
        for question in part.questions
        if question.optional
    ]
    assert optional == [(2, "8")]
    assert next(q for q in exam.part(2).questions if q.label == "8").optional is True
