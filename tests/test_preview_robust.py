"""The preview keeps answering whatever happens to output/ underneath it: a stray byte in a built
file, campaign names that are not URL-safe, another build holding the lock when a save lands,
and the moment of a build's swap when output/ does not exist."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from omnipress.build.builder import BuildOptions
from omnipress.build.writer import lock_path, previous_dir
from omnipress.content.loader import load_project
from omnipress.errors import Problems
from omnipress.preview.preview import post_href, variants
from omnipress.preview.server import Preview
from tests.conftest import CONTENT, TEMPLATES
from tests.previewing import running_preview, seed_output

SLUG = "cro-or-cdmo"
WAIT_SECONDS = 60.0


def soup(data: bytes) -> BeautifulSoup:
    return BeautifulSoup(data.decode("utf-8"), "html.parser")


# ---------------------------------------------------------------- bytes that are not UTF-8


@pytest.mark.parametrize(
    "bad",
    [b"\xff", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"],  # stray, cut short, continuation, surrogate
    ids=["ff", "truncated", "continuation", "surrogate"],
)
@pytest.mark.parametrize("where", ["hook", "hashtags"])
def test_a_non_utf8_byte_in_the_linkedin_text_leaves_the_post_page_whole(
    example_output: Path, tmp_path: Path, bad: bytes, where: str
) -> None:
    output = tmp_path / "output"
    seed_output(example_output, output)
    with running_preview(output) as live:
        text = output / "linkedin" / f"{SLUG}.txt"
        data = text.read_bytes()
        position = 10 if where == "hook" else data.rstrip().rfind(b"#") + 1
        text.write_bytes(data[:position] + bad + data[position:])

        status, kind, body = live.get(f"/post/{SLUG}/")
        assert (status, kind) == (200, "text/html; charset=utf-8")
        page = soup(body)
        card = page.select_one(".li-card")
        assert card is not None and "\ufffd" in card.get_text()
        # the rest of the page is all there: the other channels, the link, the meters
        assert page.select_one("iframe.frame-blog") is not None
        assert page.select_one("iframe.frame-pdf") is not None
        assert page.select_one(".meters") is not None
        assert "utm_source=linkedin" in page.select_one(".li-below .li-link")["href"]
        assert live.get("/")[0] == 200
        # the file itself is served exactly as it is on disk
        assert live.get(f"/output/linkedin/{SLUG}.txt")[2] == text.read_bytes()


# ---------------------------------------------------------------- names in URLs

ODD_CAMPAIGNS = ["spring&co", "q?and#a", "50% off", "a+b=c"]
"""Names a URL must encode: no campaign file may be called so any more (the loader refuses
file names that are not ids, tests/test_fields.py), so they are tested on the links alone."""
CAMPAIGNS = ["spring-co", "q-and-a", "fifty-off", "a-b-c"]
"""Campaigns served in a real preview: every tab must lead to its own variant."""


@pytest.fixture(scope="module")
def campaign_preview(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., tuple[int, str, bytes]]]:
    """The fixture content plus four campaigns, served once for the module."""
    root = tmp_path_factory.mktemp("odd")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    for number, name in enumerate(CAMPAIGNS):
        (content / "campaigns" / f"{name}.yaml").write_text(
            f'title: "Odd campaign {number}"\nposts: [{SLUG}]\nutm:\n  campaign: odd-{number}\n',
            encoding="utf-8",
        )
    with running_preview(root / "output", content=content) as live:
        assert live.preview.snapshot.ok, live.preview.snapshot.errors
        yield live.get


@pytest.mark.parametrize("number", range(len(CAMPAIGNS)))
def test_campaign_tabs_lead_to_their_own_variant(
    campaign_preview: Callable[..., tuple[int, str, bytes]], number: int
) -> None:
    get = campaign_preview
    name = CAMPAIGNS[number]
    status, _, body = get(f"/post/{SLUG}/")
    assert status == 200
    tab = soup(body).find("a", string=f"Campaign: Odd campaign {number}")
    assert tab is not None
    status, _, body = get(tab["href"])
    assert status == 200, tab["href"]
    page = soup(body)
    current = page.select_one(".variants [aria-current=page]")
    assert current is not None and current.get_text() == f"Campaign: Odd campaign {number}"
    pdf = page.select_one("iframe.frame-pdf")["src"].split("#")[0]
    assert unquote(urlsplit(pdf).path) == f"/output/campaigns/{name}/pdf/{SLUG}.pdf"
    assert get(pdf)[0] == 200
    assert f"utm_campaign=odd-{number}" in page.select_one(".li-below .li-link")["href"]


def test_every_link_on_the_index_with_campaigns_answers(
    campaign_preview: Callable[..., tuple[int, str, bytes]],
) -> None:
    get = campaign_preview
    page = soup(get("/")[2])
    hrefs = {a["href"] for a in page.select("main a[href]")}
    assert len(hrefs) > 20
    for href in sorted(hrefs):
        assert get(href)[0] == 200, href


@pytest.mark.parametrize("name", [*ODD_CAMPAIGNS, "plain", "ü ñ/é", 'x"><script>'])
def test_post_href_encodes_slug_and_campaign_so_they_read_back_exactly(name: str) -> None:
    href = post_href(name, name)
    parts = urlsplit(href)
    assert unquote(parts.path) == f"/post/{name}/"
    assert parse_qs(parts.query) == {"campaign": [name]}
    assert not set(href) & set(' "<>&#')


def test_variants_mark_the_current_one_and_link_to_each_campaign() -> None:
    project = load_project(CONTENT, Problems())
    assert project is not None
    slug = "contract-vs-clinical-research-organisation"  # in both campaigns
    tabs = variants(project, slug, "cro-explained")
    shown = [(t.label, parse_qs(urlsplit(t.href).query).get("campaign"), t.current) for t in tabs]
    assert shown == [
        ("Base outputs", None, False),
        ("Campaign: Choosing a biometrics partner", ["biometrics-partner"], False),
        ("Campaign: CROs explained", ["cro-explained"], True),
    ]
    assert [t.current for t in variants(project, slug, None)] == [True, False, False]


# ---------------------------------------------------------------- the output swap


@pytest.mark.parametrize(
    "path",
    [
        f"blog/{SLUG}/index.html",
        f"pdf/{SLUG}.pdf",
        f"linkedin/{SLUG}.txt",
        "campaigns/cro-explained/index.html",
        "manifest.json",
    ],
)
def test_between_the_two_renames_of_a_swap_files_still_answer(
    example_output: Path, tmp_path: Path, path: str
) -> None:
    """A build swaps output/ → output.previous, then staging → output/. A request landing
    between the two finds no output/: it is answered from the tree being replaced."""
    output = tmp_path / "output"
    seed_output(example_output, output)
    with running_preview(output) as live:
        expected = (output / path).read_bytes()
        output.rename(previous_dir(output))  # the first rename of StagedOutput.commit
        status, _, body = live.get(f"/output/{path}")
        assert (status, body) == (200, expected)
        page = soup(live.get(f"/post/{SLUG}/")[2])
        assert page.select_one(".li-card") is not None  # the card reads the old tree too


def test_a_request_during_a_swap_waits_for_the_new_tree(
    example_output: Path, tmp_path: Path
) -> None:
    """With output/ gone and the old tree already out of the way too, the request waits for
    the new tree instead of answering 404."""
    output = tmp_path / "output"
    seed_output(example_output, output)
    with running_preview(output) as live:
        aside = tmp_path / "staging"
        output.rename(aside)
        previous_dir(output).mkdir()  # a swap visibly under way, nothing in it yet
        moved = threading.Timer(0.3, lambda: aside.rename(output))
        moved.start()
        try:
            status, _, body = live.get(f"/output/pdf/{SLUG}.pdf")
        finally:
            moved.join()
        assert status == 200 and body.startswith(b"%PDF")


def test_a_file_that_is_not_there_is_still_a_404(example_output: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    seed_output(example_output, output)
    with running_preview(output) as live:
        assert live.get("/output/pdf/no-such-post.pdf")[0] == 404
        output.rename(previous_dir(output))
        assert live.get("/output/pdf/no-such-post.pdf")[0] == 404


# ---------------------------------------------------------------- another build's lock


@contextmanager
def lock_held_here(output: Path) -> Iterator[Callable[[], None]]:
    with open(lock_path(output), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield lambda: fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def lock_held_by_process(output: Path) -> Iterator[Callable[[], None]]:
    """Another program holding the lock: like `python build.py` in a terminal."""
    script = (
        "import fcntl, sys\n"
        f"handle = open({str(lock_path(output))!r}, 'a+')\n"
        "fcntl.flock(handle, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"

        def release() -> None:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(timeout=30)

        yield release
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


HOLDERS = {"this process": lock_held_here, "another process": lock_held_by_process}


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not {what} within {WAIT_SECONDS:.0f} s"
        time.sleep(0.02)


@pytest.mark.parametrize("holder", sorted(HOLDERS))
def test_a_save_while_another_build_holds_the_lock_builds_once_it_is_free(
    example_output: Path, project_copy: Path, holder: str
) -> None:
    output = project_copy / "output"
    seed_output(example_output, output)
    block = project_copy / "content" / "blocks" / "definition-cdmo.md"
    options = BuildOptions(
        content=project_copy / "content", templates=project_copy / "templates", output=output
    )
    preview = Preview(options)
    assert preview.rebuild().ok
    block.write_text(
        block.read_text(encoding="utf-8").replace("technology transfer", "tech transfer"),
        encoding="utf-8",
    )
    with HOLDERS[holder](output) as release:
        saved = threading.Thread(target=preview.rebuild)  # what the watcher does on a save
        saved.start()
        wait_until(lambda: preview.waiting, "waiting for the lock")
        assert preview.building
        release()
        saved.join(timeout=WAIT_SECONDS)
    snapshot = preview.snapshot
    assert snapshot.ok, snapshot.errors
    assert snapshot.build_id == 2 and not preview.waiting
    assert "tech transfer" in (output / "blog" / SLUG / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("holder", sorted(HOLDERS))
def test_waiting_for_the_lock_is_bounded_and_then_says_why(
    example_output: Path, tmp_path: Path, holder: str
) -> None:
    output = tmp_path / "output"
    seed_output(example_output, output)
    preview = Preview(
        BuildOptions(content=CONTENT, templates=TEMPLATES, output=output), lock_wait=0.5
    )
    with HOLDERS[holder](output):
        snapshot = preview.rebuild()
    assert not snapshot.ok
    assert [e.message.split(" (process")[0] for e in snapshot.errors] == [
        f"another build is writing {output.resolve()}"
    ]
    assert preview.rebuild().ok  # and the next save builds
