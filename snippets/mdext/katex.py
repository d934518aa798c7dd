"""Render math at build time with KaTeX: pages carry HTML and MathML, no math JavaScript.

`pymdownx.arithmatex` (generic mode) finds the math: `$...$`, `$$...$$`, `\\(...\\)` and
`\\[...\\]`. This extension adds a postprocessor that replaces arithmatex's output with
KaTeX's, rendered in-process by pykatex. Malformed TeX raises `MathError` quoting the
formula, which fails the build with the page named. The site serves KaTeX's stylesheet and
fonts itself (see `katex_assets.py`), so no page asks a third-party host for anything.
"""

from __future__ import annotations

import html
import re

import pykatex
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# pykatex 0.1.1 embeds this KaTeX release; the stylesheet and fonts must match it.
KATEX_VERSION = "0.16.22"

# KaTeX's MathML repeats the TeX source as an annotation; no reader or script here uses it.
_ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">.*?</annotation>', re.S)
_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)


class MathError(ValueError):
    """A formula that KaTeX cannot parse."""


def render(tex: str, display: bool) -> str:
    """KaTeX HTML (with MathML for screen readers) for one formula."""
    try:
        rendered = pykatex.renderToString(
            tex, displayMode=display, throwOnError=True, strict=pykatex.STRICT_IGNORE
        )
    except pykatex.ParseError as error:
        snippet = " ".join(tex.split())
        raise MathError(f"KaTeX cannot render ${snippet}$: {error}") from None
    return _ANNOTATION.sub("", rendered)


class KatexPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        text = _BLOCK.sub(lambda m: render(html.unescape(m.group(1)), display=True), text)
        return _INLINE.sub(lambda m: render(html.unescape(m.group(1)), display=False), text)


class KatexExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)  # converters made from `md` (markdown-exec's) get it too
        # After raw HTML is restored (priority 30), so math from executed blocks is seen too.
        md.postprocessors.register(KatexPostprocessor(md), "katex", 5)


def makeExtension(**kwargs: object) -> KatexExtension:
    return KatexExtension(**kwargs)
