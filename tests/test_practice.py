"""Properties of the practice generators and their pages.

Every generated problem is deterministic, exam-friendly and never degenerate; every answer
equals an independent recomputation written here (central finite differences for gradients,
naive loops for convolutions, counted windows for shapes, array sizes for parameters), over
random seeds (Hypothesis) and over seeds 0 to 999 of every kind; the exam instances give the
published answers; the JSON has exactly the documented keys.
"""

from __future__ import annotations

import json
import math
import random
import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import exam
from snippets.backprop import BIAS_NAMES, WEIGHT_NAMES
from snippets.logistic import descent_step
from snippets.practice import backprop as backprop_kind
from snippets.practice import (
    conv_backward,
    conv_forward,
    conv_shape,
    logistic_step,
    param_count,
    registry,
    schema,
)
from snippets.practice.asked import EXACT_TOLERANCE, Asked
from snippets.practice.logistic_step import PLOT_TOLERANCE, plot_reading
from snippets.practice.param_count import ParamCountProblem, params
from snippets.practice.seeds import SEED_LIMIT, Draw, check_seed
from snippets.render import architectures as architectures_render
from snippets.render import conv as conv_render
from snippets.render import practice as render
from snippets.render.conv_figures import position_name

# --- strategies (to move into tests/strategies.py) ---
# Every valid seed of a practice problem.
seeds = st.integers(min_value=0, max_value=SEED_LIMIT - 1)
kinds = st.sampled_from(registry.NAMES)

SWEEP = range(1000)  # the "1,000 generated problems per kind"
FD_STEP = 1e-6  # central differences on smooth (logistic) or piecewise-linear (ReLU) losses
FD_ATOL = 1e-6
JSON_ATOL = 1e-9  # JSON numbers are rounded to 12 decimals
EXACT_ATOL = 1e-12
ROOT = Path(__file__).resolve().parent.parent

# The keys the issue documents, typed here once more as the witness of schema.FIELDS.
DOCUMENTED_KEYS = {
    "logistic-step": (
        [("x", "w", "b", "t", "learning_rate")],
        ("z", "p", "grad_w", "grad_b", "w_new", "b_new"),
    ),
    "backprop": (
        [("inputs", "weights", "biases", "targets", "learning_rate")],
        ("hidden", "outputs", "loss", "grads", "updated"),
    ),
    "conv-forward": ([("input", "kernel", "stride", "padding")], ("output",)),
    "conv-backward": (
        [("input", "kernel", "stride", "padding", "grad_output")],
        ("grad_kernel", "grad_input"),
    ),
    "conv-shape": (
        [("input_shape", "filters", "kernel_size", "stride", "padding")],
        ("output_shape",),
    ),
    "param-count": (
        [
            ("layer", "in_channels", "out_channels", "kernel_size"),
            ("layer", "in_features", "out_features"),
        ],
        ("params",),
    ),
}


def decimals_at_most(value: float, places: int) -> bool:
    """Whether `value` terminates within `places` decimals (up to float noise)."""
    scaled = value * 10**places
    return abs(scaled - round(scaled)) < 1e-6


def central_difference(f, x: float, h: float = FD_STEP) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


# --- independent witnesses ---------------------------------------------------------------------


def logistic_witness(x, w, b, t, learning_rate) -> dict:
    """z, σ(z) by math.exp, BCE gradients by central differences, one step."""

    def loss(w_, b_) -> float:
        z_ = sum(xi * wi for xi, wi in zip(x, w_, strict=True)) + b_
        p_ = 1 / (1 + math.exp(-z_))
        return -t * math.log(p_) - (1 - t) * math.log(1 - p_)

    z = sum(xi * wi for xi, wi in zip(x, w, strict=True)) + b
    grad_w = [
        central_difference(lambda v, i=i: loss([*w[:i], v, *w[i + 1 :]], b), w[i])
        for i in range(len(w))
    ]
    grad_b = central_difference(lambda v: loss(w, v), b)
    return {
        "z": z,
        "p": 1 / (1 + math.exp(-z)),
        "grad_w": grad_w,
        "grad_b": grad_b,
        "w_new": [wi - learning_rate * g for wi, g in zip(w, grad_w, strict=True)],
        "b_new": b - learning_rate * grad_b,
    }


