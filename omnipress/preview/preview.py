"""What the live preview shows, decided in Python: the facts its templates print.

The preview pages (``python build.py serve``) put the channels of a post side by side, one
pane per registered channel, each drawn by the partial its package names. Everything a
marketer reads there that is a *decision* — whether `check` passed, and what a channel makes
of its file (where LinkedIn folds the post: ``channels/linkedin/preview.py``) — is computed in
Python from the built files, so the templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from omnipress.build.builder import plan_jobs
from omnipress.build.manifest import Manifest
from omnipress.channels import registered
from omnipress.channels.approval import output_sources
from omnipress.channels.views import display_date
from omnipress.check.check import run_check
from omnipress.check.checkcache import CheckCache
from omnipress.check.checkmodel import CheckFinding
from omnipress.content.approval_status import CHANGED, WORDS, all_statuses, approved_by
from omnipress.content.model import Project
from omnipress.errors import Problem, Severity
from omnipress.preview.files import read_output, read_output_text

OUTPUT_PREFIX = "/output/"


# ---------------------------------------------------------------- check status


@dataclass(frozen=True)
class FindingView:
    severity: Severity
    rule: str
    channel: str
    file: str
    message: str
    hint: str


@dataclass(frozen=True)
class CheckStatus:
    """The `check` result for one post: "passed", "warnings", "failed" or "not checked"."""

    state: str
    label: str
    findings: tuple[FindingView, ...] = ()

    @property
    def css(self) -> str:
        return "status-" + self.state.replace(" ", "-")


NOT_CHECKED = CheckStatus("not checked", "not checked")


def finding_view(finding: CheckFinding) -> FindingView:
    return FindingView(
        finding.severity,
        finding.rule,
        finding.channel or "",
        finding.file or "",
        finding.message,
        finding.hint,
    )


def check_status(findings: list[FindingView]) -> CheckStatus:
    errors = sum(1 for f in findings if f.severity == Severity.ERROR)
    warnings = len(findings) - errors
    if errors:
        return CheckStatus("failed", f"check: {errors} error(s)", tuple(findings))
    if warnings:
        return CheckStatus("warnings", f"check: {warnings} warning(s)", tuple(findings))
    return CheckStatus("passed", "check passed")


@dataclass(frozen=True)
class CheckResults:
    """`check`'s findings grouped by post; ``available`` is False when it could not run."""

    available: bool
    by_post: dict[str, list[FindingView]]
    general: tuple[FindingView, ...] = ()
    note: str = ""

    def status(self, slug: str, files: set[str] | None = None) -> CheckStatus:
        """The status of a post, or of the files of one variant of it (a campaign's)."""
        if not self.available:
            return NOT_CHECKED
        findings = self.by_post.get(slug, [])
        if files is not None:
            findings = [f for f in findings if not f.file or f.file in files]
        return check_status(findings)


def run_check_safely(
    output: Path,
    content: Path,
    templates: Path,
    project: Project | None = None,
    jobs: int = 1,
    cache: CheckCache | None = None,
    known: Mapping[str, Any] | None = None,
    facts_memo: dict[tuple[str, str], Any] | None = None,
) -> CheckResults:
    """Run `check` (:func:`omnipress.check.check.run_check`) with its verdict cache, so a save
    re-reads only the posts it changed.

    The preview must keep working when `check` fails, so any problem here becomes "not
    checked" with a note, never an error page.
    """
    try:
        report = run_check(output, content, templates, project=project, jobs=jobs,
                           cache=cache, known=known, save=cache is None,
                           facts_memo=facts_memo)  # fmt: skip
    except Exception as exc:
        return CheckResults(False, {}, note=f"`check` could not run: {exc}")
    by_post: dict[str, list[FindingView]] = {}
    general: list[FindingView] = []
    for finding in report.findings:
        view = finding_view(finding)
        if finding.post:
            by_post.setdefault(finding.post, []).append(view)
        else:
            general.append(view)
    return CheckResults(True, by_post, tuple(general))


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class ChannelFile:
    channel: str
    label: str
    path: str  # relative to output/
    href: str  # where the preview server serves it

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PostSummary:
    slug: str
    title: str
    date: str
    href: str  # its preview page
    files: tuple[ChannelFile, ...]
    status: CheckStatus


@dataclass(frozen=True)
class CampaignSummary:
    name: str
    title: str
    description: str
    index_href: str
    posts: tuple[PostSummary, ...]


