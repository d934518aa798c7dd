"""Search finds prose, not machinery: what the theme's search plugin reads of a page.

mkdocs-material's `search` plugin indexes the text of `page.content` in its own
`on_page_context`. Much of that text is not prose: code listings, figure labels (run
together, as "b₁0.5ReLU"), KaTeX's two copies of every formula (HTML for the eye, MathML for
screen readers; a result would show "t=0t=0") and buttons. Just before the plugin reads a
page, this hook gives it a copy in which

- a code listing (`<pre>`) and a button are left out;
- a figure (`<figure class="guide-svg">`) is its description, the SVG's aria-label;
- a formula is read once, from its MathML, with a space between the cells of a matrix
  (KaTeX's HTML copy is hidden from screen readers too);
- an element marked `data-search-exclude` is left out, with all it holds (the plugin's own
  exclusion stops at the first nested element of the same tag: a `<div>` in a `<div>`);

and right after, the page gets its full content back. The page itself is not changed.

What the plugin makes of a page (its index entries) is kept in the build's cache
(`cache.py`), keyed by the page's content, address, title, table of contents and search
settings: a page that did not change is neither copied nor parsed again, its entries are
handed to the plugin's index as they were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.plugins import CombinedEvent, event_priority

from snippets.mdext import cache

# Before and after the search plugin's on_page_context (priority 0).
_BEFORE_SEARCH = 50
_AFTER_SEARCH = -50

# The opening tag of each element to leave out; `tag` names the tag that closes it.
_PRE = re.compile(r"<(?P<tag>pre)\b")
_BUTTON = re.compile(r"<(?P<tag>button)\b")
_KATEX_HTML = re.compile(r'<(?P<tag>span) class="katex-html"')
_FIGURE = re.compile(
    r'<(?P<tag>figure) class="guide-svg"[^>]*>\s*<svg\b[^>]*?\baria-label="(?P<alt>[^"]*)"'
)
# Headings are left to the plugin: on a heading the mark leaves out the heading's section.
_EXCLUDED = re.compile(r"<(?P<tag>(?!h[1-6]\b)[a-z][a-z0-9]*)\b[^>]*?\sdata-search-exclude\b")
_CELL_END = re.compile(r"</(mtd|mtr)>")

_full_content: dict[str, str] = {}
# page -> (cache key, number of index entries before the plugin read it), on a cache miss
_pending: dict[str, tuple[str, int]] = {}
# page -> its search settings, while they tell the plugin to skip a page whose entries it has
_hidden: dict[str, Any] = {}
_MISSING = object()


def _without(
    html: str, opening: re.Pattern[str], replace: Callable[[re.Match[str]], str] = lambda _: ""
) -> str:
    """`html` with each element whose opening tag `opening` finds replaced, up to the end tag
    that matches it (counting the nested elements of the same tag)."""
    parts, position = [], 0
    while match := opening.search(html, position):
        tags = re.compile(rf"<(/?){match.group('tag')}\b[^>]*>")
        parts += [html[position : match.start()], replace(match)]
        depth, position = 1, match.end()
        while depth:
            found = tags.search(html, position)
            if found is None:
                raise ValueError(f"html must close every element, got {match.group(0)!r}")
            depth += -1 if found.group(1) else 1
            position = found.end()
    return "".join([*parts, html[position:]])


def searchable(html: str) -> str:
    """The prose of a page's HTML, as the search index should hold it (see the module)."""
    html = _without(html, _EXCLUDED)
    html = _without(html, _PRE)
    html = _without(html, _BUTTON)
    html = _without(html, _FIGURE, lambda match: f"<p>{match.group('alt')}</p>")
    html = _without(html, _KATEX_HTML)
    return _CELL_END.sub(r"</\1> ", html)


def _search_index(config) -> Any:
    """The search plugin's index of this build (None without the plugin)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return getattr(plugin, "search_index", None)


def _toc(items) -> list:
    return [[i.id, i.title, i.url, i.level, _toc(i.children)] for i in items]


def entries_key(page, content: str) -> str:
    """What the plugin's entries for `page` (whose full HTML is `content`) depend on."""
    settings = {k: page.meta.get(k) for k in ("search", "tags", "title")}
    return cache.digest([
        content, page.url, str(page.title), json.dumps(settings, sort_keys=True, default=str),
        json.dumps(_toc(page.toc)), cache.source(Path(__file__)).sha,
        metadata.version("mkdocs-material"),
    ])  # fmt: skip


@event_priority(_BEFORE_SEARCH)
def _show_search_the_prose(context, *, page, config, nav):
    uri = page.file.src_uri
    _full_content[uri] = page.content
    page.content = ""  # what the plugin reads (and edits) of a page it skips
    index = _search_index(config)
    if index is None or (page.meta.get("search") or {}).get("exclude"):
        return context
    key = entries_key(page, _full_content[uri])
    kept = cache.read("search", key, ".json")
    if kept is not None:
        index.entries.extend(json.loads(kept))
        _hidden[uri] = page.meta.get("search", _MISSING)
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return context
    _pending[uri] = (key, len(index.entries))
    page.content = searchable(_full_content[uri])
    return context


@event_priority(_AFTER_SEARCH)
def _restore_the_page(context, *, page, config, nav):
    uri = page.file.src_uri
    if uri in _hidden:
        settings = _hidden.pop(uri)
        if settings is _MISSING:
            del page.meta["search"]
        else:
            page.meta["search"] = settings
    if uri in _pending:
        key, before = _pending.pop(uri)
        cache.write("search", key, json.dumps(_search_index(config).entries[before:]), ".json")
    page.content = _full_content.pop(uri)
    return context


on_page_context = CombinedEvent(_show_search_the_prose, _restore_the_page)
