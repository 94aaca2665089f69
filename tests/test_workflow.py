"""CI publishes what people build: the GitHub workflow runs the README's own commands, checks
the outputs, keeps the PDFs and LinkedIn texts, and releases the PDFs on a version tag."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from omnipress.build.manifest import Manifest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def readme_commands() -> list[str]:
    """The commands of the README's first shell block, without their comments."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README.md has no ```sh block"
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [c for c in commands if c]


def readme_direct_build() -> str:
    """The README's way to run the build after set-up, e.g. `.venv/bin/python build.py`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`([^`]*python build\.py)` builds directly", readme)
    assert found is not None, "README.md no longer says how to run the build directly"
    return found.group(1)


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on` key as the boolean True.
    found = data.get("on", data.get(True))
    assert isinstance(found, dict)
    return found


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def runs(job: dict[str, Any]) -> list[str]:
    return [line.strip() for step in steps(job) for line in str(step.get("run", "")).splitlines()]


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    matches = [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]
    assert matches, f"no step uses {action}"
    return matches[0]


def test_workflow_runs_on_push_pull_request_and_version_tags() -> None:
    on = triggers(workflow())
    assert "push" in on and "pull_request" in on
    assert "v*" in on["push"]["tags"]


def test_build_job_sets_up_python_and_runs_the_readme_commands_in_order() -> None:
    job = workflow()["jobs"]["build"]
    assert str(step_using(job, "actions/setup-python")["with"]["python-version"]) == "3.11"
    commands = readme_commands()
    test = next(c for c in commands if c.endswith("test"))
    build = next(c for c in commands if c.endswith("build"))
    # every byte read back before anything is published, not the build's own verdicts
    check = f"{readme_direct_build()} check --no-cache"
    ran = runs(job)
    assert test in ran and build in ran and check in ran
    assert ran.index(test) < ran.index(build) < ran.index(check)
    names = [str(s.get("uses", "")).split("@")[0] for s in steps(job)]
    assert names.index("actions/setup-python") < names.index("actions/upload-artifact")


def test_build_job_uploads_the_pdfs_and_linkedin_texts() -> None:
    upload = step_using(workflow()["jobs"]["build"], "actions/upload-artifact")
    paths = str(upload["with"]["path"]).split()
    for expected in (
        "output/pdf/*.pdf",
        "output/linkedin/*.txt",
        "output/campaigns/*/pdf/*.pdf",
        "output/campaigns/*/linkedin/*.txt",
        "output/linkedin/*.carousel.pdf",
        "output/campaigns/*/linkedin/*.carousel.pdf",
    ):
        assert expected in paths
    assert upload["with"]["if-no-files-found"] == "error"


def test_a_version_tag_attaches_the_pdfs_to_a_release() -> None:
    jobs = workflow()["jobs"]
    release = jobs["release"]
    assert release["needs"] == "build"
    assert "refs/tags/v" in release["if"]
    assert release["permissions"]["contents"] == "write"
    download = step_using(release, "actions/download-artifact")
    assert (
        download["with"]["name"]
        == step_using(jobs["build"], "actions/upload-artifact")["with"]["name"]
    )
    attach = step_using(release, "softprops/action-gh-release")["with"]
    assert attach["files"] == "release/*.pdf" and attach["fail_on_unmatched_files"] is True


def test_the_release_gets_every_one_pager_under_a_name_of_its_own(
    example_output: Path, tmp_path: Path
) -> None:
    """Release assets are named by file name alone: a campaign's one-pager must not replace
    the post's own. Runs the workflow's own step on the example build."""
    release = workflow()["jobs"]["release"]
    naming = next(s for s in steps(release) if "release/" in str(s.get("run", "")))
    shutil.copytree(example_output, tmp_path / "output")
    subprocess.run(["bash", "-c", naming["run"]], cwd=tmp_path, check=True)
    manifest = Manifest.from_json((example_output / "manifest.json").read_text(encoding="utf-8"))
    pdfs = [r for r in manifest.outputs if r.channel in ("pdf", "carousel")]
    assets = {p.name: p.read_bytes() for p in (tmp_path / "release").iterdir()}
    expected = {
        (f"{r.campaign}--" if r.campaign else "") + Path(r.path).name: r.sha256 for r in pdfs
    }
    assert len(pdfs) == 7 + 7 and sorted(assets) == sorted(expected)
    assert all(hashlib.sha256(assets[name]).hexdigest() == h for name, h in expected.items())


def test_a_release_cannot_be_made_from_drafts() -> None:
    """The release job needs the build job, whose release check fails on any draft; on a tag
    that check runs after the build and before the artifact the release attaches."""
    jobs = workflow()["jobs"]
    build = jobs["build"]
    release_check = next(s for s in steps(build) if "check --release" in str(s.get("run", "")))
    assert "refs/tags/v" in release_check["if"]
    ran = runs(build)
    check = f"{readme_direct_build()} check --release"
    assert check in ran
    assert jobs["release"]["needs"] == "build"
    names = [id(s) for s in steps(build)]
    upload = step_using(build, "actions/upload-artifact")
    assert names.index(id(release_check)) < names.index(id(upload))
