"""Benchmark: what one carousel costs, beside one one-pager, and against the bare libraries.

    python benchmarks/carousel.py [--content DIR] [--rounds 5]

For every post of the content (the fixture content by default) that has a carousel, times,
CPU time per output, in one warm process (engines started before the clock):

- the build's one-pager (``pdf.render_pdf``: layout, write, its rules);
- the build's carousel (``carousel.render_carousel``: each slide laid out on its own, the
  pages written as one PDF, its rules judged on the layout's facts);
- the bare libraries doing the carousel's work: WeasyPrint laying out the same slide HTML
  with the same stylesheet and writing the pages as one PDF, nothing read back;
- the carousel's read-back alone (``read_carousel``, what ``check`` and the build's rules
  pay).

Prints the median of each over the rounds. Run by hand, never in the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omnipress.channels import pdf  # noqa: E402
from omnipress.channels.base import Job, RenderEnvironment  # noqa: E402
from omnipress.channels.carousel import CHANNEL as CAROUSEL  # noqa: E402
from omnipress.channels.carousel import readback  # noqa: E402
from omnipress.channels.carousel.render import (  # noqa: E402
    PDF_VARIANT,
    STYLESHEET,
    carousel_engine,
    slide_html,
)
from omnipress.channels.carousel.settings import has_carousel  # noqa: E402
from omnipress.content.loader import load_project  # noqa: E402
from omnipress.errors import Problems  # noqa: E402


def cpu(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=ROOT / "tests/fixtures/content")
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    project = load_project(args.content, Problems())
    assert project is not None, "the content does not load: build it to see why"
    env = RenderEnvironment(project, args.templates.resolve())
    posts = [post for post in project.posts.values() if has_carousel(post)]
    carousel_engine(env, CAROUSEL)
    pdf.render.pdf_engine(env, pdf.CHANNEL)
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # warm, as the build's engine is: the fair comparison
    bare_css = weasyprint.CSS(filename=str(args.templates / STYLESHEET), font_config=fonts)

    def bare(htmls: list[str]) -> bytes:
        documents = [
            weasyprint.HTML(string=html, base_url=str(args.content) + "/").render(
                stylesheets=[bare_css], pdf_variant=PDF_VARIANT, font_config=fonts
            )
            for html in htmls
        ]
        pages = [page for document in documents for page in document.pages]
        data: bytes = documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
        return data

    times: dict[str, list[float]] = {"one-pager": [], "carousel": [], "bare": [], "read": []}
    slides = 0
    for _ in range(args.rounds):
        for post in posts:
            onepager = Job(post, None, pdf.CHANNEL)
            job = Job(post, None, CAROUSEL)
            htmls = [html for _, html in slide_html(job, env)[0]]
            slides += len(htmls)
            data = CAROUSEL.render(job, env).data
            times["one-pager"].append(cpu(lambda o=onepager: pdf.CHANNEL.render(o, env)))
            readback._read_cached.cache_clear()  # a build reads each new carousel once
            times["carousel"].append(cpu(lambda j=job: CAROUSEL.render(j, env)))
            times["bare"].append(cpu(lambda h=htmls: bare(h)))

            times["read"].append(cpu(lambda d=data: readback._read_cached.__wrapped__("", d)))
    assert not env.problems.errors, [p.message for p in env.problems.errors]
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(f"{len(posts)} posts, {args.rounds} rounds, {slides / len(times['carousel']):.1f} "
          "slides a carousel; median CPU ms per output:")  # fmt: skip
    for name, value in median.items():
        print(f"  {name:10} {value:7.1f} ms")
    print(f"  carousel ÷ one-pager {median['carousel'] / median['one-pager']:.2f}")
    print(f"  carousel ÷ bare      {median['carousel'] / median['bare']:.2f}")


if __name__ == "__main__":
    main()
