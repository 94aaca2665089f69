"""The preview keeps its state between saves: a save re-reads only the files it changed (and
gets the same project a full load would), site.yaml or an image reloads everything, a broken
save keeps the last good state, saves made during a build become one next build, and the
server answers, and keeps quiet about clients that hang up, while a build runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from omnipress.build import builder
from omnipress.build.builder import BuildOptions, load_and_validate
from omnipress.content import loader
from omnipress.content.model import Project
from omnipress.errors import ContentError, Problems
from omnipress.preview import server as preview_server
from omnipress.preview.live_project import LiveProject
from omnipress.preview.server import Preview, PreviewServer
from tests.conftest import ROOT
from tests.previewing import LivePreview, running_preview, seed_output

WAIT_SECONDS = 60.0
POST = "cro-or-cdmo"
BLOCK = "definition-cdmo"


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not {what} within {WAIT_SECONDS:.0f} s"
        time.sleep(0.02)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every content file the loader reads (front matter files and YAML files alike)."""
    seen: list[Path] = []
    for name in ("read_source", "read_text"):
        real = getattr(loader, name)

        def spy(path: Path, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            seen.append(path)
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(loader, name, spy)
    return seen


def same_project(a: Project, b: Project) -> None:
    assert a == b
    for name in ("blocks", "posts", "campaigns"):  # in the same order, too
        assert list(getattr(a, name)) == list(getattr(b, name)), name


# ---------------------------------------------------------------- a save re-reads its file


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS: dict[str, Callable[[Path], list[Path]]] = {}
"""Each edit changes content/ (the folder given) and returns the files it saved or removed."""


def _edit(name: str) -> Callable[[Callable[[Path], list[Path]]], Callable[[Path], list[Path]]]:
    def register(function: Callable[[Path], list[Path]]) -> Callable[[Path], list[Path]]:
        EDITS[name] = function
        return function

    return register


@_edit("post body")
def _post_body(content: Path) -> list[Path]:
    path = content / "posts" / f"{POST}.md"
    edit(path, "value chain", "value-chain")
    return [path]


@_edit("block")
def _block(content: Path) -> list[Path]:
    path = content / "blocks" / f"{BLOCK}.md"
    edit(path, "technology transfer", "tech transfer")
    return [path]


@_edit("campaign")
def _campaign(content: Path) -> list[Path]:
    path = content / "campaigns" / "cro-explained.yaml"
    edit(path, "CROs explained", "CROs, explained")
    return [path]


@_edit("new post")
def _new_post(content: Path) -> list[Path]:
    path = content / "posts" / "a-copy.md"
    shutil.copy(content / "posts" / f"{POST}.md", path)
    return [path]


@_edit("deleted post")
def _deleted_post(content: Path) -> list[Path]:
    path = content / "posts" / f"{POST}.md"
    path.unlink()
    for campaign in (content / "campaigns").glob("*.yaml"):  # no campaign may list it now
        text = campaign.read_text(encoding="utf-8")
        campaign.write_text(text.replace(f", {POST}]", "]"), encoding="utf-8")
    return [path, *(content / "campaigns").glob("*.yaml")]


@_edit("renamed block, id kept")
def _renamed_block(content: Path) -> list[Path]:
    old = content / "blocks" / f"{BLOCK}.md"
    new = content / "blocks" / "renamed.md"
    text = old.read_text(encoding="utf-8").replace("---\n", f"---\nid: {BLOCK}\n", 1)
    new.write_text(text, encoding="utf-8")
    old.unlink()
    return [old, new]


@pytest.mark.parametrize("change", sorted(EDITS))
def test_a_save_rereads_only_the_files_it_changed_and_gives_the_full_loads_project(
    project_copy: Path, reads: list[Path], change: str
) -> None:
    content = project_copy / "content"
    live = LiveProject(content)
    live.update()
    reads.clear()
    changed = EDITS[change](content)
    # editors' backup and swap files come with the save; a full load never reads them
    (content / "posts" / f".{POST}.md.swp").write_bytes(b"\0")
    changed.append(content / "posts" / f".{POST}.md.swp")

    loaded = live.update(changed)

    assert not loaded.full
    existing = sorted(p.resolve() for p in changed if p.is_file() and not p.name.startswith("."))
    assert sorted(reads) == existing
    assert sorted(loaded.reread) == existing
    same_project(loaded.project, load_and_validate(content, Problems()))


@pytest.mark.parametrize(
    "saved",
    ["site.yaml", "images/logo.svg", "posts/notes.txt", "posts"],
    ids=["site", "image", "stray-file", "folder"],
)
def test_site_yaml_an_image_or_anything_else_reloads_everything(
    project_copy: Path, reads: list[Path], saved: str
) -> None:
    content = project_copy / "content"
    live = LiveProject(content)
    live.update()
    reads.clear()
    path = content / saved
    if saved == "site.yaml":
        edit(path, "name:", "name: ")
    elif path.suffix == ".txt":
        path.write_text("notes\n", encoding="utf-8")

    loaded = live.update([path])

    assert loaded.full
    every_file = [p for p in content.rglob("*.md")] + list(content.glob("campaigns/*.yaml"))
    assert {p.resolve() for p in every_file} <= set(reads)
    if saved == "posts/notes.txt":  # and what a full load says about it is said
        assert any("ignored: only .md files" in w.message for w in loaded.warnings)


def test_a_template_save_reads_no_content(
    example_output: Path, project_copy: Path, reads: list[Path]
) -> None:
    output = project_copy / "output"
    seed_output(example_output, output)
    preview = Preview(BuildOptions(project_copy / "content", project_copy / "templates", output))
    assert preview.rebuild().ok
    reads.clear()
    template = project_copy / "templates" / "linkedin" / "post.txt"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    snapshot = preview.rebuild({template})

    assert snapshot.ok and reads == []
    assert snapshot.timings is not None and snapshot.timings.files_read == 0
    assert snapshot.timings.outputs_built > 0  # the build re-renders what loaded it


# ---------------------------------------------------------------- the preview, save by save


@pytest.fixture
def preview(example_output: Path, project_copy: Path) -> Preview:
    output = project_copy / "output"
    seed_output(example_output, output)
    options = BuildOptions(project_copy / "content", project_copy / "templates", output)
    preview = Preview(options)
    assert preview.rebuild().ok
    return preview


def test_a_saved_post_is_read_alone_and_shows_in_the_preview(
    preview: Preview, project_copy: Path, reads: list[Path]
) -> None:
    path = project_copy / "content" / "posts" / f"{POST}.md"
    edit(path, "value chain", "value-chain")

    snapshot = preview.rebuild({path})

    assert snapshot.ok and snapshot.build_id == 2
    assert reads == [path.resolve()]
    assert snapshot.project is not None
    assert "value-chain" in snapshot.project.posts[POST].title
    page = (preview.output / "blog" / POST / "index.html").read_text(encoding="utf-8")
    assert "value-chain" in page
    assert snapshot.checks.available  # and it was checked


BREAKS = {
    "bad date": (f"posts/{POST}.md", "date: 2025-11-05", "date: 2025-11-31"),
    "unknown block": (f"posts/{POST}.md", f"[[block:{BLOCK}]]", "[[block:definition-cmdo]]"),
    "bad block type": (f"blocks/{BLOCK}.md", "type: definition", "type: definitoin"),
}


@pytest.mark.parametrize("broken", sorted(BREAKS))
def test_a_broken_save_keeps_the_last_good_state_and_the_next_good_save_recovers(
    preview: Preview, project_copy: Path, broken: str
) -> None:
    content = project_copy / "content"
    name, good, bad = BREAKS[broken]
    path = content / name
    last_good = preview.snapshot

    edit(path, good, bad)
    failed = preview.rebuild({path})

    assert not failed.ok
    assert [e.where.split(":")[0] for e in failed.errors] == [f"content/{name}"]
    with pytest.raises(ContentError):  # what the build itself says about it
        load_and_validate(content, Problems())
    assert failed.project is last_good.project and failed.manifest is last_good.manifest

    # another file saved meanwhile: the broken one is still read again, and still broken
    other = content / "posts" / "what-a-biometrics-cro-delivers.md"
    append(other, "Meanwhile.")
    assert not preview.rebuild({other}).ok

    edit(path, bad, good)
    fixed = preview.rebuild({path})

    assert fixed.ok and fixed.errors == ()
    assert fixed.project is not None
    same_project(fixed.project, load_and_validate(content, Problems()))
    assert fixed.project.posts["what-a-biometrics-cro-delivers"].body.endswith("Meanwhile.")


# ---------------------------------------------------------------- builds in their own thread


@contextmanager
def building(preview: Preview) -> Iterator[None]:
    """The preview's build thread, as ``serve`` runs it, stopped at the end."""
    stop = threading.Event()
    thread = threading.Thread(target=preview.run_builds, args=(stop,), kwargs={"poll": 0.02})
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=WAIT_SECONDS)


