"""The blog channel: one static HTML page per post, ``blog/<slug>/index.html``.

The page is complete on its own (canonical URL, Open Graph, ``BlogPosting`` JSON-LD) and links
only to files beside it under ``blog/assets/``, so the folder can be uploaded anywhere.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from omnipress.channels.base import Job, Rendered, RenderEnvironment, report_rules
from omnipress.channels.blog.readback import blog_facts, parse_blog
from omnipress.channels.htmlblocks import HtmlBlockRenderer, html_block_text
from omnipress.channels.views import card_image, cta_view, post_view
from omnipress.content.model import Project
from omnipress.content.resolve import closure, effective_cta, references_in
from omnipress.text.markup import loaded_url, remote_only

ASSETS = "../assets/"


def resolve_image(path: str, env: RenderEnvironment) -> str | None:
    return ASSETS + path if path in env.project.assets else None


def json_ld(env: RenderEnvironment, job: Job) -> Markup:
    """schema.org BlogPosting, escaped so no text can close the script element."""
    site = env.project.site
    post = job.post
    author = env.project.blocks[post.author]
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.description,
        "datePublished": post.date.isoformat(),
        "dateModified": post.date.isoformat(),
        "inLanguage": site.language,
        "url": site.post_url(post.slug),
        "mainEntityOfPage": site.post_url(post.slug),
        "keywords": list(post.tags),
        "author": {
            "@type": "Person",
            "name": author.field("name"),
            "jobTitle": author.field("role"),
        },
        "publisher": {"@type": "Organization", "name": site.name, "url": site.base_url},
    }
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render_blog(job: Job, env: RenderEnvironment) -> Rendered:
    project = env.project
    blocks = HtmlBlockRenderer(env, "blog", lambda path: resolve_image(path, env))
    body, toc = blocks.document(job.post.body, job.post)
    cta = cta_view(project, job)
    blocks.note(cta.id)
    cta_text = blocks.markdown(cta.text, project.blocks[cta.id]) if cta.text else Markup("")
    author_html = blocks.block(job.post.author)
    boilerplate = blocks.block(project.site.boilerplate) if project.site.boilerplate else None
    template = env.jinja.get_template("blog/post.html")
    html = template.render(
        site=project.site,
        post=post_view(project, job),
        body=body,
        toc=toc,
        cta=cta,
        cta_text=cta_text,
        author_bio=author_html,
        boilerplate=boilerplate,
        json_ld=json_ld(env, job),
        card=card_image(project, job.post.slug, job.post.title),
        assets=ASSETS,
        logo=ASSETS + project.site.logo if project.site.logo else None,
    )
    data = html.encode("utf-8")
    document = parse_blog(data)  # parsed once, for its rules and for what it loads
    facts = blog_facts(document)
    loaded = (loaded_url(e.tag, e.attrs) for e in document.root.everything)
    for url in remote_only(loaded):
        env.problems.warning(
            f"the blog page of {job.post.slug!r} loads {url} from another site",
            env.templates / "blog",
            hint="the build fetched nothing, but readers' browsers will: serve files from "
            "blog/assets/ instead",
        )
    report_rules(job, env, facts)
    return Rendered(data, tuple(blocks.used), facts=facts)


def block_text(env: RenderEnvironment, block_id: str) -> str:
    return html_block_text(env, "blog", block_id)


def sources(project: Project, job: Job) -> tuple[str, ...]:
    """What the page shows: the article's blocks, the CTA, the author's bio, the boilerplate,
    with the blocks each includes (the approval state is known before it renders)."""
    roots = [r.block_id for r in references_in(job.post.body)]
    roots += [effective_cta(project, job.post, job.campaign).id, job.post.author]
    if project.site.boilerplate:
        roots.append(project.site.boilerplate)
    return tuple(closure(project, roots, job.channel.name))
