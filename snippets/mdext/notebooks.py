"""MkDocs plugin `chapter-notebooks`: a notebook per chapter that runs without this package.

A chapter's notebook is generated at build time from its recipe, `snippets/notebooks/part_N.py`
(a script in the percent format: cells start with `# %%`), which answers the chapter's
questions by calling the package. The recipe's `from snippets... import` lines are replaced by
the source of every definition they need, copied from the package (`bundle.py`), so the
notebook runs top to bottom with only numpy, matplotlib and sympy installed, and it cannot
drift from the code the pages run.

Cell headers of a recipe:
- `# %% [markdown]`: Markdown, each line commented out with `# `;
- `# %% [question 3 c]`: the question's heading and statement, from the one place the chapter
  and the exam sheet take them from (`render.exam_sheet`);
- `# %% answer`: code that prints the answer to a question, one `name = value` line each;
- `# %% try`: code to rerun with your own numbers (introduced by a line that says so);
- `# %% given`: code whose output the question gives (a plot to read): shown open, where
  every other output after the first question is folded on the page until the reader opens it;
- `# %%`: any other code.

The notebook is executed with nbclient, once per content: the run is kept in the build's
cache (`cache.py`, folder `notebooks/`) keyed by the notebook's text and the versions of what
it imports, so a build runs no kernel when nothing changed and a changed snippet changes the
notebook and runs it again. The fitted page and mkdocs-jupyter's own conversion are kept in
the same cache, so a warm build converts no notebook. A cell
that raises stops the build, naming the chapter and the cell. mkdocs-jupyter then shows the
executed notebook as a page, with the `.ipynb` file to download.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from snippets import exam
from snippets.mdext import cache, katex, notebook_page
from snippets.mdext.bundle import bundle, without_package_imports
from snippets.mdext.notebook_page import fit

ROOT = Path(__file__).resolve().parents[2]
RECIPES = Path(__file__).resolve().parents[1] / "notebooks"
FOLDER = "notebooks"
# What a notebook may import besides the standard library (the promise to students).
REQUIREMENTS = ("numpy", "matplotlib", "sympy")
_HEADER = re.compile(r"^# %%(?P<rest>.*)$")
_QUESTION = re.compile(r"^\[question (?P<part>\d) (?P<label>.+)\]$")

INTRO = (
    "This notebook answers the chapter's questions with the same functions the "
    "[guide's page]({page}) runs. It needs only {requirements}: the functions are copied "
    "below from the package's source, unchanged, so it runs anywhere Python does. Run it top "
    "to bottom, then change the numbers in the cells marked *Try your own numbers*."
)
CODE_HEADING = (
    "## The package's code\n\nCopied from the package, module by module, in an order that runs."
)
# Figures appear under the cell that draws them (a plain `Figure` is shown once the inline
# backend is on; the package draws without pyplot), as SVG: sharp on any screen, and light
# on the page (a line plot's SVG compresses to a fifth of its PNG). A fixed salt for the
# SVG's ids and no date in it make two runs write the same file.
SETUP = (
    "%matplotlib inline\n"
    '%config InlineBackend.figure_formats = ["svg"]\n'
    '%config InlineBackend.print_figure_kwargs = {"bbox_inches": "tight", "metadata": {"Date": None}}\n'
    "import matplotlib\n\n"
    'matplotlib.rcParams["svg.hashsalt"] = "i2dl"'
)
TRY = "**Try your own numbers:** change the values below and run the cell again."


class NotebookError(ValueError):
    """A recipe that cannot become a notebook, or a notebook that fails to run."""


@dataclass(frozen=True)
class Cell:
    """One cell of a recipe: its kind (markdown, question, answer, try, code) and text."""

    kind: str
    source: str
    part: int = 0
    label: str = ""


def recipe_path(part: int) -> Path:
    return RECIPES / f"part_{part}.py"


def notebook_path(page: str) -> str:
    """Where the notebook of docs/`page` lives, relative to the docs (and the site) root."""
    return f"{FOLDER}/{page.removesuffix('.md')}.ipynb"


def parse(recipe: str) -> list[Cell]:
    """The cells of a percent-format recipe; ValueError naming a header it does not know."""
    cells: list[Cell] = []
    header: str | None = None
    lines: list[str] = []

    def close() -> None:
        if header is not None:
            cells.append(_cell(header, "\n".join(lines).strip("\n")))

    for line in recipe.splitlines():
        found = _HEADER.match(line)
        if found:
            close()
            header, lines = found.group("rest").strip(), []
        elif header is not None:
            lines.append(line)
    close()
    return cells


def _cell(header: str, text: str) -> Cell:
    if header == "[markdown]":
        return Cell("markdown", "\n".join(re.sub(r"^# ?", "", line) for line in text.splitlines()))
    question = _QUESTION.match(header)
    if question:
        return Cell("question", "", int(question.group("part")), question.group("label"))
    if header in {"", "answer", "try", "given"}:
        return Cell(header or "code", text)
    raise NotebookError(
        f"recipe header must be [markdown], [question P L], answer or try: {header!r}"
    )


def _markdown(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source)


def _code(source: str, *tags: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def chapter_notebook(part: int, recipe: str | None = None) -> nbformat.NotebookNode:
    """The (not yet executed) notebook of chapter `part`, from its recipe."""
    from snippets.render import exam_sheet  # the statements, as the chapter shows them

    chapter = exam.part(part)
    recipe = recipe if recipe is not None else recipe_path(part).read_text()
    cells = parse(recipe)
    codes = [cell.source for cell in cells if cell.kind in {"code", "answer", "try", "given"}]
    page = f"../{chapter.page.removesuffix('.md')}.html"
    notebook_cells = [
        _markdown(
            f"# Part {chapter.roman} · {chapter.title}\n\n"
            + INTRO.format(page=page, requirements=", ".join(REQUIREMENTS))
        ),
        _code(SETUP, "setup"),
        _markdown(CODE_HEADING),
    ]
    for module, source in bundle(codes):
        label = f"# From {module.replace('.', '/')}.py\n" if module else ""
        notebook_cells.append(_code(label + source, "package"))
    for cell in cells:
        if cell.kind == "markdown":
            notebook_cells.append(_markdown(cell.source))
        elif cell.kind == "question":
            heading = exam_sheet.heading(cell.part, cell.label).replace("### ", "## ", 1)
            statement = exam_sheet.statement(cell.part, cell.label)
            question = _markdown(f"{heading}\n\n{statement}")
            question.metadata["tags"] = ["question"]
            notebook_cells.append(question)
        else:
            if cell.kind == "try":
                notebook_cells.append(_markdown(TRY))
            tags = () if cell.kind == "code" else (cell.kind,)
            notebook_cells.append(_code(without_package_imports(cell.source), *tags))
    notebook = nbformat.v4.new_notebook(cells=notebook_cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # from the position, so two builds write the same file
    return notebook


def content_key(notebook: nbformat.NotebookNode) -> str:
    """What a notebook's outputs depend on: its text and the versions of what it imports."""
    versions = {name: importlib.metadata.version(name) for name in REQUIREMENTS}
    text = nbformat.writes(notebook) + json.dumps(versions, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def execute(notebook: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Run `notebook` in a fresh kernel; NotebookError naming `name` and the failing cell."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": folder}},
        )
        try:
            client.execute()
        except CellExecutionError as error:
            failing = next(
                (
                    c.id
                    for c in notebook.cells
                    if any(o.get("output_type") == "error" for o in c.get("outputs", []))
                ),
                "?",
            )
            raise NotebookError(f"notebook {name}: cell {failing} failed:\n{error}") from None
    return settled(notebook)


