"""The search index holds prose: no code, no figure labels, each formula once, and it is small.

Reads the session's one strict build (the `site` fixture); snippets/mdext/search_hook.py is
what keeps the machinery out. Each check compares the index with the built pages: what a
page shows as code, as a figure's labels or as KaTeX's MathML must not reach the index in
the shape the theme's search would give it.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

import pytest

from snippets.mdext import notebooks
from snippets.practice import registry
from snippets.render import practice

pytestmark = pytest.mark.build

# The index every reader's browser downloads on the first search, in bytes.
SEARCH_INDEX_MAX_BYTES = 150_000
# Shorter code lines, labels and formulas ("x", "= 1") also occur in prose.
MIN_DISTINCT_CHARS = 8
MIN_FORMULA_CHARS = 3

_TAG = re.compile(r"<[^>]+>")
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
# A line of code, not a command or a word that prose may quote: a call or an assignment.
_STATEMENT = re.compile(r"\w\(| = ")
_MATHML = re.compile(r'<span class="katex-mathml">(.*?)</span>', re.S)
_FIGURE = re.compile(r'<svg class="guide-figure".*?</svg>', re.S)
_LABEL = re.compile(r"<text\b.*?</text>", re.S)


def text_of(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


@pytest.fixture(scope="module")
def index_file(site: Path) -> Path:
    return site / "search" / "search_index.json"


@pytest.fixture(scope="module")
def indexed(index_file: Path) -> str:
    """Every entry's title and text, one entry a line."""
    docs = json.loads(index_file.read_text(encoding="utf-8"))["docs"]
    assert docs, "the search index is empty"
    return "\n".join(f"{doc['title']} {doc['text']}" for doc in docs)


@pytest.fixture(scope="module")
def built(site: Path) -> dict[str, str]:
    """Each built page's HTML by its path in the site, but the notebook pages: the search
    leaves them out (snippets/mdext/notebooks.py), and their printed output repeats numbers
    that a chapter's prose may say too."""
    skipped = {"assets", notebooks.FOLDER}
    pages = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in skipped]
    return {page.relative_to(site).as_posix(): page.read_text(encoding="utf-8") for page in pages}


def test_search_index_is_small(index_file):
    size = index_file.stat().st_size
    assert size <= SEARCH_INDEX_MAX_BYTES, f"search index is {size:,} bytes"


def test_no_code_listing_is_indexed(indexed, built):
    lines = {
        line.strip()
        for listing in _PRE.findall("".join(built.values()))
        for line in text_of(listing).splitlines()
        if len(line.strip()) >= MIN_DISTINCT_CHARS and _STATEMENT.search(line)
    }
    assert lines, "no code listing found on the pages: the test is not testing"
    found = sorted(line for line in lines if line in indexed)
    assert not found, f"{len(found)} code lines are indexed, e.g. {found[:5]}"
    assert not re.search(r"\bdef \w+\(", indexed)


def test_no_formula_is_indexed_twice_in_a_row(indexed, built):
    # KaTeX's HTML and MathML copies, both indexed, read as "t=0t=0".
    formulas = {text_of(m) for m in _MATHML.findall("".join(built.values()))}
    formulas = {f for f in formulas if len(f) >= MIN_FORMULA_CHARS}
    assert formulas, "no KaTeX MathML found on the pages: the test is not testing"
    doubled = sorted(f for f in formulas if f + f in indexed)
    assert not doubled, f"{len(doubled)} formulas are indexed twice, e.g. {doubled[:5]}"


def test_no_run_of_figure_labels_is_indexed(indexed, built):
    runs = set()
    for figure in _FIGURE.findall("".join(built.values())):
        labels = [text_of(label).strip() for label in _LABEL.findall(figure)]
        pairs = itertools.pairwise(label for label in labels if label)
        runs |= {a + b for a, b in pairs if len(a + b) >= MIN_DISTINCT_CHARS}
    assert runs, "no figure labels found on the pages: the test is not testing"
    found = sorted(run for run in runs if run in indexed)
    assert not found, f"{len(found)} runs of figure labels are indexed, e.g. {found[:5]}"


def generated_variant_pages() -> set[str]:
    """The built practice pages of variants 2 to 10: left out of the search, each is its
    kind's first page with other numbers."""
    return {
        f"practice/{practice.page_link(kind, n)}"
        for kind in registry.NAMES
        for n in practice.VARIANTS[1:]
    }


def test_every_figure_is_found_by_its_description(indexed, built):
    alts = {
        html.escape(html.unescape(alt), quote=False)  # as the index escapes text
        for name, page in built.items()
        if name not in generated_variant_pages()
        for alt in re.findall(r'<svg class="guide-figure" role="img" aria-label="([^"]*)"', page)
    }
    assert alts, "no figure found on the pages: the test is not testing"
    missing = sorted(alt for alt in alts if alt not in indexed)
    assert not missing, f"{len(missing)} figures are not searchable, e.g. {missing[:3]}"


def test_practice_pages_are_indexed_once_per_kind(index_file, built):
    # The first page of each kind (its introduction and variant 1) is indexed; the pages of
    # variants 2 to 10 are not, by their front matter (snippets/render/practice.py).
    docs = json.loads(index_file.read_text(encoding="utf-8"))["docs"]
    indexed_pages = {doc["location"].split("#")[0] for doc in docs}
    generated = generated_variant_pages()
    assert generated <= set(built), "a variant page was not built"
    assert not generated & indexed_pages, sorted(generated & indexed_pages)
    for kind in registry.NAMES:
        assert f"practice/{practice.page_link(kind, 1)}" in indexed_pages, kind
