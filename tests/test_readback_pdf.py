"""Reading a one-pager back (``readback.read_pdf``): PDFium's text says what pypdf's said,
letters and numbers in order, and reads some things better (a hyphenated word broken at the end
of a line, a stat's figure beside its label); PDFium is never entered from two threads at once.

The independent reader of ``tests/readers.py`` (pypdf) is the oracle throughout.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from omnipress.channels.pdf import readback
from omnipress.channels.pdf.readback import read_pdf
from omnipress.channels.readback import comparable, words
from omnipress.cli import main
from tests.conftest import TEMPLATES
from tests.factory import BLOCKS, POST, make_project
from tests.readers import pdf_links, pdf_pages

# each compound is long enough that a line often breaks after its hyphen
COMPOUNDS = ("submission-ready", "pharmacovigilance-database", "state-of-the-art")
FILLER = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing")


def one_pager(tmp_path: Path, blocks: dict[str, str], shown: str) -> Path:
    """Build a one-post project whose one-pager shows ``shown``; the PDF's path."""
    post = POST.replace("blocks: [stat-one]", f"blocks: [{shown}]")
    content = make_project(tmp_path, blocks=blocks, posts={"test-post": post})
    output = tmp_path / "output"
    paths = ["--content", str(content), "--templates", str(TEMPLATES), "--output", str(output)]
    assert main(["build", *paths]) == 0
    return output / "pdf/test-post.pdf"


def pypdf_text(path: Path) -> str:
    """pypdf's own text, line breaks kept (``readers.pdf_text`` joins hyphenated lines)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_the_example_one_pagers_read_as_the_independent_reader_reads_them(
    example_output: Path,
) -> None:
    paths = sorted(example_output.rglob("*.pdf"))
    assert len(paths) >= 5  # the posts' one-pagers and the campaigns' variants
    for path in paths:
        facts = read_pdf(path.read_bytes())
        assert facts.error is None, path
        assert comparable(facts.text) == comparable(pypdf_text(path)), path
        assert (facts.pages, list(facts.links)) == (pdf_pages(path), pdf_links(path)), path
        assert "\r" not in facts.text and "\x02" not in facts.text, path


@pytest.mark.parametrize(
    ("block", "shown"),
    [
        ("---\ntype: definition\nterm: Hyphens\n---\n{text}\n", "definition"),
        ("---\ntype: quote\nattribution: Ada Author\nrole: Writer\n---\n{text}\n", "quote"),
        ("---\ntype: stat\nvalue: '42%'\nlabel: {text}\nsource: A survey\n---\n", "stat"),
    ],
    ids=["definition-body", "quote-body", "stat-label"],
)
def test_a_hyphen_that_ends_a_line_reads_as_written(tmp_path: Path, block: str, shown: str) -> None:
    """PDFium marks a line-end hyphen U+0002 and joins the lines; the word reads whole."""
    repeats = 4 if shown == "stat" else 5
    text = " ".join(
        f"{compound} {FILLER[(i * 3 + j) % len(FILLER)]}"
        for i in range(repeats)
        for j, compound in enumerate(COMPOUNDS)
    )
    path = one_pager(tmp_path, {shown: block.format(text=text)}, shown)
    broken = [c for c in COMPOUNDS if c.replace("-", "-\n", 1) in pypdf_text(path)]
    assert broken, "no line ended on a hyphen: the test shows nothing"

    facts = read_pdf(path.read_bytes())
    read = [word.strip("“”.,") for word in words(facts.text).split(" ")]  # a quote's marks
    for compound in COMPOUNDS:
        assert read.count(compound) >= repeats, (compound, facts.text)
    assert "\x02" not in facts.text and "\r" not in facts.text
    assert comparable(facts.text) == comparable(pypdf_text(path))


@pytest.mark.parametrize(
    ("value", "label"),
    [("42%", "of tests pass first time"), ("7", "disciplines in one team"), ("£1.2m", "saved")],
)
def test_a_stat_figure_reads_as_a_word_beside_its_label(
    tmp_path: Path, value: str, label: str
) -> None:
    """The figure is drawn large above its label: a reader sees two words, not ``42%of``."""
    stat = BLOCKS["stat-one"].replace('"42%"', f'"{value}"')
    stat = stat.replace("of tests pass first time", label)
    path = one_pager(tmp_path, {"stat-one": stat}, "stat-one")
    read = words(read_pdf(path.read_bytes()).text).split(" ")
    index = read.index(value)
    assert read[index + 1 : index + 1 + len(label.split())] == label.split()


def test_pdfium_is_never_entered_from_two_threads_at_once(
    example_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PDFium corrupts its state (wrong text, a crash) when two threads use it, even on two
    documents; the preview checks in a thread of its own. Each document is held open a
    little so that threads started together would overlap if nothing kept them apart."""
    inside = 0
    most = 0
    counting = threading.Lock()

    class Watched(pypdfium2.PdfDocument):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            nonlocal inside, most
            with counting:
                inside += 1
                most = max(most, inside)
            time.sleep(0.02)
            super().__init__(*args, **kwargs)

        def __exit__(self, *exc: object) -> None:
            nonlocal inside
            super().__exit__(*exc)
            with counting:
                inside -= 1

    monkeypatch.setattr(pypdfium2, "PdfDocument", Watched)
    files = [path.read_bytes() for path in sorted(example_output.rglob("*.pdf"))[:3]]
    expected = [read_pdf(data) for data in files]
    start = threading.Barrier(4)
    found: list[list[readback.PdfFacts]] = []

    def read_all(thread: int) -> None:
        start.wait()
        # other bytes each time (a comment after the end), so no answer comes from the cache
        found.append([read_pdf(data + b"\n%%copy %d\n" % thread) for data in files])

    threads = [threading.Thread(target=read_all, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    assert found == [expected] * 4
