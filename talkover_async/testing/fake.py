"""`FakeTalkover`: an in-memory, stateful model of the whole Talkover API.

    fake = FakeTalkover(token="talq_test")
    client = AsyncTalkover("talq_test", transport=MockTransport(fake))   # in-process
    async with serve_fake(fake) as base_url: ...                          # real HTTP

The fake answers every documented endpoint with the documented bodies, keeps one state per
environment token, moves calls along a virtual clock (`await fake.advance(seconds)`),
delivers signed webhooks, limits rates like a plan, injects faults (`fake.faults`) and
journals every request (`fake.journal`). It uses only `talkover_async.http` and `_json` from
the SDK, so it also checks the SDK from the outside.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import time
import traceback
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

import attrs
from yarl import URL

from .. import _json
from ..http import Request, Response
from .catalog import EMMA, phone_number, voice_template
from .clock import VirtualClock
from .delivery import Deliverer, WebhookSink
from .documented import (
    FORBIDDEN_MESSAGES,
    GENERIC_FORBIDDEN,
    INTERNAL_ERROR,
    SERVER_ERROR_BODIES,
    allows,
)
from .faults import GATEWAY_PAGE as _GATEWAY_PAGE
from .faults import GATEWAY_REASONS as _GATEWAY_REASONS
from .faults import (
    FaultKind,
    Faults,
    Hang,
    Html,
    Latency,
    RateLimited,
    ResetAfter,
    ResetBefore,
    ServerError,
    Status,
    Truncated,
    kind_name,
)
from .journal import Journal, JournalEntry, RequestView
from .lifecycle import OUTCOMES, CallTiming, Engine
from .replies import ERROR_STYLES, ApiError, ErrorStyle, Reply
from .routes import TABLES
from .routing import Ctx, Route, Router
from .seeding import Seeding
from .shaping import render_error, shape_reply
from .state import Account, Agent, Call, Campaign, DeliveryLog, Environment, Ids
from .unknowns import Mode, Unknowns, default_unknowns

__all__ = ["DEFAULT_ACCOUNT_TOKEN", "DEFAULT_TOKEN", "FakeTalkover", "Outcome"]

DEFAULT_TOKEN = "talq_fake_environment_token"  # noqa: S105 - the fake's own token
DEFAULT_ACCOUNT_TOKEN = "1|fake_user_session_token"  # noqa: S105 - the fake's own token
RATE_WINDOW = 60.0
_JSON = {"Content-Type": "application/json"}


@attrs.frozen
class Outcome:
    """What the fake does with a request: answer it, reset the connection, or never answer
    (`hang`: seconds to hold a loopback connection; `wait`: seconds before an in-process
    `TimeoutError`)."""

    action: Literal["respond", "reset", "hang"]
    status: int | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    body: bytes = b""
    wait: float = 0.0
    hang: float = 0.0


@attrs.define
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    json: Any
    processed: bool
    environment: str | None = None
    unexpected: bool = False


def _env_id(env: Environment | None) -> str | None:
    return env.id if env is not None else None


def _shape(route: Route | None) -> Literal["flat", "bare"]:
    """The documented shape of the fake's own errors on `route`: E5 `{message}` on the
    Account API token routes, whose bodies carry no `success` (`error.shape`), else E2/E3."""
    return "bare" if route is not None and route.family == "account" else "flat"


class FakeTalkover(Seeding):
    """The fake API. Call it with a `talkover_async.http.Request` (it is the handler of a
    `MockTransport`), or serve it with `serve_fake`.

    `token` is the first environment's token (more with `add_environment`); `account_token`
    the user session token of the Account API. `rate_limit_per_minute` (None: unlimited)
    counts requests per environment over a sliding minute of the virtual clock (or of real
    monotonic time with `rate_limit_clock="real"`). `strict` records requests to unknown
    routes as unexpected. `error_style` renders errors in the route's documented shape
    (`"documented"`) or forces `"nested"` (E1), `"flat"` (E3) or `"plain"` (E2). `seed` makes
    ids reproducible; `start` sets the virtual start instant; `realtime` lets the clock follow
    the wall clock as requests arrive.

    `unknowns` decides what the fake does where the docs are silent (`unknowns.py` lists every
    such choice): `"honest"` (default) always makes the listed default choice; `"vary"` draws
    one of the documented alternatives per request from `random.Random(seed)`. Left unset, it
    follows `use_unknowns(...)` (the pytest plugin's `--talkover-vary-seeds`). `abilities`
    scopes the first environment token (`["read"]`, `["*"]`, route keys; see
    `add_environment`).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        account_token: str = DEFAULT_ACCOUNT_TOKEN,
        rate_limit_per_minute: int | None = None,
        rate_limit_clock: Literal["virtual", "real"] = "virtual",
        strict: bool = True,
        error_style: ErrorStyle = "documented",
        seed: int | None = None,
        start: datetime | None = None,
        realtime: bool = False,
        balance: float = 100.0,
        unknowns: Mode | None = None,
        abilities: Sequence[str] | None = None,
    ) -> None:
        unknowns_seed = seed
        if unknowns is None:  # from `use_unknowns` (the plugin's --talkover-vary-seeds)
            unknowns, default_seed = default_unknowns()
            unknowns_seed = default_seed if default_seed is not None else seed
        self.unknowns = Unknowns(unknowns, unknowns_seed)
        self.clock = VirtualClock(start, realtime=realtime)
        self.ids = Ids(seed)
        self.router = Router(TABLES)
        self.faults = Faults()
        self.journal = Journal()
        self.engine = Engine(self)
        self.deliverer = Deliverer(self)
        self.timing = CallTiming()
        self.default_call_outcome = "completed"
        self.duplicate_rule: Literal["active", "any"] = "active"
        self.webhook_sink: WebhookSink | None = None
        self.deliveries: list[DeliveryLog] = []
        self.internal_errors: list[str] = []
        self.strict = strict
        self.rate_limit_per_minute = rate_limit_per_minute
        self.rate_limit_clock = rate_limit_clock
        self._error_style: ErrorStyle = "documented"
        self.error_style = error_style
        self._outcomes: dict[str, tuple[str, int | None]] = {}
        self._windows: dict[str, list[float]] = {}
        self._envs: dict[str, Environment] = {}
        self.account = Account(
            user={
                "id": self.ids.new(),
                "name": "Fake User",
                "email": "fake.user@example.com",
                "current_environment_id": "",
                "created_at": self.clock.iso(),
            },
            session_tokens={account_token},
            balance=balance,
            payment_methods=[
                {
                    "id": "pm_fake_visa_4242",
                    "type": "card",
                    "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030},
                    "is_default": True,
                    "created_at": self.clock.iso(),
                }
            ],
        )
        first = self.add_environment(token, name="Default", abilities=abilities)
        self.account.user["current_environment_id"] = first.id

    # -- configuration -----------------------------------------------------------------

    @property
    def error_style(self) -> ErrorStyle:
        """How errors are rendered (`documented`, `nested`, `flat`, `plain`)."""
        return self._error_style

    @error_style.setter
    def error_style(self, value: ErrorStyle) -> None:
        if value not in ERROR_STYLES:
            raise ValueError(f"error_style must be one of {ERROR_STYLES}")
        self._error_style = value

    def add_environment(
        self, token: str, *, name: str | None = None, abilities: Sequence[str] | None = None
    ) -> Environment:
        """Honour another environment token, with its own empty data and one voice number.

        `abilities` scopes the token (the docs document no scopes for environment tokens: this
        is the fake's own model, the same as personal access tokens'): None or `["*"]` allow
        everything, `"read"` allows GET requests, and a route key such as
        `"DELETE /agents/{agent_id}"` allows that route. Other calls answer the documented 403.
        """
        if token in self._envs:
            raise ValueError("an environment with this token exists")
        index = len(self._envs)
        env = Environment(
            token=token,
            id=self.ids.new(),
            name=name or f"Environment {index + 1}",
            abilities=tuple(abilities) if abilities is not None else None,
        )
        number = phone_number(self.ids.new(), f"+1415555{index:04d}", self.clock.iso())
        env.phone_numbers[number["id"]] = number
        self._envs[token] = env
        return env

    def scope(self, token: str, abilities: Sequence[str] | None) -> None:
        """Change what an environment token may do (None: everything)."""
        self._envs[token].abilities = tuple(abilities) if abilities is not None else None

    def state(self, token: str | None = None) -> Environment:
        """The environment of `token` (the first one by default)."""
        if token is None:
            return next(iter(self._envs.values()))
        return self._envs[token]

    @property
    def environments(self) -> list[Environment]:
        """Every environment, in creation order."""
        return list(self._envs.values())

    @property
    def calls(self) -> list[Call]:
        """Calls of the first environment, oldest first."""
        return sorted(self.state().calls.values(), key=lambda c: c.seq)

    @property
    def agents(self) -> list[Agent]:
        """Agents of the first environment, oldest first."""
        return sorted(self.state().agents.values(), key=lambda a: a.seq)

    @property
    def campaigns(self) -> list[Campaign]:
        """Campaigns of the first environment, oldest first."""
        return sorted(self.state().campaigns.values(), key=lambda c: c.seq)

    def set_call_outcome(
        self, number: str, outcome: str, *, talk_seconds: int | None = None
    ) -> None:
        """Calls to `number` end with `outcome` (`completed`, `busy`, `no-answer`, `failed`)
        after `talk_seconds` of conversation (completed calls)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        self._outcomes[number] = (outcome, talk_seconds)

    def outcome_for(self, number: str) -> tuple[str, int]:
        """`(outcome, talk_seconds)` for a call to `number`."""
        outcome, talk = self._outcomes.get(number, (self.default_call_outcome, None))
        return outcome, self.timing.talk_seconds if talk is None else talk

    def decline_payments(self, reason: str | None = "insufficient_funds") -> None:
        """Make every charge fail with 402 `PAYMENT_FAILED` (None: accept them again)."""
        self.account.decline_reason = reason

    def fail_trunk(
        self, trunk_id: str, error: str = "Authentication failed (401)", *, token: str | None = None
    ) -> None:
        """Make a SIP trunk fail verification and health checks."""
        self.state(token).sip_trunks[trunk_id]["_fail"] = error

    def reset_rate_limits(self) -> None:
        """Forget every request counted by the rate limiter."""
        self._windows.clear()

    # -- seeding without HTTP ----------------------------------------------------------

    def seed_agent(
        self,
        *,
        token: str | None = None,
        agent_id: str | None = None,
        name: str = "Seeded agent",
        direction: str | None = "outbound",
        voice_id: str | None = EMMA,
        published: bool = True,
        language: str = "en-US",
    ) -> Agent:
        """Create an agent directly in the state (ready and published by default)."""
        env = self.state(token)
        now = self.clock.time
        agent = Agent(
            id=agent_id or self.ids.new(),
            name=name,
            label=name,
            language=language,
            created_at=now,
            updated_at=now,
            direction=direction,
        )
        template = voice_template(voice_id) if voice_id else None
        if template is not None:
            agent.voice = {
                "id": self.ids.new(),
                "name": template["name"],
                "label": template["name"],
                "stability": 0.75,
                "similarity_boost": 0.75,
                "ambient_background": "quiet",
                "template": {"id": template["id"], "name": template["name"]},
            }
        agent.phone_number_ids = list(env.phone_numbers)[:1]
        if published:
            if not agent.is_ready_to_publish:
                raise ValueError("a published agent needs a voice and a direction")
            agent.current_status = "published"
        env.agents[agent.id] = agent
        return agent

    def seed_campaign(
        self,
        agent_id: str,
        *,
        token: str | None = None,
        campaign_id: str | None = None,
        name: str = "Seeded campaign",
        status: str = "draft",
        **config: Any,
    ) -> Campaign:
        """Create a campaign directly in the state (no events are emitted)."""
        from .routes.campaigns import DEFAULTS

        now = self.clock.time
        values = {
            **DEFAULTS,
            "name": name,
            "campaign_type": "custom",
            "agent_id": agent_id,
            "start_date": self.clock.iso()[:10],
            "days_of_week": [1, 2, 3, 4, 5, 6, 7],
            "call_time_ranges": [{"start": "00:00", "end": "23:59"}],
            **config,
        }
        campaign = Campaign(campaign_id or self.ids.new(), values, now, now, status=status)
        campaign.started = status != "draft"
        self.state(token).campaigns[campaign.id] = campaign
        return campaign

    @classmethod
    def demo(cls, token: str = DEFAULT_TOKEN, **options: Any) -> FakeTalkover:
        """A ready environment for demos: a published outbound agent `demo` with a voice and a
        number, and a draft campaign `demo` using it."""
        fake = cls(token, **options)
        fake.seed_agent(agent_id="demo", name="Demo agent")
        fake.seed_campaign("demo", campaign_id="demo", name="Demo campaign")
        return fake

    # -- time --------------------------------------------------------------------------

    async def advance(self, seconds: float = 0.0) -> list[DeliveryLog]:
        """Move the virtual clock forward, applying every call transition on the way, then
        deliver the webhook events they produced (and any already pending). Returns the
        delivery attempts made. `await fake.advance(0)` only delivers what is pending."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        target = self.clock.time + seconds
        for _ in range(1_000_000):
            due = self.engine.next_due()
            if due is None or due > target:
                break
            self.clock.advance_to(due)
            self.engine.run_due()
        self.clock.advance_to(target)
        return await self.deliverer.flush()

    @property
    def pending_deliveries(self) -> int:
        """Events waiting for the next `advance`."""
        return len(self.deliverer.outbox)

    # -- the handler -------------------------------------------------------------------

    async def __call__(self, request: Request) -> Response:
        """Answer one request in-process (the `MockTransport` handler).

        Raises `ConnectionResetError` for reset faults and `TimeoutError` for timeout faults,
        as a network would.
        """
        url = URL(request.url)
        query = {key: value for key, value in url.query.items()}
        view = RequestView(
            request.method, url.path, query, request.headers, request.content or b"", "in-process"
        )
        outcome = await self.handle(view)
        if outcome.action == "reset":
            raise ConnectionResetError("fake: connection reset by peer")
        if outcome.action == "hang":
            if outcome.wait:
                await asyncio.sleep(outcome.wait)
            raise TimeoutError("fake: no answer before the read timeout")
        return Response(outcome.status or 500, outcome.headers, outcome.body, request=request)

    async def handle(self, view: RequestView) -> Outcome:
        """Route, authenticate, rate-limit, apply faults, run the handler and journal it."""
        route, params, path_known = self.router.find(view.method, view.path)
        kind = self.faults.pick(view.method, route.template if route else None, view)
        if isinstance(kind, Latency):
            await asyncio.sleep(kind.seconds)
        answer = None
        if kind is None or kind.processed:
            answer = await self._process(view, route, params, path_known)
        outcome = self._outcome(kind, answer, route)
        self.journal.record(
            JournalEntry(
                seq=len(self.journal) + 1,
                at=self.clock.time,
                via=view.via,
                method=view.method,
                path=view.path,
                route=route.template if route else None,
                params=params,
                query=view.query,
                json=view.json,
                headers=view.masked_headers(),
                status=outcome.status if outcome.action == "respond" else None,
                handler_status=answer.status if answer and answer.processed else None,
                fault=kind_name(kind) if kind is not None else None,
                processed=bool(answer and answer.processed),
                unexpected=bool(answer and answer.unexpected),
                environment=answer.environment if answer else None,
                response=answer.json if answer else None,
            )
        )
        return outcome

    def _outcome(
        self, kind: FaultKind | None, answer: _Answer | None, route: Route | None = None
    ) -> Outcome:
        if kind is None or isinstance(kind, Latency):
            assert answer is not None
            return Outcome("respond", answer.status, answer.headers, answer.body)
        if isinstance(kind, ResetBefore | ResetAfter):
            return Outcome("reset")
        if isinstance(kind, Hang):
            return Outcome("hang", wait=kind.seconds, hang=kind.hang)
        if isinstance(kind, Status):
            raw = kind.body if isinstance(kind.body, bytes) else _json.dumps(kind.body)
            headers = (
                {**_JSON, **kind.headers}
                if not isinstance(kind.body, bytes)
                else dict(kind.headers)
            )
            return Outcome("respond", kind.status, headers, raw)
        if isinstance(kind, ServerError):
            documented = SERVER_ERROR_BODIES.get(route.key if route else "")
            if documented is None:
                error = ApiError(
                    500, INTERNAL_ERROR["message"], table_code="SERVER_ERROR", shape=_shape(route)
                )
                documented = render_error(self.unknowns, error, documented=False, key="error.500")
            return Outcome("respond", 500, dict(_JSON), _json.dumps(documented))
        if isinstance(kind, RateLimited):
            body = _json.dumps({"success": False, "message": "Too Many Attempts."})
            headers = {**_JSON, "Retry-After": str(kind.retry_after)}
            return Outcome("respond", 429, headers, body)
        if isinstance(kind, Html):
            reason = _GATEWAY_REASONS.get(kind.status, "Error")
            page = _GATEWAY_PAGE.format(status=kind.status, reason=reason).encode()
            return Outcome("respond", kind.status, {"Content-Type": "text/html"}, page)
        assert isinstance(kind, Truncated) and answer is not None
        cut = max(0, min(len(answer.body) - 1, int(len(answer.body) * kind.keep)))
        return Outcome("respond", answer.status, answer.headers, answer.body[:cut])

    async def _process(
        self, view: RequestView, route: Route | None, params: dict[str, str], path_known: bool
    ) -> _Answer:
        if self.clock.realtime:
            await self.advance(self.clock.wall_elapsed())
        if route is None:
            body = {
                "success": False,
                "message": f"FakeTalkover has no route {view.method} {view.path}",
            }
            status = 405 if path_known else 404
            return _Answer(status, dict(_JSON), _json.dumps(body), body, False, None, self.strict)
        env: Environment | None = None
        headers: dict[str, str] = dict(_JSON)
        try:
            if route.auth == "environment":
                env = self._authenticate_environment(view, route)
                headers.update(self._rate_limit(env.id))
                self._authorize(route, env.abilities)
            elif route.auth == "account":
                abilities = self._authenticate_account(view, route)
                headers.update(self._rate_limit("account"))
                self._authorize(route, abilities)
            body = self._parse_body(view)
        except ApiError as exc:
            return self._error(exc, headers, env, route, processed=False)
        ctx = Ctx(self, route, view, params, body, env)
        try:
            result = route.handler(ctx)
            reply = await result if inspect.isawaitable(result) else result
        except ApiError as exc:
            return self._error(exc, headers, env, route, processed=True)
        except Exception:
            self.internal_errors.append(traceback.format_exc())
            failure = dict(INTERNAL_ERROR)
            return _Answer(500, headers, _json.dumps(failure), failure, True, _env_id(env))
        assert isinstance(reply, Reply)
        headers.update(reply.headers)
        reply_body = shape_reply(self.unknowns, route, reply.body)
        return _Answer(
            reply.status, headers, _json.dumps(reply_body), reply_body, True, _env_id(env)
        )

    def _error(
        self,
        exc: ApiError,
        headers: dict[str, str],
        env: Environment | None,
        route: Route,
        *,
        processed: bool,
    ) -> _Answer:
        if self._error_style != "documented":
            body = exc.render(self._error_style)
        else:
            body = render_error(self.unknowns, exc, route=route)
        return _Answer(
            exc.status, {**headers, **exc.headers}, _json.dumps(body), body, processed,
            _env_id(env),
        )  # fmt: skip

    def _unauthorized(self, route: Route, token: str | None) -> ApiError:
        if route.family == "webhook":
            message = "Missing Bearer Token" if token is None else "Unauthenticated."
            return ApiError(401, message, shape="bare", table_code="INVALID_TOKEN")
        if route.family == "account":
            return ApiError(401, "Unauthenticated.", shape="bare", table_code="INVALID_TOKEN")
        return ApiError(401, route.unauthorized, table_code="INVALID_TOKEN")

    def _authenticate_environment(self, view: RequestView, route: Route) -> Environment:
        token = view.token
        env = self._envs.get(token) if token is not None else None
        if env is None:
            raise self._unauthorized(route, token)
        return env

    def _authenticate_account(self, view: RequestView, route: Route) -> list[str] | None:
        """Accept the session token (no limits) or a live personal access token (its
        `abilities`)."""
        token = view.token
        if token is not None and token in self.account.session_tokens:
            return None
        for pat in self.account.api_tokens.values():
            if token is not None and pat["_value"] == token and not pat["_revoked"]:
                pat["last_used_at"] = self.clock.iso()
                return list(pat["abilities"])
        raise self._unauthorized(route, token)

    def _authorize(self, route: Route, abilities: Sequence[str] | None) -> None:
        if allows(abilities, route.method, route.key):
            return
        message = FORBIDDEN_MESSAGES.get(route.key, GENERIC_FORBIDDEN)
        raise ApiError(
            403, message, table_code="UNAUTHORIZED", shape=_shape(route), permission=True
        )

    def _rate_limit(self, key: str) -> dict[str, str]:
        limit = self.rate_limit_per_minute
        if limit is None:
            return {}
        now = self.clock.time if self.rate_limit_clock == "virtual" else time.monotonic()
        window = [t for t in self._windows.get(key, []) if t > now - RATE_WINDOW]
        self._windows[key] = window
        if len(window) >= limit:
            retry_after = max(1, math.ceil(window[0] + RATE_WINDOW - now))
            raise ApiError(
                429,
                "Too Many Attempts.",
                headers={
                    "Retry-After": str(retry_after),
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": "0",
                },
            )
        window.append(now)
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit - len(window))}

    def _parse_body(self, view: RequestView) -> dict[str, Any]:
        if not view.body or not view.body.strip() or view.method in ("GET", "DELETE"):
            return {}
        parsed = view.json
        if not isinstance(parsed, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return parsed

    # -- introspection -----------------------------------------------------------------

    def routes(self) -> list[str]:
        """Every `METHOD template` the fake serves (`/api/user` is absolute)."""
        return self.router.templates()

    def unexpected(self) -> list[JournalEntry]:
        """Requests to routes the API does not have (strict mode)."""
        return self.journal.unexpected()

    def logs(self, webhook_id: str, *, token: str | None = None) -> list[DeliveryLog]:
        """Delivery attempts of one webhook, oldest first."""
        return list(self.state(token).webhooks[webhook_id].logs)

    def tokens(self) -> Iterable[str]:
        """Every environment token honoured."""
        return list(self._envs)

    def __repr__(self) -> str:
        return f"<FakeTalkover {len(self._envs)} environment(s) at {self.clock.iso()}>"
