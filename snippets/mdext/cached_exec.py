"""Run the pages' Python blocks at build time, cached, failing loudly.

A superfences formatter for ```python exec="on" id="..."``` blocks. markdown-exec validates
the options and turns the printed output into HTML (`markdown_exec.validator`,
`markdown_exec.base_format`); this module only runs the code:

- in a fresh namespace, with `print` captured;
- answered from a cache when nothing it depends on changed: the key holds the block's code,
  the source of every `snippets` module it imports (followed transitively) and the versions
  of the libraries that shape output (blocks read no other file: what needs the tests is
  filled in by the build, snippets/mdext/hooks.py);
- when it raises, the build stops: the error names the block and the exception, the
  traceback goes to the terminal (never into a page), and no page is written.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import logging
import os
import sys
import traceback
from collections.abc import Iterable
from functools import lru_cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown_exec import base_format, validator
from pymdownx.superfences import SuperFencesException

try:  # under MkDocs a BuildError is reported without a Python traceback
    from mkdocs.exceptions import PluginError as _BuildError
except ImportError:  # pragma: no cover - plain Python-Markdown
    _BuildError = Exception

__all__ = ["BlockError", "cache_key", "formatter", "validator"]

PACKAGE = "snippets"
ROOT = Path(__file__).resolve().parents[2]
# Libraries whose version can change what a block prints (number formats, SVG output).
LIBRARIES = ("numpy", "matplotlib", "sympy", "pykatex", "markdown-exec")
_log = logging.getLogger("mkdocs.plugins.snippets.exec")


class BlockError(SuperFencesException, _BuildError):
    """An executed block raised: superfences re-raises it and MkDocs stops the build."""


def cache_dir() -> Path | None:
    """Where results are kept: $I2DL_EXEC_CACHE, else .cache/exec; 'off' disables."""
    setting = os.environ.get("I2DL_EXEC_CACHE", str(ROOT / ".cache" / "exec"))
    return None if setting == "off" else Path(setting)


def _module_path(name: str) -> Path | None:
    """The source file of module `name` inside the package, if it is one of ours."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _walk_runtime(tree: ast.AST):
    """ast.walk, skipping `if TYPE_CHECKING:` blocks (imports for annotations only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _imports(tree: ast.AST, package: str) -> set[str]:
    """Modules named by the import statements of `tree` (relative ones resolved)."""
    found: set[str] = set()
    for node in _walk_runtime(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            # `from snippets import exam` imports the module snippets.exam
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


@lru_cache(maxsize=1024)
def _source_imports(source: str, package: str) -> frozenset[str]:
    """The imports of one source text (memoised: a module is parsed once per version)."""
    return frozenset(_imports(ast.parse(source), package))


def dependencies(code: str) -> dict[str, Path]:
    """Every `snippets` module the code imports, directly or through other modules."""
    seen: dict[str, Path] = {}
    todo = sorted(_source_imports(code, PACKAGE))
    while todo:
        name = todo.pop()
        path = _module_path(name)
        if path is None or name in seen:
            continue
        seen[name] = path
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo.extend(_source_imports(path.read_text(encoding="utf-8"), package))
    # Parent packages run on import too.
    for name in list(seen):
        parts = name.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if (path := _module_path(parent)) is not None:
                seen.setdefault(parent, path)
    return seen


def _digest(parts: Iterable[str]) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode())
        sha.update(b"\0")
    return sha.hexdigest()


@lru_cache(maxsize=1)
def _library_versions() -> list[str]:
    return [f"{lib}=={metadata.version(lib)}" for lib in LIBRARIES]


def sources(code: str) -> dict[str, str]:
    """The source text of every `snippets` module the code depends on, by module name."""
    return {name: path.read_text(encoding="utf-8") for name, path in dependencies(code).items()}


def cache_key(code: str, extra: dict[str, Any], modules: dict[str, str] | None = None) -> str:
    """A key that changes whenever anything the block's output depends on changes."""
    modules = sources(code) if modules is None else modules
    parts = [code, json.dumps(extra, sort_keys=True), sys.version]
    parts += _library_versions()
    for name in sorted(modules):
        parts += [name, modules[name]]
    return _digest(parts)


# Source of each snippets module as it was when this process imported it.
_imported: dict[str, str] = {}


def _forget_changed(modules: dict[str, str]) -> None:
    """If a module changed since this process imported it (`mkdocs serve` keeps one process
    across rebuilds), drop every snippets module so the block imports the code the key
    was computed from, never older code under a newer key."""
    if any(_imported.get(name, text) != text for name, text in modules.items()):
        for name in [m for m in sys.modules if m.startswith(PACKAGE + ".") or m == PACKAGE]:
            if not name.startswith(f"{PACKAGE}.mdext"):
                del sys.modules[name]
        _imported.clear()


def execute(code: str, block: str) -> str:
    """Run `code` in a fresh namespace and return what it printed."""
    buffer = io.StringIO()
    namespace: dict[str, Any] = {
        "__name__": f"_block_{block.replace('-', '_')}",
        "print": partial(print, file=buffer),
    }
    filename = f"<block {block}>"
    try:
        exec(compile(code, filename, "exec"), namespace)
    except Exception as error:
        lines = traceback.format_exception(error)
        # Show paths relative to the repository, and the block's own lines.
        text = "".join(lines).replace(str(ROOT) + os.sep, "")
        _log.error("Traceback of block '%s':\n%s", block, text)
        raise BlockError(f"block '{block}' raised {type(error).__name__}: {error}") from None
    return buffer.getvalue()


def run(
    code: str,
    returncode: int | None = None,
    session: str | None = None,
    id: str | None = None,
    **extra: Any,
) -> str:  # markdown-exec calls run(code, returncode=, session=, id=, **extra)
    """markdown-exec's `run` hook: execute, or answer from the cache."""
    if not id:
        raise BlockError(
            'every executed block needs an id, e.g. ```python exec="on" id="p3-plot"```'
        )
    if session:
        raise BlockError(
            f"block '{id}': sessions are not supported; make each block self-contained"
        )
    modules = sources(code)
    folder = cache_dir()
    key = cache_key(code, extra, modules) if folder else ""
    entry = folder / f"{key}.md" if folder else None
    if entry is not None and entry.exists():
        return entry.read_text(encoding="utf-8")
    _forget_changed(modules)
    output = execute(code, id)
    _imported.update(modules)
    if entry is not None:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_suffix(".tmp")
        temporary.write_text(output, encoding="utf-8")
        temporary.replace(entry)  # atomic: parallel builds never read half a file
    return output


def formatter(
    source: str,
    language: str,
    css_class: str,
    options: dict[str, Any],
    md: Markdown,
    **kwargs: Any,
) -> str:
    """The superfences formatter: markdown-exec's rendering around our `run`."""
    return base_format(language=language, run=run, code=source, md=md, **options)
