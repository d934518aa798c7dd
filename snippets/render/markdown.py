"""Markdown building blocks shared by every chapter: solutions, tables, provenance."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from snippets import exam

TESTS_DIR = Path(__file__).resolve().parents[2] / "tests"


def indent(text: str, spaces: int = 4) -> str:
    return textwrap.indent(text, " " * spaces, lambda line: bool(line.strip()))


def points(value: float) -> str:
    value = float(value)
    amount = f"{value:g}"
    return f"{amount} point" if value == 1 else f"{amount} points"


def collapsible(title: str, body: str, kind: str = "success", open_: bool = False) -> str:
    """A collapsible admonition (pymdownx.details): closed until the reader opens it."""
    marker = "???+" if open_ else "???"
    return f'{marker} {kind} "{title}"\n\n{indent(body)}\n'


def solution(body: str, pts: float | None = None, title: str = "Solution") -> str:
    """A worked solution, closed so the reader can try first."""
    heading = f"{title} ({points(pts)})" if pts is not None else title
    return collapsible(heading, body, kind="success")


def question(part: int, label: str) -> exam.Question:
    """The exam's question `label` of part `part`."""
    for item in exam.part(part).questions:
        if item.label == label:
            return item
    raise ValueError(f"label {label!r} is not a question of part {part}")


def rubric(part: int, label: str) -> str:
    """The exam's points breakdown for question `label` of part `part`, or '' where it gives none."""
    item = question(part, label)
    if not item.rubric:
        return ""
    lines = "\n".join(f"- {points(pts)}: {what}" for what, pts in item.rubric)
    return f"**Points.**\n\n{lines}"


def heading(part: int, label: str, level: int = 2) -> str:
    """A section heading with the question's points, e.g. '## (a) Derivative of σ · 3 points'."""
    item = question(part, label)
    shown = item.label if "(" in item.label else f"({item.label})"  # "1 (a)" stays as it is
    topic = item.topic[:1].upper() + item.topic[1:]  # keep acronyms such as LSTM
    return f"{'#' * level} {shown} {topic} · {points(item.points)}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    """A Markdown table; `align` has one of l, c, r per column (default: left)."""
    align = align or "l" * len(headers)
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def page_url(page: str) -> str:
    """The built URL of docs/`page`, for links printed by a block.

    MkDocs rewrites `.md` links only in a page's own Markdown; a block's output is HTML by
    then, so it must link to the built file (plain `.html` URLs: `use_directory_urls: false`).
    """
    return page.removesuffix(".md") + ".html"


def exam_structure() -> str:
    """The exam's parts, points and time as a table, each part linked to its chapter."""
    rows = [
        (
            part.roman,
            f"[{part.title}]({page_url(part.page)})",
            f"{part.points:g}",
            len(part.questions),
        )
        for part in exam.PARTS
    ]
    total = sum(part.points for part in exam.PARTS)
    rows.append(("", "**Total**", f"**{total:g}**", sum(len(p.questions) for p in exam.PARTS)))
    return table(("Part", "Topic", "Points", "Questions"), rows, align="llrr")


def exam_time() -> str:
    """One line: total points and minutes."""
    total = sum(part.points for part in exam.PARTS)
    return (
        f"{len(exam.PARTS)} parts, **{total:g} points in {exam.MINUTES} minutes** "
        f"({exam.TERM}); no notes or other aids allowed."
    )


def part_summary(number: int) -> str:
    """One line: the part's points and its share of the exam's time."""
    part = exam.part(number)
    total = sum(p.points for p in exam.PARTS)
    minutes = exam.MINUTES * part.points / total
    notebook = f"notebooks/{part.page.removesuffix('.md')}.ipynb"
    return (
        f"**Part {part.roman} · {points(part.points)}** · about {minutes:.0f} of the exam's "
        f"{exam.MINUTES} minutes (one minute a point) · "
        f'<a href="{notebook}" download>the code of this chapter as a notebook</a>'
    )


# --- provenance: which code computed a result, which tests check it -----------------------


def test_index() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Each test function ('tests/test_x.py::test_y'): the names it uses and the modules its
    file imports (so `forward` of snippets.backprop is not confused with another forward).
    Read afresh each call (a long-lived `mkdocs serve` sees new tests); parsing is memoised
    by file content."""
    index: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for path in sorted(TESTS_DIR.glob("test_*.py")):
        index.update(_file_index(path.name, path.read_text(encoding="utf-8")))
    return index


@lru_cache(maxsize=256)
def _file_index(name: str, source: str) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    tree = ast.parse(source)
    modules = frozenset(_imported_modules(tree))
    # Module-level constants (such as a list of cases a test is parametrised over)
    # stand for the names they are built from.
    constants = {
        target.id: _names(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    index = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            names = _names(node)
            for constant in names & constants.keys():
                names |= constants[constant]
            index[f"tests/{name}::{node.name}"] = (frozenset(names), modules)
    return index


def _names(node: ast.AST) -> set[str]:
    """Every name and attribute name used below `node`."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return names | {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def _imported_modules(tree: ast.Module) -> set[str]:
    """Modules a test file imports; `from snippets import backprop` counts as snippets.backprop."""
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return modules


def checking_tests(function: Callable[..., object]) -> list[str]:
    """The test functions that use `function` by name, in files importing its module."""
    return [
        test
        for test, (names, modules) in test_index().items()
        if function.__name__ in names and function.__module__ in modules
    ]


def provenance(*functions: Callable[..., object]) -> str:
    """A closed block showing the source of each function and the tests that check it."""
    if not functions:
        raise ValueError("functions must name at least one snippet function")
    parts = []
    for function in functions:
        module = function.__module__
        path = module.replace(".", "/") + ".py"
        source = textwrap.dedent(inspect.getsource(function)).rstrip()
        tests = checking_tests(function)
        if not tests:
            raise ValueError(f"{module}.{function.__name__} is not checked by any test in tests/")
        checked = "\n".join(f"- `{test}`" for test in tests)
        parts.append(
            f"`{module}.{function.__name__}` in `{path}`:\n\n```python\n{source}\n```\n\n"
            f"Checked by:\n\n{checked}\n"
        )
    return collapsible("Computed by", "\n".join(parts), kind="abstract")
