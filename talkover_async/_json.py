"""JSON encoding and decoding: orjson when it is installed, the standard library otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["JSONDecodeError", "dumps", "loads"]

try:  # pragma: no cover - exercised by whichever variant is installed
    import orjson

    JSONDecodeError: tuple[type[Exception], ...] = (orjson.JSONDecodeError, ValueError)

    loads: Callable[[bytes | str], Any] = orjson.loads  # no wrapper: one call per response

    def dumps(obj: Any) -> bytes:
        """Encode an object as compact UTF-8 JSON."""
        data = orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)
        # orjson hands back its 4 KiB working buffer: copy a small result into a right-sized
        # object, so each request body held in flight costs its length, not 4 KiB.
        return bytes(memoryview(data)) if len(data) < 2048 else data

except ImportError:  # pragma: no cover
    # RecursionError: deeply nested input ([[[[...) must be a decode error, not a crash.
    JSONDecodeError = (json.JSONDecodeError, ValueError, UnicodeDecodeError, RecursionError)

    def _reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    def loads(data: bytes | str) -> Any:
        """Decode JSON text (strict like orjson: no NaN or Infinity)."""
        return json.loads(data, parse_constant=_reject_constant)

    def dumps(obj: Any) -> bytes:
        """Encode an object as compact UTF-8 JSON."""
        # allow_nan=False: NaN and Infinity are not JSON (orjson would send null instead).
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
