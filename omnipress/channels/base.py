"""What a channel is, as data: a name, where its files go, how its links are tagged, and the
function that renders one post into it.

The build orchestration only ever loops over :data:`omnipress.channels.CHANNELS`; it never
names a channel. Adding a fourth channel (an email, a slide) means one module, its templates
and one row in that table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markdown

from omnipress.channels.output_rules import WARNING, Expect, judge
from omnipress.channels.recording import RecordingEnvironment
from omnipress.content.model import Campaign, Post, Project
from omnipress.errors import Problems
from omnipress.text.markup import Cleaning, new_markdown

if TYPE_CHECKING:
    from omnipress.channels.pdf.render import PdfEngine


@dataclass(frozen=True)
class Rendered:
    """One output file's bytes and the blocks that went into it (for the manifest)."""

    data: bytes
    blocks: tuple[str, ...]
    files: tuple[Path, ...] = ()  # files read besides templates and blocks (PDF: CSS, images)


@dataclass(frozen=True)
class Job:
    """One output to produce: a post, in one channel, for the site or for one campaign."""

    post: Post
    campaign: Campaign | None
    channel: Channel

    @property
    def path(self) -> str:
        if self.campaign is None:
            return self.channel.path.format(slug=self.post.slug)
        return f"campaigns/{self.campaign.name}/" + self.channel.path.format(slug=self.post.slug)

    @property
    def utm_campaign(self) -> str:
        return self.campaign.utm_campaign if self.campaign else ""

    @property
    def named(self) -> str:
        """The post as problems name it: a campaign's variant can break a rule the post's own
        output keeps (its CTA is longer), so the variant says whose it is."""
        where = f" (campaign {self.campaign.name})" if self.campaign else ""
        return f"{self.post.slug!r}{where}"

    def describe(self) -> str:
        where = f" for campaign {self.campaign.name}" if self.campaign else ""
        return f"{self.channel.name} output of post {self.post.slug!r}{where}"


@dataclass(frozen=True)
class Channel:
    name: str
    label: str  # what people call the output: "PDF one-pager"
    path: str  # relative to output/, with {slug}
    media_type: str
    utm_source: str
    utm_medium: str
    per_campaign: bool  # does a campaign get its own variant of this output?
    templates: tuple[str, ...]  # template names (globs) whose change invalidates the output
    render: Callable[[Job, RenderEnvironment], Rendered]


def make_jinja(templates: Path) -> jinja2.Environment:
    """Templates are trusted code; content is passed in as data and autoescaped in HTML."""
    return RecordingEnvironment(  # notes the templates each output uses, for the cache
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass
class RenderEnvironment:
    """What every renderer shares within one process: the content, the templates, one
    Markdown converter and, once a PDF is asked for, one warm WeasyPrint engine."""

    project: Project
    templates: Path
    problems: Problems = field(default_factory=Problems)
    cleaning: dict[Path, Cleaning] = field(default_factory=dict)
    _jinja: jinja2.Environment | None = None
    _converter: markdown.Markdown | None = None
    _pdf: PdfEngine | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    notices: Problems = field(default_factory=Problems)  # about this process, not one output

    @property
    def jinja(self) -> jinja2.Environment:
        if self._jinja is None:
            self._jinja = make_jinja(self.templates)
        return self._jinja

    @property
    def converter(self) -> markdown.Markdown:
        if self._converter is None:
            self._converter = new_markdown()
        return self._converter

    @property
    def pdf(self) -> PdfEngine:
        """The WeasyPrint engine, imported on first use so builds without PDFs never pay."""
        if self._pdf is None:
            from omnipress.channels.pdf.render import PdfEngine

            self._pdf = PdfEngine(self.project.root, self.templates)
        return self._pdf

    def cleaning_for(self, path: Path) -> Cleaning:
        return self.cleaning.setdefault(path, Cleaning())


RULE_SUBJECTS = {"blog": "the blog page of", "pdf": "the one-pager of", "linkedin": "LinkedIn post"}
"""How a build problem names the output a rule is about (``check`` names its file instead)."""


def report_rules(
    job: Job, env: RenderEnvironment, facts: Any, details: dict[str, str] | None = None
) -> None:
    """Judge what was just rendered by the rules ``check`` will judge the file by, so a build
    that succeeds cannot fail ``check``: same rule, same message, same severity. ``details``
    adds what only the build knows to a rule's message (how far a one-pager overflows)."""
    site, post = env.project.site, job.post
    expect = Expect(post.title, site.post_url(post.slug))
    for rule, finding in judge(job.channel.name, facts, expect):
        detail = (details or {}).get(finding.rule, "")
        report = env.problems.warning if finding.severity == WARNING else env.problems.error
        report(
            f"{RULE_SUBJECTS[job.channel.name]} {job.named}: {finding.message}{detail} "
            f"[{finding.rule}]",
            post.path if rule.field else env.templates / job.channel.name,
            post.line_of(finding.rule, rule.field) if rule.field else None,
            finding.hint,
        )
