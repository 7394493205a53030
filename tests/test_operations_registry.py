"""The operation registry: one entry per documented endpoint, every resource method in it,
each declared once beside the method that runs it, and docs/endpoints.md generated from it."""

from __future__ import annotations

import importlib.util
import inspect
import pathlib
import subprocess
import sys

import pytest

from talkover_async import AsyncTalkover
from talkover_async.operations import OPERATIONS, Operation, register
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


def _resources_by_path() -> dict[str, Resource]:
    """`"agents.trainings"` -> the resource object, for every resource of a client."""
    client = AsyncTalkover("talq_test", env={})
    found: dict[str, Resource] = {}

    def walk(obj: object, prefix: str) -> None:
        for name in dir(obj):
            value = getattr(obj, name) if not name.startswith("_") else None
            if isinstance(value, Resource) and prefix + name not in found:
                found[prefix + name] = value
                walk(value, f"{prefix}{name}.")

    walk(client, "")
    return found


def test_each_operation_is_declared_once_beside_its_method() -> None:
    resources = _resources_by_path()
    declared: dict[str, list[str]] = {}
    classes = {type(r) for r in resources.values()}
    for cls in classes:
        for attr, value in vars(cls).items():
            if isinstance(value, Operation) and OPERATIONS.get(value.name) is value:
                declared.setdefault(value.name, []).append(f"{cls.__name__}.{attr}")
    twice = {name: where for name, where in declared.items() if len(where) > 1}
    assert not twice, f"declared more than once: {twice}"
    assert set(declared) == set(OPERATIONS), "every operation is a resource class attribute"
    for name in OPERATIONS:
        area, method = name.rsplit(".", 1)
        owner = type(resources[area])
        assert method in vars(owner), name
        assert declared[name][0].startswith(owner.__name__ + "."), (name, declared[name])


def test_no_two_operations_share_a_name_or_an_endpoint() -> None:
    endpoints = [(op.method, op.root, op.path) for op in OPERATIONS.values()]
    assert len(set(endpoints)) == len(endpoints) == len(OPERATIONS)
    assert all(name == op.name for name, op in OPERATIONS.items())
    again = Operation("agents.get", "GET", "/agents/{agent_id}", side_effect=False)
    with pytest.raises(ValueError, match=r"duplicate operation agents\.get"):
        register(again)
    assert OPERATIONS["agents.get"] is not again


def test_side_effect_is_a_required_keyword() -> None:
    with pytest.raises(TypeError):
        Operation("x.get", "GET", "/x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Operation("x.get", "GET", "/x", None, True)  # type: ignore[misc]
    assert Operation("x.call", "POST", "/x", side_effect=True).safe is False
    assert Operation("x.get", "GET", "/x", side_effect=False).safe is True
    assert all(op.safe is not op.side_effect for op in OPERATIONS.values())


def test_registry_is_complete_on_import() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import talkover_async.operations as o; print(len(o.OPERATIONS))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert int(out.stdout) == len(documented()) == len(OPERATIONS)


def test_model_modules_are_named_for_areas() -> None:
    package = ROOT / "talkover_async"
    resources = {p.stem for p in (package / "resources").glob("*.py")} - {"__init__", "base"}
    models = {p.stem for p in (package / "models").glob("*.py")} - {"__init__"}
    shared = {"common", "results", "events", "webhooks"}
    assert models - shared <= resources, sorted(models - shared - resources)
