"""Tasks of the study guide: serve, docs, tests, fast, lint.

Each session installs what it needs from the dependency groups in pyproject.toml into its
own environment (uv when available, else virtualenv), so a fresh machine needs only Python
and nox (tools/run_nox.py brings nox itself).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
KATEX_ASSETS = "docs/assets/katex"

# The fast set: every test that needs no site build, no browser and no fresh install.
FAST_SET = "not build and not browser and not slow"

# mkdocs-material 9.8 prints an end-of-life banner on every build; it is known (README).
QUIET = {"NO_MKDOCS_2_WARNING": "1"}


def build_env() -> dict[str, str]:
    """Environment of a build: quiet, and dated by the last commit, so that two builds of
    one commit are byte-identical (the sitemap's dates and gzip header use this date)."""
    try:
        stamp = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        stamp = ""
    return QUIET | {"SOURCE_DATE_EPOCH": stamp or "0"}


def site_packages(session: nox.Session) -> str:
    """The session environment's site-packages folder."""
    return session.run(
        "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", silent=True
    ).strip()


def install(session: nox.Session, *groups: str, katex: bool = True) -> None:
    """Install the project (editable, so `mkdocs` finds `snippets`) and dependency groups,
    and KaTeX's assets for a session that builds the site (`katex`)."""
    # Compiled to bytecode while installing: where PYTHONDONTWRITEBYTECODE is set (as on CI
    # machines), every process would otherwise compile sympy and matplotlib from source,
    # some 15 s each, and the fast set starts one per core.
    session.install(
        "-e",
        ".",
        *nox.project.dependency_groups(PYPROJECT, *groups),
        env={"UV_COMPILE_BYTECODE": "1"},
    )
    if session.venv_backend != "uv":
        session.run("python", "-m", "compileall", "-q", "-j", "0", site_packages(session))
    if "docs" in groups and katex:
        # The only networked step besides installing: KaTeX's CSS and fonts from the npm registry.
        session.run("python", "-m", "snippets.mdext.katex_assets", KATEX_ASSETS)


@nox.session
def serve(session: nox.Session) -> None:
    """Build the guide, then serve it with live reload on http://127.0.0.1:8000."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", env=build_env())
    session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", "--livereload", env=build_env())


@nox.session
def docs(session: nox.Session) -> None:
    """Build the guide strictly into site/ (any warning, failing block or bad TeX fails)."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site", env=build_env())


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite, including a strict build of the site, on every core: the
    workers share one build of the site (tests/conftest.py), and a worker that finishes early
    takes tests queued for another (`-n 0` in the arguments runs it in one process)."""
    install(session, "docs", "test")
    session.run("pytest", "-n", "auto", "--dist", "worksteal", *session.posargs, env=build_env())


@nox.session
def fast(session: nox.Session) -> None:
    """Lint, then the fast set (no site build, no browser) on every core with the "fast"
    Hypothesis profile: what the pre-commit hook runs, in about 30 s."""
    install(session, "lint", "docs", "test", katex=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run(
        "pytest",
        "-q",
        "-n",
        "auto",
        "--dist",
        "worksteal",  # a worker that finishes early takes tests queued for the other
        "-m",
        FAST_SET,
        *session.posargs,
        env=QUIET | {"HYPOTHESIS_PROFILE": "fast"},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Measure builds (warm, clean, prose edit) against a plain build, where a warm build's
    time goes, the fast set, the largest page; `nox -s bench -- --suite` times the whole
    suite too (some 20 minutes). Writes benchmarks/results.md."""
    install(session, "docs", "test", "lint")
    session.run("python", "tools/bench.py", *session.posargs, env=build_env())


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff: lint rules and formatting."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
