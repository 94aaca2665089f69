"""A channel is one package: a fourth channel that lives only under tests/
(``tests/channel_email``) is built, checked, found by where-used, shown by the preview and
given to `new post`'s posts, with no change outside its package; and a channel that could not
be checked is refused when the registry is built."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from omnipress import channels
from omnipress.build.builder import BuildOptions
from omnipress.channels.base import Channel, ChannelError, checked
from omnipress.cli import main
from omnipress.content import schema
from omnipress.preview.server import Preview
from tests import channel_email
from tests.conftest import TEMPLATES
from tests.factory import POST, make_project
from tests.test_check import edit

EMAIL = channel_email.CHANNEL


def keep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo, after the test, what registering a channel changes: the registry, and what the
    content layer was told of the channels."""
    monkeypatch.setattr(channels, "CHANNELS", channels.CHANNELS)
    now = schema.CHANNELS
    monkeypatch.setattr(schema, "CHANNELS", schema.ChannelSchema(now.names, now.sections))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project whose templates/ holds the email's, with the email registered."""
    keep(monkeypatch)
    channels.register(EMAIL)
    root = tmp_path / "project"
    make_project(root, posts={"test-post": POST, "second": POST.replace("A test post", "Two")})
    shutil.copytree(TEMPLATES, root / "templates")
    shutil.copytree(channel_email.TEMPLATES, root / "templates", dirs_exist_ok=True)
    return root


def run(root: Path, *args: str) -> int:
    paths = ["--content", str(root / "content"), "--templates", str(root / "templates")]
    return main([*args, *paths, "--output", str(root / "output")])


def check_json(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = run(root, "check", "--format", "json")
    return code, json.loads(capsys.readouterr().out)


def test_the_build_writes_the_new_channel_and_the_manifest_lists_it(project: Path) -> None:
    assert run(project, "build") == 0
    text = (project / "output" / "email" / "test-post.txt").read_text(encoding="utf-8")
    assert text.startswith("Subject: A test post\n")
    assert "utm_source=newsletter" in text and "utm_medium=email" in text
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    emails = {r["path"]: r for r in manifest["outputs"] if r["channel"] == "email"}
    assert set(emails) == {"email/test-post.txt", "email/second.txt"}
    assert list(emails["email/test-post.txt"]["blocks"]) == ["cta-main"]


@pytest.mark.parametrize("title", ["A" * 61, "A title far longer than any mail client shows it"])
def test_the_build_runs_the_channels_rule(
    project: Path, title: str, capsys: pytest.CaptureFixture[str]
) -> None:
    post = project / "content" / "posts" / "test-post.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("A test post", title), encoding="utf-8"
    )
    too_long = len(title) > channel_email.SUBJECT_MAX
    assert run(project, "build") == (1 if too_long else 0)
    err = capsys.readouterr().err
    assert ("the email of 'test-post': the subject is" in err) == too_long
    assert ("[email.subject]" in err) == too_long
    assert (project / "output").exists() != too_long  # nothing written on failure


def test_check_reads_the_channels_files_back_through_its_rule(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, "build") == 0
    code, report = check_json(project, capsys)
    assert code == 0 and report["ok"], report["findings"]
    assert report["files_checked"] >= 6  # three channels and the email, two posts
    # a subject made too long by hand (its new sha256 restamped): the email's own rule says so
    output = project / "output"
    edit(output, "email/second.txt", "Subject: Two", "Subject: " + "Two " * 20)
    code, report = check_json(project, capsys)
    rules = {(f["rule"], f["channel"], f["file"]) for f in report["findings"]}
    assert code == 1
    assert ("email.subject", "email", "email/second.txt") in rules
    # and the rendered-again comparison covers it too, byte for byte
    assert ("freshness.rendered", "email", "email/second.txt") in rules


@pytest.mark.parametrize("block", ["cta-main"])
def test_where_used_lists_the_channels_files(
    project: Path, block: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, "build") == 0
    capsys.readouterr()
    assert run(project, "where-used", block, "--format", "json") == 0
    uses = json.loads(capsys.readouterr().out)["uses"]
    emails = {u["file"]: u for u in uses if u["channel"] == "email"}
    assert set(emails) == {"email/test-post.txt", "email/second.txt"}
    assert all(u["status"] == "up to date" for u in emails.values())


def test_the_preview_shows_a_pane_for_the_channel(project: Path) -> None:
    preview = Preview(BuildOptions(project / "content", project / "templates", project / "output"))
    assert preview.rebuild().ok
    html = (preview.post_html("test-post", None) or b"").decode("utf-8")
    assert '<section class="pane pane-email"' in html
    assert "/output/email/test-post.txt?build=" in html
    # after the three channels of the registry, in its order
    panes = [html.index(f'class="pane pane-{n}"') for n in ("blog", "pdf", "linkedin", "email")]
    assert panes == sorted(panes)


def test_a_new_post_has_the_channels_section_and_is_built_in_it(project: Path) -> None:
    assert main(["new", "post", "launch-notes", "--content", str(project / "content")]) == 0
    text = (project / "content" / "posts" / "launch-notes.md").read_text(encoding="utf-8")
    assert "\nemail:\n" in text and "# the subject line, when not the title" in text
    assert text.index("\nemail:") < text.index("\nlinkedin:") < text.index("\npdf:")  # by key
    assert run(project, "build") == 0
    email = (project / "output" / "email" / "launch-notes.txt").read_text(encoding="utf-8")
    assert email.startswith("Subject: Read this before your next trial\n")


@pytest.mark.parametrize(
    ("section", "said"),
    [
        ("email:\n  subjet: Hello\n", "post email: unknown field 'subjet' is ignored"),
        ("email:\n  subject: [not, text]\n", "post email: "),
        ("email: just text\n", "post: "),
    ],
)
def test_the_loader_holds_the_channels_section_to_its_fields(
    project: Path, section: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    post = project / "content" / "posts" / "test-post.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("linkedin:\n", section + "linkedin:\n", 1), encoding="utf-8")
    run(project, "build")
    err = capsys.readouterr().err
    assert "test-post.md:" in err and said in err


def test_a_block_may_have_a_variant_for_the_channel(project: Path) -> None:
    block = project / "content" / "blocks" / "about.md"
    text = block.read_text(encoding="utf-8")
    block.write_text(
        text.replace("title: About Test Org\n", "title: About Test Org\nvariants:\n"
                     "  email: Test Org, in one line.\n"),
        encoding="utf-8",
    )  # fmt: skip
    assert run(project, "build") == 0


@pytest.mark.parametrize(
    ("section", "said"),
    [
        ("email:\n  blocks: [stat-onee]\n", "email.blocks refers to unknown block 'stat-onee'"),
        ("email:\n  blocks: [cta-main, nope]\n", "email.blocks refers to unknown block 'nope'"),
        ("email:\n  intro: |\n    [[block:stat-onee]]\n", "include refers to unknown block"),
    ],
)
def test_the_block_ids_and_includes_of_the_channels_section_are_resolved(
    project: Path, section: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The content layer finds a section's includes and block ids by the field names its
    ``Section`` declares (``markdown``, ``blocks``), never by the channel's name."""
    post = project / "content" / "posts" / "test-post.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("linkedin:\n", section + "linkedin:\n", 1), encoding="utf-8")
    assert run(project, "build") == 1
    err = capsys.readouterr().err
    assert "test-post.md" in err and said in err
    assert not (project / "output").exists()


@pytest.mark.parametrize("field", ["blocks: [stat-two]", "intro: |\n    [[block:stat-two]]"])
def test_where_used_counts_a_block_the_channels_section_names(
    project: Path, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A block named only in the email's section is one the post's content uses today: a
    build that has not yet written it says the post is waiting for it."""
    blocks = project / "content" / "blocks"
    stat = (blocks / "stat-one.md").read_text(encoding="utf-8")
    (blocks / "stat-two.md").write_text(stat.replace('"42%"', '"7%"'), encoding="utf-8")
    assert run(project, "build") == 0
    post = project / "content" / "posts" / "second.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("linkedin:\n", f"email:\n  {field}\nlinkedin:\n", 1), "utf-8")
    capsys.readouterr()
    run(project, "where-used", "stat-two", "--format", "json")
    assert json.loads(capsys.readouterr().out)["unbuilt_posts"] == ["second"]


def test_the_registry_assembles_every_channels_one_output_rules(project: Path) -> None:
    """No table of rules outside the channels: the registered email's rule is in
    ``OUTPUT_RULES`` after the others, each channel's rows in registry order."""
    owners = [rule.channel for rule in channels.OUTPUT_RULES]
    order = [channel.name for channel in channels.registered()]
    assert owners == sorted(owners, key=order.index)
    assert set(owners) == set(order)
    assert channels.OUTPUT_RULES[-1].name == "email.subject"


@pytest.mark.parametrize("channel", channels.CHANNELS, ids=lambda c: c.name)
def test_a_channels_read_back_and_rules_live_in_its_own_package(channel: Channel) -> None:
    """What judges a channel's files is written in ``channels/<name>/``: its read-back and the
    function of each of its rules (so a change to one channel's reading or rules is there)."""
    package = f"omnipress.channels.{channel.name}."
    functions = [channel.read_back, *(rule.check for rule in channel.rules)]
    assert channel.rules
    assert [f.__module__ for f in functions if not f.__module__.startswith(package)] == []


# -- the registry refuses a channel it could not check ------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"read_back": None}, "channel 'email' declares no read-back"),
        ({"rules": (), "checks": None}, "channel 'email' declares no rules"),
        ({"name": "blog"}, "channel 'blog' is registered twice"),
    ],
)
def test_a_channel_without_read_back_or_rules_is_refused_at_start_up(
    change: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep(monkeypatch)
    broken: Channel = dataclasses.replace(EMAIL, **change)  # type: ignore[arg-type]
    with pytest.raises(ChannelError, match=message):
        checked((*channels.CHANNELS, broken))
    with pytest.raises(ChannelError, match=message):
        channels.register(broken)
    assert channels.registered() == channels.CHANNELS  # nothing half-registered


def test_a_channel_with_rules_only_on_the_check_side_is_accepted() -> None:
    with_checks = dataclasses.replace(EMAIL, rules=(), checks=lambda pc, record, facts: None)
    assert checked((with_checks,)) == (with_checks,)
