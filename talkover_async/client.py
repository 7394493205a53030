"""`AsyncTalkover`: configuration, lifecycle, middleware assembly, and the one place that
builds a `Request` for an operation and decodes its `Response`."""

from __future__ import annotations

import functools
import os
from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import attrs

from ._version import __version__
from .config import (
    ENV_ACCOUNT_TOKEN,
    ENV_TOKEN,
    Secret,
    check_clear_text,
    coerce_secret,
    configure_logging_from_env,
    env_secret,
    resolve_base_url,
    resolve_proxy,
)
from .errors import (
    ConfigurationError,
    InvalidRequestError,
    TalkoverError,
    scrub_error,
)
from .http import Request, Response, Timeout
from .instrumentation import build_tracing
from .limits import RateLimiter, RetryBudget, TokenBucketLimiter
from .middleware import (
    AuthMiddleware,
    LoggingMiddleware,
    Middleware,
    RetryMiddleware,
    RetryPolicy,
    build_chain,
)
from .middleware.ratelimit import RateLimitMiddleware
from .middleware.retry import OnRetry
from .operations import Operation, decode_response
from .options import RequestOptions
from .pagination import AsyncPaginator, Page
from .redaction import Redactor
from .resources import (
    AgentsResource,
    ApiTokensResource,
    AutoTopupResource,
    CallbackAgentsResource,
    CallsResource,
    CampaignsResource,
    CreditsResource,
    FlowsResource,
    HealthResource,
    PhoneNumbersResource,
    SipTrunksResource,
    UserResource,
    VoiceTemplatesResource,
)
from .transports import AiohttpTransport, Transport
from .transports.aiohttp import DEFAULT_MAX_RESPONSE_SIZE
from .validation import (
    check_header_name,
    check_header_value,
    check_options,
    encode_query,
    json_body,
    path_param,
)

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

    from .dispatch import Breaker, CallSpec, Dispatch, Ledger

__all__ = ["AsyncTalkover"]

T = TypeVar("T")
_captured: ContextVar[list[Response] | None] = ContextVar("talkover_captured", default=None)
_NO_EXTENSIONS: Mapping[str, Any] = MappingProxyType({})
DEFAULT_TIMEOUT = Timeout()
#: Body fields whose values are secrets: remembered so no log line or error can show them.
_SECRET_BODY_KEYS = frozenset(
    {"webhook_secret", "password", "private_key", "private_key_passphrase"}
)


