"""`client.auto_topup`: settings, disable, test, payment methods, history (platform.md §3)."""

from __future__ import annotations

from .base import Resource

__all__ = ["AutoTopupResource"]


class AutoTopupResource(Resource):
    """client.auto_topup."""

    __slots__ = ()
