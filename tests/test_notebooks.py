"""Companion notebooks: one per chapter, the page's blocks with the page's outputs."""

from __future__ import annotations

import re

import nbformat
import pytest

from snippets import exam
from snippets.mdext.cached_exec import BlockError, run
from snippets.mdext.notebooks import chapter_notebook, notebook_path
from tests.conftest import ROOT

PART_3 = ROOT / "docs" / exam.part(3).page
BLOCK = re.compile(r'^```python[^\n]*exec="on"[^\n]*\n(.*?)^```', re.MULTILINE | re.DOTALL)


def test_notebook_cells_are_the_page_blocks_with_their_outputs():
    markdown = PART_3.read_text()
    notebook = chapter_notebook("Part III", markdown)
    nbformat.validate(notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"][1:]  # after setup
    blocks = BLOCK.findall(markdown)
    assert [cell.source for cell in code_cells] == [code.rstrip("\n") for code in blocks]
    for cell, code in zip(code_cells, blocks, strict=True):
        shown = cell.outputs[0]["data"]["text/markdown"] if cell.outputs else ""
        assert shown == run(code, id=cell.metadata["block_id"])


def test_a_raising_block_fails_the_notebook():
    markdown = '# Broken\n\n```python exec="on" id="nb-bad"\nraise ValueError("padding must be at least 0")\n```\n'
    with pytest.raises(BlockError, match="nb-bad"):
        chapter_notebook("Broken", markdown)


@pytest.mark.build
def test_every_chapter_with_code_links_its_notebook(site):
    for part in exam.PARTS:
        page = (site / part.page.replace(".md", ".html")).read_text()
        if "exec" not in (ROOT / "docs" / part.page).read_text():
            continue
        target = notebook_path(part.page)
        assert f'href="{target}"' in page, part.page
        nbformat.validate(nbformat.reads((site / target).read_text(), as_version=4))


STROKES = """() => [...document.querySelectorAll('svg [style*="stroke:"]')]
  .map((e) => getComputedStyle(e).stroke)"""


@pytest.mark.browser
def test_notebook_figures_draw_their_lines_without_the_site_stylesheet(page):
    # In a notebook the site's CSS variables are undefined: each has a fallback colour, so a
    # line keeps its stroke instead of falling back to none.
    output = run(
        "from snippets import exam\n"
        "from snippets.render.backprop import network_graph\n"
        "print(network_graph(exam.BACKPROP))\n",
        id="notebook-figure-test",
    )
    page.set_content(f"<!doctype html><html><body>{output}</body></html>")
    strokes = page.evaluate(STROKES)
    assert strokes, "the figure has no stroked element: the test is not testing"
    assert "none" not in strokes, f"{strokes.count('none')} of {len(strokes)} lines vanish"
