"""One block expander for every format: a runaway include (a cycle, a chain nested too deep,
a block included hundreds of times) is stopped by the same guard with the same problem,
whether the output is the blog's HTML or the LinkedIn text."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnipress.channels.base import RenderEnvironment
from omnipress.channels.htmlblocks import HtmlBlockRenderer
from omnipress.channels.linkedin.render import TextBlockRenderer
from omnipress.cli import main
from omnipress.content import expander
from omnipress.content.loader import load_project
from omnipress.errors import Problems
from tests.conftest import TEMPLATES
from tests.factory import POST, make_project

BOILERPLATE = "---\ntype: boilerplate\n---\n{words}\n\n{includes}\n"


def chain(length: int) -> dict[str, str]:
    """``link-0`` includes ``link-1`` … includes ``link-{length - 1}``: no cycle, only depth."""
    return {
        f"link-{n}": BOILERPLATE.format(
            words=f"Link {n}.", includes=f"[[block:link-{n + 1}]]" if n + 1 < length else ""
        )
        for n in range(length)
    }


RUNAWAYS = {
    "cycle": {
        "loop-a": BOILERPLATE.format(words="A.", includes="[[block:loop-b]]"),
        "loop-b": BOILERPLATE.format(words="B.", includes="[[block:loop-a]]"),
    },
    "too-deep": chain(12),
    "too-many": {
        "link-0": BOILERPLATE.format(words="Many.", includes="[[block:stat-one]]\n\n" * 250)
    },
}
ROOT_BLOCK = {"cycle": "loop-a", "too-deep": "link-0", "too-many": "link-0"}


def guard_problems(tmp_path: Path, blocks: dict[str, str], root: str) -> dict[str, list[str]]:
    """The problems each format reports rendering ``root``, formatted as a marketer reads them."""
    project = load_project(make_project(tmp_path, blocks), Problems())
    assert project is not None
    found = {}
    for name in ("blog", "linkedin"):
        env = RenderEnvironment(project, TEMPLATES.resolve())
        if name == "blog":
            HtmlBlockRenderer(env, "blog", lambda path: None).block(root)
        else:
            TextBlockRenderer(env).block(project.blocks[root])
        found[name] = [problem.format(tmp_path) for problem in env.problems]
    return found


@pytest.mark.parametrize("runaway", sorted(RUNAWAYS))
def test_the_guard_stops_a_runaway_include_with_the_same_problem_in_both_formats(
    tmp_path: Path, runaway: str
) -> None:
    found = guard_problems(tmp_path, RUNAWAYS[runaway], ROOT_BLOCK[runaway])
    assert found["blog"] == found["linkedin"], found
    [problem] = found["blog"]  # said once, however many includes were refused
    assert "error: too many block includes while rendering '" in problem
    assert "(limit: 200 includes, 8 levels deep)" in problem
    assert "hint: a block is probably included far more often than intended" in problem


@pytest.mark.parametrize("limit", [1, 3])
def test_both_formats_obey_the_one_guard(
    tmp_path: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both renderers read the limit from the one expander: change it there, both follow."""
    monkeypatch.setattr(expander, "MAX_DEPTH", limit)
    found = guard_problems(tmp_path, chain(limit + 3), "link-0")
    assert found["blog"] == found["linkedin"], found
    assert len(found["blog"]) == 1
    assert f"rendering 'link-{limit + 1}'" in found["blog"][0]
    assert f"{limit} levels deep" in found["blog"][0]


@pytest.mark.parametrize("runaway", ["too-deep", "too-many"])
@pytest.mark.parametrize(
    "where",
    [
        ("\nMore text.\n", "\nMore text.\n\n[[block:link-0]]\n"),  # the blog's body
        ("    [[block:stat-one]]\n", "    [[block:stat-one]]\n\n    [[block:link-0]]\n"),
    ],
    ids=["blog-body", "linkedin-body"],
)
def test_a_build_reports_the_same_guard_problem_from_either_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], runaway: str, where: tuple[str, str]
) -> None:
    post = POST.replace(*where)
    assert post != POST
    content = make_project(tmp_path, RUNAWAYS[runaway], {"test-post": post})
    output = tmp_path / "output"
    code = main(["build", "--content", str(content), "--output", str(output),
                 "--templates", str(TEMPLATES)])  # fmt: skip
    text = capsys.readouterr().err
    assert code == 1 and not output.exists(), text
    # the post's text is depth 0, so link-0 is depth 1 and link-8 the ninth level, one too many
    expected = (
        "stat-one.md: error: too many block includes while rendering 'stat-one' (limit: 200 "
        "includes, 8 levels deep)"
        if runaway == "too-many"
        else "link-8.md: error: too many block includes while rendering 'link-8' (limit: 200 "
        "includes, 8 levels deep)"
    )
    assert text.count("too many block includes") == 1, text
    assert expected in " ".join(text.split()), text
