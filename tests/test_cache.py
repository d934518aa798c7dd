"""The build's one cache: one tagged folder, atomic entries, sources read once per change,
and what a successful build did not use pruned after it."""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

import pytest

from snippets.mdext import cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty cache of its own, and no entry counted as used yet."""
    monkeypatch.setenv("I2DL_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("I2DL_EXEC_CACHE", raising=False)
    cache.on_startup(command="build", dirty=False)
    cache.on_pre_build(config=None)
    return tmp_path / "cache"


def test_the_folder_is_chosen_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("I2DL_CACHE", raising=False)
    monkeypatch.delenv("I2DL_EXEC_CACHE", raising=False)
    assert cache.folder() == cache.ROOT / ".cache"
    monkeypatch.setenv("I2DL_EXEC_CACHE", str(tmp_path / "old"))  # the older name still works
    assert cache.folder() == tmp_path / "old"
    monkeypatch.setenv("I2DL_CACHE", "off")
    assert cache.folder() is None
    assert cache.read("exec", "k") is None
    cache.write("exec", "k", "text")  # nothing kept, nothing raised


def test_an_entry_is_read_back_from_a_tagged_folder(folder):
    assert cache.read("exec", "k", ".md") is None
    cache.write("exec", "k", "printed\n", ".md")
    assert cache.read("exec", "k", ".md") == "printed\n"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert sorted(p.name for p in (folder / "exec").iterdir()) == ["k.md"]  # no temporary left


def test_keys_keep_their_parts_apart():
    assert cache.digest(["ab", "c"]) != cache.digest(["a", "bc"])
    assert cache.digest(["ab", "c"]) == cache.digest(["ab", "c"])


def test_a_source_is_read_again_only_when_it_changes(tmp_path):
    path = tmp_path / "module.py"
    path.write_text("x = 1\n")
    first = cache.source(path)
    assert cache.source(path) is first  # not read again
    path.write_text("x = 22\n")
    os.utime(path, ns=(first.stamp[0] + 10**9, first.stamp[0] + 10**9))
    second = cache.source(path)
    assert second.text == "x = 22\n"
    assert second.sha != first.sha


def test_a_build_prunes_what_it_did_not_use(folder):
    cache.write("exec", "old", "stale")
    cache.write("html", "kept", "fresh")
    cache.on_pre_build(config=None)  # the next build
    before = time.time() + 1
    assert cache.read("html", "kept") == "fresh"
    deleted = cache.prune(started=before)
    assert deleted == [folder / "exec" / "old.txt"]
    assert (folder / "html" / "kept.txt").exists()


def test_an_entry_written_by_a_build_beside_this_one_stays(folder):
    cache.write("exec", "other", "written meanwhile")
    cache.on_pre_build(config=None)
    assert cache.prune(started=time.time() - 60) == []


def test_mkdocs_jupyter_prunes_its_own_folder(folder):
    (folder / "mkdocs-jupyter").mkdir(parents=True)
    (folder / "mkdocs-jupyter" / "page.json").write_text("{}")
    cache.on_pre_build(config=None)
    assert cache.prune(started=time.time() + 1) == []


def config_of(path) -> SimpleNamespace:
    return SimpleNamespace(config_file_path=str(path))


def test_only_a_successful_full_build_of_its_owner_prunes(folder, monkeypatch, tmp_path):
    cache.write("exec", "unused", "x")
    cache.on_pre_build(config=None)
    monkeypatch.setitem(cache._build, "started", time.time() + 1)
    cache.on_startup(command="serve", dirty=True)
    cache.on_post_build(config=config_of(cache.ROOT / "mkdocs.yml"))
    assert (folder / "exec" / "unused.txt").exists()  # a dirty build built some pages only
    # The default cache belongs to the site's own config, not to a small test project.
    cache.on_startup(command="build", dirty=False)
    monkeypatch.delenv("I2DL_CACHE")
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    cache.on_post_build(config=config_of(tmp_path / "small" / "mkdocs.yml"))
    assert (folder / "exec" / "unused.txt").exists()
    monkeypatch.setenv("I2DL_CACHE", str(folder))
    cache.on_post_build(config=config_of(tmp_path / "small" / "mkdocs.yml"))
    assert not (folder / "exec" / "unused.txt").exists()
