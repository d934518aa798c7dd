"""The practice kind pool-forward: max and average pooling, with the stated padding convention.

Each output is recomputed by plain loops over the unpadded input (positions outside it are
padding); the average is checked once more as a convolution with the kernel of entries 1/f²,
the comparison of Part V 1 (c), and the exam's own instance against the exam's published cells.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam
from snippets.practice import pool_forward, registry, schema
from snippets.practice.pool_forward import PoolProblem
from snippets.practice.seeds import SEED_LIMIT
from tests.test_practice_cli import run  # i2dl ARGV in-process: status, stdout, stderr
from tests.witnesses import naive_conv

seeds = st.integers(0, SEED_LIMIT - 1)


def pool_witness(problem) -> dict[str, list[list[float]]]:
    """Max over the window's input cells only; sum over the input cells divided by f²."""
    x, f, s, p = problem.input, problem.kernel_size, problem.stride, problem.padding
    n_rows, n_cols = len(x), len(x[0])
    out_rows = (n_rows + 2 * p - f) // s + 1
    out_cols = (n_cols + 2 * p - f) // s + 1
    maxima = [[0.0] * out_cols for _ in range(out_rows)]
    means = [[0.0] * out_cols for _ in range(out_rows)]
    for i in range(out_rows):
        for j in range(out_cols):
            inside = [
                x[s * i + a - p][s * j + b - p]
                for a in range(f)
                for b in range(f)
                if 0 <= s * i + a - p < n_rows and 0 <= s * j + b - p < n_cols
            ]
            maxima[i][j] = max(inside)
            means[i][j] = sum(inside) / (f * f)  # padding zeros add nothing but count
    return {"max_output": maxima, "average_output": means}


def flat(rows) -> list[float]:
    return [float(v) for row in rows for v in row]


@given(seeds)
def test_outputs_match_plain_loops(seed):
    problem = pool_forward.generate(seed)
    answer = schema.record("pool-forward", seed)["answer"]
    want = pool_witness(problem)
    assert list(answer) == list(want)
    for key, rows in want.items():
        assert_allclose(flat(answer[key]), flat(rows), atol=1e-9, rtol=0, err_msg=key)


@given(seeds)
def test_average_pooling_is_the_convolution_with_the_averaging_kernel(seed):
    problem = pool_forward.generate(seed)
    f = problem.kernel_size
    kernel = [[1 / f**2] * f for _ in range(f)]
    conv = naive_conv(problem.input, kernel, problem.stride, problem.padding)
    assert_allclose(pool_forward.average_output(problem), conv, atol=1e-12)


@given(seeds)
def test_asked_numbers_are_the_asked_cells_of_both_outputs(seed):
    problem = pool_forward.generate(seed)
    want = pool_witness(problem)
    asked = pool_forward.asked(problem)
    cells = problem.asked
    expected = [want["max_output"][i][j] for i, j in cells]
    expected += [want["average_output"][i][j] for i, j in cells]
    assert_allclose([item.value for item in asked], expected, atol=1e-12)
    assert len({item.key for item in asked}) == len(asked)


@given(seeds)
def test_problems_are_small_and_tile_exactly(seed):
    problem = pool_forward.generate(seed)
    n, f, s, p = len(problem.input), problem.kernel_size, problem.stride, problem.padding
    assert n in (4, 5, 6)
    assert all(len(row) == n for row in problem.input)
    assert f in (2, 3)
    assert 1 <= s <= f
    assert p in (0, 1)
    assert all(float(v).is_integer() and -5 <= v <= 9 for row in problem.input for v in row)
    assert (n - f + 2 * p) % s == 0
    out = (n - f + 2 * p) // s + 1
    assert out in (2, 3)
    assert len(set(problem.asked)) == min(4, out * out)
    assert all(0 <= i < out and 0 <= j < out for i, j in problem.asked)


@given(seeds)
def test_same_seed_same_problem_and_json_validates(seed):
    assert pool_forward.generate(seed) == pool_forward.generate(seed)
    schema.validate(json.loads(schema.dumps(schema.record("pool-forward", seed))))


def test_padding_never_wins_a_max_but_counts_in_an_average():
    x = ((-4.0,) * 4,) * 4
    problem = PoolProblem(x, kernel_size=3, stride=1, padding=1, asked=((0, 0),))
    answer = pool_forward.answer_data(problem)
    assert answer["max_output"][0][0] == -4  # a zero of the padding would have won
    assert answer["average_output"][0][0] == pytest.approx(4 * -4 / 9)  # 4 cells, 9 counted
    assert answer["average_output"][1][1] == pytest.approx(-4)  # no padding in the window


def test_exam_instance_gives_the_exams_published_convolution_cells():
    """Part V 1 (c): with the exam's averaging kernel, its convolution is this pooling."""
    problem = pool_forward.exam_problem()
    means = pool_forward.average_output(problem)
    got = [means[i, j] for i, j in exam.CONV.asked_output]
    assert_allclose(got, exam.PUBLISHED_CONV_OUTPUT, atol=1e-12)
    assert np.allclose(exam.CONV.kernel, 1 / 9)  # the exam's kernel is the averaging kernel


def test_max_pool_rejects_bad_settings_naming_the_parameter():
    with pytest.raises(ValueError, match="stride"):
        pool_forward.max_pool2d([[1, 2], [3, 4]], 2, stride=0)
    with pytest.raises(ValueError, match="kernel_size"):
        pool_forward.max_pool2d([[1, 2], [3, 4]], 5)


def test_kind_is_registered_for_the_command_line_but_has_no_page_yet():
    assert not registry.kind("pool-forward").page
    assert "pool-forward" in registry.ALL_NAMES
    assert "pool-forward" not in registry.NAMES


def test_command_prints_json_and_markdown_stating_the_convention(capsys):
    status, out, err = run(capsys, "practice", "pool-forward", "--seed", "9", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out) == schema.record("pool-forward", 9)
    status, out, err = run(capsys, "practice", "pool-forward", "--exam")
    assert (status, err) == (0, "")
    assert out.startswith("# Practice: Pooling forward (the mock exam's own instance)\n")
    assert "padding zeros included" in out
    assert "max pooling ignores the padding" in out
    for (i, j), value in zip(exam.CONV.asked_output, exam.PUBLISHED_CONV_OUTPUT, strict=True):
        assert f"- avg{i},{j} = {value:g}\n" in out
