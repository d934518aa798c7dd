"""Exam first: before the reader uses any control, no sub-question shows its answer.

For every sub-question of the chapters, in the default mode and in test mode, the text a
reader sees between its heading and its first control (statement, figure labels and text
alternatives, notes) holds none of the published answer's tells (`exam.published_tells`).
Each tell does appear once the answers are opened, so the check cannot pass vacuously.
"""

from __future__ import annotations

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


def regions(browser, site_url: str, page_name: str, mode: str) -> dict[str, dict]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if mode == "test":
        context.add_init_script("localStorage.setItem('i2dl-test-mode', 'on')")
    tab = context.new_page()
    tab.goto(site_url + page_name)
    found = tab.evaluate(REGIONS, CONTROLS)
    context.close()
    return found


@pytest.fixture(scope="module")
def seen(browser, site_url) -> dict[tuple[str, str], dict[str, dict]]:
    pages = {exam.part(n).page.replace(".md", ".html") for n, _ in sub_questions()}
    return {
        (page, mode): regions(browser, site_url, page, mode) for page in pages for mode in MODES
    }


@pytest.mark.claim("index.md", "nothing under it gives the answer away")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("part", "label"), sub_questions(), ids=lambda v: str(v).replace(" ", ""))
def test_no_answer_shows_before_the_first_control(seen, part, label, mode):
    page = exam.part(part).page.replace(".md", ".html")
    region = seen[page, mode].get(title(part, label))
    assert region is not None, f"no heading {title(part, label)!r} on {page}"
    assert region["control"], f"{title(part, label)}: no control to open its answer"
    shown = normal(region["text"])
    for tell in exam.published_tells().get((part, label), ()):
        assert normal(tell) not in shown, f"{title(part, label)} shows {tell!r} ({mode} mode)"


def test_every_tell_appears_once_the_answers_are_open(browser, site_url):
    """The tells are written as the pages write them: opened, every one is found."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    missing = []
    for number in range(2, 7):
        tab.goto(site_url + exam.part(number).page.replace(".md", ".html"))
        tab.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))")
        text = normal(tab.evaluate("document.querySelector('article').innerText"))
        missing += [
            (part, tell)
            for (part, _), tells in exam.published_tells().items()
            if part == number
            for tell in tells
            if normal(tell) not in text
        ]
    context.close()
    assert missing == []