def network(inputs, p) -> tuple[list[float], list[float]]:
    """The exam's 2-2-2 network written out again: hidden [h1..h4] and outputs [o1, o2]."""
    i1, i2 = inputs
    h1 = i1 * p["w11"] + i2 * p["w21"] + p["b1"]
    h2 = i1 * p["w12"] + i2 * p["w22"] + p["b2"]
    h3, h4 = max(0.0, h1), max(0.0, h2)
    return [h1, h2, h3, h4], [h3 * p["w31"] + h4 * p["w41"] + p["b3"],
                              h3 * p["w32"] + h4 * p["w42"] + p["b4"]]  # fmt: skip


def backprop_witness(problem) -> dict:
    """Forward again, the exam's loss, and every gradient by central differences."""
    values = dict(problem.weights) | dict(problem.biases)
    (t1, t2) = problem.targets

    def loss(p) -> float:
        _, (o1, o2) = network(problem.inputs, p)
        return 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2

    hidden, outputs = network(problem.inputs, values)
    grads = {
        name: central_difference(lambda v, name=name: loss(values | {name: v}), values[name])
        for name in values
    }
    return {
        "hidden": hidden,
        "outputs": outputs,
        "loss": loss(values),
        "grads": grads,
        "updated": {k: values[k] - problem.learning_rate * grads[k] for k in values},
    }


def naive_conv(x, kernel, stride, padding) -> list[list[float]]:
    """Cross-correlation by four loops over the unpadded input: out-of-range cells are zeros."""
    n_rows, n_cols, f = len(x), len(x[0]), len(kernel)
    out_rows = (n_rows + 2 * padding - f) // stride + 1
    out_cols = (n_cols + 2 * padding - f) // stride + 1
    z = [[0.0] * out_cols for _ in range(out_rows)]
    for i in range(out_rows):
        for j in range(out_cols):
            for a in range(f):
                for b in range(f):
                    r, c = stride * i + a - padding, stride * j + b - padding
                    if 0 <= r < n_rows and 0 <= c < n_cols:
                        z[i][j] += x[r][c] * kernel[a][b]
    return z


def conv_backward_witness(problem) -> dict:
    """∇W and ∇X by differences of L = Σ ∇Z ⊙ conv(X, W): L is linear in each, so a forward
    difference with step 1 is exact."""
    x = [list(row) for row in problem.input]
    kernel = [list(row) for row in problem.kernel]

    def loss(x_, k_) -> float:
        z = naive_conv(x_, k_, problem.stride, problem.padding)
        return sum(
            g * v for g_row, z_row in zip(problem.grad_output, z, strict=True)
            for g, v in zip(g_row, z_row, strict=True)
        )  # fmt: skip

    def nudged(m, r, c, d):
        copy = [list(row) for row in m]
        copy[r][c] += d
        return copy

    base = loss(x, kernel)
    grad_kernel = [
        [loss(x, nudged(kernel, a, b, 1)) - base for b in range(len(kernel))]
        for a in range(len(kernel))
    ]
    grad_input = [
        [loss(nudged(x, r, c, 1), kernel) - base for c in range(len(x[0]))] for r in range(len(x))
    ]
    return {"grad_kernel": grad_kernel, "grad_input": grad_input}


def counted_windows(size: int, kernel_size: int, stride: int, padding: int) -> int:
    """How many windows fit along one axis, counted one by one."""
    count, start = 0, 0
    while start + kernel_size <= size + 2 * padding:
        count, start = count + 1, start + stride
    return count


def array_params(problem: ParamCountProblem) -> int:
    """Weights plus biases as the sizes of the arrays a framework would allocate."""
    if problem.layer == "conv":
        f, c, k = problem.kernel_size, problem.in_channels, problem.out_channels
        shapes = [(f, f, c, k), (k,)]
    else:
        shapes = [(problem.in_features, problem.out_features), (problem.out_features,)]
    return sum(np.broadcast_to(0.0, shape).size for shape in shapes)


def witness(kind: str, problem) -> dict:
    """The answer of `problem`, recomputed without the snippets modules."""
    if kind == "logistic-step":
        p = problem
        return logistic_witness(list(p.x), list(p.w), p.b, p.t, p.learning_rate)
    if kind == "backprop":
        return backprop_witness(problem)
    if kind == "conv-forward":
        return {
            "output": naive_conv(problem.input, problem.kernel, problem.stride, problem.padding)
        }
    if kind == "conv-backward":
        return conv_backward_witness(problem)
    if kind == "conv-shape":
        (h, w, _), f, s, p = (
            problem.input_shape,
            problem.kernel_size,
            problem.stride,
            problem.padding,
        )
        return {"output_shape": [counted_windows(h, f, s, p), counted_windows(w, f, s, p),
                                 problem.filters]}  # fmt: skip
    return {"params": array_params(problem)}


