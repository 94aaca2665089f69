"""The bare-library baselines: the same work done with the libraries alone, no omnipress.

    python benchmarks/bare.py text CONTENT OUTPUT      python-frontmatter + Markdown + Jinja
    python benchmarks/bare.py pdf PAGES.json OUTPUT    one WeasyPrint process
    python benchmarks/bare.py sample PAGES.json N      layout vs write_pdf vs the build's engine

The ``pdf`` baseline writes every one-pager, every carousel (each slide laid out on its own,
the pages written as one PDF) and every social card (a PDF page rasterised by PDFium, saved
as PNG by Pillow) into OUTPUT: the three WeasyPrint channels, so the build is compared with
the same work, files written included.

``text`` and ``pdf`` print one JSON object each, and are timed by ``run.py`` as the build is:
the whole process, from the interpreter's start to its exit (imports, first renders and the
interpreter's teardown included). Each also says what its start cost
(``startup_cpu_seconds``: imports, the font configuration, the stylesheets) and what its
loops cost alone, the first, cold, output of each kind included. ``sample`` is a process of
its own, untimed: it compares WeasyPrint's layout alone, its ``write_pdf`` and the build's
engine on the same one-pagers, interleaved.
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

LOADED_WALL, LOADED_CPU = time.perf_counter(), time.process_time()
"""The cold process's wall clock counts from here, plus the CPU the interpreter spent before
(its start, these imports): what ``pdf`` reports as its ``seconds``."""

MARKER = re.compile(r"^[ \t]*\[\[block:[ \t]*([^\]\n]*?)[ \t]*\]\][ \t]*$", re.MULTILINE)
EXTENSIONS = ["tables", "footnotes", "toc", "attr_list", "smarty", "fenced_code", "sane_lists",
              "abbr", "def_list"]  # fmt: skip

BLOG = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ post.title }}</title>
<meta name="description" content="{{ post.summary }}">
<link rel="canonical" href="https://example.test/insights/{{ slug }}/">
<link rel="stylesheet" href="../assets/style.css"></head>
<body><header><img src="../assets/images/logo.svg" alt="logo"></header>
<main><article><h1>{{ post.title }}</h1>
<p class="byline">{{ author.name }}, {{ author.role }} · {{ post.date }}</p>
{{ body }}
<aside class="cta"><a href="{{ cta.url }}?utm_source=blog">{{ cta.label }}</a>
{{ cta_text }}</aside>
<section class="bio">{{ bio }}</section></article></main>
<footer>{{ boilerplate }}</footer></body></html>
"""
ONEPAGER = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ post.title }}</title></head>
<body><footer class="page-footer">{{ boilerplate }}</footer>
<header class="masthead"><img class="logo" src="images/logo.svg" alt="logo"></header>
<main><h1>{{ post.title }}</h1><p class="summary">{{ post.summary }}</p>
<div class="blocks">{% for block in blocks %}{{ block }}{% endfor %}</div>
<aside class="cta-band"><a href="{{ cta.url }}">{{ cta.label }}</a>{{ cta_text }}</aside>
</main></body></html>
"""
SLIDE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ post.title }}</title></head>
<body><section class="slide slide-{{ kind }}"><header class="brand">{{ site.name }}</header>
{% if kind == "cover" %}<h1>{{ post.title }}</h1><p class="hook">{{ hook }}</p>
{% elif kind == "summary" %}<p class="summary">{{ post.summary }}</p>
{% elif kind == "cta" %}<p class="label">{{ cta.label }}</p>{{ cta_text }}
<p class="url">{{ cta.url }}?utm_source=linkedin&amp;utm_medium=document</p>
{% else %}{% if block.value %}<p class="value">{{ block.value }}</p>
<p class="label">{{ block.label }}</p><p class="source">{{ block.source }}</p>{% endif %}
{{ body }}{% endif %}<footer>{{ number }} / {{ count }}</footer></section></body></html>
"""
CARD = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{{ post.title }}</title></head>
<body><div class="card"><p class="brand">{{ site.name }}</p>
<h1 style="font-size: {{ size }}px">{{ post.title }}</h1>
{% if stat %}<p class="stat">{{ stat.value }} {{ stat.label }}</p>{% endif %}</div></body></html>
"""
LINKEDIN = """{{ hook }}

{{ body }}

{{ cta_text }}
→ Read the full article: https://example.test/insights/{{ slug }}/?utm_source=linkedin
→ {{ cta.label }} on the article page.

