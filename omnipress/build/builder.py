"""Build orchestration: load, validate, plan the outputs, render what changed, write atomically.

This module knows the order of the stages and nothing about any particular channel; channels
come from :data:`omnipress.channels.CHANNELS`.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omnipress import __version__
from omnipress.build.dependencies import (
    Inputs,
    Outcome,
    output_key,
    render_recorded,
    restore_warnings,
    stored_problems,
    toolchain_digest,
    where,
)
from omnipress.build.file_proofs import FileProofs
from omnipress.build.manifest import (
    MANIFEST_NAME,
    Manifest,
    OutputRecord,
    read_manifest,
    remember_written,
    sha256_of,
)
from omnipress.build.output_files import proof_status, read_output_file
from omnipress.build.output_guard import refuse_unsafe_output
from omnipress.build.pages import Links, campaign_index, site_index
from omnipress.build.prose import report_prose
from omnipress.build.workers import render_in_pool, rendering
from omnipress.build.writer import (
    InPlaceOutput,
    NotInPlace,
    StagedOutput,
    build_lock,
    needs_recovery,
    recover_interrupted_swap,
    wait_for_deletions,
)
from omnipress.channels import Channel, Job, RenderEnvironment, WarmRenderers, registered
from omnipress.channels.approval import PLANS, with_approval
from omnipress.content.loader import load_project
from omnipress.content.model import Project
from omnipress.content.resolve import check_references
from omnipress.errors import ContentError, Problem, Problems, Severity, UsageError, did_you_mean
from omnipress.text.markup import Cleaning

BLOG_ASSETS = "blog/assets/"
WARM_IN_PROCESS_PER_WORKER = 4
"""With a warm engine, up to this many outputs per worker render in the building process:
starting a worker costs about as much as rendering four or five one-pagers."""
BLOG_STYLESHEET = "blog/style.css"
BLOG_STYLESHEET_COPY = BLOG_ASSETS + "style.css"


@dataclass(frozen=True)
class BuildOptions:
    content: Path = Path("content")
    templates: Path = Path("templates")
    output: Path = Path("output")
    only: str | None = None
    jobs: int = 1
    # keep what each rendered output's read-back gives (``BuildReport.facts``): the cli hands
    # it to ``check`` as its verdicts (check/seed.py); the build itself never needs it
    keep_facts: bool = False
    # update output/ in place when only some outputs changed (build/writer.py InPlaceOutput):
    # the preview's saves; a build from the command line always stages a whole new tree
    in_place: bool = False


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: Problems = field(default_factory=Problems)
    seconds: float = 0.0
    manifest: Manifest | None = None
    project: Project | None = None  # the content it was built from
    facts: dict[str, Any] = field(default_factory=dict)  # path -> facts, with ``keep_facts``


Progress = Callable[[int, int, str], None]
"""Called as each output is written: (outputs done, outputs in all, the output's path)."""


def load_and_validate(content: Path, problems: Problems) -> Project:
    """The project, or ContentError with every problem found across all files."""
    project = load_project(content, problems)
    if project is not None:
        check_references(project, problems)
        report_prose(project, problems)
    if problems.errors or project is None:
        raise ContentError(problems.items)
    return project


def templates_digest(templates: Path, channel: Channel) -> str:
    """Hash of every template file the channel renders with (for `check`; the build itself
    tracks the templates each output actually loaded)."""
    files: set[Path] = set()
    for pattern in channel.templates:
        for path in templates.glob(pattern):
            if path.is_dir():  # "linkedin/*" covers linkedin/blocks/ too
                files.update(p for p in path.rglob("*") if p.is_file())
            elif path.is_file():
                files.add(path)
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(templates)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def plan_jobs(project: Project, only: str | None) -> list[Job]:
    """Every output to produce: each post in each channel, plus campaign variants.

    Planned once per loaded project: a preview's save plans in the build and again in the
    ``check`` that follows (each output's approval state: a tenth of a second at 2,500)."""
    last = _last_plan
    if last and last[0] is project and last[1] == only and last[2] == registered():
        return list(last[3])
    jobs = _plan_jobs(project, only)
    _last_plan[:] = [project, only, registered(), jobs]
    return list(jobs)


_last_plan: list[Any] = []
"""[project, only, channels, jobs] of the last plan (the project object itself, never an
equal one: a project is not changed once loaded, a save loads another)."""


def _plan_jobs(project: Project, only: str | None) -> list[Job]:
    if only is not None and only not in project.posts and only not in project.campaigns:
        names = set(project.posts) | set(project.campaigns)
        raise UsageError(
            f"--only {only!r} is neither a post slug nor a campaign name",
            did_you_mean(only, names, "posts and campaigns"),
        )
    jobs: list[Job] = []
    for slug in sorted(project.posts):
        post = project.posts[slug]
        campaigns = sorted(project.campaigns_of(slug), key=lambda c: c.name)
        in_only_campaign = any(c.name == only for c in campaigns)
        for channel in registered():
            if not channel.has_output(post):
                continue
            # a campaign's variants link to the post's blog page: --only CAMPAIGN builds it too
            if only in (None, slug) or (in_only_campaign and not channel.per_campaign):
                jobs.append(Job(post, None, channel))
            if channel.per_campaign:
                jobs.extend(
                    Job(post, campaign, channel)
                    for campaign in campaigns
                    if only in (None, slug, campaign.name)
                )
    # known before anything renders, so each output renders once, with its draft mark or not
    if only is not None:  # a page of the preview, --only: never mixed with the builds' plans
        return [with_approval(project, job) for job in jobs]
    return PLANS.plan(project, jobs)


def reuse(
    record: OutputRecord | None,
    inputs: Inputs,
    toolchain: str,
    previous_output: Path,
    proofs: FileProofs | None = None,
    folders: set[str] | None = None,
) -> Outcome | None:
    """The previous output, as if just rendered, if nothing it was made from has changed.

    The previous manifest lists every input the output was made from, with its hash; if each
    still hashes the same, and the site and the toolchain are unchanged, rendering again would
    give the same bytes (and the same warnings, which the manifest kept too). A missing or
    edited file, or a mangled manifest entry, is rendered again, never trusted.
    """
    if record is None:
        return None
    root = inputs.content
    try:
        site = inputs.project.site.digest
        if not KEYS.holds(record, toolchain, site) or not inputs.unchanged(
            record.blocks, record.depends
        ):
            return None
        key = record.key
        previous = previous_file(previous_output, record.path, proofs, folders)
        # a file with other hard links is shared with something outside output/: the new
        # output must not be that same file, so it is rendered again instead
        if previous.links != 1 or previous.sha256 != record.sha256:
            return None
        problems = Problems()
        restore_warnings(record.warnings, root, problems)
        cleaning = {
            root / name: Cleaning(removed=[str(r) for r in removed])
            for name, removed in record.cleaning.items()
        }
    except (OSError, TypeError, ValueError, AttributeError, KeyError):
        return None
    source = os.path.join(previous_output, record.path)  # a str: a Path per file costs 2,500
    inode = (previous.device, previous.inode)
    return Outcome(previous.data, record.sha256, record.blocks, record.depends, problems.items,
                   cleaning, key=key, previous=(source, inode), record=record)  # fmt: skip


class RecordKeys:
    """Which manifest records were found to hold their key under a toolchain and a site.

    Checking a key hashes everything the output was made from (~40 µs): 2,500 of them on
    every save of a preview, which reads back the manifest it wrote and so gets the very
    record objects it checked last time (``manifest.remember_written``). A record is frozen,
    so the answer for the same object, toolchain and site is the same; kept for the records
    of the last build only."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[OutputRecord, str, str]] = {}
        self._next: dict[int, tuple[OutputRecord, str, str]] = {}

    def holds(self, record: OutputRecord, toolchain: str, site: str) -> bool:
        known = self._held.get(id(record))
        if known is None or known[0] is not record or known[1:] != (toolchain, site):
            key = output_key(toolchain, site, record.path, record.blocks, record.depends)
            if key != record.key:
                return False
        self.keep(record, toolchain, site)
        return True

    def keep(self, record: OutputRecord, toolchain: str, site: str) -> None:
        """``record``'s key is the one of these toolchain and site (it was just made so)."""
        self._next[id(record)] = (record, toolchain, site)

    def start(self) -> None:
        self._next = {}

    def next_build(self) -> None:
        """Forget every record the build that just succeeded did not keep."""
        self._held, self._next = self._next, {}


KEYS = RecordKeys()


@dataclass(frozen=True)
class PreviousFile:
    """A file of the previous output: its sha256, and its bytes unless a proof spared the
    read (``data`` is then None: it is read only if the file cannot be linked)."""

    sha256: str
    data: bytes | None
    device: int
    inode: int
    links: int


def previous_file(
    output: Path, relative: str, proofs: FileProofs | None, folders: set[str] | None = None
) -> PreviousFile:
    """Read and hashed, unless ``proofs`` (a long-lived caller's) proves it by its status
    (``folders``: those found to be real folders so far in this build)."""
    if proofs is not None:
        info = proof_status(output, relative, set() if folders is None else folders)
        sha = proofs.proven_sha(relative, info)
        if sha is not None:
            return PreviousFile(sha, None, info.st_dev, info.st_ino, info.st_nlink)
    found = read_output_file(output, relative)
    sha = sha256_of(found.data)
    if proofs is not None:
        proofs.remember_file(relative, sha, found.info, time.time_ns())
    return PreviousFile(sha, found.data, found.device, found.inode, found.links)


def report_cleaning(cleanings: dict[Path, Cleaning], problems: Problems) -> None:
    """Turn what the sanitiser removed into one warning per file, and refused paths into errors."""
    for path, cleaning in sorted(cleanings.items()):
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


def build(
    options: BuildOptions,
    progress: Progress | None = None,
    *,
    project: Project | None = None,
    warm: WarmRenderers | None = None,
    delete_in_background: bool = False,
    proofs: FileProofs | None = None,
) -> BuildReport:
    """Build everything (or ``--only`` one post or campaign) into ``options.output``.

    ``project``: the content already loaded and validated (``load_and_validate``) by a caller
    that keeps it between builds (the preview re-reads only the files a save changed); its
    load warnings are then the caller's to show. ``warm``: renderers kept between builds by
    that caller; a save that changes a few outputs then renders them here, warm, rather than
    starting worker processes that would each start WeasyPrint again.
    ``delete_in_background``: the replaced output is deleted while the caller goes on (see
    :meth:`StagedOutput.commit`); the next build waits for it. ``proofs``: what a caller
    knows of the files in ``output/`` (``build/file_proofs.py``): a file its status proves
    unchanged is reused without being read and hashed."""
    started = time.perf_counter()
    wait_for_deletions()
    output = options.output.resolve()
    # before the content is read (a mistyped --output fails at once) and before anything is
    # locked or recovered beside it; a caller with the content loaded has built here before,
    # and the check under the lock below still guards every build
    if project is None or needs_recovery(output):
        refuse_unsafe_output(options.output, options.content, options.templates)
    if needs_recovery(output):  # a killed build's output is put back even if this one fails
        with build_lock(output):
            recover_interrupted_swap(output)
    problems = Problems()
    # read and validated before anything is locked or created: broken content leaves no trace
    if project is None:
        project = load_and_validate(options.content, problems)
    with build_lock(output):
        recover_interrupted_swap(output)
        refuse_unsafe_output(options.output, options.content, options.templates)
        loaded = list(problems.items)
        jobs = plan_jobs(project, options.only)
        previous = read_manifest(output)
        in_place = options.in_place and updatable_in_place(output, previous, jobs, project,
                                                            options.only)  # fmt: skip
        while True:
            try:
                report = build_locked(options, progress, project, jobs, previous, problems,
                                      warm, delete_in_background, proofs, in_place)  # fmt: skip
                break
            except NotInPlace:  # before output/ was touched: stage a whole tree instead
                problems.items[:] = loaded
                in_place = False
        report.seconds = time.perf_counter() - started
        return report


def build_locked(
    options: BuildOptions,
    progress: Progress | None,
    project: Project,
    jobs: list[Job],
    previous: Manifest | None,
    problems: Problems,
    warm: WarmRenderers | None,
    delete_in_background: bool,
    proofs: FileProofs | None,
    in_place: bool,
) -> BuildReport:
    """The build's work under output/'s lock: render what changed, write, swap or update."""
    output = options.output.resolve()
    report = BuildReport(warnings=problems)
    env = RenderEnvironment(project, options.templates.resolve(), problems, warm=warm,
                            keep_facts=options.keep_facts)  # fmt: skip
    KEYS.start()
    previous_records = previous.by_path() if previous else {}
    manifest = Manifest(f"omnipress {__version__}", project.site.digest)
    staged = InPlaceOutput(output) if in_place else StagedOutput(output)
    try:
        plan = RenderPlan(jobs, env, toolchain_digest(), previous_records, output, staged,
                          max(1, options.jobs), progress, proofs)  # fmt: skip
        records = plan.run(report)
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
        text = manifest.to_json()
        staged.write(MANIFEST_NAME, text.encode("utf-8"))
        if not report.built and unchanged_output(output, staged, manifest):
            staged.discard()  # nothing to do: output/ is left exactly as it was
        else:
            staged.commit(delete_in_background)
    except BaseException:
        staged.discard()
        raise
    remember_written(text, manifest)
    KEYS.next_build()
    report.manifest = manifest
    report.project = project
    return report


def updatable_in_place(
    output: Path, previous: Manifest | None, jobs: list[Job], project: Project, only: str | None
) -> bool:
    """Can this build update output/ in place (:class:`InPlaceOutput`)? Only when it makes
    exactly the files the previous build made, so that no file is left over or added: the
    same outputs, the same assets and index pages. Anything else stages a new tree."""
    if only is not None or previous is None:
        return False
    try:
        if not stat.S_ISDIR(os.lstat(output).st_mode):
            return False
    except OSError:
        return False
    planned = {job.path for job in jobs}
    return planned == {r.path for r in previous.outputs} and site_file_names(project) == set(
        previous.files
    )


def unchanged_output(output: Path, staged: StagedOutput, manifest: Manifest) -> bool:
    """Is the staged output the one in place, file for file? Every output was reused (the
    very files in place, linked), so only the files written afresh can differ: the manifest
    and the site's own files (index pages, assets). A no-op build that leaves output/ as it
    was changes no file's status, so ``check`` can prove the tree untouched without reading
    it (check/replay.py), and nothing is linked, swapped and deleted for nothing."""
    for relative in (MANIFEST_NAME, *manifest.files):
        try:
            if read_output_file(output, relative).data != (staged.root / relative).read_bytes():
                return False
        except OSError:
            return False
    return True


def rel(path: Path, root: Path) -> str:
    return str(path.resolve().relative_to(root))


@dataclass
class RenderPlan:
    """Every output of one build: reuse what is unchanged, render the rest (in worker
    processes when there is enough to share out), write each file as it comes, then report
    the problems in job order, so the result is the same whatever the number of workers."""

    jobs: list[Job]
    env: RenderEnvironment
    toolchain: str
    previous: dict[str, OutputRecord]
    output: Path
    staged: StagedOutput
    workers: int
    progress: Progress | None
    proofs: FileProofs | None = None
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    rendered: set[int] = field(default_factory=set)  # the jobs rendered, not reused
    channel_templates: dict[str, str] = field(default_factory=dict)
    _campaigns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # post -> names

    def run(self, report: BuildReport) -> list[OutputRecord]:
        inputs = Inputs(self.env.project, self.env.templates)
        root = self.env.project.root.resolve()
        self.channel_templates = {
            c.name: templates_digest(self.env.templates, c) for c in registered()
        }
        to_render: list[int] = []
        folders: set[str] = set()
        for index, job in enumerate(self.jobs):
            reused = reuse(self.previous.get(job.path), inputs, self.toolchain, self.output,
                           self.proofs, folders)  # fmt: skip
            if reused is None:
                to_render.append(index)
            else:
                self.finish(index, reused)
        rendered = self.rendered
        rendered.update(to_render)
        # One channel after another, not post by post: the libraries' caches (the glyphs
        # shaped and drawn at one channel's sizes, its stylesheet's rules) stay warm from
        # one output to the next. A 150-post build takes ~2 % less CPU so; the files and
        # the report are the same in any order (each outcome is kept by its job's index).
        rank = {channel.name: number for number, channel in enumerate(registered())}
        to_render.sort(key=lambda index: rank[self.jobs[index].channel.name])
        if self.workers > 1 and len(to_render) > self.in_process_max():
            render_in_pool(
                self.env.project,
                self.env.templates,
                [self.jobs[i] for i in to_render],
                min(self.workers, len(to_render)),
                lambda position, outcome: self.finish(to_render[position], outcome),
                self.env.keep_facts,
                self.env.warm,
            )
        else:
            with rendering():
                for index in to_render:
                    self.finish(index, render_recorded(self.jobs[index], self.env, inputs))
        return self.report(report, rendered, root)

    def in_process_max(self) -> int:
        """How many outputs render here rather than in worker processes. With a warm engine
        (the preview), starting workers, each starting WeasyPrint again, costs more than
        rendering the few outputs a save changes."""
        return 1 if self.env.warm is None else WARM_IN_PROCESS_PER_WORKER * self.workers

    def finish(self, index: int, outcome: Outcome) -> None:
        path = self.jobs[index].path
        if outcome.previous is None or not self.staged.link(path, *outcome.previous):
            if outcome.data is None:  # proved by its status, not read: read it now
                outcome = self.unlinked(index, outcome)
            assert outcome.data is not None
            self.staged.write(path, outcome.data)
        outcome.data = b""  # written: keep only what the manifest needs
        self.outcomes[index] = outcome
        if self.progress:
            self.progress(len(self.outcomes), len(self.jobs), path)

    def unlinked(self, index: int, outcome: Outcome) -> Outcome:
        """A previous file proved by its status that could not be linked: its bytes, read
        now, or the output rendered again if they are no longer the ones proved."""
        try:
            data = read_output_file(self.output, self.jobs[index].path).data
        except OSError:
            data = None
        if data is not None and sha256_of(data) == outcome.sha256:
            outcome.data = data
            return outcome
        self.rendered.add(index)  # rendered after all: what is in place is not what was proved
        inputs = Inputs(self.env.project, self.env.templates)
        return render_recorded(self.jobs[index], self.env, inputs)

    def report(self, report: BuildReport, rendered: set[int], root: Path) -> list[OutputRecord]:
        problems = report.warnings
        cleanings: dict[Path, Cleaning] = {}
        notices: list[Problem] = []
        records = []
        for index, job in enumerate(self.jobs):
            outcome = self.outcomes[index]
            (report.built if index in rendered else report.reused).append(job.path)
            if outcome.facts is not None:
                report.facts[job.path] = outcome.facts
            problems.extend(outcome.problems)
            for path, cleaning in outcome.cleaning.items():
                if not (cleaning.removed or cleaning.refused_paths):
                    continue
                merged = cleanings.setdefault(path.resolve(), Cleaning())
                merged.removed.extend(cleaning.removed)
                merged.refused_paths.extend(cleaning.refused_paths)
            notices.extend(n for n in outcome.notices if n not in notices)
            records.append(self.record(job, outcome, root))
        report_cleaning(cleanings, problems)
        problems.extend(notices)
        return records

    def record(self, job: Job, outcome: Outcome, root: Path) -> OutputRecord:
        kept = self.kept_record(job, outcome)
        if kept is not None:
            return kept
        project = self.env.project
        made = OutputRecord(
            path=job.path,
            sha256=outcome.sha256,
            channel=job.channel.name,
            post=job.post.slug,
            campaign=job.campaign.name if job.campaign else None,
            campaigns=self.campaigns_of(job.post.slug),
            blocks=outcome.blocks,
            post_digest=job.post.digest,
            templates_digest=self.channel_templates[job.channel.name],
            key=outcome.key
            or output_key(
                self.toolchain, project.site.digest, job.path, outcome.blocks, outcome.depends
            ),
            depends=outcome.depends,
            approval=job.approval.to_dict() if job.approval is not None else None,
            warnings=stored_problems(
                [p for p in outcome.problems if p.severity is Severity.WARNING], root
            ),
            cleaning={
                where(path, root): sorted(set(c.removed))
                for path, c in sorted(outcome.cleaning.items())
                if c.removed
            },
        )
        KEYS.keep(made, self.toolchain, project.site.digest)
        return made

    def kept_record(self, job: Job, outcome: Outcome) -> OutputRecord | None:
        """The previous record of a reused output, when the new one would equal it field for
        field: the same object then stands for it (see :class:`RecordKeys`). Only a record
        without warnings or cleaning, whose round trip is not worth proving here."""
        record = outcome.record
        if record is None or record.warnings or record.cleaning:
            return None
        approval = job.approval.to_dict() if job.approval is not None else None
        campaign = job.campaign.name if job.campaign else None
        same = (
            record.path == job.path
            and record.channel == job.channel.name
            and record.post == job.post.slug
            and record.campaign == campaign
            and record.post_digest == job.post.digest
            and record.templates_digest == self.channel_templates[job.channel.name]
            and record.approval == approval
            and record.campaigns == self.campaigns_of(job.post.slug)
        )
        return record if same else None

    def campaigns_of(self, slug: str) -> tuple[str, ...]:
        if slug not in self._campaigns:
            campaigns = self.env.project.campaigns_of(slug)
            self._campaigns[slug] = tuple(sorted(c.name for c in campaigns))
        return self._campaigns[slug]


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
        if path in planned:
            continue
        try:
            kept_file = read_output_file(output, path)
        except OSError:
            continue  # missing, or not a file the build wrote: dropped, as if never built
        if sha256_of(kept_file.data) == record.sha256:
            staged.write(path, kept_file.data)
            kept.append(record)
    return kept


def site_file_names(project: Project) -> set[str]:
    """What :func:`write_site_files` writes: known before a build, so that a preview's save
    can tell it will make exactly the files of the last build."""
    names = {BLOG_STYLESHEET_COPY, "index.html"}
    names.update(BLOG_ASSETS + name for name in project.assets)
    names.update(f"campaigns/{name}/index.html" for name in project.campaigns)
    return names


def write_site_files(env: RenderEnvironment, manifest: Manifest, staged: StagedOutput) -> None:
    """Blog assets, the campaign index pages and the top-level index."""
    files: dict[str, bytes] = {
        BLOG_STYLESHEET_COPY: (env.templates / BLOG_STYLESHEET).read_bytes(),
    }
    for name, path in env.project.assets.items():
        files[BLOG_ASSETS + name] = path.read_bytes()
    channels = {c.name: c for c in registered()}
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
