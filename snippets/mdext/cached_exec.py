"""Run the pages' Python blocks at build time, cached, failing loudly.

A superfences formatter for ```python exec="on" id="..."``` blocks. markdown-exec validates
the options and turns the printed output into HTML (`markdown_exec.validator`,
`markdown_exec.base_format`); this module runs the code and keeps both results in the
build's cache (`cache.py`):

- a block runs in a fresh namespace, with `print` captured;
- what it printed is kept under the block's key: its code, the source of every `snippets`
  module it imports (followed transitively; each file read and hashed once per change, not
  once per block) and the versions of the libraries that shape output;
- the HTML it becomes (KaTeX rendered, headings reported to the page's table of contents)
  is kept under that key and the renderer's (the options, the Markdown extensions and their
  configuration, their versions and sources), so a warm build neither converts nor renders
  math for the block; the headings are handed to the page as markdown-exec hands them;
- a block reads no file of the repository but the modules its key covers: what needs the
  tests is filled in by the build (snippets/mdext/hooks.py), and a block that opens any other
  file of the repository stops the build, since its cached output could go stale unseen;
- when it raises, the build stops: the error names the block and the exception, the
  traceback goes to the terminal (never into a page), and no page is written.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import os
import sys
import traceback
import weakref
from functools import lru_cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString
from markdown_exec import base_format, validator
from markdown_exec._internal.processors import InsertHeadings
from markdown_exec._internal.rendering import MarkdownConverter, _register_headings_processors
from markupsafe import Markup
from pymdownx.superfences import SuperFencesException

from snippets.mdext import cache

try:  # under MkDocs a BuildError is reported without a Python traceback
    from mkdocs.exceptions import PluginError as _BuildError
except ImportError:  # pragma: no cover - plain Python-Markdown
    _BuildError = Exception

__all__ = ["BlockError", "cache_key", "formatter", "validator"]

PACKAGE = "snippets"
ROOT = Path(__file__).resolve().parents[2]
# Libraries whose version can change what a block prints (number formats, SVG output).
LIBRARIES = ("numpy", "matplotlib", "sympy", "pykatex", "markdown-exec")
# Libraries whose version can change the HTML that printed Markdown becomes.
RENDERERS = ("markdown", "pymdown-extensions", "pygments", "pykatex", "markdown-exec")
_log = logging.getLogger("mkdocs.plugins.snippets.exec")


class BlockError(SuperFencesException, _BuildError):
    """An executed block raised: superfences re-raises it and MkDocs stops the build."""


# --- What a block depends on ----------------------------------------------------------------


def _module_path(name: str) -> Path | None:
    """The source file of module `name` inside the package, if it is one of ours."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    return _module_file(ROOT, name)


@cache.per_build
@lru_cache(maxsize=4096)
def _module_file(root: Path, name: str) -> Path | None:
    """`_module_path` under `root`, looked for once per build (a module may appear)."""
    base = root.joinpath(*name.split("."))
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


# (source hash, package) -> the cache key of its imports, and the imports
_parsed: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}


def _module_imports(path: Path, package: str) -> frozenset[str]:
    """The imports of a module's source, parsed once per version of it: kept in the build's
    cache, so a warm build parses no module."""
    source = cache.source(path)
    known = _parsed.get((source.sha, package))
    if known is not None:
        cache.keep_entry("imports", known[0], ".json")
        return known[1]
    key = cache.digest([source.sha, package])
    kept = cache.read("imports", key, ".json")
    if kept is None:
        imports = _source_imports(source.text, package)
        cache.write("imports", key, json.dumps(sorted(imports)), ".json")
    else:
        imports = frozenset(json.loads(kept))
    _parsed[source.sha, package] = (key, imports)
    return imports


def _walk_dependencies(code: str) -> dict[str, Path]:
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
        todo.extend(_module_imports(path, package))
    # Parent packages run on import too.
    for name in list(seen):
        parts = name.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if (path := _module_path(parent)) is not None:
                seen.setdefault(parent, path)
    return seen


# (ROOT, code) -> its dependencies and the (mtime, size) of each when they were found.
_known_dependencies: dict[tuple[Path, str], tuple[dict[str, Path], dict[Path, tuple]]] = {}


def dependencies(code: str) -> dict[str, Path]:
    """`_walk_dependencies(code)`, walked again only when one of the files changed."""
    known = _known_dependencies.get((ROOT, code))
    if known is not None:
        found, stamps = known
        try:
            if all(cache.source(path).stamp == stamp for path, stamp in stamps.items()):
                return found
        except FileNotFoundError:
            pass
    found = _walk_dependencies(code)
    _known_dependencies[ROOT, code] = (found, {p: cache.source(p).stamp for p in found.values()})
    return found