@dataclass(frozen=True)
class IndexPage:
    site_name: str
    posts: tuple[PostSummary, ...]
    campaigns: tuple[CampaignSummary, ...]
    check_note: str
    general_findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class Variant:
    """One tab of a post's page: its base outputs, or its variant in one campaign."""

    label: str
    href: str  # built by post_href: names from content are URL-encoded there, once
    current: bool


@dataclass(frozen=True)
class Pane:
    """One channel's pane on a post's page: its partial template (the channel's ``preview``),
    its file if one was built, and what the channel makes of the file's text to show (the
    LinkedIn card), if anything."""

    channel: str
    template: str
    file: ChannelFile | None
    card: Any = None


@dataclass(frozen=True)
class PostPage:
    slug: str
    title: str
    date: str
    author: str
    summary: str
    campaign: CampaignSummary | None
    variants: tuple[Variant, ...]  # the base outputs, then one per campaign it is in
    panes: tuple[Pane, ...]  # one per channel, in registry order
    link_title: str
    link_domain: str  # what a link card shows under its title
    account: str
    account_line: str
    account_initials: str
    status: CheckStatus
    check_note: str
    approvals: tuple[ApprovalView, ...] = ()  # the post and each block it uses (approvals on)

    @property
    def approval_summary(self) -> str:
        """One line above the details, which stay folded so the channels keep the page."""
        held = sum(item.state != "approved" for item in self.approvals)
        if not held:
            return f"approved: all {len(self.approvals)} sources"
        return f"draft: {held} of {len(self.approvals)} sources not approved as they read now"


@dataclass(frozen=True)
class ApprovalView:
    """One source's review state as the post page shows it: per role who approved it and
    when, or what is missing; for a changed source the diff since the approved text."""

    source: str
    state: str  # approved, changed, missing: also its CSS class
    summary: str
    roles: tuple[str, ...]  # "medical: approved by Dr Roe, 2026-12-01T22:00:00Z"
    diff: tuple[str, ...]
    text_missing: bool  # changed, and the approved text was not kept


def approval_views(project: Project, slug: str, campaign: str | None) -> tuple[ApprovalView, ...]:
    """The post and every block its outputs (or its campaign variant's) are made from."""
    sources: dict[str, None] = {}
    for job in plan_jobs(project, slug):
        if (job.campaign.name if job.campaign else None) in (None, campaign):
            sources.update(dict.fromkeys(output_sources(project, job)))
    views = []
    for status in all_statuses(project, list(sources)):
        roles = tuple(
            f"{r.role}: {WORDS[r.state]}" + (f" by {approved_by(r.approval)}" if r.approval else "")
            for r in status.roles
        )
        diff = next((r.diff for r in status.roles if r.diff), ())
        missing = any(r.state == CHANGED and not r.text_on_file for r in status.roles)
        views.append(ApprovalView(status.source, status.state, status.summary, roles, diff,
                                  missing and not diff))  # fmt: skip
    return tuple(views)


def initials(name: str) -> str:
    """'Northstar Biometrics' -> 'NB': the stand-in for a company page's logo."""
    return "".join(word[0] for word in name.split()[:2] if word[:1].isalnum()).upper()


def output_href(path: str, build_id: int) -> str:
    """The preview server's address of an output file; the build id defeats the cache."""
    return f"{OUTPUT_PREFIX}{quote(path)}?build={build_id}"


def post_href(slug: str, campaign: str | None = None) -> str:
    """A post's preview page. Slugs and campaign names are file names, which may hold '&',
    '#', '?' or spaces: every one is encoded, nothing from content goes into a URL raw."""
    href = f"/post/{quote(slug, safe='')}/"
    return href + (f"?campaign={quote(campaign, safe='')}" if campaign else "")


def variants(project: Project, slug: str, campaign: str | None) -> tuple[Variant, ...]:
    campaigns = [
        Variant(f"Campaign: {c.title}", post_href(slug, c.name), c.name == campaign)
        for c in project.campaigns_of(slug)
    ]
    return (Variant("Base outputs", post_href(slug), campaign is None), *campaigns)


