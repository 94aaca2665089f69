"""The build never destroys what it did not create, and never reads outside output/.

Each case points the real command line at a folder the build must not replace (the content,
the templates, the project, a folder of someone's files) and then compares the whole project
tree, byte for byte, before and after: nothing may move, and no lock or staging folder may be
left behind. The second half poisons a previous output (symbolic links, hard links, manifest
paths that leave it) and proves the build and `check` read nothing outside it.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from omnipress.build import builder
from omnipress.build.builder import BuildOptions, build
from omnipress.build.manifest import MANIFEST_NAME, read_manifest, sha256_of
from omnipress.build.writer import STAGING_MARK, TRASH_MARK, StagedOutput, wait_for_deletions
from omnipress.check.check import run_check
from omnipress.cli import main
from tests.conftest import CONTENT, ROOT, TEMPLATES, build_copy

SECRET = b"-----BEGIN OPENSSH PRIVATE KEY----- not for publishing\n"


def tree(root: Path) -> dict[str, bytes | str]:
    """Every file and link under ``root`` (links by their target), and every folder."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = "link to " + os.readlink(path)
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = path.read_bytes()
    return found


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project (in a folder of its own, so its parent is watched too),
    with a note of the team's own and a git folder, run from its folder."""
    root = tmp_path / "work" / "project"
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    (root / "content" / "notes.txt").write_text("the team's own notes\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    ("output", "said"),
    [
        ("content", "is the content folder"),
        ("content/", "is the content folder"),
        ("templates", "is the templates folder"),
        (".", "is the folder this command runs in"),
        ("..", "contains the content folder"),
        ("content/out", "is inside the content folder"),
        ("templates/blog/out", "is inside the templates folder"),
    ],
)
def test_output_that_is_or_holds_the_sources_is_refused_and_nothing_moves(
    project: Path, capsys: pytest.CaptureFixture[str], output: str, said: str
) -> None:
    before = tree(project.parent)
    code, text = run(capsys, "build", "--output", output)
    assert code == 2, text
    assert said in text and "hint:" in text
    assert tree(project.parent) == before


def test_a_folder_holding_the_content_folder_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    os.chdir(elsewhere)  # not the project: only "holds the content folder" can refuse it
    before = tree(project)
    code, text = run(capsys, "build", "--content", str(project / "content"),
                     "--templates", str(TEMPLATES), "--output", str(project))  # fmt: skip
    assert code == 2 and "contains the content folder" in text, text
    assert tree(project) == before


@pytest.mark.parametrize(
    ("prepare", "said"),
    [
        (lambda d: (d / "notes.md").write_text("mine"), "no manifest.json of a previous build"),
        (lambda d: (d / MANIFEST_NAME).write_text('{"format": 1}'), "no manifest.json"),
        (
            lambda d: (d / MANIFEST_NAME).write_text(
                json.dumps(
                    {
                        "format": 1,
                        "generator": "hugo",
                        "site_digest": "",
                        "outputs": [],
                        "blocks": {},
                        "posts": {},
                        "campaigns": {},
                    }
                )
            ),
            "no manifest.json",
        ),
    ],
)
def test_a_folder_of_other_files_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], prepare: object, said: str
) -> None:
    folder = project / "site"
    folder.mkdir()
    prepare(folder)  # type: ignore[operator]
    before = tree(project)
    code, text = run(capsys, "build", "--output", "site")
    assert code == 2 and said in text, text
    assert tree(project) == before


def test_a_file_given_as_output_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "report.pdf").write_bytes(b"%PDF-1.7 a sales deck")
    before = tree(project)
    code, text = run(capsys, "build", "--output", "report.pdf")
    assert code == 2 and "is a file, not a folder" in text, text
    assert tree(project) == before


