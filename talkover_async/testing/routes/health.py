"""The health check (overview.md §2.4)."""

from __future__ import annotations

from ..replies import Reply
from ..routing import Ctx, RouteTable

__all__ = ["routes"]

routes = RouteTable()


@routes.get("/health", auth="none")
def health(ctx: Ctx) -> Reply:
    """Liveness (undocumented shape; the fake answers `{success, data: {status, time}}`)."""
    return Reply({"success": True, "data": {"status": "ok", "time": ctx.iso()}})
