"""MkDocs hooks: everything the build knows about the repository that a renderer must not.

- "How we know" blocks: a renderer names the functions behind a result
  (`render.markdown.how_we_know`); here each named function gets the lines of its source
  that carry the math and a link to its entry on the verification page. A function that no
  test checks stops the build, naming the page.
- The verification page ("How we know this is right") is generated from what the pages
  cite and from the test suite, read once per build.
- `mkdocs serve` also watches `snippets/` and `tests/`, so an edit to a snippet or a test
  rebuilds the pages (the block cache re-runs only the blocks whose inputs changed).
"""

from __future__ import annotations

import html
import re
from fnmatch import fnmatch
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from snippets.mdext import evidence
from snippets.render import markdown as md
from snippets.render.verification import ClaimsOfPage, FunctionChecks, PageChecks, verification

VERIFICATION_PAGE = "verification.md"
GENERATED = "<!-- generated: the functions and their tests -->"
# Test files of the site itself (build, browser, cache, reproducibility).
SITE_TESTS = ("tests/test_site.py", "tests/test_browser", "tests/test_reproducible.py",
              "tests/test_exec_cache.py")  # fmt: skip
_SLOT = re.compile(
    rf'(?:<p>)?<span class="{md.EVIDENCE_CLASS}" data-functions="([^"]+)"></span>(?:</p>)?'
)

_state: dict[str, Any] = {}


def on_pre_build(config: Any, **kwargs: Any) -> None:
    """Read the test suite once for this build; forget what the last build cited."""
    _state["index"] = evidence.SuiteIndex.read()
    _state["unchecked"] = evidence.read_unchecked()
    _state["cited"] = {}  # page src_uri -> (title, url, [function names])
    _state["text"] = {}  # page src_uri -> its text as a reader reads it (for the claims)
    _state["titles"] = {}  # page src_uri -> title
    _state["listed_as"] = {}  # page src_uri -> the page the verification page lists it as


def on_serve(server: Any, config: Any, builder: Any, **kwargs: Any) -> Any:
    """Rebuild when a snippet, a test or these hooks change, not only docs/."""
    for folder in ("snippets", "tests"):
        server.watch(str(evidence.ROOT / folder))
    return server


def _listing(name: str) -> str:
    function = evidence.resolve(name)
    code = highlight(evidence.key_lines(function), PythonLexer(), HtmlFormatter(wrapcode=True))
    return f"<p><code>{html.escape(name)}</code></p>\n{code}"


def on_page_content(html_text: str, page: Any, config: Any, files: Any, **kwargs: Any) -> str:
    """Fill each "How we know" block: the math of each function and a link to its checks."""
    index: evidence.SuiteIndex = _state["index"]
    cited: list[str] = []
    link_base = get_relative_url(VERIFICATION_PAGE.replace(".md", ".html"), page.url or ".")

    def fill(match: re.Match[str]) -> str:
        names = match.group(1).split()
        parts = []
        for name in names:
            tests = index.checking(evidence.resolve(name))
            if not tests:
                raise PluginError(
                    f"page '{page.file.src_uri}': {name} is not checked by any test in tests/"
                )
            cited.append(name)
            parts.append(
                _listing(name)
                + f'<p class="guide-evidence-link"><a href="{link_base}#{evidence.anchor(name)}">'
                f"Checked by {md.count(len(tests), 'test')}</a></p>"
            )
        return '<div class="guide-evidence" data-search-exclude>' + "".join(parts) + "</div>"

    html_text = _SLOT.sub(fill, html_text)
    _state["text"][page.file.src_uri] = evidence.plain_text(html_text)
    _state["titles"][page.file.src_uri] = page.title
    _state.setdefault("listed_as", {})[page.file.src_uri] = _listed_as(page.file)
    if cited:
        _state["cited"][page.file.src_uri] = (page.title, page.url, list(dict.fromkeys(cited)))
    return html_text


def _listed_as(file: Any) -> str:
    """The page the verification page lists `file` as: itself, or for a page generated from
    another (a practice variant, whose "Edit this page" opens its kind's first page) that
    page. Its blocks and claims are checked like any page's."""
    edit_uri = getattr(file, "edit_uri", None)
    if getattr(file, "generated_by", None) and edit_uri and edit_uri != file.src_uri:
        return edit_uri
    return file.src_uri


def _owner(src_uri: str) -> str:
    """The page that `src_uri` is listed as (`_listed_as`)."""
    return _state.get("listed_as", {}).get(src_uri, src_uri)


