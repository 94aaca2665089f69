"""The example content built for real, every file read back: do the channels agree?"""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest
from pypdf import PdfReader

from omnipress.build.manifest import read_manifest, sha256_of
from omnipress.channels.card.readback import read_card
from omnipress.channels.linkedin.rules import check_linkedin, hashtags_in, linkedin_hook
from omnipress.content.links import utm_params, without_utm
from tests.conftest import CONTENT
from tests.readers import html, linkedin_link, pdf_links, pdf_pages, pdf_text, squash

SLUGS = sorted(p.stem for p in (CONTENT / "posts").glob("*.md"))


def block_meta(block_id: str) -> dict[str, object]:
    """A block's front matter, read straight from the source file."""
    return dict(frontmatter.load(CONTENT / "blocks" / f"{block_id}.md").metadata)


def test_every_post_has_every_channel_and_a_manifest(example_output: Path) -> None:
    assert len(SLUGS) >= 3
    for slug in SLUGS:
        assert (example_output / "blog" / slug / "index.html").is_file()
        assert (example_output / "pdf" / f"{slug}.pdf").is_file()
        assert (example_output / "linkedin" / f"{slug}.txt").is_file()
    assert (example_output / "manifest.json").is_file()
    assert (example_output / "blog/assets/style.css").is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_title_author_and_date_agree_between_blog_and_pdf(example_output: Path, slug: str) -> None:
    page = html(example_output / "blog" / slug / "index.html")
    title = page.h1.get_text(strip=True)
    author = page.select_one(".post-author").get_text(strip=True)
    time = page.select_one("time.post-date")
    pdf = example_output / "pdf" / f"{slug}.pdf"
    text = pdf_text(pdf)
    assert title in text
    assert author in text
    assert time.get_text(strip=True) in text
    info = PdfReader(pdf).metadata
    assert info.title == title
    assert info.author == author
    assert info["/CreationDate"].startswith("D:" + time["datetime"].replace("-", ""))


@pytest.mark.parametrize("slug", SLUGS)
def test_cta_agrees_in_all_three_channels(example_output: Path, slug: str) -> None:
    page = html(example_output / "blog" / slug / "index.html")
    button = page.select_one(".post-cta a.cta-button")
    label, blog_url = button.get_text(strip=True), button["href"]
    pdf = example_output / "pdf" / f"{slug}.pdf"
    assert label in pdf_text(pdf)
    pdf_cta_urls = [u for u in pdf_links(pdf) if without_utm(u) == without_utm(blog_url)]
    assert pdf_cta_urls, "the PDF has no clickable link to the CTA target"
    assert utm_params(pdf_cta_urls[0])["utm_source"] != utm_params(blog_url)["utm_source"]
    linkedin = (example_output / "linkedin" / f"{slug}.txt").read_text(encoding="utf-8")
    assert label in linkedin
    canonical = page.select_one('link[rel="canonical"]')["href"]
    link = linkedin_link(linkedin)
    assert without_utm(link) == canonical
    assert utm_params(link)["utm_source"] == "linkedin"
    assert utm_params(link)["utm_medium"] == "social"


def stats_in_blog(page: object) -> dict[str, str]:
    return {
        figure["data-block"]: figure.select_one(".stat-value").get_text(strip=True)
        for figure in page.select("figure.block-stat")  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_every_stat_figure_reads_identically_in_every_channel(
    example_output: Path, slug: str
) -> None:
    manifest = read_manifest(example_output)
    assert manifest is not None
    blog_stats = stats_in_blog(html(example_output / "blog" / slug / "index.html"))
    pdf = pdf_text(example_output / "pdf" / f"{slug}.pdf")
    linkedin = squash((example_output / "linkedin" / f"{slug}.txt").read_text(encoding="utf-8"))
    card = squash(read_card((example_output / "blog" / slug / "card.png").read_bytes()).text)
    carousel = pdf_text(example_output / "linkedin" / f"{slug}.carousel.pdf")
    shown = 0
    for record in manifest.outputs:
        if record.post != slug or record.campaign is not None:
            continue
        for block_id in record.blocks:
            if not block_id.startswith("stat-"):
                continue
            value, label = block_meta(block_id)["value"], block_meta(block_id)["label"]
            channel_text = {
                "blog": None,
                "pdf": pdf,
                "linkedin": linkedin,
                "card": card,
                "carousel": carousel,
            }[record.channel]
            if record.channel == "blog":
                assert blog_stats[block_id] == value
            else:
                assert f"{value} {label}" in channel_text or (
                    value in channel_text and label in channel_text
                ), f"{block_id} not shown as '{value} {label}' in {record.path}"
            shown += 1
    assert shown, f"post {slug} shows no stat at all"


def test_a_reused_block_renders_the_same_words_in_every_post(example_output: Path) -> None:
    manifest = read_manifest(example_output)
    assert manifest is not None
    users: dict[str, list[str]] = {}
    for record in manifest.outputs:
        if record.channel == "blog":
            for block_id in record.blocks:
                users.setdefault(block_id, []).append(record.post)
    reused = {b: posts for b, posts in users.items() if len(posts) >= 2}
    assert {"quote-fit-over-label", "stat-biometrics-disciplines"} <= set(reused)
    for block_id, posts in reused.items():
        renderings = {
            squash(
                html(example_output / "blog" / slug / "index.html")
                .select(f'[data-block="{block_id}"]')[0]
                .get_text(" ")
            )
            for slug in posts
        }
        assert len(renderings) == 1, f"{block_id} reads differently across {posts}"


def all_outputs(example_output: Path, suffix: str) -> list[Path]:
    return sorted(example_output.rglob(f"*{suffix}"))


def test_every_pdf_is_exactly_one_page_with_embedded_fonts(example_output: Path) -> None:
    pdfs = [p for p in all_outputs(example_output, ".pdf") if not p.name.endswith(".carousel.pdf")]
    assert len(pdfs) == len(SLUGS) + 4  # base one-pagers + campaign variants
    for pdf in pdfs:
        assert pdf_pages(pdf) == 1, pdf
        fonts = PdfReader(pdf).pages[0]["/Resources"]["/Font"]
        for font in fonts.values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), pdf


