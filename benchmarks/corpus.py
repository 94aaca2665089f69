"""A synthetic content/ directory shaped like a marketing team's: many posts, a few dozen blocks
reused unevenly (a handful everywhere, most in a few posts, some nested in others), campaigns.

The templates, ``site.yaml`` and the logo are the example project's, so the one-pagers are the
real design; posts are sized like the example ones (~600 words, a one-pager of three blocks).
The same arguments always give the same files.
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # omnipress, for the approval log's format

WORD_LIST = (
    "analysis protocol sponsor dataset programme submission endpoint trial cohort review "
    "regulator evidence database safety signal statistics programming validation outputs tables "
    "listings figures timeline milestone budget partner team study design randomisation interim "
    "report inspection quality traceability standard submission-ready handover governance "
    "oversight process model estimate sample population visit measure outcome benefit risk plan"
)
TERM_LIST = (
    "Adaptive design|Estimand|Interim analysis|Data monitoring committee|Real world evidence|"
    "Functional service provision|Statistical analysis plan|Clinical data management|"
    "Pharmacovigilance|Medical writing|Randomisation|Blinding|Submission package|Define-XML|"
    "Traceability|Intercurrent event|Sample size re-estimation|Integrated summary of safety|"
    "Electronic data capture|Risk-based monitoring|Decentralised trial|Synthetic control arm|"
    "Bayesian borrowing|Master protocol|Basket trial|Umbrella trial|Platform trial|"
    "Patient-reported outcome|Safety narrative|Benefit-risk assessment"
)
WORDS, TERMS = WORD_LIST.split(), TERM_LIST.split("|")
HASHTAGS = ["Biometrics", "ClinicalTrials", "Biostatistics", "DataManagement",
            "RealWorldEvidence", "Pharmacovigilance", "MedicalWriting", "DrugDevelopment",
            "ClinicalResearch"]  # fmt: skip


@dataclass
class Corpus:
    content: Path
    templates: Path
    posts: list[str] = field(default_factory=list)
    blocks: dict[str, str] = field(default_factory=dict)  # id -> type
    campaigns: dict[str, list[str]] = field(default_factory=dict)


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def sentence(self, words: int = 14) -> str:
        chosen = [self.rng.choice(WORDS) for _ in range(words)]
        return " ".join(chosen).capitalize() + "."

    def within(self, limit: int, words: int, prefix: str = "") -> str:
        """A sentence of about ``words`` words that fits in ``limit`` characters with its
        ``prefix``: what a search result shows of a title (60) or a description (160)."""
        text = self.sentence(words)[:-1]
        while len(prefix) + len(text) + 1 > limit and " " in text:
            text = text.rsplit(" ", 1)[0]
        return prefix + text + "."

    def paragraph(self, sentences: int = 5) -> str:
        return " ".join(self.sentence(self.rng.randint(9, 18)) for _ in range(sentences))

    def weighted(self, ids: list[str], count: int) -> list[str]:
        """``count`` distinct ids, the first ones far more often than the last (Zipf-like)."""
        weights = [1 / (rank + 1) for rank in range(len(ids))]
        chosen: list[str] = []
        while len(chosen) < min(count, len(ids)):
            pick = self.rng.choices(ids, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        return chosen


def block_file(block_type: str, fields: dict[str, object], body: str = "") -> str:
    lines = ["---", f"type: {block_type}"]
    for name, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{name}:")
            lines.extend(f'  - "{item}"' for item in value)
        else:
            lines.append(f'{name}: "{value}"')
    lines.append("---")
    return "\n".join(lines) + "\n" + body + ("\n" if body else "")


def make_blocks(corpus: Corpus, count: int, writer: Writer) -> dict[str, list[str]]:
    """The site's own blocks plus ``count`` in all; returns the ids by type."""
    directory = corpus.content / "blocks"
    directory.mkdir(parents=True)
    rng = writer.rng
    kinds = ("cta", "bio", "stat", "definition", "quote", "takeaways")
    by_type: dict[str, list[str]] = {kind: [] for kind in kinds}

    def add(block_id: str, block_type: str, text: str) -> None:
        (directory / f"{block_id}.md").write_text(text, encoding="utf-8")
        corpus.blocks[block_id] = block_type
        by_type.setdefault(block_type, []).append(block_id)

    add("boilerplate-company", "boilerplate", block_file("boilerplate",
        {"title": "About Northstar Biometrics"}, writer.paragraph(4)))  # fmt: skip
    for number in range(3):
        block_id = "cta-rfi" if number == 0 else f"cta-{number}"
        add(block_id, "cta", block_file("cta", {"label": f"Book call {number + 1}",
            "url": f"https://www.northstar-biometrics.example/contact/{number}"},
            writer.sentence(16)))  # fmt: skip
    for number in range(4):
        add(f"bio-{number}", "bio", block_file("bio", {"name": f"Dr Author {number}",
            "role": "Director of Biostatistics"}, writer.paragraph(3)))  # fmt: skip
    remaining = max(0, count - 8)
    mix = ["stat"] * 35 + ["definition"] * 35 + ["quote"] * 15 + ["takeaways"] * 15
    stats: list[str] = []
    for number in range(remaining):
        kind = mix[(number * 37) % len(mix)]
        block_id = f"{kind}-{number}"
        if kind == "stat":
            value = f"{rng.randint(2, 97)}%"
            add(block_id, kind, block_file("stat", {"value": value,
                "label": f"of {rng.choice(WORDS)} {rng.choice(WORDS)} reviews pass first time",
                "source": f"Benchmark survey {2020 + number % 5}"}))  # fmt: skip
            stats.append(block_id)
        elif kind == "definition":
            body = writer.paragraph(2)
            if stats and number % 4 == 0:  # some definitions include a statistic
                body += f"\n\n[[block:{rng.choice(stats)}]]"
            add(block_id, kind, block_file("definition",
                {"term": TERMS[number % len(TERMS)]}, body))  # fmt: skip
        elif kind == "quote":
            add(block_id, kind, block_file("quote", {"attribution": f"Dr Speaker {number}",
                "role": "Head of Statistics"}, writer.sentence(24)))  # fmt: skip
        else:
            add(block_id, kind, block_file("takeaways", {"title": "Key takeaways",
                "items": [writer.sentence(9) for _ in range(3)]}))  # fmt: skip
    return by_type