@contextmanager
def held_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[Any], threading.Event]]:
    """Every build waits for the event before it starts; yields (builds started, the event)."""
    started: list[Any] = []
    release = threading.Event()
    real = preview_server.build

    def held(options: BuildOptions, *args: Any, **kwargs: Any) -> Any:
        started.append(kwargs.get("project"))
        assert release.wait(WAIT_SECONDS), "the test never released the build"
        return real(options, *args, **kwargs)

    monkeypatch.setattr(preview_server, "build", held)
    try:
        yield started, release
    finally:
        release.set()


@pytest.mark.parametrize("saves", [2, 5])
def test_saves_during_a_build_become_one_next_build(
    preview: Preview,
    project_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    reads: list[Path],
    saves: int,
) -> None:
    posts = sorted((project_copy / "content" / "posts").glob("*.md"))
    with held_builds(monkeypatch) as (started, release), building(preview):
        append(posts[0], "First.")
        preview.request([posts[0]])
        wait_until(lambda: len(started) == 1, "the first build started")
        assert preview.building
        for number in range(saves):  # saved while that build runs
            path = posts[1 + number % 2]
            append(path, f"Save {number}.")
            preview.request([path])
        reads.clear()
        release.set()
        wait_until(lambda: preview.snapshot.build_id == 3 and not preview.building, "rebuilt")
        time.sleep(0.3)  # room for a build that should not come
        assert len(started) == 2 and preview.snapshot.build_id == 3
    assert sorted(reads) == [p.resolve() for p in posts[1:3]]  # each read once, together
    project = preview.snapshot.project
    assert project is not None and preview.snapshot.ok
    same_project(project, load_and_validate(project_copy / "content", Problems()))


