"""Every built page, in headless Chromium: private, offline, accessible, readable, printable,
on a phone (390 CSS px) and a desktop (1280 CSS px).

Each check runs on every HTML page of the built site (the session's one strict build, served
on loopback by the `site_url` fixture), so pages written later are checked without a change
here; `test_every_built_page_is_checked` fails if the list of pages ever misses a built one.
Tests are grouped by page (the module-scoped `name` fixture), and the checks that only read
a page share its tabs: one per palette at desktop width (axe scans each once), one on a
phone, one printed; only the PDF, printed with scripts off, loads the page again.

How the suite shows that the guide needs no network:

- the build: the `site` fixture (tests/conftest.py) runs the strict build inside
  `unshare --net`, a network namespace whose only interface is loopback, so a build step
  that reached for the network would fail the build. `test_the_build_ran_without_network`
  checks that this namespace really has no interface but loopback; in CI
  (`I2DL_REQUIRE_OFFLINE=1`, set by .ci/run) it fails instead of skipping where `unshare`
  is missing;
- the pages: `test_no_request_leaves_the_site` records every request a page makes while it
  loads, opens its solutions and switches palette, and allows only the site's own origin
  and data: URLs (any other request is recorded, aborted and reported);
- the HTML and CSS: tests/test_site.py scans them for third-party URLs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import pytest

from snippets.mdext import notebooks
from snippets.render.svg import MIN_TEXT_PX
from tests.conftest import REQUIRE_OFFLINE, ROOT, offline_prefix

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
# A phone in portrait and a desktop (CSS pixels): at neither does the page scroll sideways.
PHONE_WIDTH = 390
DESKTOP_WIDTH = 1280
# WCAG 2.1, 1.4.11 non-text contrast: lines and text of a figure against the page.
FIGURE_CONTRAST = 3.0
# WCAG 2.1, 1.4.3: body text against its background.
TEXT_CONTRAST = 4.5
# axe-core impacts that fail a page.
FAILING_IMPACTS = ("serious", "critical")
# Material's data-md-color-scheme of each palette in mkdocs.yml.
PALETTES = {"light": "default", "dark": "slate"}
# Text a reader should never see: TeX that KaTeX did not render.
RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\(?:frac|begin|end|left|right|mathrm|partial|cdot|sigma)\b"
    r"|\$[^$\s][^$\n]*\$"
)
# Shown on screen, never on paper: Material's chrome and the guide's own controls.
SCREEN_ONLY = (
    ".md-header",
    ".md-tabs",
    ".md-sidebar",
    ".md-footer",
    ".md-top",
    ".md-dialog",
    ".md-search",
    "nav",
    "button",
    "[role='button']",
    "input[type='button']",
    "input[type='submit']",
    ".guide-toolbar",
    ".quiz-actions",
)


def html_pages() -> list[str]:
    """The page each Markdown file builds to (use_directory_urls is off), and Material's 404."""
    names = {path.relative_to(DOCS).with_suffix(".html").as_posix() for path in DOCS.rglob("*.md")}
    return sorted(names | {"404.html"})


PAGES = html_pages()


def test_every_built_page_is_checked(site):
    # The notebook pages (made by mkdocs-jupyter, not from docs/) have their own browser
    # checks in tests/test_notebooks.py.
    built = {
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if path.relative_to(site).parts[0] not in {"assets", "search", notebooks.FOLDER}
    }
    assert built == set(PAGES)


# --- opening a page ------------------------------------------------------------------------


@dataclass
class Visit:
    """What a page did while it was open: its requests and its errors."""

    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        return url.startswith((self.origin, "data:"))

    def foreign(self) -> list[str]:
        return [url for url in self.requests if not self.allowed(url)]


OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def open_page(context, site_url: str, name: str, *, palette: str, details: bool = True):
    """A tab of `context` showing `name` in `palette`, recording its requests and errors."""
    tab = context.new_page()
    record = Visit(origin=site_url)
    tab.on("request", lambda request: record.requests.append(request.url))
    tab.on("pageerror", lambda error: record.errors.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            message.type == "error" and record.errors.append(f"console error: {message.text}")
        ),
    )

    def route(route):
        # Nothing leaves the machine, even when a page asks for it (the test still sees it).
        if record.allowed(route.request.url):
            route.continue_()
        else:
            route.abort()

    tab.route("**/*", route)
    tab.emulate_media(color_scheme=palette)
    tab.goto(site_url + name, wait_until="load")
    scheme = PALETTES[palette]
    tab.evaluate(f"() => document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    if details:
        tab.evaluate(OPEN_DETAILS)
    return tab, record


@pytest.fixture(scope="module", params=PAGES)
def name(request) -> str:
    """The page under test; tests run page by page, so a page's tabs are opened once."""
    return request.param


@pytest.fixture(scope="module")
def screen(browser, site_url, name):
    """The page in each palette with every <details> open, shared by the tests that only read
    it: palette -> (tab, what the tab did)."""
    context = browser.new_context(viewport={"width": DESKTOP_WIDTH, "height": 900})
    tabs = {palette: open_page(context, site_url, name, palette=palette) for palette in PALETTES}
    yield tabs
    context.close()


@pytest.fixture(scope="module")
def printed(browser, site_url, name):
    """The page as print media, from the dark palette, in test mode, no <details> opened."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab, _ = open_page(context, site_url, name, palette="dark", details=False)
    tab.evaluate("() => document.documentElement.classList.add('guide-test-mode')")
    tab.emulate_media(media="print")
    yield tab
    context.close()


# --- private and offline -------------------------------------------------------------------


def test_no_request_leaves_the_site(screen, name):
    requests = []
    for tab, record in screen.values():
        tab.wait_for_load_state("networkidle")
        requests += record.requests
        assert not record.foreign(), f"{name} requests {record.foreign()}"
    assert requests, "no request recorded: the recorder is not working"


def test_no_console_or_page_error(screen, name):
    for palette, (tab, record) in screen.items():
        tab.wait_for_load_state("networkidle")
        assert not record.errors, f"{name}, {palette} palette: {record.errors}"


def test_the_build_ran_without_network(site):
    """The fixture's build namespace has loopback only; in CI it must exist."""
    prefix = offline_prefix()
    if not prefix:
        if REQUIRE_OFFLINE:
            pytest.fail("I2DL_REQUIRE_OFFLINE is set, but `unshare --net` is not available")
        pytest.skip("no network namespace here (unshare --net); CI checks this")
    probe = "import socket; print(sorted(name for _, name in socket.if_nameindex()))"
    result = subprocess.run(
        [*prefix, sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['lo']", result.stdout
    assert any(site.glob("*.html"))


LINKS = """() => [...document.querySelectorAll('a[href]')].map((a) => a.href)"""


def test_every_link_on_the_page_resolves(screen, site, site_url, name):
    tab, _ = screen["light"]
    broken = []
    for href in tab.evaluate(LINKS):
        if not href.startswith(site_url):
            continue
        url = urlparse(href)
        path = site / unquote(url.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            broken.append(f"{href}: no such file")
        elif url.fragment and path.suffix == ".html":
            ids = re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8"))
            if unquote(url.fragment) not in ids:
                broken.append(f"{href}: no such anchor")
    assert not broken, f"{name} links to:\n" + "\n".join(sorted(set(broken)))


# --- math and figures ----------------------------------------------------------------------

VISIBLE_TEXT = """() => {
  const skip = 'pre, code, script, style, .katex-mathml, annotation, textarea';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
    if (node.textContent.trim()) texts.push(node.textContent);
  }
  const errors = [...document.querySelectorAll('.katex-error')].map((e) => e.textContent);
  return {texts, errors};
}"""


def test_no_raw_tex_is_visible(screen, name):
    tab, _ = screen["light"]
    seen = tab.evaluate(VISIBLE_TEXT)
    raw = [text.strip()[:120] for text in seen["texts"] if RAW_TEX.search(text)]
    assert not raw, f"{name} shows TeX: {raw}"
    assert not seen["errors"], f"{name} has KaTeX errors: {seen['errors']}"


FIGURES = """() => {
  // A figure in a tab that is not selected: select its tab first.
  const select = (figure) => {
    const block = figure.closest('.tabbed-block');
    if (!block) return;
    const index = [...block.parentElement.children].indexOf(block);
    const input = block.closest('.tabbed-set').querySelectorAll(':scope > input')[index];
    if (input) input.checked = true;
  };
  return [...document.querySelectorAll('svg.guide-figure, img')].map((figure) => {
    select(figure);
    const box = figure.getBoundingClientRect();
    const isImg = figure.tagName.toLowerCase() === 'img';
    // The room the column gives a figure: its container's content box, at most 42rem.
    const holder = (figure.closest('figure') || figure).parentElement;
    const style = getComputedStyle(holder);
    const column = holder.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // A figure may cap its own width (render/svg.py: labels at text size, no larger).
    const cap = parseFloat(getComputedStyle(figure.closest('figure') || figure).maxWidth);
    const room = Number.isNaN(cap) ? column : Math.min(column, cap);
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    const label = isImg ? figure.getAttribute('alt') : figure.getAttribute('aria-label');
    return {
      what: isImg ? `img ${figure.getAttribute('src')}` : `svg #${figure.id}`,
      label: (label || '').trim(),
      role: figure.getAttribute('role'),
      isImg,
      visible: figure.checkVisibility(),
      width: box.width,
      height: box.height,
      room: Math.min(room, 42 * rem),
    };
  });
}"""


def test_every_figure_has_a_text_alternative_and_is_visible(screen, name):
    tab, _ = screen["light"]
    for figure in tab.evaluate(FIGURES):
        assert figure["label"], f"{name}: {figure['what']} has no text alternative"
        assert figure["isImg"] or figure["role"] == "img", (
            f"{name}: {figure['what']} needs role=img"
        )
        shown = figure["visible"] and min(figure["width"], figure["height"]) > 0
        assert shown, f"{name}: {figure['what']} is not visible ({figure})"
        # An <svg> sized by its content alone falls back to 300 px: unreadable labels. A figure
        # takes the column's width, or its own cap where it sets one.
        fills = figure["isImg"] or figure["width"] >= 0.95 * figure["room"]
        assert fills, f"{name}: {figure['what']} does not take its width ({figure})"


# --- accessibility -------------------------------------------------------------------------

# Violations in files this suite's author does not own: rule -> the targets (regular
# expressions) that still have it, each with its fix. Remove an entry once it is fixed.
AWAITING_FIX: dict[str, str] = {
    # Violations known and tolerated until their fix lands: rule id -> target pattern.
    # guide.js names the theme's search dialog and makes overflowing formulas focusable.
}
# Not given to axe: figures (role="img"; their contrast is checked below from the rendered
# colours) and KaTeX's visual HTML (aria-hidden; it takes the colour of the text around it,
# and assistive technology reads its MathML, which axe does check). Leaving them out keeps
# a chapter's scan to a few seconds.
AXE_CONTEXT = {"exclude": [["svg.guide-figure"], [".katex-html"]]}
# The palettes differ only in colour: the dark one is scanned with the rules about colour.
AXE_OPTIONS = {
    "light": {"resultTypes": ["violations"]},
    "dark": {"resultTypes": ["violations"], "runOnly": ["color-contrast", "link-in-text-block"]},
}


@pytest.mark.parametrize("palette", PALETTES)
def test_no_serious_accessibility_violation(screen, name, palette):
    from axe_playwright_python.sync_playwright import Axe

    tab, _ = screen[palette]
    results = Axe().run(tab, context=AXE_CONTEXT, options=AXE_OPTIONS[palette])
    failing = [
        f"{v['id']} ({v['impact']}): {v['help']} at {target}"
        for v in results.response["violations"]
        if v["impact"] in FAILING_IMPACTS
        for target in (" ".join(map(str, node["target"])) for node in v["nodes"])
        if not re.search(AWAITING_FIX.get(v["id"], r"(?!)"), target)
    ]
    assert not failing, f"{name}, {palette} palette:\n" + "\n".join(failing[:20])


# --- figures readable in both palettes and on paper ----------------------------------------

FIGURE_PAINT = """() => {
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      const alpha = colour.match(/rgba\\(.*,\\s*([0-9.]+)\\)/);
      if (colour !== 'transparent' && !(alpha && Number(alpha[1]) === 0)) return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  const opacity = (element, svg) => {
    let value = 1;
    for (let e = element; e && e !== svg.parentElement; e = e.parentElement) {
      value *= Number(getComputedStyle(e).opacity);
    }
    return value;
  };
  const shapes = 'path, line, polyline, polygon, rect, circle, ellipse, use';
  const paints = [];
  const figures = [...document.querySelectorAll('svg.guide-figure')];
  for (const svg of figures) {
    const page = background(svg);
    for (const element of svg.querySelectorAll(`text, tspan, ${shapes}`)) {
      if (element.closest('defs, clipPath, mask, pattern, marker')) continue;
      if (opacity(element, svg) === 0) continue;
      const style = getComputedStyle(element);
      const tag = element.tagName.toLowerCase();
      const text = tag === 'text' || tag === 'tspan';
      const add = (kind, colour, alpha) => {
        if (colour === 'none' || alpha === 0) return;
        paints.push({figure: svg.id, tag, kind, colour, page,
                     what: (element.textContent || element.getAttribute('d') || '').slice(0, 40)});
      };
      add(text ? 'text' : 'fill', style.fill, Number(style.fillOpacity));
      if (parseFloat(style.strokeWidth) > 0) add('line', style.stroke, Number(style.strokeOpacity));
      // A <use> draws a shape from <defs>: the shape's own strokes and fills count too.
      const href = element.getAttribute('href') || element.getAttribute('xlink:href');
      const shape = tag === 'use' && href && svg.querySelector(href);
      if (shape) {
        const own = getComputedStyle(shape);
        if (shape.style.stroke && parseFloat(own.strokeWidth) > 0)
          add('line', own.stroke, Number(own.strokeOpacity));
        if (shape.style.fill) add('fill', own.fill, Number(own.fillOpacity));
      }
    }
  }
  return {count: figures.length, paints};
}"""


def rgb(colour: str) -> tuple[float, float, float, float]:
    """(r, g, b, alpha) of a computed CSS colour such as 'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)'."""
    match = re.fullmatch(r"rgba?\(([^)]*)\)", colour.strip())
    if not match:
        raise ValueError(f"colour must be a computed rgb() or rgba() value, got {colour!r}")
    parts = [float(p) for p in re.split(r"[\s,/]+", match.group(1).strip()) if p]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def over(colour: str, background: str) -> str:
    """`colour`, with its alpha, painted over an opaque `background`: an opaque rgb()."""
    *front, alpha = rgb(colour)
    back = rgb(background)[:3]
    r, g, b = (alpha * f + (1 - alpha) * k for f, k in zip(front, back, strict=True))
    return f"rgb({r}, {g}, {b})"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance: 0.2126 R + 0.7152 G + 0.0722 B of linearised sRGB."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgb(colour)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio (L1 + 0.05) / (L2 + 0.05), lighter over darker."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_matches_wcag_examples():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)
    assert contrast("rgba(10, 20, 30, 0.5)", "rgb(10, 20, 30)") == 1
    assert over("rgba(0, 0, 0, 0.5)", "rgb(255, 255, 255)") == "rgb(127.5, 127.5, 127.5)"


def unreadable(paint: dict) -> str | None:
    """Why a painted element of a figure is hard to see on its page, or None.

    Text and lines need 3:1 against the page. Fills may be soft (a highlight behind a cell)
    but, on a dark page, never darker than the page: that is black drawn on dark.
    """
    page, colour = paint["page"], paint["colour"]
    dark_page = relative_luminance(page) < relative_luminance("rgb(128, 128, 128)")
    if dark_page and relative_luminance(colour) < relative_luminance(page):
        return f"darker than the dark page ({colour} on {page})"
    if paint["kind"] in {"text", "line"} and contrast(colour, page) < FIGURE_CONTRAST:
        return f"contrast {contrast(colour, page):.2f} < {FIGURE_CONTRAST} ({colour} on {page})"
    return None


def assert_figures_readable(tab, where: str) -> None:
    found = tab.evaluate(FIGURE_PAINT)
    if not found["count"]:
        pytest.skip(f"{where}: no figure")
    assert found["paints"], "figures were found but nothing painted in them"
    bad: dict[str, str] = {}
    for paint in found["paints"]:
        reason = unreadable(paint)
        if reason:
            key = f"{paint['figure']}: {paint['kind']} of <{paint['tag']}> {reason}"
            bad.setdefault(key, paint["what"])
    assert not bad, f"{where}:\n" + "\n".join(
        f"{key} e.g. {what!r}" for key, what in list(bad.items())[:15]
    )


@pytest.mark.parametrize("palette", PALETTES)
def test_figures_are_readable_on_the_page(screen, name, palette):
    tab, _ = screen[palette]
    assert_figures_readable(tab, f"{name}, {palette} palette")


def test_figures_are_readable_on_paper_printed_from_the_dark_palette(printed, name):
    assert_figures_readable(printed, f"{name}, printed")


# --- print ---------------------------------------------------------------------------------

PRINTED = """(selectors) => {
  const visible = (e) => e.checkVisibility() && e.getBoundingClientRect().height > 0;
  const chrome = selectors.flatMap((selector) =>
    [...document.querySelectorAll(selector)].filter(visible).map((e) =>
      `${selector}: ${e.outerHTML.slice(0, 80)}`));
  // Every child of a <details> that has something to show: text, a figure, a formula.
  const content = (e) => e.textContent.trim() || e.querySelector('svg, img');
  const hidden = [...document.querySelectorAll('details')].flatMap((details) =>
    [...details.children].filter((c) => c.tagName !== 'SUMMARY' && content(c) && !visible(c))
      .map((c) => `${details.querySelector('summary')?.textContent.trim()}: `
                  + c.outerHTML.slice(0, 80)));
  return {chrome, hidden};
}"""


def test_print_shows_content_only_with_every_solution_expanded(printed, name):
    shown = printed.evaluate(PRINTED, list(SCREEN_ONLY))
    assert not shown["chrome"], f"{name} prints:\n" + "\n".join(shown["chrome"])
    assert not shown["hidden"], f"{name} hides on paper:\n" + "\n".join(shown["hidden"][:20])


def test_print_is_dark_ink_on_white_from_either_palette(printed, name):
    ink, paper = printed.evaluate(
        """() => [getComputedStyle(document.querySelector('.md-typeset')).color,
                  getComputedStyle(document.body).backgroundColor]"""
    )
    assert relative_luminance(paper) > relative_luminance("rgb(250, 250, 250)"), (
        f"{name} prints on {paper}"
    )
    assert contrast(over(ink, paper), paper) >= TEXT_CONTRAST, f"{name} prints {ink} on {paper}"


SOLUTION_TEXT = """() => {
  const title = [...document.querySelector('h1').childNodes]
    .filter((n) => !(n.classList && n.classList.contains('headerlink')))
    .map((n) => n.textContent).join('');
  const details = document.querySelector('details.success') || document.querySelector('details');
  const block = details && [...details.querySelectorAll('p, li')]
    .find((e) => !e.closest('summary') && !e.querySelector('.katex, code, svg')
                 && e.textContent.trim().length > 20);
  return {title, solution: block ? block.textContent : null};
}"""


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF written by Chromium: its glyphs mapped back through ToUnicode CMaps.

    Enough for Chromium's output (Type0 fonts with Identity-H encoding, font resources
    named after their object, hex strings in Tj and TJ); not a general PDF reader.
    """
    objects: dict[int, tuple[bytes, bytes]] = {}  # number -> (dictionary, stream)
    for m in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*(stream\r?\n)?", pdf, re.DOTALL):
        head = m.group(2)
        length = re.search(rb"/Length (\d+)(?! \d+ R)", head)
        body = pdf[m.end() : m.end() + int(length.group(1))] if m.group(3) and length else b""
        if body and b"/FlateDecode" in head:
            body = zlib.decompress(body)
        objects[int(m.group(1))] = (head, body)

    def cmap(text: bytes) -> dict[int, str]:
        table = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.DOTALL):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.DOTALL):
            pattern = rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>"
            for lo, hi, dst in re.findall(pattern, block):
                for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[code] = chr(int(dst, 16) + offset)
        return table

    fonts = {
        f"F{number}": cmap(objects[int(ref)][1])
        for number, (head, _) in objects.items()
        for ref in re.findall(rb"/ToUnicode (\d+) 0 R", head)
    }
    text = []
    for _, content in objects.values():
        if b" Tf" not in content:
            continue
        font: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+) [0-9.]+ Tf|<([0-9A-Fa-f]*)>|BT", content):
            if token.group(1):
                font = fonts.get(token.group(1).decode(), {})
            elif token.group(2) is not None:
                codes = token.group(2).decode()
                text += [font.get(int(codes[i : i + 4], 16), "") for i in range(0, len(codes), 4)]
            else:
                text.append("\n")
    return "".join(text)


def squeezed(text: str) -> str:
    """Text without whitespace: PDF text runs do not keep the page's spaces faithfully."""
    return re.sub(r"\s+", "", text)


def test_printed_pdf_shows_the_solutions(browser, site_url, name):
    # Scripts off: on paper the solutions must open by print.css alone (Material's script
    # opens them too when a reader prints, but not in every browser or reader mode).
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url + name, wait_until="load")
        expected = tab.evaluate(SOLUTION_TEXT)
        pdf = tab.pdf(format="A4")
    finally:
        context.close()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > 0
    text = squeezed(pdf_text(pdf))
    assert squeezed(expected["title"]) in text, f"{name}: the title is not in the PDF"
    if expected["solution"]:
        assert squeezed(expected["solution"])[:60] in text, (
            f"{name}: the first solution is not in the PDF: {expected['solution'][:80]!r}"
        )


# --- phone and desktop widths --------------------------------------------------------------
#
# What does not fit the column scrolls and shows it: every formula, table and figure wider
# than its box carries the scroll cue (a shadow at each edge with more to see, drawn by
# guide.css for the boxes guide.js marks) and a keyboard can reach it. No label of a figure is
# drawn under MIN_TEXT_PX CSS px, at either width: a figure keeps the width at which its
# smallest label has that size (snippets/render/svg.py) and scrolls in a narrower column.
# The desktop checks read the light palette's tab of `screen` (1280 px); they run after the
# checks above, since they show every tab of the page in turn.

# A figure's scale is a float: a label at exactly MIN_TEXT_PX may measure a hair under it.
TEXT_PX_TOLERANCE = 0.01


@pytest.fixture(scope="module")
def phone(browser, site_url, name):
    """The page on a phone in portrait, light palette, every <details> open."""
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844})
    tab, _ = open_page(context, site_url, name, palette="light")
    yield tab
    context.close()


