"""The LinkedIn text's rules beyond its one-output rules: its encoding, the campaign its one
link is tagged for, the CTA label, block words and figures against the post."""

from __future__ import annotations

from typing import Any

from omnipress.channels.checking import OutputFile, PostChecker
from omnipress.channels.linkedin.readback import Text
from omnipress.channels.linkedin.rules import LINKEDIN_LINKS
from omnipress.channels.readback import contains
from omnipress.channels.rules import REBUILD
from omnipress.content.links import URL_PATTERN, utm_params


def check_linkedin(pc: PostChecker, record: OutputFile, facts: Any) -> None:
    text: Text = facts
    if text.problem:
        problem = text.problem
        pc.add(
            record,
            "linkedin.encoding",
            f"the text is {problem}",
            hint="save it as UTF-8, or " + REBUILD,
        )
    project = pc.project
    links = URL_PATTERN.findall(text)
    campaign = project.campaigns.get(record.campaign) if record.campaign else None
    wanted = campaign.utm_campaign if campaign else project.site.utm_campaign
    if len(links) == 1 and pc.checks_content(record):
        tagged = utm_params(links[0].rstrip(".,;:!?)")).get("utm_campaign")
        if tagged != wanted:
            pc.add(
                record,
                LINKEDIN_LINKS,
                "the link carries the wrong utm_campaign",
                expected=wanted,
                found=tagged or "none",
                hint=REBUILD,
            )
    cta = pc.cta_reference(record.campaign)
    if cta is not None and not contains(text, cta.label):
        pc.add(
            record,
            "consistency.cta-label",
            f"the post does not carry the CTA label of {cta.source}",
            expected=cta.label,
            found="missing",
            hint=REBUILD,
        )
    if pc.checks_content(record):
        for block_id in record.blocks:
            block = project.blocks.get(block_id)
            if block is not None and block.type != "cta":
                pc.check_text_block(record, text, block)
        pc.check_figures(record, text)
