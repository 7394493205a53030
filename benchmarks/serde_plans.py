"""P3 / P3b with and without serde's per-shape plans, side by side in one process (issue 13).

Two lenient converters built by `serde._configure`, one with the plans and one without
(`plans=False`: the per-class generated functions only), take turns as `serde.converter`
under the same `decode_response` calls; pydantic v2 runs in the same rotation, so each ratio
is against the same baseline. Median of interleaved repetitions.

    python benchmarks/serde_plans.py [--reps N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cattrs  # noqa: E402
import pydantic_models as pm  # noqa: E402
from bodies import CALLS_PAGE_BYTES, GET_AGENT_BYTES  # noqa: E402

from talkover_async import serde  # noqa: E402
from talkover_async.http import Response  # noqa: E402
from talkover_async.operations import OPERATIONS, decode_response  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    converters = {
        "with plans": serde._configure(
            cattrs.Converter(detailed_validation=False), strict=False, plans=True
        ),
        "without plans": serde._configure(
            cattrs.Converter(detailed_validation=False), strict=False, plans=False
        ),
    }
    cases = [
        ("P3", OPERATIONS["calls.list"], CALLS_PAGE_BYTES, pm.CallsPage, 50),
        ("P3b", OPERATIONS["agents.get"], GET_AGENT_BYTES, pm.AgentEnvelope, 1000),
    ]
    original = serde.converter
    try:
        for pid, op, body, model, number in cases:
            response = Response(200, {"Content-Type": "application/json"}, body)
            arms: dict[str, Any] = {}
            for name, conv in converters.items():
                serde.converter = conv
                first = decode_response(op, response)  # warm: functions generated, plans learnt
                arms[name] = conv
                assert first is not None
            times: dict[str, list[float]] = {name: [] for name in [*converters, "pydantic"]}
            order = [*converters, "pydantic"]
            for rep in range(args.reps):
                for name in order[rep % 3 :] + order[: rep % 3]:
                    if name == "pydantic":
                        fn: Any = lambda m=model, b=body: m.model_validate_json(b)  # noqa: E731
                    else:
                        serde.converter = arms[name]
                        fn = lambda r=response, o=op: decode_response(o, r)  # noqa: E731
                    times[name].append(timeit.timeit(fn, number=number) / number * 1e6)
            pyd = statistics.median(times["pydantic"])
            with_ = statistics.median(times["with plans"])
            without = statistics.median(times["without plans"])
            paired = statistics.median(
                w / p for w, p in zip(times["without plans"], times["with plans"], strict=True)
            )
            print(
                f"{pid:<4} pydantic {pyd:7.2f} us | with plans {with_:7.2f} us "
                f"({with_ / pyd:.3f}x) | without {without:7.2f} us ({without / pyd:.3f}x) | "
                f"without/with {without / with_:.3f} (median of per-repetition ratios "
                f"{paired:.3f})"
            )
    finally:
        serde.converter = original


if __name__ == "__main__":
    main()
