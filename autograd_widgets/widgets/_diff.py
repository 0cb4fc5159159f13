"""Small diffs between two wire graphs (docs/graph-schema.md).

A patch is ``{"set": {...}, "upsert": [Node], "remove": [id], "order": [id]?,
"edges": [Edge]?, "replace": bool?}``; ``js/src/graph_logic.js:applyPatch``
applies it.  The two must agree.
"""

from __future__ import annotations

import json
from typing import Any

_BODY = ("nodes", "edges")


def diff_graph(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The patch that turns ``old`` into ``new``."""
    patch: dict[str, Any] = {}
    top = {k: v for k, v in new.items() if k not in _BODY and old.get(k) != v}
    top.update({k: None for k in old if k not in _BODY and k not in new})
    if top:
        patch["set"] = top
    old_nodes = {n["id"]: n for n in old.get("nodes", ())}
    new_nodes = new.get("nodes", [])
    new_ids = [n["id"] for n in new_nodes]
    upsert = [n for n in new_nodes if old_nodes.get(n["id"]) != n]
    if upsert:
        patch["upsert"] = upsert
    new_set = set(new_ids)
    remove = [i for i in old_nodes if i not in new_set]
    if remove:
        patch["remove"] = remove
    if new_ids != [i for i in old_nodes if i in new_set]:
        patch["order"] = new_ids
    if new.get("edges", []) != old.get("edges", []):
        patch["edges"] = new.get("edges", [])
    return patch


def full_patch(new: dict[str, Any]) -> dict[str, Any]:
    """A patch that replaces whatever the front end holds."""
    return {
        "set": {k: v for k, v in new.items() if k not in _BODY},
        "upsert": list(new.get("nodes", [])),
        "edges": list(new.get("edges", [])),
        "replace": True,
    }


def apply_patch(graph: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Python twin of ``applyPatch`` (used by tests and to check round trips)."""
    out = {**graph, **patch.get("set", {})}
    if patch.get("replace"):
        out["nodes"] = list(patch.get("upsert", []))
        out["edges"] = list(patch.get("edges", []))
        return out
    by_id = {n["id"]: n for n in graph.get("nodes", [])}
    for i in patch.get("remove", []):
        by_id.pop(i, None)
    for n in patch.get("upsert", []):
        by_id[n["id"]] = n
    order = patch.get("order") or [n["id"] for n in graph.get("nodes", [])]
    nodes, placed = [], set()
    for i in order:
        if i in by_id and i not in placed:
            nodes.append(by_id[i])
            placed.add(i)
    nodes.extend(n for i, n in by_id.items() if i not in placed)
    out["nodes"] = nodes
    out["edges"] = patch["edges"] if "edges" in patch else graph.get("edges", [])
    return out


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not (v is None or v is False or (k == "saved" and not v))}


def compact_node(node: dict[str, Any]) -> dict[str, Any]:
    """A node for the wire: keys whose value is null or false, and an empty
    ``saved`` list, left out (the front end reads a missing key as that default)."""
    out = _drop_empty(node)
    t = out.get("tensor")
    if isinstance(t, dict):
        out["tensor"] = _drop_empty(t)
    return out


def compact_graph(graph: dict[str, Any], _widget: Any = None) -> dict[str, Any]:
    """``graph`` as sent to the front end (``to_json`` of the ``graph`` trait)."""
    if not isinstance(graph, dict) or "nodes" not in graph:
        return graph
    return {**graph, "nodes": [compact_node(n) for n in graph["nodes"]]}


def compact_patch(patch: dict[str, Any]) -> dict[str, Any]:
    if "upsert" not in patch:
        return patch
    return {**patch, "upsert": [compact_node(n) for n in patch["upsert"]]}


def json_size(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":"), allow_nan=True))
