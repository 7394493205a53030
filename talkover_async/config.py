"""Client settings from arguments and the environment, and the `Secret` token type.

Environment variables are read when a client is built, never at import:
`TALKOVER_API_TOKEN`, `TALKOVER_BASE_URL`, `TALKOVER_ACCOUNT_TOKEN`, `TALKOVER_LOG`, and
(with `trust_env`) the usual `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY`.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors import ConfigurationError
from .redaction import redact_url

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_ACCOUNT_TOKEN",
    "ENV_BASE_URL",
    "ENV_LOG",
    "ENV_TOKEN",
    "Secret",
    "check_clear_text",
    "configure_logging_from_env",
    "is_loopback_host",
    "resolve_base_url",
    "resolve_proxy",
]

DEFAULT_BASE_URL = "https://app.talkover.ai/api/v1"
ENV_TOKEN = "TALKOVER_API_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_ACCOUNT_TOKEN = "TALKOVER_ACCOUNT_TOKEN"  # noqa: S105
ENV_BASE_URL = "TALKOVER_BASE_URL"
ENV_LOG = "TALKOVER_LOG"

logger = logging.getLogger("talkover_async")


class Secret:
    """A credential whose `repr` and `str` never show its value.

    Rejects values containing whitespace or control characters (CR/LF would let a token
    inject headers).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str, *, name: str = "token") -> None:
        if not isinstance(value, str) or not value:
            raise ConfigurationError(f"{name} must be a non-empty string")
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
            raise ConfigurationError(
                f"{name} contains whitespace or control characters (check for a stray newline)"
            )
        self._value = value

    def get_secret_value(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Secret values cannot be pickled")


def coerce_secret(value: str | Secret | None, *, name: str) -> Secret | None:
    """A `Secret` from a string, an existing `Secret` or None."""
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value, name=name)


def env_secret(env: Mapping[str, str], key: str) -> Secret | None:
    """A secret from an environment variable; empty counts as unset."""
    value = env.get(key)
    if not value:
        return None
    return Secret(value.strip(), name=key)


def resolve_base_url(value: str | None, env: Mapping[str, str] | None = None) -> str:
    """The API base URL from the argument, `TALKOVER_BASE_URL` or the default; validated."""
    env = os.environ if env is None else env
    url = (value or env.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")
    if any(ord(c) < 33 for c in url):
        raise ConfigurationError("base_url contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - validates the port (a number from 0 to 65535)
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", ...
        shown = redact_url(url)
        raise ConfigurationError(f"base_url is not a valid URL ({exc}): {shown}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL, got {redact_url(url)!r}")
    return url


def is_loopback_host(host: str | None) -> bool:
    """True for `localhost`, 127.0.0.0/8 and ::1 (and 0.0.0.0 / ::, which connect to this
    machine): traffic that never leaves the machine."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_clear_text(url: str, *, allow_insecure_http: bool) -> None:
    """Refuse an `http://` base URL to a host other than loopback, unless opted in: the
    bearer token would cross the network in clear text."""
    parts = urlsplit(url)
    if parts.scheme != "http" or allow_insecure_http or is_loopback_host(parts.hostname):
        return
    raise ConfigurationError(
        f"base_url {parts.scheme}://{parts.hostname}... is plain http to a host that is not "
        "loopback: the API token would travel in clear text. Use https://, or pass "
        "allow_insecure_http=True if the network path is trusted (e.g. a TLS-terminating "
        "sidecar)"
    )


def resolve_proxy(
    proxy: str | None, *, trust_env: bool, url: str, env: Mapping[str, str]
) -> str | None:
    """The proxy for requests to `url`: `proxy` when given, else (with `trust_env`) the
    environment's, as curl, requests and httpx read it: `https_proxy` / `http_proxy` by the
    target's scheme, then `all_proxy`, lower case first; none when `NO_PROXY` matches the
    host. Read once, when the client is built."""
    if proxy:
        return proxy
    if not trust_env:
        return None
    parts = urlsplit(url)
    names = [f"{parts.scheme}_proxy", "all_proxy"]
    value = None
    for name in names:
        value = env.get(name)
        if not value and not (name == "http_proxy" and "REQUEST_METHOD" in env):  # httpoxy
            value = env.get(name.upper())
        if value:
            break
    if not value:
        return None
    no_proxy = env.get("no_proxy") or env.get("NO_PROXY") or ""
    if _no_proxy_matches(no_proxy, parts.hostname or "", parts.port):
        return None
    value = value.strip()
    value = value if "://" in value else f"http://{value}"
    if urlsplit(value).scheme not in ("http", "https"):
        # A SOCKS proxy set for other tools must not stop this client from being built.
        logger.warning(
            "ignoring the %s proxy from the environment: only http(s) proxies are supported",
            urlsplit(value).scheme,
        )
        return None
    return value


def _no_proxy_matches(no_proxy: str, host: str, port: int | None) -> bool:
    """`NO_PROXY` as curl reads it: `*`, or comma-separated hosts or domain suffixes
    (`example.com` and `.example.com` both match `api.example.com`), each with an optional
    `:port`; IP addresses match exactly."""
    host = host.lower()
    for raw in no_proxy.replace(" ", ",").split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and entry_port != str(port):
            continue
        name = name.strip("[]").lstrip(".")
        if host == name or host.endswith("." + name):
            return True
    return False


_configured = False


def configure_logging_from_env(env: Mapping[str, str] | None = None) -> None:
    """Apply `TALKOVER_LOG=debug|info|warning` to the `talkover_async` logger, once."""
    global _configured
    env = os.environ if env is None else env
    level_name = (env.get(ENV_LOG) or "").strip().upper()
    if not level_name or _configured:
        return
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        raise ConfigurationError(f"{ENV_LOG} must be debug, info or warning, got {level_name!r}")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    _configured = True
