"""CONTRIBUTING.md works as written: its setup and fast-check commands, run in a fresh clone.

The commands are read from the document's own ```bash blocks, so the document cannot drift
from what works. The clone is of HEAD with the working tree's changes laid over it (in CI
the two are the same), and it runs on a PATH without any virtual environment, as on a
machine that has only Python 3.11+ and git. Installing from PyPI is the cost; pip's and
uv's caches make a second run quicker.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
SETUP, FAST = "Set up once", "Run only the fast checks"
COMMAND_TIMEOUT = 1200  # seconds for one block; installing is most of it
# The fast checks run verbatim, on a few modules only: the whole fast set runs in this
# suite already, and here the question is whether the commands work on a fresh machine.
FAST_TESTS = "tests/test_derivations.py tests/test_repo_files.py"


def bash_blocks(section: str) -> list[str]:
    """The ```bash blocks of the `## section` of CONTRIBUTING.md, in order."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"CONTRIBUTING.md has no section '## {section}'"
    blocks = re.findall(r"^```bash\n(.*?)^```$", match.group(1), re.M | re.S)
    assert blocks, f"the section '{section}' of CONTRIBUTING.md has no bash block"
    return blocks


def fresh_clone(target: Path) -> Path:
    """A clone of HEAD with the working tree's tracked and new files laid over it."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source, copy = ROOT / name, target / name
        if source.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
        elif copy.is_file():  # deleted in the working tree, not yet committed
            copy.unlink()
    return target


def machine_env() -> dict[str, str]:
    """This environment as a fresh machine's: no virtual environment on the PATH."""
    path = [
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder and not (Path(folder).parent / "pyvenv.cfg").exists()
    ]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "HYPOTHESIS_PROFILE"}
        and not key.startswith(("NOX_", "PYTEST_"))
    }
    return env | {"PATH": os.pathsep.join(path)}


def run_block(block: str, cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, (
        f"CONTRIBUTING.md's commands failed in a fresh clone:\n{block}\n"
        f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
    )


def test_the_setup_blocks_need_only_python_and_git():
    # Every command starts from python3 (or what the setup made in .venv/), and none
    # from a tool that a fresh machine lacks.
    for block in bash_blocks(SETUP) + bash_blocks(FAST):
        for line in filter(None, (raw.split(" #")[0].strip() for raw in block.splitlines())):
            for command in re.split(r"\s*&&\s*", line):
                program = next(w for w in command.split() if "=" not in w)
                assert program == "python3" or program.startswith(".venv/bin/"), command


def test_the_preview_command_silences_the_themes_banner():
    text = CONTRIBUTING.read_text(encoding="utf-8")
    for command in re.findall(r"\.venv/bin/mkdocs (?:serve|build)[^\n`]*", text):
        before = text[: text.index(command)].rsplit("\n", 1)[-1]
        assert before.endswith("NO_MKDOCS_2_WARNING=1 "), command


@pytest.mark.slow
def test_contributing_setup_and_fast_checks_work_in_a_fresh_clone(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    env = machine_env()
    for block in bash_blocks(SETUP):
        run_block(block, clone, env)
    assert (clone / ".venv" / "bin" / "mkdocs").exists()
    assert (clone / "docs" / "assets" / "katex" / "katex.min.css").exists()
    assert (clone / ".git" / "hooks" / "pre-commit").exists()
    for block in bash_blocks(FAST):
        run_block(block, clone, env | {"PYTEST_ADDOPTS": FAST_TESTS})