def settled(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`notebook` with each cell's consecutive prints joined into one output: the kernel
    flushes them in pieces that differ from run to run, and the file must not."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    return CoalesceStreamsPreprocessor().preprocess(notebook, {})[0]


def sources_key(part: int) -> str:
    """What a notebook is generated from: its recipe and every module of the package (cheap to
    read, where generating the notebook imports the package: a build with nothing changed
    neither imports nor runs anything for the notebooks)."""
    parts = [cache.source(recipe_path(part)).sha]
    for path in sorted(RECIPES.parent.rglob("*.py")):
        parts += [path.relative_to(RECIPES.parent).as_posix(), cache.source(path).sha]
    versions = {name: importlib.metadata.version(name) for name in REQUIREMENTS}
    return cache.digest([*parts, json.dumps(versions, sort_keys=True)])


def _kept(path: Path) -> dict:
    """What the build noted in an executed notebook's metadata (read as plain JSON: nbformat
    would validate the whole notebook, a second per build for nothing)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["metadata"].get("i2dl", {})
    except (FileNotFoundError, ValueError, KeyError):
        return {}


def executed(part: int, folder: Path) -> Path:
    """The executed notebook of chapter `part` in `folder`, run only if its content changed."""
    chapter = exam.part(part)
    path = folder / notebook_path(chapter.page)
    sources = sources_key(part)
    cache.keep(path)
    kept = _kept(path)
    if kept.get("sources") == sources:
        return path
    notebook = chapter_notebook(part)
    key = content_key(notebook)
    if kept.get("content") != key:
        notebook = execute(notebook, notebook_path(chapter.page))
    else:  # a change elsewhere in the package: same notebook, same outputs
        notebook = settled(nbformat.read(path, as_version=4))
    notebook.metadata["i2dl"] = {"content": key, "sources": sources}
    nbformat.validate(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(nbformat.writes(notebook))
    temporary.replace(path)
    return path


def fitted(html: str, download: str) -> str:
    """`notebook_page.fit` of a page, kept in the cache: parsing the page costs seconds, and
    it changes only when the notebook (or the code that fits it, KaTeX's included) does."""
    fitter = [cache.source(Path(module.__file__)).sha for module in (notebook_page, katex)]
    key = cache.digest([*fitter, download, html])
    page = cache.read("notebook-pages", key, ".html")
    if page is None:
        page = fit(html, download=download)
        cache.write("notebook-pages", key, page, ".html")
    return page


def cache_folder() -> Path:
    """Where executed notebooks are kept: in the build's cache, else a temporary folder."""
    folder = cache.kind_folder("notebooks")
    return Path(tempfile.mkdtemp(prefix="i2dl-notebooks-")) if folder is None else folder


def _part_of(page) -> int | None:
    """The chapter whose notebook `page` shows, or None for any other page."""
    for part in exam.PARTS:
        if page.file.src_uri == notebook_path(part.page):
            return part.number
    return None


class ChapterNotebooks(BasePlugin):
    """Adds notebooks/<chapter>.ipynb (executed) for every chapter that has a recipe, and
    fits the pages mkdocs-jupyter makes of them to the site (`notebook_page.fit`)."""

    def on_page_content(self, html: str, page, config, files, **kwargs) -> str:
        part = _part_of(page)
        if part is None:
            return html
        # Search finds the chapter itself; the notebook would repeat it with code around it.
        page.meta["search"] = {"exclude": True}
        if config.get("repo_url"):
            recipe = recipe_path(part).relative_to(ROOT).as_posix()
            page.edit_url = f"{config['repo_url'].rstrip('/')}/edit/main/{recipe}"
        return fitted(html, Path(page.file.src_uri).name)

    folder: Path

    def on_config(self, config, **kwargs):
        """mkdocs-jupyter keeps its conversions in the build's cache, not in its own folder
        beside wherever the build was started."""
        jupyter = config.plugins.get("mkdocs-jupyter")
        folder = cache.folder()
        if jupyter is not None and folder is not None:
            jupyter.config["cache_dir"] = str(folder / "mkdocs-jupyter")
        return config

    def on_files(self, files: Files, config, **kwargs) -> Files:
        folder = self.folder = cache_folder()
        for part in exam.PARTS:
            if not recipe_path(part.number).exists():
                continue
            try:
                path = executed(part.number, folder)
            except NotebookError as error:
                raise PluginError(str(error)) from None
            files.append(
                File(
                    path.relative_to(folder).as_posix(),
                    src_dir=os.fspath(folder),
                    dest_dir=config["site_dir"],
                    use_directory_urls=config["use_directory_urls"],
                )
            )
        return files
