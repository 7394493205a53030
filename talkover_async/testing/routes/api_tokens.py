"""Personal access tokens (platform.md §4.3-4.5).

PAT endpoints answer without `success` (`{data}`, `{message}`), as documented; the created
token (`<n>|<40 chars>`) works on Account API endpoints until revoked.
"""

from __future__ import annotations

from ..replies import ApiError, Reply
from ..routing import Ctx, RouteTable

__all__ = ["routes"]

routes = RouteTable()
ACCOUNT = {"auth": "account", "family": "account"}


def _token_json(token: dict[str, object]) -> dict[str, object]:
    return {k: token[k] for k in ("id", "name", "abilities", "last_used_at", "created_at")}


@routes.get("/user/api-tokens", **ACCOUNT)
def list_tokens(ctx: Ctx) -> Reply:
    """Token metadata only (`{data: [...]}`, no `success`)."""
    tokens = [t for t in ctx.account.api_tokens.values() if not t["_revoked"]]
    return Reply({"data": [_token_json(t) for t in tokens]})


@routes.post("/user/api-tokens", **ACCOUNT)
def create_token(ctx: Ctx) -> Reply:
    """Create a token; its value is returned this once."""
    c = ctx.check()
    name = c.string("name", required=True, max_len=255)
    abilities = c.array("abilities", item_type=str)
    c.done()
    number = len(ctx.account.api_tokens) + 2
    value = f"{number}|{ctx.fake.ids.secret(40)}"
    token: dict[str, object] = {
        "id": str(number),
        "name": name,
        "abilities": list(abilities) if abilities else ["*"],
        "last_used_at": None,
        "created_at": ctx.iso(),
        "_value": value,
        "_revoked": False,
    }
    ctx.account.api_tokens[str(number)] = token
    data = {k: token[k] for k in ("id", "name", "abilities")}
    data.update(token=value, created_at=token["created_at"])
    return Reply({"data": data}, ctx.created())


@routes.delete("/user/api-tokens/{token_id}", **ACCOUNT)
def revoke_token(ctx: Ctx) -> Reply:
    """Revoke a token at once (`{message: "Token revoked"}`)."""
    token = ctx.account.api_tokens.get(ctx.params["token_id"])
    if token is None or token["_revoked"]:
        raise ApiError(404, "Token not found.", shape="bare")
    token["_revoked"] = True
    return Reply({"message": "Token revoked"})