def flat(value) -> list[float]:
    """Every number of a JSON value, in order (dicts by their documented key order)."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in flat(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in flat(v)]
    return [float(value)]


def assert_answer_matches_witness(kind: str, seed: int | None) -> None:
    """The JSON answer of (kind, seed) equals the witness's, key by key."""
    spec = registry.kind(kind)
    problem = registry.problem(kind, seed)
    answer = schema.clean(spec.answer_data(problem))  # as `--json` writes it
    want = witness(kind, problem)
    assert list(answer) == list(want), kind
    for key, value in want.items():
        got = answer[key]
        if isinstance(value, dict):
            assert list(got) == list(value), (kind, seed, key)
        assert_allclose(
            flat(got), flat(value), atol=FD_ATOL, rtol=0, err_msg=f"{kind} {seed} {key}"
        )


# --- determinism -----------------------------------------------------------------------------


@given(kinds, seeds)
def test_same_kind_and_seed_give_the_same_problem(kind, seed):
    assert registry.problem(kind, seed) == registry.problem(kind, seed)
    assert schema.record(kind, seed) == schema.record(kind, seed)


@pytest.mark.parametrize("kind", registry.NAMES)
def test_generation_ignores_global_random_state(kind):
    random.seed(1)
    np.random.seed(1)  # noqa: NPY002 - the legacy global state is what must not matter
    first = registry.problem(kind, 7)
    random.seed(2)
    np.random.seed(2)  # noqa: NPY002
    assert registry.problem(kind, 7) == first


@pytest.mark.parametrize("kind", registry.NAMES)
def test_different_seeds_give_different_problems(kind):
    problems = [json.dumps(schema.record(kind, seed)["problem"]) for seed in range(50)]
    assert len(set(problems)) >= 35  # param-count has a few hundred problems: some repeat


@pytest.mark.parametrize("kind", registry.NAMES)
def test_the_ten_variants_of_a_page_differ(kind):
    problems = {json.dumps(schema.record(kind, seed)["problem"]) for seed in render.SITE_SEEDS}
    assert len(problems) == len(render.SITE_SEEDS) == 10


def test_draws_are_pinned_across_versions():
    # random.Random(str).random() is guaranteed stable by Python: so are these draws.
    draw = Draw("logistic-step", 0)
    assert [draw.index(10) for _ in range(8)] == [7, 9, 4, 9, 2, 8, 0, 1]


@pytest.mark.parametrize("seed", [-1, SEED_LIMIT, 1.5, 2.0, "3", True, None])
def test_bad_seeds_are_rejected_naming_the_range(seed):
    with pytest.raises(ValueError, match=f"0 to {SEED_LIMIT - 1}"):
        check_seed(seed)
    with pytest.raises(ValueError, match="seed"):
        registry.kind("backprop").generate(seed)


def test_unknown_kind_is_rejected_naming_the_kinds():
    with pytest.raises(ValueError, match="logistic-step, backprop, conv-forward"):
        registry.kind("conv-sideways")


# --- answers equal an independent recomputation ---------------------------------------------


@given(seeds)
def test_logistic_step_answer_matches_finite_differences(seed):
    assert_answer_matches_witness("logistic-step", seed)


@given(seeds)
def test_backprop_answer_matches_finite_differences(seed):
    assert_answer_matches_witness("backprop", seed)


@given(seeds)
def test_conv_forward_answer_matches_naive_loops(seed):
    assert_answer_matches_witness("conv-forward", seed)


@given(seeds)
def test_conv_backward_answer_matches_finite_differences(seed):
    assert_answer_matches_witness("conv-backward", seed)


@given(seeds)
def test_conv_shape_answer_matches_counted_windows(seed):
    assert_answer_matches_witness("conv-shape", seed)


@given(seeds)
def test_param_count_matches_array_sizes(seed):
    problem = param_count.generate(seed)
    assert params(problem) == array_params(problem)
    assert_answer_matches_witness("param-count", seed)


