"""A real browser: every built blog page and the preview pages, loaded in headless Chromium
(driven by Playwright, pointed at the system's Chromium), screenshotted, and checked with
axe-core for accessibility. Zero serious or critical violations.

Skipped, with the reason, only where no Chromium is installed; under CI (CI=true) a missing
browser fails instead, so the check cannot silently stop running.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from omnipress.build.manifest import read_manifest
from tests.previewing import LivePreview, running_preview, seed_output

BROWSERS = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Playwright adds --headless and a fresh --user-data-dir (a new temporary profile) itself."""
VIEWPORT = {"width": 1440, "height": 1000}
BLOCKING = {"serious", "critical"}


def find_chromium() -> str | None:
    configured = os.environ.get("OMNIPRESS_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the real-browser tests (scripts/install-system-deps)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = find_chromium()
    if executable is None:
        unavailable("no Chromium found (install Debian's chromium, or set OMNIPRESS_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def live(example_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePreview]:
    output = tmp_path_factory.mktemp("browser") / "output"
    seed_output(example_output, output)
    with running_preview(output) as running:
        yield running


@pytest.fixture(scope="module")
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def open_page(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    """A page on ``url`` that can reach the preview server and no other address."""
    context = browser.new_context(viewport=VIEWPORT)
    errors: list[str] = []
    host = urlsplit(url).netloc

    def only_local(route: Any) -> None:
        target = urlsplit(route.request.url)
        if target.scheme not in {"http", "https", "ws", "wss"} or target.netloc == host:
            route.continue_()  # the server, or the browser's own PDF viewer (chrome://)
        else:
            errors.append(f"blocked a request leaving the preview: {route.request.url}")
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    return context, page, errors


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def blocking_violations(page: Any, axe_source: str, iframes: bool = True) -> list[str]:
    page.evaluate(axe_source)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"resultTypes": ["violations"], "iframes": iframes},
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def test_every_blog_page_renders_and_has_no_serious_accessibility_violations(
    browser: Any, live: LivePreview, axe_source: str, tmp_path: Path
) -> None:
    manifest = read_manifest(live.preview.output)
    assert manifest is not None
    pages = [r.path for r in manifest.outputs if r.channel == "blog"]
    assert len(pages) >= 3
    for path in pages:
        context, page, errors = open_page(browser, f"{live.url}output/{path}")
        try:
            shot = tmp_path / (path.replace("/", "_") + ".png")
            page.screenshot(path=str(shot), full_page=True)
            width, height = png_size(shot)
            assert width == VIEWPORT["width"] and height >= VIEWPORT["height"] // 2
            h1 = page.locator("h1")
            assert h1.count() == 1 and h1.is_visible()
            stylesheet = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert "Inter" in stylesheet  # blog/assets/style.css was found and applied
            assert blocking_violations(page, axe_source) == [], path
            assert errors == [], path
        finally:
            context.close()


def test_preview_pages_render_side_by_side_without_serious_violations(
    browser: Any, live: LivePreview, axe_source: str, tmp_path: Path
) -> None:
    context, page, errors = open_page(browser, live.url)
    try:
        page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
        assert png_size(tmp_path / "index.png")[0] == VIEWPORT["width"]
        assert page.locator(".post-row").count() >= 3
        assert blocking_violations(page, axe_source) == []
        page.locator(".post-row-title").first.click()
        page.wait_for_selector(".li-card")
        # The three channels sit side by side on a desktop screen.
        boxes = [
            page.locator(f".pane-{name}").bounding_box() for name in ("blog", "pdf", "linkedin")
        ]
        assert all(box is not None for box in boxes)
        lefts = [box["x"] for box in boxes if box is not None]
        tops = {round(box["y"]) for box in boxes if box is not None}
        assert lefts == sorted(lefts) and len(tops) == 1
        assert page.locator(".li-see-more").is_visible()
        assert page.locator(".li-fold").is_visible()
        blog = page.frame_locator("iframe.frame-blog").locator("h1")
        assert blog.inner_text() == page.locator("h1").first.inner_text()
        page.screenshot(path=str(tmp_path / "post.png"))
        # Frames hold the blog page (checked above on its own) and the PDF: not this page's.
        assert blocking_violations(page, axe_source, iframes=False) == []
        assert errors == []
    finally:
        context.close()


HOSTILE = {
    "hostile.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="window.ran = \'onload\'">'
    "<script>window.ran = 'script'</script><rect width='9' height='9'/></svg>",
    "hostile.html": "<!DOCTYPE html><html lang='en'><title>t</title><script>window.ran = 'script'"
    "</script><img src='missing.png' alt='' onerror=\"window.ran = 'onerror'\"></html>",
}


def script_outcome(browser: Any, url: str) -> tuple[str, list[str]]:
    """(what ``window.ran`` holds after the page loaded, the console's messages)."""
    context, page, errors = open_page(browser, url)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        page.reload(wait_until="load")
        assert errors == []
        return str(page.evaluate("typeof window.ran")), console
    finally:
        context.close()


def viewer_frames(page: Any) -> list[str]:
    """The frames' addresses once Chromium's PDF viewer has started (bounded wait)."""
    urls: list[str] = []
    for _ in range(100):
        urls = [frame.url for frame in page.frames]
        if any(url.startswith("chrome-extension://") for url in urls):
            break
        page.wait_for_timeout(100)
    return urls


def test_a_page_or_drawing_opened_from_output_runs_no_script_but_the_frames_still_show(
    browser: Any, live: LivePreview
) -> None:
    """The build refuses such files; the preview's policy is the second wall, for whatever
    reaches output/ some other way. The same policy must let the preview frame the blog page
    and the PDF."""
    folder = live.preview.output / "blog/assets/images"
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
        ran, console = script_outcome(browser, f"{live.url}output/blog/assets/images/{name}")
        assert ran == "undefined", name
        assert any("Content Security Policy" in line for line in console), console
    context, page, errors = open_page(browser, f"{live.url}post/cro-or-cdmo/")
    try:
        assert page.frame_locator("iframe.frame-blog").locator("h1").is_visible()
        urls = viewer_frames(page)
        assert any(url.startswith("chrome-extension://") for url in urls), urls
        assert not any(url.startswith("chrome-error://") for url in urls), urls
        assert errors == []
    finally:
        context.close()
