"""Measure build speed, test-suite time and page weight; print a table and save it.

Run through `nox -s bench`. Everything is measured in one run on the same machine:

1. a clean build (empty execution cache: every block runs) against a build answered from the
   cache, and their ratio (target: at most 1.5);
2. a rebuild after a prose-only edit of one chapter against a plain build (target: at most
   1.2);
3. the test suite's wall time with the default Hypothesis profile, and the fast set's (what
   `nox -s fast` and the pre-commit hook run: lint, then the tests without a site build or a
   browser on every core with the "fast" profile; target: at most 30 s);
4. the bytes each built page makes a browser fetch (HTML, CSS, JS, fonts, images), measured
   in headless Chromium, with the search index listed apart (target: a chapter page under
   300 KB).

Timings are the median of REPEATS builds. The table goes to stdout and to
benchmarks/results.md. Nothing here asserts: targets are reported, not enforced.
"""

from __future__ import annotations

import ast
import functools
import gzip
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results.md"
REPEATS = 3
PROSE_PAGE = "part-3-logistic-regression.md"
PAGE_BUDGET = 300_000
FAST_TARGET = 30  # seconds for the fast set, the pre-commit hook's wait
ENV = os.environ | {"NO_MKDOCS_2_WARNING": "1"}


def build(config: Path, site: Path, cache: Path) -> float:
    """Seconds for one strict build of `config` into `site` with execution cache `cache`."""
    env = ENV | {"I2DL_EXEC_CACHE": str(cache)}
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            str(config),
            "-d",
            str(site),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def median_build(config: Path, site: Path, cache: Path, *, clean: bool) -> float:
    times = []
    for _ in range(REPEATS):
        if clean:
            shutil.rmtree(cache, ignore_errors=True)
        times.append(build(config, site, cache))
    return statistics.median(times)


def prose_edit_config(work: Path) -> tuple[Path, Path]:
    """A config inheriting ours over a copy of docs/, and the copied chapter to edit."""
    docs = work / "docs"
    shutil.copytree(ROOT / "docs", docs)
    config = work / "mkdocs.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\n")
    return config, docs / PROSE_PAGE


def page_weights(site: Path) -> list[tuple[str, dict[str, int]]]:
    """Bytes fetched by a browser for each page, by kind, with Chromium from Debian."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, QuietHandler, chromium_executable

    executable = chromium_executable()
    if executable is None:
        return []
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for page_path in sorted(site.rglob("*.html")):
            if page_path.name == "404.html" or "assets" in page_path.parts:
                continue
            context = browser.new_context()  # empty cache: every byte counted
            page = context.new_page()
            sizes: dict[str, int] = {}

            def record(response, sizes=sizes):
                url = response.url
                kind = _kind(url)
                try:
                    body = response.body()
                except Exception:  # a redirect or an aborted request has no body
                    return
                # What a static host that compresses text (GitHub Pages does) transfers.
                sent = len(body) if kind in {"fonts", "images"} else len(gzip.compress(body, 6))
                sizes[kind] = sizes.get(kind, 0) + sent
                sizes["raw"] = sizes.get("raw", 0) + (len(body) if kind != "search index" else 0)

            page.on("response", record)
            path = page_path.relative_to(site).as_posix()
            # On a long page the theme asks for its search index (and the browser for the
            # icon) only once the page has been laid out, which can be after the network has
            # been idle for a while: wait for that request too, then for the network to rest.
            with page.expect_response(lambda r: _kind(r.url) == "search index", timeout=60_000):
                page.goto(base + path, wait_until="networkidle")
            page.wait_for_load_state("networkidle")
            context.close()
            results.append((path, sizes))
        browser.close()
    server.shutdown()
    return results


def _kind(url: str) -> str:
    path = url.split("?")[0]
    if "search_index" in path or path.endswith("search.json"):
        return "search index"
    for ending, kind in ((".html", "HTML"), (".css", "CSS"), (".js", "JS"), (".woff2", "fonts")):
        if path.endswith(ending):
            return kind
    if path.endswith((".svg", ".png", ".jpg", ".webp", ".ico")):
        return "images"
    return "HTML" if path.endswith("/") else "other"


def test_suite_seconds() -> tuple[float, bool]:
    """Wall time of the whole suite, and whether it passed (a failure is reported, not fatal)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=ENV,
        check=False,
    )
    return time.perf_counter() - start, result.returncode == 0


