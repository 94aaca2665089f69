"""Killed builds lose nothing; the same inputs give the same bytes, whoever builds them when."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT, TEMPLATES
from tests.factory import make_project


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def build_command(output: Path, *extra: str, content: Path = CONTENT) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content),
            "--templates", str(TEMPLATES), "--output", str(output), *extra]  # fmt: skip


def start_build_and_wait_for_staging(output: Path, content: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        build_command(output, "--jobs", "1", content=content),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not any(output.parent.glob(".output.staging-*/pdf/*.pdf")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.02)
    return process


@pytest.fixture
def previous_output(example_output: Path, tmp_path: Path) -> Path:
    output = tmp_path / "output"
    shutil.copytree(example_output, output)
    return output


@pytest.fixture
def edited_content(tmp_path: Path) -> Path:
    """The example content with a site-wide edit, so a build renders every output again
    (instead of reusing them in milliseconds) and a signal lands mid-render."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = content / "site.yaml"
    text = site.read_text(encoding="utf-8")
    assert "need to stand up to scrutiny" in text
    site.write_text(text.replace("need to stand up", "must stand up"), encoding="utf-8")
    return content


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_a_killed_build_leaves_the_previous_output_byte_for_byte(
    previous_output: Path, edited_content: Path, sig: signal.Signals
) -> None:
    before = snapshot(previous_output)
    process = start_build_and_wait_for_staging(previous_output, edited_content)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(sig)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert snapshot(previous_output) == before
    if sig == signal.SIGINT:  # a clean interrupt tidies up after itself
        assert not list(previous_output.parent.glob(".output.staging-*"))
        assert b"Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    # the next build succeeds and removes whatever the killed one left behind
    result = subprocess.run(
        build_command(previous_output, content=edited_content), capture_output=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr.decode()
    assert not list(previous_output.parent.glob(".output.staging-*"))
    assert snapshot(previous_output).keys() == before.keys()
    assert "must stand up" in (previous_output / "blog/cro-or-cdmo/index.html").read_text(
        encoding="utf-8"
    )


def test_two_builds_at_different_times_and_places_are_byte_identical(tmp_path: Path) -> None:
    only = ("--only", "contract-vs-clinical-research-organisation")
    first, second = tmp_path / "a" / "output", tmp_path / "b" / "output"
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(build_command(first, *only), check=True, env=env, capture_output=True)
    time.sleep(1.1)  # a clock stamped anywhere would now differ
    env["PYTHONHASHSEED"] = "2"
    subprocess.run(build_command(second, *only), check=True, env=env, capture_output=True)
    a, b = snapshot(first), snapshot(second)
    assert len(a) > 10 and any(name.endswith(".pdf") for name in a)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


NO_HARFBUZZ = """
import sys
import weasyprint.pdf.fonts as fonts
fonts.harfbuzz_subset = None  # as on a machine without libharfbuzz-subset0
from omnipress.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_pdfs_are_reproducible_without_harfbuzz_subsetting(tmp_path: Path) -> None:
    content = make_project(tmp_path / "project")
    outputs = [tmp_path / "a" / "output", tmp_path / "b" / "output"]
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    for number, output in enumerate(outputs):
        if number:
            time.sleep(1.1)
        command = [sys.executable, "-c", NO_HARFBUZZ, *build_command(output, content=content)[3:]]
        result = subprocess.run(command, env=env, capture_output=True, cwd=ROOT)
        assert result.returncode == 0, result.stderr.decode()
    first, second = (snapshot(o) for o in outputs)
    assert first["pdf/test-post.pdf"] == second["pdf/test-post.pdf"]
    assert first == second
    # and the fallback really ran: HarfBuzz subsets the same fonts into other bytes
    normal = tmp_path / "c" / "output"
    subprocess.run(build_command(normal, content=content), check=True, capture_output=True)
    assert snapshot(normal)["pdf/test-post.pdf"] != first["pdf/test-post.pdf"]
