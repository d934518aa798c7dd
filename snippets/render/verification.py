"""The page "How we know this is right", from data the build gathers.

The build (snippets/mdext/hooks.py) collects, for every page, the functions its answers cite
and, from the test suite, the tests that check each; this module only turns that into
Markdown. Every function has an entry with an anchor, which each "How we know" block links to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from snippets.mdext.evidence import SuiteTest, anchor
from snippets.render import markdown as md


@dataclass(frozen=True)
class FunctionChecks:
    name: str  # snippets.module.function
    tests: tuple[SuiteTest, ...]


@dataclass(frozen=True)
class PageChecks:
    title: str
    url: str  # the page's Markdown source, relative to the verification page
    functions: tuple[FunctionChecks, ...]


@dataclass(frozen=True)
class ClaimsOfPage:
    """A page's sentences that state something checkable: each with the test that checks it,
    or with the reason it cannot be checked."""

    title: str
    url: str  # the page's Markdown source, relative to the verification page
    checked: tuple[tuple[str, tuple[str, ...]], ...]  # (sentence, the tests that check it)
    unchecked: tuple[tuple[str, str], ...] = ()  # (sentence, reason)


def _kinds(tests: Sequence[SuiteTest]) -> str:
    counts = Counter(case.witness for case in tests)
    return ", ".join(f"{n} × {kind}" for kind, n in sorted(counts.items()))


def _tests_table(tests: Sequence[SuiteTest]) -> str:
    rows = [(f"`{case.name}`", case.claim, case.witness, f"`{case.module}`") for case in tests]
    return md.table(("test", "what it checks", "witness", "file"), rows)


def function_row(entry: FunctionChecks, first: bool) -> tuple[str, str, str]:
    """One function's row: its name (with the anchor where it is listed first), its number of
    tests and their kinds."""
    target = f'<span id="{anchor(entry.name)}"></span>' if first else ""
    return (f"{target}`{entry.name}`", str(len(entry.tests)), _kinds(entry.tests))


def page_section(page: PageChecks, listed: set[str]) -> str:
    """A page's functions, a row each, and all their tests folded below; `listed` names the
    functions already given an anchor on this page."""
    count = len({case.id for f in page.functions for case in f.tests})
    rows = []
    for entry in page.functions:
        rows.append(function_row(entry, first=entry.name not in listed))
        listed.add(entry.name)
    intro = (
        f"Its answers come from {md.count(len(page.functions), 'function')}, checked by "
        f"{md.count(count, 'test')}."
    )
    table = md.table(("function", "tests", "kinds of witness"), rows, align="lrl")
    tests = "\n\n".join(
        f"`{entry.name}`:\n\n{_tests_table(entry.tests)}" for entry in page.functions
    )
    folded = md.collapsible(f"The tests of these {md.count(len(page.functions), 'function')}",
                            tests, kind="abstract")  # fmt: skip
    return f"## [{page.title}]({page.url})\n\n{intro}\n\n{table}\n\n{folded}"


def site_section(tests: Sequence[SuiteTest]) -> str:
    """The tests of the site itself: build, browser, cache, reproducibility."""
    table = _tests_table(tests)
    return (
        "## The site itself\n\n"
        f"{md.count(len(tests), 'test')} build the site and drive it in a real browser.\n\n"
        + md.collapsible(f"The {md.count(len(tests), 'test')} of the site", table, kind="abstract")
    )


def claims_line(claims: Sequence[ClaimsOfPage]) -> str:
    checked = sum(len(page.checked) for page in claims)
    total = checked + sum(len(page.unchecked) for page in claims)
    return (
        f"**Claims checked: {checked} of {md.count(total, 'sentence')}** that state something "
        f"checkable, on {md.count(len(claims), 'page')}."
    )


def claims_section(claims: Sequence[ClaimsOfPage]) -> str:
    """Every checked sentence beside its test, numbered per page; then those judged uncheckable."""
    parts = ["## The claims in the prose", claims_line(claims)]
    for page in claims:
        rows = [
            (str(n), sentence, "<br>".join(f"`{test}`" for test in tests))
            for n, (sentence, tests) in enumerate(page.checked, start=1)
        ]
        body = md.table(("", "the page says", "checked by"), rows, align="rll")
        if page.unchecked:
            reasons = md.table(("the page says", "why no test checks it"), page.unchecked)
            body += f"\n\nJudged uncheckable:\n\n{reasons}"
        title = (
            f"[{page.title}]({page.url}): {len(page.checked)} of "
            f"{md.count(len(page.checked) + len(page.unchecked), 'claim')} checked"
        )
        parts.append(f"### {title}\n\n" + md.collapsible("The claims", body, kind="abstract"))
    return "\n\n".join(parts)


def verification(
    pages: Sequence[PageChecks],
    site: Sequence[SuiteTest],
    claims: Sequence[ClaimsOfPage] = (),
) -> str:
    """The generated part of the page: one section per page that cites functions, the claims
    in the prose, then the tests of the site itself."""
    listed: set[str] = set()
    functions = {f.name for page in pages for f in page.functions}
    tests = {case.id for page in pages for f in page.functions for case in f.tests}
    summary = (
        f"**{md.count(len(functions), 'function')}** "
        f"{'computes' if len(functions) == 1 else 'compute'} the answers of this guide; "
        f"**{md.count(len(tests), 'test')}** check them."
    )
    sections = [page_section(page, listed) for page in pages if page.functions]
    if claims:
        summary += " " + claims_line(claims)
        sections.append(claims_section(claims))
    return "\n\n".join([summary, *sections, site_section(site)])
