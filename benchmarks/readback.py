"""Benchmark: reading one-pagers back for `check`, with pypdf's extractor and with PDFium.

    python benchmarks/readback.py OUTPUT [--sample 60]
    python benchmarks/readback.py OUTPUT --check CONTENT TEMPLATES [--rounds 3] [--jobs N]

OUTPUT is a built output folder (a benchmark corpus: `benchmarks/corpus.py`, then
`python build.py build --content … --templates … --output …`). Prints, per one-pager, the
median and 90th-percentile CPU time of: pypdf's `extract_text` (what `check` used to read the
text with), PDFium's text (what it uses now), pypdf reading the document's structure (what it
still reads with pypdf: properties, tags, links, fonts), and `readback.read_pdf` whole.

With --check, also times the whole `python build.py check` in fresh processes, in turn with
each text reader (pypdf first, then PDFium, for --rounds rounds: the machine's speed drifts, so
the two are measured side by side), CPU time of the process (and its workers) and wall clock,
and says whether both found exactly the same findings. Run by hand, never in the test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omnipress.channels.pdf import readback  # noqa: E402

# `check` in a fresh process; with "pypdf", the text is read the way it was before PDFium
CHECK = """
import sys
sys.path.insert(0, {here!r})
from omnipress.channels.pdf import readback
import readback as bench  # this file
if sys.argv[1] == "pypdf":
    readback._pdfium_text = bench.pypdf_text
from omnipress.cli import main
sys.exit(main(["check", *sys.argv[2:]]))
"""


def pypdf_text(data: bytes) -> tuple[int, str]:
    """The text as `check` read it before PDFium: pypdf's ``extract_text``, with fonts that
    carry WeasyPrint's missing-glyph CMap read as ``/Identity-H`` (pypdf cannot decode it)."""
    import pypdf
    from pypdf.generic import NameObject

    reader: Any = pypdf.PdfReader(io.BytesIO(data), strict=False)
    for font in readback._fonts(reader):
        encoding = font.get("/Encoding")
        stream = encoding.get_object() if encoding is not None else None
        cmap = stream.get_data() if hasattr(stream, "get_data") else b""
        if font.get("/Subtype") == "/Type0" and b"<0000> <ffff>" in cmap.lower():
            font[NameObject("/Encoding")] = NameObject("/Identity-H")
    texts = [page.extract_text() or "" for page in reader.pages]
    return len(texts), "\n".join(texts)


def pypdf_structure(data: bytes) -> None:
    """What `read_pdf` still asks pypdf: properties, tags, link annotations, fonts."""
    reader = pypdf_reader(data)
    for fact in PYPDF_FACTS.values():
        fact(reader)


def pypdf_reader(data: bytes) -> Any:
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data), strict=False)


# each fact alone, after opening: the first one pays for parsing the object stream that
# holds the catalogue (and the PDF/UA structure tree), whichever it is
PYPDF_FACTS: dict[str, Callable[[Any], object]] = {
    "page count": lambda reader: len(reader.pages),
    "properties, tags": lambda reader: (reader.metadata, reader.trailer["/Root"].get("/MarkInfo")),
    "link annotations": readback._annotations,
    "fonts embedded": lambda reader: list(readback.unembedded_fonts(reader)),
    "missing glyphs": readback._missing_glyphs,
}


