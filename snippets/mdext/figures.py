"""Keep inline SVG figures out of Markdown's hands, wherever they stand.

Python-Markdown passes raw HTML through only when it starts at the left margin; a figure
inside a collapsible solution is indented, so its SVG would be parsed as text (a stray
`<p>` around `<figure>`, emphasis out of underscores). This preprocessor stashes every
`<figure class="guide-svg">` block (as made by `snippets.render.svg.figure_svg`) as raw
HTML and leaves a placeholder at the same indentation; Markdown then puts the figure back
unchanged, as the block element it is.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_FIGURE = re.compile(
    r'^(?P<indent>[ \t]*)<figure class="guide-svg"[^>\n]*>\n.*?\n[ \t]*</figure>[ \t]*$',
    re.MULTILINE | re.DOTALL,
)


class FigurePreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)

        def stash(match: re.Match[str]) -> str:
            html = "\n".join(line.strip() for line in match.group(0).strip().splitlines())
            return match.group("indent") + self.md.htmlStash.store(html)

        return _FIGURE.sub(stash, text).split("\n")


class FiguresExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)  # converters made from `md` (markdown-exec's) get it too
        # After whitespace is normalised (30), before raw HTML blocks are read (20).
        md.preprocessors.register(FigurePreprocessor(md), "guide_figures", 25)


def makeExtension(**kwargs: object) -> FiguresExtension:
    return FiguresExtension(**kwargs)
