"""Shared fixtures: the built site, a local server for it, and Chromium through Playwright."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import settings

# Speed is measured by `nox -s bench`, never asserted in tests: no per-example deadline
# (a loaded machine would otherwise fail loop-heavy properties at random).
settings.register_profile("guide", deadline=None)
# The fast set (`nox -s fast`, the pre-commit hook) sets HYPOTHESIS_PROFILE=fast: every
# property still runs, on fewer examples; the whole suite keeps "guide" and its counts.
FAST_EXAMPLES = 10
settings.register_profile("fast", parent=settings.get_profile("guide"), max_examples=FAST_EXAMPLES)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "guide")
settings.load_profile(PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In the fast profile, a test's own `@settings(max_examples=N)` is capped too, at the
    profile's count (a profile alone only sets the default); the whole suite keeps N."""
    if PROFILE != "fast":
        return
    for item in items:
        test = getattr(item, "obj", None)
        # Where @given keeps the test's settings (Hypothesis 6); absent on other tests.
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None and own.max_examples > FAST_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(own, max_examples=FAST_EXAMPLES)


ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
# Dated as nox dates it (the last commit), or by a fixed date: every build of one run has the
# same date, so two builds can be compared byte for byte (tests/test_reproducible.py).
BUILD_ENV = os.environ | {
    "NO_MKDOCS_2_WARNING": "1",
    "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000"),
}
# .ci/run sets this: there the build must be shown to pass with no network.
REQUIRE_OFFLINE = bool(os.environ.get("I2DL_REQUIRE_OFFLINE"))
IN_CI = bool(os.environ.get("CI"))
# Flags for Chromium as root in a container with no network but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Run first inside a new network namespace, whose loopback starts down: bring it up (so a
# build may talk to a process of its own, such as a Jupyter kernel), then run the command.
LOOPBACK_UP = """
import fcntl, os, socket, struct, sys
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    request = struct.pack("16sH14s", b"lo", 0, b"")
    flags = struct.unpack("16sH14s", fcntl.ioctl(s, 0x8913, request))[1]  # SIOCGIFFLAGS
    fcntl.ioctl(s, 0x8914, struct.pack("16sH14s", b"lo", flags | 1, b""))  # SIOCSIFFLAGS, UP
os.execvp(sys.argv[1], sys.argv[1:])
"""


@functools.cache
def uv() -> str | None:
    """uv on PATH, or the one tools/run_nox.py installs; None: pip does the work instead
    (the fresh environments of tests/test_wheel.py and tests/test_notebooks.py)."""
    return shutil.which("uv") or shutil.which("uv", path=ROOT / ".venv-nox" / "bin")


def offline_prefix() -> tuple[str, ...]:
    """A command prefix that runs a program with no network but loopback, if possible."""
    for unshare in (("unshare", "--net"), ("unshare", "--map-root-user", "--net")):
        prefix = (*unshare, sys.executable, "-c", LOOPBACK_UP)
        if (
            shutil.which(unshare[0])
            and subprocess.run([*prefix, "true"], check=False).returncode == 0
        ):
            return prefix
    return ()


def build(
    config: Path, site: Path, *, offline: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a strict MkDocs build of `config` into `site`, with `env` over BUILD_ENV."""
    prefix = offline_prefix() if offline else ()
    command = [*prefix, *MKDOCS, "build", "--strict", "-f", str(config), "-d", str(site)]
    return subprocess.run(
        command, cwd=ROOT, env=BUILD_ENV | (env or {}), capture_output=True, text=True,
        check=False,
    )  # fmt: skip


def run_folder(tmp_path_factory) -> Path:
    """A temporary folder of this test run that every pytest-xdist worker shares (each
    worker's own folder sits inside it); without xdist, the run's own folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole site, built strictly once per test run, offline where possible.

    Under pytest-xdist the first worker to ask builds it while holding a lock; the others
    wait for that build and read the same folder (a failed build fails them all, once)."""
    if not offline_prefix() and REQUIRE_OFFLINE:
        pytest.fail("I2DL_REQUIRE_OFFLINE is set, but `unshare --net` is not available")
    shared = run_folder(tmp_path_factory)
    out, failed = shared / "site", shared / "site-build-failed.txt"
    with (shared / "site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not out.exists() and not failed.exists():
            result = build(ROOT / "mkdocs.yml", out, offline=True)
            if result.returncode != 0:
                failed.write_text(result.stderr[-3000:], encoding="utf-8")
    assert not failed.exists(), failed.read_text(encoding="utf-8")
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(site) -> Iterator[str]:
    """The built site served on a free loopback port: http://127.0.0.1:PORT/."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def chromium_executable() -> str | None:
    """Debian's Chromium (or $CHROMIUM); Playwright's own browser download is never used."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).exists()), None)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright; skipped outside CI if none is installed."""
    executable = chromium_executable()
    if executable is None:
        if IN_CI:
            pytest.fail(
                "no Chromium found: CI must run the browser tests (apt-get install chromium)"
            )
        pytest.skip("no Chromium at $CHROMIUM or /usr/bin/chromium: browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def requests(page):
    """Every URL the page requests; the test fails if one leaves the loopback server."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    yield urls
    outside = [
        url
        for url in urls
        if urlparse(url).scheme not in ("data", "blob", "about")
        and urlparse(url).hostname != "127.0.0.1"
    ]
    assert not outside, f"requests beyond 127.0.0.1: {outside}"


@pytest.fixture
def page(browser):
    """A fresh browser page (own context: no storage shared between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