def pdfium_text_and_structure(data: bytes) -> None:
    """PDFium's text plus what it could also read: properties, tags, links (not whether a
    character is drawn as a box: PDFium does not expose a font's encoding CMap)."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    with pypdfium2.PdfDocument(data) as document:
        document.get_metadata_dict()
        raw.FPDFCatalog_IsTagged(document)
        for page in document:
            page.get_textpage().get_text_bounded()
            position, link = ctypes.c_int(0), raw.FPDF_LINK()
            while raw.FPDFLink_Enumerate(page, position, link):
                action = raw.FPDFLink_GetAction(link)
                if action and raw.FPDFAction_GetType(action) == raw.PDFACTION_URI:
                    size = raw.FPDFAction_GetURIPath(document, action, None, 0)
                    uri = ctypes.create_string_buffer(size)
                    raw.FPDFAction_GetURIPath(document, action, uri, size)


def cpu_ms(function: Callable[[bytes], object], files: list[bytes]) -> list[float]:
    times = []
    for data in files:
        started = time.process_time()
        function(data)
        times.append((time.process_time() - started) * 1000)
    return times


def per_page(output: Path, sample: int) -> dict[str, dict[str, float]]:
    paths = sorted(output.glob("pdf/*.pdf"))[:sample]
    if not paths:
        raise SystemExit(f"no one-pagers in {output / 'pdf'}: build the corpus first")
    files = [path.read_bytes() for path in paths]
    readers: dict[str, Callable[[bytes], object]] = {
        "pypdf extract_text": pypdf_text,
        "pypdfium2 text": readback._pdfium_text,
        "pypdf structure (still used)": pypdf_structure,
        "read_pdf, whole": lambda data: readback._read_pdf_cached.__wrapped__("", data),
        **{
            f"  pypdf: open + {name}": lambda data, fact=fact: fact(pypdf_reader(data))
            for name, fact in PYPDF_FACTS.items()
        },
        "  pypdfium2: text, properties, links": pdfium_text_and_structure,
    }
    for reader in readers.values():  # warm: imports, the first file's caches
        cpu_ms(reader, files[:2])
    figures = {}
    for name, reader in readers.items():
        times = sorted(cpu_ms(reader, files))
        figures[name] = {
            "median_ms": round(statistics.median(times), 2),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 2),
        }
        print(f"  {name:36} median {figures[name]['median_ms']:7.2f} ms   "
              f"p90 {figures[name]['p90_ms']:7.2f} ms")  # fmt: skip
    return figures


def timed_check(reader: str, arguments: list[str]) -> tuple[float, float, str]:
    """CPU seconds (the process and its workers) and wall seconds of one `check`; its JSON."""
    here = str(Path(__file__).resolve().parent)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(here=here), reader, *arguments, "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"check with {reader} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


def whole_check(
    output: Path, content: Path, templates: Path, rounds: int, jobs: int | None
) -> dict[str, Any]:
    arguments = ["--content", str(content), "--templates", str(templates)]
    arguments += ["--output", str(output)] + (["--jobs", str(jobs)] if jobs else [])
    runs: dict[str, list[tuple[float, float]]] = {"pypdf": [], "pdfium": []}
    reports: dict[str, set[str]] = {"pypdf": set(), "pdfium": set()}
    for number in range(1, rounds + 1):
        for reader in runs:
            cpu, wall, report = timed_check(reader, arguments)
            runs[reader].append((cpu, wall))
            findings = json.loads(report)["findings"]
            # the same finding may quote its context with other spacing ("59%of" / "59% of")
            reports[reader].add(json.dumps([{**f, "found": None} for f in findings]))
            print(f"  round {number}: check with {reader:6}  CPU {cpu:6.1f} s   "
                  f"wall {wall:6.1f} s   {len(findings)} findings")  # fmt: skip
    best = {reader: min(times) for reader, times in runs.items()}
    same = len(reports["pypdf"] | reports["pdfium"]) == 1
    print(f"  fastest: pypdf CPU {best['pypdf'][0]:.1f} s, PDFium CPU {best['pdfium'][0]:.1f} s "
          f"({best['pypdf'][0] / best['pdfium'][0]:.1f}x); same findings: {same}")  # fmt: skip
    return {"runs": runs, "same_findings": same}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="a built output folder")
    parser.add_argument("--sample", type=int, default=60, help="one-pagers timed each way")
    parser.add_argument("--check", nargs=2, type=Path, metavar=("CONTENT", "TEMPLATES"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="passed to check, if it takes --jobs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures here")
    args = parser.parse_args()
    print(f"per one-pager (CPU time, {args.output}):")
    result: dict[str, Any] = {"per_page": per_page(args.output, args.sample)}
    if args.check:
        print("whole check:")
        result["check"] = whole_check(args.output, *args.check, args.rounds, args.jobs)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
