"""Operations of the Account API (platform.md §4): user session token (`auth="account"`),
not the `talq_` environment token. `GET /api/user` sits outside `/api/v1` (`root=True`)."""

from __future__ import annotations

from ..models.account import ApiToken, CreditBalance, User
from ..models.billing import Charge
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

CREDITS_BALANCE = register(
    Operation(
        "credits.balance",
        "GET",
        "/credits/balance",
        True,
        CreditBalance,
        auth="account",
        summary="Account credit balance",
    )
)
CREDITS_PURCHASE = register(
    Operation(
        "credits.purchase",
        "POST",
        "/credits/purchase",
        False,
        Charge,
        auth="account",
        summary="One-off credit purchase (charges money; 402 `PAYMENT_FAILED`)",
    )
)
API_TOKENS_LIST = register(
    Operation(
        "api_tokens.list",
        "GET",
        "/user/api-tokens",
        True,
        list[ApiToken],
        auth="account",
        summary="The user's personal access tokens (`{data}` only, metadata)",
    )
)
API_TOKENS_CREATE = register(
    Operation(
        "api_tokens.create",
        "POST",
        "/user/api-tokens",
        False,
        ApiToken,
        auth="account",
        summary="Create a personal access token (secret returned once)",
    )
)
API_TOKENS_DELETE = register(
    Operation(
        "api_tokens.delete",
        "DELETE",
        "/user/api-tokens/{token_id}",
        True,
        Ack,
        auth="account",
        summary="Revoke a personal access token (`{message}` only)",
    )
)
USER_GET = register(
    Operation(
        "user.get",
        "GET",
        "/user",
        True,
        User,
        auth="account",
        root=True,
        summary="The session's user (bare object; no `/v1`)",
    )
)
