"""JSON data for any model, from its attrs fields: used by the repr canary and the fuzzers.

`model_data(Model)` is the smallest body the strict converter accepts (required fields only);
`model_data(Model, full=True)` fills every field, `secret=` puts a value in every field that
holds a credential. Works for any model added later, without per-model code.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import re
import types
import typing
from datetime import date, datetime
from typing import Any

import attrs
from hypothesis import strategies as st

import talkover_async.models
from talkover_async.serde import KEY

__all__ = [
    "all_models",
    "is_secret_field",
    "json_key",
    "model_data",
    "model_keys",
    "model_of",
    "sample",
]

_SECRET_NAME_RE = re.compile(r"secret|password|passphrase|private_key|api_key|(^|_)token$")


def all_models() -> list[type[Any]]:
    """Every attrs class defined in a `talkover_async.models` module (new areas included)."""
    package = talkover_async.models
    modules = [package] + [
        importlib.import_module(f"{package.__name__}.{m.name}")
        for m in pkgutil.iter_modules(package.__path__)
    ]
    found: dict[str, type[Any]] = {}
    for module in modules:
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if attrs.has(obj) and obj.__module__.startswith(package.__name__):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def json_key(field: attrs.Attribute[Any]) -> str:
    """The JSON key of a field (`from` for `from_`)."""
    return str(field.metadata.get(KEY, field.name))


def is_secret_field(model: type[Any], key: str) -> bool:
    """Fields that hold a credential: by name, and a custom header's `value`."""
    if key == "value":  # a secret in a {key, value} header, not in an action input
        return "key" in attrs.fields_dict(model)
    return bool(_SECRET_NAME_RE.search(key.lower()))


def _admits_str(tp: Any) -> bool:
    return tp is str or tp is Any or str in typing.get_args(tp)


def model_of(tp: Any) -> type[Any] | None:
    """The attrs model inside `tp` (`Model`, `list[Model]`, `Model | None`), if any."""
    if isinstance(tp, type) and attrs.has(tp):
        return tp
    for arg in typing.get_args(tp):
        found = model_of(arg)
        if found is not None:
            return found
    return None


def sample(tp: Any, *, full: bool = False) -> Any:
    """A JSON value of type `tp`: the smallest one, or a filled one when `full`."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object:
        return "x"
    if tp is type(None):
        return None
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        enums = [a for a in members if isinstance(a, type) and issubclass(a, enum.Enum)]
        return sample(enums[0] if enums else members[0], full=full)
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset) or tp in (list, tuple):
        return [sample(args[0], full=full)] if full and args else []
    if origin is dict or tp is dict:
        return {"k": sample(args[1], full=full)} if full and args else {}
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return next(iter(tp)).value
        simple = {bool: True, int: 1, float: 1.5, str: "x"}
        if tp in simple:
            return simple[tp]
        if tp is datetime:
            return "2024-01-01T00:00:00Z"
        if tp is date:
            return "2024-01-01"
        if attrs.has(tp):
            return model_data(tp, full=full)
    raise NotImplementedError(f"no sample for {tp!r}")


def model_data(cls: type[Any], *, full: bool = False, secret: str | None = None) -> dict[str, Any]:
    """JSON data for a model (see the module docstring)."""
    attrs.resolve_types(cls)
    data: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name == "extra" or not field.init:
            continue
        key = json_key(field)
        if secret is not None and is_secret_field(cls, key) and _admits_str(field.type):
            data[key] = secret
        elif full or field.default is attrs.NOTHING:
            data[key] = sample(field.type, full=full)
    return data


def model_keys(tp: Any, _seen: set[type[Any]] | None = None) -> set[str]:
    """Every JSON key of the model in `tp` and of the models nested in it."""
    model = model_of(tp)
    seen = set() if _seen is None else _seen
    if model is None or model in seen:
        return set()
    seen.add(model)
    attrs.resolve_types(model)
    keys: set[str] = set()
    for field in attrs.fields(model):
        keys.add(json_key(field))
        keys |= model_keys(field.type, seen)
    keys.discard("extra")
    return keys


def mutated(model_body: dict[str, Any], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The model's own body with keys dropped and values of the wrong type."""
    keys = sorted(model_body)
    drop = st.sets(st.sampled_from(keys)) if keys else st.just(set())
    replace = st.dictionaries(st.sampled_from(keys), values, max_size=4) if keys else st.just({})

    def build(args: tuple[set[str], dict[str, Any]]) -> dict[str, Any]:
        dropped, replaced = args
        body = {k: v for k, v in model_body.items() if k not in dropped}
        body.update(replaced)
        return body

    return st.tuples(drop, replace).map(build)
