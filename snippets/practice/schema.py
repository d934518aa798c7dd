"""Practice problems as JSON: one object with kind, seed, problem and answer; its documented keys.

The keys of every kind are listed once, in `KIND_FIELDS` (`FIELDS`: the kinds with a practice
page, which the site documents); `record` writes an object with exactly
those keys in that order, `validate` checks one (for instance one read back from a file), and
`reference` documents them as Markdown for the README.

Numbers are rounded to 12 decimals and 15 significant digits, which removes binary noise
(1.1, not 1.1000000000000003; 0, not 1.1e-16); whole numbers are written without a decimal
point (2, not 2.0).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from numbers import Real

from snippets.backprop import BIAS_NAMES, PARAMETER_NAMES, WEIGHT_NAMES
from snippets.practice.registry import ALL_NAMES, NAMES, kind, problem
from snippets.practice.seeds import SEED_LIMIT, check_seed
from snippets.practice.shape_chain import LAYER_NAMES

DECIMALS = 12
SIGNIFICANT = 15
TOP_LEVEL = ("kind", "seed", "problem", "answer")


@dataclass(frozen=True)
class Field:
    """One documented key: its name, its JSON type and what it holds.

    Types: "number", "integer", "integer?" (a whole number or null), "string", "number[]" and
    "integer[]" (lists; `length` fixes the size), "number[][]" and "integer[][]" (rectangular
    2-D lists), "object" (numbers under exactly `keys`) and "object[]" (a non-empty list of
    objects, each with exactly the fields `items`).
    """

    name: str
    type: str
    doc: str
    length: int | None = None
    keys: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    items: tuple[Field, ...] = ()


def _number(name: str, doc: str) -> Field:
    return Field(name, "number", doc)


def _integer(name: str, doc: str) -> Field:
    return Field(name, "integer", doc)


_CONV_LAYER = (
    Field("input", "number[][]", "the single-channel input X, row by row"),
    Field("kernel", "number[][]", "the square kernel W, row by row"),
    _integer("stride", "stride s"),
    _integer("padding", "zero padding p on every side"),
)

# kind -> (the problem's variants, each a tuple of fields; the answer's fields).
KIND_FIELDS: dict[str, tuple[tuple[tuple[Field, ...], ...], tuple[Field, ...]]] = {
    "logistic-step": (
        (
            (
                Field("x", "number[]", "features x"),
                Field("w", "number[]", "weights w, as many as features"),
                _number("b", "bias b"),
                _number("t", "target t, 0 or 1"),
                _number("learning_rate", "learning rate α"),
            ),
        ),
        (
            _number("z", "score z = xᵀw + b"),
            _number("p", "probability σ(z), exact (not a plot reading)"),
            Field("grad_w", "number[]", "∂CE/∂w = (p - t) x"),
            _number("grad_b", "∂CE/∂b = p - t"),
            Field("w_new", "number[]", "w - α ∂CE/∂w"),
            _number("b_new", "b - α ∂CE/∂b"),
        ),
    ),
    "backprop": (
        (
            (
                Field("inputs", "number[]", "[i1, i2]", length=2),
                Field("weights", "object", "w11 … w42, the exam's names", keys=WEIGHT_NAMES),
                Field("biases", "object", "b1 … b4", keys=BIAS_NAMES),
                Field("targets", "number[]", "[t1, t2]", length=2),
                _number("learning_rate", "learning rate of the descent step"),
            ),
        ),
        (
            Field("hidden", "number[]", "[h1, h2, h3, h4]: sums, then ReLU", length=4),
            Field("outputs", "number[]", "[o1, o2]", length=2),
            _number("loss", "0.5 (t1 - o1)² + 0.5 (t2 - o2)², the exam's MSE"),
            Field("grads", "object", "∂loss/∂ of every weight and bias", keys=PARAMETER_NAMES),
            Field(
                "updated", "object", "every weight and bias after one step", keys=PARAMETER_NAMES
            ),
        ),
    ),
    "conv-forward": (
        (_CONV_LAYER,),
        (Field("output", "number[][]", "the whole output Z = X * W (cross-correlation)"),),
    ),
    "conv-backward": (
        ((*_CONV_LAYER, Field("grad_output", "number[][]", "upstream gradient ∇Z")),),
        (
            Field("grad_kernel", "number[][]", "∇W, the kernel's shape"),
            Field("grad_input", "number[][]", "∇X, the input's shape"),
        ),
    ),
    "conv-shape": (
        (
            (
                Field("input_shape", "integer[]", "[H, W, C]", length=3),
                _integer("filters", "number of filters"),
                _integer("kernel_size", "filter size f"),
                _integer("stride", "stride s"),
                _integer("padding", "padding p"),
            ),
        ),
        (Field("output_shape", "integer[]", "[H', W', filters]", length=3),),
    ),
    "param-count": (
        (
            (
                Field("layer", "string", '"conv"', choices=("conv",)),
                _integer("in_channels", "input channels"),
                _integer("out_channels", "filters (output channels)"),
                _integer("kernel_size", "filter size f"),
            ),
            (
                Field("layer", "string", '"fc"', choices=("fc",)),
                _integer("in_features", "inputs"),
                _integer("out_features", "outputs"),
            ),
        ),
        (_integer("params", "weights plus biases"),),
    ),
    "shape-chain": (
        (
            (
                Field("input_shape", "integer[]", "[H, W, C]", length=3),
                Field(
                    "layers",
                    "object[]",
                    "the layers in order, each an object with the keys below",
                    items=(
                        Field("layer", "string", '"conv" or "max-pool"', choices=LAYER_NAMES),
                        _integer("kernel_size", "filter (window) size f"),
                        _integer("stride", "stride s"),
                        _integer("padding", "zero padding p on every side"),
                        Field("filters", "integer?", "number of filters; null for max-pool"),
                    ),
                ),
            ),
        ),
        (Field("shapes", "integer[][]", "[H, W, C] after every layer, in order"),),
    ),
    "pool-forward": (
        (
            (
                Field("input", "number[][]", "the single-channel input X, row by row"),
                _integer("kernel_size", "window size f (f × f windows)"),
                _integer("stride", "stride s"),
                _integer("padding", "zero padding p on every side"),
            ),
        ),
        (
            Field("max_output", "number[][]", "max pooling; padding cells never win"),
            Field(
                "average_output", "number[][]", "average pooling: window sum / f², zeros counted"
            ),
        ),
    ),
}
# The kinds with a practice page, the ones the site's JSON section documents.
FIELDS = {name: KIND_FIELDS[name] for name in NAMES}


# --- writing --------------------------------------------------------------------------------


def clean(value: object) -> object:
    """JSON-ready copy: numbers rounded (DECIMALS, SIGNIFICANT), whole ones as int."""
    if isinstance(value, dict):
        return {key: clean(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"value must be finite, got {value!r}")
        number = float(f"{round(number, DECIMALS):.{SIGNIFICANT}g}") + 0.0  # + 0.0: no -0
        return int(number) if number.is_integer() else number
    raise ValueError(f"value must be a number, list, dict or string, got {value!r}")


def record(name: str, seed: int | None) -> dict[str, object]:
    """The JSON object of kind `name` for `seed` (None: the mock exam's own instance)."""
    spec = kind(name)
    seed = None if seed is None else check_seed(seed)
    instance = problem(name, seed)
    return {
        "kind": name,
        "seed": seed,
        "problem": clean(spec.problem_data(instance)),
        "answer": clean(spec.answer_data(instance)),
    }


def _flat(obj: object) -> bool:
    """A list of numbers, or an object of numbers and strings: written on one line."""
    values = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list) else None
    return values is not None and not any(isinstance(v, list | dict) for v in values)


