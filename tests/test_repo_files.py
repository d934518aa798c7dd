"""Files around the code: CI mirrors .ci/run, workflows and hooks are valid, docs agree."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml
from hypothesis import settings

from tests.conftest import ROOT

TEST_COMMAND = "python3 tools/run_nox.py"
WORKFLOWS = ROOT / ".github" / "workflows"


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(workflow) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflows_are_valid_yaml_with_jobs():
    for path in WORKFLOWS.glob("*.yml"):
        workflow = load(path)
        assert workflow["jobs"], path.name
        assert True in workflow or "on" in workflow, f"{path.name} has no trigger"


def after_checkout(job_steps: list[dict]) -> tuple[list[dict], list[dict]]:
    """A job's steps before its checkout, and after it."""
    (at,) = [i for i, s in enumerate(job_steps) if s.get("uses", "").startswith("actions/checkout")]
    return job_steps[:at], job_steps[at + 1 :]


def test_ci_workflow_runs_exactly_ci_run_on_debian():
    (job,) = load(WORKFLOWS / "ci.yml")["jobs"].values()
    # Debian, where apt's chromium is the browser (Ubuntu's installs a snap).
    assert job["container"]["image"].startswith("debian:")
    # `unshare --net`, which I2DL_REQUIRE_OFFLINE demands, needs a privileged container.
    assert "--privileged" in job["container"]["options"].split()
    before, after = after_checkout(job["steps"])
    assert [step.get("run") for step in after] == ["bash .ci/run"]
    # Before the checkout, only what the README asks of a machine: Python 3.11+ and git.
    (prepare,) = before
    assert prepare["run"].endswith(
        "apt-get install -y -qq ca-certificates git python3 python3-venv"
    )


def test_no_workflow_sets_up_another_python():
    for path in WORKFLOWS.glob("*.yml"):
        for step in steps(load(path)):
            assert not step.get("uses", "").startswith("actions/setup-python"), path.name


def script(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f"#!/bin/sh\n{body}\n")
    (folder / name).chmod(0o755)


def run_ci_script(tmp_path: Path, *, chromium: bool) -> list[str]:
    """Run .ci/run with stand-ins for apt-get, chromium and python3 alone on the PATH;
    the lines the stand-ins recorded, each naming its program and words."""
    folder, log = tmp_path / "bin", tmp_path / "log"
    folder.mkdir()
    (folder / "dirname").symlink_to(shutil.which("dirname"))
    if chromium:
        script(folder, "chromium", "true")
    # apt-get records its words, and `install` leaves a chromium behind as Debian's does.
    install = f"{shutil.which('cp')} {folder}/dirname {folder}/chromium"
    script(
        folder, "apt-get", f'echo "apt-get $*" >> {log}\ncase "$*" in *install*) {install};; esac'
    )
    script(
        folder,
        "python3",
        f'echo "python3 $* in $PWD; I2DL_REQUIRE_OFFLINE=$I2DL_REQUIRE_OFFLINE CI=$CI'
        f' CHROMIUM=$CHROMIUM" >> {log}',
    )
    result = subprocess.run(
        [shutil.which("bash"), str(ROOT / ".ci" / "run")],
        env={"PATH": str(folder)}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines()


def test_ci_run_runs_the_readme_command_offline_with_chromium(tmp_path):
    # The README's test command, with no argument, from the root of the repository.
    assert run_ci_script(tmp_path, chromium=True) == [
        f"{TEST_COMMAND} in {ROOT}; I2DL_REQUIRE_OFFLINE=1 CI=true CHROMIUM={tmp_path}/bin/chromium"
    ]


def test_ci_run_installs_debians_chromium_when_there_is_none(tmp_path):
    *apt, python = run_ci_script(tmp_path, chromium=False)
    assert apt[-1] == "apt-get install -y -qq chromium"
    assert python.endswith(f"CHROMIUM={tmp_path}/bin/chromium")


def test_pages_workflow_builds_strictly_on_debian_and_deploys_from_main():
    workflow = load(WORKFLOWS / "pages.yml")
    trigger = workflow.get(True) or workflow.get("on")  # YAML 1.1 reads `on` as True
    assert trigger["push"]["branches"] == ["main"]
    assert workflow["jobs"]["build"]["container"]["image"].startswith("debian:")
    _, after = after_checkout(workflow["jobs"]["build"]["steps"])
    assert [step["run"] for step in after if "run" in step] == [f"{TEST_COMMAND} -s docs"]
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in steps(workflow))


