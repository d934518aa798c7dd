"""Every built page on a phone (390 CSS px) and a desktop (1280 CSS px), in headless Chromium.

What does not fit the column scrolls and shows it: every formula, table and figure wider
than its box carries the scroll cue (a shadow at each edge with more to see, drawn by
guide.css for the boxes guide.js marks) and a keyboard can reach it. No label of a figure is
drawn under MIN_TEXT_PX CSS px, at either width: a figure keeps the width at which its
smallest label has that size (snippets/render/svg.py) and scrolls in a narrower column.

Pages come from tests/test_browser_pages.py (so a new page is checked here too), and each is
opened once per width, with every solution open and every tab shown in turn.
"""

from __future__ import annotations

import pytest

from snippets.render.svg import MIN_TEXT_PX
from tests.test_browser_pages import PAGES, PHONE_WIDTH, open_page

pytestmark = pytest.mark.browser

DESKTOP_WIDTH = 1280
WIDTHS = {"phone": PHONE_WIDTH, "desktop": DESKTOP_WIDTH}
# A figure's scale is a float: a label at exactly MIN_TEXT_PX may measure a hair under it.
TEXT_PX_TOLERANCE = 0.01


def each_tab(measure: str) -> str:
    """A script that runs `measure` (a JS function returning a list) on what the page shows,
    then again on each tab of every tabbed set, selected as a reader's click would (guide.js
    listens to the input's change event), after fonts and solutions have settled."""
    return f"""async () => {{
  const measure = {measure};
  const settle = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  await document.fonts.ready;
  await settle();
  const seen = measure();
  for (const input of document.querySelectorAll('.tabbed-set > input')) {{
    input.checked = true;
    input.dispatchEvent(new Event('change', {{bubbles: true}}));
    await settle();
    seen.push(...measure());
  }}
  return seen;
}}"""


# Boxes that scroll sideways, as shown (by more than a pixel of rounding, as guide.js counts):
# whether each has the cue and can be focused.
SCROLL_BOXES = """() => [...document.querySelectorAll(
    '.katex-display, .md-typeset__scrollwrap, figure.guide-svg')]
  .filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
  .map((box) => {
    const style = getComputedStyle(box);
    return {
      box: `${box.className} ${box.textContent.trim().slice(0, 40)}`,
      overflow: box.scrollWidth - box.clientWidth,
      cue: box.classList.contains('guide-scrolls')
        && style.backgroundImage.split('gradient').length - 1 >= 4
        && style.backgroundAttachment.includes('local'),
      focusable: box.tabIndex === 0,
    };
  })"""

# Each label of a visible figure: its rendered size, the font size times the figure's scale.
FIGURE_TEXT = """() => [...document.querySelectorAll('svg.guide-figure')]
  .filter((svg) => svg.checkVisibility())
  .flatMap((svg) => [...svg.querySelectorAll('text, tspan')]
    .filter((t) => [...t.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((t) => {
      const m = t.getScreenCTM();
      return {
        figure: svg.id,
        label: t.textContent.trim(),
        px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
      };
    }))"""


@pytest.fixture(scope="module", params=PAGES)
def name(request) -> str:
    """The page under test; tests run page by page, so each width's tab is opened once."""
    return request.param


@pytest.fixture(scope="module")
def shown(browser, site_url, name):
    """The page at each width with every <details> open: width name -> tab."""
    contexts, tabs = [], {}
    for width_name, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 844})
        contexts.append(context)
        tabs[width_name], _ = open_page(context, site_url, name, palette="light")
    yield tabs
    for context in contexts:
        context.close()


def test_what_scrolls_on_a_phone_shows_it_and_takes_the_keyboard(shown, name):
    boxes = shown["phone"].evaluate(each_tab(SCROLL_BOXES))
    if not boxes:
        pytest.skip(f"{name}: nothing scrolls at {PHONE_WIDTH}px")
    bad = [box for box in boxes if not (box["cue"] and box["focusable"])]
    assert not bad, f"{name}: {len(bad)} of {len(boxes)} scrolling boxes lack the cue:\n" + (
        "\n".join(str(box) for box in bad[:10])
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_figure_label_is_smaller_than_the_minimum(shown, name, width):
    labels = shown[width].evaluate(each_tab(FIGURE_TEXT))
    if not labels:
        pytest.skip(f"{name}: no figure")
    small = [label for label in labels if label["px"] < MIN_TEXT_PX - TEXT_PX_TOLERANCE]
    assert not small, (
        f"{name} at {WIDTHS[width]}px: {len(small)} labels under {MIN_TEXT_PX}px, e.g.\n"
        + "\n".join(f"{s['figure']}: {s['label']!r} at {s['px']:.1f}px" for s in small[:10])
    )


def test_figures_fit_a_desktop_column(shown, name):
    # The width a figure keeps for its labels is narrower than a desktop's column: there it
    # never scrolls.
    wide = shown["desktop"].evaluate(
        each_tab(
            """() => [...document.querySelectorAll('figure.guide-svg')]
              .filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
              .map((box) => `${box.querySelector('svg').id}: ${box.scrollWidth}px`
                            + ` in ${box.clientWidth}px`)"""
        )
    )
    assert not wide, f"{name} at {DESKTOP_WIDTH}px: figures scroll: {sorted(set(wide))}"
