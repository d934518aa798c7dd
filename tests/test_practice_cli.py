"""`i2dl practice` (or `python -m snippets practice`): Markdown or JSON for a seed or the exam,
one-line errors.

Most tests call `snippets.__main__.main` in-process (fast), as the console script `i2dl` does;
a few run `python -m snippets` in a subprocess, to show that the module entry point works and
that the output does not depend on the process (hash seed, environment). tests/test_wheel.py
runs both from an installed wheel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from snippets import exam
from snippets.__main__ import main
from snippets.practice import registry, schema
from snippets.practice.cli import MODULE, SCRIPT, USAGE_ERROR
from snippets.practice.seeds import SEED_LIMIT
from snippets.render.practice import SITE_SEEDS, command_line, intro
from tests import pages
from tests.conftest import ROOT


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `i2dl ARGV`, run in-process."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def command(*argv: str, hash_seed: str = "0") -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-m", "snippets", *argv],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


# --- output ------------------------------------------------------------------------------------


@pytest.mark.claim("practice/index.md", "print a problem and its worked solution as Markdown")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_seed_prints_the_problem_and_its_worked_solution_as_markdown(capsys, kind):
    with pages.figures_undrawn():  # figures as text: test_markdown_shows_figures_as_text...
        status, out, err = run(capsys, "practice", kind, "--seed", "12")
    assert status == 0
    assert err == ""
    title = registry.kind(kind).title
    assert out.startswith(f"# Practice: {title} (seed 12)\n")
    assert "## Worked solution" in out
    assert '??? success "Solution' in out
    answers = out.split("## Answers")[1]
    for item in registry.kind(kind).asked(registry.problem(kind, 12)):
        assert f"- {item.text} = " in answers


def test_markdown_shows_figures_as_text_and_no_source_code(capsys):
    _, out, _ = run(capsys, "practice", "backprop", "--seed", "3")
    assert "<svg" not in out
    assert "<figure" not in out
    assert "*Figure: The network" in out
    assert "How we know" not in out
    assert "def forward" not in out


def test_exam_prints_the_exams_own_instance(capsys):
    status, out, _ = run(capsys, "practice", "conv-shape", "--exam")
    assert status == 0
    assert out.startswith("# Practice: Convolution shape (the mock exam's own instance)")
    h, w, c = exam.PUBLISHED_CONV_SHAPE
    assert f"- output height = {h}\n- output width = {w}\n- output channels = {c}" in out


@pytest.mark.claim("practice/[!i]*[!0-9].md", "a machine-readable version")
@pytest.mark.claim("practice/index.md", "With --json the command prints one object with four keys")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_json_flag_prints_the_documented_object(capsys, kind):
    status, out, err = run(capsys, "practice", kind, "--seed", "12", "--json")
    assert status == 0
    assert err == ""
    record = json.loads(out)
    schema.validate(record)
    assert list(record) == ["kind", "seed", "problem", "answer"]
    assert record == schema.record(kind, 12)


@pytest.mark.claim("practice/index.md", "null for the exam's instance")
def test_exam_json_has_a_null_seed_and_the_exams_numbers(capsys):
    _, out, _ = run(capsys, "practice", "backprop", "--exam", "--json")
    record = json.loads(out)
    assert record["seed"] is None
    assert record["problem"]["weights"] == dict(exam.BACKPROP.weights)
    assert record["answer"]["loss"] == exam.PUBLISHED_BACKPROP.loss


@pytest.mark.claim("practice/index.md", "the same kind and seed always give the same problem")
@pytest.mark.parametrize(
    "argv",
    [("conv-shape", "--seed", "99"), ("logistic-step", "--seed", "99", "--json")],
)
def test_the_same_seed_prints_the_same_text_in_another_process(argv):
    first = command("practice", *argv, hash_seed="1")
    second = command("practice", *argv, hash_seed="2")
    assert first.returncode == second.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "99" in first.stdout.splitlines()[0] + first.stdout


def test_module_entry_point_prints_json():
    result = command("practice", "param-count", "--exam", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answer"]["params"] == exam.PUBLISHED_FIRST_CONV_PARAMS


@pytest.mark.claim("practice/[!i]*[!0-9].md", "any seed from 0 to")
@pytest.mark.claim("practice/index.md", "A seed is a whole number from 0 to")
def test_the_smallest_and_the_largest_seed_are_valid(capsys):
    for seed in (0, SEED_LIMIT - 1):
        status, out, _ = run(capsys, "practice", "conv-shape", "--seed", str(seed), "--json")
        assert status == 0
        assert json.loads(out)["seed"] == seed


# --- errors: one line, non-zero, the valid choices named ----------------------------------------


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.claim(
    "practice/index.md",
    "An unknown kind or a bad seed stops with a one-line message that lists the valid choices.",
)
def test_unknown_kind_exits_non_zero_listing_the_kinds(capsys):
    status, out, err = run(capsys, "practice", "conv-sideways", "--seed", "1")
    assert status == USAGE_ERROR
    assert out == ""
    line = one_line_error(err)
    assert line.startswith(f"{SCRIPT} practice: error: ")
    assert "'conv-sideways'" in line
    assert all(name in line for name in registry.NAMES)


@pytest.mark.claim("practice/[!i]*[!0-9].md", "any seed from 0 to")
@pytest.mark.claim("practice/index.md", "A seed is a whole number from 0 to")
@pytest.mark.claim(
    "practice/index.md",
    "An unknown kind or a bad seed stops with a one-line message that lists the valid choices.",
)
@pytest.mark.parametrize("seed", ["-1", "1.5", "abc", "", str(SEED_LIMIT), "1e3", "+5"])
def test_bad_seed_exits_non_zero_naming_the_valid_range(capsys, seed):
    status, out, err = run(capsys, "practice", "backprop", f"--seed={seed}")
    assert status == USAGE_ERROR
    assert out == ""
    line = one_line_error(err)
    assert f"from 0 to {SEED_LIMIT - 1}" in line
    assert repr(seed) in line


def test_neither_seed_nor_exam_exits_non_zero_naming_both(capsys):
    status, _, err = run(capsys, "practice", "backprop")
    assert status == USAGE_ERROR
    line = one_line_error(err)
    assert "--seed" in line
    assert "--exam" in line


def test_seed_and_exam_together_exit_non_zero(capsys):
    status, _, err = run(capsys, "practice", "backprop", "--seed", "1", "--exam")
    assert status == USAGE_ERROR
    assert "not allowed with" in one_line_error(err)


def test_unknown_command_exits_non_zero_listing_the_commands(capsys):
    status, _, err = run(capsys, "drill")
    assert status == USAGE_ERROR
    line = one_line_error(err)
    assert line.startswith(f"{SCRIPT}: error: ")
    assert "'practice'" in line


@pytest.mark.claim(
    "practice/index.md",
    "An unknown kind or a bad seed stops with a one-line message that lists the valid choices.",
)
def test_bad_kind_from_the_real_command_is_one_line_on_stderr():
    result = command("practice", "nope", "--exam")
    assert result.returncode == USAGE_ERROR
    assert result.stdout == ""
    line = one_line_error(result.stderr)
    assert line.startswith(f"{MODULE} practice: error: ")  # the program as it was typed
    assert "logistic-step" in line


def test_a_reader_that_stops_early_gets_no_traceback():
    # `python -m snippets practice ... | head`: the pipe is closed before the command writes.
    process = subprocess.Popen(
        [sys.executable, "-m", "snippets", "practice", "backprop", "--exam"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    process.stdout.close()
    _, err = process.communicate()
    assert err == ""
    assert process.returncode == 1


# --- what the pages say about the command -----------------------------------------------------


@pytest.mark.claim("practice/[!i]*[!0-9].md", "For more, run")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_the_command_each_page_names_prints_a_variant_not_on_the_page(capsys, kind):
    command_line = re.search(rf"`{SCRIPT} (practice \S+ --seed (\d+))`", intro(kind))
    argv = command_line.group(1).split()
    assert argv[1] == kind
    with pages.figures_undrawn():  # the answers are read, not the figures
        status, out, _ = run(capsys, *argv)
    assert status == 0
    seed = int(command_line.group(2))
    for item in registry.kind(kind).asked(registry.problem(kind, seed)):
        assert f"- {item.text} = " in out.split("## Answers")[1]
    problem = schema.record(kind, seed)["problem"]
    assert all(schema.record(kind, s)["problem"] != problem for s in SITE_SEEDS)


EXAM_INSTANCES = {  # the exam's own numbers, as snippets/exam.py transcribes them
    "logistic-step": lambda: exam.LOGISTIC_STEP,
    "backprop": lambda: exam.BACKPROP,
    "conv-forward": lambda: exam.CONV,
    "conv-backward": lambda: exam.CONV,
    "conv-shape": lambda: exam.CONV_SHAPE,
}


@pytest.mark.claim("practice/[!i]*[!0-9].md", "gives the exam's own numbers and")
@pytest.mark.claim("practice/index.md", "problem (the given numbers)")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_exam_flag_gives_the_exams_own_numbers(capsys, kind):
    status, out, _ = run(capsys, "practice", kind, "--exam", "--json")
    assert status == 0
    record = json.loads(out)
    spec = registry.kind(kind)
    if kind == "param-count":
        first = exam.FIRST_CONV
        want = {"layer": "conv", "in_channels": first["in_channels"],
                "out_channels": first["filters"], "kernel_size": first["kernel_size"]}  # fmt: skip
    else:
        want = schema.clean(spec.problem_data(EXAM_INSTANCES[kind]()))
    assert record["problem"] == want
    with pages.figures_undrawn():  # the title is read, not the figures
        status, out, _ = run(capsys, "practice", kind, "--exam")
    assert out.startswith(f"# Practice: {spec.title} (the mock exam's own instance)")


@pytest.mark.claim("practice/index.md", "KIND is one of")
def test_the_kinds_the_page_lists_are_the_ones_the_command_takes(capsys):
    listed = re.search(r"`KIND` is one of (.*?)\. A seed", command_line()).group(1)
    assert re.findall(r"`([a-z-]+)`", listed) == list(registry.NAMES)
    for kind in registry.NAMES:
        assert run(capsys, "practice", kind, "--exam", "--json")[0] == 0
    assert run(capsys, "practice", "conv-sideways", "--exam")[0] == USAGE_ERROR


@pytest.mark.claim("practice/index.md", "and seeds 1 to 10 are the variants on these pages")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_seeds_1_to_10_are_the_variants_on_the_pages(capsys, kind):
    assert tuple(range(1, 11)) == SITE_SEEDS
    for number, seed in enumerate(SITE_SEEDS, start=1):
        # What page `number` prints (tests/pages.py, figures left out: read once per process).
        page = pages.outline(kind, number)
        assert re.findall(r"^## Variant (\d+) \(seed (\d+)\)$", page, flags=re.M) == [
            (str(number), str(seed))
        ]
        # The page's boxes for that seed check the numbers the command prints for it.
        _, out, _ = run(capsys, "practice", kind, "--seed", str(seed), "--json")
        shown = [float(v) for v in re.findall(r'data-answer="([^"]+)"', page)]
        asked = registry.kind(kind).asked(registry.problem(kind, seed))
        assert shown == [item.value for item in asked]
        assert json.loads(out) == schema.record(kind, seed)
