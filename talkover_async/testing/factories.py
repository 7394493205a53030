"""Model factories: any response object in one line, for tests of code that consumes them.

```python
from talkover_async.testing.factories import build
call = build(Call, status="completed", to="+14155550100")
```

Required fields get plausible values by type (ids are fresh UUIDs, datetimes "now" in UTC,
enums their first member, nested models built recursively); anything you pass wins.
"""

from __future__ import annotations

import enum
import types
import typing
import uuid
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs

__all__ = ["build", "build_many"]

T = TypeVar("T")


def _value_for(name: str, tp: Any, depth: int) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        return _value_for(name, enums[0] if enums else args[0], depth)
    if origin in (list, tuple, set, frozenset):
        return []
    if origin is dict:
        return {}
    if tp is str:
        return str(uuid.uuid4()) if name == "id" or name.endswith("_id") else f"fake-{name}"
    if tp is bool:
        return False
    if tp is int:
        return 1
    if tp is float:
        return 1.0
    if tp is datetime:
        return datetime.now(UTC).replace(microsecond=0)
    if tp is date:
        return datetime.now(UTC).date()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    if attrs.has(tp) and depth < 4:
        return build(tp, _depth=depth + 1)
    return None


def build(cls: type[T], _depth: int = 0, **overrides: Any) -> T:
    """An instance of the attrs model `cls` with every required field filled."""
    if not attrs.has(cls):
        raise TypeError(f"{cls!r} is not an attrs model")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name in overrides:
            continue
        if field.default is attrs.NOTHING:
            kwargs[field.name] = _value_for(field.name, hints.get(field.name, Any), _depth)
    kwargs.update(overrides)
    return typing.cast("T", cls(**kwargs))


def build_many(cls: type[T], count: int, **overrides: Any) -> list[T]:
    """`count` instances, each with its own fresh ids."""
    return [build(cls, **overrides) for _ in range(count)]