def test_the_state_endpoint_answers_while_a_build_runs(
    example_output: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow render holds the build; every request is answered meanwhile, saying so."""
    output = project_copy / "output"
    seed_output(example_output, output)
    rendering = threading.Event()
    release = threading.Event()
    real = builder.render_recorded

    def slow_render(*args: Any, **kwargs: Any) -> Any:
        rendering.set()
        assert release.wait(WAIT_SECONDS), "the test never released the render"
        return real(*args, **kwargs)

    content = project_copy / "content"
    with running_preview(output, content=content, templates=project_copy / "templates") as live:
        monkeypatch.setattr(builder, "render_recorded", slow_render)
        with building(live.preview):
            path = content / "blocks" / f"{BLOCK}.md"
            edit(path, "technology transfer", "tech transfer")
            live.preview.request([path])
            assert rendering.wait(WAIT_SECONDS)
            for _ in range(5):  # bounded by the client's own 10 s timeout
                state = live.state()
                assert state["building"] is True and state["id"] == 1
                assert live.get("/")[0] == 200
                assert live.get(f"/post/{POST}/")[0] == 200
            release.set()
            wait_until(lambda: live.preview.snapshot.build_id == 2, "the build finished")
        state = live.state()
        assert state["building"] is False and state["ok"] is True


# ---------------------------------------------------------------- clients that hang up


def hang_up(live: LivePreview, path: str) -> None:
    """Send a request and close at once with a reset, before the answer comes."""
    client = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()


@pytest.mark.parametrize(
    ("path", "slow"),
    [("/", "index_html"), ("/__preview__/build", "state_json"), (f"/post/{POST}/", "post_html")],
)
def test_a_client_that_hangs_up_is_not_a_traceback(
    example_output: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    path: str,
    slow: str,
) -> None:
    output = tmp_path / "output"
    seed_output(example_output, output)
    with running_preview(output) as live:
        real = getattr(Preview, slow)

        def late(self: Preview, *args: Any) -> Any:
            time.sleep(0.3)  # the client is gone by the time the answer is written
            return real(self, *args) + b" " * 2**20  # more than any socket buffer takes

        answered = threading.Event()
        real_shutdown = PreviewServer.shutdown_request

        def shutdown_request(self: PreviewServer, request: Any) -> None:
            real_shutdown(self, request)
            answered.set()  # after the server handled (or reported) what went wrong

        monkeypatch.setattr(Preview, slow, late)
        monkeypatch.setattr(PreviewServer, "shutdown_request", shutdown_request)
        capfd.readouterr()
        hang_up(live, path)
        assert answered.wait(WAIT_SECONDS)
        monkeypatch.undo()
        assert live.get(path)[0] == 200  # and the server goes on answering
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err


def test_serve_answers_building_while_its_first_build_runs(project_copy: Path) -> None:
    """The command itself: before, it built first and listened only then, so a browser opened
    on the address it printed waited for the whole first build (and check)."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--jobs", "1"],
        cwd=project_copy,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stderr is not None
        url = ""
        deadline = time.monotonic() + WAIT_SECONDS
        while not url and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            if found := re.search(r"http://127\.0\.0\.1:(\d+)/", line):
                url = found.group(0)
        assert url, "the command did not print the preview address"
        states = []
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url + "__preview__/build", timeout=10) as response:
                states.append(json.load(response))
            if states[-1]["id"] == 1 and not states[-1]["building"]:
                break
            time.sleep(0.05)
        # a first build from nothing renders every PDF: seconds, so it is seen running
        assert states[0] == states[0] | {"id": 0, "building": True}
        assert states[-1]["ok"] is True and not states[-1]["building"]
        assert (project_copy / "output" / "manifest.json").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0


