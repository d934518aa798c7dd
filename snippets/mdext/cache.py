"""The build's one cache: a folder of entries, their keys, and what a build leaves behind.

Everything the build keeps between runs lives in one folder, `.cache/` at the repository's
root (marked with CACHEDIR.TAG so backup tools skip it; `$I2DL_CACHE` moves it, `off` turns
it off; the older `$I2DL_EXEC_CACHE` is read too). One subfolder per kind of entry:

- `exec/`: what a page block printed (`cached_exec.py`);
- `html/`: the HTML a block becomes, KaTeX included, with the headings it reports to the
  page's table of contents (`cached_exec.py`);
- `imports/`: the modules each module of the package imports, parsed once per version;
- `search/`: the search plugin's entries for a page (`search_hook.py`);
- `notebooks/`: the executed chapter notebooks, `notebook-pages/`: their fitted pages
  (`notebooks.py`); `mkdocs-jupyter/`: that plugin's own cache, which it prunes itself.

This module owns the keys (`digest`), the sources they are made of (`source`: each file read
and hashed once, again only when its modification time or size changes, since `mkdocs
serve` keeps one process across rebuilds), reading (`read`) and atomic writing (`write`).
Through its hook (`cache_hook.py`) it prunes: after a successful full build, every entry
this build did not use and did not write is deleted (`on_post_build`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by the I2DL study guide's build.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# Folders of the cache that their owner prunes (mkdocs-jupyter evicts its own entries).
SELF_PRUNED = ("mkdocs-jupyter",)

_used: set[Path] = set()
_forget_each_build: list[Callable[[], None]] = []
_build: dict[str, Any] = {"started": 0.0, "dirty": False}


def folder() -> Path | None:
    """The cache folder: $I2DL_CACHE, else $I2DL_EXEC_CACHE, else .cache/; None if 'off'."""
    setting = os.environ.get("I2DL_CACHE") or os.environ.get("I2DL_EXEC_CACHE")
    if setting == "off":
        return None
    return Path(setting) if setting else ROOT / ".cache"


def kind_folder(kind: str) -> Path | None:
    """The subfolder of entries of `kind`, made (and the cache tagged) on first use."""
    base = folder()
    if base is None:
        return None
    path = base / kind
    if path not in _made:  # looked at once per process, made again by a write if removed
        _make(path)
    return path


_made: set[Path] = set()


def _make(path: Path) -> None:
    """Make the folder `path` of the cache, and tag the cache."""
    path.mkdir(parents=True, exist_ok=True)
    tag = path.parent / "CACHEDIR.TAG"
    if not tag.exists():
        _write_atomically(tag, TAG)
    _made.add(path)


def digest(parts: Iterable[str]) -> str:
    """A key from text parts (each part ended by a NUL, so parts cannot run together)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode())
        sha.update(b"\0")
    return sha.hexdigest()


def entry(kind: str, key: str, suffix: str) -> Path | None:
    """Where the entry `key` of `kind` lives (None with the cache off)."""
    path = kind_folder(kind)
    return None if path is None else path / f"{key}{suffix}"


def read(kind: str, key: str, suffix: str = ".txt") -> str | None:
    """The entry's text, or None if there is none; a read entry counts as used."""
    path = entry(kind, key, suffix)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:  # never written, or pruned by a concurrent build
        return None
    _used.add(path)
    return text


def write(kind: str, key: str, text: str, suffix: str = ".txt") -> None:
    """Keep `text` as the entry `key` of `kind` (atomically: a reader never sees half)."""
    path = entry(kind, key, suffix)
    if path is not None:
        _write_atomically(path, text)
        _used.add(path)


def keep(path: Path) -> None:
    """Count a file of the cache written by its owner (an executed notebook) as used."""
    _used.add(path)


def keep_entry(kind: str, key: str, suffix: str = ".txt") -> None:
    """Count the entry `key` of `kind` as used without reading it."""
    path = entry(kind, key, suffix)
    if path is not None:
        _used.add(path)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
    except FileNotFoundError:  # the cache was deleted while `mkdocs serve` ran
        _make(path.parent)
        temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


@dataclass(frozen=True)
class Source:
    """A file's text and its SHA-256, as read at one (mtime, size)."""

    text: str
    sha: str
    stamp: tuple[int, int]


_sources: dict[Path, Source] = {}


def source(path: Path) -> Source:
    """The text and hash of `path`, read again only when its mtime or size changed."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _sources.get(path)
    if known is None or known.stamp != stamp:
        text = path.read_text(encoding="utf-8")
        known = _sources[path] = Source(text, hashlib.sha256(text.encode()).hexdigest(), stamp)
    return known


def per_build(function: Callable) -> Callable:
    """Register a memoised function (an `lru_cache`) to be forgotten when a build starts:
    what it found (a file that exists) may change between the builds of `mkdocs serve`."""
    _forget_each_build.append(function.cache_clear)
    return function


# --- One build's use of the cache, then pruning (the events of cache_hook.py) ---------


def on_startup(command: str, dirty: bool, **kwargs: Any) -> None:
    """A dirty build (`mkdocs serve --dirty`) builds some pages only: it never prunes."""
    _build["dirty"] = dirty


def on_pre_build(config: Any, **kwargs: Any) -> None:
    """A build starts: nothing used yet (the sources stay known, checked by their mtime)."""
    _used.clear()
    _build["started"] = time.time()
    for forget in _forget_each_build:
        forget()


def on_post_build(config: Any, **kwargs: Any) -> None:
    """The build succeeded (MkDocs calls this only then): delete what it did not use."""
    if _build["dirty"] or not _owns_cache(config):
        return
    prune(_build["started"])


def _owns_cache(config: Any) -> bool:
    """Whether this build may prune the cache: a cache named by the environment belongs to
    whoever named it; the default one belongs to the site's own mkdocs.yml (a small project
    built from the site's config, as the tests build, must not empty it)."""
    if os.environ.get("I2DL_CACHE") or os.environ.get("I2DL_EXEC_CACHE"):
        return True
    return Path(config.config_file_path or "").resolve() == ROOT / "mkdocs.yml"


def prune(started: float) -> list[Path]:
    """Delete every entry neither used nor written by this build; entries written after
    `started` (by a build running beside this one) stay. Returns what was deleted."""
    base = folder()
    if base is None or not base.is_dir():
        return []
    deleted = []
    for kind in sorted(p for p in base.iterdir() if p.is_dir() and p.name not in SELF_PRUNED):
        for path in kind.rglob("*"):
            if path.is_file() and path not in _used and _older_than(path, started):
                path.unlink(missing_ok=True)
                deleted.append(path)
    return deleted


def _older_than(path: Path, started: float) -> bool:
    try:
        return path.stat().st_mtime < started
    except FileNotFoundError:
        return False