def dumps(obj: object, indent: int = 0) -> str:
    """JSON text, keys in documented order: objects indented by two spaces, a list of numbers
    on one line, a 2-D list or a list of flat objects one item per line, other lists of
    objects indented item by item."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(obj, dict) and obj:
        items = [
            f"{inner}{json.dumps(key)}: {dumps(value, indent + 1)}" for key, value in obj.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, list) and obj and all(isinstance(row, list | dict) for row in obj):
        if all(_flat(row) for row in obj):
            rows = [f"{inner}{json.dumps(row, ensure_ascii=False)}" for row in obj]
        else:
            rows = [f"{inner}{dumps(row, indent + 1)}" for row in obj]
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return json.dumps(obj, ensure_ascii=False)


# --- checking -------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_field(path: str, field: Field, value: object) -> None:
    def fail(what: str) -> None:
        raise ValueError(f"{path} must be {what}, got {value!r}")

    if field.type == "number" and not _is_number(value):
        fail("a number")
    elif field.type == "integer" and not _is_integer(value):
        fail("a whole number")
    elif field.type == "integer?" and not (value is None or _is_integer(value)):
        fail("a whole number or null")
    elif field.type == "string" and value not in field.choices:
        fail(" or ".join(repr(c) for c in field.choices))
    elif field.type in ("number[]", "integer[]"):
        item = _is_number if field.type == "number[]" else _is_integer
        noun = "numbers" if field.type == "number[]" else "whole numbers"
        if not (isinstance(value, list) and value and all(item(v) for v in value)):
            fail(f"a non-empty list of {noun}")
        if field.length is not None and len(value) != field.length:
            fail(f"a list of {field.length} {noun}")
    elif field.type in ("number[][]", "integer[][]"):
        item = _is_number if field.type == "number[][]" else _is_integer
        noun = "numbers" if field.type == "number[][]" else "whole numbers"
        rows = value if isinstance(value, list) else []
        if not (rows and all(isinstance(r, list) and r and all(map(item, r)) for r in rows)):
            fail(f"a non-empty 2-D list of {noun}")
        if len({len(r) for r in rows}) != 1:
            fail("a rectangular 2-D list (rows of equal length)")
    elif field.type == "object[]":
        if not (isinstance(value, list) and value):
            fail("a non-empty list of objects")
        for i, item in enumerate(value):
            _check_fields(f"{path}[{i}]", field.items, item)
    elif field.type == "object":
        if not (isinstance(value, dict) and list(value) == list(field.keys)):
            fail(f"an object with the keys {', '.join(field.keys)} in this order")
        for key, item in value.items():
            if not _is_number(item):
                raise ValueError(f"{path}.{key} must be a number, got {item!r}")


def _check_fields(path: str, fields: tuple[Field, ...], value: object) -> None:
    names = [f.name for f in fields]
    if not isinstance(value, dict) or list(value) != names:
        keys = list(value) if isinstance(value, dict) else value
        raise ValueError(
            f"{path} must have the keys {', '.join(names)} in this order, got {keys!r}"
        )
    for field in fields:
        _check_field(f"{path}.{field.name}", field, value[field.name])


def validate(obj: object) -> None:
    """Raise ValueError naming the first key that differs from the documented format."""
    if not isinstance(obj, dict) or list(obj) != list(TOP_LEVEL):
        keys = list(obj) if isinstance(obj, dict) else obj
        raise ValueError(f"the object must have the keys {', '.join(TOP_LEVEL)}, got {keys!r}")
    if obj["kind"] not in KIND_FIELDS:
        raise ValueError(f"kind must be one of {', '.join(ALL_NAMES)}, got {obj['kind']!r}")
    seed = obj["seed"]
    if seed is not None:
        try:
            check_seed(seed)
        except ValueError:
            raise ValueError(f"seed must be null or a whole number from 0 to {SEED_LIMIT - 1}, "
                             f"got {seed!r}") from None  # fmt: skip
    variants, answer = KIND_FIELDS[obj["kind"]]
    errors = []
    for fields in variants:
        try:
            _check_fields("problem", fields, obj["problem"])
            break
        except ValueError as error:
            errors.append(str(error))
    else:
        raise ValueError("; or ".join(errors))
    _check_fields("answer", answer, obj["answer"])


# --- documentation --------------------------------------------------------------------------


def _describe(field: Field) -> str:
    kind_text = {
        "number": "number",
        "integer": "whole number",
        "integer?": "whole number or null",
        "string": "string",
        "number[]": "list of numbers",
        "integer[]": "list of whole numbers",
        "number[][]": "2-D list of numbers",
        "integer[][]": "2-D list of whole numbers",
        "object": "object of numbers",
        "object[]": "list of objects",
    }[field.type]
    if field.length is not None:
        kind_text = kind_text.replace("list of", f"list of {field.length}")
    return f"| `{field.name}` | {kind_text} | {field.doc} |"


def _table(title: str, fields: tuple[Field, ...]) -> list[str]:
    """A key table under `title`, then one table for the items of each list of objects."""
    lines = [f"`{title}`:\n", "| key | type | meaning |", "| --- | --- | --- |"]
    lines += [_describe(f) for f in fields]
    lines.append("")
    for field in fields:
        if field.items:
            lines += _table(f"{title}.{field.name}[]", field.items)
    return lines


def reference(heading: str = "####", names: tuple[str, ...] = NAMES) -> str:
    """The keys of the kinds `names` (default: those with a page) as Markdown tables, each kind
    under a `heading` (e.g. "####"); heading="" writes the kind's name in bold instead."""
    lines = []
    for name in names:
        variants, answer = KIND_FIELDS[name]
        lines.append(f"{heading} `{name}`\n" if heading else f"**`{name}`**\n")
        for fields in variants:
            title = "problem" if len(variants) == 1 else f"problem ({fields[0].doc} layer)"
            lines += _table(title, fields)
        lines += _table("answer", answer)
    return "\n".join(lines).rstrip() + "\n"
