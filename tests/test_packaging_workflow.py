"""The Windows and macOS build workflow cannot run here: check what can be checked
(valid YAML, the jobs, and that every repository path it names exists)."""

from __future__ import annotations

import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "package.yml"


def test_workflow_is_valid_and_builds_both_platforms():
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(data["jobs"]) == {"windows", "macos"}
    for job in data["jobs"].values():
        runs = " ".join(step.get("run", "") for step in job["steps"])
        assert "packaging/codedesk.spec" in runs
        assert "db.build" in runs


def test_paths_named_by_the_workflow_and_installer_exist():
    text = WORKFLOW.read_text(encoding="utf-8")
    for path in set(re.findall(r"packaging[/\\][\w./\\-]*\w", text)):
        assert (ROOT / path.replace("\\", "/")).exists(), path
    iss = (ROOT / "packaging" / "windows" / "codedesk.iss").read_text(encoding="utf-8")
    assert 'Source: "..\\..\\dist\\codedesk\\*"' in iss
    assert "codedesk.exe" in iss