def channel_files(
    manifest: Manifest, slug: str, campaign: str | None, build_id: int
) -> tuple[ChannelFile, ...]:
    """The files of one post, in channel-table order: a campaign's own variant of a channel
    where it has one, the base output otherwise (the blog post is the same for everyone)."""
    records = [r for r in manifest.outputs if r.post == slug]
    files: list[ChannelFile] = []
    for channel in registered():
        mine = [r for r in records if r.channel == channel.name and r.campaign == campaign]
        base = [r for r in records if r.channel == channel.name and r.campaign is None]
        chosen = (mine or base)[:1]
        files.extend(
            ChannelFile(channel.name, channel.label, r.path, output_href(r.path, build_id))
            for r in chosen
        )
    return tuple(files)


def post_summary(
    project: Project,
    manifest: Manifest,
    checks: CheckResults,
    slug: str,
    campaign: str | None,
    build_id: int,
) -> PostSummary:
    post = project.posts[slug]
    files = channel_files(manifest, slug, campaign, build_id)
    scope = {f.path for f in files} if campaign else None
    return PostSummary(
        slug,
        post.title,
        display_date(post.date),
        post_href(slug, campaign),
        files,
        checks.status(slug, scope),
    )


def campaign_summary(
    project: Project, manifest: Manifest, checks: CheckResults, name: str, build_id: int
) -> CampaignSummary:
    campaign = project.campaigns[name]
    posts = tuple(
        post_summary(project, manifest, checks, slug, name, build_id)
        for slug in campaign.posts
        if slug in project.posts
    )
    index = f"campaigns/{name}/index.html"
    return CampaignSummary(
        name,
        campaign.title,
        campaign.description,
        output_href(index, build_id),
        posts,
    )


def index_page(
    project: Project, manifest: Manifest, checks: CheckResults, build_id: int
) -> IndexPage:
    posts = sorted(project.posts.values(), key=lambda p: (p.date, p.slug), reverse=True)
    return IndexPage(
        site_name=project.site.name,
        posts=tuple(
            post_summary(project, manifest, checks, p.slug, None, build_id)
            for p in posts
            if any(r.post == p.slug for r in manifest.outputs)
        ),
        campaigns=tuple(
            campaign_summary(project, manifest, checks, name, build_id)
            for name in sorted(project.campaigns)
        ),
        check_note=checks.note,
        general_findings=checks.general,
    )


def post_page(
    project: Project,
    manifest: Manifest,
    checks: CheckResults,
    output: Path,
    slug: str,
    campaign: str | None,
    build_id: int,
) -> PostPage | None:
    """The preview of one post (or of its variant in one campaign); None if there is none."""
    if slug not in project.posts or (campaign is not None and campaign not in project.campaigns):
        return None
    if campaign is not None and slug not in project.campaigns[campaign].posts:
        return None  # the post is not in that campaign: there is no such variant
    post = project.posts[slug]
    files = {f.channel: f for f in channel_files(manifest, slug, campaign, build_id)}
    panes = []
    for channel in registered():
        file, card = files.get(channel.name), None
        if file is not None and channel.preview_card is not None:
            text = read_output_text(output, file.path)
            card = channel.preview_card(text) if text is not None else None
        elif file is not None and channel.preview_file is not None:
            found = read_output(output, quote(file.path))
            card = channel.preview_file(found[1]) if found is not None else None
        panes.append(Pane(channel.name, channel.preview, file, card))
    author = project.blocks.get(post.author)
    summary = post_summary(project, manifest, checks, slug, campaign, build_id)
    return PostPage(
        slug=slug,
        title=post.title,
        date=display_date(post.date),
        author=str(author.field("name", post.author)) if author else post.author,
        summary=post.summary,
        campaign=(
            campaign_summary(project, manifest, checks, campaign, build_id) if campaign else None
        ),
        variants=variants(project, slug, campaign),
        panes=tuple(panes),
        link_title=post.title,
        link_domain=urlsplit(project.site.base_url).netloc,
        account=project.site.name,
        account_line=project.site.tagline,
        account_initials=initials(project.site.name),
        status=summary.status,
        check_note=checks.note,
        approvals=approval_views(project, slug, campaign),
    )


# ---------------------------------------------------------------- build errors


@dataclass(frozen=True)
class ProblemView:
    severity: Severity
    where: str  # "content/posts/x.md:12"
    message: str
    hint: str


def problem_views(problems: list[Problem], root: Path) -> tuple[ProblemView, ...]:
    return tuple(ProblemView(p.severity, p.location(root), p.message, p.hint) for p in problems)
