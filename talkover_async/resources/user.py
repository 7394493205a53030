"""`client.user`: the current user, `GET /api/user` (platform.md §4.6), and the account-token
check shared by the Account API resources."""

from __future__ import annotations

from typing import Unpack

from ..models.account import User
from ..operations import account as ops
from ..options import RequestOptions
from .base import Resource

__all__ = ["UserResource"]


class UserResource(Resource):
    """The user behind the account token: `client.user`."""

    __slots__ = ()

    async def get(self, **options: Unpack[RequestOptions]) -> User:
        """`GET /api/user` (note: no `/v1`; a bare object, no envelope). Account token."""
        result: User = await self._client._execute(ops.USER_GET, options=options)
        return result
