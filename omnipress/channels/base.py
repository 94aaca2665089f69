"""What a channel is, as data: a name, where its files go, how its links are tagged, the
function that renders one post into it, how its files are read back and the rules they meet.

Like a Sphinx builder, a channel is one package, ``channels/<name>/``, whose ``CHANNEL``
declares all of that; the build, ``check``, where-used and the preview only loop over
:func:`omnipress.channels.registered` and never name a channel. Adding a fourth channel (an
email, a slide) means its package, its templates and one line in the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2
import markdown

from omnipress.channels.checking import ChannelChecks
from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.channels.recording import RecordingEnvironment
from omnipress.content.approvals import ApprovalState
from omnipress.content.model import Campaign, Post, Project
from omnipress.content.schema import Section
from omnipress.errors import Finding, Problem, Problems
from omnipress.text.markup import Cleaning, Prepared, new_markdown


@dataclass(frozen=True)
class Rendered:
    """One output file's bytes and the blocks that went into it (for the manifest)."""

    data: bytes
    blocks: tuple[str, ...]
    files: tuple[Path, ...] = ()  # files read besides templates and blocks (PDF: CSS, images)
    # what the channel's read-back gives for ``data``, when the renderer already has it (it
    # judged its rules by it): the build hands it to ``check`` instead of reading it back
    facts: Any = None


@dataclass(frozen=True)
class Job:
    """One output to produce: a post, in one channel, for the site or for one campaign."""

    post: Post
    campaign: Campaign | None
    channel: Channel
    # approvals on: whether the output is a draft, and what holds it back (None: off)
    approval: ApprovalState | None = field(default=None, compare=False)

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


class Engine(Protocol):
    """What a channel starts once per process and keeps warm across its outputs (the PDF's
    WeasyPrint): typed by the channel that starts it, opaque to every other module."""


@dataclass(frozen=True)
class Channel:
    name: str
    label: str  # what people call the output: "PDF one-pager"
    subject: str  # how a build problem names one output: "the one-pager of"
    path: str  # relative to output/, with {slug}
    media_type: str
    utm_source: str
    utm_medium: str
    per_campaign: bool  # does a campaign get its own variant of this output?
    templates: tuple[str, ...]  # template names (globs) whose change invalidates the output
    render: Callable[[Job, RenderEnvironment], Rendered]
    # bytes -> the facts its rules judge: what `check` (and the build, where cheap) reads
    read_back: Callable[[bytes], Any] | None
    rules: tuple[OutputRule, ...]  # the one-output rules, run by the build and by check
    checks: ChannelChecks | None  # check's rules for a file against its post and the others
    # the words a block renders to in this channel, as a reader of the file sees them
    block_text: Callable[[RenderEnvironment, str], str]
    preview: str  # the template of its pane in the preview, under templates/preview/channels/
    section: Section | None = None  # its part of a post's front matter (``linkedin:``)
    # what its pane shows of a file besides the file, made from its text (the LinkedIn card)
    preview_card: Callable[[str], Any] | None = None
    # the same for a file that is not text, made from its bytes (the carousel's thumbnails)
    preview_file: Callable[[bytes], Any] | None = None
    start: Callable[[RenderEnvironment], Engine] | None = None  # its engine, started once
    # its site-wide file is what the other files are held to once the content has changed
    reference: bool = False
    # None: a file is exactly the bytes ``render`` makes (check compares them byte for byte);
    # else the HTML (and stylesheet) it was laid out from, with the blocks the build showed:
    # its read-back text, links and properties must be that HTML's (a PDF)
    laid_out_from: Callable[[Job, RenderEnvironment, set[str]], tuple[str, Path]] | None = None
    # what makes a file unreadable (then no other rule can judge it), from its facts
    unreadable: Callable[[Any], Finding | None] | None = None
    # the blocks a post lists for this channel (or the build chose): `<name>.blocks` findings
    listed_blocks: Callable[[Project, Post], tuple[str, ...]] | None = None
    # whether a post has this output at all (a carousel only when the post declares one);
    # None: every post has it
    applies: Callable[[Post], bool] | None = None
    # the blocks an output will be made from, known from the content before it renders (its
    # approval state is printed on it); None: every block the post names anywhere
    sources: Callable[[Project, Job], tuple[str, ...]] | None = None

    def has_output(self, post: Post) -> bool:
        return self.applies is None or self.applies(post)


