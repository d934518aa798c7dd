"""Turn a matplotlib Figure into an inline, palette-following, reproducible SVG.

The SVG is inlined in the page (no extra request), its placeholder colours from
`render.palette` become CSS custom properties (so it follows the light and dark palettes),
its text stays text (searchable, scalable) and never shows under MIN_TEXT_PX CSS px, and its
bytes depend only on the figure and its name: no date, no random ids.
"""

from __future__ import annotations

import io
import math
import re
from html import escape

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.text import Text

from snippets.render.palette import CSS_VARIABLES

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_BARE_GROUP = re.compile(r"<g>((?:(?!<g[ >]|</g>).)*)</g>", re.DOTALL)
_LONG_DECIMAL = re.compile(r"(?<![\w#.])(-?\d+\.\d{3,})(?![\w.])")
_TAG = re.compile(r"<[^>]*>")
_FONT_SIZE = re.compile(r"font-size: ([0-9.]+)px")
_VIEWBOX_WIDTH = re.compile(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ')
# The smallest text a figure may show, in CSS px: below it, labels are hard to read.
MIN_TEXT_PX = 11


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(1)):.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def figure_svg(fig: Figure, *, name: str, alt: str, cap_at_text_size: bool = False) -> str:
    """Inline SVG markup for `fig` in a <figure>, labelled by `alt`, ids prefixed by `name`.

    With `cap_at_text_size`, the figure is drawn no wider than `text_size_width`: a figure
    laid out narrow for a phone would otherwise be blown up by a wide column.
    """
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
    # 1/10 of a point is a tenth of a pixel on screen; in tags only: a label keeps its digits.
    svg = _TAG.sub(lambda tag: _LONG_DECIMAL.sub(_round, tag.group(0)), svg)
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
    svg = _set_min_width(svg)
    # savefig has drawn the figure: its tick labels have their text now.
    style = f' style="max-width: {text_size_width(fig):.1f}em"' if cap_at_text_size else ""
    # <figure> is a block-level tag, so Markdown leaves everything inside it alone.
    return f'<figure class="guide-svg"{style}>\n{svg.strip()}\n</figure>'


def text_size_width(fig: Figure) -> float:
    """The width (in em) at which `fig`'s smallest text is as large as the text around it.

    One point of the figure is one unit of its viewBox, and its text scales with its width.
    """
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    return fig.get_figwidth() * 72 / min(sizes)  # inches to points, over the text's points


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


def _set_min_width(svg: str) -> str:
    """Name the narrowest width at which the smallest text is MIN_TEXT_PX CSS px.

    The figure scales with the column; docs/stylesheets/guide.css keeps it at least this wide
    (--guide-figure-min-width) and lets a narrower column scroll it sideways.
    """
    sizes = [float(size) for size in _FONT_SIZE.findall(svg)]
    if not sizes:
        return svg
    width = float(_VIEWBOX_WIDTH.search(svg).group(1))
    min_width = math.ceil(width * MIN_TEXT_PX / min(sizes))  # text scales with the width
    end = svg.index(">")  # of the root <svg> tag
    return f'{svg[:end]} style="--guide-figure-min-width: {min_width}px"{svg[end:]}'


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