def test_its_own_output_is_replaced_but_not_with_a_file_added_by_someone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(capsys, "build", "--output", "out")
    assert code == 0, text
    (project / "content/posts/cro-or-cdmo.md").write_text(
        (project / "content/posts/cro-or-cdmo.md").read_text().replace("CDMO", "C.D.M.O.", 1)
    )
    for name, make in [
        ("pdf/sales-notes.docx", lambda p: p.write_bytes(b"notes")),
        ("secret-link", lambda p: p.symlink_to(project / "content" / "notes.txt")),
        ("linked-folder", lambda p: p.symlink_to(project / "content", target_is_directory=True)),
    ]:
        path = project / "out" / name
        make(path)
        before = tree(project)
        code, text = run(capsys, "build", "--output", "out")
        assert code == 2, text
        assert f"1 file(s) no build wrote ({name})" in text
        assert tree(project) == before
        path.unlink()
    code, text = run(capsys, "build", "--output", "out")
    assert code == 0, text
    assert "C.D.M.O." in (project / "out/blog/cro-or-cdmo/index.html").read_text()


def test_a_folder_in_the_way_of_the_swap_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "build", "--output", "out")[0] == 0
    (project / "out.previous").mkdir()
    (project / "out.previous" / "holiday.jpg").write_bytes(b"\xff\xd8\xff")
    before = tree(project)
    code, text = run(capsys, "build", "--output", "out")
    assert code == 2 and "out.previous is in the way" in text, text
    assert tree(project) == before


def test_a_killed_swap_is_recovered_and_only_marked_staging_folders_are_deleted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "build", "--output", "out")[0] == 0
    built = tree(project / "out")
    (project / "out").rename(project / "out.previous")  # killed between the two renames
    dead = project / ".out.staging-dead"
    dead.mkdir()
    (dead / STAGING_MARK).touch()
    (dead / "half.pdf").write_bytes(b"%PDF")
    lookalike = project / ".out.staging-mine"
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("not the build's")
    code, text = run(capsys, "build", "--output", "out")
    assert code == 0, text
    assert tree(project / "out") == built
    assert not (project / "out.previous").exists() and not dead.exists()
    assert (lookalike / "keep.txt").read_text() == "not the build's"


