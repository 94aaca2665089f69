"""Approvals (issue 13, section 1): the log in content/approvals.yaml, the `approve`
command, what counts as a change. Through the real entry point, on small projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnipress.cli import main
from omnipress.content.approvals import normalized_text, source_sha256
from tests.factory import make_project, write

ROLES = "approvals:\n  required: [medical, legal]\n"
SHA = "a" * 64


def approvals_on(root: Path) -> Path:
    content = make_project(root)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + ROLES)
    return content


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def approve(content: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    return run(capsys, "approve", *argv, "--content", str(content))


def entry(source: str = "block:cta-main", sha: str = SHA, role: str = "medical",
          at: str = "2026-12-01T22:00:00Z", extra: str = "") -> str:  # fmt: skip
    return (
        f'- source: {source}\n  sha256: "{sha}"\n  role: {role}\n  by: Dr Roe\n  at: {at}\n{extra}'
    )


@pytest.mark.parametrize(
    ("log", "message", "line"),
    [
        (entry(source="block:cta-mian"), "source 'block:cta-mian' is not a block", 1),
        (entry(source="post:nope"), "source 'post:nope' is not a post", 1),
        (entry(source="thing:cta-main"), "must be block:ID or post:SLUG", 1),
        (entry(sha="abc123"), "is not 64 lowercase hex digits", 2),
        (entry(sha="A" * 64), "is not 64 lowercase hex digits", 2),
        (entry(role="marketing"), "role 'marketing' is not one the site requires", 3),
        (entry(at="2026-12-01"), "is not a date and time with its time zone", 5),
        (entry(at="yesterday"), "is not a date and time with its time zone", 5),
        (entry(at="2026-12-01 22:00:00"), "is not a date and time with its time zone", 5),
        (entry(extra="  approver: x\n"), "unknown field 'approver'", 6),
        (
            "- source: block:cta-main\n  role: medical\n  by: X\n  at: 2026-12-01T22:00:00Z\n",
            "required field 'sha256' is missing",
            1,
        ),
        (
            "- source: block:cta-main\n  sha256: 1234\n  role: medical\n  by: X\n"
            "  at: 2026-12-01T22:00:00Z\n",
            "sha256 must be written in quotes",
            2,
        ),
        (entry() + entry(), "approved twice by medical", 6),
        ("- just text\n", "an approval must be 'key: value' lines", 1),
        ("source: block:cta-main\n", "must be a list of approvals", 1),
    ],
)
def test_a_bad_entry_is_an_error_with_its_line_and_nothing_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], log: str, message: str, line: int
) -> None:
    content = approvals_on(tmp_path)
    write(content, "approvals.yaml", log)
    output = tmp_path / "output"
    code, text = run(capsys, "build", "--content", str(content), "--output", str(output))
    assert code == 1
    assert f"approvals.yaml:{line}: error:" in text
    assert message in text
    assert "hint:" in text
    assert not output.exists()


def test_every_bad_entry_is_reported_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = approvals_on(tmp_path)
    write(content, "approvals.yaml", entry(source="block:x") + entry(sha="1") + entry(role="r"))
    code, text = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "o"))
    assert code == 1
    assert text.count("approvals.yaml:") == 3


@pytest.mark.parametrize(
    "settings",
    ["approvals: yes\n", "approvals: {required: []}\n", "approvals: {required: [Medical]}\n",
     "approvals: {required: [medical, medical]}\n", "approvals: {roles: [medical]}\n"],
)  # fmt: skip
def test_bad_approval_settings_in_site_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: str
) -> None:
    content = make_project(tmp_path)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + settings)
    code, text = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "o"))
    assert code == 1
    assert "site.yaml" in text and "site approvals" in text


def test_approve_appends_keeps_comments_and_stores_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = approvals_on(tmp_path)
    mine = "# reviewed in PR 12\n" + entry(sha=source_sha256("x")) + "  # my own comment\n"
    mine = mine.replace("block:cta-main", "block:about")
    write(content, "approvals.yaml", mine)
    code, text = approve(content, capsys, "cta-main", "post:test-post", "--by", "Dr Jane: Roe #1",
                         "--role", "legal", "--note", 'said "ok"')  # fmt: skip
    assert code == 0, text
    log = (content / "approvals.yaml").read_text()
    assert log.startswith(mine)  # not a byte of the existing text changed
    added = log[len(mine) :]
    assert added.count("- source:") == 2
    assert "block:cta-main" in added and "post:test-post" in added
    assert 'by: "Dr Jane: Roe #1"' in added and 'note: "said \\"ok\\""' in added
    sha = source_sha256((content / "blocks/cta-main.md").read_text())
    assert f'sha256: "{sha}"' in added
    kept = content / "approved/block" / f"cta-main.{sha[:12]}.md"
    assert normalized_text(kept.read_text()) == normalized_text(
        (content / "blocks/cta-main.md").read_text()
    )
    assert not list(content.glob(".approvals.yaml.*"))  # no temporary file left


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["cta-mian"], "did you mean 'cta-main'"),
        (["block:test-post"], "there is no block 'test-post'"),
        (["post:cta-main"], "there is no post 'cta-main'"),
        (["cta-main", "nothing-like-it"], "'nothing-like-it' is neither"),
        (["both"], "'both' is both a block and a post"),
        (["page:x"], "'page' is not something that can be approved"),
    ],
)
def test_approve_refuses_unknown_or_ambiguous_ids_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ids: list[str], message: str
) -> None:
    content = approvals_on(tmp_path)
    write(content, "blocks/both.md", "---\ntype: boilerplate\n---\nBoth.\n")
    write(content, "posts/both.md", (content / "posts/test-post.md").read_text())
    code, text = approve(content, capsys, *ids, "--by", "X", "--role", "medical")
    assert code == 2
    assert message in text
    assert not (content / "approvals.yaml").exists()
    assert not (content / "approved").exists()


@pytest.mark.parametrize(
    ("site_extra", "argv", "message"),
    [
        (ROLES, ["--by", "X", "--role", "marketing"], "role 'marketing' is not one the site"),
        ("", ["--by", "X", "--role", "medical"], "approvals are off"),
        (ROLES, ["--by", " ", "--role", "medical"], "--by must be a name"),
        (ROLES, ["--by", "X\nY", "--role", "medical"], "one line of text"),
    ],
)
def test_approve_refuses_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site_extra: str, argv: list[str],
    message: str,
) -> None:  # fmt: skip
    content = make_project(tmp_path)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + site_extra)
    code, text = approve(content, capsys, "cta-main", *argv)
    assert code == 2
    assert message in text
    assert not (content / "approvals.yaml").exists()


def test_approve_refuses_when_the_log_is_invalid_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = approvals_on(tmp_path)
    broken = entry(sha="nothex") + "# keep me\n"
    write(content, "approvals.yaml", broken)
    code, text = approve(content, capsys, "cta-main", "--by", "X", "--role", "medical")
    assert code == 1
    assert "is not 64 lowercase hex digits" in text
    assert (content / "approvals.yaml").read_text() == broken


def test_approving_again_as_it_reads_now_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = approvals_on(tmp_path)
    assert approve(content, capsys, "cta-main", "--by", "X", "--role", "medical")[0] == 0
    before = (content / "approvals.yaml").read_text()
    code, text = approve(content, capsys, "cta-main", "--by", "Y", "--role", "medical")
    assert code == 0 and "already approved" in text
    assert (content / "approvals.yaml").read_text() == before


def test_a_failed_write_leaves_the_log_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    content = approvals_on(tmp_path)
    assert approve(content, capsys, "cta-main", "--by", "X", "--role", "medical")[0] == 0
    before = (content / "approvals.yaml").read_text()

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    code, text = approve(content, capsys, "about", "--by", "X", "--role", "medical")
    assert code == 1 and "the disk is full" in text
    assert (content / "approvals.yaml").read_text() == before
    assert not list(content.glob(".approvals.yaml.*"))


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        ("a\nb\n", "a\r\nb\r\n", False),  # Windows line endings
        ("a\nb\n", "a\rb\r", False),  # old Mac line endings
        ("a\nb\n", "a \t\nb\t\n", False),  # trailing spaces and tabs
        ("a\nb\n", "a\nb\n\n\n", False),  # blank lines at the end
        ("a\nb", "a\nb\n", False),  # final newline or not
        ("a\nb\n", "a\n\nb\n", True),  # a blank line inside splits a paragraph
        ("a\nb\n", "a\n  b\n", True),  # indentation
        ("a\nb\n", "a  \nb\n", True),  # a Markdown hard line break
        ("a   \nb\n", "a  \nb\n", False),  # …however many spaces make it
        ("7 disciplines\n", "8 disciplines\n", True),
        ("a b\n", "a  b\n", True),  # spaces inside a line
    ],
)
def test_what_counts_as_a_change(before: str, after: str, changed: bool) -> None:
    assert (source_sha256(before) != source_sha256(after)) is changed


def test_approvals_yaml_while_approvals_are_off_is_checked_but_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = make_project(tmp_path)
    write(content, "approvals.yaml", entry(role="anyone"))
    code, text = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "o"))
    assert code == 0
    assert "approvals.yaml is ignored" in text
    write(content, "approvals.yaml", entry(sha="x"))
    code, text = run(capsys, "build", "--content", str(content), "--output", str(tmp_path / "o"))
    assert code == 1 and "is not 64 lowercase hex digits" in text


@pytest.mark.parametrize("cached_first", [False, True])
def test_a_log_read_again_is_parsed_once_but_checked_again_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached_first: bool
) -> None:
    """The preview reads the log after every save: the YAML is parsed once per text, and
    every entry is still checked against the sources as they are now."""
    from omnipress.content import approvals
    from omnipress.errors import Problems

    approvals._parsed.clear()
    path = tmp_path / "approvals.yaml"
    text = entry() + entry(source="post:gone")
    if cached_first:
        approvals.read_book(text, path, {"block:cta-main": SHA, "post:gone": SHA}, (),
                            ("medical",), Problems())  # fmt: skip
    calls: list[str] = []
    real_parse = approvals.parse_yaml

    def counting(text: str, *args: object) -> object:
        calls.append(text)
        return real_parse(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(approvals, "parse_yaml", counting)
    known = {"block:cta-main": SHA}  # post:gone was deleted since
    for _ in range(2):
        problems = Problems()
        book = approvals.read_book(text, path, known, (), ("medical",), problems)
        assert book.entries == ()  # the bad entry voids the log, every time
        assert [p.line for p in problems.errors] == [6]
        assert "source 'post:gone' is not a post" in problems.errors[0].message
    assert len(calls) == (0 if cached_first else 1)
    good = approvals.read_book(entry(), path, known, (), ("medical",), Problems())
    assert [e.source for e in good.entries] == ["block:cta-main"]
    assert len(calls) == (1 if cached_first else 2)  # another text: parsed
