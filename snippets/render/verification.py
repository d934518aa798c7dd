"""The page "How we know this is right", generated from the test suite so it cannot drift.

For each chapter: the `snippets` modules its blocks import (read from the page itself), the
test modules that import those, and every test in them: the property it checks (from its
name and docstring) and the kind of witness (a Hypothesis property over generated inputs,
an answer-key check against the published exam, a browser check, or a single example).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from snippets import exam
from snippets.render import markdown as md

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TESTS = ROOT / "tests"
# Modules that compute nothing: data, rendering and the build's own machinery.
NOT_COMPUTE = ("snippets.render", "snippets.mdext")
DATA = {"snippets", "snippets.exam"}
_BLOCK = re.compile(r'^```python[^\n]*exec="on"[^\n]*\n(.*?)^```', re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class TestCase:
    module: str  # tests/test_x.py
    name: str
    claim: str
    witness: str


def chapter_modules(page: str) -> set[str]:
    """The snippets modules the executed blocks of docs/`page` import, transitively."""
    from snippets.mdext.cached_exec import dependencies

    text = (DOCS / page).read_text(encoding="utf-8")
    found: set[str] = set()
    for code in _BLOCK.findall(text):
        found |= set(dependencies(code))
    return found


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("snippets"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("snippets"))
    return names


def _witness(node: ast.FunctionDef, module_marks: set[str]) -> str:
    decorators = {ast.unparse(d).split("(")[0] for d in node.decorator_list}
    if "given" in decorators:
        return "property over generated inputs (Hypothesis)"
    if "answer_key" in node.name or "published" in node.name or "exam" in node.name:
        return "the exam's published answer"
    if "browser" in module_marks:
        return "in a real browser"
    if any(d.endswith("parametrize") for d in decorators):
        return "a table of cases"
    return "an example"


def _claim(node: ast.FunctionDef) -> str:
    words = node.name.removeprefix("test_").replace("_", " ")
    doc = ast.get_docstring(node)
    return f"{words}: {doc.splitlines()[0]}" if doc else words


def test_cases() -> dict[str, tuple[set[str], list[TestCase]]]:
    """Each test module: the snippets modules it imports and its tests."""
    found = {}
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        marks = set(re.findall(r"pytest\.mark\.(\w+)", ast.unparse(tree)))
        cases = [
            TestCase(f"tests/{path.name}", node.name, _claim(node), _witness(node, marks))
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        ]
        found[f"tests/{path.name}"] = (_imported(tree), cases)
    return found


def compute_modules(page: str) -> list[str]:
    """The computing modules behind a chapter (rendering, layout and exam data left out)."""
    return sorted(m for m in chapter_modules(page) - DATA if not m.startswith(NOT_COMPUTE))


def chapter_tests(page: str) -> list[TestCase]:
    """Tests that call a function of the chapter's computing modules, in files importing it."""
    wanted: set[str] = set()
    for name in compute_modules(page):
        module = importlib.import_module(name)
        for function in vars(module).values():
            if inspect.isfunction(function) and function.__module__ == name:
                wanted.update(md.checking_tests(function))
    cases = {
        f"{case.module}::{case.name}": case for _, found in test_cases().values() for case in found
    }
    return [cases[test] for test in sorted(wanted)]


def chapter_section(number: int) -> str:
    """Markdown for one chapter: which modules, which tests, what each checks."""
    part = exam.part(number)
    heading = f"## Part {part.roman} · [{part.title}]({md.page_url(part.page)})"
    modules = compute_modules(part.page)
    cases = chapter_tests(part.page)
    if not modules or not cases:
        return f"{heading}\n\nThis chapter runs no computation yet.\n"
    rows = [(f"`{c.name}`", c.claim, c.witness, f"`{c.module}`") for c in cases]
    listed = ", ".join(f"`{m}`" for m in modules)
    counts = {}
    for case in cases:
        counts[case.witness] = counts.get(case.witness, 0) + 1
    kinds = "; ".join(f"{n} × {kind}" for kind, n in sorted(counts.items()))
    summary = f"Its numbers come from {listed}. **{len(rows)} tests** check them: {kinds}."
    table = md.table(("test", "what it checks", "witness", "file"), rows)
    return f"{heading}\n\n{summary}\n\n{md.collapsible(f'The {len(rows)} tests', table, kind='abstract')}"


def site_section() -> str:
    """The tests of the site itself: build, browser, cache, reproducibility."""
    site_modules = (
        "tests/test_site.py",
        "tests/test_browser",
        "tests/test_reproducible.py",
        "tests/test_exec_cache.py",
    )
    rows = [
        (f"`{case.name}`", case.claim, f"`{module}`")
        for module, (_, cases) in test_cases().items()
        if module.startswith(site_modules)
        for case in cases
    ]
    return "## The site itself\n\n" + md.table(("test", "what it checks", "file"), rows)
