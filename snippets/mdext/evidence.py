"""What the build knows about the repository: which tests check a function, and its math.

Renderers only name the functions behind a result (`render.markdown.how_we_know`); the
build reads the test suite once (`SuiteIndex.read`) and, for every named function, finds
the tests that call it and the lines of its source that carry the math. This module reads
files; nothing under `snippets/render/` does.
"""

from __future__ import annotations

import ast
import html
import importlib
import inspect
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


@dataclass(frozen=True)
class SuiteTest:
    """One test function of the suite, as the verification page lists it."""

    module: str  # tests/test_x.py
    name: str  # test_y
    claim: str  # what it checks, from its name and docstring
    witness: str  # the kind of evidence
    names: frozenset[str]  # every name and attribute it uses
    imports: frozenset[str]  # the modules its file imports
    # Sentences of the pages it checks: (page, sentence) from @pytest.mark.claim(page, sentence).
    claims: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.module}::{self.name}"


@dataclass(frozen=True)
class SuiteIndex:
    """Every test of the suite, read from tests/ once per build."""

    cases: tuple[SuiteTest, ...]

    @classmethod
    def read(cls, folder: Path = TESTS) -> SuiteIndex:
        cases: list[SuiteTest] = []
        for path in sorted(folder.glob("test_*.py")):
            cases += parse_test_file(f"tests/{path.name}", path.read_text(encoding="utf-8"))
        return cls(tuple(cases))

    def checking(self, function: Callable[..., object]) -> list[SuiteTest]:
        """The tests that use `function` by name, in files importing its module."""
        return [
            case
            for case in self.cases
            if function.__name__ in case.names and function.__module__ in case.imports
        ]

    def claims(self) -> dict[str, list[tuple[str, SuiteTest]]]:
        """page -> [(sentence, the test that checks it), ...], in the order of the suite."""
        found: dict[str, list[tuple[str, SuiteTest]]] = {}
        for case in self.cases:
            for page, sentence in case.claims:
                found.setdefault(page, []).append((sentence, case))
        return found

    def in_files(self, prefixes: Iterable[str]) -> list[SuiteTest]:
        prefixes = tuple(prefixes)
        return [case for case in self.cases if case.module.startswith(prefixes)]