@pytest.mark.parametrize("kind", registry.NAMES)
def test_thousand_problems_per_kind_match_the_recomputation(kind):
    for seed in SWEEP:
        assert_answer_matches_witness(kind, seed)


@pytest.mark.parametrize("kind", registry.NAMES)
def test_exam_instance_matches_the_recomputation(kind):
    assert_answer_matches_witness(kind, None)


@given(kinds, seeds)
def test_asked_numbers_are_the_answers_values(kind, seed):
    spec = registry.kind(kind)
    problem = spec.generate(seed)
    numbers = flat(schema.clean(spec.answer_data(problem)))
    for item in spec.asked(problem):
        assert any(abs(item.value - n) <= JSON_ATOL for n in numbers), (kind, item)


# --- exam-friendly and never degenerate -----------------------------------------------------


@given(seeds)
def test_logistic_step_numbers_are_exam_friendly(seed):
    p = logistic_step.generate(seed)
    for v in (*p.x, *p.w, p.b):
        assert decimals_at_most(v, 1)
        assert abs(v) <= 1
    assert all(v != 0 for v in (*p.x, *p.w))
    assert p.t in (0, 1)
    assert p.learning_rate in logistic_step.LEARNING_RATES
    step = descent_step(p.x, p.w, p.b, p.t, p.learning_rate, p=plot_reading(p))
    assert decimals_at_most(step.z, 1)
    assert 0.3 - EXACT_ATOL <= abs(step.z) <= 3 + EXACT_ATOL
    assert decimals_at_most(step.p, 2)  # the plot reading
    k = p.asked_weight - 1
    for v in (step.grad_z, step.grad_w[k], step.w_new[k]):
        assert decimals_at_most(v, 5)
    assert step.grad_w[k] != 0


@given(seeds)
def test_logistic_step_plot_reading_gives_the_exact_new_weight_at_two_decimals(seed):
    p = logistic_step.generate(seed)
    k = p.asked_weight - 1
    args = (p.x, p.w, p.b, p.t, p.learning_rate)
    exact = descent_step(*args).w_new[k]
    read = descent_step(*args, p=plot_reading(p)).w_new[k]
    assert round(exact, 2) == round(read, 2)


@given(seeds, st.sampled_from([-1.0, 1.0]))
def test_logistic_step_any_reading_within_tolerance_keeps_the_new_weight_right(seed, side):
    p = logistic_step.generate(seed)
    k = p.asked_weight - 1
    args = (p.x, p.w, p.b, p.t, p.learning_rate)
    exact = descent_step(*args)
    worst = descent_step(*args, p=exact.p + side * PLOT_TOLERANCE)
    assert abs(worst.w_new[k] - exact.w_new[k]) <= EXACT_TOLERANCE
    assert abs(worst.grad_w[k] - exact.grad_w[k]) <= PLOT_TOLERANCE + EXACT_ATOL


@given(seeds)
def test_backprop_numbers_are_exam_friendly(seed):
    p = backprop_kind.generate(seed)
    assert all(v in backprop_kind.INPUTS for v in p.inputs)
    assert all(decimals_at_most(2 * v, 0) for v in (*p.weights.values(), *p.biases.values(),
                                                     *p.targets))  # fmt: skip
    answer = schema.record("backprop", seed)["answer"]
    assert all(decimals_at_most(v, 5) for v in flat(answer))


@given(seeds)
def test_backprop_is_never_degenerate(seed):
    p = backprop_kind.generate(seed)
    answer = backprop_kind.answer_data(p)
    h1, h2, h3, h4 = answer["hidden"]
    assert h1 != 0
    assert h2 != 0
    assert h3 > 0 or h4 > 0  # not every ReLU dead
    assert answer["loss"] > 0
    assert p.asked in backprop_kind.ASKABLE
    assert answer["grads"][p.asked] != 0


@given(seeds)
def test_conv_forward_numbers_are_exam_friendly(seed):
    p = conv_forward.generate(seed)
    assert all(v == int(v) and abs(v) <= 5 for row in p.input for v in row)
    assert all(v in conv_forward.KERNEL_VALUES for row in p.kernel for v in row)
    span = len(p.input) - len(p.kernel) + 2 * p.padding
    assert span % p.stride == 0  # the windows tile the padded input exactly
    output = schema.record("conv-forward", seed)["answer"]["output"]
    assert len(output) in conv_forward.OUTPUT_SIZES
    assert all(isinstance(v, int) for row in output for v in row)


