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
import inspect
import itertools
import linecache
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

__all__ = ["KEY", "converter", "explain", "structure", "unstructure"]

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


_counter = itertools.count()
_MISSING = object()


def _nullable(tp: Any) -> tuple[Any, bool]:
    """`(X, True)` for `X | None`, `(tp, False)` otherwise."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args:
            rest = tuple(a for a in args if a is not type(None))
            if len(rest) == 1:
                return rest[0], True
            return typing.Union[rest], True  # noqa: UP007 - built from a runtime tuple
    return tp, False


def _specialise(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any] | None:
    """Generate the lenient structuring function of one attrs class, or None when the class
    needs its `__init__` (validators, converters, post-init...) and cattrs' path is kept.

    The generated code reads each key once, checks the common JSON type inline (`type(v) is
    str`, ISO strings through `datetime.fromisoformat`, open enums through the member map),
    hands anything else to the same hook cattrs would call (so coercions and errors are
    unchanged), sets the slots directly, and collects unknown keys into `extra` only when the
    count of keys says there are some.
    """
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return None
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # unresolvable annotations: let cattrs report them
        return None
    name = cls.__name__
    ns: dict[str, Any] = {
        "_cls": cls,
        "_name": name,
        "_new": object.__new__,
        "_M": _MISSING,
        "_fromiso": datetime.fromisoformat,
        "_UTC": UTC,
        "_dict": dict,
        "_len": len,
    }
    body = [
        "def structure(data, _=None):",
        "    if not isinstance(data, _dict):",
        "        raise TypeError(",
        "            f'expected a JSON object for {_name}, got {type(data).__name__}'",
        "        )",
        "    obj = _new(_cls)",
        "    get = data.get",
        "    miss = 0",
    ]
    known: list[str] = []
    extra: tuple[int, str] | None = None  # (field index, fill when no key is unknown)
    for i, f in enumerate(attrs.fields(cls)):
        slot = inspect.getattr_static(cls, f.name, None)
        if (
            f.validator is not None
            or f.converter is not None
            or not f.init
            or f.alias != f.name
            or type(slot) is not types.MemberDescriptorType
        ):
            return None
        default = f.default
        if isinstance(default, attrs.Factory) and default.takes_self:  # type: ignore[arg-type]
            return None
        ns[f"_s{i}"] = slot.__set__
        if f.name == "extra":
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                ns[f"_x{i}"] = default.factory
                extra = (i, f"_x{i}()")
            else:
                extra = (i, "{}")
            continue
        key = _json_key(f)
        known.append(key)
        conv_lines = _convert_lines(i, hints.get(f.name, Any), conv, ns)
        if default is attrs.NOTHING:
            body.append(f"    v = data[{key!r}]")
            body.extend("    " + line for line in conv_lines)
            body.append(f"    _s{i}(obj, v)")
            continue
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            ns[f"_d{i}"] = default.factory
            fill = f"_d{i}()"
        else:
            ns[f"_d{i}"] = default
            fill = f"_d{i}"
        body += [
            f"    v = get({key!r}, _M)",
            "    if v is _M:",
            "        miss += 1",
            f"        _s{i}(obj, {fill})",
            "    else:",
        ]
        body.extend("        " + line for line in conv_lines)
        body.append(f"        _s{i}(obj, v)")
    ns["_known"] = frozenset(known)
    if extra is not None:
        i, fill = extra
        body += [
            f"    if _len(data) + miss > {len(known)}:",
            f"        _s{i}(obj, {{k: w for k, w in data.items() if k not in _known}})",
            "    else:",
            f"        _s{i}(obj, {fill})",
        ]
    body.append("    return obj")
    src = "\n".join(body) + "\n"
    filename = f"<talkover_async.serde structure {cls.__module__}.{name} {next(_counter)}>"
    exec(compile(src, filename, "exec"), ns)  # noqa: S102 - code from field names
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)  # tracebacks
    fn: Callable[[Any, Any], Any] = ns.pop("structure")
    fn.__qualname__ = fn.__name__ = f"structure_{name}"
    return fn


_INLINE_TYPES = {str: "str", int: "int", float: "float"}


def _convert_lines(i: int, tp: Any, conv: cattrs.Converter, ns: dict[str, Any]) -> list[str]:
    """Statements turning the raw `v` of field `i` into its value (in place)."""
    if tp is Any:
        return []
    inner, nullable = _nullable(tp)
    not_none = " and v is not None" if nullable else ""
    enum_cls = _open_enum(tp)
    if enum_cls is not None:
        # Known values become members, unknown strings stay strings (lenient); anything
        # else goes to the open-enum hook, which rejects it as before.
        ns[f"_h{i}"] = conv.get_structure_hook(tp)
        ns[f"_t{i}"] = tp
        ns[f"_m{i}"] = enum_cls._value2member_map_
        return [
            "if type(v) is str:",
            f"    v = _m{i}.get(v, v)",
            "else:",
            f"    v = _h{i}(v, _t{i})",
        ]
    if inner in _INLINE_TYPES:
        ns[f"_h{i}"] = conv.get_structure_hook(inner)
        ns[f"_t{i}"] = inner
        return [f"if type(v) is not {_INLINE_TYPES[inner]}{not_none}:", f"    v = _h{i}(v, _t{i})"]
    if inner is bool:
        ns[f"_h{i}"] = conv.get_structure_hook(bool)
        ns[f"_t{i}"] = bool
        return [
            f"if v is not True and v is not False{not_none}:",
            f"    v = _h{i}(v, _t{i})",
        ]
    if inner is datetime:
        ns[f"_h{i}"] = conv.get_structure_hook(datetime)
        ns[f"_t{i}"] = datetime
        return [
            "if type(v) is str:",
            "    v = _fromiso(v)",
            "    if v.tzinfo is None:",
            "        v = v.replace(tzinfo=_UTC)",
            "elif v is not None:" if nullable else "else:",
            f"    v = _h{i}(v, _t{i})",
        ]
    if isinstance(inner, type) and attrs.has(inner):
        ns[f"_h{i}"] = conv.get_structure_hook(inner)
        ns[f"_t{i}"] = inner
        if nullable:
            return ["if v is not None:", f"    v = _h{i}(v, _t{i})"]
        return [f"v = _h{i}(v, _t{i})"]
    if typing.get_origin(inner) is list:
        (elem,) = typing.get_args(inner) or (Any,)
        ns[f"_h{i}"] = conv.get_structure_hook(inner)
        ns[f"_t{i}"] = inner
        ns[f"_e{i}"] = conv.get_structure_hook(elem)
        ns[f"_et{i}"] = elem
        if elem is Any:
            item = "list(v)"
        elif elem in _INLINE_TYPES:
            item = f"[e if type(e) is {_INLINE_TYPES[elem]} else _e{i}(e, _et{i}) for e in v]"
        else:
            item = f"[_e{i}(e, _et{i}) for e in v]"
        return [
            "if type(v) is list:",
            f"    v = {item}",
            "elif v is not None:" if nullable else "else:",
            f"    v = _h{i}(v, _t{i})",
        ]
    # Anything else (dicts, dates, unions...): exactly the hook cattrs would use.
    if nullable:
        # cattrs makes the hook of `dict[...]` inside `X | None` on first use and registers
        # it, which clears its dispatch cache and regenerates every model's function: make
        # it now, while this function is being generated.
        conv.get_structure_hook(inner)
    ns[f"_h{i}"] = conv.get_structure_hook(tp)
    ns[f"_t{i}"] = tp
    return [f"v = _h{i}(v, _t{i})"]


def _configure(
    conv: cattrs.Converter, strict: bool, *, specialise: bool = True
) -> cattrs.Converter:
    """Register the SDK's hooks on `conv`. `specialise=False` keeps cattrs' own structuring
    of attrs classes in the lenient path (the reference the generated functions are tested
    against)."""
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
        if specialise and not strict:
            fast = _specialise(cls, conv)
            if fast is not None:
                return fast
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
            _cattrs_detailed_validation=conv.detailed_validation,
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


#: The lenient converter (the default everywhere in the SDK). No detailed validation: lists
#: and dicts are structured without a try/except per element; `explain` recovers the
#: location of a failure afterwards.
converter: cattrs.Converter = _configure(cattrs.Converter(detailed_validation=False), strict=False)
#: The lenient rules with cattrs' detailed validation, used only to describe a failure.
_explaining: cattrs.Converter = _configure(
    cattrs.Converter(detailed_validation=True), strict=False, specialise=False
)
#: The strict converter (tests, the fake, users who want drift to fail loudly).
strict_converter: cattrs.Converter = _configure(
    cattrs.Converter(detailed_validation=True, forbid_extra_keys=True), strict=True
)


def structure(data: Any, tp: type[T] | Any, *, strict: bool = False) -> T:
    """Turn decoded JSON into `tp` (a model, `list[Model]`, ...)."""
    return (strict_converter if strict else converter).structure(data, tp)  # type: ignore[no-any-return]


def explain(data: Any, tp: Any, *, limit: int = 5) -> list[str]:
    """Where and why `data` does not fit `tp` under the lenient rules, path by path
    (`data[3].created_at: invalid value ...`); empty if it fits or gives no location.

    Decoding runs without detailed validation (faster); this re-runs the same rules with it,
    only after a failure.
    """
    try:
        _explaining.structure(data, tp)
    except cattrs.BaseValidationError as exc:
        return cattrs.transform_error(exc, path="data")[:limit]
    except Exception:
        return []
    return []


def unstructure(obj: Any) -> Any:
    """Turn a model (or list of models) back into JSON-shaped data, `extra` keys included."""
    return converter.unstructure(obj)
