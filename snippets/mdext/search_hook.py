"""Search finds prose, not machinery: what the theme's search plugin reads of a page.

mkdocs-material's `search` plugin indexes the text of `page.content` in its own
`on_page_context`. Much of that text is not prose: code listings, figure labels (run
together, as "b₁0.5ReLU"), KaTeX's two copies of every formula (HTML for the eye, MathML for
screen readers; a result would show "t=0t=0"), buttons, and a practice page's ten variants
of one problem. Just before the plugin reads a page, this hook gives it a copy in which

- a code listing (`<pre>`) and a button are left out;
- a figure (`<figure class="guide-svg">`) is its description, the SVG's aria-label;
- a formula is read once, from its MathML, with a space between the cells of a matrix
  (KaTeX's HTML copy is hidden from screen readers too);
- an element marked `data-search-exclude` is left out, with all it holds (the plugin's own
  exclusion stops at the first nested element of the same tag: a `<div>` in a `<div>`);
- on a practice page, the variants after the first are left out: each is the first with
  other numbers (their headings are marked `data-search-exclude`, which the plugin reads as
  "leave out this section");

and right after, the page gets its full content back. The page itself is not changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mkdocs.plugins import CombinedEvent, event_priority

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
# "## Variant 2 (seed 2)" and on, as snippets/render/practice.py writes them.
_LATER_VARIANT = re.compile(r'<h2 id="[^"]*-variant-(?!1-)\d+-seed-\d+"')
_CELL_END = re.compile(r"</(mtd|mtr)>")

_full_content: dict[str, str] = {}


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
    html = _CELL_END.sub(r"</\1> ", html)
    return _LATER_VARIANT.sub(lambda match: f"{match.group(0)} data-search-exclude", html)


@event_priority(_BEFORE_SEARCH)
def _show_search_the_prose(context, *, page, config, nav):
    _full_content[page.file.src_uri] = page.content
    page.content = searchable(page.content)
    return context


@event_priority(_AFTER_SEARCH)
def _restore_the_page(context, *, page, config, nav):
    page.content = _full_content.pop(page.file.src_uri)
    return context


on_page_context = CombinedEvent(_show_search_the_prose, _restore_the_page)