def make_post(corpus: Corpus, number: int, by_type: dict[str, list[str]], writer: Writer) -> None:
    rng = writer.rng
    slug = f"post-{number:04d}"
    definitions = writer.weighted(by_type["definition"], 2)
    stats = writer.weighted(by_type["stat"], 2)
    quotes = writer.weighted(by_type["quote"], 1)
    takeaways = writer.weighted(by_type["takeaways"], 1)
    pdf_blocks = [definitions[0], stats[0], (quotes or takeaways)[0]]
    if rng.random() < 0.5 and takeaways:
        pdf_blocks[2] = takeaways[0]
    sections = []
    includes = definitions + stats + quotes
    for index in range(6):
        sections.append(f"## {writer.sentence(5)[:-1]}\n\n{writer.paragraph(5)}")
        if index < len(includes):
            sections.append(f"[[block:{includes[index]}]]")
    tags = rng.sample(["CRO", "Biometrics", "Statistics", "Data", "Safety", "Writing"], 3)
    hashtags = rng.sample(HASHTAGS, 4)
    hook = writer.sentence(16)
    linkedin_body = (
        f"{writer.paragraph(2)}\n\n    [[block:{stats[-1]}]]\n\n    {writer.paragraph(2)}"
    )
    cta = f"cta: cta-{rng.randint(1, 2)}\n" if rng.random() < 0.2 else ""
    # every other post also goes out as a LinkedIn document (no draw from rng: the rest of
    # the corpus stays what it was)
    slides = list(dict.fromkeys([definitions[0], *stats, *(quotes or takeaways)]))
    carousel = f"carousel:\n  slides: [{', '.join(slides)}]\n" if number % 2 == 0 else ""
    text = f"""---
title: "{writer.within(60, 6, f"Post {number}: ")[:-1]}"
date: 2025-{1 + number % 12:02d}-{1 + number % 28:02d}
author: bio-{number % 4}
summary: "{writer.within(160, 22)}"
tags: [{", ".join(tags)}]
{cta}linkedin:
  hook: "{hook}"
  body: |
    {linkedin_body}
  hashtags: [{", ".join(hashtags)}]
{carousel}pdf:
  blocks: [{", ".join(pdf_blocks)}]
---
{writer.paragraph(4)}

{chr(10).join(chunk + chr(10) for chunk in sections)}"""
    (corpus.content / "posts" / f"{slug}.md").write_text(text, encoding="utf-8")
    corpus.posts.append(slug)


