"""`mkdocs serve` follows an edit to a snippet: the page changes, no .md file touched."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

# A cold start builds the small site once; each later poll is a plain GET.
START_TIMEOUT = 120.0
REBUILD_TIMEOUT = 120.0
POLL_INTERVAL = 0.5

PROBE = '''"""A snippet whose return value a page prints (tests/test_serve.py)."""


def answer() -> str:
    return "the served answer is {value}"
'''
PAGE = """# Probe

```python exec="on" id="serve-probe"
from snippets.serve_probe import answer

print(answer())
```
"""


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def small_project(root: Path) -> Path:
    """A copy of snippets/ and a one-page docs/ under `root`, with the site's config."""
    shutil.copytree(ROOT / "snippets", root / "snippets",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    (root / "snippets" / "serve_probe.py").write_text(PROBE.format(value=41), encoding="utf-8")
    (root / "tests").mkdir()  # the page cites no function: an empty test index will do
    docs = root / "docs"
    for folder in ("assets", "stylesheets", "javascripts"):
        if (ROOT / "docs" / folder).is_dir():
            shutil.copytree(ROOT / "docs" / folder, docs / folder)
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    hooks = root / "snippets" / "mdext"
    config = root / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nnav: [index.md]\n"
        f"hooks: [{hooks / 'hooks.py'}, {hooks / 'search_hook.py'}]\n"
        f"theme: {{custom_dir: {ROOT / 'overrides'}}}\nplugins: [search]\n",
        encoding="utf-8",
    )
    return config


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(url: str, text: str, timeout: float, server: subprocess.Popen, log: Path) -> str:
    """The page at `url` once it contains `text`; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = fetch(url)
        if text in page:
            return page
        if server.poll() is not None:
            pytest.fail(f"mkdocs serve exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        time.sleep(POLL_INTERVAL)
    pytest.fail(f"{text!r} not served within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_serve_shows_an_edited_snippets_value_without_a_page_edit(tmp_path):
    config = small_project(tmp_path)
    pages = sorted(p.read_bytes() for p in (tmp_path / "docs").rglob("*.md"))
    port = free_port()
    env = os.environ | {
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONPATH": str(tmp_path),  # the copy's snippets, not the repository's
        "I2DL_EXEC_CACHE": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config),
               "--dev-addr", f"127.0.0.1:{port}", "--livereload"]  # fmt: skip
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=output, stderr=output)
    try:
        url = f"http://127.0.0.1:{port}/index.html"
        wait_for(url, "the served answer is 41", START_TIMEOUT, server, log)
        probe = tmp_path / "snippets" / "serve_probe.py"
        probe.write_text(PROBE.format(value=42), encoding="utf-8")
        page = wait_for(url, "the served answer is 42", REBUILD_TIMEOUT, server, log)
        assert "the served answer is 41" not in page
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert sorted(p.read_bytes() for p in (tmp_path / "docs").rglob("*.md")) == pages
