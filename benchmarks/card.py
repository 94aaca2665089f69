"""The social card's cost per card, beside the one-pager's, against the bare libraries.

    .venv/bin/python benchmarks/card.py [--rounds 10] [--content content] [--json FILE]

In one warm process (imports, fonts and the first card of each kind outside the timings),
CPU time per output of:

- the build's card (``render_card``: the title fitted, laid out, PDF written, text extracted,
  rasterised, PNG written and read back for its rules);
- the bare libraries doing the same work on the same HTML at the size the build chose:
  WeasyPrint ``write_pdf``, pypdfium2 ``render``, Pillow ``save`` (no fitting, no text);
- the build's one-pager (``render_pdf``) and bare ``write_pdf`` of its HTML.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omnipress.channels import by_name  # noqa: E402
from omnipress.channels.base import Job, RenderEnvironment  # noqa: E402
from omnipress.channels.card.render import PX_PER_PT, card_html, fit_title  # noqa: E402
from omnipress.channels.pdf.render import lay_out_onepager  # noqa: E402
from omnipress.content.loader import load_project  # noqa: E402
from omnipress.errors import Problems  # noqa: E402


def cpu_ms(function: Callable[[], object], rounds: int) -> float:
    """Median CPU milliseconds of one call, after one untimed (warm) call."""
    function()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        function()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import pypdfium2
        import weasyprint

    project = load_project(args.content.resolve(), Problems())
    assert project is not None
    env = RenderEnvironment(project, ROOT / "templates")
    card, pdf = by_name("card"), by_name("pdf")
    assert card is not None and pdf is not None
    fonts = weasyprint.text.fonts.FontConfiguration()
    card_css = weasyprint.CSS(filename=str(ROOT / "templates/card/card.css"), font_config=fonts)
    pdf_css = weasyprint.CSS(filename=str(ROOT / "templates/pdf/onepager.css"), font_config=fonts)
    base = str(project.root) + "/"
    result: dict[str, dict[str, float]] = {}
    for post in project.posts.values():
        card_job, pdf_job = Job(post, None, card), Job(post, None, pdf)
        size = fit_title(card_job, env).size or 42
        html = card_html(card_job, env, size)[0]
        onepager = lay_out_onepager(pdf_job, env)[0].html

        def bare_card(html: str = html) -> bytes:
            data = weasyprint.HTML(string=html, base_url=base).write_pdf(
                stylesheets=[card_css], font_config=fonts
            )
            document = pypdfium2.PdfDocument(data)
            image = document[0].render(scale=PX_PER_PT).to_pil()
            document.close()
            out = io.BytesIO()
            image.save(out, format="PNG")
            return out.getvalue()

        def bare_pdf(html: str = onepager) -> bytes:
            return bytes(
                weasyprint.HTML(string=html, base_url=base).write_pdf(
                    stylesheets=[pdf_css], font_config=fonts, pdf_variant="pdf/ua-1"
                )
            )

        result[post.slug] = {
            "card_build_ms": cpu_ms(lambda job=card_job: card.render(job, env), args.rounds),
            "card_bare_ms": cpu_ms(bare_card, args.rounds),
            "onepager_build_ms": cpu_ms(lambda job=pdf_job: pdf.render(job, env), args.rounds),
            "onepager_bare_ms": cpu_ms(bare_pdf, args.rounds),
            "title_px": float(size),
        }
    keys = ("card_build_ms", "card_bare_ms", "onepager_build_ms", "onepager_bare_ms")
    summary = {key: statistics.mean(r[key] for r in result.values()) for key in keys}
    print("post | card (build) | card (bare) | one-pager (build) | one-pager (bare) | ms CPU")
    for slug, row in result.items():
        print(slug, *(f"{row[key]:.0f}" for key in keys), sep=" | ")
    print("mean", *(f"{summary[key]:.0f}" for key in keys), sep=" | ")
    print(f"card build ÷ bare: {summary['card_build_ms'] / summary['card_bare_ms']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"posts": result, "mean": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
