"""Copy the definitions a piece of code needs out of the `snippets` package, as source.

A chapter's notebook must run where only numpy, matplotlib and sympy are installed, so it
cannot import `snippets`. `bundle` reads the package's modules (this is the build's job, not
a renderer's), finds the top-level definitions a code cell names through its
`from snippets... import ...` lines, follows what those definitions name in turn, and
returns their source text exactly as written in the package, in an order that runs: what a
definition needs at definition time (a base class, a decorator, a constant's value) comes
before it. What the definitions import from outside the package is imported at the top.

Rules that keep the copy honest:
- the source is copied verbatim (comments included), never rewritten;
- `from snippets import exam` used as `exam.BACKPROP` becomes a namespace built from the
  copied definitions, so the copied text still reads `exam.BACKPROP`;
- two different definitions wanted under one name is an error naming both, as is a name
  that resolves to nothing copyable;
- annotations are not followed (`from __future__ import annotations` makes them text).

`OVERRIDES` replaces a definition whose value only means something on the site: the
figure palette's placeholder colours become the light palette's colours.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

PACKAGE = "snippets"
FUTURE = "from __future__ import annotations"


class BundleError(ValueError):
    """The code asks for something that cannot be copied into a notebook."""


@dataclass(frozen=True)
class Definition:
    """One top-level statement of a package module that binds `name`."""

    module: str
    name: str
    source: str
    eager: frozenset[tuple[str, str]]  # needed when the statement runs
    lazy: frozenset[tuple[str, str]]  # needed only when a function it defines is called
    imports: tuple[str, ...]  # import lines from outside the package


@dataclass
class _Module:
    """What a module binds at top level: definitions, imports from outside, package links."""

    name: str
    nodes: dict[str, ast.stmt] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    external: dict[str, str] = field(default_factory=dict)  # name -> import line
    package: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (mod, attr)


def _is_package(module: str | None) -> bool:
    return module is not None and (module == PACKAGE or module.startswith(PACKAGE + "."))


def _import_lines(node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    """One import line per name an outside import binds."""
    if isinstance(node, ast.Import):
        return {
            (alias.asname or alias.name.split(".")[0]): (
                f"import {alias.name} as {alias.asname}" if alias.asname else f"import {alias.name}"
            )
            for alias in node.names
        }
    return {
        (alias.asname or alias.name): (
            f"from {node.module} import {alias.name}"
            + (f" as {alias.asname}" if alias.asname else "")
        )
        for alias in node.names
    }


def _package_links(node: ast.Import | ast.ImportFrom) -> dict[str, tuple[str, str | None]]:
    """Names a package import binds: a module (attr None) or a module's attribute."""
    if isinstance(node, ast.Import):
        raise BundleError(f"use `from {PACKAGE}... import`, not `import {node.names[0].name}`")
    links: dict[str, tuple[str, str | None]] = {}
    for alias in node.names:
        full = f"{node.module}.{alias.name}"
        try:
            importlib.import_module(full)
        except ModuleNotFoundError:
            links[alias.asname or alias.name] = (node.module, alias.name)
        else:
            links[alias.asname or alias.name] = (full, None)
    return links


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


@cache
def _module(name: str) -> _Module:
    source = inspect.getsource(importlib.import_module(name))
    tree = ast.parse(source)
    found = _Module(name, lines=source.splitlines())
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            if _is_package(module):
                found.package.update(_package_links(node))
            else:
                found.external.update(_import_lines(node))
            continue
        for bound in _bound_names(node):
            found.nodes.setdefault(bound, node)
    return found


def _segment(module: _Module, node: ast.stmt) -> str:
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    return "\n".join(module.lines[first - 1 : node.end_lineno])


def _names_in(nodes: Iterable[ast.AST]) -> tuple[set[str], set[tuple[str, str]]]:
    """Names read, and `name.attr` pairs read, in `nodes` (annotations skipped)."""
    names: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attributes.add((node.value.id, node.attr))
        for child_field, value in ast.iter_fields(node):
            if child_field in {"annotation", "returns"}:
                continue
            children = value if isinstance(value, list) else [value]
            stack.extend(c for c in children if isinstance(c, ast.AST))
    return names, attributes