@attrs.frozen(slots=True)
class RawResponse:
    """A parsed result next to the HTTP response it came from (status, headers)."""

    parsed: Any
    http: Response

    @property
    def status_code(self) -> int:
        """The HTTP status of the final attempt."""
        return self.http.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers (rate-limit headers, request id...)."""
        return self.http.headers


class AsyncTalkover:
    """The async Talkover client.

    ```python
    async with AsyncTalkover() as client:          # TALKOVER_API_TOKEN, TALKOVER_BASE_URL
        call = await client.agents.call(agent_id, to="+14155550100")
    ```

    `token` is the environment token (`talq_...`); `account_token` the user session token or
    personal access token used by the Account API. Both are read from `TALKOVER_API_TOKEN` /
    `TALKOVER_ACCOUNT_TOKEN` when not given. `transport` defaults to an `AiohttpTransport`;
    `middleware` are your own, run inside retries and outside auth. `strict=True` decodes with
    the strict converter (unknown keys and enum values fail).

    Limits shared by every request of the client (and of its `with_options` clones):
    `rate_limit` in requests per minute (or your own `RateLimiter`, e.g. one shared by a fleet)
    slows down on 429 and recovers; `max_in_flight` bounds concurrent requests;
    `retry_budget` (a ratio such as `0.1`, or a `RetryBudget`) caps retries at that share of
    recent requests. Waiting for them counts against `deadline`.

    Transport options (for the default `AiohttpTransport`): `connection_limit` connections;
    `max_response_size` bytes per response body after decompression (default 32 MiB; None
    or 0 disables it; above it, `ResponseTooLargeError`); `proxy` an HTTP proxy URL, and
    `trust_env` (default True) to honour `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` /
    `NO_PROXY` when `proxy` is not given (read once, here, from `env`). A plain `http://`
    `base_url` to a host that is not loopback is refused unless `allow_insecure_http=True`:
    the token would travel in clear text.

    OpenTelemetry (the `otel` extra): `instrument=None` traces each operation when the
    application has set a recording global TracerProvider before the client is built;
    `True` always traces through the global provider, a `TracerProvider` traces with that
    one, `False` never (`docs/observability.md`). A client that does not trace runs no
    tracing code per request.
    """

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        base_url: str | None = None,
        transport: Transport | None = None,
        timeout: float | Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        deadline: float | None = None,
        max_retry_after: float = 60.0,
        middleware: Sequence[Middleware] = (),
        account_token: str | Secret | None = None,
        headers: Mapping[str, str] | None = None,
        on_retry: Sequence[OnRetry] = (),
        connection_limit: int = 100,
        strict: bool = False,
        env: Mapping[str, str] | None = None,
        rate_limit: float | RateLimiter | None = None,
        max_in_flight: int | None = None,
        retry_budget: RetryBudget | float | None = None,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
        proxy: str | None = None,
        trust_env: bool = True,
        allow_insecure_http: bool = False,
        instrument: bool | TracerProvider | None = None,
    ) -> None:
        env = os.environ if env is None else env
        configure_logging_from_env(env)
        self._token = coerce_secret(token, name="token") or env_secret(env, ENV_TOKEN)
        self._account_token = coerce_secret(account_token, name="account_token") or env_secret(
            env, ENV_ACCOUNT_TOKEN
        )
        self.base_url = resolve_base_url(base_url, env)
        check_clear_text(self.base_url, allow_insecure_http=allow_insecure_http)
        self._root_url = self.base_url[:-3] if self.base_url.endswith("/v1") else self.base_url
        timeout_value = Timeout.of(timeout)
        assert timeout_value is not None
        self.timeout = timeout_value
        if max_retries < 0:
            raise ConfigurationError("max_retries must be >= 0")
        if deadline is not None and deadline <= 0:
            raise ConfigurationError("deadline must be positive")
        self._policy = RetryPolicy(
            max_retries=max_retries, deadline=deadline, max_retry_after=max_retry_after
        )
        if transport is not None and proxy:
            raise ConfigurationError("proxy= applies to the default transport: configure yours")
        proxy_url = resolve_proxy(proxy, trust_env=trust_env, url=self.base_url, env=env)
        self._transport: Transport = transport or AiohttpTransport(
            limit=connection_limit,
            timeout=self.timeout,
            proxy=proxy_url,
            max_response_size=max_response_size,
        )
        self._owns_transport = True
        self._strict = strict
        self._redactor = Redactor(
            s.get_secret_value() for s in (self._token, self._account_token) if s is not None
        )
        self._redactor.add(_proxy_password(proxy_url))
        self._user_middleware = tuple(middleware)
        self._tracing = build_tracing(instrument, env, self._redactor)
        self._on_retry = tuple(on_retry)
        if self._tracing is not None:
            self._on_retry += (self._tracing.on_retry,)
        self._limits_middleware, self._retry_budget = _limits(
            rate_limit, max_in_flight, retry_budget, max_retry_after
        )
        self._headers = self._base_headers(headers)
        # `_headers` plus `Content-Type`, shared by every request with a JSON body (see
        # `_merge_body`); `with_options` rebuilds it with the clone's headers.
        self._json_headers = _with_json_type(self._headers)
        self._handler = self._build_handler()
        self._attach_resources()

    # --- assembly -------------------------------------------------------------------------
    @staticmethod
    def _base_headers(extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": f"talkover-async/{__version__}"}
        for key, value in (extra or {}).items():
            field = f"headers[{key!r}]"
            headers[check_header_name(field, key)] = check_header_value(field, value)
        return headers

    def _attach_resources(self) -> None:
        self.agents = AgentsResource(self)
        self.calls = CallsResource(self)
        self.campaigns = CampaignsResource(self)
        self.callback_agents = CallbackAgentsResource(self)
        self.voice_templates = VoiceTemplatesResource(self)
        self.phone_numbers = PhoneNumbersResource(self)
        self.flows = FlowsResource(self)
        self.sip_trunks = SipTrunksResource(self)
        self.auto_topup = AutoTopupResource(self)
        self.credits = CreditsResource(self)
        self.api_tokens = ApiTokensResource(self)
        self.user = UserResource(self)
        self.health = HealthResource(self)

    def _build_handler(self) -> Callable[[Request], Awaitable[Response]]:
        chain: list[Middleware] = [
            RetryMiddleware(self._policy, on_retry=self._on_retry, budget=self._retry_budget),
            *self._user_middleware,
            AuthMiddleware(self._token, self._account_token),
            LoggingMiddleware(self._redactor),
        ]
        if self._limits_middleware is not None:
            chain.insert(1 + len(self._user_middleware), self._limits_middleware)
        # Tracing is not in the chain: its span wraps the chain and the decoding
        # (`_traced_exchange`), so a 2xx whose body does not decode is an error span.
        return build_chain(chain, self._transport.send)

    @property
    def instrumented(self) -> bool:
        """Whether this client traces its requests with OpenTelemetry (`instrument=`)."""
        return self._tracing is not None

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The client's rate limiter (`rate_limit=`), if any."""
        mw = self._limits_middleware
        return mw.limiter if mw is not None else None

    @property
    def max_in_flight(self) -> int | None:
        """The client's bound on concurrent requests (`max_in_flight=`), if any."""
        mw = self._limits_middleware
        return mw.max_in_flight if mw is not None else None

    def dispatch(
        self,
        specs: Iterable[CallSpec] | AsyncIterable[CallSpec] | None = None,
        *,
        concurrency: int = 32,
        results_path: str | os.PathLike[str] | None = None,
        resume: bool = False,
        ledger: Ledger | None = None,
        breaker: Breaker | None = None,
    ) -> Dispatch:
        """Place many calls; see `talkover_async.dispatch.dispatch`."""
        from .dispatch import dispatch  # the dispatcher is a layer above the client

        return dispatch(
            self,
            specs,
            concurrency=concurrency,
            results_path=results_path,
            resume=resume,
            ledger=ledger,
            breaker=breaker,
        )

    def with_options(
        self,
        *,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncTalkover:
        """A client with other defaults that shares this one's connection pool and tokens.

        Closing the derived client does not close the pool; close the original.
        """
        clone = object.__new__(AsyncTalkover)
        clone.__dict__.update(self.__dict__)
        if timeout is not None:
            value = Timeout.of(timeout)
            assert value is not None
            clone.timeout = value
        clone._policy = attrs.evolve(
            self._policy,
            max_retries=self._policy.max_retries if max_retries is None else max_retries,
            deadline=self._policy.deadline if deadline is None else deadline,
        )
        clone._headers = (
            {**self._headers, **self._base_headers(headers)} if headers else dict(self._headers)
        )
        clone._json_headers = _with_json_type(clone._headers)
        clone._owns_transport = False
        clone._handler = clone._build_handler()
        clone._attach_resources()
        return clone

    # --- requests -------------------------------------------------------------------------
    def build_request(
        self,
        op: Operation,
        path_params: Mapping[str, object] | None = None,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> Request:
        """The `Request` an operation sends (path encoded, query and JSON body built).

        Each argument is checked in its own step, in this order, so that the first bad one
        raises `InvalidRequestError` before any I/O.
        """
        path = _merge_path(op, path_params)
        headers: Mapping[str, str] = self._headers
        timeout = self.timeout
        extensions = _NO_EXTENSIONS if op.auth == "environment" else {"auth": op.auth}
        if options:
            check_options(options)  # names and types; then each is merged below
            query = _merge_extra(query, options.get("extra_query"))
            body = _merge_extra(body, options.get("extra_body"))
            headers = _merge_headers(headers, options.get("extra_headers"))
            if "timeout" in options:
                timeout = Timeout.of(options["timeout"]) or timeout
            extensions = self._merge_extensions(options, extensions)
        url = _merge_query((self._root_url if op.root else self.base_url) + path, query)
        content = None
        if body is not None:
            content, headers = self._merge_body(body, headers)
        return Request(
            method=op.method,
            url=url,
            headers=headers,
            content=content,
            timeout=timeout,
            operation=op.name,
            path_template=op.path,
            safe=op.safe,
            attempt=1,
            extensions=extensions,
        )

    def _merge_extensions(
        self, options: RequestOptions, base: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Per-call token and retry settings, as request extensions read by the chain."""
        ext: dict[str, Any] = dict(base)
        token = options.get("token")
        if token is not None:
            try:
                secret = coerce_secret(token, name="token")
            except ConfigurationError as exc:  # a per-call argument: an invalid request
                raise InvalidRequestError("token", str(exc)) from None
            assert secret is not None
            self._redactor.add(secret.get_secret_value())
            ext["token"] = secret
        if "max_retries" in options or "deadline" in options:
            max_retries = options.get("max_retries", self._policy.max_retries)
            deadline = options.get("deadline", self._policy.deadline)
            if max_retries is None:  # checked by `check_options`
                max_retries = self._policy.max_retries
            ext["retry"] = attrs.evolve(self._policy, max_retries=max_retries, deadline=deadline)
        return ext or _NO_EXTENSIONS

    def _merge_body(
        self, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> tuple[bytes, Mapping[str, str]]:
        """The JSON body and the headers that go with it."""
        content = json_body(body)  # first: what it accepts has a text form
        self._learn_body_secrets(body)
        if headers is self._headers:
            # The client's one JSON-headers dict, not a copy per request: less peak RSS with
            # 10k in flight (benchmarks/README.md, "Before / after", Request path).
            return content, self._json_headers
        return content, _with_json_type(headers)

    def _learn_body_secrets(self, body: Mapping[str, Any]) -> None:
        """The side effect of building a body: secrets it sends (webhook secrets, SFTP
        passwords...) are remembered so that no log line or error can show them."""
        for key in _SECRET_BODY_KEYS.intersection(body):
            self._redactor.add(str(body[key]))

    async def send(self, request: Request) -> Response:
        """Send a built request through the middleware chain (retry, auth, logging)."""
        try:
            if self._tracing is not None:
                return await self._tracing(request, self._handler)
            return await self._handler(request)
        except TalkoverError as exc:
            raise self._scrub(exc) from None

    async def _execute(
        self,
        op: Operation,
        path_params: Mapping[str, object] | None = None,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        requested_page: int = 1,
        raw: bool = False,
    ) -> Any:
        """The one request path of an operation: build, send through the chain, decode,
        scrub errors. Resource methods await it directly; `request` (`raw=True`: a
        `RawResponse`) and the pages of `paginate` are one-liners over it.

        A client that traces sends and decodes inside the operation's span (a 2xx whose body
        does not decode is an error span); the others run no tracing code.
        """
        request = self.build_request(op, path_params, query=query, body=body, options=options)
        try:
            if self._tracing is not None:
                decode = functools.partial(self._decode, op, requested_page)
                response, parsed = await self._tracing.exchange(request, self._handler, decode)
            else:
                response = await self._handler(request)
                parsed = self._decode(op, requested_page, response)
        except TalkoverError as exc:
            raise self._scrub(exc) from None
        return RawResponse(parsed, response) if raw else parsed

    def _decode(self, op: Operation, requested_page: int, response: Response) -> Any:
        """The one place an operation's response is captured and decoded."""
        captured = _captured.get()
        if captured is not None:
            captured.append(response)
        return decode_response(op, response, strict=self._strict, requested_page=requested_page)

    async def request(
        self,
        op: Operation,
        path_params: Mapping[str, object] | None = None,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        requested_page: int = 1,
    ) -> RawResponse:
        """Run an operation; the parsed result next to the HTTP response."""
        raw: RawResponse = await self._execute(
            op,
            path_params,
            query=query,
            body=body,
            options=options,
            requested_page=requested_page,
            raw=True,
        )
        return raw

    def paginate(
        self,
        op: Operation,
        path_params: Mapping[str, object] | None = None,
        *,
        query: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
    ) -> AsyncPaginator[Any]:
        """A paginator for a list operation; `query` (the filters) is sent with every page."""
        filters = dict(query or {})
        start = filters.pop("page", None) or 1
        # Build once now so bad arguments fail before any I/O, not on first iteration.
        self.build_request(op, path_params, query=filters, options=options)

        def fetch(page: int) -> Awaitable[Page[Any]]:
            return self._execute(
                op,
                path_params,
                query={**filters, "page": page},
                options=options,
                requested_page=page,
            )

        return AsyncPaginator(fetch, start_page=start)

    @staticmethod
    @contextmanager
    def capture_responses() -> Iterator[list[Response]]:
        """Collect the HTTP responses of the calls made inside the block (this task only).

        ```python
        with client.capture_responses() as responses:
            agent = await client.agents.get(agent_id)
        print(responses[-1].status_code, responses[-1].headers.get("X-RateLimit-Remaining"))
        ```
        """
        captured: list[Response] = []
        token = _captured.set(captured)
        try:
            yield captured
        finally:
            _captured.reset(token)

    def _scrub(self, exc: TalkoverError) -> TalkoverError:
        """Remove the secrets this client knows (tokens, webhook secrets and passwords it
        sent...) from every attribute of an error leaving the client, whose text may echo
        what the server received; cut its exception chain (see `errors.scrub_error`)."""
        return scrub_error(exc, self._redactor)

    # --- lifecycle ------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the connection pool (only the client that created it closes it)."""
        if self._owns_transport:
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncTalkover:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def transport(self) -> Transport:
        """The transport requests go out on."""
        return self._transport

    def __repr__(self) -> str:
        token = "Secret('**********')" if self._token else "None"
        return f"<AsyncTalkover base_url={self.base_url!r} token={token}>"


# --- the steps of `build_request` ---------------------------------------------------------
def _merge_path(op: Operation, path_params: Mapping[str, object] | None) -> str:
    """The concrete path: the template's literal text and encoded parameters, joined."""
    pieces = op.path_pieces
    if len(pieces) < 2:
        return op.path
    # Joined from pieces split once, not `str.format_map` (benchmarks/README.md, "Before /
    # after", Request path); a short plain id skips `path_param`, whose result it already is.
    params = path_params or {}
    parts = [pieces[0]]
    for i in range(1, len(pieces), 2):
        name = pieces[i]
        v = params.get(name)
        if v is None:
            raise InvalidRequestError(name, "is required (a path parameter)")
        if not (
            type(v) is str
            and len(v) <= 64
            and v.isascii()
            and v.replace("-", "").replace("_", "").isalnum()
        ):
            v = path_param(name, v)
        parts.append(v)
        parts.append(pieces[i + 1])
    return "".join(parts)


def _merge_query(url: str, query: Mapping[str, Any] | None) -> str:
    """The URL with its encoded query string, if any."""
    if query:
        encoded = encode_query(query)
        if encoded:
            return f"{url}?{encoded}"
    return url


def _merge_extra(
    base: Mapping[str, Any] | None, extra: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """`extra_query` / `extra_body` over the query or body the method built."""
    return {**(base or {}), **extra} if extra else base


def _merge_headers(
    headers: Mapping[str, str], extra: Mapping[str, str] | None
) -> Mapping[str, str]:
    """`extra_headers` (names and values checked) over the client's headers."""
    if not extra:
        return headers
    checked = {}
    for key, value in extra.items():
        field = f"extra_headers[{key!r}]"
        checked[check_header_name(field, key)] = check_header_value(field, value)
    return {**headers, **checked}


def _with_json_type(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers for a request with a JSON body."""
    return {**headers, "Content-Type": "application/json"}


def _limits(
    rate_limit: float | RateLimiter | None,
    max_in_flight: int | None,
    retry_budget: RetryBudget | float | None,
    max_retry_after: float,
) -> tuple[RateLimitMiddleware | None, RetryBudget | None]:
    """The limits middleware (built once, so clones share it) and the retry budget."""
    limiter: RateLimiter | None
    if rate_limit is None or isinstance(rate_limit, RateLimiter):
        limiter = rate_limit
    elif isinstance(rate_limit, bool) or not isinstance(rate_limit, int | float):
        raise ConfigurationError("rate_limit must be requests per minute or a RateLimiter")
    elif rate_limit <= 0:
        raise ConfigurationError("rate_limit must be a positive number of requests per minute")
    else:
        limiter = TokenBucketLimiter(rate_limit)
    if max_in_flight is not None and (
        isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) or max_in_flight < 1
    ):
        raise ConfigurationError("max_in_flight must be an integer >= 1")
    try:
        budget = RetryBudget.of(retry_budget)
    except (TypeError, ValueError):
        raise ConfigurationError("retry_budget must be a ratio between 0 and 1") from None
    middleware = None
    if limiter is not None or max_in_flight is not None:
        if isinstance(max_retry_after, bool) or not (
            isinstance(max_retry_after, int | float) and max_retry_after >= 0
        ):
            raise ConfigurationError("max_retry_after must be a number of seconds >= 0")
        # The limiter's pauses are capped like the retry layer's waits (`max_retry_after`).
        middleware = RateLimitMiddleware(limiter, max_in_flight, max_retry_after=max_retry_after)
    return middleware, budget


def _proxy_password(proxy: str | None) -> str | None:
    """The password of a proxy URL (`http://user:password@host`), to redact everywhere."""
    if not proxy or "@" not in proxy:
        return None
    try:
        return urlsplit(proxy).password
    except ValueError:
        return None