def test_readme_quick_start_has_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert f"{TEST_COMMAND} -s serve" in readme
    assert re.search(rf"^{re.escape(TEST_COMMAND)}\s+#", readme, re.MULTILINE)


def test_every_nox_session_has_a_docstring():
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    sessions = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("session" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert {s.name for s in sessions} >= {"serve", "docs", "tests", "fast", "lint", "bench"}
    for session in sessions:
        assert ast.get_docstring(session), session.name


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pre_commit_repos() -> list[dict]:
    return load(ROOT / ".pre-commit-config.yaml")["repos"]


def test_pre_commit_runs_ruff_from_its_repository_at_the_lint_groups_version():
    (ruff,) = [r for r in pre_commit_repos() if r["repo"].endswith("/astral-sh/ruff-pre-commit")]
    assert {hook["id"] for hook in ruff["hooks"]} == {"ruff-check", "ruff-format"}
    (pin,) = [d for d in pyproject()["dependency-groups"]["lint"] if d.startswith("ruff")]
    assert pin == f"ruff=={ruff['rev'].removeprefix('v')}"  # one version, pinned exactly


def test_pre_commit_runs_the_fast_set_through_the_projects_environment():
    hooks = [hook for r in pre_commit_repos() if r["repo"] == "local" for hook in r["hooks"]]
    (fast,) = [hook for hook in hooks if "-s fast" in hook["entry"]]
    # Through tools/run_nox.py and the nox session, not whatever `python` is on the PATH.
    assert fast["entry"] == f"{TEST_COMMAND} -R -s fast"
    assert fast["pass_filenames"] is False


def session_calls(name: str) -> list[ast.Call]:
    """The `session.run(...)` calls of the nox session `name`."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    (session,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return [
        call
        for call in ast.walk(session)
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "session.run"
    ]


def words(call: ast.Call) -> list[str]:
    """A command's literal words; a name such as FAST_SET is kept as its name."""
    return [a.value if isinstance(a, ast.Constant) else ast.unparse(a) for a in call.args]


def test_the_fast_session_runs_lint_and_the_tests_without_build_browser_or_install():
    runs = [words(call) for call in session_calls("fast")]
    assert ["ruff", "check", "."] in runs
    assert ["ruff", "format", "--check", "."] in runs
    (pytest_run,) = [run for run in runs if run[0] == "pytest"]
    assert {"-n", "auto", "FAST_SET"} <= set(pytest_run)
    assert (
        'FAST_SET = "not build and not browser and not slow"' in (ROOT / "noxfile.py").read_text()
    )
    ini = pyproject()["tool"]["pytest"]["ini_options"]
    assert {"build", "browser", "slow"} <= {line.split(":")[0] for line in ini["markers"]}
    assert any(d.startswith("pytest-xdist") for d in pyproject()["dependency-groups"]["test"])


def test_only_the_fast_set_runs_fewer_hypothesis_examples():
    guide, fast = settings.get_profile("guide"), settings.get_profile("fast")
    assert guide.max_examples == settings.get_profile("default").max_examples
    assert fast.max_examples < guide.max_examples
    assert fast.deadline == guide.deadline

    def profile(session: str) -> list[str]:
        return [ast.unparse(k.value) for c in session_calls(session) for k in c.keywords]

    assert any("'HYPOTHESIS_PROFILE': 'fast'" in env for env in profile("fast"))
    assert not any("HYPOTHESIS_PROFILE" in env for env in profile("tests"))


def test_issue_templates_are_valid():
    for path in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"):
        form = load(path)
        if path.name != "config.yml":
            assert form["name"]
            assert form["body"]
