"""Files around the code: CI mirrors .ci/run, workflows and hooks are valid, docs agree."""

from __future__ import annotations

import ast
import re
import tomllib

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


def test_ci_workflow_runs_what_ci_run_runs():
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert re.search(rf"^{re.escape(TEST_COMMAND)}$", ci_script, re.MULTILINE)
    runs = [step.get("run", "") for step in steps(load(WORKFLOWS / "ci.yml"))]
    assert TEST_COMMAND in runs


def test_pages_workflow_builds_strictly_and_deploys_from_main():
    workflow = load(WORKFLOWS / "pages.yml")
    trigger = workflow.get(True) or workflow.get("on")  # YAML 1.1 reads `on` as True
    assert trigger["push"]["branches"] == ["main"]
    all_steps = steps(workflow)
    assert f"{TEST_COMMAND} -s docs" in [step.get("run", "") for step in all_steps]
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in all_steps)


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
