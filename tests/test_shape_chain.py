"""The practice kind shape-chain: shapes through a stack of layers, the floor of Part VI (c).

Every shape is recomputed by counting the windows that fit, one by one, not by the formula
the code uses; the exam's own chain is checked against the exam's first-layer arithmetic.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snippets import exam
from snippets.practice import registry, schema, shape_chain
from snippets.practice.seeds import SEED_LIMIT
from snippets.practice.shape_chain import ChainLayer, ShapeChainProblem
from tests.conftest import ROOT
from tests.test_practice_cli import run  # i2dl ARGV in-process: status, stdout, stderr

seeds = st.integers(0, SEED_LIMIT - 1)


def windows(size: int, kernel_size: int, stride: int, padding: int) -> int:
    """How many windows fit along one axis of the padded input, counted one by one."""
    count, start = 0, 0
    while start + kernel_size <= size + 2 * padding:
        count, start = count + 1, start + stride
    return count


def chain_witness(problem) -> list[list[int]]:
    """[H, W, C] after every layer: windows counted per axis; filters or the same channels."""
    height, width, channels = problem.input_shape
    out = []
    for layer in problem.layers:
        f, s, p = layer.kernel_size, layer.stride, layer.padding
        height, width = windows(height, f, s, p), windows(width, f, s, p)
        channels = layer.filters if layer.layer == "conv" else channels
        out.append([height, width, channels])
    return out


@given(seeds)
def test_shapes_match_counted_windows(seed):
    record = schema.record("shape-chain", seed)
    assert record["answer"]["shapes"] == chain_witness(shape_chain.generate(seed))


@given(seeds)
def test_asked_numbers_are_every_layers_height_width_and_channels(seed):
    problem = shape_chain.generate(seed)
    asked = shape_chain.asked(problem)
    assert [item.value for item in asked] == [n for shape in chain_witness(problem) for n in shape]
    assert all(item.tolerance == 0 for item in asked)
    assert len({item.key for item in asked}) == len(asked)


@given(seeds)
def test_every_chain_floors_somewhere_and_stays_small(seed):
    problem = shape_chain.generate(seed)
    assert 3 <= len(problem.layers) <= 4
    assert problem.layers[0].layer == "conv"
    assert max(problem.input_shape[:2]) <= 48
    height, width, _ = problem.input_shape
    floored = False
    for layer in problem.layers:
        f, s, p = layer.kernel_size, layer.stride, layer.padding
        assert p < f
        assert s <= f
        floored |= (height - f + 2 * p) % s != 0 or (width - f + 2 * p) % s != 0
        height, width = windows(height, f, s, p), windows(width, f, s, p)
        assert min(height, width) >= 2
    assert floored, "the chain must practise the floor at least once"


@given(seeds)
def test_same_seed_same_chain_and_json_validates(seed):
    assert shape_chain.generate(seed) == shape_chain.generate(seed)
    record = schema.record("shape-chain", seed)
    schema.validate(json.loads(schema.dumps(record)))


def test_exam_chain_is_the_networks_and_its_first_layer_floors_63_75_to_64():
    problem = shape_chain.exam_problem()
    assert problem.input_shape == exam.IMAGE_SHAPE
    first = problem.layers[0]
    assert (first.kernel_size, first.filters) == (
        exam.FIRST_CONV["kernel_size"],
        exam.FIRST_CONV["filters"],
    )
    height = exam.IMAGE_SHAPE[0]
    exact = (height - first.kernel_size + 2 * first.padding) / first.stride
    assert exact == 63.75  # the exam's (256 - 11 + 2 * 5) / 4
    assert schema.record("shape-chain", None)["answer"]["shapes"][0] == [64, 64, 96]
    assert schema.record("shape-chain", None)["answer"]["shapes"] == chain_witness(problem)
    # Every convolution and pooling layer pads by (f - 1) / 2, as the exam's notes say.
    assert all(layer.padding == (layer.kernel_size - 1) // 2 for layer in problem.layers)


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        (("conv", 3, 0, 1, 8), "stride"),
        (("conv", 3, 1, 3, 8), "padding"),
        (("conv", 3, 1, 1, None), "filters"),
        (("max-pool", 3, 2, 1, 8), "filters"),
        (("avg-pool", 3, 2, 1, None), "layer"),
        (("conv", 0, 1, 0, 8), "kernel_size"),
    ],
)
def test_a_bad_layer_is_rejected_naming_the_parameter(arguments, parameter):
    with pytest.raises(ValueError, match=f"^{parameter} must"):
        ChainLayer(*arguments)


def test_a_layer_larger_than_its_input_is_rejected_naming_kernel_size():
    problem = ShapeChainProblem((4, 4, 1), (ChainLayer("conv", 7, 1, 0, 2),))
    with pytest.raises(ValueError, match="kernel_size"):
        shape_chain.shapes(problem)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["problem"]["layers"][0].update(layer="avg"), r"layers\[0\]\.layer must be"),
        (lambda r: r["problem"]["layers"][1].update(filters=2.5), r"layers\[1\]\.filters must"),
        (lambda r: r["problem"]["layers"][0].pop("stride"), r"layers\[0\] must have the keys"),
        (lambda r: r["answer"]["shapes"].append([1, 2]), "rectangular"),
        (lambda r: r["answer"].update(shapes=[[1.5, 2, 3]]), "whole numbers"),
    ],
)
def test_validate_names_the_wrong_key(change, message):
    record = schema.record("shape-chain", None)
    change(record)
    with pytest.raises(ValueError, match=message):
        schema.validate(record)


def test_kind_is_registered_for_the_command_line_but_has_no_page_yet():
    spec = registry.kind("shape-chain")
    assert not spec.page
    assert "shape-chain" in registry.ALL_NAMES
    assert "shape-chain" not in registry.NAMES
    assert "shape-chain" in schema.KIND_FIELDS
    assert "shape-chain" not in schema.FIELDS


def test_command_prints_json_and_markdown(capsys):
    status, out, err = run(capsys, "practice", "shape-chain", "--seed", "5", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out) == schema.record("shape-chain", 5)
    status, out, err = run(capsys, "practice", "shape-chain", "--exam")
    assert (status, err) == (0, "")
    assert out.startswith("# Practice: Shapes through a network (the mock exam's own instance)\n")
    assert r"\lfloor 63.75 \rfloor + 1 = 63 + 1 = 64" in out
    assert "- height after layer 1 (conv) = 64" in out
    assert '??? success "Solution (3 points)"' in out


def test_readme_documents_the_keys_of_every_kind_the_command_takes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The tables of the kinds with a page, then those without one: schema.reference itself.
    assert schema.reference(names=registry.ALL_NAMES) in readme