def parse_test_file(module: str, source: str) -> list[SuiteTest]:
    """The test functions of one test file, with the names each uses."""
    tree = ast.parse(source)
    imports = frozenset(_imported_modules(tree))
    marks = set(re.findall(r"pytest\.mark\.(\w+)", source))
    # Module-level constants (a list of cases a test is parametrised over) stand for the
    # names they are built from.
    constants = {
        target.id: _names(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    cases = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            names = _names(node)
            for constant in names & constants.keys():
                names |= constants[constant]
            cases.append(
                SuiteTest(
                    module,
                    node.name,
                    _claim(node),
                    _witness(node, marks),
                    frozenset(names),
                    imports,
                    _claim_marks(node),
                )
            )
    return cases


def _claim_marks(node: ast.FunctionDef) -> tuple[tuple[str, str], ...]:
    """The (page, sentence) of each @pytest.mark.claim(page, sentence) on a test."""
    found = []
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.claim":
            page, sentence = (ast.literal_eval(arg) for arg in decorator.args)
            found.append((page, sentence))
    return tuple(found)


def read_unchecked(path: Path = TESTS / "claims.py") -> dict[str, tuple[tuple[str, str], ...]]:
    """The sentences the claims audit judged uncheckable: page -> ((sentence, reason), ...),
    the literal UNCHECKED of tests/claims.py."""
    if not path.exists():
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "UNCHECKED" for t in targets):
                value = ast.literal_eval(node.value)
                return {page: tuple(map(tuple, items)) for page, items in value.items()}
    return {}


def plain_text(html_text: str) -> str:
    """A page's text as a reader reads it, for finding a claimed sentence: tags, KaTeX's
    MathML copy and code left out, figures by their text alternative, whitespace folded."""
    text = re.sub(r"<math\b.*?</math>", " ", html_text, flags=re.S)
    # A figure is read by its text alternative (what a figure description claims).
    text = re.sub(r"<svg\b[^>]*?aria-label=\"([^\"]*)\".*?</svg>", r" \1 ", text, flags=re.S)
    text = re.sub(r"<(script|style|pre|svg)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return normal_space(html.unescape(text))


def normal_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


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


def _witness(node: ast.FunctionDef, marks: set[str]) -> str:
    decorators = {ast.unparse(d).split("(")[0] for d in node.decorator_list}
    if "given" in decorators:
        return "property over generated inputs"
    if "answer_key" in node.name or "published" in node.name or "exam" in node.name:
        return "the exam's published answer"
    if "browser" in marks:
        return "in a real browser"
    if any(d.endswith("parametrize") for d in decorators):
        return "a table of cases"
    return "an example"


def _claim(node: ast.FunctionDef) -> str:
    words = node.name.removeprefix("test_").replace("_", " ")
    doc = ast.get_docstring(node)
    return f"{words}: {doc.splitlines()[0]}" if doc else words


# --- the function behind a result -----------------------------------------------------------


def resolve(name: str) -> Callable[..., object]:
    """The function (or class) `snippets.module.qualname`."""
    module_name, _, qualname = name.rpartition(".")
    while module_name:
        try:
            target: object = importlib.import_module(module_name)
            break
        except ModuleNotFoundError:
            module_name, _, outer = module_name.rpartition(".")
            qualname = f"{outer}.{qualname}"
    else:
        raise ValueError(f"name {name!r} names no module")
    for part in qualname.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise ValueError(f"name {name!r} is not a function")
    return target


def key_lines(function: Callable[..., object]) -> str:
    """The source of `function` without what does not carry its math: the docstring, the
    argument checks (an `if` whose body only raises, and calls of `_check...`/`_require...`
    helpers whose value is not kept), and a closing `return Result(a=a, b=b, ...)` that only packs
    names computed above (shown as `return Result(...)`). Comments tied to the math stay."""
    source = textwrap.dedent(inspect.getsource(function))
    tree = ast.parse(source)
    node = tree.body[0]
    lines = source.splitlines()
    drop: set[int] = set()
    for statement in getattr(node, "body", []):
        if _is_docstring(statement) or _is_check(statement):
            drop.update(range(statement.lineno, statement.end_lineno + 1))
        elif _is_packing_return(statement) and statement.end_lineno > statement.lineno:
            drop.update(range(statement.lineno + 1, statement.end_lineno + 1))
            call = statement.value
            indent = lines[statement.lineno - 1][: statement.col_offset]
            lines[statement.lineno - 1] = f"{indent}return {ast.unparse(call.func)}(...)"
    kept = [line for number, line in enumerate(lines, start=1) if number not in drop]
    # Blank runs fold to one.
    text = "\n".join(kept)
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
    return text.strip("\n")


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _checks(call: ast.AST) -> bool:
    if not isinstance(call, ast.Call):
        return False
    called = call.func
    name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
    return name.lstrip("_").startswith(("check", "require", "validate"))


def _is_check(node: ast.stmt) -> bool:
    if isinstance(node, ast.If) and not node.orelse:
        return all(isinstance(child, ast.Raise) for child in node.body)
    return isinstance(node, ast.Expr) and _checks(node.value)


def _simple(value: ast.AST) -> bool:
    """A name, an attribute, a constant, or calls of such (`tuple(grad_w.tolist())`)."""
    if isinstance(value, ast.Name | ast.Attribute | ast.Constant):
        return True
    return (
        isinstance(value, ast.Call)
        and _simple(value.func)
        and all(_simple(arg) for arg in [*value.args, *(k.value for k in value.keywords)])
    )


def _is_packing_return(node: ast.stmt) -> bool:
    """`return Result(x=x, grads=frozen(grads, NAMES), ...)`: names computed above, packed."""
    call = getattr(node, "value", None)
    return (
        isinstance(node, ast.Return)
        and isinstance(call, ast.Call)
        and all(_simple(v) for v in [*call.args, *(k.value for k in call.keywords)])
        and len(call.args) + len(call.keywords) > 1
    )


def anchor(name: str) -> str:
    """The id of a function's entry on the verification page."""
    return "fn-" + re.sub(r"[^A-Za-z0-9_]+", "-", name)