def make_jinja(templates: Path, auto_reload: bool = True) -> jinja2.Environment:
    """Templates are trusted code; content is passed in as data and autoescaped in HTML.
    ``auto_reload``: look at each template file's time again whenever it is used, for an
    environment kept between builds (the preview's); a build's own never needs to (a stat
    per template per output: 0.15 s at 2,500 outputs)."""
    return RecordingEnvironment(  # notes the templates each output uses, for the cache
        loader=jinja2.FileSystemLoader(str(templates)),
        auto_reload=auto_reload,
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass
class WarmRenderers:
    """What a long-lived process (the preview) keeps between builds: the WeasyPrint engine,
    which costs a second or more to start, and the Jinja environment with its compiled
    templates (a fifth of a second to compile again on every save). Both depend on the
    templates and on content/'s images alone, so the keeper drops them when one of those
    changes (and Jinja itself reloads a template whose file changed). Caches of content (the
    Markdown of a block) are never kept: a block may change between builds."""

    engines: dict[str, Engine] = field(default_factory=dict)  # by channel name
    jinja: dict[Path, jinja2.Environment] = field(default_factory=dict)  # by templates folder


@dataclass
class RenderEnvironment:
    """What every renderer shares within one process: the content, the templates, one
    Markdown converter and what it converted, and the engines channels started (each once,
    when its first output is rendered, so builds without PDFs never pay for WeasyPrint)."""

    project: Project
    templates: Path
    problems: Problems = field(default_factory=Problems)
    cleaning: dict[Path, Cleaning] = field(default_factory=dict)
    _jinja: jinja2.Environment | None = None
    _converter: markdown.Markdown | None = None
    engines: dict[str, Engine] = field(default_factory=dict)  # by channel name
    # Converting Markdown is most of a text's cost, and the same for every output that shows
    # it (a CTA, the boilerplate): each distinct text is converted once per process.
    prepared: dict[tuple[str, str], Prepared] = field(default_factory=dict)  # (channel, text)
    plain: dict[str, tuple[str, Cleaning]] = field(default_factory=dict)  # Markdown -> text
    notices: Problems = field(default_factory=Problems)  # about this process, not one output
    warm: WarmRenderers | None = None
    # keep each output's read-back facts for the check's verdicts (see check/seed.py)
    keep_facts: bool = False

    @property
    def jinja(self) -> jinja2.Environment:
        if self._jinja is None:
            kept = self.warm.jinja if self.warm is not None else {}
            if self.templates not in kept:
                kept[self.templates] = make_jinja(self.templates, self.warm is not None)
            self._jinja = kept[self.templates]
        return self._jinja

    @property
    def converter(self) -> markdown.Markdown:
        if self._converter is None:
            self._converter = new_markdown()
        return self._converter

    def engine(self, channel: Channel) -> Engine:
        """The channel's engine, started on first use by its own ``start`` hook (or taken from
        the renderers a long-lived process keeps warm, and left there for its next build)."""
        if channel.name not in self.engines:
            kept = self.warm.engines.get(channel.name) if self.warm is not None else None
            if kept is None:
                if channel.start is None:
                    raise ValueError(f"channel {channel.name!r} declares no engine to start")
                kept = channel.start(self)
                if self.warm is not None:
                    self.warm.engines[channel.name] = kept
            self.engines[channel.name] = kept
        return self.engines[channel.name]

    def cleaning_for(self, path: Path) -> Cleaning:
        return self.cleaning.setdefault(path, Cleaning())


def report_rules(
    job: Job, env: RenderEnvironment, facts: Any, details: dict[str, str] | None = None
) -> None:
    """Judge what was just rendered by the rules ``check`` will judge the file by, so a build
    that succeeds cannot fail ``check``: same rule, same message, same severity. ``details``
    adds what only the build knows to a rule's message (how far a one-pager overflows)."""
    site, post = env.project.site, job.post
    expect = Expect(post.title, site.post_url(post.slug))
    for rule, finding in judge(job.channel, facts, expect):
        detail = (details or {}).get(finding.rule, "")
        env.problems.add(
            Problem(
                f"{job.channel.subject} {job.named}: {finding.message}{detail} [{finding.rule}]",
                post.path if rule.field else env.templates / job.channel.name,
                post.line_of(finding.rule, rule.field) if rule.field else None,
                finding.hint,
                finding.severity,
            )
        )


def judge(channel: Channel, facts: Any, expect: Expect) -> list[tuple[OutputRule, Finding]]:
    """Every finding of the channel's one-output rules on ``facts``, in order, with its row."""
    return [(rule, finding) for rule in channel.rules for finding in rule.check(facts, expect)]


class ChannelError(Exception):
    """A channel declared without what every channel must have: a programming error, found
    when the registry is built (at start-up), never a channel silently left unchecked."""


def checked(channels: tuple[Channel, ...]) -> tuple[Channel, ...]:
    """The registry, refused at start-up if a channel could not be checked: without a
    read-back ``check`` cannot read its files, without rules it would pass anything."""
    wrong = [
        f"channel {channel.name!r} declares no {missing}"
        for channel in channels
        for missing, absent in (
            ("read-back (read_back: bytes -> facts)", channel.read_back is None),
            ("rules (rules or checks)", not channel.rules and channel.checks is None),
        )
        if absent
    ]
    names = tuple(channel.name for channel in channels)
    wrong += [f"channel {name!r} is registered twice" for name in sorted(set(names))
              if names.count(name) > 1]  # fmt: skip
    if wrong:
        raise ChannelError("; ".join(wrong))
    return channels
