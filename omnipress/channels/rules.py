"""What every channel's rules share: the words a finding's hint ends with when the fix is to
build again. Each channel's rules live in its package (``channels/<name>/rules.py``); the
build and ``check`` run them from the registry (``Channel.rules``)."""

from __future__ import annotations

from omnipress.errors import Finding as Finding  # where a channel's rules have found it

REBUILD = "run `python build.py`, then check again"