@given(seeds)
def test_conv_forward_asked_cells_are_never_zero(seed):
    p = conv_forward.generate(seed)
    assert len(p.asked_output) == min(conv_forward.ASKED_CELLS, len(naive_conv(
        p.input, p.kernel, p.stride, p.padding)) ** 2)  # fmt: skip
    assert all(item.value != 0 for item in conv_forward.asked(p))


@given(seeds)
def test_conv_backward_numbers_are_exam_friendly_and_not_degenerate(seed):
    p = conv_backward.generate(seed)
    assert all(v in conv_backward.GRAD_VALUES for row in p.grad_output for v in row)
    answer = schema.record("conv-backward", seed)["answer"]
    assert all(v == int(v) for v in flat(answer))
    assert all(item.value != 0 for item in conv_backward.asked(p))
    assert any(v != 0 for v in flat(answer["grad_input"]))


@given(seeds)
def test_conv_shape_numbers_divide_exactly(seed):
    p = conv_shape.generate(seed)
    h, w, _ = p.input_shape
    for n in (h, w):
        assert (n - p.kernel_size + 2 * p.padding) % p.stride == 0
    assert p.padding < p.kernel_size
    assert min(schema.record("conv-shape", seed)["answer"]["output_shape"][:2]) >= 2


@given(seeds)
def test_param_count_sizes_are_round_numbers(seed):
    p = param_count.generate(seed)
    if p.layer == "conv":
        assert p.kernel_size % 2 == 1
        assert p.in_channels in param_count.IN_CHANNELS
    else:
        assert p.in_features in param_count.IN_FEATURES
        assert p.out_features in param_count.OUT_FEATURES


# --- the exam's own instances give the published answers ------------------------------------


def test_exam_logistic_step_gives_the_published_answers():
    problem = registry.problem("logistic-step", None)
    assert problem == exam.LOGISTIC_STEP
    assert plot_reading(problem) == exam.PLOT_READING_P
    published = exam.PUBLISHED_LOGISTIC_STEP
    args = (problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
    read = descent_step(*args, p=plot_reading(problem))
    assert_allclose([read.z, read.p, read.grad_z, read.grad_w[0], read.w_new[0]],
                    [published.z, published.p, published.grad_z, published.grad_w1,
                     published.w1_new], atol=EXACT_ATOL)  # fmt: skip
    answer = schema.record("logistic-step", None)["answer"]
    assert answer["z"] == published.z
    assert abs(answer["w_new"][0] - published.w1_new) <= EXACT_TOLERANCE


def test_exam_backprop_gives_the_published_answers():
    published = exam.PUBLISHED_BACKPROP
    answer = schema.record("backprop", None)["answer"]
    assert answer["hidden"] == list(published.hidden)
    assert answer["outputs"] == list(published.outputs)
    assert answer["loss"] == published.loss
    assert answer["grads"][exam.BACKPROP.asked] == published.grad_asked
    assert answer["updated"][exam.BACKPROP.asked] == published.updated_asked


def test_exam_conv_forward_gives_the_published_answers():
    output = schema.record("conv-forward", None)["answer"]["output"]
    asked = [output[i][j] for i, j in exam.CONV.asked_output]
    assert asked == list(exam.PUBLISHED_CONV_OUTPUT)


def test_exam_conv_backward_gives_the_published_answers():
    grad_kernel = schema.record("conv-backward", None)["answer"]["grad_kernel"]
    assert grad_kernel == [list(row) for row in exam.PUBLISHED_GRAD_KERNEL]


def test_exam_conv_shape_gives_the_published_answer():
    shape = schema.record("conv-shape", None)["answer"]["output_shape"]
    assert shape == list(exam.PUBLISHED_CONV_SHAPE)


def test_exam_param_count_gives_the_published_answer():
    assert schema.record("param-count", None)["answer"]["params"] == (
        exam.PUBLISHED_FIRST_CONV_PARAMS
    )
    assert params(param_count.exam_problem()) == exam.PUBLISHED_FIRST_CONV_PARAMS


# --- JSON -------------------------------------------------------------------------------------


@given(kinds, st.one_of(st.none(), seeds))
def test_json_has_exactly_the_documented_keys(kind, seed):
    record = json.loads(schema.dumps(schema.record(kind, seed)))
    schema.validate(record)
    assert list(record) == ["kind", "seed", "problem", "answer"]
    assert record["kind"] == kind
    assert record["seed"] == seed
    problems, answer = DOCUMENTED_KEYS[kind]
    assert tuple(record["problem"]) in problems
    assert tuple(record["answer"]) == answer


def test_schema_fields_are_the_documented_keys():
    for kind, (variants, answer) in schema.FIELDS.items():
        problems, answer_keys = DOCUMENTED_KEYS[kind]
        assert [tuple(f.name for f in fields) for fields in variants] == problems
        assert tuple(f.name for f in answer) == answer_keys
    assert set(schema.FIELDS) == set(registry.NAMES)


def test_backprop_json_uses_the_exams_names():
    record = schema.record("backprop", 3)
    assert list(record["problem"]["weights"]) == list(WEIGHT_NAMES)
    assert list(record["problem"]["biases"]) == list(BIAS_NAMES)
    assert list(record["answer"]["grads"]) == list(WEIGHT_NAMES + BIAS_NAMES)
    assert list(record["answer"]["updated"]) == list(WEIGHT_NAMES + BIAS_NAMES)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.pop("answer"), "keys kind, seed, problem, answer"),
        (lambda r: r.update(kind="conv-sideways"), "kind must be one of"),
        (lambda r: r.update(seed=-1), "seed must be null or"),
        (lambda r: r["problem"].update(stride=2.5), "problem.stride must be a whole number"),
        (lambda r: r["problem"]["input"].append([1]), "rectangular"),
        (lambda r: r["answer"].update(output="3"), "answer.output must be"),
    ],
)
def test_validate_names_the_first_wrong_key(change, message):
    record = schema.record("conv-forward", 4)
    change(record)
    with pytest.raises(ValueError, match=message):
        schema.validate(record)


