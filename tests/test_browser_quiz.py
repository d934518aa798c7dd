"""The Part I quiz and the site-wide test mode, driven in headless Chromium.

The browser scores as the exam does (the same rule as snippets.render.quiz.score, which is
the witness here), works with the keyboard alone and on a phone, hides every solution in
test mode across pages, and never makes a request beyond the local server.
"""

from __future__ import annotations

import itertools
import re

import pytest

from snippets import exam
from snippets.render.quiz import question_form, score, total_line_for
from tests.test_quiz import NO_TRUE_OPTION

pytestmark = pytest.mark.browser

PART_1 = "part-1-multiple-choice.html"
PART_3 = "part-3-logistic-regression.html"
# A touch target of at least 44 CSS pixels (WCAG 2.5.5), less a pixel of rounding.
MIN_TARGET_PX = 43.5
PHONE_WIDTH = 390
DESKTOP = {"width": 1280, "height": 900}
# Part I with every block folded: questions, options and controls, no answer (issue 13).
MAX_FOLDED_HEIGHT_PX = 6000
# A question's answer and demonstration: the closed blocks after its form.
SOLUTIONS = ".quiz-solutions > details"


def key(label: str) -> list[bool]:
    question = next(q for q in exam.MULTIPLE_CHOICE if q.label == label)
    return [option.right for option in question.options]


def points_of(label: str) -> float:
    return next(q.points for q in exam.part(1).questions if q.label == label)


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def part_1(page, site_url, requests):
    page.goto(site_url + PART_1)
    return page


def answer(page, label: str, boxes: list[bool]) -> None:
    """Click the labels needed to make the question's boxes equal `boxes`."""
    for number, wanted in enumerate(boxes, start=1):
        box = page.locator(f"#quiz-{label}-{number}")
        if box.is_checked() != wanted:
            page.locator(f"label[for='quiz-{label}-{number}']").click()
        assert box.is_checked() == wanted


def check(page, label: str) -> float:
    """Press Check and read the question's score from its status line."""
    page.locator(f"#quiz-{label} [data-quiz-check]").click()
    status = page.locator(f"#quiz-{label} [data-quiz-score]").inner_text()
    match = re.search(rf"Question {re.escape(label)}: ([\d.]+) of ([\d.]+) points", status)
    assert match, status
    assert float(match.group(2)) == points_of(label)
    return float(match.group(1))


def solutions(page, label: str):
    """The answer and the demonstration of question `label`."""
    return page.locator(f".quiz-solutions[data-quiz-for='quiz-{label}'] > details")


def visible_count(locator) -> int:
    return sum(locator.nth(i).is_visible() for i in range(locator.count()))


