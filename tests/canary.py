"""The secret canary: every test runs with DEBUG logging on `talkover_async`, and fails if a
token or webhook secret shows up in a log record or in the text of an SDK error.

Loaded from `tests/conftest.py` (`pytest_plugins = ["tests.canary"]`). Tests that want to
prove a path is leak-free use the recognisable values below (`CANARY_TOKEN`...) or the
`canary` fixture; any `talq_...` token or `whsec_...` secret is caught as well, whichever test
planted it. A test that must show a secret on purpose is marked `@pytest.mark.canary_exempt`.

What is watched, cheaply:

- log records of the `talkover_async` logger and its children, at every level (the logger is
  set to DEBUG for the test, so the most detailed lines are built and checked);
- every `TalkoverError` created during the test, checked once it has left the SDK (at
  teardown, or when the bounded buffer of recent errors overflows): its `str` and `repr`,
  every text reachable from it (`reachable_texts`: attributes, `details`, `response` and its
  `request`, `__context__`/`__cause__`...; an unmasked `Authorization` key is a leak too),
  and its pickle (an error that cannot be pickled fails the test as well);
- an exception that escapes a test other than an assertion.

`repr` of models and of the client cannot be watched automatically: `test_canary_reprs.py`
builds one of each and checks them.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import pickle
import re
import types
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from talkover_async.errors import TalkoverError

__all__ = [
    "AUTH_HEADER",
    "CANARY_ACCOUNT_TOKEN",
    "CANARY_PHONE",
    "CANARY_TOKEN",
    "CANARY_VALUES",
    "CANARY_WEBHOOK_SECRET",
    "Canary",
    "find_leaks",
    "reachable_texts",
]

#: An environment token nobody would type by accident.
CANARY_TOKEN = "talq_canary_Zq7Wx2Pk9Lm4Rt8Y"  # noqa: S105 - a test canary
#: A personal access token (the Account API's `id|secret` form).
CANARY_ACCOUNT_TOKEN = "4242|canaryAcct7Hq2Lx9VwZ3b"  # noqa: S105
#: A webhook signing secret.
CANARY_WEBHOOK_SECRET = "whsec_canary_Qm4Rt8Yp2Vn6Kc1X"  # noqa: S105
#: A phone number: allowed in logs only masked (`+1******0199`).
CANARY_PHONE = "+14155550199"

CANARY_VALUES = (CANARY_TOKEN, CANARY_ACCOUNT_TOKEN, CANARY_WEBHOOK_SECRET, CANARY_PHONE)

#: Any unredacted token or webhook secret (the redactor leaves `talq_***`).
_LEAK_RE = re.compile(
    "|".join(
        [
            r"talq_(?!\*\*\*)[A-Za-z0-9]",
            r"whsec_(?!\*\*\*)[A-Za-z0-9]",
            *(re.escape(v) for v in CANARY_VALUES),
            # fragments, in case a value is cut or partly masked
            r"canary_Zq7Wx2Pk9",
            r"canaryAcct7Hq2",
            r"canary_Qm4Rt8Yp",
        ]
    )
)

_ERROR_BUFFER = 256
#: What `reachable_texts` yields for a mapping key naming the `Authorization` header.
AUTH_HEADER = "<an Authorization header>"
#: Objects `reachable_texts` does not enter: code, types, modules, frames (a traceback's frames
#: hold the locals of every function it went through, as for any Python exception; they are
#: not pickled and not part of the error's state).
_OPAQUE = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.CodeType,
    types.FrameType,
    types.TracebackType,
    types.CoroutineType,
)
_SCALARS = (int, float, complex, bool, type(None))


def reachable_texts(root: object, *, limit: int = 20_000) -> Iterator[str]:
    """Every piece of text reachable from `root`: strings and bytes, the `str`/`repr` of
    every object, walking attributes (`__dict__`, `__slots__`), exception `args`,
    `__context__`, `__cause__` and `__notes__`, mapping keys and values, sequence and set
    items. Cycles are followed once; frames and tracebacks are not entered (see `_OPAQUE`).
    A mapping key `authorization` (any case) whose value is not masked (`***`) yields
    `AUTH_HEADER`.

    Raises `AssertionError` when more than `limit` objects are reachable: the walk must see
    everything, so an object graph that large (an event loop, a connection) is itself a
    finding."""
    seen: set[int] = set()
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, _SCALARS) or id(obj) in seen:
            continue
        seen.add(id(obj))
        assert len(seen) <= limit, f"more than {limit} objects reachable from {type(root)}"
        if isinstance(obj, str):
            yield obj
            continue
        if isinstance(obj, bytes | bytearray | memoryview):
            yield bytes(obj).decode("utf-8", "replace")
            continue
        if isinstance(obj, _OPAQUE):
            continue
        try:
            yield repr(obj)
            yield str(obj)
        except Exception as exc:  # a broken repr is not a leak; note it and go on
            yield f"<repr failed: {type(exc).__name__}>"
        if isinstance(obj, Mapping) or hasattr(obj, "items") and hasattr(obj, "keys"):
            try:
                items = list(obj.items())  # type: ignore[attr-defined]
            except Exception:
                items = []
            for key, value in items:
                if (
                    isinstance(key, str)
                    and key.lower() == "authorization"
                    and not (isinstance(value, str) and "***" in value)
                ):
                    yield AUTH_HEADER
                stack.append(key)
                stack.append(value)
        elif isinstance(obj, list | tuple | set | frozenset | deque):
            stack.extend(obj)
        if isinstance(obj, BaseException):
            stack.extend(obj.args)
            stack.append(obj.__context__)
            stack.append(obj.__cause__)
        stack.extend(_attributes(obj))


def _attributes(obj: object) -> list[object]:
    values: list[object] = []
    state = getattr(obj, "__dict__", None)
    if isinstance(state, dict):
        values.extend(state.values())
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):  # a private, mangled slot
                name = f"_{cls.__name__.lstrip('_')}{name}"
            with contextlib.suppress(AttributeError):  # an unset slot
                values.append(object.__getattribute__(obj, name))
    return values


def find_leaks(text: str) -> list[str]:
    """The secret-looking fragments in `text` (empty when it is clean)."""
    return sorted({m.group(0) for m in _LEAK_RE.finditer(text)})


class Canary:
    """What a test sees through the `canary` fixture: the values, and the leaks so far."""

    token = CANARY_TOKEN
    account_token = CANARY_ACCOUNT_TOKEN
    webhook_secret = CANARY_WEBHOOK_SECRET
    phone = CANARY_PHONE

    def __init__(self) -> None:
        self.leaks: list[str] = []
        self.errors_seen = 0
        self._errors: deque[TalkoverError] = deque()

    def check_text(self, where: str, text: str, *, phone_allowed: bool = False) -> None:
        found = find_leaks(text)
        if phone_allowed:  # error attributes keep the data programs read (SECURITY.md)
            found = [f for f in found if f != CANARY_PHONE]
        if found:
            self.leaks.append(f"{where}: {found} in {text[:300]!r}")

    def track(self, exc: TalkoverError) -> None:
        self.errors_seen += 1
        if len(self._errors) >= _ERROR_BUFFER:
            self._check_error(self._errors.popleft())
        self._errors.append(exc)

    def _check_error(self, exc: TalkoverError) -> None:
        name = type(exc).__name__
        self.check_text(f"str({name})", str(exc))
        self.check_text(f"repr({name})", repr(exc))
        try:
            for text in reachable_texts(exc):
                if text == AUTH_HEADER:
                    self.leaks.append(f"{name}: an Authorization header is reachable")
                else:
                    self.check_text(f"{name} (attributes, chain)", text, phone_allowed=True)
        except AssertionError as err:  # too large a graph to check: a finding too
            self.leaks.append(f"{name}: {err}")
        try:
            data = pickle.dumps(exc)
        except Exception as err:
            self.leaks.append(f"{name} cannot be pickled: {type(err).__name__}: {err}")
        else:
            self.check_text(f"pickle({name})", data.decode("latin-1"), phone_allowed=True)

    def finish(self) -> list[str]:
        while self._errors:
            self._check_error(self._errors.popleft())
        return self.leaks


class _LeakHandler(logging.Handler):
    """Checks every record of the `talkover_async` loggers as it is emitted."""

    def __init__(self, canary: Canary) -> None:
        super().__init__(logging.DEBUG)
        self.canary = canary
        self.records = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            text = record.getMessage()
        except Exception as exc:  # a broken format string is a bug too, but not ours to hide
            text = f"<unformattable record: {exc!r}>"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.canary.check_text(f"log {record.name}:{record.levelname}", text)


# --- error tracking ------------------------------------------------------------------------
# Every TalkoverError subclass runs TalkoverError.__init__, so wrapping it once sees them all.
_active: Canary | None = None
_original_init = TalkoverError.__init__


@functools.wraps(_original_init)  # keeps the real signature visible to `inspect`
def _tracking_init(self: TalkoverError, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    if _active is not None:
        _active.track(self)


TalkoverError.__init__ = _tracking_init  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "canary_exempt: the test shows a secret on purpose; skip the secret canary"
    )


@pytest.fixture(autouse=True)
def _secret_canary(request: pytest.FixtureRequest) -> Iterator[Canary]:
    """DEBUG logging on `talkover_async` for the test; fail it if a secret leaked."""
    global _active
    canary = Canary()
    if request.node.get_closest_marker("canary_exempt"):
        yield canary
        return
    logger = logging.getLogger("talkover_async")
    old_level = logger.level
    handler = _LeakHandler(canary)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    _active = canary
    try:
        yield canary
    finally:
        _active = None
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    leaks = canary.finish()
    if leaks:
        pytest.fail(
            "secret canary: a token or secret appeared where it must not\n  " + "\n  ".join(leaks),
            pytrace=False,
        )


@pytest.fixture
def canary(_secret_canary: Canary) -> Canary:
    """The canary values (`canary.token`, `canary.webhook_secret`...) and what was seen."""
    return _secret_canary


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Also check an exception that escapes the test (other than a failed assertion, whose
    text is the test's own)."""
    report = yield
    excinfo = call.excinfo
    if (
        excinfo is not None
        and call.when == "call"
        and not item.get_closest_marker("canary_exempt")
        and not isinstance(excinfo.value, AssertionError | pytest.fail.Exception)
        and not excinfo.errisinstance(pytest.skip.Exception)
    ):
        found = find_leaks(f"{excinfo.value!s}\n{excinfo.value!r}")
        if found:
            report.outcome = "failed"
            report.sections.append(("secret canary", f"the escaping exception contains {found}"))
    return report