def test_a_deletion_cut_short_is_finished_and_only_marked_or_empty_trash_is_deleted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The replaced output is renamed into a marked trash folder, then deleted (in the
    preview, by a thread): a process killed meanwhile leaves it for the next build, which
    deletes it, and never a look-alike folder it did not make."""
    assert run(capsys, "build", "--output", "out")[0] == 0
    marked = project / ".out.trash-killed"
    (marked / "output/pdf").mkdir(parents=True)
    (marked / TRASH_MARK).touch()
    (marked / "output/pdf/old.pdf").write_bytes(b"%PDF")
    empty = project / ".out.trash-empty"  # killed between making the folder and marking it
    empty.mkdir()
    lookalike = project / ".out.trash-mine"
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("not the build's")
    code, text = run(capsys, "build", "--output", "out")
    assert code == 0, text
    assert not marked.exists() and not empty.exists()
    assert (lookalike / "keep.txt").read_text() == "not the build's"


@pytest.mark.parametrize("in_background", [False, True])
def test_the_replaced_output_is_deleted_and_the_next_build_waits_for_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, in_background: bool
) -> None:
    options = BuildOptions(project / "content", project / "templates", project / "out")
    build(options)
    started = threading.Event()
    release = threading.Event()
    real_rmtree = shutil.rmtree

    def slow_rmtree(path: object, *args: object, **kwargs: object) -> None:
        if ".trash-" in str(path):
            started.set()
            release.wait(10)
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("omnipress.build.writer.shutil.rmtree", slow_rmtree)
    post = project / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    if in_background:
        first = build(options, delete_in_background=True)  # returns while the thread deletes
        assert started.wait(10) and first.built
        assert len(list(project.glob(".out.trash-*"))) == 1
        seen: list[int] = []
        real_needs_recovery = builder.needs_recovery

        def needs_recovery(output: Path) -> bool:  # the build's first look at the folder
            seen.append(len(list(project.glob(".out.trash-*"))))
            return real_needs_recovery(output)

        monkeypatch.setattr(builder, "needs_recovery", needs_recovery)
        threading.Timer(2.0, release.set).start()
        build(options, delete_in_background=True)
        assert seen[0] == 0, "the next build looked before the first deletion had finished"
        release.set()
        build(options)
    else:
        release.set()
        build(options)
    wait_for_deletions()
    assert not list(project.glob(".out.trash-*")) and not (project / "out.previous").exists()
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o755 for p in (project / "out").rglob("*")
               if p.is_dir())  # fmt: skip
    assert "One more sentence." in (project / "out/blog/cro-or-cdmo/index.html").read_text()


def test_broken_content_leaves_no_lock_and_creates_no_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(project)
    code, text = run(capsys, "build", "--content", "no-such-content", "--output", "a/b/out")
    assert code == 1 and "does not exist" in text, text
    assert "Nothing was written" in text
    assert tree(project) == before


def test_a_successful_build_leaves_no_lock_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "build", "--output", "out")[0] == 0
    assert not (project / ".out.lock").exists()
    # beside out/ only the verdicts the build gives `check` (no lock, no temporary file)
    assert [p.name for p in project.glob(".out.*")] == [".out.check-cache.json"]


def test_a_lock_file_replaced_while_locking_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that opened the lock file just before its holder removed it (and a third build
    made a new one) locks an orphan: it must count the lock as taken, not build beside the
    third."""
    import fcntl

    from omnipress.build import writer
    from omnipress.errors import ContentError

    output = tmp_path / "out"
    path = writer.lock_path(output)
    real_flock = fcntl.flock

    def racing_flock(handle: object, operation: int) -> None:
        if operation & fcntl.LOCK_EX:  # between our open() and our flock(): the race
            path.unlink()
            path.write_text("4242")
        real_flock(handle, operation)

    monkeypatch.setattr(writer.fcntl, "flock", racing_flock)
    with pytest.raises(ContentError, match="another build"), writer.build_lock(output):
        pass
    monkeypatch.setattr(writer.fcntl, "flock", real_flock)
    with writer.build_lock(output), pytest.raises(ContentError, match="another build"):  # noqa: SIM117
        with writer.build_lock(output):
            pass


# ------------------------------------------------------------------ a poisoned output/


@pytest.fixture
def built(project_copy: Path, example_output: Path) -> Path:
    shutil.copytree(example_output, project_copy / "output")
    (project_copy / "secret").mkdir()
    (project_copy / "secret" / "id_rsa").write_bytes(SECRET)
    return project_copy


