"""The account's credit balance, Account API (platform.md §4.1-4.2). These endpoints take the
user session token (`account_token`), not the `talq_` environment token. A credit purchase
returns a `Charge` (models.auto_topup).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["CreditBalance"]


@attrs.frozen(kw_only=True)
class CreditBalance:
    """The account's credit balance at `as_of`."""

    balance: float | None = None
    currency: str | None = None
    auto_topup_enabled: bool | None = None
    as_of: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