def test_clean_removes_float_noise_and_writes_whole_numbers_as_int():
    assert schema.clean([1.1000000000000003, 2.0, 1.1e-16, -0.0, Fraction(1, 4)]) == [
        1.1, 2, 0, 0, 0.25,
    ]  # fmt: skip
    assert isinstance(schema.clean(2.0), int)


def test_readme_documents_every_key():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The README's key tables are schema.reference() itself, so they cannot drift apart.
    assert schema.reference() in readme, "README.md must hold schema.reference()'s tables"
    for kind, (variants, answer) in schema.FIELDS.items():
        assert f"#### `{kind}`" in readme
        for field in (*(f for fields in variants for f in fields), *answer):
            assert f"| `{field.name}` |" in readme, field.name


# --- the page ----------------------------------------------------------------------------------


class _Form(HTMLParser):
    """The inputs, labels and live regions of an answer form."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.labels: list[str] = []
        self.live: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
        elif tag == "label":
            self.labels.append(attrs["for"])
        elif attrs.get("aria-live"):
            self.live.append(attrs)


@given(kinds, seeds)
def test_answer_form_has_a_labelled_decimal_box_per_asked_number(kind, seed):
    spec = registry.kind(kind)
    asked = spec.asked(spec.generate(seed))
    parsed = _Form()
    parsed.feed(render.answer_form(asked, "form"))
    assert len(parsed.inputs) == len(asked)
    for box, item in zip(parsed.inputs, asked, strict=True):
        assert box["inputmode"] == "decimal"
        assert box["id"] in parsed.labels
        assert float(box["data-answer"]) == item.value
        assert float(box["data-tolerance"]) == item.tolerance
    assert parsed.live
    assert parsed.live[0]["role"] == "status"


def test_tolerance_is_stated_in_words():
    boxes = [Asked("a", "a", 1, 0.005), Asked("b", "b_{1}", 2, 0.02), Asked("c", "c", 3, 0)]
    assert render.tolerance_text(boxes[:1]) == (
        "An answer within ±0.005 of the exact value counts as right."
    )
    assert render.tolerance_text(boxes[2:]) == "Counts must be exact."
    assert render.tolerance_text(boxes) == (
        "Answers count as right within ±0.02 for b1; ±0.005 for a; exact for c."
    )
    assert render.tolerance_short(boxes[:2]) == "±0.02 (b1); ±0.005 (a)"


def test_label_html_writes_subscripts_and_escapes():
    assert render.label_html("∂L/∂w_{21} <x>") == "∂L/∂w<sub>21</sub> &lt;x&gt;"


def test_unique_ids_prefixes_every_id_and_its_references():
    text = '<svg id="f"><clipPath id="f-c1"/><g clip-path="url(#f-c1)"/><use href="#f-c1"/></svg>'
    out = render.unique_ids(text, "v3")
    assert re.findall(r'id="([^"]+)"', out) == ["v3-f", "v3-f-c1"]
    assert "url(#v3-f-c1)" in out
    assert 'href="#v3-f-c1"' in out


def test_retitled_names_the_sub_question():
    block = '??? success "Solution (3 points)"\n\n    body\n'
    assert render.retitled(block, "a").startswith('??? success "Solution of (a) · 3 points"')
    with pytest.raises(ValueError, match="solution title"):
        render.retitled("text\n", "a")


def test_terminal_markdown_has_problem_solution_and_answers_but_no_svg():
    text = render.terminal_markdown("conv-backward", 5)
    assert text.startswith("# Practice: Convolution backward (seed 5)")
    assert "<svg" not in text
    assert "*Figure: " in text
    assert "Computed by" not in text
    answers = text.split("## Answers")[1]
    for item in conv_backward.asked(conv_backward.generate(5)):
        assert f"{item.text} = " in answers


def test_param_count_solution_shows_the_product():
    problem = ParamCountProblem("fc", in_features=784, out_features=10)
    text = architectures_render.params_solution(param_count.layer_row(problem))
    assert r"784 \cdot 10 + 10 = 7{,}840 + 10 = 7{,}850" in text
    assert "The published answer" not in text


# --- worked solutions: the chapter's renderer, checked line by line ---

CHAPTER_RENDERERS = {
    "conv-forward": conv_render.forward_solution,
    "conv-backward": conv_render.gradient_solution,
    "conv-shape": conv_render.conv_shape_solution,
    "param-count": lambda problem: architectures_render.params_solution(
        param_count.layer_row(problem)
    ),
}
EXAM_BLOCKS = {  # what the chapters print for the exam's instance
    "conv-forward": conv_render.exam_forward_solution,
    "conv-backward": conv_render.exam_gradient_solution,
    "conv-shape": conv_render.exam_conv_shape_solution,
    "param-count": architectures_render.first_layer_solution,
}


def without_ids(text: str) -> str:
    return re.sub(r'(id="|url\(#|href="#)practice-[a-z-]+-(\d+|exam)-', r"\1", text)


@pytest.mark.parametrize("kind", sorted(EXAM_BLOCKS))
def test_exam_instance_is_the_chapters_solution(kind):
    # Byte for byte what the chapter shows, apart from the variant's id prefix.
    assert without_ids(render.solution(kind, None)) == EXAM_BLOCKS[kind]()


@given(seed=seeds, kind=st.sampled_from(sorted(CHAPTER_RENDERERS)))
def test_variant_solution_comes_from_the_chapter_renderer(seed, kind):
    problem = registry.problem(kind, seed)
    assert without_ids(render.solution(kind, seed)) == CHAPTER_RENDERERS[kind](problem)


def test_exams_points_list_only_with_the_exams_numbers():
    assert "**Points.**" in conv_render.conv_shape_solution(exam.CONV_SHAPE)
    assert "**Points.**" not in conv_render.conv_shape_solution(conv_shape.generate(1))


def tex_value(tex: str) -> Fraction:
    """A worked sum as the page writes it, evaluated in exact arithmetic."""
    python = re.sub(r"\\tfrac\{(\d+)\}\{(\d+)\}", r"Fraction(\1, \2)", tex)
    python = python.replace(r"\cdot", "*")
    assert re.fullmatch(r"[\d\s()+*,\-Fraction]*", python), tex
    return Fraction(eval(python, {"Fraction": Fraction}))  # digits, signs, Fraction only


def worked_lines(text: str, symbol: str) -> list[tuple[int, int, list[str]]]:
    """Each aligned line `symbol_{i,j} &= step = step ...` of a solution, split at '='."""
    pattern = re.compile(rf"{re.escape(symbol)}_\{{(\d+),(\d+)\}} &= (.*?)(?: \\\\)?$", re.M)
    return [(int(i), int(j), chain.split(" = ")) for i, j, chain in pattern.findall(text)]


def term_count(step: str) -> int:
    """Terms of a worked sum: products, or the summands of a factored-out weight."""
    factored = re.fullmatch(r"\\tfrac\{1\}\{\d+\} \\cdot \((.*)\)", step)
    if factored:
        return factored.group(1).count(" + ") + 1
    return 0 if step == "0" else step.count(r"\cdot")


def inside(problem, r: int, c: int) -> bool:
    """Whether padded cell (r, c) is an input value, not a zero of the padding."""
    n, p = len(problem.input), problem.padding
    return p <= r < p + n and p <= c < p + len(problem.input[0])


@given(seed=st.one_of(st.none(), seeds))
def test_conv_forward_worked_sums_add_up(seed):
    problem = registry.problem("conv-forward", seed)
    s, f = problem.stride, len(problem.kernel)
    z = naive_conv(problem.input, problem.kernel, s, problem.padding)
    lines = worked_lines(render.solution("conv-forward", seed), "Z")
    assert [(i, j) for i, j, _ in lines] == list(problem.asked_output)
    for i, j, steps in lines:
        for step in steps:
            assert float(tex_value(step)) == pytest.approx(z[i][j], abs=EXACT_ATOL)
        window = [(s * i + a, s * j + b) for a in range(f) for b in range(f)]
        assert term_count(steps[0]) == sum(inside(problem, r, c) for r, c in window)


@given(seed=st.one_of(st.none(), seeds))
def test_conv_gradient_worked_sums_add_up(seed):
    problem = registry.problem("conv-backward", seed)
    s, g = problem.stride, problem.grad_output
    grad_kernel = conv_backward_witness(problem)["grad_kernel"]
    text = render.solution("conv-backward", seed)
    lines = worked_lines(text, r"\nabla W")
    assert [(a, b) for a, b, _ in lines] == list(problem.asked_grad_kernel)
    zero_outputs = set()
    for a, b, steps in lines:
        for step in steps:
            assert float(tex_value(step)) == pytest.approx(grad_kernel[a][b], abs=EXACT_ATOL)
        met = [
            (i, j) for i in range(len(g)) for j in range(len(g[0]))
            if inside(problem, s * i + a, s * j + b)
        ]  # fmt: skip
        assert term_count(steps[0]) == len(met)
        zero_outputs |= {(i, j) for i, j in met if g[i][j] == 0}
    # The sentence on zero upstream gradients names exactly those outputs.
    sentence = re.search(r"The inputs? met in the windows? of (.*?) adds? nothing", text)
    assert (sentence is not None) == bool(zero_outputs)
    if zero_outputs:
        shape = (len(g), len(g[0]))
        names = (
            [position_name(cell, shape) for cell in zero_outputs]
            if shape == (3, 3)
            else [f"$({i}, {j})$" for i, j in zero_outputs]
        )
        assert all(name in sentence.group(1) for name in names)
        assert sentence.group(1).count(",") + sentence.group(1).count(" and ") >= (
            len(zero_outputs) - 1
        )


def test_provenance_once_keeps_the_first_of_each_block():
    block = '    ??? abstract "Computed by"\n\n        `f` in `m.py`\n'
    other = '    ??? abstract "Computed by"\n\n        `g` in `m.py`\n'
    text = f"A\n\n{block}\nB\n\n{block}\nC\n\n{other}\nD"
    once = render.provenance_once(text)
    assert once.count("`f`") == 1
    assert once.count("`g`") == 1
    assert [line for line in once.split("\n") if line.strip() in "ABCD" and line.strip()] == [
        "A", "B", "C", "D"
    ]  # fmt: skip


@pytest.mark.parametrize("kind", registry.NAMES)
def test_practice_page_shows_each_provenance_once(kind):
    text = render.variants(kind)
    blocks = text.count('??? abstract "Computed by"')
    first = text.split("## Variant 2")[0]
    assert blocks == first.count('??? abstract "Computed by"') >= 1


@pytest.mark.parametrize("kind", registry.NAMES)
def test_printed_text_has_no_links_to_pages(kind):
    # MkDocs does not rewrite links printed by a block (they would point at .md files), so
    # the practice pages write their links in their Markdown instead.
    printed = render.intro(kind) + render.index() + render.command_line() + render.json_format()
    assert not re.search(r"\]\([^)]*\.md", printed)
