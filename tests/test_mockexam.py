"""Generated mock exams (`snippets.mockexam`, `i2dl exam`): the exam's shape, points and time,
a multiple-choice key that follows the shuffle, and every numeric answer recomputed.

Answers of the six kinds with a page are recomputed by the witnesses of tests/test_practice.py
(plain loops and finite differences), those of shape-chain and pool-forward by the witnesses of
their own test modules; none calls the function under test. The Markdown is checked with the
practice problems' own Markdown replaced by a stand-in (no figure is drawn in the fast set);
one slow test prints a whole exam with its key.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam as source
from snippets import mockexam
from snippets.mockexam import ChoiceQuestion, DrillQuestion, WordedQuestion
from snippets.practice import registry, schema
from snippets.practice.seeds import SEED_LIMIT
from snippets.render import mockexam as render
from tests.conftest import ROOT
from tests.test_pool_forward import pool_witness
from tests.test_practice import flat, witness
from tests.test_practice_cli import run  # i2dl ARGV in-process: status, stdout, stderr
from tests.test_shape_chain import chain_witness

seeds = st.integers(0, SEED_LIMIT - 1)
JSON_ATOL = 1e-9  # JSON numbers are rounded to 12 decimals
FD_ATOL = 1e-6  # the backprop and logistic witnesses use finite differences


def questions(mock):
    return [(part.number, q) for part in mock.parts for q in part.questions]


def drills(mock) -> list[tuple[int, DrillQuestion]]:
    return [(n, q) for n, q in questions(mock) if isinstance(q, DrillQuestion)]


def independent_answer(kind: str, problem) -> dict:
    """The whole answer of a practice problem, recomputed without the snippets modules."""
    if kind == "shape-chain":
        return {"shapes": chain_witness(problem)}
    if kind == "pool-forward":
        return pool_witness(problem)
    return witness(kind, problem)


# --- shape, points, time ------------------------------------------------------------------------


@given(seeds)
def test_same_seed_same_exam(seed):
    assert mockexam.exam(seed) == mockexam.exam(seed)
    assert mockexam.record(mockexam.exam(seed)) == mockexam.record(mockexam.exam(seed))


@given(seeds)
def test_points_sum_to_71_in_71_minutes_part_by_part_as_published(seed):
    mock = mockexam.exam(seed)
    assert mock.points == source.PUBLISHED_TOTAL_POINTS == 71
    assert tuple(part.points for part in mock.parts) == source.PUBLISHED_PART_POINTS
    assert mock.minutes == source.MINUTES
    record = mockexam.record(mock)
    assert record["points"] == 71
    assert sum(q["points"] for p in record["parts"] for q in p["questions"]) == 71


@given(seeds)
def test_every_question_is_the_exams_with_its_points(seed):
    mock = mockexam.exam(seed)
    want = [(p.number, q.label, q.points) for p in source.PARTS for q in p.questions]
    assert [(n, q.label, q.points) for n, q in questions(mock)] == want
    assert [(p.number, p.title) for p in mock.parts] == [(p.number, p.title) for p in source.PARTS]


@given(seeds)
def test_a_points_breakdown_adds_up_to_the_questions_points(seed):
    for _, question in questions(mockexam.exam(seed)):
        if getattr(question, "rubric", ()):
            assert sum(pts for _, pts in question.rubric) == question.points, question.label


def test_different_seeds_give_different_exams():
    records = {json.dumps(mockexam.record(mockexam.exam(seed))) for seed in range(5)}
    assert len(records) == 5


@pytest.mark.parametrize("seed", [-1, SEED_LIMIT, 2.0, "7", True, None])
def test_a_bad_seed_is_rejected_naming_the_parameter(seed):
    with pytest.raises(ValueError, match=r"^seed must be"):
        mockexam.exam(seed)


# --- Part I: the key follows the shuffle ----------------------------------------------------------


def _exam_options(label: str) -> dict[str, bool]:
    """The exam's options of multiple-choice question `label`: text -> marked true."""
    (question,) = [q for q in source.MULTIPLE_CHOICE if q.label == label]
    return {option.text: option.right for option in question.options}


@given(seeds)
def test_multiple_choice_key_follows_the_shuffle(seed):
    mock = mockexam.exam(seed)
    part_one = mockexam.record(mock)["parts"][0]
    assert all(isinstance(q, ChoiceQuestion) for q in mock.parts[0].questions)
    for question, shown in zip(mock.parts[0].questions, part_one["questions"], strict=True):
        truth = _exam_options(question.label)
        texts = [option["text"] for option in shown["options"]]
        assert sorted(texts) == sorted(truth)  # the same options, reordered
        letters = [option["letter"] for option in shown["options"]]
        right = shown["answer"]["right"]
        # Each right letter names an option the exam marks true, and every true one is named.
        assert all(truth[texts[letters.index(letter)]] for letter in right)
        assert len(right) == sum(truth.values())
        assert list(question.right) == right


def test_the_shuffle_moves_options():
    orders = set()
    for seed in range(20):
        first = mockexam.exam(seed).parts[0].questions[0]
        orders.add(tuple(option.text for option in first.options))
    assert len(orders) > 1


# --- Parts II to VI: new numbers, recomputed --------------------------------------------------------


