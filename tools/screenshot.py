"""Screenshot a built page in headless Chromium, as a reader would see it.

    python tools/screenshot.py site/part-3-logistic-regression.html /tmp/p3.png --dark --open

--open expands every collapsible solution; --dark switches to the dark palette; --width sets
the viewport width in CSS pixels (390 for a phone). Uses the Chromium at $CHROMIUM or
/usr/bin/chromium (Debian's package), never a downloaded browser. Run it from the
repository root (it shares the browser settings of tests/conftest.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, chromium_executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--open", action="store_true")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    executable = chromium_executable()
    if executable is None:
        raise SystemExit("no Chromium at $CHROMIUM or /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": args.width, "height": 900},
            color_scheme="dark" if args.dark else "light",
        )
        page.goto(args.page.resolve().as_uri())
        if args.dark:  # the palette toggle remembers the choice; the first run follows media
            page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        if args.open:
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.screenshot(path=str(args.output), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
