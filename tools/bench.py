"""Measure the contributor's loop: build times against a plain build, where a warm build's
time goes, the test sets' wall time, and the heaviest page; print a table and save it.

Run through `nox -s bench` (`nox -s bench -- --suite` adds the whole test suite, some
20 minutes). Everything is measured in one run on the same machine, each build in a fresh
process, with the median of REPEATS builds (wall time, and the CPU time the build used, which
other load on a shared machine disturbs less):

- **plain build**: the same docs with every executed block removed, same theme and config
  (through INHERIT), with the chapters' cache warm; the unit every other build is measured in.
  The evidence hook (snippets/mdext/hooks.py) is left out of it: it fills in what blocks
  print, and its claims audit would stop a build whose blocks are gone;
- **clean build**: the site with an empty cache (every block runs, every notebook executes);
- **warm build**: the site again, everything answered from the cache;
- **prose edit**: a copy of the docs, one chapter's prose edited, rebuilt with the warm cache;
- **phases** of one warm build under cProfile, grouped by the code they run in;
- the **fast set** as `nox -s fast` runs it (lint, then pytest on every core with the fast
  Hypothesis profile), and with `--suite` the whole suite (`-n auto --dist worksteal`);
- the **largest page** of the built site in bytes, and **DOMContentLoaded** of the home page
  and of the slowest page in headless Chromium (Debian's, with $CHROMIUM or /usr/bin/chromium).

The table goes to stdout and to benchmarks/results.md. Nothing here asserts: targets are
reported, not enforced (the house rule: speed is measured here, never asserted in a test).
"""

from __future__ import annotations

import argparse
import ast
import functools
import http.server
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results.md"
REPEATS = 3
PROSE_PAGE = "part-3-logistic-regression.md"
ENV = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
# measure -> the most it may be, as a multiple of the plain build
TARGETS = {"warm": 2.0, "clean": 15.0, "prose": 1.5}
FAST_TARGET = 30.0  # seconds for the fast set, the pre-commit hook's wait
# An executed block, at any indentation, up to its closing fence.
EXEC_BLOCK = re.compile(r'^(?P<indent>[ \t]*)```python exec="on".*?^(?P=indent)```[ \t]*$\n?', re.M | re.S)  # fmt: skip


@dataclass(frozen=True)
class Timing:
    """Median wall and CPU seconds of a few builds."""

    wall: float
    cpu: float


# --- Builds -----------------------------------------------------------------------------------