def fast_set_seconds() -> tuple[float, bool]:
    """Wall time of the fast set as `nox -s fast` runs it (lint, then pytest), and whether
    it passed; the marker expression is read from noxfile.py, its one home."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    (fast_set,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "FAST_SET"
    ]
    commands = [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto",
         "--dist", "worksteal", "-m", fast_set],
    ]  # fmt: skip
    start = time.perf_counter()
    passed = all(
        subprocess.run(c, cwd=ROOT, env=ENV | {"HYPOTHESIS_PROFILE": "fast"}).returncode == 0
        for c in commands
    )
    return time.perf_counter() - start, passed


def main() -> None:
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache, site = work / "cache", work / "site"
        config = ROOT / "mkdocs.yml"
        clean = median_build(config, site, cache, clean=True)
        cached = median_build(config, site, cache, clean=False)
        rows.append(_row("clean build (every block runs)", f"{clean:.2f} s", ""))
        rows.append(_row("build answered from the cache", f"{cached:.2f} s", ""))
        rows.append(
            _row(
                "clean / cached", f"{clean / cached:.2f}", _verdict(clean / cached <= 1.5, "≤ 1.5")
            )
        )

        edit_config, chapter = prose_edit_config(work)
        plain = median_build(edit_config, work / "site2", cache, clean=False)
        times = []
        for i in range(REPEATS):
            chapter.write_text(chapter.read_text() + f"\nAn edited sentence, number {i}.\n")
            times.append(build(edit_config, work / "site2", cache))
        prose = statistics.median(times)
        rows.append(_row("plain build (nothing changed)", f"{plain:.2f} s", ""))
        rows.append(_row("rebuild after a prose-only edit", f"{prose:.2f} s", ""))
        rows.append(
            _row(
                "prose edit / plain",
                f"{prose / plain:.2f}",
                _verdict(prose / plain <= 1.2, "≤ 1.2"),
            )
        )

        weights = page_weights(site)

    suite, passed = test_suite_seconds()
    outcome = "" if passed else " (the suite FAILED: see the output above)"
    rows.append(_row("test suite, default Hypothesis profile", f"{suite:.1f} s{outcome}", ""))
    fast, passed = fast_set_seconds()
    outcome = "" if passed else " (the fast set FAILED: see the output above)"
    fast_row = _row("fast set (`nox -s fast`, the commit hook)", f"{fast:.1f} s{outcome}",
                    _verdict(fast <= FAST_TARGET, f"≤ {FAST_TARGET} s"))  # fmt: skip
    rows.append(fast_row)

    lines = [
        "# Benchmarks",
        "",
        f"Measured by `nox -s bench` on {os.cpu_count()} cores; timings are medians of {REPEATS} runs.",
        "",
        "| measure | value | target |",
        "| --- | --: | --- |",
        *rows,
        "",
        "## Bytes a browser fetches per page (empty cache)",
        "",
    ]
    if weights:
        kinds = ["HTML", "CSS", "JS", "fonts", "images", "other"]
        lines += [
            "Bytes sent, with text compressed by gzip as static hosts serve it; *uncompressed* is",
            "the same page's bytes before compression.",
            "",
            "| page | " + " | ".join(kinds) + " | total | budget | uncompressed | search index |",
            "| --- | " + " | ".join("--:" for _ in kinds) + " | --: | --- | --: | --: |",
        ]
        for name, sizes in weights:
            total = sum(v for k, v in sizes.items() if k not in {"search index", "raw"})
            cells = " | ".join(_kb(sizes.get(k, 0)) for k in kinds)
            verdict = _verdict(total < PAGE_BUDGET, "< 300 KB")
            lines.append(
                f"| {name} | {cells} | {_kb(total)} | {verdict} | {_kb(sizes.get('raw', 0))} "
                f"| {_kb(sizes.get('search index', 0))} |"
            )
    else:
        lines.append(
            "No Chromium found (set $CHROMIUM or install Debian's chromium): not measured."
        )
    text = "\n".join(lines) + "\n"
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text)
    print(text)


def _row(measure: str, value: str, target: str) -> str:
    return f"| {measure} | {value} | {target} |"


def _verdict(ok: bool, target: str) -> str:
    return f"{target}: {'met' if ok else 'NOT met'}"


def _kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


if __name__ == "__main__":
    main()
