"""Build orchestration: load, validate, plan the outputs, render what changed, write atomically.

This module knows the order of the stages and nothing about any particular channel; channels
come from :data:`omnipress.channels.CHANNELS`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from omnipress import __version__
from omnipress.channels import CHANNELS, Channel, Job, Rendered, RenderEnvironment
from omnipress.errors import ContentError, Problems, UsageError, did_you_mean
from omnipress.loader import load_project
from omnipress.manifest import MANIFEST_NAME, Manifest, OutputRecord, read_manifest, sha256_of
from omnipress.model import Project, digest_of
from omnipress.pages import Links, campaign_index, site_index
from omnipress.resolve import check_references
from omnipress.writer import StagedOutput, build_lock, recover_interrupted_swap

BLOG_ASSETS = "blog/assets/"
BLOG_STYLESHEET = "blog/style.css"


@dataclass(frozen=True)
class BuildOptions:
    content: Path = Path("content")
    templates: Path = Path("templates")
    output: Path = Path("output")
    only: str | None = None
    jobs: int = 1


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: Problems = field(default_factory=Problems)
    seconds: float = 0.0
    manifest: Manifest | None = None


Progress = Callable[[str], None]


def load_and_validate(content: Path, problems: Problems) -> Project:
    """The project, or ContentError with every problem found across all files."""
    project = load_project(content, problems)
    if project is not None:
        check_references(project, problems)
    if problems.errors or project is None:
        raise ContentError(problems.items)
    return project


def templates_digest(templates: Path, channel: Channel) -> str:
    """Hash of every template file the channel renders with."""
    files = sorted({p for pattern in channel.templates for p in templates.glob(pattern)})
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(templates)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def assets_digest(project: Project) -> str:
    digest = hashlib.sha256()
    for name, path in sorted(project.assets.items()):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def plan_jobs(project: Project, only: str | None) -> list[Job]:
    """Every output to produce: each post in each channel, plus campaign variants."""
    if only is not None and only not in project.posts and only not in project.campaigns:
        names = set(project.posts) | set(project.campaigns)
        raise UsageError(
            f"--only {only!r} is neither a post slug nor a campaign name",
            did_you_mean(only, names),
        )
    jobs: list[Job] = []
    for slug in sorted(project.posts):
        post = project.posts[slug]
        campaigns = sorted(project.campaigns_of(slug), key=lambda c: c.name)
        for channel in CHANNELS:
            if only in (None, slug):
                jobs.append(Job(post, None, channel))
            if channel.per_campaign:
                jobs.extend(
                    Job(post, campaign, channel)
                    for campaign in campaigns
                    if only in (None, slug, campaign.name)
                )
    return jobs


@dataclass(frozen=True)
class Fingerprint:
    """Everything an output depends on besides its blocks, hashed."""

    post: str
    campaign: str
    site: str
    templates: str
    assets: str

    def key(self, blocks: dict[str, str]) -> str:
        return digest_of(__version__, self.post, self.campaign, self.site, self.templates,
                         self.assets, sorted(blocks.items()))  # fmt: skip


def fingerprint(project: Project, job: Job, templates: dict[str, str], assets: str) -> Fingerprint:
    return Fingerprint(
        post=job.post.digest,
        campaign=job.campaign.digest if job.campaign else "",
        site=project.site.digest,
        templates=templates[job.channel.name],
        assets=assets,
    )


def reusable(
    record: OutputRecord | None, project: Project, print_: Fingerprint, previous_output: Path
) -> bytes | None:
    """The previous bytes of an output if nothing it depends on has changed, else None.

    The previous manifest lists the blocks the output used; if each still has the same hash,
    and the post, campaign, site, templates and assets are unchanged, rendering again would
    give the same bytes. A missing or edited file is rendered again, never trusted.
    """
    if record is None:
        return None
    current = {bid: project.blocks[bid].digest for bid in record.blocks if bid in project.blocks}
    if current != record.blocks or print_.key(current) != record.key:
        return None
    try:
        data = (previous_output / record.path).read_bytes()
    except OSError:
        return None
    return data if sha256_of(data) == record.sha256 else None


def render_job(job: Job, env: RenderEnvironment) -> Rendered:
    return job.channel.render(job, env)


def report_cleaning(env: RenderEnvironment, problems: Problems) -> None:
    """Turn what the sanitiser removed into one warning per file, and refused paths into errors."""
    for path, cleaning in sorted(env.cleaning.items()):
        removed = sorted(set(cleaning.removed))
        if removed:
            problems.warning(
                "removed from the content's HTML: " + "; ".join(removed),
                path,
                hint="raw HTML is sanitised: scripts, styles, event handlers, iframes and "
                "remote or hidden images never reach any output",
            )
        for refused in sorted(set(cleaning.refused_paths)):
            problems.error(
                f"path {refused!r} leaves the project and was refused",
                path,
                hint="put images in content/images/ and refer to them as images/NAME",
            )


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build everything (or ``--only`` one post or campaign) into ``options.output``."""
    started = time.perf_counter()
    output = options.output.resolve()
    with build_lock(output):
        recover_interrupted_swap(output)
        problems = Problems()
        project = load_and_validate(options.content, problems)
        report = BuildReport(warnings=problems)
        env = RenderEnvironment(project, options.templates.resolve(), problems)
        jobs = plan_jobs(project, options.only)
        templates = {c.name: templates_digest(env.templates, c) for c in CHANNELS}
        assets = assets_digest(project)
        previous = read_manifest(output)
        previous_records = previous.by_path() if previous else {}
        manifest = Manifest(f"omnipress {__version__}", project.site.digest)
        staged = StagedOutput(output)
        try:
            records = render_all(jobs, env, templates, assets, previous_records, output,
                                 staged, report, progress)  # fmt: skip
            report_cleaning(env, problems)
            if problems.errors:
                raise ContentError(problems.items)
            manifest.outputs = records + carry_over(options.only, jobs, previous_records,
                                                    output, staged)  # fmt: skip
            write_site_files(env, manifest, staged)
            manifest.blocks = {
                b.id: {"digest": b.digest, "type": b.type, "path": rel(b.path, project.root)}
                for b in project.blocks.values()
            }
            manifest.posts = {
                p.slug: {"digest": p.digest, "path": rel(p.path, project.root)}
                for p in project.posts.values()
            }
            manifest.campaigns = {
                c.name: {"digest": c.digest, "posts": list(c.posts), "cta": c.cta}
                for c in project.campaigns.values()
            }
            staged.write(MANIFEST_NAME, manifest.to_json().encode("utf-8"))
            staged.commit()
        except BaseException:
            staged.discard()
            raise
        report.manifest = manifest
        report.seconds = time.perf_counter() - started
        return report


