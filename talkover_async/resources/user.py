"""`client.user`: the current user, `GET /api/user` (platform.md §4.6), and the account-token
check shared by the Account API resources."""

from __future__ import annotations

from typing import Unpack

from ..models.user import User
from ..operations import Operation
from ..options import RequestOptions
from .base import Resource

__all__ = ["UserResource"]


class UserResource(Resource):
    """The user behind the account token: `client.user`."""

    __slots__ = ()

    _GET = Operation(
        "user.get",
        "GET",
        "/user",
        User,
        side_effect=False,
        auth="account",
        root=True,
        summary="The session's user (bare object; no `/v1`)",
    )

    async def get(self, **options: Unpack[RequestOptions]) -> User:
        """`GET /api/user` (note: no `/v1`; a bare object, no envelope). Account token."""
        result: User = await self._client._execute(self._GET, options=options)
        return result
