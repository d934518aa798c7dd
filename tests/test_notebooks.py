"""Chapter notebooks: generated from recipes, runnable without the package, shown by mkdocs-jupyter.

Witnesses: the package's own source files (what the notebook copies must be their text),
the exam's published answers (tests/notebook_answers.py), a fresh environment that has
numpy, matplotlib, sympy and ipykernel and no `snippets`, and the built pages in Chromium.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from snippets import exam
from snippets.mdext import bundle, notebooks
from snippets.mdext.cached_exec import run
from snippets.mdext.notebook_page import fit
from snippets.render import exam_sheet
from tests.conftest import ROOT, uv
from tests.notebook_answers import EXPECTED

CHAPTERS = [part.number for part in exam.PARTS]
_ANSWER = re.compile(r"^(?P<name>[^=\n]+?) = (?P<value>\S+)", re.M)


def printed_answers(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """name -> printed value of every `name = value` line printed by an `answer` cell."""
    found: dict[str, str] = {}
    for cell in notebook.cells:
        if "answer" not in cell.metadata.get("tags", []):
            continue
        printed = "".join(  # a kernel may flush one line in several pieces
            output["text"]
            for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" and output.get("name") == "stdout"
        )
        for match in _ANSWER.finditer(printed):
            found[match["name"].strip()] = match["value"].rstrip(",;")
    return found


def assert_answers(part: int, notebook: nbformat.NotebookNode) -> None:
    """Every expected answer of `part` printed, a number equal to the printed precision."""
    printed = printed_answers(notebook)
    for name, expected in EXPECTED[part].items():
        assert name in printed, f"part {part}: the notebook prints no {name!r}"
        shown = printed[name]
        if isinstance(expected, int | float) and not isinstance(expected, bool):
            digits = len(shown.split(".")[1]) if "." in shown else 0
            assert float(shown) == pytest.approx(expected, abs=0.5 * 10**-digits + 1e-12), name
        else:
            assert shown == str(expected), name


# --- recipes and generated notebooks (no kernel) -----------------------------------------


def test_every_chapter_has_a_recipe_and_expected_answers():
    for part in CHAPTERS:
        assert notebooks.recipe_path(part).exists(), part
        assert EXPECTED.get(part), f"part {part} has no expected answers"


def test_recipe_headers_become_cells():
    recipe = (
        "# %% [markdown]\n# Some *text*\n# over two lines\n\n"
        "# %% [question 3 c]\n\n"
        "# %% answer\nprint('a = 1')\n\n"
        "# %% try\nx = 2\n\n"
        "# %%\ny = 3\n"
    )
    cells = notebooks.parse(recipe)
    assert [c.kind for c in cells] == ["markdown", "question", "answer", "try", "code"]
    assert cells[0].source == "Some *text*\nover two lines"
    assert (cells[1].part, cells[1].label) == (3, "c")


def test_an_unknown_recipe_header_is_refused():
    with pytest.raises(notebooks.NotebookError, match="answers"):
        notebooks.parse("# %% answers\nprint(1)\n")


@pytest.mark.parametrize("part", CHAPTERS)
def test_question_cells_state_the_question_as_the_exam_sheet_does(part):
    notebook = notebooks.chapter_notebook(part)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for cell in notebooks.parse(notebooks.recipe_path(part).read_text()):
        if cell.kind == "question":
            assert exam_sheet.statement(cell.part, cell.label) in text


@pytest.mark.parametrize("part", CHAPTERS)
def test_notebooks_import_nothing_from_the_package(part):
    notebook = notebooks.chapter_notebook(part)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert not re.search(r"^\s*(from|import) snippets\b", code, re.M)
    imported = set(re.findall(r"^\s*(?:from|import) (\w+)", code, re.M))
    allowed = {*notebooks.REQUIREMENTS, "__future__"} | set(sys.stdlib_module_names)
    assert imported <= allowed, imported - allowed


@pytest.mark.parametrize("part", CHAPTERS)
def test_copied_definitions_are_the_package_source_unchanged(part):
    notebook = notebooks.chapter_notebook(part)
    copied = [c.source for c in notebook.cells if "package" in c.metadata.get("tags", [])]
    checked = 0
    for cell in copied[1:]:  # after the imports
        first, _, body = cell.partition("\n")
        path = ROOT / first.removeprefix("# From ")
        source = path.read_text()
        for chunk in body.split("\n\n\n"):
            if "the light palette of the site" in chunk:  # bundle.OVERRIDES, checked below
                continue
            if chunk.startswith("# What the package's code reads as"):  # a module's names
                continue
            assert chunk in source, f"{path.name}: not a verbatim copy:\n{chunk[:200]}"
            checked += 1
    assert checked


def test_a_copied_function_is_its_source_with_decorators():
    from snippets.logistic import LogisticStep, descent_step

    code = "from snippets.logistic import descent_step\ndescent_step([1.0], [1.0], 0.0, 1.0, 0.1)\n"
    text = "\n".join(source for _, source in bundle.bundle([code]))
    assert inspect.getsource(descent_step).strip() in text
    assert inspect.getsource(LogisticStep).strip() in text  # what it returns comes along


def test_the_palette_is_replaced_by_light_colours():
    code = "from snippets.render.palette import INK, SERIES\nprint(INK, SERIES)\n"
    text = "\n".join(source for _, source in bundle.bundle([code]))
    namespace: dict[str, object] = {}
    exec(text.replace("from __future__ import annotations", ""), namespace)
    assert namespace["INK"] == "#1f2328"
    assert namespace["SERIES"][0] == "#1d4ed8"


def test_two_definitions_under_one_name_are_refused():
    # Both figure modules define `number_text`; one notebook cannot hold both under one name.
    code = (
        "from snippets.render.backprop_figures import number_text\n"
        "from snippets.render.conv_figures import number_text as cell_text\n"
        "number_text(1.0), cell_text(1.0)\n"
    )
    if not hasattr(__import__("snippets.render.conv_figures").render.conv_figures, "number_text"):
        pytest.skip("conv_figures has no number_text any more")
    with pytest.raises(bundle.BundleError, match="number_text"):
        bundle.bundle([code])


def test_the_content_key_changes_with_the_notebook():
    notebook = notebooks.chapter_notebook(3)
    changed = notebooks.chapter_notebook(3)
    changed.cells[0].source += " "
    assert notebooks.content_key(notebook) != notebooks.content_key(changed)
    assert notebooks.content_key(notebook) == notebooks.content_key(notebooks.chapter_notebook(3))


def test_a_changed_snippet_changes_its_notebook(monkeypatch):
    before = notebooks.content_key(notebooks.chapter_notebook(3))
    original = bundle.definition

    def edited(module: str, name: str) -> bundle.Definition:
        found = original(module, name)
        if (module, name) == ("snippets.logistic", "sigmoid"):
            return dataclasses.replace(found, source=found.source + "  # edited")
        return found

    monkeypatch.setattr(bundle, "definition", edited)
    assert notebooks.content_key(notebooks.chapter_notebook(3)) != before


def _kept(folder: Path, part: int, **keys: str) -> Path:
    """A notebook in the cache as a build left it, with `keys` in its metadata."""
    notebook = notebooks.chapter_notebook(part)
    notebook.metadata["i2dl"] = keys
    path = folder / notebooks.notebook_path(exam.part(part).page)
    path.parent.mkdir(parents=True)
    path.write_text(nbformat.writes(notebook))
    return path


def _never(*args, **kwargs):
    raise AssertionError("called")


def test_a_build_with_nothing_changed_neither_generates_nor_runs(tmp_path, monkeypatch):
    _kept(tmp_path, 3, sources=notebooks.sources_key(3), content="")
    monkeypatch.setattr(notebooks, "chapter_notebook", _never)
    monkeypatch.setattr(notebooks, "execute", _never)
    assert notebooks.executed(3, tmp_path).exists()


def test_a_change_elsewhere_in_the_package_runs_no_kernel(tmp_path, monkeypatch):
    content = notebooks.content_key(notebooks.chapter_notebook(3))
    path = _kept(tmp_path, 3, sources="an older package", content=content)
    monkeypatch.setattr(notebooks, "execute", _never)
    notebooks.executed(3, tmp_path)
    kept = nbformat.read(path, as_version=4).metadata["i2dl"]
    assert kept == {"content": content, "sources": notebooks.sources_key(3)}


def test_a_changed_notebook_runs_again(tmp_path, monkeypatch):
    _kept(tmp_path, 3, sources="an older package", content="an older notebook")
    runs = []
    monkeypatch.setattr(notebooks, "execute", lambda nb, name: runs.append(name) or nb)
    notebooks.executed(3, tmp_path)
    assert runs == [notebooks.notebook_path(exam.part(3).page)]


def test_the_page_keeps_cells_and_drops_jupyterlab_machinery():
    content = (
        "<style>.jp-Cell{}</style><script>MathJax</script>"
        '<div class="jupyter-wrapper"><div class="jp-Cell jp-MarkdownCell">'
        '<div class="jp-RenderedMarkdown"><h1>Title</h1><p>With $x^2$ and</p>'
        "<p>$$\\frac{1}{2}$$</p></div></div>"
        '<div class="jp-Cell jp-CodeCell celltag_package"><div class="jp-Cell celltag_package">'
        '<div class="highlight-ipynb"><pre># From snippets/logistic.py\ndef f():\n    pass</pre></div>'
        "</div></div>"
        '<div class="jp-Cell jp-CodeCell"><div class="jp-InputPrompt">In [1]:</div>'
        '<div class="highlight-ipynb"><pre>x = 1</pre></div></div></div>'
    )
    page = fit(content, download="part-3.ipynb")
    assert "<style" not in page
    assert "<script" not in page
    assert "In [1]" not in page
    assert "$" not in page
    assert page.count('class="katex"') == 2
    assert '<details class="guide-package-code">' in page
    assert "snippets/logistic.py" in page
    assert 'class="highlight"' in page
    assert page.index("<h1>") < page.index('href="part-3.ipynb"') < page.index("x = 1")


def _code_cell(tag: str, printed: str) -> str:
    return (
        f'<div class="jp-Cell jp-CodeCell celltag_{tag}"><div class="jp-Cell-inputWrapper">'
        f'<div class="highlight-ipynb"><pre>print()</pre></div></div>'
        f'<div class="jp-Cell-outputWrapper"><pre>{printed}</pre></div></div>'
    )


def test_outputs_after_the_first_question_are_folded_unless_given():
    content = (
        '<div class="jp-RenderedMarkdown"><h1>Part</h1></div>'
        + _code_cell("setting", "the network's numbers")
        + '<div class="jp-RenderedMarkdown celltag_question"><h2>(a)</h2></div>'
        + _code_cell("given", "a plot to read")
        + _code_cell("answer", "o1 = 0.75")
        + _code_cell("try", "your own")
    )
    soup = BeautifulSoup(fit(content, download="n.ipynb"), "html.parser")
    folded = {d.pre.get_text(): d.summary.get_text() for d in soup.select("details.guide-output")}
    assert folded == {"o1 = 0.75": "Answer: what this cell prints", "your own": "Output"}
    assert not soup.select("details[open]")


@pytest.mark.build
def test_every_answer_on_a_notebook_page_is_closed(site):
    for name in notebook_pages():
        soup = BeautifulSoup((site / name).read_text(), "html.parser")
        answers = soup.select("div.jp-CodeCell.celltag_answer")
        assert answers, name
        for cell in answers:
            if cell.find_parent("div", class_="celltag_answer"):
                continue  # the inner copy of the same cell
            output = cell.select_one(".jp-Cell-outputWrapper")
            if output is None:
                continue
            fold = output.find_parent("details")
            assert fold is not None, f"{name}: an answer is shown before the reader asks"
            assert not fold.has_attr("open"), name


# --- executed notebooks ---------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize("part", CHAPTERS)
def test_the_built_notebook_prints_the_published_answers(site, part):
    chapter = exam.part(part)
    path = site / notebooks.notebook_path(chapter.page)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert_answers(part, notebook)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


def without_this_tree() -> dict[str, str]:
    """The environment of a process that must see only its own packages, never this tree."""
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}


@pytest.fixture(scope="module")
def bare_kernel(tmp_path_factory) -> Iterator[str]:
    """A kernel in a fresh environment with numpy, matplotlib, sympy and ipykernel only."""
    base = tmp_path_factory.mktemp("bare")
    venv = base / "venv"
    python = venv / "bin" / "python"
    packages = [*notebooks.REQUIREMENTS, "ipykernel"]
    if tool := uv():
        subprocess.run([tool, "venv", "--quiet", "--python", sys.executable, venv], check=True)
        subprocess.run(
            [tool, "pip", "install", "--quiet", "--python", python, *packages], check=True
        )
    else:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", *packages], check=True)
    absent = subprocess.run(
        [python, "-c", "import snippets"],
        cwd=base,
        env=without_this_tree(),
        capture_output=True,
        check=False,
    )
    assert absent.returncode != 0, "the bare environment must not see the package"
    kernels = base / "share" / "jupyter" / "kernels" / "bare"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "bare",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(base / "share" / "jupyter"))
        yield "bare"


@pytest.mark.slow
@pytest.mark.parametrize("part", CHAPTERS)
def test_the_notebook_runs_without_the_package(bare_kernel, tmp_path, part):
    from nbclient import NotebookClient

    notebook = notebooks.chapter_notebook(part)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name=bare_kernel,
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute(env=without_this_tree())
    assert_answers(part, notebook)


# --- the pages -----------------------------------------------------------------------------


def notebook_pages() -> list[str]:
    return [notebooks.notebook_path(p.page).replace(".ipynb", ".html") for p in exam.PARTS]


@pytest.mark.build
def test_each_chapter_links_its_notebook_page_and_the_page_its_download(site):
    for part in exam.PARTS:
        chapter = (site / part.page.replace(".md", ".html")).read_text()
        target = notebooks.notebook_path(part.page)
        assert f'href="{target.replace(".ipynb", ".html")}"' in chapter, part.page
        page = (site / target.replace(".ipynb", ".html")).read_text()
        name = Path(target).name
        links = BeautifulSoup(page, "html.parser").select(f'a[download][href="{name}"]')
        assert links, name
        nbformat.validate(nbformat.read(site / target, as_version=4))


@pytest.mark.build
def test_notebook_pages_carry_no_jupyterlab_stylesheet_or_cdn(site):
    for name in notebook_pages():
        page = (site / name).read_text()
        article = page[page.index("<article") : page.index("</article>")]
        for absent in ("<style", "<script"):
            assert absent not in article, (name, absent)
        for absent in ("cdn", "mathjax"):
            assert absent not in page.lower(), (name, absent)


@pytest.mark.build
def test_notebook_pages_are_no_heavier_than_the_heaviest_chapter(site):
    heaviest = max((site / p.page.replace(".md", ".html")).stat().st_size for p in exam.PARTS)
    for name in notebook_pages():
        assert (site / name).stat().st_size <= heaviest, name


NO_RAW_TEX = """() => [...document.querySelectorAll('.jp-RenderedMarkdown')]
  .map((e) => e.innerText).filter((t) => /\\$|\\\\(frac|sigma|partial)/.test(t))"""
COLOURS = """() => {
  const text = getComputedStyle(document.querySelector('.jupyter-wrapper .jp-OutputArea-output pre'));
  const figure = document.querySelector('.jupyter-wrapper .jp-RenderedSVG img');
  return {
    text: text.color, back: getComputedStyle(document.body).backgroundColor,
    figure: figure ? getComputedStyle(figure).backgroundColor : null,
  };
}"""


def _luminance(css: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_notebook_pages_load_offline_with_math_rendered(page, requests, site_url, scheme):
    page.emulate_media(color_scheme=scheme)
    for name in notebook_pages():
        page.goto(f"{site_url}/{name}")
        assert page.locator(".jp-Cell").count() > 3, name
        assert page.evaluate(NO_RAW_TEX) == [], name
        colours = page.evaluate(COLOURS)
        text, back = _luminance(colours["text"]), _luminance(colours["back"])
        assert abs(text - back) > 0.4, f"{name} ({scheme}): printed output hard to read"
        assert (back > 0.5) == (scheme == "light"), f"{name}: the palette does not follow"
        if colours["figure"] is not None:
            assert colours["figure"] == "rgb(255, 255, 255)", name


STROKES = """() => [...document.querySelectorAll('svg [style*="stroke:"]')]
  .map((e) => getComputedStyle(e).stroke)"""


@pytest.mark.browser
def test_notebook_figures_draw_their_lines_without_the_site_stylesheet(page):
    # Copied out of the site, a figure's CSS variables are undefined: each has a fallback colour, so a
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


# --- the repository link and "Edit this page" ------------------------------------------------


@pytest.mark.build
def test_pages_link_the_repository_and_their_source_without_asking_github(site):
    config = (ROOT / "mkdocs.yml").read_text()
    repo = re.search(r"^repo_url: (\S+)", config, re.M).group(1)
    for part in exam.PARTS:
        chapter = (site / part.page.replace(".md", ".html")).read_text()
        assert f'href="{repo}/edit/main/docs/{part.page}"' in chapter, part.page
        notebook = (site / notebook_pages()[part.number - 1]).read_text()
        assert f'href="{repo}/edit/main/snippets/notebooks/part_{part.number}.py"' in notebook
        for page in (chapter, notebook):
            assert f'href="{repo}"' in page  # the header's link to the repository
            # The theme fetches stars and forks from GitHub's API for this component.
            assert 'data-md-component="source"' not in page
