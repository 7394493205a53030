"""`client.user`: the current user, `GET /api/user` (platform.md §4.6), and the account-token
check shared by the Account API resources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from ..config import ENV_ACCOUNT_TOKEN
from ..errors import ConfigurationError
from ..models.account import User
from ..operations import account as ops
from ..options import RequestOptions
from .base import Resource

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["UserResource", "require_account_token"]


def require_account_token(client: AsyncTalkover, options: RequestOptions) -> None:
    """Raise `ConfigurationError` before any I/O when an Account API call has no account token
    (neither `account_token=` / `TALKOVER_ACCOUNT_TOKEN` nor a per-call `token=`): the `talq_`
    environment token is not accepted there and must not be sent instead."""
    if client._account_token is None and options.get("token") is None:
        raise ConfigurationError(
            "the Account API needs a user session token or personal access token: pass "
            f"account_token= to AsyncTalkover, set {ENV_ACCOUNT_TOKEN}, or pass token= to "
            "this call"
        )


class UserResource(Resource):
    """The user behind the account token: `client.user`."""

    __slots__ = ()

    async def get(self, **options: Unpack[RequestOptions]) -> User:
        """`GET /api/user` (note: no `/v1`; a bare object, no envelope). Account token."""
        require_account_token(self._client, options)
        result: User = await self._client.call(ops.USER_GET, options=options)
        return result
