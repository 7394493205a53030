"""`client.api_tokens`: the user's personal access tokens, Account API (platform.md §4.3-4.5)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Unpack

from ..models.api_tokens import ApiToken
from ..models.results import Ack
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_list, check_str
from .base import Resource, drop_none

__all__ = ["ApiTokensResource"]


class ApiTokensResource(Resource):
    """Personal access tokens (user-scoped): `client.api_tokens` (account token)."""

    __slots__ = ()

    _LIST = Operation(
        "api_tokens.list",
        "GET",
        "/user/api-tokens",
        builtins.list[ApiToken],
        side_effect=False,
        auth="account",
        summary="The user's personal access tokens (`{data}` only, metadata)",
    )

    async def list(self, **options: Unpack[RequestOptions]) -> builtins.list[ApiToken]:
        """`GET /user/api-tokens`: metadata only, never the secret (`{data}` without
        `success`; not paginated)."""
        result: builtins.list[ApiToken] = await self._client._execute(self._LIST, options=options)
        return result

    _CREATE = Operation(
        "api_tokens.create",
        "POST",
        "/user/api-tokens",
        ApiToken,
        side_effect=True,
        auth="account",
        summary="Create a personal access token (secret returned once)",
    )

    async def create(
        self,
        *,
        name: str,
        abilities: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ApiToken:
        """`POST /user/api-tokens`: `name` up to 255 characters, `abilities` (default full
        access, `["*"]`). The secret is in `.token`, returned only this once; the client
        redacts it from logs and errors from now on. Not retried once it may have reached the
        server (a repeat would mint a second token)."""
        body = drop_none(
            {
                "name": check_str("name", name, min_len=1, max_len=255),
                "abilities": None
                if abilities is None
                else check_list("abilities", abilities, min_items=1),
            }
        )
        result: ApiToken = await self._client._execute(self._CREATE, body=body, options=options)
        self._client._redactor.add(result.token)
        return result

    _DELETE = Operation(
        "api_tokens.delete",
        "DELETE",
        "/user/api-tokens/{token_id}",
        Ack,
        side_effect=False,
        auth="account",
        summary="Revoke a personal access token (`{message}` only)",
    )

    async def delete(self, token_id: str, **options: Unpack[RequestOptions]) -> Ack:
        """`DELETE /user/api-tokens/{token_id}`: immediate, permanent revocation (the body is
        `{message: "Token revoked"}` only)."""
        result: Ack = await self._client._execute(
            self._DELETE, {"token_id": token_id}, options=options
        )
        return result
