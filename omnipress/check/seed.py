"""The build's verdicts as ``check``'s cache: the check after a build reads nothing back.

Reading a library's files back costs ``check`` about what rendering the text channels cost the
build, mostly the PDFs' text; yet the build has just held every one of those files in memory,
and judged most of them already (its one-output rules run on the same facts). So a build run
from the command line keeps each rendered output's facts (what its channel's read-back gives
for those bytes: ``Rendered.facts``, or the read-back of the bytes in memory) and hands them
up, through its report, to :func:`seed_verdicts`, which the cli calls once the build has
succeeded. It runs ``check``'s own per-post rules (``consistency``, the channels' checks, their
one-output rules) on those facts, in the same worker pool ``check`` uses, and stores each
post's findings under the same key ``check`` computes, in the same cache file.

Why here and not in the build: the build may not import ``check`` (layers), and the rules must
stay one table run by one piece of code. Moving the consistency rules down below the build
would move ``check``'s whole per-post machinery with them; instead the build only exports
facts, and ``check`` decides what they prove. Nothing is duplicated: the seeded verdict is made
by the very code that makes a read-back verdict, with only the read replaced.

What a seeded verdict assumes, and why each holds:
- the file holds the bytes the facts were read from: the key includes each file's sha256, taken
  here from the manifest (the build wrote exactly those bytes); the next ``check`` hashes the
  files (or proves them by their status), so a file changed since, even by one byte of the same
  size, changes the key and is read back;
- ``freshness.rendered``: an output rendered by this build *is* what the content renders to,
  so comparing it again would find nothing; the key includes today's hash of every input,
  so content changed during or after the build misses the cache and is read back;
- only posts whose every output was rendered in this build are seeded. A post with a reused
  output keeps its previous verdict, which ``check`` trusts only under its key.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from omnipress.build.builder import BuildReport
from omnipress.build.manifest import Manifest, OutputRecord
from omnipress.check.checkcache import CheckCache, PostVerdict, cache_path, checker_digest
from omnipress.check.checkmodel import CheckContext
from omnipress.check.checkposts import post_key, run_posts, templates_key, users_of_blocks
from omnipress.check.freshness import check_stale


def seed_verdicts(output: Path, templates: Path, report: BuildReport, jobs: int) -> list[str]:
    """Store the verdict of each post the build rendered whole, judged from its facts; returns
    the slugs seeded. A cache that cannot be written only leaves the next check slower."""
    manifest, project, facts = report.manifest, report.project, report.facts
    if manifest is None or project is None or not facts:
        return []
    where = cache_path(output)
    cache = CheckCache.load(where, checker_digest())
    # as ``check`` will read it from manifest.json, so every part of the key is the same
    built = Manifest.from_json(manifest.to_json())
    ctx = CheckContext(output, built, project, templates, cache=cache, known=facts)
    ctx.file_shas.update({r.path: r.sha256 for r in built.outputs})
    ctx.file_shas.update(built.files)
    check_stale(ctx)  # its findings are site-wide, made again by every check: not kept
    records: dict[str, list[OutputRecord]] = defaultdict(list)
    for record in built.outputs:
        records[record.post].append(record)
    slugs = [
        slug
        for slug in sorted(records)
        if slug in project.posts and all(r.path in facts for r in records[slug])
    ]
    users, layouts = users_of_blocks(ctx), templates_key(templates)
    for slug, (findings, probes, verified, _read) in zip(
        slugs, run_posts(ctx, slugs, jobs), strict=True
    ):
        key = post_key(ctx, slug, records[slug], users, layouts, cache.checker)
        cache.posts[slug] = PostVerdict(key, findings, probes, verified)
    cache.posts = {slug: v for slug, v in cache.posts.items() if slug in records}
    cache.files = {p: entry for p, entry in cache.files.items() if p in ctx.file_shas}
    cache.save(where)
    return slugs