def rel(path: Path, root: Path) -> str:
    return str(path.resolve().relative_to(root))


def render_all(
    jobs: list[Job],
    env: RenderEnvironment,
    templates: dict[str, str],
    assets: str,
    previous: dict[str, OutputRecord],
    output: Path,
    staged: StagedOutput,
    report: BuildReport,
    progress: Progress | None,
) -> list[OutputRecord]:
    records = []
    for job in jobs:
        print_ = fingerprint(env.project, job, templates, assets)
        data = reusable(previous.get(job.path), env.project, print_, output)
        if data is not None:
            record = previous[job.path]
            blocks = record.blocks
            report.reused.append(job.path)
        else:
            rendered = render_job(job, env)
            data = rendered.data
            blocks = {bid: env.project.blocks[bid].digest for bid in rendered.blocks}
            report.built.append(job.path)
        staged.write(job.path, data)
        records.append(
            OutputRecord(
                path=job.path,
                sha256=sha256_of(data),
                channel=job.channel.name,
                post=job.post.slug,
                campaign=job.campaign.name if job.campaign else None,
                campaigns=tuple(sorted(c.name for c in env.project.campaigns_of(job.post.slug))),
                blocks=blocks,
                post_digest=job.post.digest,
                templates_digest=templates[job.channel.name],
                key=print_.key(blocks),
            )
        )
        if progress:
            progress(job.path)
    return records


def carry_over(
    only: str | None,
    jobs: list[Job],
    previous: dict[str, OutputRecord],
    output: Path,
    staged: StagedOutput,
) -> list[OutputRecord]:
    """With ``--only``, keep every other output of the previous build as it was."""
    if only is None:
        return []
    planned = {job.path for job in jobs}
    kept = []
    for path, record in sorted(previous.items()):
        source = output / path
        if path not in planned and source.is_file():
            staged.copy(path, source)
            kept.append(record)
    return kept


def write_site_files(env: RenderEnvironment, manifest: Manifest, staged: StagedOutput) -> None:
    """Blog assets, the campaign index pages and the top-level index."""
    files: dict[str, bytes] = {
        BLOG_ASSETS + "style.css": (env.templates / BLOG_STYLESHEET).read_bytes(),
    }
    for name, path in env.project.assets.items():
        files[BLOG_ASSETS + name] = path.read_bytes()
    channels = {c.name: c for c in CHANNELS}
    base_links: Links = {}
    campaign_links: dict[str, Links] = {name: {} for name in env.project.campaigns}
    for record in manifest.outputs:
        key = (record.channel, record.post)
        if record.campaign is None:
            base_links[key] = record.path
            for name in record.campaigns:
                if not channels[record.channel].per_campaign:
                    campaign_links[name][key] = "../../" + record.path
        else:
            prefix = f"campaigns/{record.campaign}/"
            campaign_links[record.campaign][key] = record.path.removeprefix(prefix)
    for name, campaign in env.project.campaigns.items():
        files[f"campaigns/{name}/index.html"] = campaign_index(env, campaign, campaign_links[name])
    files["index.html"] = site_index(env, base_links)
    for relative, data in sorted(files.items()):
        staged.write(relative, data)
        manifest.files[relative] = sha256_of(data)
