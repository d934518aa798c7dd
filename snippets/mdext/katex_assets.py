"""Fetch KaTeX's stylesheet and fonts from the npm registry into the docs, once.

Run by the nox sessions while they install (the only step that needs the network):

    python -m snippets.mdext.katex_assets docs/assets/katex

With the standard library only: it asks the registry for `katex@KATEX_VERSION`, downloads
its tarball, checks it against the integrity pinned in `INTEGRITY`, and keeps
`katex.min.css` and the woff2 fonts (every current browser reads woff2), dropping the
stylesheet's woff and ttf fallbacks so no request can miss. Nothing is fetched when the
folder already holds this version. The files are build output: git ignores them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from urllib.request import urlopen

from snippets.mdext.katex import KATEX_VERSION

REGISTRY = "https://registry.npmjs.org"
# The registry's `dist.integrity` of each KaTeX release the guide has pinned (see
# KATEX_VERSION in katex.py): a registry answering otherwise for a published version
# stops the install instead of serving other files.
INTEGRITY = {
    "0.16.22": "sha512-XCHRdUw4lf3SKBaJe4EvgqIuWwkPSo9XoeO8GjQW94Bp7TWv9hNhzZjZ+OH9yf1UmLygb7DIT5GSFQiyt16zYg==",
}
STAMP = ".katex-version"
TIMEOUT = 60  # seconds for each request to the registry
STYLESHEET = "katex.min.css"


def download(url: str) -> bytes:
    """The body of `url`; a network failure stops the install, naming the URL and why."""
    try:
        with urlopen(url, timeout=TIMEOUT) as response:
            return response.read()
    except OSError as error:  # URLError, HTTPError and timeouts are all OSErrors
        raise SystemExit(
            f"cannot fetch {url}: {error} (installing needs the npm registry)"
        ) from None


def check_integrity(data: bytes, integrity: str) -> None:
    """Raise unless `data` hashes to `integrity`, a Subresource Integrity string as npm
    writes it: "sha512-" and the base64 of the SHA-512 digest."""
    algorithm, _, digest = integrity.partition("-")
    if algorithm != "sha512" or not digest:
        raise ValueError(f"integrity must be 'sha512-<base64>', got {integrity!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != digest:
        raise ValueError(f"data does not match {integrity}: its sha512 is {actual}")


def site_path(member: str) -> str | None:
    """Where a file of KaTeX's npm package goes in the site, or None if the site needs none."""
    parts = PurePosixPath(member).parts
    if parts == ("package", "dist", STYLESHEET):
        return STYLESHEET
    if len(parts) == 4 and parts[:3] == ("package", "dist", "fonts") and member.endswith(".woff2"):
        return f"fonts/{parts[3]}"
    return None


def assets(tarball: bytes) -> dict[str, bytes]:
    """The stylesheet and woff2 fonts of an npm tarball of KaTeX, keyed by their site path.

    tarfile extracts nothing: only regular files at exactly those places are read, and a
    member named to escape the package (absolute, or through `..`) or a link in their
    place refuses the whole tarball. (tarfile's `filter="data"` needs Python 3.11.4;
    Debian bookworm's python3 is 3.11.2.)
    """
    files = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            path = PurePosixPath(member.name)
            if path.is_absolute() or ".." in path.parts:
                raise ValueError(f"tarball: member {member.name!r} points outside the package")
            name = site_path(member.name)
            if name is None:
                continue
            if not member.isfile():
                raise ValueError(f"tarball: member {member.name!r} is not a regular file")
            files[name] = archive.extractfile(member).read()
    if STYLESHEET not in files:
        raise ValueError(f"tarball has no package/dist/{STYLESHEET}")
    return files


def woff2_only(css: str, fonts: set[str]) -> str:
    """The stylesheet with only the woff2 source of each @font-face, all of them in `fonts`."""
    css = re.sub(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    missing = set(re.findall(r"url\((fonts/[^)]+)\)", css)) - fonts
    if missing:
        raise ValueError(f"css asks for fonts the package lacks: {sorted(missing)}")
    return css


def write(destination: Path, files: dict[str, bytes]) -> None:
    """Replace `destination` by `files` and the version stamp at once: they are written into
    a folder beside it and renamed into place, so no half-written folder carries a stamp."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the site's assets are not
        for name, data in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
        (staging / STAMP).write_text(KATEX_VERSION + "\n")
        if destination.exists():
            old = staging.with_name(staging.name + "-old")
            destination.rename(old)
            staging.rename(destination)
            shutil.rmtree(old)
        else:
            staging.rename(destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # left only if something failed


def fetch(destination: Path) -> Path:
    """Fill `destination` with katex.min.css and fonts/*.woff2 of KATEX_VERSION."""
    stamp = destination / STAMP
    if stamp.exists() and stamp.read_text().strip() == KATEX_VERSION:
        return destination
    if KATEX_VERSION not in INTEGRITY:
        raise SystemExit(f"no integrity pinned for KaTeX {KATEX_VERSION}: add it to INTEGRITY")
    pinned = INTEGRITY[KATEX_VERSION]
    dist = json.loads(download(f"{REGISTRY}/katex/{KATEX_VERSION}")).get("dist", {})
    if dist.get("integrity") != pinned:
        raise ValueError(
            f"the registry's integrity of katex@{KATEX_VERSION} is {dist.get('integrity')!r},"
            f" not the pinned {pinned!r}"
        )
    url = dist.get("tarball", "")
    if not url.startswith(f"{REGISTRY}/katex/-/"):
        raise ValueError(f"the registry's tarball of katex@{KATEX_VERSION} is at {url!r}")
    tarball = download(url)
    check_integrity(tarball, pinned)
    files = assets(tarball)
    fonts = {name for name in files if name != STYLESHEET}
    files[STYLESHEET] = woff2_only(files[STYLESHEET].decode(), fonts).encode()
    write(destination, files)
    return destination


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m snippets.mdext.katex_assets DESTINATION")
    try:
        print(f"KaTeX {KATEX_VERSION} assets in {fetch(Path(sys.argv[1]))}")
    except ValueError as error:
        raise SystemExit(f"KaTeX assets not installed: {error}") from None
