"""Is ``output/`` what the build wrote, from what ``content/`` holds now?

Two different failures, told apart because they are fixed differently:
- a file whose bytes no longer match the manifest was *edited by hand* (rebuild, or move the
  edit into content/ so the next build keeps it);
- an output built from an older block, post, campaign, template or site setting than the
  current one is *stale* (rebuild).
"""

from __future__ import annotations

import os
import time

from omnipress.build.builder import BLOG_ASSETS, BLOG_STYLESHEET, templates_digest
from omnipress.build.dependencies import APPROVAL, Inputs
from omnipress.build.manifest import MANIFEST_NAME, OutputRecord, sha256_of
from omnipress.build.output_files import UnsafeOutputPath, proof_status, read_output_file
from omnipress.channels import registered
from omnipress.check.checkmodel import CheckContext, Place
from omnipress.errors import Severity

REBUILD = "run `python build.py` to rebuild, then `python build.py check` again"


def check_files(ctx: CheckContext) -> int:
    """Every file the manifest lists is there, unchanged; returns how many were read."""
    count = 0
    listed = {MANIFEST_NAME}
    unsafe: set[str] = set()
    for record in ctx.manifest.outputs:
        listed.add(record.path)
        count += _check_file(ctx, record.path, record.sha256, record.post, record.channel, unsafe)
    for path, sha in ctx.manifest.files.items():
        listed.add(path)
        count += _check_file(ctx, path, sha, None, None, unsafe)
    # nothing after this reads a file the manifest names outside output/, or through a link
    ctx.manifest.outputs = [r for r in ctx.manifest.outputs if r.path not in unsafe]
    ctx.manifest.files = {p: s for p, s in ctx.manifest.files.items() if p not in unsafe}
    for path in sorted(_files_under(ctx)):
        if path not in listed:
            ctx.add(
                "manifest.unlisted",
                f"{path} is in output/ but no build wrote it",
                file=path,
                hint="delete it, or put its source in content/ so the build makes it",
                severity=Severity.WARNING,
            )
    return count


def _check_file(
    ctx: CheckContext,
    path: str,
    sha: str,
    post: str | None,
    channel: str | None,
    unsafe: set[str],
) -> int:
    ctx.file_shas[path] = None
    try:
        actual = _sha_of(ctx, path)
    except UnsafeOutputPath as refused:
        unsafe.add(path)
        ctx.add(
            "manifest.path",
            f"the manifest lists {path!r}, which is not a file inside output/: it was not read",
            post=post if isinstance(post, str) else None,
            channel=channel if isinstance(channel, str) else None,
            file=None,
            found=str(refused),
            hint="output/ or its manifest.json was changed by something other than the build: "
            "delete output/, then run `python build.py`",
        )
        return 0
    except OSError:
        ctx.add(
            "manifest.missing",
            f"{path} is listed in the manifest but missing",
            post=post,
            channel=channel,
            file=path,
            hint=REBUILD,
        )
        return 0
    ctx.file_shas[path] = actual
    if actual != sha:
        ctx.add(
            "freshness.file-hash",
            f"{path} was changed after the build (edited by hand?)",
            post=post,
            channel=channel,
            file=path,
            expected=f"sha256 {sha[:16]}… (as built)",
            found=f"sha256 {actual[:16]}…",
            hint="edits to output/ are lost on the next build: make the change in content/ "
            "(or templates/), then " + REBUILD,
        )
    return 1


def _sha_of(ctx: CheckContext, path: str) -> str:
    """The file's sha256: from the check cache when its status proves it unchanged, else
    read and hashed (and remembered with its status for the next check)."""
    if ctx.cache is None:
        return sha256_of(read_output_file(ctx.output, path).data)
    info = proof_status(ctx.output, path, ctx.real_folders)
    proven = ctx.cache.proven_sha(path, info)
    if proven is not None:
        return proven
    actual = sha256_of(read_output_file(ctx.output, path).data)
    ctx.cache.remember_file(path, actual, info, time.time_ns())
    return actual


