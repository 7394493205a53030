"""Conversation flows: mode, flow graph, validation and versions (platform.md §1, §5).

Validation applies the documented rules: unique node ids, known node types with their required
fields (`say` needs `content`, `decision` needs `branches`), every `next`/`branches[].next`
target exists, `initial_node_id` names a node, every node is reachable from it.
"""

from __future__ import annotations

from typing import Any

from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable

__all__ = ["flow_errors", "routes"]

routes = RouteTable()
MODES = ("llm_driven", "flow_driven")
NODE_TYPES = ("say", "ask", "decision", "action", "transfer", "end")


def flow_errors(flow: Any) -> list[str]:
    """Human-readable problems of a flow document (empty when valid)."""
    if not isinstance(flow, dict):
        return ["flow_config must be an object"]
    errors: list[str] = []
    nodes = flow.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        return ["flow_config.nodes must be a non-empty array"]
    ids: list[str] = []
    edges: dict[str, list[str]] = {}
    for index, node in enumerate(nodes):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            errors.append(f"Node at index {index} has no id")
            continue
        node_id = node["id"]
        if node_id in ids:
            errors.append(f"Duplicate node id: '{node_id}'")
        ids.append(node_id)
        kind = node.get("type")
        if kind not in NODE_TYPES:
            errors.append(f"Node '{node_id}' has an unknown type '{kind}'")
        if kind == "say" and not node.get("content"):
            errors.append(f"Node '{node_id}' of type 'say' requires 'content'")
        if kind == "decision" and not node.get("branches"):
            errors.append(f"Node '{node_id}' of type 'decision' requires 'branches'")
        targets = [node["next"]] if isinstance(node.get("next"), str) else []
        for branch in node.get("branches") or []:
            if isinstance(branch, dict) and isinstance(branch.get("next"), str):
                targets.append(branch["next"])
        edges[node_id] = targets
    known = set(ids)
    for node_id, targets in edges.items():
        for target in targets:
            if target not in known:
                errors.append(f"Node '{node_id}' references unknown next node '{target}'")
    initial = flow.get("initial_node_id")
    if initial not in known:
        errors.append(f"initial_node_id '{initial}' not found in nodes")
        return errors
    seen, stack = set(), [str(initial)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(t for t in edges.get(current, []) if t in known)
    errors.extend(f"Node '{n}' is unreachable" for n in ids if n not in seen)
    return errors


@routes.get("/agents/{agent_id}/flow")
def get_flow(ctx: Ctx) -> Reply:
    """The agent's conversation mode and flow graph."""
    agent = ctx.agent()
    return ok({"conversation_mode": agent.conversation_mode, "flow_config": agent.flow_config})


@routes.put("/agents/{agent_id}/flow")
def put_flow(ctx: Ctx) -> Reply:
    """Set the mode and (for `flow_driven`) the graph; every save adds a version."""
    agent = ctx.agent()
    c = ctx.check()
    mode = c.string("conversation_mode", required=True, choices=MODES)
    if mode == "flow_driven" and ctx.body.get("flow_config") is None:
        c.fail(
            "flow_config",
            "The flow config field is required when conversation mode is flow_driven.",
        )
    c.done()
    flow = ctx.body.get("flow_config")
    if mode == "flow_driven":
        problems = flow_errors(flow)
        if problems:
            raise ApiError(
                422, "Flow validation failed", shape="list", table_code="VALIDATION_ERROR",
                errors=problems,
            )  # fmt: skip
    agent.conversation_mode = mode or agent.conversation_mode
    agent.flow_config = flow if mode == "flow_driven" else None
    for version in agent.flow_versions:
        version["is_current"] = False
    meta = (flow or {}).get("meta") if isinstance(flow, dict) else None
    label = meta.get("version") if isinstance(meta, dict) else None
    agent.flow_versions.insert(
        0,
        {
            "id": ctx.new_id(),
            "version": str(label or f"1.0.{len(agent.flow_versions)}"),
            "created_at": ctx.iso(),
            "is_current": True,
        },
    )
    agent.updated_at = ctx.now
    return ok({"conversation_mode": agent.conversation_mode, "flow_config": agent.flow_config})


@routes.post("/agents/{agent_id}/flow/validate")
def validate_flow(ctx: Ctx) -> Reply:
    """Check a flow without saving: `{success, message: "Flow is valid"}` or 422 `{success:
    false, errors: [...]}` (no message)."""
    ctx.agent()
    c = ctx.check()
    c.obj("flow_config", required=True)
    c.done()
    problems = flow_errors(ctx.body["flow_config"])
    if problems:
        raise ApiError(422, "", shape="list", table_code="VALIDATION_ERROR", errors=problems)
    return ok(message="Flow is valid")


@routes.get("/agents/{agent_id}/flow/versions")
def flow_versions(ctx: Ctx) -> Reply:
    """Saved versions, newest first, wrapped as `{versions: [...]}`."""
    return ok({"versions": [dict(v) for v in ctx.agent().flow_versions]})
