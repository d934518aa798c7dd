"""Files around the code: CI mirrors .ci/run, workflows and hooks are valid, docs agree."""

from __future__ import annotations

import ast
import re

import yaml

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
    assert {s.name for s in sessions} >= {"serve", "docs", "tests", "lint", "bench"}
    for session in sessions:
        assert ast.get_docstring(session), session.name


def test_pre_commit_runs_ruff_and_the_fast_tests():
    hooks = [
        hook for repo in load(ROOT / ".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]
    ]
    entries = " ".join(hook["entry"] for hook in hooks)
    assert "ruff check" in entries
    assert "ruff format" in entries
    assert 'pytest -q -x -m "not build and not browser"' in entries


def test_issue_templates_are_valid():
    for path in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"):
        form = load(path)
        if path.name != "config.yml":
            assert form["name"]
            assert form["body"]
