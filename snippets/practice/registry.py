"""The practice kinds by name: each kind's generator, exam instance, JSON parts and asked numbers.

`ALL_KINDS` holds every kind the command line and the generated mock exams use. `KINDS` (and
`NAMES`) are the kinds with a practice page and a renderer in `snippets.render.practice`: the
site, its index and the tests of the pages iterate those. A kind without a page yet
(`page=False`: shape-chain, pool-forward) is printed by `snippets.render.pooling`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from snippets.practice import (
    backprop,
    conv_backward,
    conv_forward,
    conv_shape,
    logistic_step,
    param_count,
    pool_forward,
    shape_chain,
)
from snippets.practice.asked import Asked
from snippets.practice.seeds import check_seed


@dataclass(frozen=True)
class Kind:
    """A kind of practice problem and the functions that make and solve its instances."""

    name: str
    title: str
    part: int  # the exam part (and chapter) with the exam's own instance
    exam_question: str  # e.g. "Part III (c)"
    generate: Callable[[int], Any]  # seed -> problem, deterministic
    exam_problem: Callable[[], Any]  # the mock exam's own instance
    problem_data: Callable[[Any], dict[str, object]]  # the JSON "problem"
    answer_data: Callable[[Any], dict[str, object]]  # the JSON "answer"
    asked: Callable[[Any], tuple[Asked, ...]]  # the numbers a practice page asks for
    page: bool = True  # has a practice page (docs/practice/) and a renderer in render.practice


def _kind(module: ModuleType, page: bool = True) -> Kind:
    return Kind(
        name=module.KIND,
        title=module.TITLE,
        part=module.PART,
        exam_question=module.EXAM_QUESTION,
        generate=module.generate,
        exam_problem=module.exam_problem,
        problem_data=module.problem_data,
        answer_data=module.answer_data,
        asked=module.asked,
        page=page,
    )


_MODULES = (logistic_step, backprop, conv_forward, conv_backward, conv_shape, param_count)
# Kinds whose pages are still to come: the command line and the mock exams use them already.
_MODULES_WITHOUT_PAGES = (shape_chain, pool_forward)
ALL_KINDS: dict[str, Kind] = {module.KIND: _kind(module) for module in _MODULES} | {
    module.KIND: _kind(module, page=False) for module in _MODULES_WITHOUT_PAGES
}
ALL_NAMES = tuple(ALL_KINDS)
KINDS: dict[str, Kind] = {name: spec for name, spec in ALL_KINDS.items() if spec.page}
NAMES = tuple(KINDS)


def kind(name: str) -> Kind:
    """The kind called `name` (any of ALL_NAMES); ValueError listing the valid names otherwise."""
    if name not in ALL_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ALL_NAMES)}, got {name!r}")
    return ALL_KINDS[name]


def problem(name: str, seed: int | None) -> Any:
    """The problem of kind `name` for `seed`, or the mock exam's own instance for seed None."""
    if seed is None:
        return kind(name).exam_problem()
    return kind(name).generate(check_seed(seed))
