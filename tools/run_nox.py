"""Run nox on a machine that has only Python 3.11+ and git.

    python3 tools/run_nox.py -s serve     # build and serve the guide
    python3 tools/run_nox.py              # lint and the whole test suite

The first run makes a small environment in .venv-nox/ holding the `nox` dependency group
of pyproject.toml (nox and uv); every run then hands its arguments to that nox. If you
already have nox, `nox -s serve` and `nox` do the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / ".venv-nox"
BIN = ENV / ("Scripts" if os.name == "nt" else "bin")


def main() -> int:
    requirements = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["nox"]
    stamp = ENV / "requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"Installing {', '.join(requirements)} into {ENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(ENV)
        python = str(BIN / "python")
        subprocess.run([python, "-m", "pip", "install", "--quiet", *requirements], check=True)
        stamp.write_text(wanted)
    os.chdir(ROOT)
    return subprocess.call([str(BIN / "nox"), *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
