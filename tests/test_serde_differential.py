"""The generated structuring functions against cattrs' own.

The lenient converter decodes attrs models with functions generated per class
(`serde._specialise`). They must give what cattrs' generated `make_dict_structure_fn` path
gives with the same hooks: equal models, or both an exception that `decode_response` turns
into `ResponseDecodeError` (which one can differ when a body has several faults: cattrs reads
the required fields first, the generated code reads fields in declaration order). Every model
gets its own body with keys dropped, values of wrong types, unknown keys added (which fill
`extra`) and the key order shuffled.
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
    decoded = 0
    extra_keys = 0  # decoded bodies that carried unknown keys

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_bodies(model))
    def check(body: dict[str, Any]) -> None:
        nonlocal decoded, extra_keys
        expected = _outcome(REFERENCE, body, model)
        got = _outcome(serde.converter, body, model)
        assert _same(got, expected), (body, got, expected)
        if not isinstance(got, Failed):
            decoded += 1
            extra_keys += not set(body) <= known

    check()
    if known:
        assert decoded > 0  # models were compared, not only errors
        assert extra_keys > 0  # including bodies that fill `extra`


def test_the_lenient_converter_uses_the_generated_functions() -> None:
    """The comparison above is between two different paths, not cattrs against itself."""
    from talkover_async.models import AgentRef

    assert serde.converter.get_structure_hook(AgentRef).__name__ == "structure_AgentRef"
    assert REFERENCE.get_structure_hook(AgentRef).__name__ != "structure_AgentRef"