def _files_under(ctx: CheckContext) -> list[str]:
    top = os.fspath(ctx.output)
    found: list[str] = []
    for directory, _subdirs, files in os.walk(top):
        # given as top + sep + relative: cut, not os.path.relpath (a tenth of a second at
        # 2,500 files, every check)
        inside = directory[len(top) + 1 :].replace(os.sep, "/")
        found.extend(f"{inside}/{name}" if inside else name for name in files)
    return found


def check_stale(ctx: CheckContext) -> None:
    """Compare what each output was built from with what content/ and templates/ hold now.

    Records the posts built from older content in ``ctx.stale_posts``: their files are then only
    compared with each other, not with today's content, so one change is reported once.
    """
    project, manifest = ctx.project, ctx.manifest
    if manifest.site_digest != project.site.digest:
        ctx.add(
            "freshness.site-hash",
            "content/site.yaml changed since the build: every output is stale",
            file=None,
            expected=f"site {project.site.digest}",
            found=f"built from site {manifest.site_digest}",
            hint=REBUILD,
        )
        ctx.stale_posts.update(r.post for r in manifest.outputs)
    templates = {c.name: templates_digest(ctx.templates, c) for c in registered()}
    inputs: Inputs = ctx.inputs  # shared with the posts' keys: each input answered once
    for record in manifest.outputs:
        post = project.posts.get(record.post)
        if post is not None and _as_built(inputs, record, post.digest):
            if record.campaign is not None:
                where: Place = {"post": record.post, "channel": record.channel,
                                "file": record.path}  # fmt: skip
                _check_campaign(ctx, record.campaign, where)
            continue
        where = {"post": record.post, "channel": record.channel, "file": record.path}
        if post is None:
            ctx.add(
                "freshness.orphan",
                f"post {record.post!r} is no longer in content/posts/",
                hint="rebuild to remove its outputs",
                **where,
            )
            ctx.stale_posts.add(record.post)
            continue
        if record.post_digest != post.digest:
            ctx.add(
                "freshness.post-hash",
                f"stale: post {record.post!r} ({_rel(ctx, post.path)}) changed since this "
                f"{record.channel} output was built",
                expected=f"post {post.digest}",
                found=f"built from {record.post_digest}",
                hint=REBUILD,
                **where,
            )
            ctx.stale_posts.add(record.post)
        changed = {
            bid: digest
            for bid, digest in record.block_hashes().items()
            if bid not in project.blocks or project.blocks[bid].digest != digest
        }
        if changed:
            names = [
                f"{bid} ({_rel(ctx, project.blocks[bid].path)})"
                if bid in project.blocks
                else f"{bid} (removed)"
                for bid in changed
            ]
            ctx.add(
                "freshness.block-hash",
                f"stale: built from an older version of block {', '.join(names)}",
                expected=", ".join(
                    f"{bid} {project.blocks[bid].digest if bid in project.blocks else 'removed'}"
                    for bid in changed
                ),
                found=", ".join(f"{bid} {digest}" for bid, digest in changed.items()),
                hint=REBUILD + "; `python build.py where-used BLOCK` lists everything it touches",
                **where,
            )
            ctx.stale_posts.add(record.post)
        if record.campaign is not None:
            _check_campaign(ctx, record.campaign, where)
        _check_files_read(ctx, inputs, record, where)
        _check_approval(ctx, inputs, record, where)
        templates_changed = [
            name.replace(":", "/", 1)
            for name, built in record.depends.items()
            if name.startswith("templates:") and inputs.current(name, built) != built
        ]  # only the templates this output was rendered with: what the next build redoes
        if record.templates_digest != templates.get(record.channel) and templates_changed:
            ctx.add(
                "freshness.template-hash",
                "stale: built with an older " + ", ".join(templates_changed),
                expected=f"templates {templates.get(record.channel)}",
                found=f"built with {record.templates_digest}",
                hint=REBUILD,
                **where,
            )
            ctx.stale_outputs.add(record.path)
    _check_unbuilt(ctx)
    _check_assets(ctx)


