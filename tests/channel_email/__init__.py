"""A fourth channel that lives only under tests/: a plain-text email announcing a post.

It is the proof that a channel is one package: its declaration, renderer, read-back and one
rule are here, its two templates beside it, and nothing outside this folder names it. A test
registers it (``omnipress.channels.register``, or a monkeypatched registry) and copies its
templates into the project's templates/ folder, as a real channel's would be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omnipress.channels.base import Channel, Job, Rendered, RenderEnvironment, report_rules
from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.channels.rules import Finding
from omnipress.channels.views import cta_view, post_view
from omnipress.content.schema import FieldSpec, Section
from omnipress.errors import Severity

NAME = "email"
TEMPLATES = Path(__file__).parent / "templates"
SUBJECT_MAX = 60  # what a mail client shows of a subject line


def read_email(data: bytes) -> str:
    """The read-back: the message's text."""
    return data.decode("utf-8", "replace")


def subject_of(text: str) -> str:
    first = text.split("\n", 1)[0]
    return first.removeprefix("Subject: ")


def subject_length(text: Any, expect: Expect) -> list[Finding]:
    """The one rule: the subject line fits what a mail client shows."""
    subject = subject_of(text)
    if len(subject) <= SUBJECT_MAX:
        return []
    return [
        Finding(
            "email.subject",
            f"the subject is {len(subject)} characters; mail clients show {SUBJECT_MAX}",
            "shorten the title",
            expected=f"≤ {SUBJECT_MAX}",
            found=str(len(subject)),
        )
    ]


def render_email(job: Job, env: RenderEnvironment) -> Rendered:
    cta = cta_view(env.project, job)
    subject = job.post.settings.get(NAME, {}).get("subject") or job.post.title
    text = env.jinja.get_template("email/message.txt").render(
        post=post_view(env.project, job), cta=cta, subject=subject
    )
    report_rules(job, env, text)
    return Rendered(text.encode("utf-8"), (cta.id,))


def block_text(env: RenderEnvironment, block_id: str) -> str:
    return env.project.blocks[block_id].body_for(NAME)


SECTION = Section(
    key=NAME,
    fields=(
        FieldSpec("subject", "str", help="the subject line, when not the title"),
        FieldSpec("intro", "str", help="Markdown above the link; may include blocks"),
        FieldSpec("blocks", "list[id]", help="blocks the message lists after the link"),
    ),
    required=False,
    help="subject, intro, blocks: the email's subject line and what it adds",
    value=lambda data, line: dict(data),
    scaffold=lambda site: {"subject": ' "Read this before your next trial"'},
    markdown=("intro",),
    blocks=("blocks",),
)
"""Its part of a post's front matter: ``email: {subject: …, intro: …, blocks: […]}``; the
content layer finds includes in ``intro`` and block uses in ``blocks`` by these names."""

RULES = (
    OutputRule(
        "email.subject", NAME, Severity.ERROR, "title", "the message as written", subject_length
    ),
)

CHANNEL = Channel(
    name=NAME,
    label="Email",
    subject="the email of",
    path="email/{slug}.txt",
    media_type="text/plain; charset=utf-8",
    utm_source="newsletter",
    utm_medium="email",
    per_campaign=True,
    templates=("email/*",),
    render=render_email,
    read_back=read_email,
    rules=RULES,
    checks=None,
    block_text=block_text,
    preview="preview/channels/email.html",
    section=SECTION,
)
