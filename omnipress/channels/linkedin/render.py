"""The LinkedIn channel: ``linkedin/<slug>.txt``, plain UTF-8 text ready to paste.

Layout: the hook (what shows above '…see more'), short paragraphs from ``linkedin.body`` with
blocks in their LinkedIn form, the CTA with the one link (the blog post, UTM-tagged), then
the hashtags. The channel rules in :mod:`omnipress.channels.rules` are applied before anything is
written, so an over-long post fails the build instead of being truncated by LinkedIn.
"""

from __future__ import annotations

import re

from omnipress.channels.base import Job, Rendered, RenderEnvironment, report_rules
from omnipress.channels.linkedin.settings import linkedin_of
from omnipress.channels.views import cta_view, post_view
from omnipress.content.expander import BlockExpander
from omnipress.content.links import with_utm
from omnipress.content.model import Block, Project
from omnipress.content.resolve import closure, effective_cta, references_in
from omnipress.content.schema import template_fields
from omnipress.text.markup import Cleaning
from omnipress.text.plaintext import markdown_to_text


class TextBlockRenderer:
    """Blocks as plain text, through ``templates/linkedin/blocks/<type>.txt``."""

    def __init__(self, env: RenderEnvironment):
        self.env = env
        self.includes = BlockExpander(env.project.blocks, env.problems, self.render, "")
        self.used = self.includes.used

    def text(self, markdown_text: str, source_path: object, depth: int = 0) -> str:
        return self.includes.expand(
            markdown_text,
            depth,
            lambda words: self.plain(words, self.env.cleaning_for(source_path)),  # type: ignore[arg-type]
            lambda parts: "\n\n".join(p for p in parts if p.strip()),
        )

    def plain(self, markdown_text: str, cleaning: Cleaning) -> str:
        """Markdown as plain text: the same text converts the same way in every post that uses
        it (a CTA, a block), so each distinct one is converted once per process."""
        converted = self.env.plain
        if markdown_text not in converted:
            found = Cleaning()
            text = markdown_to_text(markdown_text, self.env.converter, found)
            converted[markdown_text] = (text, found)
        text, found = converted[markdown_text]
        cleaning.removed.extend(found.removed)
        cleaning.refused_paths.extend(found.refused_paths)
        return text

    def block(self, block: Block, depth: int = 0) -> str:
        return self.includes.include(block.id, depth)

    def render(self, block: Block, depth: int) -> str:
        body = self.text(block.body_for("linkedin"), block.path, depth)
        template = self.env.jinja.get_template(f"linkedin/blocks/{block.type}.txt")
        return template.render(
            block=block, fields=template_fields(block.type, block.fields), body=body
        ).strip()


def tidy(text: str) -> str:
    """At most one blank line between paragraphs, no trailing spaces, one final newline."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def hashtags_for(project: Project, job: Job) -> tuple[str, ...]:
    """A campaign's hashtags, else the post's ``linkedin.hashtags``, else the site's."""
    if job.campaign is not None and job.campaign.hashtags:
        return job.campaign.hashtags
    return linkedin_of(job.post).hashtags or project.site.default_hashtags


def render_linkedin(job: Job, env: RenderEnvironment) -> Rendered:
    project = env.project
    post = job.post
    own = linkedin_of(post)
    blocks = TextBlockRenderer(env)
    body = blocks.text(own.body or post.summary, post.path)
    cta = cta_view(project, job)
    blocks.used.append(cta.id)
    cta_text = blocks.text(cta.text, project.blocks[cta.id].path) if cta.text else ""
    campaign = job.campaign.utm_campaign if job.campaign else project.site.utm_campaign
    link = with_utm(
        project.site.post_url(post.slug),
        job.channel.utm_source,
        job.channel.utm_medium,
        campaign,
        job.campaign.utm if job.campaign else {},
    )
    text = env.jinja.get_template("linkedin/post.txt").render(
        post=post_view(project, job),
        hook=own.hook,
        body=body,
        cta=cta,
        cta_text=cta_text,
        link=link,
        hashtags=" ".join("#" + tag.lstrip("#") for tag in hashtags_for(project, job)),
    )
    text = tidy(text)
    report_rules(job, env, text)
    return Rendered(text.encode("utf-8"), tuple(blocks.used))


def block_text(env: RenderEnvironment, block_id: str) -> str:
    """A block's words as the LinkedIn text shows them (nested blocks included)."""
    return TextBlockRenderer(env).block(env.project.blocks[block_id])


def sources(project: Project, job: Job) -> tuple[str, ...]:
    """The blocks ``linkedin.body`` (or the summary standing in for it) includes, and the CTA."""
    post = job.post
    roots = [r.block_id for r in references_in(linkedin_of(post).body or post.summary)]
    roots.append(effective_cta(project, post, job.campaign).id)
    return tuple(closure(project, roots, job.channel.name))