{{ hashtags }}
"""


def bare_text(content: Path, output: Path) -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    import frontmatter
    import jinja2
    import markdown
    import yaml
    from markupsafe import Markup

    startup_cpu = time.process_time() - cpu
    blocks = {p.stem: frontmatter.load(p) for p in sorted((content / "blocks").glob("*.md"))}
    site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    campaigns = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((content / "campaigns").glob("*.yaml"))
    }
    env = jinja2.Environment(autoescape=True)
    blog, onepager = env.from_string(BLOG), env.from_string(ONEPAGER)
    slide, card = env.from_string(SLIDE), env.from_string(CARD)
    linkedin = jinja2.Environment(autoescape=False).from_string(LINKEDIN)
    converter = markdown.Markdown(extensions=EXTENSIONS)

    def expand(text: str, depth: int = 0) -> str:
        return MARKER.sub(lambda m: expand(blocks[m.group(1)].content, depth + 1), text)

    def html(text: str) -> Markup:
        return Markup(converter.reset().convert(expand(text)))

    counts = {"blog": 0, "pdf-html": 0, "linkedin": 0, "slide-html": 0, "card-html": 0}
    visual_html: list[str] = []  # each slide's and card's HTML, made as the build makes it
    pages: list[str] = []
    boilerplate = html(blocks[site["boilerplate"]].content)
    for path in sorted((content / "posts").glob("*.md")):
        post = frontmatter.load(path)
        slug, meta = path.stem, post.metadata
        author = blocks[meta["author"]].metadata
        variants = [None, *(name for name, c in campaigns.items() if slug in c["posts"])]
        for campaign in variants:
            overrides = (campaigns[campaign].get("overrides") or {}) if campaign else {}
            cta_block = blocks[overrides.get("cta") or meta.get("cta") or site["default_cta"]]
            cta, cta_text = cta_block.metadata, html(cta_block.content)
            if campaign is None:
                bio = html(blocks[meta["author"]].content)
                page = blog.render(post=meta, slug=slug, author=author, body=html(post.content),
                                   cta=cta, cta_text=cta_text, bio=bio,
                                   boilerplate=boilerplate)  # fmt: skip
                target = output / "blog" / slug / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(page, encoding="utf-8")
                counts["blog"] += 1
                stat_id = (meta.get("card") or {}).get("stat")
                stat = blocks[stat_id].metadata if stat_id else None
                visual_html.append(card.render(post=meta, site=site, size=72, stat=stat))
                counts["card-html"] += 1
            shown = [html(blocks[b].content) for b in meta["pdf"]["blocks"]]
            pages.append(onepager.render(post=meta, blocks=shown, cta=cta, cta_text=cta_text,
                                         boilerplate=boilerplate))  # fmt: skip
            counts["pdf-html"] += 1
            chosen = (meta.get("carousel") or {}).get("slides") or []
            if chosen:
                deck = [("cover", None, ""), ("summary", None, "")] + [
                    ("block", blocks[b].metadata, html(blocks[b].content)) for b in chosen
                ] + [("cta", None, "")]  # fmt: skip
                for number, (kind, block, body) in enumerate(deck, 1):
                    visual_html.append(slide.render(
                        post=meta, site=site, kind=kind, hook=meta["linkedin"]["hook"],
                        block=block or {}, body=body, cta=cta, cta_text=cta_text,
                        number=number, count=len(deck),
                    ))  # fmt: skip
                    counts["slide-html"] += 1
            hashtags = " ".join("#" + tag for tag in meta["linkedin"]["hashtags"])
            text = linkedin.render(hook=meta["linkedin"]["hook"], slug=slug, cta=cta,
                                   body=expand(meta["linkedin"]["body"]),
                                   cta_text=expand(cta_block.content),
                                   hashtags=hashtags)  # fmt: skip
            name = f"{campaign or 'site'}-{slug}.txt"
            (output / "linkedin").mkdir(parents=True, exist_ok=True)
            (output / "linkedin" / name).write_text(text, encoding="utf-8")
            counts["linkedin"] += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "startup_cpu_seconds": startup_cpu,
        "counts": counts,
    }


def start_weasyprint(pages_file: Path) -> tuple[dict[str, Any], Any, Any, Any]:
    """(what run.py wrote, weasyprint, a font configuration, the one-pager's stylesheet)."""
    data = json.loads(pages_file.read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = Path(data["templates"]) / data["settings"]["pdf_css"]
    css = weasyprint.CSS(filename=str(stylesheet), font_config=fonts)
    return data, weasyprint, fonts, css


def bare_pdf(pages_file: Path, output: Path) -> dict[str, Any]:
    """Every one-pager, carousel and card, from a cold process as the build writes them."""
    data, weasyprint, fonts, css = start_weasyprint(pages_file)
    templates, settings, pages = Path(data["templates"]), data["settings"], data["pages"]
    base, variant = data["content"] + "/", settings["pdf_variant"]
    decks, cards = data.get("decks", []), data.get("cards", [])
    visual = BareVisual(templates, base, fonts, weasyprint, settings, output)
    for folder in ("pdf", "carousel", "card"):
        (output / folder).mkdir(parents=True, exist_ok=True)
    startup_cpu = time.process_time()  # since the interpreter started
    started, cpu = time.perf_counter(), time.process_time()
    for number, html in enumerate(pages):
        pdf = weasyprint.HTML(string=html, base_url=base).write_pdf(
            stylesheets=[css], font_config=fonts, pdf_variant=variant
        )
        (output / "pdf" / f"{number}.pdf").write_bytes(pdf)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    figures = visual.run(decks, cards)
    return {
        "seconds": time.perf_counter() - LOADED_WALL + LOADED_CPU,
        "cpu_seconds": time.process_time(),
        "startup_cpu_seconds": startup_cpu,
        "onepager_seconds": total,
        "onepager_cpu_seconds": total_cpu,
        **figures,
        "pdfs": len(pages),
        "per_pdf": total / len(pages),
    }


def bare_sample(pages_file: Path, sample: int) -> dict[str, Any]:
    """Layout only vs write_pdf vs the build's own engine on a sample of the one-pagers,
    interleaved so that machine noise hits all three alike."""
    data, weasyprint, fonts, css = start_weasyprint(pages_file)
    content, templates, pages = Path(data["content"]), Path(data["templates"]), data["pages"]
    base, variant = str(content) + "/", data["settings"]["pdf_variant"]

    def document(html: str) -> Any:
        return weasyprint.HTML(string=html, base_url=base)

    def write(html: str) -> bytes:
        result: bytes = document(html).write_pdf(
            stylesheets=[css], font_config=fonts, pdf_variant=variant
        )
        return result

    def layout(html: str) -> Any:
        return document(html).render(stylesheets=[css], font_config=fonts, pdf_variant=variant)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from omnipress.channels.pdf.render import PdfEngine

    engine = PdfEngine(content, templates)
    for warm_up in (layout, write, engine.render):  # untimed: each one's first call is cold
        warm_up(pages[0])
    timings: dict[str, float] = {"layout": 0.0, "write_pdf": 0.0, "engine": 0.0}
    cpu_timings = dict(timings)
    functions = {"layout": layout, "write_pdf": write, "engine": engine.render}
    chosen = pages[:: max(1, len(pages) // sample)][:sample]
    for number, html in enumerate(chosen):
        order = list(functions)[number % 3 :] + list(functions)[: number % 3]
        for name in order:
            begin, begin_cpu = time.perf_counter(), time.process_time()
            functions[name](html)
            timings[name] += time.perf_counter() - begin
            cpu_timings[name] += time.process_time() - begin_cpu
    return {
        "sample": len(chosen),
        "per_pdf_sample": {name: value / len(chosen) for name, value in timings.items()},
        "per_pdf_sample_cpu": {name: value / len(chosen) for name, value in cpu_timings.items()},
    }


class BareVisual:
    """The carousels and the cards with the libraries alone: stylesheets parsed once, each
    output written as the build writes it (the first of each kind cold, as in the build)."""

    def __init__(self, templates: Path, base: str, fonts: Any, weasyprint: Any,
                 settings: dict[str, Any], output: Path):  # fmt: skip
        import pypdfium2

        self.pdfium, self.weasyprint, self.fonts, self.base = pypdfium2, weasyprint, fonts, base
        self.settings, self.output = settings, output
        self.deck_css = weasyprint.CSS(
            filename=str(templates / settings["carousel_css"]), font_config=fonts
        )
        self.card_css = weasyprint.CSS(
            filename=str(templates / settings["card_css"]), font_config=fonts
        )

    def deck(self, htmls: list[str]) -> bytes:
        variant = self.settings["carousel_variant"]
        documents = [
            self.weasyprint.HTML(string=html, base_url=self.base).render(
                stylesheets=[self.deck_css], font_config=self.fonts, pdf_variant=variant
            )
            for html in htmls
        ]
        pages = [page for document in documents for page in document.pages]
        result: bytes = documents[0].copy(pages).write_pdf(pdf_variant=variant)
        return result

    def card(self, html: str) -> bytes:
        import io

        pdf = self.weasyprint.HTML(string=html, base_url=self.base).write_pdf(
            stylesheets=[self.card_css], font_config=self.fonts
        )
        document = self.pdfium.PdfDocument(pdf)
        image = document[0].render(scale=self.settings["card_px_per_pt"]).to_pil()
        document.close()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()

    def run(self, decks: list[list[str]], cards: list[str]) -> dict[str, Any]:
        figures: dict[str, Any] = {"carousels": len(decks), "cards": len(cards)}
        kinds = (("carousel", self.deck, decks, "pdf"), ("card", self.card, cards, "png"))
        for name, work, items, suffix in kinds:
            started, cpu = time.perf_counter(), time.process_time()
            for number, item in enumerate(items):
                (self.output / name / f"{number}.{suffix}").write_bytes(work(item))  # type: ignore[operator]
            figures[f"{name}_seconds"] = time.perf_counter() - started
            figures[f"{name}_cpu_seconds"] = time.process_time() - cpu
        return figures


if __name__ == "__main__":
    if sys.argv[1] == "text":
        result = bare_text(Path(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1] == "pdf":
        result = bare_pdf(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        result = bare_sample(Path(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps(result))
