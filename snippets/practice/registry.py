"""The practice kinds by name: each kind's generator, exam instance, JSON parts and asked numbers."""

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


def _kind(module: ModuleType) -> Kind:
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
    )


_MODULES = (logistic_step, backprop, conv_forward, conv_backward, conv_shape, param_count)
KINDS: dict[str, Kind] = {module.KIND: _kind(module) for module in _MODULES}
NAMES = tuple(KINDS)


def kind(name: str) -> Kind:
    """The kind called `name`; ValueError listing the valid names otherwise."""
    if name not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(NAMES)}, got {name!r}")
    return KINDS[name]


def problem(name: str, seed: int | None) -> Any:
    """The problem of kind `name` for `seed`, or the mock exam's own instance for seed None."""
    if seed is None:
        return kind(name).exam_problem()
    return kind(name).generate(check_seed(seed))
