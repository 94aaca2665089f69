"""`python build.py serve`: the preview pages, what they say about each channel, the files they
serve (and refuse), and the rebuild-and-reload loop a marketer relies on while writing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from omnipress.channels.linkedin import CHANNEL as LINKEDIN
from omnipress.channels.linkedin.preview import fold_position, linkedin_card
from omnipress.channels.linkedin.rules import linkedin_hook
from omnipress.channels.output_rules import Expect
from omnipress.cli import main
from omnipress.preview import preview as preview_module
from omnipress.preview.files import output_file
from omnipress.preview.preview import run_check_safely
from tests.previewing import running_preview, seed_output
from tests.readers import pdf_text, squash

ROOT = Path(__file__).resolve().parent.parent
SLUG = "cro-or-cdmo"
BLOCK = "definition-cdmo"  # in that post's blog text, its one-pager and its LinkedIn text


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


# ---------------------------------------------------------------- the LinkedIn card


GOOD = (
    "A hook that ends.\n\nBody.\n\n"
    "Read it: https://example.com/x/?utm_source=linkedin\n\n#One #Two #Three\n"
)


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        (GOOD.replace("#One ", ""), {"linkedin.hashtags"}),
        (GOOD.replace("Body.", "**Body**"), {"linkedin.markup"}),
        (GOOD.replace("Body.", "Also https://example.org/"), {"linkedin.links"}),
        (GOOD.replace("Body.", "x" * 3000), {"linkedin.length"}),
        (GOOD.replace("ends.", "does not end"), {"linkedin.hook"}),
    ],
)
def test_the_card_runs_the_rules_the_build_runs(text: str, rules: set[str]) -> None:
    """One list of LinkedIn rules: the card's problems are the channel's ``rules`` rows, in
    their order (the link's target aside: the card has no post to compare it with)."""
    card = linkedin_card(text)
    anywhere = Expect("", "")
    rows = [f"{f.message} [{f.rule}]" for r in LINKEDIN.rules for f in r.check(text, anywhere)]
    assert card.problems == tuple(rows)
    assert {p.rsplit("[", 1)[1].rstrip("]") for p in card.problems} == rules


def test_card_folds_after_the_hook_and_counts_against_the_limits(example_output: Path) -> None:
    text = (example_output / "linkedin" / f"{SLUG}.txt").read_text(encoding="utf-8")
    card = linkedin_card(text)
    above = "".join(span.text for span in card.above_fold)
    below = "".join(span.text for span in card.below_fold)
    assert above == linkedin_hook(text)
    assert below.startswith("A CRO plans and runs research")
    assert card.characters.count == len(text.rstrip("\n"))
    assert card.characters.limit == "3,000" and card.characters.ok
    assert card.hook.count == len(linkedin_hook(text)) <= 210
    assert card.hashtags == tuple(text.rstrip().splitlines()[-1].split())
    assert card.links == 1 and card.link in text
    assert ("utm_source", "linkedin") in card.link_utm
    assert card.problems == ()
    assert [s.kind for s in card.below_fold if s.kind != "text"] == ["link"] + ["hashtag"] * 4


def test_a_long_hook_folds_at_about_210_characters_on_a_word_boundary() -> None:
    hook = "word " * 60 + "end."
    position = fold_position(hook + "\n\nRest.")
    assert 150 < position <= 210
    assert hook[position] == " "
    card = linkedin_card(hook + "\n\nRest.\n")
    assert not card.hook.ok
    assert any("[linkedin.hook]" in p for p in card.problems)


def test_an_overlong_post_shows_its_count_as_over_the_limit() -> None:
    card = linkedin_card("Hook.\n\n" + "x" * 3100)
    assert not card.characters.ok and card.characters.shown == "3,107"


def test_check_status_degrades_to_not_checked_when_check_cannot_run(tmp_path: Path) -> None:
    results = run_check_safely(tmp_path, tmp_path, tmp_path)  # no build to check there
    assert not results.available
    assert "could not run" in results.note
    assert results.status(SLUG) == preview_module.NOT_CHECKED


def test_check_status_counts_errors_and_scopes_a_campaign_to_its_own_files() -> None:
    def finding(severity: str, file: str) -> preview_module.FindingView:
        return preview_module.FindingView(severity, "pdf.pages", "pdf", file, "two pages", "")

    results = preview_module.CheckResults(
        True,
        {SLUG: [finding("error", f"campaigns/cro-explained/pdf/{SLUG}.pdf"),
                finding("warning", f"blog/{SLUG}/index.html")]},
    )  # fmt: skip
    status = results.status(SLUG)
    assert (status.state, status.label, status.css) == ("failed", "check: 1 error(s)",
                                                        "status-failed")  # fmt: skip
    base = results.status(SLUG, {f"blog/{SLUG}/index.html", f"pdf/{SLUG}.pdf"})
    assert (base.state, len(base.findings)) == ("warnings", 1)
    assert results.status("what-a-biometrics-cro-delivers").state == "passed"


# ---------------------------------------------------------------- what the server serves


def test_output_file_refuses_every_way_out(tmp_path: Path) -> None:
    output = tmp_path / "output"
    (output / "blog").mkdir(parents=True)
    (output / "blog" / "index.html").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    (output / "link").symlink_to(tmp_path / "secret.txt")
    assert output_file(output, "blog/index.html") == (output / "blog" / "index.html").resolve()
    assert output_file(output, "blog/") == (output / "blog" / "index.html").resolve()
    for path in ("../secret.txt", "%2e%2e/secret.txt", "blog/../../secret.txt",
                 "blog/%2E%2E/%2e%2e/secret.txt", "..%2fsecret.txt", "link",
                 "blog/..\\..\\secret.txt", "blog/%00"):  # fmt: skip
        assert output_file(output, path) is None, path


def test_preview_pages_show_every_post_with_its_channels_and_check_status(
    example_output: Path, tmp_path: Path
) -> None:
    seed_output(example_output, tmp_path / "output")
    with running_preview(tmp_path / "output") as live:
        page = soup(live.text("/"))
        hrefs = [a["href"] for a in page.select(".post-row-title")]
        for slug in ("cro-or-cdmo", "what-a-biometrics-cro-delivers"):
            assert f"/post/{slug}/" in hrefs
            assert f"/post/{slug}/?campaign=" in " ".join(hrefs)
        first = page.select_one(".post-row")
        assert first is not None
        labels = [a.get_text(strip=True) for a in first.select(".channel-links a")]
        assert labels == [
            "Blog post",
            "PDF one-pager",
            "LinkedIn text",
            "LinkedIn carousel",
            "Social card",
        ]
        statuses = {s.get_text(strip=True) for s in page.select(".post-row .status")}
        assert statuses and statuses <= {"check passed", "not checked"} | {
            s for s in statuses if s.startswith("check:")
        }
        campaigns = [h.get_text(" ", strip=True) for h in page.select(".campaign h3")]
        assert any("biometrics-partner" in c for c in campaigns)
        assert page.select("script")  # the reload script is on preview pages

        post = soup(live.text(f"/post/{SLUG}/"))
        blog = post.select_one("iframe.frame-blog")
        pdf = post.select_one("iframe.frame-pdf")
        assert blog is not None and blog["src"].startswith(f"/output/blog/{SLUG}/index.html")
        assert pdf is not None and pdf["src"].startswith(f"/output/pdf/{SLUG}.pdf")
        download = post.find("a", attrs={"download": True})
        assert download is not None and download["download"] == f"{SLUG}.pdf"
        text = (example_output / "linkedin" / f"{SLUG}.txt").read_text(encoding="utf-8")
        above = post.select_one(".li-above")
        assert above is not None and above.get_text() == linkedin_hook(text)
        assert post.select_one(".li-see-more").get_text() == "…see more"
        meters = squash(post.select_one(".meters").get_text(" "))
        assert f"Characters {len(text.rstrip()):,} / 3,000" in meters
        chips = [c.get_text() for c in post.select(".facts .chip") if c.get_text().startswith("#")]
        assert chips == text.rstrip().splitlines()[-1].split()
        link = post.select_one(".li-below .li-link")
        assert link is not None and "utm_source=linkedin" in link["href"]

        # The files themselves come byte for byte, with no script added to them.
        status, kind, body = live.get(blog["src"])
        built = (example_output / "blog" / SLUG / "index.html").read_bytes()
        assert (status, kind, body) == (200, "text/html; charset=utf-8", built)
        status, kind, body = live.get(pdf["src"].split("#")[0])
        assert (status, kind) == (200, "application/pdf")
        assert body == (example_output / "pdf" / f"{SLUG}.pdf").read_bytes()


def test_campaign_variant_preview_shows_the_campaign_files(
    example_output: Path, tmp_path: Path
) -> None:
    seed_output(example_output, tmp_path / "output")
    with running_preview(tmp_path / "output") as live:
        page = soup(live.text(f"/post/{SLUG}/?campaign=cro-explained"))
        pdf = page.select_one("iframe.frame-pdf")
        assert pdf is not None
        assert pdf["src"].startswith(f"/output/campaigns/cro-explained/pdf/{SLUG}.pdf")
        link = page.select_one(".li-below .li-link")
        assert link is not None and "utm_campaign=cro-explained" in link["href"]
        assert live.get("/post/no-such-post/")[0] == 404
        assert live.get(f"/post/{SLUG}/?campaign=no-such-campaign")[0] == 404
        # a campaign the post is not in has no variant of it to show
        assert live.get(f"/post/{SLUG}/?campaign=biometrics-partner")[0] == 404


def test_server_serves_only_output_and_preview_files(example_output: Path, tmp_path: Path) -> None:
    seed_output(example_output, tmp_path / "output")
    (tmp_path / "secret.txt").write_text("do not serve me")
    with running_preview(tmp_path / "output") as live:
        assert live.server.server_address[0] == "127.0.0.1"
        assert live.get("/output/manifest.json")[0] == 200
        for path in (
            "/output/../secret.txt",
            "/output/%2e%2e/secret.txt",
            "/output/%2E%2E/%2E%2E/content/site.yaml",
            "/output/..%2f..%2fcontent%2fsite.yaml",
            "/output/blog/../../secret.txt",
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/content/site.yaml",
            "/templates/preview/base.html",
            "/__preview__/../content/site.yaml",
            "/__preview__/base.html",
        ):
            status, _, body = live.get(path)
            assert status == 404, path
            assert b"do not serve me" not in body and b"base_url" not in body, path


def test_serve_command_starts_on_loopback_and_stops_on_ctrl_c(
    example_output: Path, project_copy: Path
) -> None:
    """The command a marketer types, end to end: it builds, says where to look, serves, and
    Ctrl+C ends it cleanly."""
    seed_output(example_output, project_copy / "output")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"],
        cwd=project_copy,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stderr is not None
        url = ""
        deadline = time.monotonic() + 60
        while not url and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            if found := re.search(r"http://127\.0\.0\.1:(\d+)/", line):
                url = found.group(0)
        assert url, "the command did not print the preview address"
        import json
        import urllib.request

        # it answers at once, while the first build runs, and shows the build when it is done
        state: dict[str, object] = {"id": 0, "building": True}
        while (state["id"] == 0 or state["building"]) and time.monotonic() < deadline:
            with urllib.request.urlopen(url + "__preview__/build", timeout=10) as response:
                state = json.load(response)
            time.sleep(0.1)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "every post, every channel" in response.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0


# ---------------------------------------------------------------- the rebuild loop


def test_saving_a_block_rebuilds_and_the_preview_shows_it_then_errors_show_and_clear(
    example_output: Path, project_copy: Path
) -> None:
    """What "done" means for this feature: edit a block, and within seconds the blog page, the
    PDF and the LinkedIn card of the preview say the new words; break the file and the page
    says where, while the server keeps running; fix it and the preview comes back."""
    output = project_copy / "output"
    seed_output(example_output, output)
    block = project_copy / "content" / "blocks" / f"{BLOCK}.md"
    original = block.read_text(encoding="utf-8")
    edited = original.replace("technology transfer", "tech transfer")
    assert edited != original
    with running_preview(
        output, watch=True, content=project_copy / "content", templates=project_copy / "templates"
    ) as live:
        first = int(str(live.state()["id"]))
        page = live.text(f"/post/{SLUG}/")
        assert "tech transfer" not in page

        block.write_text(edited, encoding="utf-8")
        state = live.wait_for_build_after(first, lambda: block.write_text(edited, "utf-8"))
        assert state["ok"] is True
        post = soup(live.text(f"/post/{SLUG}/"))
        assert "tech transfer" in post.select_one(".li-card").get_text()
        blog_src = post.select_one("iframe.frame-blog")["src"]
        assert f"build={state['id']}" in blog_src  # the frames reload with the page
        assert "tech transfer" in soup(live.text(blog_src)).get_text()
        _, _, pdf = live.get(post.select_one("iframe.frame-pdf")["src"].split("#")[0])
        (project_copy / "fetched.pdf").write_bytes(pdf)
        assert "tech transfer" in pdf_text(project_copy / "fetched.pdf")

        broken = edited.replace("type: definition", "type: definitoin", 1)
        block.write_text(broken, encoding="utf-8")
        state = live.wait_for_build_after(
            int(str(state["id"])), lambda: block.write_text(broken, "utf-8")
        )
        assert state["ok"] is False
        page = soup(live.text(f"/post/{SLUG}/"))
        errors = page.select_one(".build-errors")
        assert errors is not None
        where = [c.get_text() for c in errors.select(".problem-where")]
        assert f"content/blocks/{BLOCK}.md:2" in where
        assert "block type 'definitoin' is not known" in errors.get_text()
        assert "How to fix: type must be one of: cta," in squash(errors.get_text())
        assert page.select_one(".li-card") is not None  # the last good build stays visible
        # and says so: its check result is not today's
        assert "(last good build)" in page.select_one(".status").get_text()
        assert "showing the last good build" in page.select_one(".build-state").get_text()

        block.write_text(edited, encoding="utf-8")
        state = live.wait_for_build_after(
            int(str(state["id"])), lambda: block.write_text(edited, "utf-8")
        )
        assert state["ok"] is True
        page = soup(live.text(f"/post/{SLUG}/"))
        assert page.select_one(".build-errors") is None
        assert "tech transfer" in page.select_one(".li-card").get_text()


@pytest.mark.parametrize("port", ["99999", "-5", "eighty"])
def test_a_port_that_is_not_one_is_a_usage_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err
    assert "argument --port" in err and "internal error" not in err