# ---------------------------------------------------------------- the warm engine


def outputs_of(output: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(output)): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


WARM_EDITS = {
    "post": (f"content/posts/{POST}.md", "value chain", "value-chain"),
    "block": (f"content/blocks/{BLOCK}.md", "technology transfer", "tech transfer"),
    "stylesheet": ("templates/pdf/onepager.css", "line-height: 1.45", "line-height: 1.6"),
    "logo": ("content/images/logo.svg", 'stroke="#1FA39A"', 'stroke="#A31F2A"'),
}


@pytest.mark.parametrize("change", sorted(WARM_EDITS))
def test_the_warm_engine_writes_what_a_fresh_build_writes(
    preview: Preview, project_copy: Path, tmp_path_factory: pytest.TempPathFactory, change: str
) -> None:
    """The preview renders a save's outputs with the engine it kept: the files must be the
    ones a build from nothing writes, also after the one-pager's stylesheet changed."""
    preview.warm_up()
    assert "pdf" in preview.warm.engines
    name, old, new = WARM_EDITS[change]
    path = project_copy / name
    edit(path, old, new)

    snapshot = preview.rebuild({path})

    assert snapshot.ok and snapshot.timings is not None and snapshot.timings.outputs_built
    fresh = tmp_path_factory.mktemp("fresh") / "output"
    builder.build(BuildOptions(project_copy / "content", project_copy / "templates", fresh))
    assert outputs_of(preview.output) == outputs_of(fresh)


# ---------------------------------------------------------------- what a save re-checks