def make_campaigns(corpus: Corpus, writer: Writer) -> None:
    directory = corpus.content / "campaigns"
    directory.mkdir(parents=True)
    count = max(1, len(corpus.posts) // 50)
    for number in range(count):
        name = f"campaign-{number}"
        posts = writer.rng.sample(corpus.posts, min(10, len(corpus.posts)))
        override = f"overrides:\n  cta: cta-{1 + number % 2}\n" if number % 2 else ""
        (directory / f"{name}.yaml").write_text(
            f'title: "Campaign {number}"\ndescription: "{writer.sentence(12)}"\n'
            f"posts: [{', '.join(posts)}]\nutm:\n  campaign: {name}\n{override}",
            encoding="utf-8",
        )
        corpus.campaigns[name] = posts


def generate(root: Path, posts: int, blocks: int, seed: int = 5) -> Corpus:
    """Write ``root/content`` and ``root/templates``; the example's templates, site and house
    style."""
    corpus = Corpus(root / "content", root / "templates")
    shutil.copytree(ROOT / "templates", corpus.templates)
    (corpus.content / "images").mkdir(parents=True)
    (corpus.content / "posts").mkdir()
    shutil.copy(ROOT / "content" / "site.yaml", corpus.content / "site.yaml")
    if (ROOT / "content" / "styles").is_dir():  # the house style runs on the corpus too
        shutil.copytree(ROOT / "content" / "styles", corpus.content / "styles")
    shutil.copy(ROOT / "content" / "images" / "logo.svg", corpus.content / "images" / "logo.svg")
    writer = Writer(seed)
    by_type = make_blocks(corpus, blocks, writer)
    for number in range(posts):
        make_post(corpus, number, by_type, writer)
    make_campaigns(corpus, writer)
    approve_everything(corpus)
    return corpus


def approve_everything(corpus: Corpus) -> None:
    """When the example's site.yaml requires approvals, the library is a regulated team's:
    every block and post approved as it reads, by each role (else every output would be a
    draft, which is not what a published library looks like)."""
    import yaml

    from omnipress.content.approval_log import appended
    from omnipress.content.approvals import Approval, source_sha256

    site = yaml.safe_load((corpus.content / "site.yaml").read_text(encoding="utf-8"))
    roles = (site.get("approvals") or {}).get("required") or []
    moment = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    entries = [
        Approval(
            f"{kind}:{path.stem}",
            source_sha256(path.read_text(encoding="utf-8")),
            role,
            f"Reviewer ({role})",
            moment,
            "benchmark corpus",
            0,
        )
        for role in roles
        for kind, folder in (("block", "blocks"), ("post", "posts"))
        for path in sorted((corpus.content / folder).glob("*.md"))
    ]
    if entries:
        (corpus.content / "approvals.yaml").write_text(appended(None, entries), encoding="utf-8")
