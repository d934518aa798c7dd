"""KaTeX's assets: the download is checked against the pinned integrity, only the stylesheet
and woff2 fonts leave the tarball, and nothing in it can write outside the folder. No network:
every tarball here is built by the test, and the registry is a stand-in."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import tomllib
import urllib.error

import pytest

from snippets.mdext import katex_assets
from snippets.mdext.katex import KATEX_VERSION
from tests.conftest import ROOT

# SHA-512 of the empty string in base64, as published in test vectors of the hash.
EMPTY_SHA512 = (
    "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
)
CSS = (
    '@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) format("woff2"),'
    'url(fonts/KaTeX_Main-Regular.woff) format("woff"),'
    'url(fonts/KaTeX_Main-Regular.ttf) format("truetype")}'
)
PACKAGE = {
    "package/dist/katex.min.css": CSS.encode(),
    "package/dist/fonts/KaTeX_Main-Regular.woff2": b"woff2 bytes",
    "package/dist/fonts/KaTeX_Main-Regular.woff": b"woff bytes",
    "package/dist/fonts/KaTeX_Main-Regular.ttf": b"ttf bytes",
    "package/dist/katex.min.js": b"script",
    "package/dist/contrib/copy-tex.css": b"other css",
    "package/package.json": b"{}",
}


def tarball(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A gzipped tarball holding `files` (name: bytes) and symbolic `links` (name: target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
        for name, target in (links or {}).items():
            member = tarfile.TarInfo(name)
            member.type, member.linkname = tarfile.SYMTYPE, target
            archive.addfile(member)
    return buffer.getvalue()


def test_integrity_accepts_the_published_sha512_of_empty_bytes():
    katex_assets.check_integrity(b"", f"sha512-{EMPTY_SHA512}")


def test_integrity_rejects_altered_bytes():
    with pytest.raises(ValueError, match=r"^data does not match"):
        katex_assets.check_integrity(b"\0", f"sha512-{EMPTY_SHA512}")


def test_integrity_rejects_another_algorithm():
    with pytest.raises(ValueError, match=r"^integrity must be 'sha512-<base64>'"):
        katex_assets.check_integrity(b"", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=")


def test_an_integrity_is_pinned_for_the_katex_that_pykatex_bundles():
    assert katex_assets.INTEGRITY[KATEX_VERSION].startswith("sha512-")


def test_only_the_stylesheet_and_woff2_fonts_leave_the_tarball():
    files = katex_assets.assets(tarball(PACKAGE))
    assert files == {
        "katex.min.css": CSS.encode(),
        "fonts/KaTeX_Main-Regular.woff2": b"woff2 bytes",
    }


@pytest.mark.parametrize(
    "name",
    [
        "package/dist/fonts/../../../../evil.woff2",
        "../package/dist/katex.min.css",
        "/etc/package/dist/katex.min.css",
        "package/../../outside.txt",  # refused even where the site would not use it
    ],
)
def test_a_member_escaping_the_package_refuses_the_tarball(name):
    with pytest.raises(ValueError, match="points outside the package"):
        katex_assets.assets(tarball(PACKAGE | {name: b"x"}))


def test_a_link_in_place_of_an_asset_refuses_the_tarball():
    files = {k: v for k, v in PACKAGE.items() if k != "package/dist/katex.min.css"}
    links = {"package/dist/katex.min.css": "/etc/passwd"}
    with pytest.raises(ValueError, match="is not a regular file"):
        katex_assets.assets(tarball(files, links))


def test_a_tarball_without_the_stylesheet_is_refused():
    with pytest.raises(ValueError, match=r"has no package/dist/katex\.min\.css"):
        katex_assets.assets(tarball({"package/dist/fonts/A.woff2": b""}))


def test_the_stylesheet_keeps_only_woff2_sources():
    css = katex_assets.woff2_only(CSS, {"fonts/KaTeX_Main-Regular.woff2"})
    assert "url(fonts/KaTeX_Main-Regular.woff2)" in css
    assert ".woff)" not in css
    assert ".ttf)" not in css


def test_a_stylesheet_asking_for_a_missing_font_is_refused():
    with pytest.raises(ValueError, match=r"KaTeX_Main-Regular\.woff2"):
        katex_assets.woff2_only(CSS, set())


@pytest.fixture
def registry(monkeypatch):
    """A stand-in npm registry serving a built tarball under a pinned integrity; it records
    each URL asked for."""
    data = tarball(PACKAGE)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    url = f"{katex_assets.REGISTRY}/katex/-/katex-{KATEX_VERSION}.tgz"
    answers = {
        f"{katex_assets.REGISTRY}/katex/{KATEX_VERSION}": json.dumps(
            {"dist": {"integrity": integrity, "tarball": url}}
        ).encode(),
        url: data,
    }
    asked = []

    def download(requested):
        asked.append(requested)
        return answers[requested]

    monkeypatch.setattr(katex_assets, "download", download)
    monkeypatch.setitem(katex_assets.INTEGRITY, KATEX_VERSION, integrity)
    return answers, asked


def test_fetch_writes_the_assets_and_the_stamp_then_fetches_nothing(registry, tmp_path):
    _, asked = registry
    destination = tmp_path / "katex"
    katex_assets.fetch(destination)
    files = sorted(str(p.relative_to(destination)) for p in destination.rglob("*") if p.is_file())
    assert files == [".katex-version", "fonts/KaTeX_Main-Regular.woff2", "katex.min.css"]
    assert (destination / ".katex-version").read_text() == KATEX_VERSION + "\n"
    assert [p.name for p in tmp_path.iterdir()] == ["katex"]  # no staging folder left
    asked.clear()
    katex_assets.fetch(destination)
    assert asked == []


def test_fetch_replaces_another_versions_folder_whole(registry, tmp_path):
    destination = tmp_path / "katex"
    (destination / "fonts").mkdir(parents=True)
    (destination / "fonts" / "KaTeX_Old.woff2").write_bytes(b"old")
    (destination / ".katex-version").write_text("0.15.0\n")
    katex_assets.fetch(destination)
    assert not (destination / "fonts" / "KaTeX_Old.woff2").exists()
    assert (destination / ".katex-version").read_text() == KATEX_VERSION + "\n"


def test_fetch_refuses_a_tarball_that_does_not_match_the_pin(registry, tmp_path):
    answers, _ = registry
    url = f"{katex_assets.REGISTRY}/katex/-/katex-{KATEX_VERSION}.tgz"
    answers[url] = tarball(PACKAGE | {"package/dist/katex.min.css": b"changed"})
    with pytest.raises(ValueError, match=r"^data does not match"):
        katex_assets.fetch(tmp_path / "katex")
    assert not any(tmp_path.iterdir())  # nothing written


def test_fetch_refuses_a_registry_answering_another_integrity(registry, monkeypatch, tmp_path):
    monkeypatch.setitem(katex_assets.INTEGRITY, KATEX_VERSION, f"sha512-{EMPTY_SHA512}")
    with pytest.raises(ValueError, match="not the pinned"):
        katex_assets.fetch(tmp_path / "katex")


def test_a_network_failure_stops_with_the_url(monkeypatch):
    def refuse(url, timeout):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(katex_assets, "urlopen", refuse)
    with pytest.raises(
        SystemExit, match=r"^cannot fetch https://registry\.npmjs\.org/x: .*no route"
    ):
        katex_assets.download("https://registry.npmjs.org/x")


def test_no_dependency_group_installs_node():
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    names = [d for group in groups.values() for d in group if isinstance(d, str)]
    assert not [d for d in names if d.startswith("nodejs")]
