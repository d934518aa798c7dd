"""A clean build is byte-identical to the suite's build of the same sources, figures included.

The suite's build (the `site` fixture) ran every block in its own process, or took a block's
output from the execution cache, which an earlier build of the same sources wrote; the build
here runs every block afresh, with an empty cache. Either way two separate runs of every
block must agree byte for byte, and a page served from the cache must equal a fresh one.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, build

pytestmark = pytest.mark.build


def files(site) -> list:
    return sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())


def test_a_clean_build_is_byte_identical_to_the_suites_build(tmp_path, request):
    clean = tmp_path / "site"
    empty_cache = {"I2DL_EXEC_CACHE": str(tmp_path / "cache")}  # every block runs
    result = build(ROOT / "mkdocs.yml", clean, env=empty_cache)
    assert result.returncode == 0, result.stderr[-3000:]
    # Asked for only now: under pytest-xdist another worker builds it meanwhile.
    site = request.getfixturevalue("site")
    assert files(clean) == files(site)
    changed = [str(f) for f in files(site) if (site / f).read_bytes() != (clean / f).read_bytes()]
    assert not changed, f"differ between a clean build and the suite's build: {changed}"