def _eager_parts(node: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that run when the statement runs."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        args = node.args
        return [*node.decorator_list, *args.defaults, *(d for d in args.kw_defaults if d)]
    if isinstance(node, ast.ClassDef):
        # A class body runs at once, but its methods' bodies do not.
        body = [
            part
            for statement in node.body
            for part in (
                _eager_parts(statement)
                if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
                else [statement]
            )
        ]
        return [*node.decorator_list, *node.bases, *node.keywords, *body]
    return [node]


def _resolve(
    module: _Module, names: set[str], attributes: set[tuple[str, str]]
) -> tuple[set[tuple[str, str]], set[str]]:
    """Package definitions (module, name) and outside import lines that `names` refer to."""
    wanted: set[tuple[str, str]] = set()
    imports: set[str] = set()
    for name in names:
        if name in module.nodes:
            wanted.add((module.name, name))
        elif name in module.external:
            imports.add(module.external[name])
        elif name in module.package:
            target, attr = module.package[name]
            if attr is not None:
                wanted.add((target, attr))
            else:
                wanted.add((target, ""))  # the module itself, as a namespace
                wanted.update((target, a) for base, a in attributes if base == name)
    return wanted, imports


@cache
def definition(module_name: str, name: str) -> Definition:
    """The top-level definition of `name` in `module_name`, and what it needs."""
    module = _module(module_name)
    if name not in module.nodes:
        if name in module.package and module.package[name][1] is not None:
            target, attr = module.package[name]
            return definition(target, attr)  # re-exported from another package module
        raise BundleError(f"{module_name}.{name} is not a top-level definition to copy")
    node = module.nodes[name]
    source = OVERRIDES.get((module_name, name)) or _segment(module, node)
    eager_names, eager_attrs = _names_in(_eager_parts(node))
    all_names, all_attrs = _names_in([node])
    eager, eager_imports = _resolve(module, eager_names - {name}, eager_attrs)
    every, imports = _resolve(module, all_names - {name}, all_attrs)
    return Definition(
        module=module_name,
        name=name,
        source=source,
        eager=frozenset(eager),
        lazy=frozenset(every - eager),
        imports=tuple(sorted(imports | eager_imports)),
    )


def _requested(code: str) -> tuple[set[tuple[str, str]], list[str]]:
    """The package names `code` imports, and its lines without those imports."""
    tree = ast.parse(code)
    links: dict[str, tuple[str, str | None]] = {}
    drop: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and _is_package(node.module):
            links.update(_package_links(node))
            drop.update(range(node.lineno, node.end_lineno + 1))
    names, attributes = _names_in([tree])
    wanted: set[tuple[str, str]] = set()
    for name in names & set(links):
        target, attr = links[name]
        if attr is not None:
            wanted.add((target, attr))
        else:
            wanted.add((target, ""))
            wanted.update((target, a) for base, a in attributes if base == name)
    kept = [line for number, line in enumerate(code.splitlines(), 1) if number not in drop]
    return wanted, kept


def without_package_imports(code: str) -> str:
    """`code` without its `from snippets... import` lines (and blank lines they leave first)."""
    return "\n".join(_requested(code)[1]).strip("\n")


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def _closure(wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every definition `wanted` needs, directly or through others."""
    seen: set[tuple[str, str]] = set()
    stack = sorted(wanted)
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        if key[1]:
            found = definition(*key)
            stack.extend(sorted(found.eager | found.lazy))
    return seen


def bundle(codes: Iterable[str]) -> list[tuple[str, str]]:
    """The package source that `codes` need, as (module, cell source) pairs in run order.

    The first pair holds the outside imports; each further pair is the definitions copied
    from one module, in the order they must run.
    """
    wanted: set[tuple[str, str]] = set()
    for code in codes:
        wanted |= _requested(code)[0]
    needed = _closure(wanted)
    # A module used as a namespace lists every member copied from it, so it comes after them.
    members = {
        module: sorted(n for m, n in needed if m == module and n)
        for module, name in needed
        if not name
    }
    order: list[tuple[str, str]] = []
    state: dict[tuple[str, str], str] = {}

    def visit(key: tuple[str, str]) -> None:
        if key in state:
            return  # done, or a cycle through function bodies (any order works there)
        state[key] = "open"
        module, name = key
        if name:
            found = definition(module, name)
            needs = [*sorted(found.eager), *sorted(found.lazy)]
        else:
            needs = [(module, member) for member in members[module]]
        for need in needs:
            visit(need)
        state[key] = "done"
        order.append(key)

    for key in sorted(wanted):
        visit(key)
    return _cells(order, members)


def _cells(order: list[tuple[str, str]], members: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    owners: dict[str, tuple[str, str]] = {}
    imports: set[str] = set()
    chunks: list[tuple[str, str]] = []
    for module, name in order:
        if not name:
            listed = ", ".join(f"{n}={n}" for n in members[module])
            text = (
                f"# What the package's code reads as {_short(module)}.NAME\n"
                f"{_short(module)} = SimpleNamespace({listed})"
            )
            imports.add("from types import SimpleNamespace")
            bound, actual = _short(module), (module, "")
        else:
            found = definition(module, name)
            text, bound, actual = found.source, found.name, (found.module, found.name)
            imports.update(found.imports)
        if bound in owners and owners[bound] != actual:
            first = ".".join(p for p in owners[bound] if p)
            raise BundleError(
                f"two definitions named {bound!r} are needed: {first} and "
                f"{'.'.join(p for p in actual if p)}; rename one of them"
            )
        if bound in vars(builtins):
            raise BundleError(f"{module}.{bound} would hide the builtin {bound!r}")
        if bound in owners:
            continue
        owners[bound] = actual
        if chunks and chunks[-1][0] == actual[0]:
            chunks[-1] = (actual[0], chunks[-1][1] + "\n\n\n" + text)
        else:
            chunks.append((actual[0], text))
    header = "\n".join([FUTURE, "", *_sorted_imports(imports)])
    return [("", header), *chunks]


def _sorted_imports(lines: set[str]) -> list[str]:
    plain = sorted(line for line in lines if line.startswith("import "))
    froms = sorted(line for line in lines if line.startswith("from "))
    return plain + froms


# --- Definitions that mean something else outside the site ------------------------------


def _palette_override() -> Mapping[tuple[str, str], str]:
    from snippets.render import palette

    module = "snippets.render.palette"
    overrides = {}
    for name in ("INK", "MUTED", "ACCENT", "HIGHLIGHT", "PAPER"):
        colour = palette.LIGHT[getattr(palette, name)]
        overrides[(module, name)] = f'{name} = "{colour}"  # the light palette of the site'
    series = ", ".join(f'"{palette.LIGHT[c]}"' for c in palette.SERIES)
    overrides[(module, "SERIES")] = f"SERIES = ({series})  # the light palette of the site"
    return overrides


OVERRIDES: Mapping[tuple[str, str], str] = _palette_override()