def test_every_pdf_shows_the_blocks_its_post_assigns(example_output: Path) -> None:
    for slug in SLUGS:
        ids = frontmatter.load(CONTENT / "posts" / f"{slug}.md").metadata["pdf"]["blocks"]
        assert ids
        text = pdf_text(example_output / "pdf" / f"{slug}.pdf")
        for block_id in ids:
            meta = block_meta(block_id)
            headline = meta.get("term") or meta.get("value") or meta.get("attribution")
            headline = headline or meta["items"][0]
            assert squash(str(headline)) in text, f"{block_id} missing from {slug}.pdf"


def test_every_linkedin_text_meets_the_channel_rules(example_output: Path) -> None:
    texts = all_outputs(example_output, ".txt")
    assert len(texts) == len(SLUGS) + 4
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert len(text) <= 3000
        assert len(linkedin_hook(text)) <= 210
        assert 3 <= len(hashtags_in(text)) <= 5
        assert "**" not in text and "<" not in text and "[[" not in text
        assert check_linkedin(text) == [], path


def test_manifest_hashes_match_the_files(example_output: Path) -> None:
    manifest = read_manifest(example_output)
    assert manifest is not None
    paths = {record.path for record in manifest.outputs}
    assert len(paths) == 5 * len(SLUGS) + 12  # 5 channels; 4 campaign variants of 3 of them
    for record in manifest.outputs:
        assert sha256_of((example_output / record.path).read_bytes()) == record.sha256
        assert record.blocks, f"{record.path} lists no blocks"
    for relative, digest in manifest.files.items():
        assert sha256_of((example_output / relative).read_bytes()) == digest


def test_campaign_variants_carry_the_campaign_cta_and_tracking(example_output: Path) -> None:
    campaign = example_output / "campaigns" / "biometrics-partner"
    slug = "what-a-biometrics-cro-delivers"
    pdf = campaign / "pdf" / f"{slug}.pdf"
    assert "Book a biometrics consultation" in pdf_text(pdf)
    assert "Submit an RFI" not in pdf_text(pdf)
    tagged = [utm_params(u) for u in pdf_links(pdf) if "utm_campaign" in u]
    assert tagged and all(t["utm_campaign"] == "biometrics-partner" for t in tagged)
    text = (campaign / "linkedin" / f"{slug}.txt").read_text(encoding="utf-8")
    assert utm_params(linkedin_link(text))["utm_campaign"] == "biometrics-partner"
    assert "Book a biometrics consultation" in text
    base = (example_output / "linkedin" / f"{slug}.txt").read_text(encoding="utf-8")
    assert utm_params(linkedin_link(base))["utm_campaign"] == "evergreen"
    index = html(campaign / "index.html")
    hrefs = {a["href"] for a in index.select("a")}
    assert f"pdf/{slug}.pdf" in hrefs and f"../../blog/{slug}/index.html" in hrefs


@pytest.mark.parametrize("slug", SLUGS)
def test_blog_page_has_search_and_social_metadata(example_output: Path, slug: str) -> None:
    page = html(example_output / "blog" / slug / "index.html")
    assert len(page.find_all("h1")) == 1
    assert page.title.get_text() == page.h1.get_text(strip=True)
    description = page.select_one('meta[name="description"]')["content"]
    assert 0 < len(description) <= 160
    canonical = page.select_one('link[rel="canonical"]')["href"]
    assert canonical == f"https://www.northstar-biometrics.example/insights/{slug}/"
    assert page.select_one('meta[property="og:url"]')["content"] == canonical
    assert page.select_one('meta[property="og:title"]')["content"] == page.h1.get_text(strip=True)
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == page.h1.get_text(strip=True)
    assert data["datePublished"] == page.select_one("time.post-date")["datetime"]
    assert data["author"]["name"] == page.select_one(".post-author").get_text(strip=True)
    assert "min read" in page.select_one(".reading-time").get_text()
    assert (
        page.select_one(".post-author-bio .bio-name").get_text(strip=True) == data["author"]["name"]
    )
    for image in page.select("img"):
        assert image.get("alt") and not image["src"].startswith(("http:", "https:", "//"))


def test_markdown_extensions_render_tables_footnotes_and_contents(example_output: Path) -> None:
    page = html(
        example_output / "blog" / "contract-vs-clinical-research-organisation" / "index.html"
    )
    assert page.select(".post-body table thead th")
    assert page.select(".post-body .footnote li")
    toc_links = [a["href"] for a in page.select("nav.toc a")]
    assert toc_links and all(page.select_one(href) is not None for href in toc_links)
    cdmo = html(example_output / "blog" / "cro-or-cdmo" / "index.html")
    assert "The CRO’s world" in cdmo.select_one(".post-body").get_text()  # typographic quotes
