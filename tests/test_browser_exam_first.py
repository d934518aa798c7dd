"""Exam first: before the reader uses any control, no sub-question shows its answer.

For every sub-question of the chapters, in the default mode and in test mode, the text a
reader sees between its heading and its first control (statement, figure labels and text
alternatives, notes) holds none of the published answer's tells (`exam.published_tells`).
Each tell does appear once the answers are opened, so the check cannot pass vacuously.
"""

from __future__ import annotations

import functools
import re

import pytest

from snippets import exam
from snippets.render import markdown as md

pytestmark = pytest.mark.browser

MODES = ("default", "test")
# Everything a reader can use to open an answer; the region of a question ends at the first.
CONTROLS = "details, button, form, .guide-answers, .guide-reveal"

REGIONS = """
(controls) => {
  const content = document.querySelector("article.md-content__inner");
  const figureText = (el) => Array.from(el.querySelectorAll("svg text, [aria-label]"))
    .map((n) => n.textContent + " " + (n.getAttribute("aria-label") || "")).join(" ");
  const out = {};
  for (const heading of content.querySelectorAll("h2, h3")) {
    const title = heading.textContent.replace("¶", "").trim();
    let text = "";
    let control = null;
    for (let el = heading.nextElementSibling; el && !/^H[23]$/.test(el.tagName); el = el.nextElementSibling) {
      if (el.matches(controls) || el.querySelector(controls)) { control = el.tagName; break; }
      text += " " + el.innerText + " " + figureText(el);
    }
    out[title] = { text: text, control: control };
  }
  return out;
}
"""


def normal(text: str) -> str:
    """Compare as a reader reads: KaTeX's minus is a minus, spaces and digit commas don't count."""
    return re.sub(r"[\s,\u2009\u202f\u00a0]", "", text.replace("\u2212", "-")).lower()


def sub_questions() -> list[tuple[int, str]]:
    return [(part.number, q.label) for part in exam.PARTS[1:] for q in part.questions]


def title(part: int, label: str) -> str:
    """The heading's text; Part V's sub-questions sit one level down, under their group."""
    return md.heading(part, label).lstrip("# ").strip()


def page_of(part: int) -> str:
    return exam.part(part).page.replace(".md", ".html")


OPEN_TEXT = """() => {
  document.querySelectorAll('details').forEach((d) => (d.open = true));
  return document.querySelector('article').innerText;
}"""


def visit(browser, site_url: str, page_name: str, mode: str) -> dict:
    """What the page shows in `mode`: each heading's region as loaded, then (read from the
    same tab, since reading changes nothing) the article's text with every answer open."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if mode == "test":
        context.add_init_script("localStorage.setItem('i2dl-test-mode', 'on')")
    tab = context.new_page()
    tab.goto(site_url + page_name)
    found = {"regions": tab.evaluate(REGIONS, CONTROLS), "opened": tab.evaluate(OPEN_TEXT)}
    context.close()
    return found


@pytest.fixture(scope="module")
def seen(browser, site_url):
    """(page, mode) -> what `visit` saw, each page loaded once in each mode when a test first
    asks (under pytest-xdist a worker loads only the pages of its own tests)."""
    return functools.cache(lambda page, mode: visit(browser, site_url, page, mode))


@pytest.mark.claim("index.md", "nothing under it gives the answer away")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("part", "label"), sub_questions(), ids=lambda v: str(v).replace(" ", ""))
def test_no_answer_shows_before_the_first_control(seen, part, label, mode):
    page = page_of(part)
    region = seen(page, mode)["regions"].get(title(part, label))
    assert region is not None, f"no heading {title(part, label)!r} on {page}"
    assert region["control"], f"{title(part, label)}: no control to open its answer"
    shown = normal(region["text"])
    for tell in exam.published_tells().get((part, label), ()):
        assert normal(tell) not in shown, f"{title(part, label)} shows {tell!r} ({mode} mode)"


def test_every_tell_appears_once_the_answers_are_open(seen):
    """The tells are written as the pages write them: opened, every one is found."""
    missing = [
        (part, tell)
        for (part, _), tells in exam.published_tells().items()
        for tell in tells
        if normal(tell) not in normal(seen(page_of(part), "default")["opened"])
    ]
    assert missing == []
