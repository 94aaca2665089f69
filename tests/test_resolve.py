"""Block includes: markers, nesting, unknown ids and cycles."""

from __future__ import annotations

from pathlib import Path

from omnipress.content.loader import load_project
from omnipress.content.model import Project
from omnipress.content.resolve import Reference, Text, check_references, closure, split_segments
from omnipress.errors import Problems
from tests.factory import POST, make_project


def load(content: Path) -> tuple[Project, Problems]:
    problems = Problems()
    project = load_project(content, problems)
    assert project is not None
    check_references(project, problems)
    return project, problems


def block(text: str, includes: str = "") -> str:
    return f"---\ntype: boilerplate\n---\n{text}\n\n{includes}\n"


def test_split_segments_keeps_text_and_line_numbers() -> None:
    segments = split_segments("Intro\n\n[[block:stat-one]]\n\nOutro\n", first_line=10)
    assert segments[0] == Text("Intro\n\n")
    assert segments[1] == Reference("stat-one", 12)
    assert isinstance(segments[2], Text) and "Outro" in segments[2].markdown


def test_jinja_syntax_is_not_a_marker() -> None:
    assert all(isinstance(s, Text) for s in split_segments("{{ block('x') }}\n{% include 'a' %}"))


def test_nested_blocks_are_in_the_closure_in_order(tmp_path: Path) -> None:
    content = make_project(
        tmp_path,
        blocks={
            "outer": block("Outer", "[[block:middle]]"),
            "middle": block("Middle", "[[block:stat-one]]"),
        },
    )
    project, problems = load(content)
    assert not problems.errors
    assert closure(project, ["outer"], "blog") == ["outer", "middle", "stat-one"]


def test_unknown_include_names_file_line_and_closest_ids(tmp_path: Path) -> None:
    content = make_project(
        tmp_path, posts={"p": POST.replace("[[block:stat-one]]", "[[block:stat-on]]")}
    )
    _, problems = load(content)
    errors = [e for e in problems.errors if "stat-on'" in e.message]
    assert errors, [e.format() for e in problems.errors]
    # both markers (in linkedin.body and in the body) are reported with their lines
    assert sorted(e.line for e in errors) == [12, 19]  # linkedin.body and body
    assert all("'stat-one'" in e.hint for e in errors)


def test_cycle_is_reported_as_a_path(tmp_path: Path) -> None:
    content = make_project(
        tmp_path,
        blocks={"a": block("A", "[[block:b]]"), "b": block("B", "[[block:a]]")},
    )
    _, problems = load(content)
    cycles = [e for e in problems.errors if "cycle" in e.message]
    assert len(cycles) == 1
    assert "a → b → a" in cycles[0].message
    assert cycles[0].path.name == "a.md" and cycles[0].line == 6  # the line of [[block:b]]


def test_self_include_is_a_cycle(tmp_path: Path) -> None:
    content = make_project(tmp_path, blocks={"selfish": block("Me", "[[block:selfish]]")})
    _, problems = load(content)
    assert any("selfish → selfish" in e.message for e in problems.errors)


def test_inline_marker_must_stand_on_its_own_line(tmp_path: Path) -> None:
    content = make_project(
        tmp_path, posts={"p": POST.replace("More text.", "See [[block:stat-one]] here.")}
    )
    _, problems = load(content)
    assert any("own line" in e.message for e in problems.errors)


def test_markers_in_code_are_examples_not_includes(tmp_path: Path) -> None:
    """A post explaining the marker syntax shows it: in a fenced block, an indented block or a
    code span it is neither expanded nor an error."""
    body = (
        "Write this:\n\n```\n[[block:stat-one]]\n```\n\n~~~~md\n[[block:nope]]\n~~~~\n\n"
        "or `[[block:nope]]` inline, or\n\n    [[block:nope]]\n\nThe end.\n"
    )
    assert all(isinstance(s, Text) for s in split_segments(body))
    content = make_project(tmp_path, posts={"test-post": POST.replace("More text.", body)})
    _, problems = load(content)
    assert not problems.errors, [p.format() for p in problems]


def test_a_marker_with_stray_spaces_or_capitals_still_includes(tmp_path: Path) -> None:
    segments = split_segments("[[ block: stat-one ]]\n\n[[Block:about]]\n")
    assert [s for s in segments if isinstance(s, Reference)] == [
        Reference("stat-one", None),
        Reference("about", None),
    ]


def test_windows_line_endings_read_like_unix_ones(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    post = content / "posts" / "test-post.md"
    post.write_bytes(post.read_bytes().replace(b"\n", b"\r\n"))
    project, problems = load(content)
    assert not problems.errors, [p.format() for p in problems]
    loaded = project.posts["test-post"]
    assert "\r" not in loaded.body
    assert [r.block_id for r in split_segments(loaded.body) if isinstance(r, Reference)] == [
        "stat-one"
    ]
