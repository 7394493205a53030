"""The one cattrs converter configuration: JSON-shaped data <-> attrs models.

Two converters share the same hooks:

- lenient (default): unknown keys are kept in the model's `extra`, unknown enum values are kept
  as plain strings, numbers sent as strings are accepted. A newer server never breaks an older
  client, and `unstructure(structure(d))` gives `d` back (keys with `null` values excepted).
- strict: unknown keys and unknown enum values raise. The test suite and the fake use it to
  catch drift between the models and the documented bodies.

Field names that are Python keywords (`from`) are declared with `metadata={"key": "from"}`.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

__all__ = ["KEY", "converter", "structure", "unstructure"]

T = TypeVar("T")

#: Field metadata key naming the JSON key of a field whose Python name differs.
KEY = "key"


def _parse_datetime(value: Any, _: Any = None) -> datetime:
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        dt = datetime.fromisoformat(value)
    else:
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _parse_date(value: Any, _: Any = None) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"expected a YYYY-MM-DD string, got {type(value).__name__}")


def _format_datetime(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _make_str(strict: bool) -> Callable[[Any, Any], str]:
    def structure_str(value: Any, _: Any) -> str:
        if isinstance(value, str):
            return value
        if not strict and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise TypeError(f"expected a string, got {type(value).__name__}")

    return structure_str


def _make_int(strict: bool) -> Callable[[Any, Any], int]:
    def structure_int(value: Any, _: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if not strict and isinstance(value, str):
            return int(value)
        raise TypeError(f"expected an integer, got {type(value).__name__}")

    return structure_int


def _make_float(strict: bool) -> Callable[[Any, Any], float]:
    def structure_float(value: Any, _: Any) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if not strict and isinstance(value, str):
            return float(value)
        raise TypeError(f"expected a number, got {type(value).__name__}")

    return structure_float


def _structure_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise TypeError(f"expected a boolean, got {type(value).__name__}")


def _structure_any(value: Any, _: Any) -> Any:
    return value


def _open_enum(tp: Any) -> type[enum.Enum] | None:
    """The enum class of an `SomeEnum | str` annotation (an open enum), else None."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if len(args) != 2 or str not in args:
        return None
    other = args[0] if args[1] is str else args[1]
    if isinstance(other, type) and issubclass(other, enum.Enum):
        return other
    return None


def _json_key(field: attrs.Attribute[Any]) -> str:
    return str(field.metadata.get(KEY, field.name))


def _configure(conv: cattrs.Converter, strict: bool) -> cattrs.Converter:
    conv.register_structure_hook(datetime, _parse_datetime)
    conv.register_structure_hook(date, _parse_date)
    conv.register_unstructure_hook(datetime, _format_datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda v: v.value
    )
    conv.register_structure_hook(str, _make_str(strict))
    conv.register_structure_hook(int, _make_int(strict))
    conv.register_structure_hook(float, _make_float(strict))
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(Any, _structure_any)

    def open_enum_factory(tp: Any) -> Callable[[Any, Any], Any]:
        enum_cls = _open_enum(tp)
        assert enum_cls is not None
        members = enum_cls._value2member_map_
        nullable = type(None) in typing.get_args(tp)

        def structure_open_enum(value: Any, _: Any) -> Any:
            if value is None and nullable:
                return None
            if not isinstance(value, str):
                raise TypeError(f"expected a string for {enum_cls.__name__}")
            member = members.get(value)
            if member is not None:
                return member
            if strict:
                raise ValueError(f"{value!r} is not a known {enum_cls.__name__}")
            return value

        return structure_open_enum

    conv.register_structure_hook_factory(lambda t: _open_enum(t) is not None, open_enum_factory)
    conv.register_unstructure_hook_func(
        lambda t: _open_enum(t) is not None,
        lambda v: v.value if isinstance(v, enum.Enum) else v,
    )

    def attrs_structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        fields = attrs.fields(cls)
        overrides: dict[str, Any] = {}
        known: set[str] = set()
        has_extra = False
        for f in fields:
            if f.name == "extra":
                has_extra = True
                overrides["extra"] = override(omit=True)
                continue
            key = _json_key(f)
            known.add(key)
            if key != f.name:
                overrides[f.name] = override(rename=key)
        base = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=strict,
            _cattrs_detailed_validation=strict,
            **overrides,
        )
        known_keys = frozenset(known)
        name = cls.__name__

        def structure_model(data: Any, _: Any) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"expected a JSON object for {name}, got {type(data).__name__}")
            obj = base(data, cls)
            if has_extra and not known_keys.issuperset(data):
                object.__setattr__(
                    obj, "extra", {k: v for k, v in data.items() if k not in known_keys}
                )
            return obj

        return structure_model

    def attrs_unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        overrides: dict[str, Any] = {}
        has_extra = False
        for f in attrs.fields(cls):
            if f.name == "extra":
                has_extra = True
                overrides["extra"] = override(omit=True)
            elif _json_key(f) != f.name:
                overrides[f.name] = override(rename=_json_key(f))
        base = make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **overrides)
        if not has_extra:
            return base

        def unstructure_model(obj: Any) -> dict[str, Any]:
            out = base(obj)
            if obj.extra:
                for k, v in obj.extra.items():
                    out.setdefault(k, v)
            return out

        return unstructure_model

    conv.register_structure_hook_factory(attrs.has, attrs_structure_factory)
    conv.register_unstructure_hook_factory(attrs.has, attrs_unstructure_factory)
    return conv


#: The lenient converter (the default everywhere in the SDK).
converter: cattrs.Converter = _configure(cattrs.Converter(), strict=False)
#: The strict converter (tests, the fake, users who want drift to fail loudly).
strict_converter: cattrs.Converter = _configure(
    cattrs.Converter(detailed_validation=True, forbid_extra_keys=True), strict=True
)


def structure(data: Any, tp: type[T] | Any, *, strict: bool = False) -> T:
    """Turn decoded JSON into `tp` (a model, `list[Model]`, ...)."""
    return (strict_converter if strict else converter).structure(data, tp)  # type: ignore[no-any-return]


def unstructure(obj: Any) -> Any:
    """Turn a model (or list of models) back into JSON-shaped data, `extra` keys included."""
    return converter.unstructure(obj)
