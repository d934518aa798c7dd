"""`pip install .` gives a command that works with no clone beside it.

A wheel built from this tree is installed into a fresh environment outside the repository
(dependencies from PyPI), and the installed commands run from an empty folder: `i2dl practice`
and `python -m snippets practice` must print, for every kind, what the source tree computes
in-process. One environment per session, and the commands run side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from snippets.practice.cli import MODULE, SCRIPT, USAGE_ERROR
from snippets.practice.registry import NAMES
from snippets.practice.schema import dumps, record
from snippets.render.practice import INSTALL, SITE_SEEDS, command_line, terminal_markdown
from tests.conftest import ROOT, uv

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SEED = SITE_SEEDS[-1] + 1  # the seed the practice pages suggest, one not on them
# Variables that would let the installed interpreter see this tree or another environment.
LEAKS = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Installed:
    """A fresh environment holding only the wheel and its dependencies, and an empty folder."""

    wheel: Path
    bin: Path
    cwd: Path

    def run(self, *argv: str) -> subprocess.CompletedProcess:
        """`argv` with the environment's scripts first on PATH, run from the empty folder."""
        env = {k: v for k, v in os.environ.items() if k not in LEAKS}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return subprocess.run(
            argv, cwd=self.cwd, env=env, capture_output=True, text=True, check=False
        )


def check(*argv: str | Path) -> None:
    subprocess.run([str(a) for a in argv], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """`pip install .` (not editable) of this tree into a venv outside the repository."""
    base = tmp_path_factory.mktemp("wheel")
    assert ROOT not in base.parents, "the environment must live outside the repository"
    venv, dist = base / "venv", base / "dist"
    python = venv / "bin" / "python"
    if tool := uv():
        check(tool, "build", "--wheel", "--out-dir", dist, ROOT)
        check(tool, "venv", "--quiet", "--python", sys.executable, venv)
        (wheel,) = dist.glob("*.whl")
        check(tool, "pip", "install", "--quiet", "--python", python, wheel)
    else:
        check(sys.executable, "-m", "venv", venv)
        check(python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, ROOT)
        (wheel,) = dist.glob("*.whl")
        check(python, "-m", "pip", "install", "--quiet", wheel)
    cwd = base / "elsewhere"
    cwd.mkdir()
    return Installed(wheel, venv / "bin", cwd)


SCRIPT_PRACTICE = (SCRIPT, "practice")
MODULE_PRACTICE = ("python", "-m", "snippets", "practice")
JSON_ARGS = {kind: (kind, "--seed", str(SEED), "--json") for kind in NAMES}
MARKDOWN_ARGS = {kind: (kind, "--exam") for kind in NAMES}
RUNS = (
    [SCRIPT_PRACTICE + args for args in JSON_ARGS.values()]
    + [MODULE_PRACTICE + args for args in MARKDOWN_ARGS.values()]
    + [SCRIPT_PRACTICE + MARKDOWN_ARGS["conv-shape"], MODULE_PRACTICE + JSON_ARGS["backprop"]]
)


@pytest.fixture(scope="module")
def printed(installed) -> dict[tuple[str, ...], subprocess.CompletedProcess]:
    """Each command of RUNS and its result, all started at once: a run is mostly its start-up
    (numpy, sympy, matplotlib), so they overlap well."""
    with ThreadPoolExecutor() as pool:
        return dict(zip(RUNS, pool.map(lambda argv: installed.run(*argv), RUNS), strict=True))


# --- what the wheel holds --------------------------------------------------------------------


@pytest.mark.slow
def test_the_wheel_holds_the_package_alone(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        tops = {PurePosixPath(name).parts[0] for name in wheel.namelist()}
    assert tops == {"snippets", f"{installed.wheel.name.rsplit('-', 3)[0]}.dist-info"}


@pytest.mark.slow
def test_the_installed_package_has_no_tests_or_docs_beside_it(installed):
    result = installed.run("python", "-c", "import snippets; print(snippets.__file__)")
    package = Path(result.stdout.strip()).parent
    assert "site-packages" in package.parts, result.stderr
    assert ROOT not in package.parents
    assert not (package.parent / "tests").exists()
    assert not (package.parent / "docs").exists()


def test_pyproject_installs_the_command_the_pages_name():
    assert PYPROJECT["project"]["scripts"] == {SCRIPT: "snippets.__main__:main"}
    assert PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["snippets"]


@pytest.mark.claim("practice/index.md", "into a virtual environment with Python 3.11 or newer")
def test_the_install_command_names_the_project_its_source_and_python():
    project = PYPROJECT["project"]
    from_git = f'pip install "{project["name"]} @ git+{project["urls"]["Source"]}"'
    assert from_git == INSTALL
    minimum = project["requires-python"].removeprefix(">=")
    assert f"Python {minimum} or newer" in command_line()


# --- what the installed commands print -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.claim(
    "practice/index.md", "from a clone of the repository, pip install . in its folder"
)
@pytest.mark.parametrize("kind", NAMES)
def test_installed_script_prints_the_source_trees_json(printed, kind):
    result = printed[SCRIPT_PRACTICE + JSON_ARGS[kind]]
    assert result.returncode == 0, result.stderr
    assert result.stdout == dumps(record(kind, SEED)) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("kind", NAMES)
def test_installed_module_prints_the_source_trees_markdown(printed, kind):
    result = printed[MODULE_PRACTICE + MARKDOWN_ARGS[kind]]
    assert result.returncode == 0, result.stderr
    assert result.stdout == terminal_markdown(kind, None) + "\n"


@pytest.mark.slow
@pytest.mark.claim("practice/index.md", "is the same command under another name")
@pytest.mark.parametrize("args", [JSON_ARGS["backprop"], MARKDOWN_ARGS["conv-shape"]])
def test_both_names_print_the_same(printed, args):
    script, module = printed[SCRIPT_PRACTICE + args], printed[MODULE_PRACTICE + args]
    assert script.returncode == module.returncode == 0, script.stderr + module.stderr
    assert script.stdout == module.stdout


@pytest.mark.slow
@pytest.mark.claim(
    "practice/index.md",
    "An unknown kind or a bad seed stops with a one-line message that lists the valid choices.",
)
@pytest.mark.parametrize(
    ("practice", "prog"), [(SCRIPT_PRACTICE, SCRIPT), (MODULE_PRACTICE, MODULE)]
)
def test_a_bad_kind_is_one_line_naming_the_program_as_typed(installed, practice, prog):
    result = installed.run(*practice, "nope", "--seed", "1")
    assert result.returncode == USAGE_ERROR
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{prog} practice: error: unknown kind 'nope'")
    assert all(name in line for name in NAMES)