def _cited_by_listed_page() -> dict[str, tuple[str, str, list[str]]]:
    """What each listed page cites, a generated page's citations added to its own."""
    cited: dict[str, tuple[str, str, list[str]]] = {}
    for src_uri, (title, url, names) in _state["cited"].items():
        owner = _owner(src_uri)
        title, url, known = cited.get(owner, _state["cited"].get(owner, (title, url, [])))
        cited[owner] = (title, url, list(dict.fromkeys([*known, *names])))
    return cited


def _verification_markdown(page: Any, source: str) -> str:
    index: evidence.SuiteIndex = _state["index"]
    pages = []
    for src_uri, (title, _, names) in _state["cited"].items():
        checks = tuple(
            FunctionChecks(name, tuple(index.checking(evidence.resolve(name)))) for name in names
        )
        pages.append(PageChecks(title, get_relative_url(src_uri, page.file.src_uri), checks))
    return source.replace(
        GENERATED, verification(pages, index.in_files(SITE_TESTS), claims=_claims(page))
    )


def _claims(page: Any) -> list[ClaimsOfPage]:
    """Each page's checked claims and the sentences judged uncheckable, every one of them
    found on its page (a claim whose sentence was reworded stops the build)."""
    index: evidence.SuiteIndex = _state["index"]
    checked = index.claims()
    unchecked = _state["unchecked"]
    found: dict[str, tuple[list[tuple[str, Any]], list[tuple[str, str]]]] = {}
    for src_uri in _state["text"]:
        # A claim's page may be a pattern: "practice/*.md" for a sentence every practice
        # page prints.
        claims = [c for pattern, items in checked.items() if fnmatch(src_uri, pattern)
                  for c in items]  # fmt: skip
        reasons = unchecked.get(src_uri, ())
        if not claims and not reasons:
            continue
        text = _state["text"][src_uri]
        for sentence in [s for s, _ in claims] + [s for s, _ in reasons]:
            if evidence.normal_space(sentence) not in text:
                raise PluginError(
                    f"page '{src_uri}' no longer says {sentence!r}, which the claims audit "
                    "lists (a @pytest.mark.claim test or tests/claims.py): update the claim"
                )
        owner = _owner(src_uri)
        known_claims, known_reasons = found.setdefault(owner, ([], []))
        known_claims += [c for c in claims if c not in known_claims]
        known_reasons += [r for r in reasons if r not in known_reasons]
    built = list(_state["text"])
    missing = {p for p in [*checked, *unchecked] if not any(fnmatch(u, p) for u in built)}
    if missing:
        raise PluginError(f"claims name pages that were not built: {sorted(missing)}")
    return [
        ClaimsOfPage(
            _state["titles"][owner],
            get_relative_url(owner, page.file.src_uri),
            tuple(_by_sentence(claims)),
            tuple(reasons),
        )
        for owner, (claims, reasons) in found.items()
    ]


def on_env(env: Any, config: Any, files: Any, **kwargs: Any) -> Any:
    """Every page has been read: write the verification page from what they cite."""
    file = files.get_file_from_path(VERIFICATION_PAGE)
    if file is None or file.page is None:
        return env
    page = file.page
    source = file.content_string
    if GENERATED not in source:
        raise PluginError(f"page '{VERIFICATION_PAGE}' lacks the line {GENERATED}")
    # Pages in the order of the navigation, so the verification page reads like the site.
    order = {f.src_uri: i for i, f in enumerate(files.documentation_pages())}
    nav_order = [p.file.src_uri for p in _nav_pages(config, files)]
    rank = {uri: i for i, uri in enumerate(nav_order)}
    _state["cited"] = dict(
        sorted(_cited_by_listed_page().items(),
               key=lambda kv: (rank.get(kv[0], 10**6), order[kv[0]]))
    )  # fmt: skip
    page.markdown = _verification_markdown(page, _strip_front_matter(source))
    page.render(config, files)
    return env


def _by_sentence(claims: list[tuple[str, Any]]) -> list[tuple[str, tuple[str, ...]]]:
    """One entry per sentence, in order of first mention, with every test that checks it."""
    tests: dict[str, list[str]] = {}
    for sentence, case in claims:
        tests.setdefault(sentence, []).append(case.id)
    return [(sentence, tuple(ids)) for sentence, ids in tests.items()]


def _nav_pages(config: Any, files: Any) -> list[Any]:
    from mkdocs.structure.nav import get_navigation

    return get_navigation(files, config).pages


def _strip_front_matter(source: str) -> str:
    if source.startswith("---\n"):
        end = source.find("\n---\n", 4)
        if end != -1:
            return source[end + 5 :]
    return source
