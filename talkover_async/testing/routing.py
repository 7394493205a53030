"""Route tables: which handler answers `METHOD path`, with which credentials and error shapes.

Each `routes/` module declares its endpoints on a `RouteTable` with the documented path
template (relative to `/api/v1`, or absolute for `/api/user`). The `Router` picks the route
whose literal segments match best (`/callback-agents/stats` beats
`/callback-agents/{agent_id}`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .replies import ApiError, ErrorShape, Reply
from .validation import Checker

if TYPE_CHECKING:
    from .fake import FakeTalkover
    from .journal import RequestView
    from .state import Account, Agent, Environment

__all__ = ["Auth", "Ctx", "Family", "Handler", "Route", "RouteTable", "Router"]

Auth = Literal["environment", "account", "none"]
# "webhook" routes answer 401 `{"message": "Missing Bearer Token"}` and Laravel 422 bodies;
# "account" routes (PATs, /api/user) answer without `success` keys.
Family = Literal["default", "webhook", "account"]
Handler = Callable[["Ctx"], Reply | Awaitable[Reply]]


@attrs.frozen
class Route:
    """One endpoint: method, documented template, handler, credential kind, error family."""

    method: str
    template: str
    handler: Handler
    auth: Auth = "environment"
    family: Family = "default"
    unauthorized: str = "Unauthenticated."

    @property
    def key(self) -> str:
        """`"POST /agents/{agent_id}/call"`."""
        return f"{self.method} {self.template}"

    @property
    def root(self) -> bool:
        """True for paths outside `/api/v1` (`/api/user`)."""
        return self.template.startswith("/api/")

    def match(self, path: str) -> dict[str, str] | None:
        """Path parameters when `path` (relative to `/api/v1` unless root) fits the template."""
        want = self.template.strip("/").split("/")
        got = path.strip("/").split("/")
        if len(want) != len(got):
            return None
        params: dict[str, str] = {}
        for pattern, segment in zip(want, got, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                if not segment:
                    return None
                params[pattern[1:-1]] = segment
            elif pattern != segment:
                return None
        return params

    @property
    def literal_count(self) -> int:
        """Number of literal segments (more wins)."""
        return sum(1 for s in self.template.split("/") if s and not s.startswith("{"))


class RouteTable:
    """Routes declared by one module, with decorators per method."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, **options: Any) -> Callable[[Handler], Handler]:
        """Register the decorated function for `method template`."""

        def decorator(handler: Handler) -> Handler:
            self.routes.append(Route(method, template, handler, **options))
            return handler

        return decorator

    def get(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        """A GET route."""
        return self.add("GET", template, **options)

    def post(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        """A POST route."""
        return self.add("POST", template, **options)

    def put(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        """A PUT route."""
        return self.add("PUT", template, **options)

    def patch(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        """A PATCH route."""
        return self.add("PATCH", template, **options)

    def delete(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        """A DELETE route."""
        return self.add("DELETE", template, **options)


class Router:
    """Finds the route for a request path."""

    def __init__(self, tables: Iterable[RouteTable]) -> None:
        self.routes = [route for table in tables for route in table.routes]
        keys = [r.key for r in self.routes]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise ValueError(f"duplicate routes: {sorted(duplicates)}")

    def find(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """`(route, params, path_known)`; `path_known` is True when some route has this path
        with another method (a 405 rather than a 404)."""
        if path.startswith("/api/v1/"):
            relative, root = path[len("/api/v1") :], False
        else:
            relative, root = path, True
        best: tuple[Route, dict[str, str]] | None = None
        path_known = False
        for route in self.routes:
            if route.root != root:
                continue
            params = route.match(relative)
            if params is None:
                continue
            if route.method != method:
                path_known = True
                continue
            if best is None or route.literal_count > best[0].literal_count:
                best = (route, params)
        if best is None:
            return None, {}, path_known
        return best[0], best[1], True

    def templates(self) -> list[str]:
        """Every `METHOD template` served, sorted."""
        return sorted(r.key for r in self.routes)


@attrs.define
class Ctx:
    """What a handler gets: the fake, the caller's environment (or account), the request."""

    fake: FakeTalkover
    route: Route
    view: RequestView
    params: dict[str, str]
    body: dict[str, Any]
    env_or_none: Environment | None = None

    @property
    def env(self) -> Environment:
        """The caller's environment (environment-token routes only)."""
        if self.env_or_none is None:  # pragma: no cover - routing guarantees it
            raise RuntimeError("route has no environment")
        return self.env_or_none

    @property
    def account(self) -> Account:
        """The user account behind every environment."""
        return self.fake.account

    @property
    def query(self) -> Mapping[str, str]:
        """Query parameters (last value wins)."""
        return self.view.query

    @property
    def now(self) -> float:
        """Virtual seconds now."""
        return self.fake.clock.time

    def iso(self, seconds: float | None = None, *, micro: bool = False) -> str:
        """ISO text for now (or `seconds`)."""
        return self.fake.clock.iso(seconds, micro=micro)

    def created(self) -> int:
        """The status of a create whose page shows none (`status.create` in `unknowns.py`)."""
        return 201 if self.fake.unknowns.pick("status.create") == 1 else 200

    def new_id(self) -> str:
        """A fresh uuid4 string."""
        return self.fake.ids.new()

    @property
    def shape(self) -> ErrorShape:
        """Validation error shape: Laravel E4 everywhere (the only documented field-validation
        body; see `unknowns.py`, `error.validation`)."""
        return "laravel"

    def check(self, body: Mapping[str, Any] | None = None) -> Checker:
        """A validator for the body (or another mapping) with this route's error shape."""
        return Checker(self.body if body is None else body, shape=self.shape)

    def agent(self, agent_id: str | None = None, *, message: str | None = None) -> Agent:
        """The agent named by the path, or the documented 404."""
        agent_id = agent_id or self.params["agent_id"]
        agent = self.env.agents.get(agent_id)
        if agent is None:
            if message is None:
                message = (
                    "Agent not found in this environment."
                    if self.route.family == "webhook"
                    else "Agent not found"
                )
            raise ApiError(404, message, table_code="AGENT_NOT_FOUND")
        return agent
