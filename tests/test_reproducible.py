"""Two clean builds of the same sources are byte-identical, figures included."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import BUILD_ENV, ROOT

pytestmark = pytest.mark.build


def clean_build(tmp_path, name: str):
    site = tmp_path / name
    env = BUILD_ENV | {
        "I2DL_EXEC_CACHE": str(tmp_path / f"cache-{name}"),  # empty: every block runs
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000"),
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return site


def test_two_clean_builds_are_byte_identical(tmp_path):
    first = clean_build(tmp_path, "first")
    second = clean_build(tmp_path, "second")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    changed = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert not changed, f"differ between two clean builds: {changed}"
