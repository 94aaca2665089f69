"""Loading and validating content: what a marketer sees when a file is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from omnipress.channels.linkedin.settings import linkedin_of
from omnipress.content import resolve
from omnipress.content.loader import load_project
from omnipress.content.resolve import check_references
from omnipress.errors import Problems
from tests.factory import POST, make_project, write


def load(content: Path) -> tuple[object, Problems]:
    problems = Problems()
    project = load_project(content, problems)
    if project is not None:
        check_references(project, problems)
    return project, problems


def messages(problems: Problems) -> str:
    return "\n".join(p.format() for p in problems)


def test_valid_project_loads_typed_content(tmp_path: Path) -> None:
    project, problems = load(make_project(tmp_path))
    assert not problems.errors, messages(problems)
    post = project.posts["test-post"]  # type: ignore[attr-defined]
    assert post.date == date(2025, 1, 2)
    assert linkedin_of(post).hashtags == ("Testing", "Pipelines", "Content")
    assert project.blocks["stat-one"].fields == {  # type: ignore[attr-defined]
        "value": "42%",
        "label": "of tests pass first time",
        "source": "Internal survey",
    }


def test_slug_and_block_id_default_to_file_name(tmp_path: Path) -> None:
    project, _ = load(make_project(tmp_path, posts={"my-slug": POST}))
    assert "my-slug" in project.posts  # type: ignore[attr-defined]
    assert "cta-main" in project.blocks  # type: ignore[attr-defined]


def test_missing_field_and_wrong_type_name_file_and_field(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(
        content,
        "blocks/stat-bad.md",
        """\
        ---
        type: stat
        value: "10"
        source: Somewhere
        ---
        """,
    )
    write(
        content,
        "posts/bad-date.md",
        POST.replace("date: 2025-01-02", "date: yesterday"),
    )
    _, problems = load(content)
    text = messages(problems)
    assert "stat-bad.md" in text and "required field 'label' is missing" in text
    assert "bad-date.md:3" in text and "field 'date' must be a date" in text
    assert len(problems.errors) == 2


def test_unknown_key_is_a_warning_with_suggestion(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "posts/typo.md", POST.replace("tags: [Testing]", "tgas: [Testing]"))
    _, problems = load(content)
    assert not problems.errors
    (warning,) = [w for w in problems.warnings if "tgas" in w.message]
    assert "'tags'" in warning.hint
    assert warning.line == 6


def test_malformed_yaml_reports_line_without_raising(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "posts/broken.md", "---\ntitle: ok\ndate: [unclosed\n---\nBody\n")
    _, problems = load(content)
    (error,) = problems.errors
    assert error.path is not None and error.path.name == "broken.md"
    assert error.line is not None and error.line >= 3
    assert "invalid YAML" in error.message


def test_unknown_block_type_lists_the_known_types(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "blocks/odd.md", "---\ntype: banner\n---\nText\n")
    _, problems = load(content)
    (error,) = problems.errors
    assert "'banner'" in error.message
    assert "cta" in error.hint and "takeaways" in error.hint


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "posts/one.md", POST.replace("title: A test post\n", ""))
    write(content, "posts/two.md", POST.replace("[[block:stat-one]]", "[[block:stat-onee]]"))
    write(content, "blocks/empty.md", "")
    _, problems = load(content)
    text = messages(problems)
    assert "one.md" in text and "'title'" in text
    assert "two.md" in text and "stat-onee" in text
    assert "empty.md" in text and "empty" in text


def test_author_must_be_a_bio_block(tmp_path: Path) -> None:
    content = make_project(tmp_path, posts={"p": POST.replace("author: author", "author: about")})
    _, problems = load(content)
    (error,) = problems.errors
    assert "author must be a bio block" in error.message
    assert "author" in error.hint  # lists the bio blocks that exist


def test_campaign_with_unknown_post(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "campaigns/spring.yaml", "title: Spring\nposts: [test-postt]\n")
    _, problems = load(content)
    (error,) = problems.errors
    assert "test-postt" in error.message and "test-post" in error.hint


def test_a_broken_file_is_reported_once_not_again_by_its_users(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "posts/test-post.md", POST.replace("date: 2025-01-02", "date: soon"))
    write(content, "campaigns/spring.yaml", "title: Spring\nposts: [test-post]\n")
    write(content, "blocks/stat-one.md", "---\ntype: stat\nvalue: '1'\n---\n")
    _, problems = load(content)
    assert len(problems.errors) == 3, messages(problems)  # the date, the stat's two fields
    assert "unknown" not in messages(problems)


def test_titles_and_hooks_read_as_one_line_whatever_the_yaml_spacing(tmp_path: Path) -> None:
    """HTML collapses spaces and YAML folds lines: the same title must read the same in the
    page, the PDF and the LinkedIn post, so the loader collapses them once for all channels."""
    post = POST.replace("title: A test post", 'title: "A  test\\n  post "').replace(
        "hook: This is the hook of the post.", "hook: >-\n    This is the hook\n    of the post."
    )
    project, problems = load(make_project(tmp_path, posts={"test-post": post}))
    assert not problems.errors, messages(problems)
    loaded = project.posts["test-post"]  # type: ignore[attr-defined]
    assert loaded.title == "A test post"
    assert linkedin_of(loaded).hook == "This is the hook of the post."


def test_dates_as_people_write_them(tmp_path: Path) -> None:
    """A date YAML cannot build is an error with its line, not a crash that hides the rest;
    a quoted date and a date with a time are the day they name."""
    posts = {
        "impossible": POST.replace("date: 2025-01-02", "date: 2025-13-45"),
        "quoted": POST.replace("date: 2025-01-02", 'date: "2025-01-02"'),
        "with-time": POST.replace("date: 2025-01-02", "date: 2025-01-02 10:00:00"),
        "no-title": POST.replace("title: A test post\n", ""),
    }
    _, problems = load(make_project(tmp_path, posts=posts))
    text = messages(problems)
    assert "impossible.md:3" in text and "not a date in the calendar" in text
    assert "no-title.md:1" in text and "required field 'title'" in text  # still reported
    loaded = load_project(tmp_path / "content", Problems())
    assert loaded is not None
    assert loaded.posts["quoted"].date == date(2025, 1, 2)
    assert loaded.posts["with-time"].date == date(2025, 1, 2)
    assert "impossible" not in loaded.posts


def test_every_field_of_a_post_is_checked_before_giving_up(tmp_path: Path) -> None:
    post = POST.replace("title: A test post", "title: [a, b]").replace(
        "hashtags: [Testing, Pipelines, Content]", "hashtags: Testing"
    )
    _, problems = load(make_project(tmp_path, posts={"test-post": post}))
    text = messages(problems)
    assert "field 'title' must be text" in text
    line = post.splitlines().index("  hashtags: Testing") + 1
    assert f"test-post.md:{line}: error: post linkedin: field 'hashtags'" in text


def test_a_key_written_twice_is_a_warning_naming_the_line_that_wins(tmp_path: Path) -> None:
    post = POST.replace("tags: [Testing]", "tags: [Testing]\ntags: [Other]")
    _, problems = load(make_project(tmp_path, posts={"test-post": post}))
    assert not problems.errors
    line = post.splitlines().index("tags: [Other]") + 1
    assert f"test-post.md:{line}: warning: 'tags' is set twice" in messages(problems)


def test_campaign_utm_typos_and_repeated_posts_are_warnings(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(
        content,
        "campaigns/launch.yaml",
        "title: Launch\nposts: [test-post, test-post]\nutm:\n  sourse: mail\n  term: cro\n",
    )
    _, problems = load(content)
    text = messages(problems)
    assert not problems.errors, text
    assert "launch.yaml:4: warning: campaign: utm.sourse is ignored" in text
    assert "utm.term" not in text
    assert "post 'test-post' is listed more than once" in text


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("author: author", "author: autor", 4, "author refers to unknown block 'autor'"),
        ("author: author", "author: about", 4, "author must be a bio block"),
        ("tags: [Testing]", "tags: [Testing]\ncta: cta-mian", 7, "cta refers to unknown block"),
    ],
    ids=["unknown-author", "wrong-type", "unknown-cta"],
)
def test_a_reference_problem_names_its_line(
    tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    content = make_project(tmp_path, posts={"p": POST.replace(old, new)})
    _, problems = load(content)
    (error,) = problems.errors
    assert message in error.message and error.line == line


def test_references_that_resolve_are_not_looked_up_in_their_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line is only wanted for a problem: a library's hundreds of good references must not
    read their files again to find one."""
    content = make_project(tmp_path)
    project = load_project(content, Problems())
    assert project is not None

    def refused(path: Path, needle: str) -> int | None:
        raise AssertionError(f"looked for {needle!r} in {path}")

    monkeypatch.setattr(resolve, "find_line", refused)
    problems = Problems()
    check_references(project, problems)
    assert problems.items == []
