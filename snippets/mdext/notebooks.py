"""MkDocs plugin `chapter-notebooks`: a companion Jupyter notebook for every chapter, served as a download.

For each page matching CHAPTERS, the notebook holds the page's executed blocks as code cells
with their outputs. Outputs come from the same cached runner as the page
(`cached_exec.run`), so a notebook is executed at build time, a failing block fails the
build, and it can never be staler than the page. The notebook is a plain `.ipynb` file
(nbformat), not a rendered page, so no chapter page gets heavier.

Run in Jupyter, the first cell makes `print` show Markdown, so the cells read as on the page.
"""

from __future__ import annotations

import fnmatch
import re

import nbformat
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from snippets.mdext.cached_exec import BlockError, run

CHAPTERS = "part-*.md"
FOLDER = "notebooks"
_BLOCK = re.compile(r'^```python([^\n]*exec="on"[^\n]*)\n(.*?)^```', re.MULTILINE | re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
SETUP = (
    "# Show printed Markdown as it appears on the site.\n"
    "from IPython.display import Markdown, display\n\n\n"
    "def print(*parts):\n"
    '    display(Markdown(" ".join(str(part) for part in parts)))\n'
)


def notebook_path(page: str) -> str:
    """Where the notebook of docs/`page` is served, relative to the site root."""
    return f"{FOLDER}/{page.removesuffix('.md')}.ipynb"


def chapter_notebook(title: str, markdown: str) -> nbformat.NotebookNode:
    """The notebook of one chapter: a title, a setup cell, then each block with its output."""
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\nThe code behind this chapter of *I2DL, derived*. Each cell is a block "
            "of the page; its output is what the page shows. Run it with the `snippets` package "
            "installed (`pip install -e .` in a clone of the repository)."
        ),
        nbformat.v4.new_code_cell(SETUP),
    ]
    for options, code in _BLOCK.findall(markdown):
        block = _ID.search(options)
        output = run(code, id=block.group(1) if block else None)
        cell = nbformat.v4.new_code_cell(code.rstrip("\n"))
        cell.metadata["block_id"] = block.group(1) if block else ""
        if output:
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": output})]
        cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    # Ids derived from position, so two builds write identical files.
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"
    return notebook


class ChapterNotebooks(BasePlugin):
    """Adds notebooks/<chapter>.ipynb for every chapter page with executed blocks."""

    def on_files(self, files: Files, config, **kwargs) -> Files:
        return add_notebooks(files, config)


def add_notebooks(files: Files, config) -> Files:
    for page in [f for f in files.documentation_pages() if fnmatch.fnmatch(f.src_uri, CHAPTERS)]:
        markdown = page.content_string
        if not _BLOCK.search(markdown):
            continue
        title = markdown.splitlines()[0].lstrip("# ").strip()
        try:
            notebook = chapter_notebook(title, markdown)
        except BlockError as error:
            raise BlockError(f"page {page.src_uri}: {error}") from None
        nbformat.validate(notebook)
        content = nbformat.writes(notebook)
        files.append(File.generated(config, notebook_path(page.src_uri), content=content))
    return files
