"""The channel rules and the consistency rules, applied to one post's files read back.

The reference a channel is held to is the content the files were built from. When the
manifest proves that content unchanged since the build, each file is compared with it, so a
finding names the one channel that differs. When the content has changed (``freshness``
already says so), the files are compared with each other, the blog page being the reference,
and checks that need today's content (block words, where figures come from) wait for a
rebuild. The blog's and the PDF's own rules are in ``checks_blog`` and ``checks_pdf``.
"""

from __future__ import annotations

from omnipress.build.manifest import OutputRecord
from omnipress.channels import rules
from omnipress.channels.output_rules import Expect, judge
from omnipress.channels.readback import (
    contains,
    read_pdf,
    read_text,
)
from omnipress.check.postcheck import REBUILD, PostCheck
from omnipress.content.links import utm_params


class ConsistencyCheck(PostCheck):
    """A post's files handed, one by one, to the rules of their channel; and the LinkedIn
    text's own checks. Apart from :class:`PostCheck` so that the channels' checks, which
    only need the reference, never import the module that runs them."""

    def run(self) -> None:
        from omnipress.check.checks_blog import check_blog
        from omnipress.check.checks_pdf import check_pdf
        from omnipress.check.rendered import check_rendered

        for record in self.records:
            data = self.read(record)
            if data is None:
                continue
            check_rendered(self.ctx, record, data)
            if record.channel == "blog" and self.blog is not None and record.campaign is None:
                check_blog(self, record, self.blog)
            elif record.channel == "pdf":
                check_pdf(self, record, read_pdf(data))
            elif record.channel == "linkedin":
                text, problem = read_text(data)
                if problem:
                    self.add(
                        record,
                        "linkedin.encoding",
                        f"the text is {problem}",
                        hint="save it as UTF-8, or " + REBUILD,
                    )
                self.check_linkedin(record, text)

    def check_linkedin(self, record: OutputRecord, text: str) -> None:
        ref, project = self.ref, self.ctx.project
        expect = Expect(ref.title, ref.canonical, ref.source)
        findings = [finding for _rule, finding in judge("linkedin", text, expect)]
        self.ctx.add_rule_findings(findings, self.slug, record.channel, record.path)
        links = rules.URL_PATTERN.findall(text)
        campaign = project.campaigns.get(record.campaign) if record.campaign else None
        wanted = campaign.utm_campaign if campaign else project.site.utm_campaign
        if len(links) == 1 and self.checks_content(record):
            tagged = utm_params(links[0].rstrip(".,;:!?)")).get("utm_campaign")
            if tagged != wanted:
                self.add(
                    record,
                    rules.LINKEDIN_LINKS,
                    "the link carries the wrong utm_campaign",
                    expected=wanted,
                    found=tagged or "none",
                    hint=REBUILD,
                )
        cta = self.cta_reference(record.campaign)
        if cta is not None and not contains(text, cta.label):
            self.add(
                record,
                "consistency.cta-label",
                f"the post does not carry the CTA label of {cta.source}",
                expected=cta.label,
                found="missing",
                hint=REBUILD,
            )
        if self.checks_content(record):
            for block_id in record.blocks:
                block = project.blocks.get(block_id)
                if block is not None and block.type != "cta":
                    self.check_text_block(record, text, block)
            self.check_figures(record, text)
