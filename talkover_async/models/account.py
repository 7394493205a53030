"""Account API objects: credit balance, personal access tokens, the current user
(platform.md §4). These endpoints take the user session token (`account_token`), not the
`talq_` environment token. A credit purchase returns a `Charge` (models.billing).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["ApiToken", "CreditBalance", "User"]


@attrs.frozen(kw_only=True)
class CreditBalance:
    """The account's credit balance at `as_of`."""

    balance: float | None = None
    currency: str | None = None
    auto_topup_enabled: bool | None = None
    as_of: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


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


@attrs.frozen(kw_only=True)
class User:
    """The session's user (`GET /api/user`, a bare object)."""

    id: str
    name: str | None = None
    email: str | None = None
    current_environment_id: str | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
