"""The operation registry: one entry per documented endpoint, every resource method in it,
and docs/endpoints.md generated from it."""

from __future__ import annotations

import importlib.util
import inspect
import pathlib

import pytest

from talkover_async import AsyncTalkover
from talkover_async.operations import OPERATIONS
from talkover_async.resources.base import Resource

ROOT = pathlib.Path(__file__).resolve().parents[1]


def documented() -> set[tuple[str, str]]:
    out = set()
    for line in (ROOT / "tests/data/documented_endpoints.txt").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        method, path = line.split("#")[0].split()
        out.add((method, path))
    return out


def registered() -> set[tuple[str, str]]:
    return {(op.method, ("ROOT" if op.root else "") + op.path) for op in OPERATIONS.values()}


def test_one_operation_per_documented_endpoint() -> None:
    missing = documented() - registered()
    extra = registered() - documented()
    assert not missing, f"documented but not registered: {sorted(missing)}"
    assert not extra, f"registered but not documented: {sorted(extra)}"
    assert len(OPERATIONS) == len(registered())


def _resource_methods(obj: object, prefix: str, seen: set[int]) -> list[str]:
    names = []
    if id(obj) in seen:
        return names
    seen.add(id(obj))
    for name in dir(obj):
        if name.startswith("_"):
            continue
        value = getattr(obj, name)
        if isinstance(value, Resource):
            names += _resource_methods(value, f"{prefix}{name}.", seen)
        elif inspect.ismethod(value) and type(obj).__module__.startswith("talkover_async.resources"):
            names.append(prefix + name)
    return names


def test_every_public_resource_method_is_an_operation() -> None:
    client = AsyncTalkover("talq_test", env={})
    methods = set()
    for name in dir(client):
        value = getattr(client, name)
        if isinstance(value, Resource):
            methods |= set(_resource_methods(value, f"{name}.", set()))
    assert methods, "no resource methods found"
    not_registered = sorted(m for m in methods if m not in OPERATIONS)
    assert not not_registered, f"resource methods without an operation: {not_registered}"
    unused = sorted(set(OPERATIONS) - methods)
    assert not unused, f"operations without a resource method: {unused}"


UNSAFE = {
    "agents.call",
    "agents.create",
    "campaigns.call",
    "campaigns.create",
}


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_side_effect_operations_are_unsafe(name: str) -> None:
    if name not in OPERATIONS:
        pytest.fail(f"{name} is not registered")
    assert OPERATIONS[name].safe is False


def test_unsafe_classes_of_operations() -> None:
    for op in OPERATIONS.values():
        if op.method == "POST" and op.path.endswith(("/call", "/toggle", "/test", "/retry", "/trigger-import", "/purchase")):
            assert not op.safe, op.name
        if op.method == "PATCH" and op.path.endswith("/toggle"):
            assert not op.safe, op.name
        if op.method == "GET":
            assert op.safe, op.name


def test_endpoints_doc_is_generated_and_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_endpoints", ROOT / "docs/gen_endpoints.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    current = (ROOT / "docs/endpoints.md").read_text()
    assert current == expected, "docs/endpoints.md is stale: run python docs/gen_endpoints.py > docs/endpoints.md"
