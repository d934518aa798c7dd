"""The execution cache: keyed by the block and every snippets module it imports, so changing
a snippet re-runs exactly the blocks that use it and a page is never stale."""

from __future__ import annotations

import shutil

import pytest

from snippets.mdext import cached_exec
from snippets.mdext.cached_exec import BlockError, cache_key, dependencies, run

LOGISTIC_BLOCK = "from snippets.render.logistic import step_statement\nprint(1)\n"
CONV_BLOCK = "from snippets.conv import output_size\nprint(output_size(5, 3))\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the package and tests, so a test can edit a snippet safely."""
    shutil.copytree(cached_exec.ROOT / "snippets", tmp_path / "snippets")
    shutil.copytree(cached_exec.ROOT / "tests", tmp_path / "tests")
    monkeypatch.setattr(cached_exec, "ROOT", tmp_path)
    return tmp_path


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


def test_second_run_is_answered_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2DL_EXEC_CACHE", str(tmp_path / "cache"))
    calls = []
    real = cached_exec.execute
    monkeypatch.setattr(
        cached_exec, "execute", lambda code, block: calls.append(block) or real(code, block)
    )
    first = run(CONV_BLOCK, id="conv")
    second = run(CONV_BLOCK, id="conv")
    assert first == second == "3\n"
    assert calls == ["conv"]


def test_cache_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("I2DL_EXEC_CACHE", "off")
    calls = []
    real = cached_exec.execute
    monkeypatch.setattr(
        cached_exec, "execute", lambda code, block: calls.append(block) or real(code, block)
    )
    run(CONV_BLOCK, id="a")
    run(CONV_BLOCK, id="a")
    assert calls == ["a", "a"]


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
    monkeypatch.setattr(cached_exec, "_imported", {**current, "snippets.conv": "# older source"})
    cached_exec._forget_changed(current)
    assert "snippets.conv" not in sys.modules
    assert "snippets.mdext.cached_exec" in sys.modules  # the runner itself stays
    import snippets.conv  # noqa: F811 (imported afresh)

    assert snippets.conv.output_size(5, 3) == 3


def test_unchanged_modules_stay_imported(monkeypatch):
    import sys

    import snippets.conv  # noqa: F401

    current = cached_exec.sources(CONV_BLOCK)
    monkeypatch.setattr(cached_exec, "_imported", dict(current))
    cached_exec._forget_changed(current)
    assert "snippets.conv" in sys.modules
