"""The execution cache: keyed by the block and every snippets module it imports, so changing
a snippet re-runs exactly the blocks that use it and a page is never stale; a block's HTML is
kept too, headings for the table of contents included, and a block reads no other file."""

from __future__ import annotations

import re
import shutil

import markdown
import pytest

from snippets.mdext import cache, cached_exec
from snippets.mdext.cached_exec import BlockError, cache_key, dependencies, run

LOGISTIC_BLOCK = "from snippets.render.logistic import step_statement\nprint(1)\n"
REPOSITORY = cached_exec.ROOT  # the `project` fixture moves cached_exec.ROOT to a copy
CONV_BLOCK = "from snippets.conv import output_size\nprint(output_size(5, 3))\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the package and tests, so a test can edit a snippet safely."""
    shutil.copytree(cached_exec.ROOT / "snippets", tmp_path / "snippets")
    shutil.copytree(cached_exec.ROOT / "tests", tmp_path / "tests")
    monkeypatch.setattr(cached_exec, "ROOT", tmp_path)
    return tmp_path


@pytest.fixture
def executions(tmp_path, monkeypatch):
    """An empty cache, and the ids of the blocks that ran (rather than came from it)."""
    monkeypatch.setenv("I2DL_CACHE", str(tmp_path / "cache"))
    calls = []
    real = cached_exec.execute
    monkeypatch.setattr(cached_exec, "execute", lambda code, block, *args: calls.append(block) or real(code, block, *args))  # fmt: skip
    return calls


def test_dependencies_follow_imports_transitively():
    found = dependencies(LOGISTIC_BLOCK)
    assert {"snippets.render.logistic", "snippets.logistic", "snippets.derivations"} <= set(found)
    assert {"snippets.exam", "snippets.render.svg", "snippets"} <= set(found)
    assert "snippets.conv" not in found


def test_from_package_import_module_is_a_dependency():
    assert "snippets.exam" in dependencies("from snippets import exam\n")


def test_changing_a_snippet_changes_only_the_keys_of_blocks_using_it(project):
    before = cache_key(LOGISTIC_BLOCK, {}), cache_key(CONV_BLOCK, {})
    module = project / "snippets" / "logistic.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    after = cache_key(LOGISTIC_BLOCK, {}), cache_key(CONV_BLOCK, {})
    assert after[0] != before[0]  # re-runs: it imports snippets.logistic
    assert after[1] == before[1]  # answered from the cache: it does not


def test_changing_the_block_changes_the_key(project):
    assert cache_key(CONV_BLOCK, {}) != cache_key(CONV_BLOCK.replace("5", "7"), {})


def test_a_new_test_re_keys_no_block(project):
    """Blocks only name the functions behind a result; the build links them to their tests,
    so adding a test re-runs no block (not even one that shows "How we know")."""
    shows_evidence = (
        "from snippets.logistic import sigmoid\n"
        "from snippets.render.markdown import how_we_know\nprint(how_we_know(sigmoid))\n"
    )
    before = cache_key(shows_evidence, {}), cache_key(CONV_BLOCK, {})
    test = project / "tests" / "test_logistic.py"
    test.write_text(test.read_text() + "\n\ndef test_new():\n    sigmoid(0)\n")
    assert (cache_key(shows_evidence, {}), cache_key(CONV_BLOCK, {})) == before


def test_second_run_is_answered_from_the_cache(executions):
    first = run(CONV_BLOCK, id="conv")
    second = run(CONV_BLOCK, id="conv")
    assert first == second == "3\n"
    assert executions == ["conv"]


def test_cache_can_be_turned_off(executions, monkeypatch):
    monkeypatch.setenv("I2DL_CACHE", "off")
    run(CONV_BLOCK, id="a")
    run(CONV_BLOCK, id="a")
    assert executions == ["a", "a"]


def test_a_raising_block_names_itself_and_the_error(monkeypatch):
    monkeypatch.setenv("I2DL_EXEC_CACHE", "off")
    code = "from snippets.conv import output_size\noutput_size(5, 3, 0)\n"
    with pytest.raises(BlockError, match=r"block 'bad' raised ValueError: stride must"):
        run(code, id="bad")


def test_a_block_without_id_is_refused(monkeypatch):
    monkeypatch.setenv("I2DL_EXEC_CACHE", "off")
    with pytest.raises(BlockError, match="needs an id"):
        run("print(1)")


def test_a_module_changed_since_import_is_imported_afresh(monkeypatch):
    # `mkdocs serve` keeps one process: a block must not run old code under a new key.
    import sys

    import snippets.conv

    for name in [m for m in sys.modules if m.startswith("snippets")]:
        monkeypatch.setitem(sys.modules, name, sys.modules[name])  # restored after the test
    current = cached_exec.sources(CONV_BLOCK)
    shas = {name: source.sha for name, source in current.items()}
    monkeypatch.setattr(cached_exec, "_imported", {**shas, "snippets.conv": "an older hash"})
    cached_exec._forget_changed(current)
    assert "snippets.conv" not in sys.modules
    assert "snippets.mdext.cached_exec" in sys.modules  # the runner itself stays
    import snippets.conv  # noqa: F811 (imported afresh)

    assert snippets.conv.output_size(5, 3) == 3