def serve(page, site_url: str, name: str, body: str) -> None:
    """Open `body` as a page beside the site, with its stylesheet and guide.js."""
    html = (
        f'<!doctype html><html lang="en"><head><title>{name}</title>'
        '<link rel="stylesheet" href="stylesheets/quiz.css"></head><body>'
        f'<article class="md-content__inner md-typeset">{body}</article>'
        '<script src="javascripts/guide.js"></script></body></html>'
    )
    page.route(site_url + name, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(site_url + name)


def total(page) -> float:
    text = page.locator("[data-quiz-total-score]").inner_text()
    match = re.search(r"Your score: ([\d.]+) of ([\d.]+) points", text)
    assert match, text
    assert float(match.group(2)) == exam.PUBLISHED_PART_POINTS[0]
    return float(match.group(1))


# --- scoring as the exam does --------------------------------------------------------------


def test_every_true_box_checked_scores_the_full_points(part_1):
    answer(part_1, "1", key("1"))
    assert check(part_1, "1") == points_of("1")
    assert total(part_1) == points_of("1")


def test_one_wrong_box_scores_zero(part_1):
    boxes = key("2")
    boxes[0] = not boxes[0]
    answer(part_1, "2", boxes)
    assert check(part_1, "2") == 0
    assert total(part_1) == 0


def test_an_empty_answer_scores_zero_when_an_option_is_true(part_1):
    assert any(key("4"))
    assert check(part_1, "4") == 0


def test_an_empty_answer_scores_full_when_no_option_is_true(page, site_url, requests):
    # A question the exam could ask but this mock exam does not: served beside the site.
    serve(page, site_url, "no-true-option.html", question_form(NO_TRUE_OPTION, 2))
    page.locator("#quiz-z [data-quiz-check]").click()
    assert "Question Z: 2 of 2 points" in page.locator("#quiz-z [data-quiz-score]").inner_text()
    page.locator("label[for='quiz-z-2']").click()
    page.locator("#quiz-z [data-quiz-check]").click()
    assert "Question Z: 0 of 2 points" in page.locator("#quiz-z [data-quiz-score]").inner_text()


@pytest.mark.claim("index.md", "score themselves by the exam's rule when you press Check")
def test_browser_scores_every_answer_to_question_1_as_the_rule(part_1):
    right = key("1")
    for boxes in itertools.product([False, True], repeat=len(right)):
        answer(part_1, "1", list(boxes))
        assert check(part_1, "1") == score(right, boxes, points_of("1")), boxes


def answer_1_and_6_and_check_3_empty(page) -> None:
    """Answer questions 1 and 6 by the key and check them; check 3 left empty (scores zero)."""
    answer(page, "1", key("1"))
    check(page, "1")
    answer(page, "6", key("6"))
    check(page, "6")
    check(page, "3")


def test_total_adds_the_checked_questions(part_1):
    answer_1_and_6_and_check_3_empty(part_1)
    assert total(part_1) == points_of("1") + points_of("6")
    assert "3 of 7 questions checked" in part_1.locator("[data-quiz-total-score]").inner_text()


def test_check_explains_every_box_with_text_not_colour_alone(part_1):
    boxes = key("7")
    boxes[0] = not boxes[0]
    answer(part_1, "7", boxes)
    check(part_1, "7")
    options = part_1.locator("#quiz-7 .quiz-option")
    question = exam.MULTIPLE_CHOICE[6]
    for number, option in enumerate(question.options):
        feedback = options.nth(number).locator(".quiz-feedback")
        assert feedback.is_visible()
        text = feedback.inner_text()
        assert option.why in text
        assert text.startswith("✗ Your box is wrong" if number == 0 else "✓ Your box is right")


def test_changing_a_box_after_check_asks_to_check_again(part_1):
    answer(part_1, "1", key("1"))
    check(part_1, "1")
    part_1.locator("label[for='quiz-1-1']").click()
    assert "press Check" in part_1.locator("#quiz-1 [data-quiz-score]").inner_text()
    assert not part_1.locator("#quiz-1 .quiz-feedback").first.is_visible()


def test_every_status_line_agrees_with_the_total_after_a_reload(part_1):
    # Restoring the saved answers scores the questions one by one: each status line must
    # still show the final total, as the summary does.
    answer_1_and_6_and_check_3_empty(part_1)
    part_1.reload()
    want = points_of("1") + points_of("6")
    assert total(part_1) == want
    for label in ("1", "3", "6"):
        status = part_1.locator(f"#quiz-{label} [data-quiz-score]").inner_text()
        assert f"Total: {want:g} of {exam.PUBLISHED_PART_POINTS[0]} points." in status, status


def test_counts_and_nouns_agree_in_the_browser(page, site_url, requests):
    # One question on its page: "1 of 1 question checked", "1 of 3 boxes is wrong".
    body = total_line_for(1, 2) + question_form(NO_TRUE_OPTION, 2)
    serve(page, site_url, "one-question.html", body)
    status = page.locator("#quiz-z [data-quiz-score]")
    page.locator("label[for='quiz-z-1']").click()
    page.locator("#quiz-z [data-quiz-check]").click()
    assert "0 of 2 points, 1 of 3 boxes is wrong." in status.inner_text()
    summary = page.locator("[data-quiz-total-score]").inner_text()
    assert "(1 of 1 question checked)" in summary, summary
    page.locator("label[for='quiz-z-2']").click()
    page.locator("#quiz-z [data-quiz-check]").click()
    assert "0 of 2 points, 2 of 3 boxes are wrong." in status.inner_text()


def test_reset_empties_the_question_and_forgets_it(part_1):
    answer(part_1, "1", key("1"))
    check(part_1, "1")
    part_1.locator("#quiz-1 [data-quiz-reset]").click()
    assert not any(part_1.locator("#quiz-1 input").nth(i).is_checked() for i in range(4))
    assert not part_1.locator("[data-quiz-total-score]").is_visible()
    assert part_1.evaluate("localStorage.getItem('i2dl-quiz-1')") is None


def test_answers_persist_in_local_storage_only_under_the_prefix(part_1):
    theme_keys = set(part_1.evaluate("Object.keys(localStorage)"))  # the palette's, say
    answer(part_1, "1", key("1"))
    check(part_1, "1")
    part_1.reload()
    assert [part_1.locator(f"#quiz-1-{i}").is_checked() for i in range(1, 5)] == key("1")
    assert "Question 1: 2 of 2 points" in part_1.locator("#quiz-1 [data-quiz-score]").inner_text()
    ours = set(part_1.evaluate("Object.keys(localStorage)")) - theme_keys
    assert ours == {"i2dl-quiz-1"}


# --- nothing given away before an attempt ---------------------------------------------------

VISIBLE_TEXT = """() => {
  const walker = document.createTreeWalker(
    document.querySelector('article.md-content__inner'), NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.checkVisibility()) texts.push(node.textContent);
  }
  return texts.join(' ').replace(/\\s+/g, ' ');
}"""


@pytest.mark.claim("index.md", "the explanations appear only then")
def test_nothing_states_an_answer_before_check(part_1):
    shown = part_1.evaluate(VISIBLE_TEXT)
    for question in exam.MULTIPLE_CHOICE:
        for option in question.options:
            assert option.why not in shown, option.why
    assert "keeps a first moment" not in shown  # question 4's demonstration
    assert visible_count(part_1.locator(SOLUTIONS)) == 0


def test_check_shows_the_answer_and_the_demonstration_folded(part_1):
    check(part_1, "4")
    blocks = solutions(part_1, "4")
    assert blocks.count() == 2
    assert visible_count(blocks) == 2
    assert not any(blocks.nth(i).evaluate("(d) => d.open") for i in range(2))
    assert visible_count(part_1.locator(SOLUTIONS)) == 2  # the other questions' still wait
    part_1.locator("#quiz-4 [data-quiz-reset]").click()
    assert visible_count(blocks) == 0


def test_part_1_is_short_with_everything_folded(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(site_url + PART_1)
    assert page.locator("details[open]").count() == 0
    height = page.evaluate("document.body.scrollHeight")
    context.close()
    assert height <= MAX_FOLDED_HEIGHT_PX, height


# --- keyboard only -------------------------------------------------------------------------


def tab_to(page, selector: str, limit: int = 250) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
    )


def test_keyboard_alone_answers_checks_and_resets(part_1):
    tab_to(part_1, "#quiz-1-1")
    assert focus_is_visible(part_1)
    for number, right in enumerate(key("1"), start=1):
        assert part_1.evaluate("document.activeElement.id") == f"quiz-1-{number}"
        if right:
            part_1.keyboard.press("Space")
        part_1.keyboard.press("Tab")
    assert part_1.evaluate("document.activeElement.matches('#quiz-1 [data-quiz-check]')")
    assert focus_is_visible(part_1)
    part_1.keyboard.press("Enter")
    status = part_1.locator("#quiz-1 [data-quiz-score]")
    assert "Question 1: 2 of 2 points" in status.inner_text()
    assert status.get_attribute("aria-live") == "polite"
    part_1.keyboard.press("Tab")
    assert part_1.evaluate("document.activeElement.matches('#quiz-1 [data-quiz-reset]')")
    part_1.keyboard.press("Space")
    assert "reset" in status.inner_text()
    assert not part_1.locator("#quiz-1-2").is_checked()


def test_keyboard_alone_switches_test_mode_and_reveals(part_1):
    tab_to(part_1, ".guide-test-toggle")
    assert focus_is_visible(part_1)
    part_1.keyboard.press("Enter")
    assert part_1.locator(".guide-test-toggle").get_attribute("aria-pressed") == "true"
    tab_to(part_1, "#quiz-1 [data-quiz-check]")
    part_1.keyboard.press("Enter")
    tab_to(part_1, "#quiz-1 [data-quiz-reveal]")
    assert focus_is_visible(part_1)
    part_1.keyboard.press("Enter")
    assert part_1.locator("#quiz-1 .quiz-feedback").first.is_visible()
    assert visible_count(solutions(part_1, "1")) == 2


# --- test mode -----------------------------------------------------------------------------


@pytest.mark.claim("index.md", "every answer stays hidden until you press its Reveal button")
def test_test_mode_hides_answer_and_demonstration_until_revealed(part_1):
    toggle = part_1.locator(".guide-test-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    answer(part_1, "1", key("1"))
    check(part_1, "1")
    assert visible_count(part_1.locator(SOLUTIONS)) == 0
    # One Reveal per question, the quiz's own: no second button per block.
    assert part_1.locator(".guide-reveal--solution").count() == 0
    reveal = part_1.locator("#quiz-1 [data-quiz-reveal]")
    reveal.click()
    assert visible_count(solutions(part_1, "1")) == 2
    assert visible_count(part_1.locator(SOLUTIONS)) == 2
    solutions(part_1, "1").first.locator("summary").click()  # open, then hidden again: closed
    reveal.click()
    assert visible_count(solutions(part_1, "1")) == 0
    toggle.click()  # test mode off: a checked question shows them again, folded
    assert visible_count(solutions(part_1, "1")) == 2
    assert not solutions(part_1, "1").first.evaluate("(d) => d.open")


def test_test_mode_shows_only_the_score_until_the_answers_are_revealed(part_1):
    part_1.locator(".guide-test-toggle").click()
    answer(part_1, "1", key("1"))
    assert check(part_1, "1") == points_of("1")
    feedback = part_1.locator("#quiz-1 .quiz-feedback")
    assert not feedback.first.is_visible()
    # Nor do colours give the answer away.
    marked = part_1.locator("#quiz-1 .quiz-option--right, #quiz-1 .quiz-option--wrong")
    assert marked.count() == 0
    reveal = part_1.locator("#quiz-1 [data-quiz-reveal]")
    assert reveal.is_visible()
    reveal.click()
    assert feedback.first.is_visible()
    assert marked.count() == len(key("1"))
    assert reveal.get_attribute("aria-expanded") == "true"


@pytest.mark.claim("index.md", "on every page, until you switch it off")
def test_test_mode_persists_to_another_page(part_1, site_url):
    part_1.locator(".guide-test-toggle").click()
    part_1.goto(site_url + PART_3)
    assert part_1.locator(".guide-test-toggle").get_attribute("aria-pressed") == "true"
    solutions = part_1.locator("details.success")
    assert solutions.count() >= 1
    assert not any(solutions.nth(i).is_visible() for i in range(solutions.count()))
    part_1.locator(".guide-test-toggle").click()
    assert solutions.first.is_visible()
    assert part_1.evaluate("localStorage.getItem('i2dl-test-mode')") is None


# --- phone, palettes, no JavaScript ---------------------------------------------------------


def test_phone_width_has_no_sideways_scroll_and_large_targets(browser, site_url):
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844})
    page = context.new_page()
    page.goto(site_url + PART_1)
    for question in exam.MULTIPLE_CHOICE:
        check(page, question.label)  # every explanation open: the longest layout
    solutions(page, "1").first.locator("summary").click()  # the answer to question 1, open
    # Neither the quiz, the answers nor the switch is wider than the phone or scrolls sideways.
    # (test_browser_pages checks the whole page, demonstrations included.)
    widths = page.evaluate(
        """() => [...document.querySelectorAll(
              'form.quiz, .guide-toolbar, details.quiz-answer[open]')].map((e) => ({
            right: e.getBoundingClientRect().right, scroll: e.scrollWidth, client: e.clientWidth}))"""
    )
    assert len(widths) == len(exam.MULTIPLE_CHOICE) + 2
    assert all(w["right"] <= PHONE_WIDTH and w["scroll"] <= w["client"] for w in widths), widths
    targets = page.locator(".quiz-choice, .quiz-actions .md-button:visible, .guide-test-toggle")
    heights = [targets.nth(i).bounding_box()["height"] for i in range(targets.count())]
    assert min(heights) >= MIN_TARGET_PX
    context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_checked_quiz_passes_axe_in_both_palettes(part_1, scheme):
    from axe_playwright_python.sync_playwright import Axe

    part_1.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    boxes = key("2")
    boxes[0] = not boxes[0]
    answer(part_1, "2", boxes)
    check(part_1, "2")
    answer(part_1, "1", key("1"))
    check(part_1, "1")
    solutions(part_1, "1").first.locator("summary").click()
    include = [["#quiz-1"], ["#quiz-2"], [".quiz-solutions[data-quiz-for='quiz-1']"]]
    results = Axe().run(part_1, context={"include": [*include, [".guide-toolbar"]]})
    assert results.violations_count == 0, results.generate_report()


def test_without_javascript_the_quiz_reads_and_the_answers_fold(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PART_1)
    assert page.locator("form.quiz input[type=checkbox]").count() == sum(
        len(q.options) for q in exam.MULTIPLE_CHOICE
    )
    assert not page.locator(".quiz-actions").first.is_visible()
    assert not page.locator(".quiz-feedback").first.is_visible()
    page.locator("label[for='quiz-1-1']").click()
    assert page.locator("#quiz-1-1").is_checked()
    # Every answer and demonstration is in view, folded.
    blocks = page.locator(SOLUTIONS)
    assert blocks.count() == 2 * len(exam.MULTIPLE_CHOICE)
    assert visible_count(blocks) == blocks.count()
    assert page.locator(f"{SOLUTIONS}[open]").count() == 0
    answers = page.locator("details.quiz-answer")
    answers.first.locator("summary").click()
    assert exam.MULTIPLE_CHOICE[0].options[0].why in answers.first.inner_text()
    context.close()