def _as_built(inputs: Inputs, record: OutputRecord, post_digest: str) -> bool:
    """Nothing the record was built from has changed: every rule below but the campaign's
    would find nothing (each compares one of these inputs, by the build's own test). The
    common case, answered from the inputs' memo instead of rule by rule: 2,500 records are
    judged on every save of a preview."""
    return record.post_digest == post_digest and inputs.unchanged(record.blocks, record.depends)


def _check_campaign(ctx: CheckContext, name: str, where: Place) -> None:
    campaign = ctx.project.campaigns.get(name)
    recorded = ctx.manifest.campaigns.get(name, {}).get("digest")
    if campaign is None:
        ctx.add(
            "freshness.orphan",
            f"campaign {name!r} is no longer in content/campaigns/",
            hint="rebuild to remove its outputs",
            **where,
        )
    elif recorded != campaign.digest:
        ctx.add(
            "freshness.campaign-hash",
            f"stale: campaign {name!r} ({_rel(ctx, campaign.path)}) changed since the build",
            expected=f"campaign {campaign.digest}",
            found=f"built from {recorded}",
            hint=REBUILD,
            **where,
        )
    else:
        return
    ctx.stale_posts.add(where["post"])


def _check_files_read(
    ctx: CheckContext, inputs: Inputs, record: OutputRecord, where: Place
) -> None:
    """Images and other content files an output embedded (the logo in every one-pager): the
    build re-renders the output when one changes, so `check` must call it stale too."""
    changed = []
    for name, built in record.depends.items():
        kind, _, relative = name.partition(":")
        if kind not in ("content", "file"):
            continue
        if inputs.current(name, built) != built:  # the build's own test for reuse
            changed.append(relative if kind == "file" else f"content/{relative}")
    if changed:
        ctx.add(
            "freshness.asset-hash",
            f"stale: built from an older {', '.join(changed)}",
            hint=REBUILD,
            **where,
        )
        ctx.stale_outputs.add(record.path)


def _check_approval(ctx: CheckContext, inputs: Inputs, record: OutputRecord, where: Place) -> None:
    """An approval given or withdrawn (or a log edited) since the build: the file carries
    the wrong mark, a clean file that is a draft now or a draft that is approved now."""
    for name, built in record.depends.items():
        if not name.startswith(APPROVAL):
            continue
        if inputs.current_in(name, built, record.blocks, record.depends) == built:
            continue
        was = (record.approval or {}).get("state", "unknown")
        ctx.add(
            "freshness.approval",
            f"stale: built as {'a draft' if was == 'draft' else was}; its approval state has "
            "changed since (content/approvals.yaml)",
            hint=REBUILD,
            **where,
        )
        ctx.stale_outputs.add(record.path)


def _check_unbuilt(ctx: CheckContext) -> None:
    built = {record.path for record in ctx.manifest.outputs}
    for job in ctx.planned_jobs():
        if job.path not in built:
            ctx.add(
                "freshness.unbuilt",
                f"{job.describe()} was never built (new in content/, or left out by --only)",
                post=job.post.slug,
                channel=job.channel.name,
                file=job.path,
                hint=REBUILD,
            )
            ctx.stale_posts.add(job.post.slug)


def _check_assets(ctx: CheckContext) -> None:
    """Blog assets are copies of content/images and the blog stylesheet: are they current?"""
    sources = {BLOG_ASSETS + name: path for name, path in ctx.project.assets.items()}
    sources[BLOG_ASSETS + "style.css"] = ctx.templates / BLOG_STYLESHEET
    for relative, path in sorted(sources.items()):
        recorded = ctx.manifest.files.get(relative)
        try:
            current = sha256_of(path.read_bytes())
        except OSError:
            continue
        if recorded != current:
            ctx.add(
                "freshness.asset-hash",
                f"stale: {relative} is not the current copy of {path.name}"
                if recorded
                else f"{relative} was never built ({path.name} added after the build)",
                file=relative,
                expected=f"sha256 {current[:16]}…",
                found=f"sha256 {recorded[:16]}…" if recorded else "not built",
                hint=REBUILD,
            )


def _rel(ctx: CheckContext, path: os.PathLike[str]) -> str:
    try:
        return os.path.relpath(path, ctx.project.root.parent)
    except ValueError:
        return str(path)
