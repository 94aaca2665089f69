"""The channel rules and the consistency rules, applied to one post's files read back.

The reference a channel is held to is the content the files were built from. When the
manifest proves that content unchanged since the build, each file is compared with it, so a
finding names the one channel that differs. When the content has changed (``freshness``
already says so), the files are compared with each other, the reference channel's page being
the reference, and checks that need today's content (block words, where figures come from)
wait for a rebuild. Each channel's own rules are in its package (``channels/<name>/``): this
module loops over the registry and names none.
"""

from __future__ import annotations

from omnipress.channels import by_name
from omnipress.channels.base import judge
from omnipress.channels.output_rules import Expect
from omnipress.check.postcheck import PostCheck


class ConsistencyCheck(PostCheck):
    """A post's files handed, one by one, to the rules of their channel. Apart from
    :class:`PostCheck` so that the channels' checks, which only need the reference, never
    import the module that runs them."""

    def run(self) -> None:
        from omnipress.check.rendered import check_rendered, fresh_token

        ref = self.ref
        expect = Expect(ref.title, ref.canonical, ref.source)
        known = self.ctx.known
        for record in self.records:
            # rendered by the build that seeds this verdict: its facts are in memory, and it
            # is what the content renders to now by construction (freshness.rendered holds)
            data = None if record.path in known else self.read(record)
            if data is not None:
                check_rendered(self.ctx, record, data)
            elif record.path in known:
                self.ctx.verified[record.path] = fresh_token(record)
            else:
                continue
            channel = by_name(record.channel)
            if channel is None or channel.read_back is None:
                continue  # a file of a channel no longer built: freshness says so
            if record is self.reference_record:
                facts = self.blog
            else:
                facts = known[record.path] if data is None else self.ctx.read_back(channel, data)
            unreadable = channel.unreadable(facts) if channel.unreadable else None
            if unreadable is not None:
                self.add_finding(record, unreadable)
                continue
            for _rule, finding in judge(channel, facts, expect):
                self.add_finding(record, finding)
            if channel.checks is not None:
                channel.checks(self, record, facts)
