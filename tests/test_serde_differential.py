"""The generated structuring functions (and their per-shape plans) against cattrs' own.

The lenient converter decodes attrs models with functions generated per class
(`serde._specialise`) and, once a body's key order has been seen, with a plan for that exact
shape (unknown keys included: the plan fills `extra`). Both must give what cattrs' generated
`make_dict_structure_fn` path gives with the same hooks: equal models, or both an exception
that `decode_response` turns into `ResponseDecodeError` (which one can differ when a body has
several faults: cattrs reads the required fields first, the generated code reads fields in
declaration order). Every model gets its own body with keys dropped, values of wrong types,
unknown keys added and the key order shuffled; each body is decoded three times (general
path, then the learned plan, then the plan again).
"""

from __future__ import annotations

import json
import math
from typing import Any

import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkover_async import serde

from .modelgen import all_models, model_data, mutated

MODELS = all_models()
TOTAL_EXAMPLES = 6_000
EXAMPLES = max(40, math.ceil(TOTAL_EXAMPLES / max(len(MODELS), 1)))

REFERENCE = serde._configure(cattrs.Converter(), strict=False, specialise=False)

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.sampled_from([0.0, -1.5, float("nan"), "2024-01-01T10:00:00Z", "2024-01-01", "12"])
    | st.sampled_from(["inbound", "completed", "busy", "unknown-value", ""])
    | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=4,
)


def _bodies(model: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The model's own body mutated, with unknown keys added and the key order shuffled."""
    unknown = st.dictionaries(st.sampled_from(["zz_new", "x-extra", "id2"]), VALUES, max_size=2)

    def build(args: tuple[dict[str, Any], dict[str, Any], Any]) -> dict[str, Any]:
        body, added, rnd = args
        items = list({**body, **{k: v for k, v in added.items() if k not in body}}.items())
        rnd.shuffle(items)
        return dict(items)

    shaped = mutated(model_data(model, full=True), VALUES)
    return st.tuples(shaped, unknown, st.randoms(use_true_random=False)).map(build)


DECODE_ERRORS = (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError)


class Failed:
    """Any exception `decode_response` maps to `ResponseDecodeError`."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Failed)

    def __repr__(self) -> str:
        return "<decode error>"


def _outcome(conv: cattrs.Converter, body: dict[str, Any], model: type[Any]) -> Any:
    try:
        return conv.structure(body, model)
    except DECODE_ERRORS:
        return Failed()


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, Failed) or isinstance(b, Failed) or type(a) is not type(b):
        return False
    # NaN != NaN: compare the JSON text of both (`extra` included, NaN written as NaN).
    def text(m: Any) -> str:
        return json.dumps(serde.unstructure(m), sort_keys=True, default=repr)

    return text(a) == text(b)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_generated_structuring_matches_cattrs(model: type[Any]) -> None:
    known = set(model_data(model, full=True))
    planned = 0
    extra_keys = 0  # planned bodies that carried unknown keys

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_bodies(model))
    def check(body: dict[str, Any]) -> None:
        nonlocal planned, extra_keys
        plans = _plans(model)
        if plans is not None:
            plans.clear()  # every example starts on the general path, never over the cap
        expected = _outcome(REFERENCE, body, model)
        for _ in range(3):  # general path, then the plan learned from it
            got = _outcome(serde.converter, body, model)
            assert _same(got, expected), (body, got, expected)
        plans = _plans(model)
        if plans is not None and body and not isinstance(got, Failed):
            assert callable(plans.get(tuple(body))), body  # the 2nd and 3rd used a plan
            planned += 1
            extra_keys += not set(body) <= known

    check()
    if _plans(model) is not None and known:
        assert planned > 0  # the plan path was compared, not only the general one
        assert extra_keys > 0  # including plans that fill `extra`


def _plans(model: type[Any]) -> dict[tuple[str, ...], Any] | None:
    """The plan cache of the model's generated function (None: cattrs' own path)."""
    hook = serde.converter.get_structure_hook(model)
    plans: dict[tuple[str, ...], Any] | None = getattr(hook, "__globals__", {}).get("_plans")
    return plans


def test_plans_are_bounded_per_model() -> None:
    from talkover_async.models import AgentRef

    hook = serde.converter.get_structure_hook(AgentRef)
    plans = hook.__globals__["_plans"]
    plans.clear()
    for i in range(200):  # 200 distinct key orders and subsets of known keys
        keys = ["id", "name", "label"][: 1 + i % 3]
        body = {k: f"v{i}" for k in (keys if i % 2 else reversed(keys))}
        assert hook(body, AgentRef).id == body["id"]
    assert len(plans) <= serde._MAX_PLANS


def test_plans_learnt_by_many_threads_at_once_decode_the_right_fields() -> None:
    import sys
    import threading

    from talkover_async.models import AgentRef

    shapes = [("id", "name"), ("name", "id"), ("id", "label"), ("label", "name", "id")]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        start.wait()
        try:
            for i in range(300):
                plans = _plans(AgentRef)
                if plans is not None and i % 7 == seed % 7:
                    plans.clear()  # keep learning going on while others decode
                keys = shapes[(i + seed) % len(shapes)]
                body = {k: k.upper() + str(i) for k in keys}
                ref = serde.converter.structure(body, AgentRef)
                assert ref.id == f"ID{i}"
                assert ref.name == (f"NAME{i}" if "name" in keys else None)
                assert ref.label == (f"LABEL{i}" if "label" in keys else None)
        except BaseException as exc:  # reported below
            errors.append(exc)

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        sys.setswitchinterval(before)
    assert not errors, errors[:3]