def build(config: Path, site: Path, cache: Path, *, profile: Path | None = None) -> Timing:
    """One strict build of `config` into `site` with the cache folder `cache`."""
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    command = [*prefix, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=ENV | {"I2DL_CACHE": str(cache)},
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode:
        sys.exit(f"the build of {config} failed:\n{result.stderr[-3000:]}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def site_hooks() -> list[str]:
    """The hook files of mkdocs.yml, absolute (a config found elsewhere names them so)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = re.search(r"^hooks:\n((?:  - .*\n)+)", text, re.M)
    return [str(ROOT / line.removeprefix("  - ").strip()) for line in listed.group(1).splitlines()]


def docs_copy(work: Path, name: str, *, hooks: list[str] | None = None) -> tuple[Path, Path]:
    """A copy of docs/ and a config inheriting the site's over it."""
    docs = work / name / "docs"
    shutil.copytree(ROOT / "docs", docs)
    config = work / name / "mkdocs.yml"
    # Paths in a config are found relative to it: the theme's partials and the hooks are ours.
    lines = [f"INHERIT: {ROOT / 'mkdocs.yml'}", f"docs_dir: {docs}",
             f"theme:\n  custom_dir: {ROOT / 'overrides'}", "hooks:"]  # fmt: skip
    lines += [f"  - {hook}" for hook in (site_hooks() if hooks is None else hooks)]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, docs


def plain_config(work: Path) -> Path:
    """The site's docs with every executed block removed, without the evidence hook."""
    hooks = [hook for hook in site_hooks() if not hook.endswith("mdext/hooks.py")]
    config, docs = docs_copy(work, "plain", hooks=hooks)
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(EXEC_BLOCK.sub("", text), encoding="utf-8")
    return config


def prose_edits(config: Path, page: Path, site: Path, cache: Path, repeats: int) -> Timing:
    """Builds after editing one sentence of `page` each time (the cache warm for the rest)."""
    build(config, site, cache)  # this copy's pages in the cache, as after a first `serve`
    original = page.read_text(encoding="utf-8")
    times = []
    for i in range(repeats):
        page.write_text(original.replace("\n\n", f"\n\nAn edited sentence, number {i}.\n\n", 1), encoding="utf-8")  # fmt: skip
        times.append(build(config, site, cache))
    page.write_text(original, encoding="utf-8")
    return median(times)


# --- Where a warm build's time goes -----------------------------------------------------------

# phase -> (file ending, function name) whose cumulative time it is; phases may nest, as
# noted in the table (a page's Markdown conversion holds its blocks and its math).
PHASES = {
    "startup: config, plugins and their imports": [("mkdocs/config/base.py", "load_config")],
    "Markdown conversion of pages (blocks and KaTeX inside)": [("mkdocs/structure/pages.py", "render")],
    "· executed blocks (cache lookups, or run and convert)": [("snippets/mdext/cached_exec.py", "formatter")],
    "· KaTeX (all math)": [("snippets/mdext/katex.py", "run")],
    "evidence hook: test index, How we know, verification page": [
        ("snippets/mdext/hooks.py", "on_pre_build"), ("snippets/mdext/hooks.py", "on_page_content"),
        ("snippets/mdext/hooks.py", "on_env")],
    "search: prose copies, the plugin's parse, the index": [
        ("snippets/mdext/search_hook.py", "_show_search_the_prose"),
        ("material/plugins/search/plugin.py", "on_page_context"),
        ("material/plugins/search/plugin.py", "on_post_build")],
    "notebooks: chapter-notebooks and mkdocs-jupyter": [
        ("snippets/mdext/notebooks.py", "on_files"), ("snippets/mdext/notebooks.py", "on_page_content"),
        ("mkdocs_jupyter/plugin.py", "on_pre_page"), ("mkdocs_jupyter/plugin.py", "on_post_page")],
    "theme templates (Jinja)": [("jinja2/environment.py", "render")],
    "cache pruning": [("snippets/mdext/cache.py", "on_post_build")],
}  # fmt: skip
# Top-level phases (not nested in another one): what they leave of the total is "other".
TOP_LEVEL = [name for name in PHASES if not name.startswith("·")]


def phases(profile: Path) -> list[tuple[str, float]]:
    """Cumulative seconds of each phase in a cProfile of one build, then other and total."""
    stats = pstats.Stats(str(profile)).stats
    seconds = dict.fromkeys(PHASES, 0.0)
    total = 0.0
    for (file, _, function), (_, _, _, cumulative, _) in stats.items():
        if function == "build" and file.endswith("mkdocs/commands/build.py"):
            total = cumulative
        for name, places in PHASES.items():
            if any(file.endswith(end) and function == func for end, func in places):
                seconds[name] += cumulative
    # load_config runs before build(); the templates' time is inside build() already.
    total += seconds[TOP_LEVEL[0]]
    other = total - sum(seconds[name] for name in TOP_LEVEL if name != "theme templates (Jinja)")
    return [*seconds.items(), ("other (writing files, navigation, …)", other), ("total", total)]


# --- Tests and pages --------------------------------------------------------------------------


def fast_set_seconds() -> tuple[float, bool]:
    """Wall time of the fast set as `nox -s fast` runs it (lint, then pytest), and whether it
    passed; the marker expression is read from noxfile.py, its one home."""
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
    env = ENV | {"HYPOTHESIS_PROFILE": "fast"}
    passed = all(subprocess.run(c, cwd=ROOT, env=env).returncode == 0 for c in commands)
    return time.perf_counter() - start, passed


def suite_seconds() -> tuple[float, bool]:
    """Wall time of the whole suite on every core, and whether it passed."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto",
               "--dist", "worksteal"]  # fmt: skip
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=ENV, check=False)
    return time.perf_counter() - start, result.returncode == 0


def largest_page(site: Path) -> tuple[str, int]:
    pages = [p for p in site.rglob("*.html") if "assets" not in p.parts]
    biggest = max(pages, key=lambda p: p.stat().st_size)
    return biggest.relative_to(site).as_posix(), biggest.stat().st_size


def dom_content_loaded(site: Path) -> dict[str, float]:
    """Milliseconds to DOMContentLoaded of every page, served locally, in headless Chromium
    (an empty browser cache each time); empty if no Chromium is found."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, QuietHandler, chromium_executable

    executable = chromium_executable()
    if executable is None:
        return {}
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for path in sorted(site.rglob("*.html")):
                if path.name == "404.html" or "assets" in path.parts:
                    continue
                name = path.relative_to(site).as_posix()
                context = browser.new_context()
                page = context.new_page()
                page.goto(base + name, wait_until="domcontentloaded")
                results[name] = page.evaluate(
                    "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return results


# --- The table --------------------------------------------------------------------------------


def ratio_row(measure: str, timing: Timing, plain: Timing, target: float | None) -> str:
    wall, cpu = timing.wall / plain.wall, timing.cpu / plain.cpu
    verdict = "" if target is None else f"≤ {target:g}: {'met' if wall <= target else 'NOT met'}"
    return f"| {measure} | {timing.wall:.1f} s | {timing.cpu:.1f} s | {wall:.2f} | {cpu:.2f} | {verdict} |"  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", action="store_true", help="time the whole test suite too")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="builds per median")
    parser.add_argument("--no-fast", action="store_true", help="skip the fast set")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="i2dl-bench-") as tmp:
        work = Path(tmp)
        cache, site = work / "cache", work / "site"
        print("plain builds …", flush=True)
        plain_cfg, plain_cache = plain_config(work), work / "plain-cache"
        build(plain_cfg, work / "plain-site", plain_cache)  # its notebooks run, as in the site's
        plain = median([build(plain_cfg, work / "plain-site", plain_cache) for _ in range(args.repeats)])  # fmt: skip
        print("clean builds …", flush=True)
        clean = median([build(ROOT / "mkdocs.yml", site, _emptied(cache)) for _ in range(args.repeats)])  # fmt: skip
        print("warm builds …", flush=True)
        warm = median([build(ROOT / "mkdocs.yml", site, cache) for _ in range(args.repeats)])
        print("prose edits …", flush=True)
        prose_cfg, docs = docs_copy(work, "prose")
        prose = prose_edits(prose_cfg, docs / PROSE_PAGE, work / "prose-site", cache, args.repeats)
        print("profile of a warm build …", flush=True)
        profile = work / "warm.prof"
        build(ROOT / "mkdocs.yml", site, cache, profile=profile)
        phase_rows = phases(profile)
        page, size = largest_page(site)
        loaded = dom_content_loaded(site)
    fast = None if args.no_fast else fast_set_seconds()
    suite = suite_seconds() if args.suite else None
    text = report(clean, warm, plain, prose, phase_rows, fast, suite, (page, size), loaded, load,
                  args.repeats)  # fmt: skip
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


def _emptied(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def report(clean, warm, plain, prose, phase_rows, fast, suite, largest, loaded, load, repeats) -> str:  # fmt: skip
    """The Markdown of benchmarks/results.md."""
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `nox -s bench` on {os.cpu_count()} cores (load average {load:.1f} at the "
        f"start); builds are medians of {repeats}. A ratio is to the plain build made in the same "
        "run (the docs without their executed blocks); the CPU column is less disturbed by other "
        "load on a shared machine than the wall clock.",
        "",
        "| build | wall | CPU | wall / plain | CPU / plain | target (wall / plain) |",
        "| --- | --: | --: | --: | --: | --- |",
        ratio_row("plain (no executed blocks)", plain, plain, None),
        ratio_row("warm (everything from the cache)", warm, plain, TARGETS["warm"]),
        ratio_row("clean (empty cache)", clean, plain, TARGETS["clean"]),
        ratio_row(f"after a prose edit of {PROSE_PAGE}", prose, plain, TARGETS["prose"]),
        "",
        "## Where a warm build's time goes",
        "",
        "cProfile of one warm build (profiling slows Python-heavy phases more than others);",
        "phases marked · are inside the one above them.",
        "",
        "| phase | seconds |",
        "| --- | --: |",
        *[f"| {name} | {seconds:.2f} |" for name, seconds in phase_rows],
        "",
        "## Tests and pages",
        "",
        "| measure | value | target |",
        "| --- | --: | --- |",
    ]
    if fast is not None:
        seconds, passed = fast
        verdict = f"≤ {FAST_TARGET:g} s: {'met' if seconds <= FAST_TARGET else 'NOT met'}"
        lines.append(f"| fast set (`nox -s fast`: lint, then pytest -n auto) | {seconds:.1f} s{'' if passed else ' (FAILED)'} | {verdict} |")  # fmt: skip
    if suite is not None:
        seconds, passed = suite
        lines.append(f"| whole suite (`-n auto --dist worksteal`) | {seconds:.1f} s{'' if passed else ' (FAILED)'} | |")  # fmt: skip
    else:
        lines.append("| whole suite | not measured (`nox -s bench -- --suite`) | |")
    page, size = largest
    lines.append(f"| largest page: {page} | {size / 1000:.0f} KB | |")
    if loaded:
        slowest = max(loaded, key=loaded.get)
        home = loaded.get("index.html", float("nan"))
        lines.append(f"| DOMContentLoaded, home page | {home:.0f} ms | |")
        lines.append(f"| DOMContentLoaded, slowest page ({slowest}) | {loaded[slowest]:.0f} ms | |")
    else:
        lines.append("| DOMContentLoaded | no Chromium found: not measured | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
