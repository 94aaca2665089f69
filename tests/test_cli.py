"""The command line as a marketer meets it: defaults, help, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from omnipress.cli import main
from tests.conftest import ROOT, TEMPLATES
from tests.factory import make_project


def test_no_command_builds_content_into_output_from_the_current_folder(tmp_path: Path) -> None:
    make_project(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py")], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "4 built, 0 reused" in result.stdout + result.stderr
    for relative in (
        "blog/test-post/index.html",
        "pdf/test-post.pdf",
        "linkedin/test-post.txt",
        "blog/test-post/card.png",
    ):
        assert (tmp_path / "output" / relative).is_file()


def test_help_explains_the_tool_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "blog" in text and "PDF" in text and "LinkedIn" in text
    assert "build" in text


def test_build_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--content", "--templates", "--output", "--only"):
        assert option in text


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--colour", "red"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_only_with_an_unknown_name_suggests_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = make_project(tmp_path)
    code = main(["build", "--content", str(content), "--templates", str(TEMPLATES),
                 "--output", str(tmp_path / "out"), "--only", "test-pots"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "--only 'test-pots' is neither a post slug nor a campaign name" in err
    assert "did you mean 'test-post'" in err
    assert not (tmp_path / "out").exists()


def test_only_builds_one_post_and_keeps_the_others(tmp_path: Path) -> None:
    from tests.factory import POST

    content = make_project(tmp_path, posts={"first": POST, "second": POST})
    output = tmp_path / "out"
    args = [
        "build",
        "--content",
        str(content),
        "--templates",
        str(TEMPLATES),
        "--output",
        str(output),
    ]
    assert main(args) == 0
    second_pdf = (output / "pdf/second.pdf").read_bytes()
    (content / "posts/first.md").write_text(POST.replace("A test post", "A renamed post"))
    (content / "posts/second.md").write_text(POST.replace("A test post", "Not rebuilt"))
    assert main([*args, "--only", "first"]) == 0
    assert "A renamed post" in (output / "blog/first/index.html").read_text()
    assert (output / "pdf/second.pdf").read_bytes() == second_pdf
    assert "Not rebuilt" not in (output / "blog/second/index.html").read_text()


def test_only_a_campaign_builds_its_variants_and_the_pages_they_link_to(tmp_path: Path) -> None:
    from tests.factory import POST

    content = make_project(tmp_path, posts={"first": POST, "second": POST})
    (content / "campaigns").mkdir(exist_ok=True)
    (content / "campaigns/launch.yaml").write_text("title: Launch\nposts: [first]\n")
    output = tmp_path / "out"
    args = ["build", "--content", str(content), "--templates", str(TEMPLATES),
            "--output", str(output), "--only", "launch"]  # fmt: skip
    assert main(args) == 0
    built = {str(p.relative_to(output)) for p in output.rglob("*") if p.is_file()}
    assert {"campaigns/launch/pdf/first.pdf", "campaigns/launch/linkedin/first.txt"} <= built
    assert "blog/first/index.html" in built  # where the variants' links go
    assert not any("second" in path for path in built)
    assert "pdf/first.pdf" not in built  # the post's own one-pager is not the campaign's
