"""Conversation flows: an agent's mode, its flow document (`flow_config`), saved versions,
and flow validation results (platform.md §1, §5).

The flow document is only partly documented: `say`, `decision` and `end` nodes are shown,
the fields of `ask`, `action` and `transfer` nodes are not. Every model here therefore keeps
unknown keys in `extra` and node types are an open enum, so a flow read from the server and
sent back loses nothing.

`validate_flow_config()` runs the documented graph checks locally (no I/O). Nothing calls it
automatically: the server remains the authority (`client.flows.validate`). Note that the
documented `GET .../flow` example is itself invalid (its decision branches point to nodes that
do not exist), so do not assume a flow read from the server passes.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ..serde import unstructure

__all__ = [
    "AgentFlow",
    "Branch",
    "ConversationMode",
    "FlowConfig",
    "FlowMeta",
    "FlowNode",
    "FlowValidation",
    "FlowVersion",
    "GlobalFunction",
    "NodeType",
    "validate_flow_config",
]


class ConversationMode(enum.StrEnum):
    """How the agent steers a conversation."""

    LLM_DRIVEN = "llm_driven"
    FLOW_DRIVEN = "flow_driven"


class NodeType(enum.StrEnum):
    """Documented node types (open: a newer type decodes as its raw string)."""

    SAY = "say"
    ASK = "ask"
    DECISION = "decision"
    ACTION = "action"
    TRANSFER = "transfer"
    END = "end"


@attrs.frozen(kw_only=True)
class Branch:
    """A conditional exit of a `decision` node: go to `next` when the answer is `match`."""

    match: str | None = None
    next: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class FlowMeta:
    """`flow_config.meta`: a name and a version label such as `1.2.0`."""

    name: str | None = None
    version: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class GlobalFunction:
    """An item of `flow_config.global_functions` (seen in GET output only)."""

    name: str | None = None
    description: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class FlowNode:
    """One node of the graph. `say` nodes carry `content` and `next`, `decision` nodes
    `branches`; fields of `ask`/`action`/`transfer` nodes are undocumented and land in
    `extra` (sent back unchanged when the flow is saved)."""

    id: str
    type: NodeType | str | None = None
    content: str | None = None
    next: str | None = None
    branches: list[Branch] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class FlowConfig:
    """A flow document. Edges live inside nodes (`next`, `branches[].next`); there is no
    separate edge list. `initial_node_id` must name a node."""

    initial_node_id: str | None = None
    meta: FlowMeta | None = None
    nodes: list[FlowNode] = attrs.field(factory=list)
    global_functions: list[GlobalFunction] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AgentFlow:
    """An agent's conversation mode and flow (`flow_config` is None in `llm_driven` mode).

    The documented PUT example sends `llm_driven` and shows `flow_driven` with a flow in the
    response: read the mode from what the server returns, not from what you sent."""

    conversation_mode: ConversationMode | str | None = None
    flow_config: FlowConfig | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class FlowVersion:
    """A saved flow version (newest first in the list). It carries no `flow_config`, and no
    endpoint returns one version's flow: keep your own copies to roll back."""

    id: str
    version: str | None = None
    created_at: datetime | None = None
    is_current: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class FlowValidation:
    """The verdict on a flow: `valid`, the human-readable `errors` (empty when valid), and the
    server's `message` (`"Flow is valid"`; absent on the invalid shape).

    Returned by `client.flows.validate` for every shape the server uses (2xx
    `{success: true, message}`, 2xx `{success: false, errors}`, and 422 with an `errors`
    list), and by the local `validate_flow_config()`.
    """

    valid: bool
    errors: list[str] = attrs.field(factory=list)
    message: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_body(cls, body: Any) -> FlowValidation:
        """From a validate body: `{success: true, message}` or `{success: false, errors}`
        (an empty body counts as valid)."""
        if not isinstance(body, Mapping):
            return cls(valid=True)
        raw_errors = body.get("errors")
        errors = [str(e) for e in raw_errors] if isinstance(raw_errors, list) else []
        message = body.get("message")
        valid = body.get("success") is not False and not errors
        extra = {k: v for k, v in body.items() if k not in ("success", "errors", "message")}
        return cls(
            valid=valid,
            errors=errors,
            message=message if isinstance(message, str) else None,
            extra=extra,
        )


def validate_flow_config(flow: FlowConfig | Mapping[str, Any]) -> FlowValidation:
    """Check a flow document locally, without I/O, with the documented rules: node ids are
    unique, `initial_node_id` names a node, every `next` / `branches[].next` target exists,
    and every node is reachable from `initial_node_id`.

    Error texts follow the server's wording (`Duplicate node id: 'x'`, `Node 'a' references
    unknown next node 'b'`, `initial_node_id 'x' not found in nodes`, `Node 'x' is
    unreachable`). Per-type required fields are not checked: they are not documented for
    most types. Not called automatically by any client method.
    """
    data: Any = unstructure(flow) if isinstance(flow, FlowConfig) else flow
    if not isinstance(data, Mapping):
        return FlowValidation(valid=False, errors=["flow_config must be an object"])
    nodes = data.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        return FlowValidation(valid=False, errors=["flow_config.nodes must be a non-empty array"])
    errors: list[str] = []
    ids: list[str] = []
    edges: dict[str, list[str]] = {}
    for index, node in enumerate(nodes):
        node_id = node.get("id") if isinstance(node, Mapping) else None
        if not isinstance(node_id, str) or not node_id:
            errors.append(f"Node at index {index} has no id")
            continue
        if node_id in edges:
            errors.append(f"Duplicate node id: '{node_id}'")
        else:
            ids.append(node_id)
            edges[node_id] = []
        edges[node_id].extend(_targets(node))
    known = set(ids)
    for node_id in ids:
        for target in edges[node_id]:
            if target not in known:
                errors.append(f"Node '{node_id}' references unknown next node '{target}'")
    initial = data.get("initial_node_id")
    if not isinstance(initial, str) or not initial:
        errors.append("initial_node_id is required")
    elif initial not in known:
        errors.append(f"initial_node_id '{initial}' not found in nodes")
    else:
        seen = {initial}
        queue = deque([initial])
        while queue:
            for target in edges[queue.popleft()]:
                if target in known and target not in seen:
                    seen.add(target)
                    queue.append(target)
        errors.extend(f"Node '{n}' is unreachable" for n in ids if n not in seen)
    return FlowValidation(valid=not errors, errors=errors)


def _targets(node: Mapping[str, Any]) -> list[str]:
    """The node ids a node leads to (`next` and each `branches[].next`)."""
    out: list[str] = []
    nxt = node.get("next")
    if isinstance(nxt, str) and nxt:
        out.append(nxt)
    branches = node.get("branches")
    if isinstance(branches, list):
        for branch in branches:
            target = branch.get("next") if isinstance(branch, Mapping) else None
            if isinstance(target, str) and target:
                out.append(target)
    return out