def test_unchanged_modules_stay_imported(monkeypatch):
    import sys

    import snippets.conv  # noqa: F401

    current = cached_exec.sources(CONV_BLOCK)
    monkeypatch.setattr(cached_exec, "_imported", {n: s.sha for n, s in current.items()})
    cached_exec._forget_changed(current)
    assert "snippets.conv" in sys.modules


# --- What a block may read --------------------------------------------------------------------


def test_a_block_that_reads_a_page_fails_naming_the_file(executions):
    """The exam sheet once scraped the chapters' wording from their pages: its key did not
    cover them, so a chapter edit left the sheet stale in the cache. A block that opens a file
    of the repository its key does not cover now stops the build."""
    code = "from pathlib import Path\nprint(len(Path('docs/part-3-logistic-regression.md').read_text()))\n"
    with pytest.raises(
        BlockError, match=r"block 'scrape' read docs/part-3-logistic-regression\.md"
    ):
        run(code.replace("Path('", f"Path('{cached_exec.ROOT}/"), id="scrape")


def test_importing_a_module_outside_the_key_is_a_read_it_misses(executions, monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "snippets.newton", raising=False)
    code = "import importlib\nimportlib.import_module('snippets.newton')\n"  # unseen by the key
    with pytest.raises(BlockError, match=r"read snippets/newton\.py"):
        run(code, id="dynamic")


def exam_sheet_block() -> str:
    page = (REPOSITORY / "docs" / "exam-sheet.md").read_text(encoding="utf-8")
    found = re.search(r'```python exec="on" id="exam-sheet"\n(.*?)```', page, re.S)
    assert found, "docs/exam-sheet.md has no block with id exam-sheet"
    return found.group(1)


def test_the_exam_sheet_reads_only_what_its_key_covers(executions):
    """Run the sheet's block as a build runs it: any file it read that its key misses (a
    chapter's page, say) would stop it here."""
    assert "Part III" in run(exam_sheet_block(), id="exam-sheet")
    assert executions == ["exam-sheet"]


def test_a_chapter_wording_edit_re_keys_the_exam_sheet(project):
    """The wording the sheet shows lives in snippets/exam.py, which its key covers."""
    code = exam_sheet_block()
    before = cache_key(code, {})
    module = project / "snippets" / "exam.py"
    module.write_text(module.read_text().replace("sigmoid", "logistic sigmoid", 1))
    assert cache_key(code, {}) != before


# --- The HTML of a block ----------------------------------------------------------------------

HEADED_BLOCK = (
    '```python exec="on" id="headed"\n'
    'print("## The step $w_1$ takes\\n\\nIt is $\\\\frac{1}{2}$.\\n\\n### A detail\\n\\nDone.")\n'
    "```"
)
PAGE = f"# Page\n\nSome prose with $x^2$.\n\n{HEADED_BLOCK}\n\n## After\n"


def convert(text: str) -> tuple[str, list]:
    """The page's HTML and table of contents, converted as the site converts pages."""
    md = markdown.Markdown(
        extensions=["toc", "attr_list", "md_in_html", "pymdownx.arithmatex", "pymdownx.superfences",
                    "snippets.mdext.katex"],
        extension_configs={
            "toc": {"permalink": True},
            "pymdownx.arithmatex": {"generic": True},
            "pymdownx.superfences": {"custom_fences": [{
                "name": "python", "class": "python", "validator": cached_exec.validator,
                "format": cached_exec.formatter}]},
        },
    )  # fmt: skip
    return md.convert(text), md.toc_tokens


def test_a_cached_block_gives_the_same_html_and_table_of_contents(executions, monkeypatch):
    cold = convert(PAGE)
    assert executions == ["headed"]
    conversions = []
    monkeypatch.setattr(cached_exec, "base_format", lambda **kw: conversions.append(kw))
    warm = convert(PAGE)
    assert executions == ["headed"]
    assert conversions == []
    assert warm == cold
    html, toc = warm
    assert 'class="katex"' in html
    assert "headerlink" in html
    names = [t["id"] for t in toc[0]["children"]]
    assert names == ["headed-the-step-w1w1-takes", "after"], toc


def test_changing_the_renderer_re_converts_the_block(executions, monkeypatch):
    convert(PAGE)
    monkeypatch.setattr(cached_exec, "_versions", lambda libraries: ("markdown==0",))
    monkeypatch.setattr(cached_exec, "_renderers", cached_exec.weakref.WeakKeyDictionary())
    conversions = []
    real = cached_exec.base_format
    monkeypatch.setattr(cached_exec, "base_format", lambda **kw: conversions.append(1) or real(**kw))  # fmt: skip
    convert(PAGE)
    assert conversions == [1]


def test_a_warm_build_keeps_the_printed_output_from_pruning(executions):
    cache.on_pre_build(config=None)
    convert(PAGE)
    cache.on_pre_build(config=None)  # the next build: answered from the HTML entry
    convert(PAGE)
    deleted = cache.prune(started=float("inf"))
    assert deleted == []
    assert len(list(cache.folder().rglob("*.md"))) == 1