@pytest.fixture
def rechecks(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The posts a check judges afresh, the files it reads back, those it renders again."""
    from omnipress.check import checkposts, consistency, rendered

    seen: dict[str, list[str]] = {"posts": [], "read": [], "rendered": []}
    real_check_one, real_read = checkposts.check_one, consistency.ConsistencyCheck.read

    def check_one(ctx: Any, slug: str) -> Any:
        seen["posts"].append(slug)
        return real_check_one(ctx, slug)

    def read(self: Any, record: Any) -> Any:
        seen["read"].append(record.path)
        return real_read(self, record)

    monkeypatch.setattr(checkposts, "check_one", check_one)
    monkeypatch.setattr(consistency.ConsistencyCheck, "read", read)
    for name in ("compare_bytes", "compare_layout"):
        real = getattr(rendered, name)

        def spy(ctx: Any, job: Any, record: Any, data: bytes, real: Any = real) -> Any:
            seen["rendered"].append(record.path)
            return real(ctx, job, record, data)

        monkeypatch.setattr(rendered, name, spy)
    return seen


def test_a_post_save_re_checks_that_post_alone_from_what_the_build_held(
    preview: Preview, project_copy: Path, rechecks: dict[str, list[str]]
) -> None:
    path = project_copy / "content" / "posts" / f"{POST}.md"
    edit(path, "value chain", "value-chain")
    snapshot = preview.rebuild({path})
    assert snapshot.ok and snapshot.checks.available
    assert rechecks["posts"] == [POST]
    assert rechecks["read"] == [] and rechecks["rendered"] == []  # judged from the build's facts


def test_a_block_save_re_checks_the_posts_that_show_it(
    preview: Preview, project_copy: Path, rechecks: dict[str, list[str]]
) -> None:
    """The posts whose outputs show the block, and no other; of their files, what the build
    rendered is judged from its facts and the rest only read (found fresh before)."""
    shared = "stat-biometrics-disciplines"
    manifest = preview.snapshot.manifest
    assert manifest is not None
    users = sorted({r.post for r in manifest.outputs if shared in r.blocks})
    assert len(users) == 2  # of the fixture's three posts
    path = project_copy / "content" / "blocks" / f"{shared}.md"
    edit(path, "one specialist team", "one specialist biometrics team")
    snapshot = preview.rebuild({path})
    assert snapshot.ok and snapshot.manifest is not None and snapshot.timings is not None
    assert sorted(rechecks["posts"]) == users
    rebuilt = {r.path for r in snapshot.manifest.outputs if shared in r.blocks}
    assert snapshot.timings.outputs_built == len(rebuilt)
    users_files = {r.path for r in snapshot.manifest.outputs if r.post in users}
    assert set(rechecks["read"]) == users_files - rebuilt
    assert rechecks["rendered"] == []


@pytest.fixture
def read_backs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sha256 of every file `check` reads back rather than finds in the preview's memory."""
    import hashlib

    from omnipress.check.checkmodel import CheckContext

    seen: list[str] = []
    real = CheckContext.read_back

    def spy(ctx: CheckContext, channel: Any, data: bytes) -> Any:
        sha = hashlib.sha256(data).hexdigest()
        if ctx.facts_memo is None or (channel.name, sha) not in ctx.facts_memo:
            seen.append(sha)
        return real(ctx, channel, data)

    monkeypatch.setattr(CheckContext, "read_back", spy)
    return seen


def test_a_post_re_checked_again_reads_back_only_the_files_that_changed_since(
    preview: Preview, project_copy: Path, rechecks: dict[str, list[str]], read_backs: list[str]
) -> None:
    """A block's second save re-checks the same posts: what their other files read back as
    is in the preview's memory since the first save; and the memory holds nothing but the
    files in output/."""
    shared = "stat-biometrics-disciplines"
    path = project_copy / "content" / "blocks" / f"{shared}.md"
    preview.facts_memo.clear()
    edit(path, "one specialist team", "one specialist biometrics team")
    first = preview.rebuild({path})
    assert first.ok and first.manifest is not None
    rebuilt = {r.path for r in first.manifest.outputs if shared in r.blocks}
    others = set(rechecks["read"]) - rebuilt
    assert others, "the posts have files the save did not render"
    assert {r.path for r in first.manifest.outputs if r.sha256 in read_backs} == others

    read_backs.clear()
    edit(path, "one specialist biometrics team", "one specialist team of biometricians")
    second = preview.rebuild({path})
    assert second.ok and second.manifest is not None
    assert read_backs == []
    current = {(r.channel, r.sha256) for r in second.manifest.outputs}
    assert preview.facts_memo and set(preview.facts_memo) <= current


def test_what_a_file_reads_back_as_is_remembered_by_its_bytes(project_copy: Path) -> None:
    """The same bytes are read back once; other bytes of the same file, again."""
    from omnipress.channels import by_name
    from omnipress.check.checkmodel import CheckContext

    channel = by_name("linkedin")
    assert channel is not None and channel.read_back is not None
    calls: list[bytes] = []
    real = channel.read_back

    def counted(data: bytes) -> Any:
        calls.append(data)
        return real(data)

    object.__setattr__(channel, "read_back", counted)  # a channel is a frozen dataclass
    try:
        memo: dict[tuple[str, str], Any] = {}
        ctx = CheckContext.__new__(CheckContext)
        ctx.facts_memo, ctx.facts_read = memo, {}
        first = ctx.read_back(channel, b"Hook line\n\nBody 40%\n")
        again = ctx.read_back(channel, b"Hook line\n\nBody 40%\n")
        other = ctx.read_back(channel, b"Hook line\n\nBody 41%\n")
    finally:
        object.__setattr__(channel, "read_back", real)
    assert first is again and str(other).endswith("41%\n")
    assert calls == [b"Hook line\n\nBody 40%\n", b"Hook line\n\nBody 41%\n"]
    assert len(memo) == 2 and ctx.facts_read == memo


def test_the_preview_writes_its_verdicts_once_saves_pause(
    preview: Preview, project_copy: Path
) -> None:
    from omnipress.check.checkcache import CheckCache, cache_path, checker_digest

    path = project_copy / "content" / "posts" / f"{POST}.md"
    edit(path, "value chain", "value-chain")
    written = cache_path(preview.output)
    written.unlink(missing_ok=True)
    stop = threading.Event()
    builder_thread = threading.Thread(target=preview.run_builds, args=(stop,), daemon=True)
    builder_thread.start()
    try:
        preview.request({path})
        deadline = time.monotonic() + 60
        while not written.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        builder_thread.join(timeout=60)
    assert preview.snapshot.build_id == 2 and written.exists()
    saved = CheckCache.load(written, checker_digest())
    assert preview.verdicts is not None
    assert saved.posts[POST].key == preview.verdicts.posts[POST].key
