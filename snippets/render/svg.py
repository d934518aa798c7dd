"""Turn a matplotlib Figure into an inline, palette-following, reproducible SVG.

The SVG is inlined in the page (no extra request), its placeholder colours from
`render.palette` become CSS custom properties (so it follows the light and dark palettes),
its text stays text (searchable, scalable), and its bytes depend only on the figure and its
name: no date, no random ids.
"""

from __future__ import annotations

import io
import re
from html import escape

import matplotlib as mpl
from matplotlib.figure import Figure

from snippets.render.palette import CSS_VARIABLES

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_BARE_GROUP = re.compile(r"<g>((?:(?!<g[ >]|</g>).)*)</g>", re.DOTALL)
_LONG_DECIMAL = re.compile(r"(?<![\w#.])(-?\d+\.\d{3,})(?![\w.])")


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(1)):.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def figure_svg(fig: Figure, *, name: str, alt: str) -> str:
    """Inline SVG markup for `fig` in a <figure>, labelled by `alt`, ids prefixed by `name`."""
    if not _NAME.match(name):
        raise ValueError(f"name must be lowercase letters, digits and dashes, got {name!r}")
    if not alt.strip():
        raise ValueError("alt must describe the figure for readers who cannot see it")
    buffer = io.StringIO()
    # rc_context is scoped to this block: no global matplotlib state is changed.
    with mpl.rc_context({"svg.hashsalt": name, "svg.fonttype": "none", "svg.id": name}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype
    svg = _recolour(svg)
    svg = _LONG_DECIMAL.sub(_round, svg)  # 1/10 of a point is a tenth of a pixel on screen
    svg = _prefix_ids(svg, name)
    # Scale with the column: keep the viewBox, drop the fixed size in points.
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    label = escape(alt, quote=True)
    svg = svg.replace("<svg", f'<svg class="guide-figure" role="img" aria-label="{label}"', 1)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    # matplotlib echoes each label in a comment; drop them (a label's TeX would be read
    # as math by the Markdown around the figure).
    svg = re.sub(r"\s*<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r">\s+<", "><", svg)  # indentation between tags
    svg = re.sub(r"\s*\n\s*", " ", svg)  # line breaks inside path data
    svg = _slim(svg)
    # <figure> is a block-level tag, so Markdown leaves everything inside it alone.
    return f'<figure class="guide-svg">\n{svg.strip()}\n</figure>'


def _slim(svg: str) -> str:
    """Drop what the page does not need: font lists, no-op rotations, unused ids, bare groups."""
    # Text inherits the page's font: matplotlib's fallback list repeats on every label.
    svg = re.sub(r"font-family: [^;\"]*(; )?", "", svg)
    svg = re.sub(r"font: ([0-9.]+)px [^;\"]*", r"font-size: \1px", svg)
    svg = re.sub(r' transform="rotate\(-?0 [^")]*\)"', "", svg)  # horizontal text
    svg = svg.replace(' style=""', "")
    svg = re.sub(r'<path d="[^"]*" style="fill: none; opacity: 0"/>', "", svg)  # invisible
    # An id nobody points at names nothing; the root keeps its id (the figure's name).
    used = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
    root = svg.index(">")
    head, body = svg[:root], svg[root:]
    # matplotlib's stylesheet selects `*`; inline, that would reach the whole page.
    body = body.replace('<style type="text/css">*{', "<style>.guide-figure *{")
    body = re.sub(r' id="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", body)
    # A group with no attributes groups nothing: keep its children, innermost first.
    while (flat := _BARE_GROUP.sub(r"\1", body)) != body:
        body = flat
    return head + body


def _recolour(svg: str) -> str:
    """Swap placeholder colours for palette variables; reject any other colour."""

    def swap(match: re.Match[str]) -> str:
        colour = match.group(0).lower()
        if colour == "#ffffff":  # matplotlib's default figure and axes background
            return "transparent"
        if colour not in CSS_VARIABLES:
            raise ValueError(
                f"figure uses colour {colour}, which does not follow the palette; "
                "draw with the colours of snippets.render.palette"
            )
        return CSS_VARIABLES[colour]

    return _HEX.sub(swap, svg)


def _prefix_ids(svg: str, name: str) -> str:
    """Make every id unique to this figure, so several figures can share a page."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for old in sorted(ids, key=len, reverse=True):
        if old == name or old.startswith(f"{name}-"):
            continue
        new = f"{name}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"#{old})", f"#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg
