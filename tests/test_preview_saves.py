"""A preview's save works only on what it changed (records, keys and verdicts it has already
proved are not worked out again): after every kind of save, what it leaves in ``output/`` and
what its check finds must be exactly what a fresh full build and ``check --no-cache`` give."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from omnipress.build.builder import BuildOptions, build, plan_jobs
from omnipress.build.manifest import MANIFEST_NAME
from omnipress.build.writer import JOURNAL, InPlaceOutput, recover_interrupted_swap
from omnipress.channels.approval import with_approval
from omnipress.check.check import run_check
from omnipress.check.checkmodel import CheckReport
from omnipress.content.approvals import source_sha256
from omnipress.preview import preview as preview_pages
from omnipress.preview.live_project import LiveProject
from omnipress.preview.server import Preview

Save = Callable[[Path], set[Path]]
"""Edits the project under the given root; returns the files the watcher would report."""


def edit(path: Path, old: str, new: str) -> set[Path]:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return {path}


def append(path: Path, text: str) -> set[Path]:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return {path}


def post_body(root: Path) -> set[Path]:
    return append(root / "content/posts/cro-or-cdmo.md", "\nOne more sentence, saved.\n")


def another_post_body(root: Path) -> set[Path]:
    path = root / "content/posts/what-a-biometrics-cro-delivers.md"
    return append(path, "\nAnother sentence, saved.\n")


def shared_block(root: Path) -> set[Path]:
    """A block several posts show: every output of theirs that shows it renders again."""
    return edit(root / "content/blocks/stat-biometrics-disciplines.md", "label: ", "label: all ")


def campaign(root: Path) -> set[Path]:
    path = root / "content/campaigns/cro-explained.yaml"
    return edit(path, "posts: [contract-vs-clinical-research-organisation, cro-or-cdmo]",
                "posts: [cro-or-cdmo]")  # fmt: skip


def site(root: Path) -> set[Path]:
    return edit(root / "content/site.yaml", "Fictional example company", "Fictional company")


def template(root: Path) -> set[Path]:
    return append(root / "templates/linkedin/post.txt", "\n")


def deleted_output(root: Path) -> set[Path]:
    """A file deleted from output/ by hand between saves, then an unrelated post saved."""
    (root / "output/pdf/cro-or-cdmo.pdf").unlink()
    return another_post_body(root)


def edited_output(root: Path) -> set[Path]:
    """A file of output/ edited by hand (its size kept), then an unrelated post saved."""
    path = root / "output/linkedin/cro-or-cdmo.txt"
    data = path.read_bytes()
    path.write_bytes(data[:-1] + (b"?" if data[-1:] != b"?" else b"!"))
    return another_post_body(root)


def block_no_longer_shared(root: Path) -> set[Path]:
    """A post stops including a block another post shows too: the other post's verdict
    names its users, so it is judged again although none of its files changed."""
    path = root / "content/posts/contract-vs-clinical-research-organisation.md"
    return edit(path, "[[block:stat-biometrics-disciplines]]", "")


SAVES: list[Save] = [post_body, shared_block, block_no_longer_shared, deleted_output,
                     post_body, edited_output, campaign, post_body, site, post_body, template,
                     another_post_body]  # fmt: skip


def tree(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def findings(report: CheckReport) -> list[dict[str, Any]]:
    return list(report.to_dict()["findings"])


@pytest.mark.parametrize("approvals", [False, True], ids=["approvals off", "approvals on"])
def test_every_save_leaves_what_a_full_build_and_a_full_check_give(
    project_copy: Path, tmp_path_factory: pytest.TempPathFactory, approvals: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    root = project_copy
    content, templates, output = root / "content", root / "templates", root / "output"
    if approvals:  # nothing approved: every output a draft, every record an approval input
        append(content / "site.yaml", "approvals:\n  required: [medical]\n")
    checked: list[CheckReport] = []

    def keep(*args: Any, **kwargs: Any) -> CheckReport:
        report = run_check(*args, **kwargs)
        checked.append(report)
        return report

    monkeypatch.setattr(preview_pages, "run_check", keep)
    preview = Preview(BuildOptions(content, templates, output))
    assert preview.rebuild().ok
    for number, save in enumerate(SAVES):
        changed = save(root)
        snapshot = preview.rebuild(changed)
        assert snapshot.ok, f"save {number} ({save.__name__}) failed: {snapshot.errors}"

        fresh = tmp_path_factory.mktemp("fresh") / "output"
        build(BuildOptions(content, templates, fresh))
        assert tree(output) == tree(fresh), f"after save {number} ({save.__name__})"
        full = run_check(output, content, templates, use_cache=False, save=False)
        assert findings(checked[-1]) == findings(full), f"after save {number} ({save.__name__})"

    manifest = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert "campaigns/cro-explained/pdf/contract-vs-clinical-research-organisation.pdf" not in {
        r["path"] for r in manifest["outputs"]
    }  # the campaign save took effect, and so did every other (compared above)


# ---------------------------------------------------------------- output/ updated in place


def preview_of(root: Path) -> Preview:
    preview = Preview(BuildOptions(root / "content", root / "templates", root / "output"))
    assert preview.rebuild().ok
    return preview


def test_a_save_moves_only_its_files_into_output(project_copy: Path) -> None:
    """No new tree is staged and swapped: output/ stays the same folder, every file whose
    bytes the save did not change keeps its inode and status, and the others are replaced."""
    output = project_copy / "output"
    preview = preview_of(project_copy)
    folder = output.stat().st_ino
    before = {p: (p.stat(), p.read_bytes()) for p in output.rglob("*") if p.is_file()}

    assert preview.rebuild(post_body(project_copy)).ok

    assert output.stat().st_ino == folder
    replaced = set()
    for path, (info, data) in before.items():
        now = path.stat()
        if path.read_bytes() == data:
            assert (now.st_ino, now.st_mtime_ns) == (info.st_ino, info.st_mtime_ns), path
        else:
            assert now.st_ino != info.st_ino, path
            replaced.add(path.relative_to(output).as_posix())
    assert {"manifest.json", "blog/cro-or-cdmo/index.html"} <= replaced
    assert not list(project_copy.glob(".output.staging-*"))


def test_a_failed_save_leaves_output_untouched(project_copy: Path) -> None:
    output = project_copy / "output"
    preview = preview_of(project_copy)
    before = tree(output)
    path = project_copy / "content/posts/cro-or-cdmo.md"
    changed = edit(path, "  body: |\n", "  body: |\n" + "    " + "Too long. " * 400 + "\n\n")

    snapshot = preview.rebuild(changed)

    assert not snapshot.ok
    assert any("3,000" in e.message or "characters" in e.message for e in snapshot.errors)
    assert tree(output) == before
    assert not list(project_copy.glob(".output.staging-*"))


def test_a_file_that_cannot_be_replaced_in_place_stages_a_whole_tree(
    project_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A folder where the save must put a file: nothing is moved in place, a new tree is
    staged and swapped in, as a build from the command line does."""
    output = project_copy / "output"
    preview = preview_of(project_copy)
    target = output / "linkedin" / "cro-or-cdmo.txt"
    target.unlink()
    target.mkdir()

    assert preview.rebuild(post_body(project_copy)).ok

    fresh = tmp_path_factory.mktemp("fresh") / "output"
    build(BuildOptions(project_copy / "content", project_copy / "templates", fresh))
    assert target.is_file() and tree(output) == tree(fresh)


def test_an_update_killed_while_it_moved_files_is_finished_by_the_next_build(
    project_copy: Path,
) -> None:
    output = project_copy / "output"
    preview = preview_of(project_copy)
    staged = InPlaceOutput(output)
    staged.write("linkedin/cro-or-cdmo.txt", b"new text\n")
    staged.write("blog/new-folder/index.html", b"<p>new</p>\n")
    staged.write(MANIFEST_NAME, b"{}\n")
    (staged.root / JOURNAL).write_text(
        "linkedin/cro-or-cdmo.txt\nblog/new-folder/index.html\nmanifest.json\n", encoding="utf-8"
    )  # killed after the journal: nothing moved yet
    os.replace(staged.root / "linkedin/cro-or-cdmo.txt", output / "linkedin/cro-or-cdmo.txt")
    # ... and after the first move

    recover_interrupted_swap(output)

    assert (output / "linkedin/cro-or-cdmo.txt").read_bytes() == b"new text\n"
    assert (output / "blog/new-folder/index.html").read_bytes() == b"<p>new</p>\n"
    assert (output / MANIFEST_NAME).read_bytes() == b"{}\n"
    assert not staged.root.exists()
    del preview


def test_an_update_killed_before_its_journal_leaves_output_as_it_was(project_copy: Path) -> None:
    output = project_copy / "output"
    preview_of(project_copy)
    before = tree(output)
    staged = InPlaceOutput(output)
    staged.write("linkedin/cro-or-cdmo.txt", b"new text\n")
    staged.write(MANIFEST_NAME, b"{}\n")

    recover_interrupted_swap(output)

    assert tree(output) == before and not staged.root.exists()


# ---------------------------------------------------------------- approval states planned again


EXTRA_CTA = 'type: cta\nlabel: "Ask us"\nurl: "https://example.com/ask"\n'


def retype_cta_as_stat(content: Path) -> set[Path]:
    """A block the post's body includes but the one-pager passed over (a CTA) becomes a stat:
    the one-pager now shows it, so its sources change, and so its state (the block's edit
    voids its approval), though the post and every block the one-pager showed are as they
    were."""
    stat = 'type: stat\nvalue: "9"\nlabel: "in a survey"\nsource: "A survey"\n'
    return edit(content / "blocks" / "cta-extra.md", EXTRA_CTA, stat)


def approve_everything(content: Path) -> None:
    entries = []
    for kind, folder in (("block", "blocks"), ("post", "posts")):
        for path in sorted((content / folder).glob("*.md")):
            sha = source_sha256(path.read_text(encoding="utf-8"))
            entries.append(f'- source: {kind}:{path.stem}\n  sha256: "{sha}"\n  role: medical\n'
                           "  by: Dr Test\n  at: 2026-12-01T10:00:00Z\n")  # fmt: skip
    (content / "approvals.yaml").write_text("".join(entries), encoding="utf-8")


@pytest.mark.parametrize(
    "save",
    [
        lambda content: append(content / "posts" / "cro-or-cdmo.md", "\nMore.\n"),
        lambda content: edit(content / "blocks" / "definition-cdmo.md", "manufactur", "Manufactur"),
        retype_cta_as_stat,
    ],
    ids=["post", "block", "block passed over before"],
)
def test_a_plan_keeps_only_the_approval_states_whose_sources_are_unchanged(
    project_copy: Path, save: Callable[[Path], set[Path]]
) -> None:
    content = project_copy / "content"
    append(content / "site.yaml", "approvals:\n  required: [medical]\n")
    (content / "blocks" / "cta-extra.md").write_text(f"---\n{EXTRA_CTA}---\n", encoding="utf-8")
    post = content / "posts" / "cro-or-cdmo.md"
    append(post, "\n[[block:cta-extra]]\n")
    chosen = next(line for line in post.read_text(encoding="utf-8").splitlines(True)
                  if line.startswith("  blocks: ["))  # fmt: skip
    edit(post, "pdf:\n" + chosen, "")  # the one-pager shows what the body includes, by type

    approve_everything(content)
    live = LiveProject(content)
    before = plan_jobs(live.update(None).project, None)
    assert not any(job.approval is not None and job.approval.draft for job in before)

    project = live.update(save(content)).project
    planned = plan_jobs(project, None)

    fresh = [with_approval(project, replace(job, approval=None)) for job in planned]
    assert [job.approval for job in planned] == [job.approval for job in fresh]
    assert any(job.approval is not None and job.approval.draft for job in planned)


def test_a_forgotten_record_leaves_no_trace_in_the_index(project_copy: Path) -> None:
    """A record whose block changed is forgotten under every input it names, not only under
    the block: the index of a preview running for days holds only records it still knows."""
    from omnipress.build.builder import load_and_validate
    from omnipress.build.dependencies import Inputs, UnchangedRecords
    from omnipress.errors import Problems

    content, templates = project_copy / "content", project_copy / "templates"
    memo = UnchangedRecords()
    before = Inputs(load_and_validate(content, Problems()), templates)
    block, post = "stat-biometrics-disciplines", "post:cro-or-cdmo"
    blocks, depends = {block: "a"}, {post: "b", "templates:pdf/onepager.html": "c"}
    other_blocks, other_depends = {}, {post: "b"}
    assert not memo.knows(before, blocks, depends)
    memo.remember(before, blocks, depends)
    memo.remember(before, other_blocks, other_depends)
    assert memo.knows(before, blocks, depends)

    shared_block(project_copy)
    after = Inputs(load_and_validate(content, Problems()), templates)
    assert not memo.knows(after, blocks, depends)  # its block changed
    assert memo.knows(after, other_blocks, other_depends)  # the post did not
    assert all(id(depends) not in ids for ids in memo.index.values())
    assert "templates:pdf/onepager.html" not in memo.index
    assert memo.index[post] == {id(other_depends)}


def test_the_site_files_a_build_will_write_are_known_before_it(project_copy: Path) -> None:
    """A save is updated in place only if it makes the last build's files; the names of the
    site's own files are worked out beforehand, and must be exactly those a build writes."""
    from omnipress.build.builder import load_and_validate, site_file_names
    from omnipress.errors import Problems

    content, templates = project_copy / "content", project_copy / "templates"
    report = build(BuildOptions(content, templates, project_copy / "output"))
    assert report.manifest is not None
    project = load_and_validate(content, Problems())
    assert project.campaigns and project.assets  # each kind of site file is there
    assert site_file_names(project) == set(report.manifest.files)
