"""The "How we know this is right" page is generated from the tests, so it cannot drift."""

from __future__ import annotations

import ast

from snippets import exam
from snippets.render.verification import TESTS, chapter_section, chapter_tests, compute_modules

PART_3 = exam.part(3).page


def test_chapter_modules_are_read_from_the_page():
    assert compute_modules(PART_3) == ["snippets.derivations", "snippets.logistic"]


def test_tests_calling_a_chapter_function_are_listed():
    names = {case.name for case in chapter_tests(PART_3)}
    assert {"test_bce_gradient_is_p_minus_t", "test_answer_key_score"} <= names


def test_every_listed_test_exists():
    for case in chapter_tests(PART_3):
        tree = ast.parse((TESTS.parent / case.module).read_text())
        assert case.name in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_hypothesis_tests_are_called_properties():
    witness = {case.name: case.witness for case in chapter_tests(PART_3)}
    assert "Hypothesis" in witness["test_sigmoid_derivative_matches_finite_differences"]
    assert "published" in witness["test_answer_key_score"]


def test_section_counts_the_tests_it_lists():
    section = chapter_section(3)
    assert f"**{len(chapter_tests(PART_3))} tests**" in section
