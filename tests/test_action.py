"""Issue 17: the GitHub Action (action.yml, a composite action) and this repository's workflow that uses it: both
valid against the schemas GitHub's own files are checked with (SchemaStore's, as check-jsonschema vendors them),
and the action's scripts run as the runner runs them (bash, inputs as environment variables) on a pull request's
change in a real git repository."""

from __future__ import annotations

import importlib.resources
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from test_baseline import FASTCOMPANY, news
from test_compare import STALE, edit, git

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
WORKFLOW = REPO / ".github" / "workflows" / "seedlint.yml"


def load(path: Path) -> dict:
    # YAML 1.2, as GitHub reads workflows (`on:` is a key, not the boolean YAML 1.1 makes of it).
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("path", "schema"), [(ACTION, "github-actions.json"), (WORKFLOW, "github-workflows.json")])
def test_valid_against_the_schemastore_schemas(path, schema):
    vendored = importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / schema
    document = json.loads(vendored.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(document)(document)
    assert [error.message for error in validator.iter_errors(load(path))] == []


def test_the_workflow_uses_the_action_on_the_seeds():
    workflow = load(WORKFLOW)
    steps = workflow["jobs"]["seeds"]["steps"]
    assert steps[0]["uses"] == "actions/checkout@v4" and steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["uses"] == "./" and steps[1]["with"]["paths"] == "seeds"
    assert workflow["permissions"] == {"contents": "read"}
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "paths",
        "diff-base",
        "fail-on",
        "sarif",
        "sarif-file",
        "args",
        "version",
        "python-version",
    }
    check = step("check")
    assert check["env"]["DIFF_BASE"] == (
        "${{ inputs.diff-base || github.event.pull_request.base.sha || github.event.before }}"
    )
    upload = action["runs"]["steps"][-1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"


def step(wanted: str) -> dict:
    for found in load(ACTION)["runs"]["steps"]:
        if found.get("id") == wanted or found.get("name") == wanted:
            return found
    raise KeyError(wanted)


def tools(folder: Path) -> Path:
    """A PATH folder with `seedlint` (this checkout's) and a `python` that records what it is asked to run."""
    folder.mkdir()
    for name, body in (
        ("seedlint", f'exec {sys.executable} -m seedlint "$@"\n'),
        ("python", f'echo "$@" >> {folder / "python.log"}\n'),
    ):
        path = folder / name
        path.write_text("#!/bin/bash\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def run_step(name: str, cwd: Path, bin_folder: Path, **env: str) -> subprocess.CompletedProcess:
    """The step's script, run as the runner runs a `shell: bash` step: `bash --noprofile --norc -eo pipefail {0}`."""
    script = cwd / ".step.sh"
    script.write_text(step(name)["run"])
    variables = {
        "PATH": f"{bin_folder}:/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "HOME": str(cwd),
        "GIT_CONFIG_GLOBAL": os.devnull,
        **env,
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=variables,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_install_step_installs_the_action_or_a_pinned_release(tmp_path):
    bin_folder = tools(tmp_path / "bin")
    run_step("Install seedlint", tmp_path, bin_folder, VERSION="", ACTION_PATH="/runner/_actions/seedlint/v1")
    run_step("Install seedlint", tmp_path, bin_folder, VERSION="0.1.0", ACTION_PATH="/runner/_actions/seedlint/v1")
    assert (bin_folder / "python.log").read_text().splitlines() == [
        "-m pip install --disable-pip-version-check /runner/_actions/seedlint/v1",
        "-m pip install --disable-pip-version-check seedlint==0.1.0",
    ]


@pytest.fixture
def pull_request(tmp_path) -> tuple[Path, str]:
    """A repository whose last commit (the pull request) edits an excerpt that three documents copy."""
    folder = news(tmp_path / "site")
    git(folder, "init", "-q")
    (folder / ".gitignore").write_text(".seedlint_cache/\n.step.sh\n*.sarif\n")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "base")
    base = git(folder, "rev-parse", "HEAD").strip()
    edit(folder / "_news" / FASTCOMPANY, "The technology that", "The tech that")
    git(folder, "commit", "-q", "-am", "the pull request")
    return folder, base


def test_the_check_step_annotates_only_what_the_pull_request_made(pull_request, tmp_path):
    folder, base = pull_request
    bin_folder = tools(tmp_path / "bin")
    outputs = tmp_path / "outputs"
    inputs = {
        "PATHS": "_news",
        "FAIL_ON": "",
        "ARGS": "",
        "SARIF_FILE": "seedlint.sarif",
        "GITHUB_OUTPUT": str(outputs),
    }
    result = run_step("check", folder, bin_folder, DIFF_BASE=base, SARIF="true", **inputs)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(",", 1)[0] for line in lines] == [f"::warning file={path}" for path in STALE]
    assert "title=SL505 related-stale-copy::SL505 related[" in lines[0]
    assert result.stderr.splitlines()[0] == (
        f"Found 3 new problems since {base} (3 warnings) in 30 files checked. 3 fixable with `seedlint fix "
        f"--diff-base {base} _news`."
    )
    sarif = json.loads((folder / "seedlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 3
    assert outputs.read_text() == "sarif-file=seedlint.sarif\n"
    strict = run_step(
        "check", folder, bin_folder, DIFF_BASE=base, SARIF="false", **{**inputs, "FAIL_ON": "new-warnings"}
    )
    assert strict.returncode == 1
    # No paths: the configured corpus; more arguments are passed on.
    configured = run_step("check", folder, bin_folder, DIFF_BASE=base, SARIF="false", **{**inputs, "PATHS": ""})
    assert configured.returncode == 0 and configured.stdout == result.stdout
    extra = {**inputs, "PATHS": "", "ARGS": "--no-cache --select SL2"}
    selected = run_step("check", folder, bin_folder, DIFF_BASE=base, SARIF="false", **extra)
    assert (selected.returncode, selected.stdout) == (0, "")
    # A push that creates a branch has no commit before it (all zeros): every finding is annotated.
    everything = run_step("check", folder, bin_folder, DIFF_BASE="0" * 40, SARIF="true", **inputs)
    assert everything.returncode == 1 and len(everything.stdout.splitlines()) == 19
    assert sum(line.startswith("::error ") for line in everything.stdout.splitlines()) == 2
    # A failing check still writes the SARIF file (the upload step runs after a failure: `always()`).
    assert len(json.loads((folder / "seedlint.sarif").read_text())["runs"][0]["results"]) == 19
