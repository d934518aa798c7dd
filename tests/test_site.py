"""The strict build of the site is a test: it passes offline, publishes no third-party
reference, no traceback and no build path, and fails, naming where, on a failing block, a
wrong derivation step or malformed TeX."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, build, offline_prefix

PART_3 = "part-3-logistic-regression.html"

pytestmark = pytest.mark.build


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _References(HTMLParser):
    """Collects every URL a browser would fetch: src, link href, srcset, CSS url()."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",")]
        if attrs.get("style"):
            self.urls += re.findall(r"url\(['\"]?([^'\")]+)", attrs["style"])


def test_build_needs_no_network(site):
    if not offline_prefix():
        pytest.skip("no network namespace here (unshare --net); CI checks this")
    assert (site / PART_3).exists()


def test_no_page_references_a_third_party_host(site):
    for page in pages(site):
        parser = _References()
        parser.feed(page.read_text(encoding="utf-8"))
        remote = [url for url in parser.urls if re.match(r"^(https?:)?//", url)]
        assert not remote, f"{page.name} fetches {remote}"


def test_no_stylesheet_fetches_from_a_third_party_host(site):
    for sheet in site.rglob("*.css"):
        remote = re.findall(r"url\(['\"]?((?:https?:)?//[^'\")]+)", sheet.read_text("utf-8"))
        remote = [url for url in remote if not url.startswith("http://www.w3.org/")]
        assert not remote, f"{sheet.name} fetches {remote}"


def test_no_page_shows_a_traceback_or_a_build_path(site):
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, page.name
        assert str(ROOT) not in text, page.name


def test_no_link_points_at_a_markdown_source(site):
    # Links printed by blocks are not rewritten by MkDocs: they must name built pages.
    for page in pages(site):
        # (The theme's "Edit this page" link names the source in the repository, on purpose.)
        sources = re.findall(
            r'href="((?!https?://)[^"#]+\.md)(?:#[^"]*)?"', page.read_text(encoding="utf-8")
        )
        assert not sources, f"{page.name} links to {sources}"


def test_math_is_rendered_at_build_time(site):
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert 'class="arithmatex"' not in text, f"{page.name} has math KaTeX did not render"
        assert "mathjax" not in text.lower()
    assert 'class="katex"' in (site / PART_3).read_text(encoding="utf-8")


def test_part_3_shows_plot_derivations_and_numbers(site):
    from snippets import exam

    html = (site / PART_3).read_text(encoding="utf-8")
    # The question's plot, nothing marked; the worked solution's plot, the reading marked.
    assert html.count('<svg class="guide-figure" role="img" aria-label=') == 2
    from snippets.render import markdown as md

    c = md.question(3, "c").topic[:1].upper() + md.question(3, "c").topic[1:]
    heading = html.index(f">(c) {c}")  # the heading in the content, after the TOC
    question, _, worked = html[heading:].partition('class="guide-answers')
    assert question.count('<svg class="guide-figure"') == 1
    assert "σ(1.1)" not in question
    assert "σ(1.1) ≈ 0.75" in worked
    assert html.count("<details") >= 9  # every answer, worked solution and evidence is closed
    assert "<mtable" in html  # the aligned derivations, in KaTeX's MathML
    assert "application/x-tex" not in html  # without the TeX source repeated
    published = exam.PUBLISHED_LOGISTIC_STEP
    for value in (published.z, published.w1_new, published.grad_w1):
        assert f"<mn>{abs(value):g}</mn>" in html, value


# An id attribute of an element (read from the tags, not from a page's text).
_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]+)"')


def test_every_practice_variant_has_a_page_with_a_working_edit_link(site):
    # Variants 2 to 10 are generated pages: their "Edit this page" opens the kind's first
    # page, which exists in the repository (a generated page has no source of its own).
    from snippets.practice import registry
    from snippets.render import practice

    edit = re.compile(r'href="([^"]*)"[^>]*class="md-content__button md-icon"')
    for kind in registry.NAMES:
        for number in practice.VARIANTS:
            built = site / "practice" / practice.page_link(kind, number)
            text = built.read_text(encoding="utf-8")
            (link,) = edit.findall(text)
            source = link.split("/edit/main/", 1)[1]
            assert source == f"docs/{practice.page_source(kind, 1)}", (built.name, link)
            assert (ROOT / source).is_file()
            ids = _ID.findall(text)
            assert ids
            assert len(ids) == len(set(ids)), built.name  # no id twice on a page


def test_every_executed_block_has_an_id():
    fence = re.compile(r"^```python[^\n]*\bexec=\"on\"[^\n]*$", re.M)
    for page in (ROOT / "docs").rglob("*.md"):
        for line in fence.findall(page.read_text(encoding="utf-8")):
            assert re.search(r'\bid="[^"]+"', line), f"{page.name}: {line}"


# --- the build fails, naming where -------------------------------------------------------


def site_hooks() -> list[str]:
    """The hook files of mkdocs.yml, as written there (relative to the repository)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = re.search(r"^hooks:\n((?:  - .*\n)+)", text, re.MULTILINE)
    assert listed, "mkdocs.yml names no hooks"
    return [line.removeprefix("  - ").strip() for line in listed.group(1).splitlines()]


# What a one-page project built from the site's config changes: the theme's partial found
# where it is, and no chapter notebooks (they belong to the chapters, not to this page).
SMALL_PROJECT = {"theme": {"custom_dir": str(ROOT / "overrides")}, "plugins": ["search"]}


def failing_project(tmp_path: Path, block: str) -> Path:
    """The site's config (inherited) over a docs folder with one page holding `block`."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    shutil.copytree(ROOT / "docs" / "stylesheets", docs / "stylesheets")
    shutil.copytree(ROOT / "docs" / "javascripts", docs / "javascripts")
    (docs / "index.md").write_text("# Home\n")
    (docs / "broken.md").write_text(f"# Broken\n\n{block}\n")
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(docs),
        "nav": ["index.md", "broken.md"],
        # Hook files are found relative to the config that names them: name them absolutely.
        "hooks": [str(ROOT / hook) for hook in site_hooks()],
        **SMALL_PROJECT,
    }
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def assert_fails_naming(tmp_path: Path, block: str, *names: str) -> None:
    config = failing_project(tmp_path, block)
    result = build(config, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    for name in names:
        assert name in output, f"{name!r} not in the build's output:\n{output[-2000:]}"
    assert not (tmp_path / "site" / "broken.html").exists()


def test_a_raising_block_fails_the_build_naming_page_and_block(tmp_path):
    block = '```python exec="on" id="bad-block"\nraise ValueError("stride must be positive")\n```'
    assert_fails_naming(tmp_path, block, "broken.md", "bad-block", "stride must be positive")


@pytest.mark.claim("part-3-logistic-regression.md", "a wrong step stops the build")
def test_a_wrong_derivation_step_fails_the_build(tmp_path):
    block = (
        '```python exec="on" id="wrong-step"\n'
        "import dataclasses\n"
        "from snippets.derivations import Step, bce_derivative\n"
        "good = bce_derivative()\n"
        "dataclasses.replace(good, steps=(*good.steps, Step('p + t'))).check()\n"
        "```"
    )
    assert_fails_naming(tmp_path, block, "broken.md", "wrong-step", "step 6")


def test_malformed_tex_fails_the_build(tmp_path):
    assert_fails_naming(tmp_path, r"The fraction $\frac{1}{$ is not closed.", "broken.md", "KaTeX")