def sources(code: str) -> dict[str, cache.Source]:
    """The source of every `snippets` module the code depends on, by module name."""
    return {name: cache.source(path) for name, path in dependencies(code).items()}


@lru_cache(maxsize=4)
def _versions(libraries: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{lib}=={metadata.version(lib)}" for lib in libraries)


def cache_key(
    code: str, extra: dict[str, Any], modules: dict[str, cache.Source] | None = None
) -> str:
    """A key that changes whenever anything the block's output depends on changes."""
    modules = sources(code) if modules is None else modules
    parts = [code, json.dumps(extra, sort_keys=True), sys.version, *_versions(LIBRARIES)]
    for name in sorted(modules):
        parts += [name, modules[name].sha]
    return cache.digest(parts)


# --- Running a block --------------------------------------------------------------------------

# Hash of each snippets module's source as it was when this process imported it.
_imported: dict[str, str] = {}


def _forget_changed(modules: dict[str, cache.Source]) -> None:
    """If a module changed since this process imported it (`mkdocs serve` keeps one process
    across rebuilds), drop every snippets module so the block imports the code the key
    was computed from, never older code under a newer key."""
    if any(_imported.get(name, source.sha) != source.sha for name, source in modules.items()):
        for name in [m for m in sys.modules if m.startswith(PACKAGE + ".") or m == PACKAGE]:
            if not name.startswith(f"{PACKAGE}.mdext"):
                del sys.modules[name]
        _imported.clear()


# While a block runs: the files of the repository it may open (None: no block is running),
# and those it opened beyond them.
_reads: dict[str, Any] = {"allowed": None, "extra": []}


def _audit(event: str, args: tuple) -> None:
    """Audit hook: note a file of the repository opened by a running block that its key
    does not cover (libraries and the interpreter live outside, or under sys.prefix)."""
    allowed = _reads["allowed"]
    if allowed is None or event != "open" or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    if not path.startswith(str(ROOT) + os.sep) or path.startswith(_OUTSIDE):
        return
    source = _source_of_bytecode(path)
    if source not in allowed:
        _reads["extra"].append(os.path.relpath(source, ROOT))


def _source_of_bytecode(path: str) -> str:
    """snippets/__pycache__/conv.cpython-311.pyc -> snippets/conv.py (else the path)."""
    folder, name = os.path.split(path)
    if os.path.basename(folder) != "__pycache__":
        return path
    return os.path.join(os.path.dirname(folder), name.split(".")[0] + ".py")


_OUTSIDE = tuple({sys.prefix + os.sep, sys.base_prefix + os.sep, sys.exec_prefix + os.sep})
sys.addaudithook(_audit)


def execute(code: str, block: str, allowed: set[str] | None = None) -> str:
    """Run `code` in a fresh namespace and return what it printed. With `allowed` (the
    repository's files the block's key covers), opening any other file of the repository
    is an error."""
    buffer = io.StringIO()
    namespace: dict[str, Any] = {
        "__name__": f"_block_{block.replace('-', '_')}",
        "print": partial(print, file=buffer),
    }
    filename = f"<block {block}>"
    _reads.update(allowed=allowed, extra=[])
    try:
        exec(compile(code, filename, "exec"), namespace)
    except Exception as error:
        lines = traceback.format_exception(error)
        # Show paths relative to the repository, and the block's own lines.
        text = "".join(lines).replace(str(ROOT) + os.sep, "")
        _log.error("Traceback of block '%s':\n%s", block, text)
        raise BlockError(f"block '{block}' raised {type(error).__name__}: {error}") from None
    finally:
        _reads["allowed"] = None
    if _reads["extra"]:
        read = ", ".join(sorted(set(_reads["extra"])))
        raise BlockError(
            f"block '{block}' read {read}, which its cache key does not cover: a change "
            "there would not re-run it. Import what it needs from snippets instead."
        )
    return buffer.getvalue()


def _check(id: str | None, session: str | None) -> None:
    if not id:
        raise BlockError(
            'every executed block needs an id, e.g. ```python exec="on" id="p3-plot"```'
        )
    if session:
        raise BlockError(
            f"block '{id}': sessions are not supported; make each block self-contained"
        )


def run(
    code: str,
    returncode: int | None = None,
    session: str | None = None,
    id: str | None = None,
    **extra: Any,
) -> str:  # markdown-exec calls run(code, returncode=, session=, id=, **extra)
    """markdown-exec's `run` hook: execute, or answer from the cache."""
    _check(id, session)
    modules = sources(code)
    key = cache_key(code, extra, modules)
    output = cache.read("exec", key, ".md")
    if output is not None:
        return output
    _forget_changed(modules)
    allowed = {os.fspath(path) for path in dependencies(code).values()}
    output = execute(code, id, allowed)
    _imported.update({name: source.sha for name, source in modules.items()})
    cache.write("exec", key, output, ".md")
    return output


# --- The HTML of a block ----------------------------------------------------------------------

_renderers: weakref.WeakKeyDictionary[Markdown, str] = weakref.WeakKeyDictionary()


def _stable(value: Any) -> Any:
    """`value` as JSON that names functions rather than showing their memory address."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


def renderer_key(md: Markdown) -> str:
    """What the HTML of printed Markdown depends on besides the text: the extensions of
    `md` with their configuration, their versions, and the source of our own ones."""
    known = _renderers.get(md)
    if known is None:
        parts = [*_versions(RENDERERS), cache.source(Path(__file__)).sha]
        for extension in md.registeredExtensions:
            kind = type(extension)
            parts += [f"{kind.__module__}.{kind.__qualname__}"]
            parts += [json.dumps(_stable(extension.getConfigs()))]
            module = sys.modules.get(kind.__module__)
            if kind.__module__.startswith(PACKAGE + ".") and getattr(module, "__file__", None):
                parts += [cache.source(Path(module.__file__)).sha]
        known = _renderers[md] = cache.digest(parts)
    return known


def _dump_text(text: str | None, md: Markdown) -> list | None:
    """Text of a heading, its stash placeholders replaced by what they stand for."""
    if text is None:
        return None
    parts: list = []
    position = 0
    for match in HTML_PLACEHOLDER_RE.finditer(text):
        stashed = md.htmlStash.rawHtmlBlocks[int(match.group(1))]
        if not isinstance(stashed, str):
            raise TypeError("a heading holds stashed HTML that is not text")
        parts += [text[position : match.start()], {"stash": stashed}]
        position = match.end()
    return [*parts, text[position:], isinstance(text, AtomicString)]


def _load_text(parts: list | None, md: Markdown) -> str | None:
    """`_dump_text` undone: stashed HTML stashed again in this page's stash."""
    if parts is None:
        return None
    *pieces, atomic = parts
    text = "".join(p if isinstance(p, str) else md.htmlStash.store(p["stash"]) for p in pieces)
    return AtomicString(text) if atomic else text


def _dump_heading(element: Element, md: Markdown) -> dict:
    return {
        "tag": element.tag,
        "attrib": dict(element.attrib),
        "text": _dump_text(element.text, md),
        "tail": _dump_text(element.tail, md),
        "children": [_dump_heading(child, md) for child in element],
    }


def _load_heading(data: dict, md: Markdown) -> Element:
    element = Element(data["tag"], data["attrib"])
    element.text = _load_text(data["text"], md)
    element.tail = _load_text(data["tail"], md)
    element.extend(_load_heading(child, md) for child in data["children"])
    return element


def _convert(source: str, options: dict[str, Any], md: Markdown) -> tuple[Markup, dict | None]:
    """Run (or recall) the block and convert its output; with the HTML, what a cache entry
    keeps: the headings reported to the page's table of contents and how many converters
    markdown-exec counted (None if a heading holds what cannot be kept)."""
    counter = MarkdownConverter.counter
    markup = base_format(language="python", run=run, code=source, md=md, **options)
    converters = MarkdownConverter.counter - counter
    inserter = md.treeprocessors[InsertHeadings.name] if converters else None
    headings = None if inserter is None else inserter.headings.get(markup)
    try:
        kept = None if headings is None else [_dump_heading(h, md) for h in headings]
    except TypeError:  # pragma: no cover - stashed HTML that is not text
        return markup, None
    return markup, {"html": str(markup), "converters": converters, "headings": kept}


def _replay(entry: dict[str, Any], options: dict[str, Any], md: Markdown) -> Markup:
    """A cached block's HTML, with its headings handed to the page as markdown-exec does."""
    if entry["converters"] and options.get("update_toc", True):
        _register_headings_processors(md)
    MarkdownConverter.counter += entry["converters"]
    markup = Markup(entry["html"])
    if entry["headings"] is not None:
        headings = [_load_heading(h, md) for h in entry["headings"]]
        md.treeprocessors[InsertHeadings.name].headings[markup] = headings
    return markup


def formatter(
    source: str,
    language: str,
    css_class: str,
    options: dict[str, Any],
    md: Markdown,
    **kwargs: Any,
) -> str:
    """The superfences formatter: markdown-exec's rendering around our `run`, kept whole."""
    _check(options.get("id"), options.get("session"))
    block_key = cache_key(source, options.get("extra", {}))
    key = cache.digest([block_key, json.dumps(_stable(options)), renderer_key(md)])
    kept = cache.read("html", key, ".json")
    if kept is not None:
        cache.keep_entry("exec", block_key, ".md")  # still current: pruning keeps it
        return _replay(json.loads(kept), options, md)
    markup, entry = _convert(source, options, md)
    if entry is not None:
        cache.write("html", key, json.dumps(entry), ".json")
    return markup