@given(seeds)
def test_every_numeric_answer_equals_an_independent_recomputation(seed):
    mock = mockexam.exam(seed)
    for part_number, question in drills(mock):
        problem = registry.problem(question.kind, question.seed)
        want = independent_answer(question.kind, problem)
        got = mockexam.answer(question)
        keys = question.answer_keys or tuple(want)
        assert list(got) == list(keys), (part_number, question.label)
        for key in keys:
            assert_allclose(
                flat(got[key]), flat(want[key]), atol=FD_ATOL, rtol=0,
                err_msg=f"{part_number} {question.label} {key}",
            )  # fmt: skip


@given(seeds)
def test_questions_that_compute_get_new_instances_and_the_rest_keep_their_wording(seed):
    mock = mockexam.exam(seed)
    kinds = {(n, q.label): q.kind for n, q in drills(mock)}
    assert kinds == {
        (2, "8"): "conv-shape",
        (3, "c"): "logistic-step",
        (4, "a"): "backprop",
        (4, "b"): "backprop",
        (4, "c"): "backprop",
        (5, "1 (a)"): "conv-forward",
        (5, "1 (b)"): "conv-backward",
        (5, "1 (c)"): "pool-forward",
        (6, "c"): "shape-chain",
        (6, "d"): "param-count",
    }
    part_four = [q.seed for n, q in drills(mock) if n == 4]
    assert len(set(part_four)) == 1  # (a) to (c) work on one network
    for n, question in questions(mock):
        if isinstance(question, WordedQuestion):
            assert question.statement == source.WORDING.get((n, question.label), "")


@given(seeds)
def test_json_holds_every_question_its_answer_and_points(seed):
    record = json.loads(schema.dumps(mockexam.record(mockexam.exam(seed))))
    assert list(record) == ["seed", "minutes", "points", "parts"]
    for part in record["parts"]:
        assert part["points"] == sum(q["points"] for q in part["questions"])
        for question in part["questions"]:
            assert {"label", "points", "type", "answer"} <= set(question)
            if question["type"] == "practice":
                full = schema.record(question["kind"], question["seed"])
                assert question["problem"] == full["problem"]
                assert question["answer"].items() <= full["answer"].items()


def test_short_question_4_keeps_the_exams_published_curves():
    (question,) = [q for n, q in questions(mockexam.exam(3)) if (n, q.label) == (2, "4")]
    assert question.answer == {"curves": source.PUBLISHED_CURVES}
    assert question.given == {"learning_rates": list(source.LEARNING_RATES)}


# --- Markdown -----------------------------------------------------------------------------------------


def stand_in(kind: str, seed: int) -> str:
    """Practice Markdown of the real shape, without drawing any figure."""
    return (
        f"# Practice: {kind} (seed {seed})\n\nSTATEMENT {kind} {seed}\n\n"
        f"## Worked solution\n\nSOLUTION {kind} {seed}\n\n## Answers\n\n- x = 1\n"
    )


@pytest.fixture
def no_figures(monkeypatch):
    monkeypatch.setattr(render, "practice_markdown", stand_in)


def test_markdown_states_every_question_with_its_points_and_no_answer(no_figures):
    mock = mockexam.exam(11)
    text = render.exam_markdown(mock)
    assert text.startswith("# Mock exam, seed 11\n")
    assert "**71 points in 71 minutes**" in text
    for part in mock.parts:
        assert f"## Part {part.roman} · {part.title} · {part.points:g} points" in text
    for number, question in questions(mock):
        assert render.heading(number, question, level=0) in text
    for _, question in drills(mock):
        assert text.count(f"STATEMENT {question.kind} {question.seed}\n") == 1  # once a problem
    assert "SOLUTION" not in text
    assert "**Answer" not in text
    assert "**Points.**" not in text


def test_markdown_key_adds_every_answer(no_figures):
    mock = mockexam.exam(11)
    text = render.exam_markdown(mock, key=True)
    for _, question in drills(mock):
        assert f"SOLUTION {question.kind} {question.seed}" in text
    for question in mock.parts[0].questions:
        assert f"**Answer:** {', '.join(question.right)}\n" in text
    assert text.count("**Answer:**") == len(mock.parts[0].questions)


# --- the command ----------------------------------------------------------------------------------------


def test_command_prints_the_exam_as_json(capsys):
    status, out, err = run(capsys, "exam", "--seed", "7", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out) == mockexam.record(mockexam.exam(7))


def test_command_prints_markdown(capsys, no_figures):
    status, out, err = run(capsys, "exam", "--seed", "7")
    assert (status, err) == (0, "")
    assert out == render.exam_markdown(mockexam.exam(7)) + "\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("exam",), "i2dl exam: error: give --seed N (a whole number from 0 to"),
        (("exam", "--seed", "-3"), "i2dl exam: error: seed must be a whole number from 0 to"),
        (("exam", "--seed", "x"), "i2dl exam: error: seed must be"),
        (("exam", "--seed", "1", "--key", "--json"), "not allowed with argument"),
        (("exam", "--seeds", "1"), "unrecognized arguments: --seeds 1"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.slow
def test_module_prints_a_whole_exam_with_its_key():
    result = subprocess.run(
        [sys.executable, "-m", "snippets", "exam", "--seed", "7", "--key"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Mock exam, seed 7\n")
    assert result.stdout.count("## Worked solution") == 0  # demoted to "#### Key" sections
    assert result.stdout.count("#### Key") == len(
        {(q.kind, q.seed) for _, q in drills(mockexam.exam(7))}
    )
