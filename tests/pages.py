"""The practice pages and their solutions, each rendered once per test process.

Rendering a variant (figures as SVG) is most of the fast set's time, and several tests read
the same seed's solution: tests/test_practice.py and tests/test_practice_cli.py take them from
here. The functions are pure, so a cached text is the text.

A test that reads what a page says around its variant (the introduction, the pager, the
heading, the answer boxes) reads `outline`: the page's own blocks run as the build runs them,
with each variant's statement and solution (where its figures are) replaced by a marker. A
test that reads a solution's text and its figures' descriptions, not their drawings, reads
`solution`: written with `figures_undrawn`, each figure built but not drawn as SVG (drawing
is most of a solution's time; the figures' contents are checked on their Figure objects, and
the drawing by tests/test_render.py).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Iterator
from html import escape
from pathlib import Path
from unittest import mock

from snippets.mdext.cached_exec import execute
from snippets.render import (
    logistic,  # noqa: F401 - loaded, so that figures_undrawn reaches it
    svg,
)
from snippets.render import practice as render

ROOT = Path(__file__).resolve().parent.parent
# An executed block of a page: its id and its code.
BLOCK = re.compile(r'^```python exec="on" id="([^"]+)"\n(.*?)^```$', re.M | re.S)


def undrawn_svg(fig, *, name: str, alt: str, cap_at_text_size: bool = False) -> str:
    """`svg.figure_svg` without the drawing: the <figure> and its text alternative."""
    label = escape(alt, quote=True)
    return (
        f'<figure class="guide-svg">\n<svg class="guide-figure" role="img" aria-label="{label}" '
        f'id="{name}"></svg>\n</figure>'
    )


@contextlib.contextmanager
def figures_undrawn() -> Iterator[None]:
    """While inside, every renderer builds its figures but does not draw them (`undrawn_svg`)."""
    with contextlib.ExitStack() as stack:
        for name, module in list(sys.modules.items()):
            if (
                name.startswith("snippets.")
                and getattr(module, "figure_svg", None) is svg.figure_svg
            ):
                stack.enter_context(mock.patch.object(module, "figure_svg", undrawn_svg))
        yield


@functools.cache
def solution(kind: str, seed: int | None) -> str:
    """The worked solution(s) of (kind, seed), its figures undrawn."""
    with figures_undrawn():
        return render.solution(kind, seed)


def source(kind: str, number: int) -> str:
    """The Markdown of variant page `number` of `kind`: docs/practice/<kind>.md for the first,
    the text the build generates (snippets/mdext/practice_pages.py) for the others."""
    if number == render.VARIANTS[0]:
        return (ROOT / "docs" / render.page_source(kind, number)).read_text(encoding="utf-8")
    return render.variant_page(kind, number)


def blocks(markdown: str) -> list[tuple[str, str]]:
    """The executed blocks of a page's Markdown, as (id, code)."""
    return BLOCK.findall(markdown)


def marker(part: str, kind: str, seed: int | None) -> str:
    """What `outline` prints in place of a variant's statement or solution."""
    return f"[the {part} of {kind}, seed {seed}]"


@functools.cache
def outline(kind: str, number: int) -> str:
    """What the blocks of variant page `number` of `kind` print, each statement and solution
    replaced by its `marker`: the rest of the page, without drawing a figure."""
    statement = mock.patch.object(render, "statement", functools.partial(marker, "statement"))
    worked = mock.patch.object(render, "solution", functools.partial(marker, "solution"))
    with statement, worked:
        return "\n".join(execute(code, block) for block, code in blocks(source(kind, number)))
