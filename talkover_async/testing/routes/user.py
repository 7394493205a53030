"""The current user, `GET /api/user` (platform.md §4.6, user session token)."""

from __future__ import annotations

from ..replies import Reply
from ..routing import Ctx, RouteTable

__all__ = ["routes"]

routes = RouteTable()
ACCOUNT = {"auth": "account", "family": "account"}


@routes.get("/api/user", **ACCOUNT)
def current_user(ctx: Ctx) -> Reply:
    """The session's user as a bare object."""
    return Reply(dict(ctx.account.user))
