"""Personal access tokens of the Account API (platform.md §4.3-4.5; user session token,
not `talq_`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["ApiToken"]


@attrs.frozen(kw_only=True)
class ApiToken:
    """A personal access token. `token` (the secret, `1|abc...`) is set only on the object
    `api_tokens.create` returns, once; it never appears in `repr`. `abilities` values seen:
    `*` (full access) and `read`."""

    id: str
    name: str | None = None
    abilities: list[str] = attrs.field(factory=list)
    last_used_at: datetime | None = None
    created_at: datetime | None = None
    token: str | None = attrs.field(default=None, repr=False)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
