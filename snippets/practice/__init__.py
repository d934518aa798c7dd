"""Practice mode: fresh exam-style problems with worked solutions.

One module per kind of problem (`logistic_step`, `backprop`, `conv_forward`, `conv_backward`,
`conv_shape`, `param_count`, and `shape_chain`, `pool_forward`, which have no page yet), each
with a seeded, deterministic `generate(seed)`, the mock exam's own instance `exam_problem()`,
the JSON parts `problem_data` and `answer_data` (computed by the chapter's compute modules)
and the numbers a page asks for, `asked`.
`registry` finds a kind by name, `schema` writes and checks the JSON, `cli` is
`python -m snippets practice` (and `exam`).
"""

from snippets.practice.registry import ALL_KINDS, ALL_NAMES, KINDS, NAMES, Kind, kind, problem

__all__ = ["ALL_KINDS", "ALL_NAMES", "KINDS", "NAMES", "Kind", "kind", "problem"]
