"""The practice pages' answer boxes and pagers, in headless Chromium.

The right answers typed here come from the Python side (`registry.kind(kind).asked`), not
from the page, so a box that checks against a wrong value fails. Each kind has ten variant
pages, reached from one another by a pager; each variant is a form whose boxes are labelled,
checked in the browser within the stated tolerance, told right or wrong in words, usable
with the keyboard alone and on a phone, in both palettes, and nothing leaves the local
server.
"""

from __future__ import annotations

import pytest

from snippets.practice import registry
from snippets.render.practice import (
    SITE_SEEDS,
    VARIANTS,
    any_weight,
    page_link,
    slug,
    tolerance_text,
)
from tests.test_browser_pages import contrast, over

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
# WCAG 2.2, 2.5.8 target size (minimum): 24 CSS pixels, less a pixel of rounding.
MIN_TARGET_PX = 23.5
TEXT_CONTRAST = 4.5  # WCAG 2.1, 1.4.3
PALETTES = {"light": "default", "dark": "slate"}
SEED = SITE_SEEDS[0]


def url(site_url: str, kind: str, number: int = 1) -> str:
    """The address of variant page `number` of `kind` (1: the kind's first page)."""
    return f"{site_url}practice/{page_link(kind, number)}"


def number_of(seed: int) -> int:
    """The variant page that shows `seed`."""
    return VARIANTS[SITE_SEEDS.index(seed)]


def asked(kind: str, seed: int = SEED):
    return registry.kind(kind).asked(registry.problem(kind, seed))


