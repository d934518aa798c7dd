"""The page mkdocs-jupyter makes of a chapter notebook, made to fit the site.

mkdocs-jupyter writes JupyterLab's whole stylesheet into every notebook page (about 570 KB),
a MathJax configuration that loads MathJax from a CDN, a Mermaid loader from another CDN,
and a toolbar, a copy button and a second copy of the source for every cell. `fit` keeps the
cells and their outputs and drops the rest:
- no `<style>` or `<script>`: the site's own `stylesheets/notebook.css` styles the cells with
  the theme's colours, so they follow the light and dark palettes;
- math in Markdown cells rendered at build time with KaTeX, as on every other page;
- code highlighted with the theme's classes (`highlight`), prompts and tag toolbars removed;
- the package's code copied into the notebook (cells tagged `package`) folded, one fold per
  module, as plain text: it is there to run, and highlighting it would triple the page;
- a link to download the `.ipynb` file (mkdocs-jupyter copies it beside the page);
- nothing given away before an attempt: from the first question on, what a cell prints or
  draws is folded (closed) under a line that says what opening it shows, unless the recipe
  marks the cell `given` (a figure or numbers the question itself gives).
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup

from snippets.mdext.katex import render

_STYLE_OR_SCRIPT = re.compile(r"<(style|script)\b[^>]*>.*?</\1>", re.S | re.I)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<!\\)\$")
# Parts of mkdocs-jupyter's markup that carry nothing a reader sees.
_DROP = (
    "style",
    "script",
    ".celltoolbar",
    ".zeroclipboard-container",
    ".clipboard-copy-txt",
    ".jp-InputPrompt",
    ".jp-OutputPrompt",
    ".jp-Collapser",
    ".anchor-link",
)


def _math(fragment: str) -> str:
    """TeX between dollar signs rendered by KaTeX (display first, then inline)."""
    fragment = _DISPLAY.sub(lambda m: render(html.unescape(m.group(1)), display=True), fragment)
    return _INLINE.sub(lambda m: render(html.unescape(m.group(1)), display=False), fragment)


def _folded(soup: BeautifulSoup, cell) -> object:
    """A package cell as a closed fold named after its module, holding its code as text."""
    code = cell.select_one("pre").get_text().strip("\n")
    first, _, rest = code.partition("\n")
    source = first.removeprefix("# From ").strip() if first.startswith("# From ") else ""
    title = f"Copied from {source}" if source else "Imports"
    fold = soup.new_tag("details", attrs={"class": "guide-package-code"})
    summary = soup.new_tag("summary")
    summary.string = f"{title} ({len(code.splitlines())} lines)"
    block = soup.new_tag("pre")
    inner = soup.new_tag("code")
    inner.string = rest if source else code
    block.append(inner)
    fold.extend([summary, block])
    return fold


_SHOWN = {"celltag_given", "celltag_package", "celltag_setup"}


def _fold_outputs(soup: BeautifulSoup) -> None:
    """Close every output that follows the first question, except the cells marked given."""
    asked = False
    for element in soup.select(".celltag_question, .jp-Cell-outputWrapper"):
        if "celltag_question" in element.get("class", []):
            asked = True
            continue
        cell = element.find_parent("div", class_="jp-CodeCell")
        tags = set(cell.get("class", [])) if cell else set()
        if not asked or tags & _SHOWN:
            continue
        fold = soup.new_tag("details", attrs={"class": "guide-output"})
        summary = soup.new_tag("summary")
        summary.string = "Answer: what this cell prints" if "celltag_answer" in tags else "Output"
        element.wrap(fold)
        fold.insert(0, summary)


def fit(content: str, download: str) -> str:
    """The notebook page's content trimmed to its cells, with math and a download link."""
    # Most of the page's bytes are styles and scripts: cut them before parsing the rest.
    content = _STYLE_OR_SCRIPT.sub("", content)
    soup = BeautifulSoup(content, "html.parser")
    for selector in _DROP:
        for element in soup.select(selector):
            element.decompose()
    for comment in soup.find_all(string=lambda s: s.__class__.__name__ == "Comment"):
        comment.extract()
    for cell in soup.select("div.jp-Cell.celltag_package"):
        if cell.find_parent("div", class_="celltag_package") is None:
            cell.replace_with(_folded(soup, cell))
    _fold_outputs(soup)
    for block in soup.select(".highlight-ipynb"):
        block["class"] = ["highlight"]
    for cell in soup.select(".jp-RenderedMarkdown"):
        rendered = BeautifulSoup(_math(cell.decode_contents()), "html.parser")
        cell.clear()
        cell.append(rendered)
    for image in soup.select(".jp-OutputArea-output img"):
        image["alt"] = "The figure drawn by the cell above"
    for cell in soup.select("[tabindex]"):
        del cell["tabindex"]
    link = BeautifulSoup(
        f'<p class="guide-notebook-download"><a class="md-button" href="{html.escape(download)}" '
        f"download>Download this notebook ({html.escape(download)})</a></p>",
        "html.parser",
    )
    heading = soup.find("h1")
    if heading is None:
        raise ValueError(f"content of the notebook {download} has no title (h1)")
    heading.insert_after(link)
    return str(soup).strip()
