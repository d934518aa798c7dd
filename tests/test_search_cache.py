"""The search plugin's entries for a page are kept in the build's cache: a page that did not
change is neither copied nor parsed again, and its entries are the ones a fresh parse gives."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.toc import get_toc

from snippets.mdext import search_hook

CONTENT = (
    '<h1 id="page">Page</h1><p>Prose about the <em>sigmoid</em>.</p>'
    "<pre><code>print(1)</code></pre>"
    '<h2 id="step">One step</h2><p>The weight moves by <span class="katex">'
    '<span class="katex-mathml"><math><mi>η</mi></math></span>'
    '<span class="katex-html">η</span></span>.</p>'
)
TOC = [
    {"level": 1, "id": "page", "name": "Page", "html": "Page", "data-toc-label": "",
     "children": [{"level": 2, "id": "step", "name": "One step", "html": "One step",
                   "data-toc-label": "", "children": []}]},
]  # fmt: skip


def page(content: str = CONTENT) -> SimpleNamespace:
    return SimpleNamespace(
        content=content, url="part.html", title="Page", meta={}, toc=get_toc(TOC),
        file=SimpleNamespace(src_uri="part.md"),
    )  # fmt: skip


def index_page(the_page) -> list[dict]:
    """What the search plugin indexes of the page, with the hook around it."""
    index = SearchIndex()
    config = SimpleNamespace(plugins={"material/search": SimpleNamespace(search_index=index)})
    search_hook._show_search_the_prose({}, page=the_page, config=config, nav=None)
    index.add_entry_from_context(the_page)  # the plugin's own on_page_context
    search_hook._restore_the_page({}, page=the_page, config=config, nav=None)
    return index.entries


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2DL_CACHE", str(tmp_path / "cache"))


def test_a_page_that_did_not_change_is_not_parsed_again(empty_cache, monkeypatch):
    fresh_page = page()
    fresh = index_page(fresh_page)
    assert [e["location"] for e in fresh] == ["part.html", "part.html#step"]
    assert "print(1)" not in str(fresh)
    assert fresh_page.content == CONTENT
    assert fresh_page.meta == {}

    parses = []
    monkeypatch.setattr(search_hook, "searchable", lambda html: parses.append(html) or html)
    monkeypatch.setattr(SearchIndex, "create_entry_for_section", lambda *a: parses.append(a))
    kept_page = page()
    assert index_page(kept_page) == fresh
    assert parses == []
    assert kept_page.content == CONTENT  # the page itself unchanged
    assert kept_page.meta == {}


def test_a_changed_page_is_parsed_again(empty_cache):
    index_page(page())
    edited = index_page(page(CONTENT.replace("sigmoid", "logistic function")))
    assert "logistic function" in edited[0]["text"]


def test_a_page_the_search_leaves_out_gets_no_entries(empty_cache):
    excluded = page()
    excluded.meta["search"] = {"exclude": True}
    assert index_page(excluded) == []
    assert excluded.content == CONTENT