def pretend_built(output: Path, relative: str, data: bytes) -> None:
    """Record ``data``'s sha256 for ``relative`` in the manifest, as an attacker would."""
    manifest = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        if entry["path"] == relative:
            entry["sha256"] = sha256_of(data)
    (output / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


LINKEDIN = "linkedin/cro-or-cdmo.txt"


@pytest.mark.parametrize("only", [None, "what-a-biometrics-cro-delivers"])
def test_a_symlink_in_output_is_never_followed_into_the_new_output(
    built: Path, only: str | None
) -> None:
    output = built / "output"
    (output / LINKEDIN).unlink()
    (output / LINKEDIN).symlink_to(built / "secret" / "id_rsa")
    pretend_built(output, LINKEDIN, SECRET)
    report = build_copy(built, only=only)
    new = output / LINKEDIN
    assert not new.is_symlink()
    if only is None:
        assert LINKEDIN in report.built  # rendered again, not reused
        assert SECRET not in new.read_bytes()
    else:  # another post's file that is not what the build wrote is dropped, not kept
        assert not new.exists()
        assert LINKEDIN not in {r.path for r in report.manifest.outputs}  # type: ignore[union-attr]
    assert all(SECRET not in p.read_bytes() for p in output.rglob("*") if p.is_file())


def test_a_hard_linked_file_is_rendered_again_not_shared(built: Path) -> None:
    output = built / "output"
    outside = built / "secret" / "shared.txt"
    os.link(output / LINKEDIN, outside)
    report = build_copy(built)
    assert report.built == [LINKEDIN]
    assert (output / LINKEDIN).stat().st_ino != outside.stat().st_ino
    assert (output / LINKEDIN).stat().st_nlink == 1


@pytest.mark.parametrize("planted", ["/ABSOLUTE", "../secret/id_rsa", "pdf/../../secret/id_rsa"])
def test_check_reads_no_manifest_path_outside_output(built: Path, planted: str) -> None:
    output = built / "output"
    secret = str(built / "secret" / "id_rsa")
    path = secret if planted == "/ABSOLUTE" else planted
    manifest = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"][path] = sha256_of(SECRET)
    manifest["outputs"][0]["path"] = path
    (output / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    report = run_check(output, built / "content", built / "templates")
    refused = [f for f in report.findings if f.rule == "manifest.path"]
    assert refused and all(f.severity == "error" for f in refused)
    assert all("SSH" not in f"{f.message}{f.expected}{f.found}" for f in report.findings)
    code = main(["check", "--output", str(output), "--content", str(built / "content"),
                 "--templates", str(built / "templates"), "--format", "json"])  # fmt: skip
    assert code == 1


def test_check_reads_no_file_through_a_link_in_output(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = built / "output"
    (output / LINKEDIN).unlink()
    (output / LINKEDIN).symlink_to(built / "secret" / "id_rsa")
    pretend_built(output, LINKEDIN, SECRET)
    capsys.readouterr()
    code = main(["check", "--output", str(output), "--content", str(built / "content"),
                 "--templates", str(built / "templates")])  # fmt: skip
    text = "".join(capsys.readouterr())
    assert code == 1 and "manifest.path" in text
    assert "OPENSSH" not in text


# ------------------------------------------------------------------ the machine fails


def test_a_full_disk_is_said_plainly_and_output_is_untouched(
    built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = built / "output"
    before = tree(output)
    post = built / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text().replace("CDMO", "C.D.M.O.", 1))

    def full(self: StagedOutput, relative: str, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.root / relative))

    monkeypatch.setattr(StagedOutput, "write", full)
    code, text = run(capsys, "build", "--content", str(built / "content"),
                     "--templates", str(built / "templates"), "--output", str(output))  # fmt: skip
    assert code == 1, text
    assert "the disk is full" in text and "df -h" in text and "output/ was left as it was" in text
    assert "internal error" not in text and "bug" not in text
    assert tree(output) == before
    assert not list(built.glob(".output.*"))


def test_a_real_write_failure_in_a_real_build(built: Path) -> None:
    """The operating system itself refuses the write (a file-size limit, as a full disk
    would): the command says so, exits 1, and the previous output is intact."""
    output = built / "output"
    before = tree(output)
    post = built / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text().replace("CDMO", "C.D.M.O.", 1))

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "build",
            "--jobs",
            "1",
            "--content",
            str(built / "content"),
            "--templates",
            str(built / "templates"),
            "--output",
            str(output),
        ],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        cwd=built,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "larger than this system lets a program write" in result.stderr
    assert ".output.staging-" in result.stderr  # names the file it was writing
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert tree(output) == before


def test_source_date_epoch_changes_no_byte_and_forces_no_rebuild(
    built: Path, example_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    report = build_copy(built)
    assert report.built == []
    shutil.rmtree(built / "output")
    build(BuildOptions(content=built / "content", templates=built / "templates",
                       output=built / "output"))  # fmt: skip
    rebuilt = tree(built / "output")
    assert rebuilt == tree(example_output)
    manifest = read_manifest(built / "output")
    assert manifest is not None and manifest.outputs