@pytest.fixture(scope="module")
def widths(screen, phone):
    """The page's tab at each width: width name -> (tab, its width in CSS px)."""
    return {"phone": (phone, PHONE_WIDTH), "desktop": (screen["light"][0], DESKTOP_WIDTH)}


def test_nothing_overflows_on_a_phone(phone, name):
    # First on the phone tab: the page as loaded, before any tab of it is selected.
    width = phone.evaluate("() => document.scrollingElement.scrollWidth")
    wide = phone.evaluate(
        """(limit) => [...document.querySelectorAll('.md-content *')]
             .filter((e) => e.getBoundingClientRect().right > limit + 1)
             .slice(0, 5).map((e) => e.outerHTML.slice(0, 100))""",
        PHONE_WIDTH,
    )
    assert width <= PHONE_WIDTH, f"{name} is {width}px wide at {PHONE_WIDTH}px: {wide}"


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


def test_what_scrolls_on_a_phone_shows_it_and_takes_the_keyboard(phone, name):
    boxes = phone.evaluate(each_tab(SCROLL_BOXES))
    if not boxes:
        pytest.skip(f"{name}: nothing scrolls at {PHONE_WIDTH}px")
    bad = [box for box in boxes if not (box["cue"] and box["focusable"])]
    assert not bad, f"{name}: {len(bad)} of {len(boxes)} scrolling boxes lack the cue:\n" + (
        "\n".join(str(box) for box in bad[:10])
    )


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_no_figure_label_is_smaller_than_the_minimum(widths, name, width):
    tab, pixels = widths[width]
    labels = tab.evaluate(each_tab(FIGURE_TEXT))
    if not labels:
        pytest.skip(f"{name}: no figure")
    small = [label for label in labels if label["px"] < MIN_TEXT_PX - TEXT_PX_TOLERANCE]
    assert not small, (
        f"{name} at {pixels}px: {len(small)} labels under {MIN_TEXT_PX}px, e.g.\n"
        + "\n".join(f"{s['figure']}: {s['label']!r} at {s['px']:.1f}px" for s in small[:10])
    )


def test_figures_fit_a_desktop_column(screen, name):
    # The width a figure keeps for its labels is narrower than a desktop's column: there it
    # never scrolls.
    tab, _ = screen["light"]
    wide = tab.evaluate(
        each_tab(
            """() => [...document.querySelectorAll('figure.guide-svg')]
              .filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
              .map((box) => `${box.querySelector('svg').id}: ${box.scrollWidth}px`
                            + ` in ${box.clientWidth}px`)"""
        )
    )
    assert not wide, f"{name} at {DESKTOP_WIDTH}px: figures scroll: {sorted(set(wide))}"