def typed(value: float, tolerance: float) -> str:
    """The answer as a reader would type it: a whole count, or four decimals at most."""
    if tolerance == 0:
        return str(round(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def form(page, kind: str, seed: int = SEED):
    return page.locator(f"#{slug(kind, seed)}")


def box(page, kind: str, key: str, seed: int = SEED):
    return page.locator(f"#{slug(kind, seed)}-{key}")


def all_right(count: int) -> str:
    return "✓ Your answer is right." if count == 1 else f"✓ All {count} answers are right."


def wrong_status(right: int, count: int) -> str:
    """The status line when some answer is wrong: its count and verb agree."""
    if count == 1:
        return "✗ Your answer is not right."
    return f"✗ {right} of {count} answers {'is' if right == 1 else 'are'} right."


def test_wrong_status_agrees_in_number():
    assert wrong_status(0, 1) == "✗ Your answer is not right."
    assert wrong_status(1, 3) == "✗ 1 of 3 answers is right."
    assert wrong_status(2, 3) == "✗ 2 of 3 answers are right."


def check(page, kind: str, seed: int = SEED) -> str:
    form(page, kind, seed).locator("[data-practice-check]").click()
    return form(page, kind, seed).locator("[data-practice-score]").inner_text()


def mark(page, kind: str, key: str, seed: int = SEED) -> str:
    return page.locator(f"#{slug(kind, seed)}-{key}-mark").inner_text()


@pytest.fixture
def opened(page, site_url, requests):
    """Open a practice page by kind, and the number of its variant (1: the first page)."""

    def open_(kind: str, number: int = 1):
        page.goto(url(site_url, kind, number))
        return page

    return open_


@pytest.fixture(scope="module")
def loaded(browser, site_url, kind):
    """The page of `kind` as loaded, shared by the checks that only read it (the tests below
    that type into it load it afresh, and check its requests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url(site_url, kind))
    yield page
    context.close()


# --- the page ------------------------------------------------------------------------------


PAGER_LINKS = """(nav) => Array.from(nav.querySelectorAll('ol a'),
  (a) => [a.href, a.textContent, a.getAttribute('aria-current')])"""


def assert_shows_variant(page, site_url: str, kind: str, number: int) -> None:
    """The page open in `page` is variant page `number` of `kind`: its heading, two pagers
    that link every page of the kind with this one marked, and its labelled boxes."""
    seed = SITE_SEEDS[number - 1]
    assert page.url == url(site_url, kind, number)
    headings = [h.replace("¶", "").strip() for h in page.locator("article h2").all_inner_texts()]
    assert [h for h in headings if h.startswith("Variant")] == [f"Variant {number} (seed {seed})"]
    pagers = page.locator("article nav.practice-pager")
    assert pagers.count() == 2
    for i in range(2):
        assert pagers.nth(i).evaluate(PAGER_LINKS) == [
            [url(site_url, kind, n), str(n), "page" if n == number else None] for n in VARIANTS
        ]
    boxes = form(page, kind, seed).locator("input[data-answer]")
    assert boxes.count() == len(asked(kind, seed))
    for i in range(boxes.count()):
        input_ = boxes.nth(i)
        assert input_.get_attribute("inputmode") == "decimal"
        label = page.locator(f"label[for='{input_.get_attribute('id')}']")
        assert label.count() == 1
        assert label.inner_text().strip()
    status = form(page, kind, seed).locator("[data-practice-score]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("role") == "status"


SHOWN = "(all) => all.filter((d) => d.getClientRects().length > 0).length"


@pytest.mark.claim(
    "practice/index.md",
    "Each variant has boxes for your answers, checked right here in your browser",
)
@pytest.mark.claim("practice/index.md", "and seeds 1 to 10 are the variants on these pages")
@pytest.mark.claim("practice/index.md", "Each kind has ten variants, one a page")
@pytest.mark.claim("practice/index.md", "with links from each page to every other")
@pytest.mark.claim(
    "practice/[!i]*[!0-9].md",
    "the links Variant 1 · 2 · … · 10 above and below it lead to every other.",
)
@pytest.mark.claim(
    "practice/index.md",
    "The Test mode switch at the top of each page hides every solution until you ask for it.",
)
@pytest.mark.parametrize("kind", registry.NAMES)
def test_the_pager_leads_to_every_variant_page_each_with_boxes_and_test_mode(
    page, site_url, requests, kind
):
    # A reader's walk: test mode on at the first page, then Next through all ten pages (on
    # each, the variant, its pagers and its boxes, every solution hidden behind a Reveal),
    # then back one with Previous and to the first with its number.
    page.goto(url(site_url, kind))
    page.locator(".guide-test-toggle").click()
    for number in VARIANTS:
        assert_shows_variant(page, site_url, kind, number)
        solutions = page.locator("article details.success")
        assert solutions.count() >= 1
        assert solutions.evaluate_all(SHOWN) == 0
        assert page.locator(".guide-reveal--solution").count() == solutions.count()
        step = page.locator("article nav.practice-pager").last.locator("a[rel=next]")
        if number == VARIANTS[-1]:
            assert step.count() == 0
        else:
            step.click()
            page.wait_for_url(url(site_url, kind, number + 1))
    page.locator("article nav.practice-pager").first.locator("a[rel=prev]").click()
    page.wait_for_url(url(site_url, kind, VARIANTS[-2]))
    page.locator("article nav.practice-pager").first.get_by_role(
        "link", name="Variant 1", exact=True
    ).click()
    page.wait_for_url(url(site_url, kind))
    assert_shows_variant(page, site_url, kind, 1)


@pytest.mark.parametrize("kind", registry.NAMES, scope="module")
def test_page_ids_are_unique(loaded, kind):
    duplicates = loaded.evaluate(
        """() => { const seen = {}; document.querySelectorAll('[id]').forEach(
             (e) => { seen[e.id] = (seen[e.id] || 0) + 1; });
           return Object.keys(seen).filter((id) => seen[id] > 1); }"""
    )
    assert duplicates == []


@pytest.mark.parametrize("kind", registry.NAMES, scope="module")
def test_the_tolerance_is_stated_on_the_page(loaded, kind):
    hint = form(loaded, kind).locator(".quiz-hint").inner_text()
    tolerances = {item.tolerance for item in asked(kind)}
    for tolerance in tolerances:
        assert ("exact" in hint) if tolerance == 0 else (f"±{tolerance:g}" in hint), hint


# --- checking answers ----------------------------------------------------------------------


@pytest.mark.claim(
    "practice/index.md",
    "Each variant has boxes for your answers, checked right here in your browser",
)
@pytest.mark.claim(
    "practice/index.md",
    "Each box says whether it is right, in words and with a ✓ or ✗",
)
@pytest.mark.claim("index.md", "with answer boxes that check you as you go")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_right_answers_are_checked_right(opened, kind):
    page = opened(kind)
    items = asked(kind)
    for item in items:
        box(page, kind, item.key).fill(typed(item.value, item.tolerance))
    assert check(page, kind) == all_right(len(items))
    for item in items:
        assert mark(page, kind, item.key) == "✓ Right."
        assert box(page, kind, item.key).get_attribute("aria-invalid") is None


@pytest.mark.claim(
    "practice/index.md",
    "Each box says whether it is right, in words and with a ✓ or ✗",
)
@pytest.mark.parametrize("kind", registry.NAMES)
def test_a_wrong_answer_is_told_in_words_not_colour_alone(opened, kind):
    page = opened(kind)
    items = asked(kind)
    wrong, *rest = items
    box(page, kind, wrong.key).fill(typed(wrong.value + 2 * wrong.tolerance + 1, wrong.tolerance))
    for item in rest:
        box(page, kind, item.key).fill(typed(item.value, item.tolerance))
    status = check(page, kind)
    assert status.startswith(wrong_status(len(items) - 1, len(items)))
    assert f"Not right: {wrong.text}." in status
    assert mark(page, kind, wrong.key).startswith("✗ Not right")
    assert box(page, kind, wrong.key).get_attribute("aria-invalid") == "true"


@pytest.mark.claim("practice/logistic-step.md", "Answers count as right within")
@pytest.mark.claim("practice/backprop.md", "of the exact value counts as right")
@pytest.mark.claim("practice/conv-forward.md", "of the exact value counts as right")
@pytest.mark.claim("practice/conv-backward.md", "of the exact value counts as right")
@pytest.mark.claim("practice/conv-shape.md", "Counts must be exact.")
@pytest.mark.claim("practice/param-count.md", "Counts must be exact.")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_the_tolerance_is_the_stated_one(opened, kind):
    # What the introduction and the variant's form state is what the boxes take: a number
    # within the tolerance (either side) is right, one beyond it is not; a count must be exact.
    page = opened(kind)
    spec = registry.kind(kind)
    stated = tolerance_text(any_weight(spec.asked(spec.exam_problem())))
    assert stated in page.locator("article").inner_text()
    items = asked(kind)
    assert tolerance_text(items) in form(page, kind).locator(".quiz-hint").inner_text()
    for item in items:
        field = box(page, kind, item.key)
        if item.tolerance:
            right = [item.value + 0.9 * item.tolerance, item.value - 0.9 * item.tolerance]
            wrong = [item.value + 1.1 * item.tolerance, item.value - 1.1 * item.tolerance]
        else:
            right, wrong = [item.value], [item.value + 1, item.value - 0.5]
        for value, verdict in [*((v, "✓ Right.") for v in right), *((v, "✗") for v in wrong)]:
            field.fill(repr(value) if item.tolerance else str(value))
            check(page, kind)
            assert mark(page, kind, item.key).startswith(verdict), (item, value)


@pytest.mark.claim("practice/logistic-step.md", "Type a decimal point or a comma")
@pytest.mark.claim("practice/backprop.md", "Type a decimal point or a comma")
@pytest.mark.claim("practice/conv-forward.md", "Type a decimal point or a comma")
@pytest.mark.claim("practice/conv-backward.md", "Type a decimal point or a comma")
@pytest.mark.claim("practice/index.md", "A comma works as the decimal mark too.")
@pytest.mark.parametrize("kind", ["logistic-step", "backprop", "conv-forward", "conv-backward"])
def test_a_comma_and_a_true_minus_sign_are_read_as_a_number(opened, kind):
    page = opened(kind)
    items = asked(kind)
    item = min(items, key=lambda i: (i.value >= 0, i.value == int(i.value)))  # -1.5 if any
    field = box(page, kind, item.key)
    field.fill(f"{item.value:.4f}".replace(".", ",").replace("-", "\u2212"))
    check(page, kind)
    assert mark(page, kind, item.key) == "✓ Right."


@pytest.mark.claim("practice/conv-shape.md", "a comma or space between thousands is fine")
@pytest.mark.claim("practice/param-count.md", "a comma or space between thousands is fine")
def test_a_count_may_have_thousands_separators(opened, site_url):
    seed = next(s for s in SITE_SEEDS if asked("param-count", s)[0].value >= 1000)
    page = opened("param-count", number_of(seed))
    (item,) = asked("param-count", seed)
    for text in (f"{round(item.value):,}", f"{round(item.value):,}".replace(",", " ")):
        box(page, "param-count", item.key, seed).fill(text)
        assert check(page, "param-count", seed) == all_right(1), text
    box(page, "param-count", item.key, seed).fill(str(round(item.value) + 1))
    assert check(page, "param-count", seed).startswith("✗")
    assert "exact" in mark(page, "param-count", item.key, seed)
    # The other page of counts reads them the same way: a number, only not the right one.
    page = opened("conv-shape")
    item = asked("conv-shape")[0]
    for text in ("1,234", "1 234"):
        box(page, "conv-shape", item.key).fill(text)
        check(page, "conv-shape")
        assert mark(page, "conv-shape", item.key) == "✗ Not right: a count must be exact."


def test_text_that_is_not_a_number_is_told_so(opened):
    page = opened("conv-shape")
    item = asked("conv-shape")[0]
    box(page, "conv-shape", item.key).fill("fifteen")
    check(page, "conv-shape")
    assert mark(page, "conv-shape", item.key).startswith("✗ Not a number")


def test_empty_boxes_are_counted_not_marked_wrong(opened):
    page = opened("conv-forward")
    items = asked("conv-forward")
    assert check(page, "conv-forward") == (
        "No answers yet: type a number in each box, then press Check."
    )
    box(page, "conv-forward", items[0].key).fill(typed(items[0].value, items[0].tolerance))
    status = check(page, "conv-forward")
    assert f"{len(items) - 1} boxes are still empty" in status
    assert mark(page, "conv-forward", items[1].key) == "No answer yet."


def test_changing_an_answer_after_check_asks_to_check_again(opened):
    page = opened("conv-backward")
    item = asked("conv-backward")[0]
    box(page, "conv-backward", item.key).fill(typed(item.value, item.tolerance))
    check(page, "conv-backward")
    box(page, "conv-backward", item.key).fill("1234")
    status = form(page, "conv-backward").locator("[data-practice-score]").inner_text()
    assert "press Check to check again" in status
    assert mark(page, "conv-backward", item.key) == ""


def test_clear_empties_every_box(opened):
    page = opened("backprop")
    for item in asked("backprop"):
        box(page, "backprop", item.key).fill("1")
    check(page, "backprop")
    form(page, "backprop").locator("[data-practice-clear]").click()
    values = (
        form(page, "backprop")
        .locator("input[data-answer]")
        .evaluate_all("(boxes) => boxes.map((b) => b.value + b.getAttribute('aria-invalid'))")
    )
    assert set(values) == {"null"}
    assert "Cleared" in form(page, "backprop").locator("[data-practice-score]").inner_text()


def test_nothing_is_stored_in_the_browser(opened):
    page = opened("conv-shape")
    before = page.evaluate("Object.keys(localStorage)")
    item = asked("conv-shape")[0]
    box(page, "conv-shape", item.key).fill(typed(item.value, item.tolerance))
    check(page, "conv-shape")
    assert page.evaluate("Object.keys(localStorage)") == before


# --- test mode ------------------------------------------------------------------------------


@pytest.mark.claim(
    "practice/index.md",
    "The Test mode switch at the top of each page hides every solution until you ask for it.",
)
@pytest.mark.parametrize("kind", registry.NAMES)
def test_test_mode_hides_every_solution_until_revealed(opened, kind):
    # On a generated page (the first is walked by the pager test above, test mode on).
    number = VARIANTS[-1]
    page = opened(kind, number)
    toggle = page.locator(".guide-test-toggle")
    # At the top: before the variant.
    assert toggle.evaluate(
        "(t) => Boolean(t.compareDocumentPosition(document.querySelector('article h2'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    solutions = page.locator("article details.success")
    count = solutions.count()
    assert count >= 1
    assert solutions.evaluate_all(SHOWN) == count  # folded, but there to open
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert solutions.evaluate_all(SHOWN) == 0
    reveal = page.locator(".guide-reveal--solution")
    assert reveal.count() == count  # one Reveal per solution
    reveal.first.click()
    assert solutions.evaluate_all(SHOWN) == 1
    assert solutions.first.evaluate("(d) => d.open")
    seed = SITE_SEEDS[number - 1]
    assert form(page, kind, seed).locator("input[data-answer]").first.is_visible()  # boxes stay
    toggle.click()
    assert solutions.evaluate_all(SHOWN) == count


# --- keyboard, phone, palettes -------------------------------------------------------------


@pytest.mark.claim("practice/[!i]*.md", "press Enter or Check to check every box")
@pytest.mark.claim("practice/[!i]*[!0-9].md", "press Check (or Enter)")
@pytest.mark.claim("practice/index.md", "press Check (or Enter)")
@pytest.mark.parametrize("kind", registry.NAMES)
def test_keyboard_alone_fills_and_checks_a_variant(opened, kind):
    page = opened(kind)
    items = asked(kind)
    box(page, kind, items[0].key).focus()
    for n, item in enumerate(items):
        assert page.evaluate("document.activeElement.id") == f"{slug(kind, SEED)}-{item.key}"
        page.keyboard.type(typed(item.value, item.tolerance))
        if n < len(items) - 1:
            page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Enter in a box checks every box of the form
    status = form(page, kind).locator("[data-practice-score]")
    assert status.inner_text() == all_right(len(items))
    form(page, kind).locator("[data-practice-clear]").focus()
    page.keyboard.press("Shift+Tab")  # back to Check, then activate it with the space bar
    assert page.evaluate("document.activeElement.hasAttribute('data-practice-check')")
    page.keyboard.press(" ")
    assert status.inner_text() == all_right(len(items))


@pytest.mark.parametrize("kind", registry.NAMES)
def test_boxes_and_pager_fit_and_can_be_tapped_on_a_phone(browser, site_url, kind):
    # A page in the middle: its pagers have both a previous and a next link.
    number = VARIANTS[len(VARIANTS) // 2]
    seed = SITE_SEEDS[number - 1]
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844})
    try:
        page = context.new_page()
        page.goto(url(site_url, kind, number))
        items = asked(kind, seed)
        for item in items:
            box(page, kind, item.key, seed).fill(typed(item.value, item.tolerance))
        assert check(page, kind, seed) == all_right(len(items))
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        rects = (
            "(els) => els.map((e) => { const r = e.getBoundingClientRect();"
            " return [e.id || e.textContent, r.left, r.right, r.width, r.height]; })"
        )
        targets = form(page, kind, seed).locator("input, button").evaluate_all(rects)
        links = page.locator("article nav.practice-pager a").evaluate_all(rects)
        pager_height = page.locator("article nav.practice-pager").first.evaluate(
            "(nav) => nav.getBoundingClientRect().height"
        )
        line = page.locator("article p").first.evaluate(
            "(p) => parseFloat(getComputedStyle(p).lineHeight)"
        )
    finally:
        context.close()
    assert width <= PHONE_WIDTH
    for name, left, right, _, height in targets:
        assert left >= 0, (name, left)
        assert right <= PHONE_WIDTH, (name, right)
        assert height >= MIN_TARGET_PX, (name, height)
    assert len(links) == 2 * (len(VARIANTS) + 2)  # each pager: ten numbers, previous, next
    for name, left, right, link_width, height in links:
        assert left >= 0, (name, left)
        assert right <= PHONE_WIDTH, (name, right)
        assert min(link_width, height) >= MIN_TARGET_PX, (name, link_width, height)
    # Small: the numbers on one line, previous and next on at most one more.
    assert pager_height <= 2 * max(line, MIN_TARGET_PX) + 8, pager_height


@pytest.mark.parametrize("palette", PALETTES)
def test_right_and_wrong_are_readable_in_both_palettes(opened, palette):
    page = opened("backprop")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{PALETTES[palette]}')")
    right, wrong, *_ = asked("backprop")
    box(page, "backprop", right.key).fill(typed(right.value, right.tolerance))
    box(page, "backprop", wrong.key).fill(typed(wrong.value + 1, wrong.tolerance))
    check(page, "backprop")
    for key in (right.key, wrong.key):
        colour, background = page.evaluate(
            """(id) => { const e = document.getElementById(id);
               let b = e; let bg = 'rgba(0, 0, 0, 0)';
               while (b && /rgba\\(.*, 0\\)|transparent/.test(bg)) {
                 bg = getComputedStyle(b).backgroundColor; b = b.parentElement; }
               return [getComputedStyle(e).color, bg]; }""",
            f"{slug('backprop', SEED)}-{key}-mark",
        )
        assert contrast(over(colour, background), background) >= TEXT_CONTRAST, (key, colour)
