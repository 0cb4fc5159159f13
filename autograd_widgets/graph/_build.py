"""The walk behind :class:`~autograd_widgets.graph.GraphModel`, in three phases.

1. **Walk** breadth first from the outputs (tensor boxes) along
   ``next_functions`` (and, for a recording, along the inputs the event bus
   reported), collecting items without describing them; iterative and capped at
   ``WALK_CAP`` items.
2. **Choose** the prefix of that order that fits ``max_nodes`` (nearest the
   outputs); optionally collapse repeated chains first.
3. **Emit** the wire dicts: ids in the stable order, names, tensor
   descriptions, saved tensors, edges, and one ``"+N more"`` node for the rest.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from . import _source
from . import _tensors as T
from ._collapse import collapse
from ._ids import IdMap

DEFAULT_MAX_NODES = 1000
WALK_CAP = 1_000_000  # the walk stops here; the model then says "more than N"
_MORE = ("more",)  # the key object of the "+N more" node (same id across rebuilds)
#: said once per drawing that has a tensor on the ``meta`` device
META_NOTICE = "meta tensors have no data: shapes and dtypes only"
_SUMMARY_EDGE = 3  # items shown at each end of a saved numpy array's summarised repr


class Item:
    """One node of the walked graph before it becomes a wire dict."""

    __slots__ = ("key", "kind", "obj", "acc", "children", "saved", "extra")

    def __init__(self, key, kind: str, obj, acc=None) -> None:
        self.key = key
        self.kind = kind  # tensor | fn | leaf | ghost | external | collapsed
        self.obj = obj
        self.acc = acc  # the AccumulateGrad object of a leaf, when seen
        self.children: list = []  # [(child_key, edge_kind, edge_extra)]
        self.saved = None  # cached saved_values(fn)
        self.extra: dict = {}


def _entry_node(entry):
    if isinstance(entry, tuple):
        return entry[0] if entry else None
    return entry


class Builder:
    def __init__(
        self,
        names,
        *,
        ids=None,
        max_nodes=DEFAULT_MAX_NODES,
        show_saved=True,
        collapse_repeats=False,
        book=None,
        outputs_of=None,
        cache=None,
    ) -> None:
        if max_nodes is not None and max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1 (or None), not {max_nodes}")
        self.names = names
        self.ids = ids if ids is not None else IdMap()
        self.max_nodes = max_nodes
        self.show_saved = show_saved
        self.collapse_repeats = collapse_repeats
        self.book = book
        self.outputs_of = outputs_of
        self.cache = cache  # a _tensors.PreviewCache kept across rebuilds, or None
        self.items: dict = {}
        self.queue: deque = deque()
        self.roots: list = []  # keys of the output items, in the order given
        self.notices: list[str] = []
        self.used_tensor_ids: set[int] = set()
        self.recording = None
        self.capped = False
        # backward nodes named by the tensors they produced (not the roots: those have a box)
        self.fn_names: dict = {}
        self.fn_tensors: dict = {}
        for name, t in names.items():
            fn = getattr(t, "grad_fn", None)
            if fn is not None:
                self.fn_names.setdefault(id(fn), []).append((name, t))

    # -- phase 1: walk ------------------------------------------------------------------
    def _get(self, key, kind, obj, acc=None) -> Item:
        it = self.items.get(key)
        if it is None:
            it = self.items[key] = Item(key, kind, obj, acc)
            self.queue.append(it)
        elif acc is not None and it.acc is None:
            it.acc = acc
        return it

    def _fn_item(self, fn) -> Item:
        if T.is_leaf_node(fn):
            var = fn.variable
            return self._get(id(var), "leaf", var, acc=fn)
        rec = self.recording
        if rec is not None and not rec.has_node(fn):
            return self._get(id(fn), "external", fn)
        return self._get(id(fn), "fn", fn)

    def start_from_tensors(self, tensors) -> None:
        if not tensors:
            self.notices.append("no tensors given")
        for i, t in enumerate(tensors):
            fn = t.grad_fn
            if fn is None and t.requires_grad:
                it = self._get(id(t), "leaf", t)
            else:
                it = self._get(id(t), "tensor", t)
                if fn is None:
                    who = self.names.get(t) or f"output {i}"
                    self.notices.append(
                        f"tensor has no grad_fn: {who} does not require grad (computed under "
                        "no_grad, or from tensors that do not require grad)"
                    )
            if it.key not in self.roots:
                self.roots.append(it.key)
        self._walk()

    def start_from_recording(self, rec) -> None:
        self.recording = rec
        for sink in rec.sinks():
            kind, obj, outs = sink
            if outs:
                for t in outs:
                    it = self._get(id(t), "tensor", t)
                    it.extra["producer"] = (kind, obj)
                    self.roots.append(it.key)
            elif kind == "fn":
                self._fn_item(obj)
            else:
                self._get(id(obj), "ghost", obj)
        if not self.items:
            self.notices.append("nothing was recorded (or everything recorded is gone)")
        self._walk()

    def _walk(self) -> None:
        items, queue = self.items, self.queue
        rec = self.recording
        while queue:
            if len(items) >= WALK_CAP:
                self.capped = True
                break
            it = queue.popleft()
            kind = it.kind
            if kind == "tensor":
                prod = it.extra.get("producer")
                if prod is not None and prod[0] == "ghost":
                    child = self._get(id(prod[1]), "ghost", prod[1])
                    it.children.append((child.key, "output", None))
                    continue
                fn = it.obj.grad_fn
                if fn is not None:
                    it.children.append((self._fn_item(fn).key, "output", None))
            elif kind == "fn":
                for entry in T.next_functions(it.obj):
                    nxt = _entry_node(entry)
                    if nxt is not None:
                        it.children.append((self._fn_item(nxt).key, "next", None))
                if rec is not None:
                    for g in rec.ghost_inputs_of(it.obj):
                        child = self._get(id(g), "ghost", g)
                        it.children.append((child.key, "next", {"no_grad": True}))
            elif kind == "ghost":
                for src_kind, src in it.obj.inputs():
                    if src_kind == "ghost":
                        child = self._get(id(src), "ghost", src)
                    elif src_kind == "fn":
                        child = self._fn_item(src)
                    else:  # a leaf tensor that requires grad
                        child = self._get(id(src), "leaf", src)
                    it.children.append((child.key, "next", {"no_grad": True}))

    # -- phase 2: choose ------------------------------------------------------------------
    def _saved_of(self, it: Item):
        if it.saved is None:
            it.saved = T.saved_values(it.obj) if it.kind == "fn" else []
        return it.saved

    def _cost(self, it: Item) -> int:
        if not self.show_saved or it.kind != "fn":
            return 1
        n = 1
        for _, value in self._saved_of(it):
            if T.is_tensor(value):
                n += 1
            elif isinstance(value, (tuple, list)):
                n += sum(1 for v in value if T.is_tensor(v))
        return n

    def _choose(self) -> list:
        order = list(self.items.values())
        limit = self.max_nodes
        if limit is None:
            return order
        if len(order) <= limit and not self.capped:
            if sum(self._cost(it) for it in order) <= limit:
                return order
        budget, used, kept = limit - 1, 0, []  # one slot for the "+N more" node
        for it in order:
            c = self._cost(it)
            if used + c > budget:
                break
            used += c
            kept.append(it)
        return kept

    # -- phase 3: emit --------------------------------------------------------------------
    def finish(self) -> dict:
        if self.cache is not None:
            self.cache.next_build()
        if self.collapse_repeats:
            collapse(self)
        kept = self._choose()
        ids = self.ids
        node_id = {}
        for it in kept:
            node_id[it.key] = ids.id_for(it.kind, it.obj)
        root_keys = set(self.roots)
        nodes, edges, saved_nodes, saved_edges = [], [], [], []
        for it in kept:
            nodes.append(self._node(it, node_id, root_keys, saved_nodes, saved_edges))
        cut = len(self.items) - len(kept)
        more_id = ids.id_for("more", _MORE) if cut else None
        more_edges: list = []
        seen_more = set()

        def more_edge(src, tgt):
            if (src, tgt) not in seen_more:
                seen_more.add((src, tgt))
                more_edges.append({"source": src, "target": tgt, "kind": "next"})

        for it in self.items.values():
            tgt = node_id.get(it.key)
            for child_key, kind, extra in it.children:
                src = node_id.get(child_key)
                if tgt is not None and src is not None:
                    e = {"source": src, "target": tgt, "kind": kind}
                    if extra:
                        e.update(extra)
                    edges.append(e)
                elif tgt is not None and child_key in self.items:
                    more_edge(more_id, tgt)
                elif src is not None:
                    more_edge(src, more_id)
        nodes.extend(saved_nodes)
        edges.extend(saved_edges)
        if cut:
            label = f"+{cut} more" if not self.capped else f"+{cut}+ more"
            nodes.append(_blank(more_id, "more", label, more_count=cut))
            edges.extend(more_edges)
            limit = self.max_nodes
            self.notices.append(
                f"{'more than ' if self.capped else ''}{cut} nodes not shown "
                + (f"(max_nodes={limit})" if not self.capped else f"(walk stopped at {WALK_CAP})")
            )
        cycle = _find_cycle(self.items)
        if cycle:
            labels = " -> ".join(T.node_label(self.items[k].obj) for k in cycle[:6])
            self.notices.append(
                f"the graph has a cycle ({labels} -> ...): next_functions must form a DAG"
            )
        executed = []
        book = self.book
        if book is not None:
            by_obj = {}
            for it in kept:
                if it.kind in ("fn", "external"):
                    by_obj[id(it.obj)] = node_id[it.key]
                elif it.kind == "leaf":
                    by_obj[("v", id(it.obj))] = node_id[it.key]
            for n in book.executed:
                nid = by_obj.get(id(n))
                if nid is None and T.is_leaf_node(n):
                    nid = by_obj.get(("v", id(n.variable)))
                elif nid is None:  # a torch leaf whose AccumulateGrad is not drawn
                    nid = by_obj.get(("v", id(n)))
                if nid is not None:
                    executed.append(nid)
        return {
            "schema": 1,
            "nodes": nodes,
            "edges": edges,
            "outputs": [node_id[k] for k in self.roots if k in node_id],
            "backward_passes": book.passes if book is not None else 0,
            "executed": executed,
            "truncated": cut,
            "notice": "; ".join(self.notices) if self.notices else None,
        }

    def _describe(self, t) -> dict | None:
        if t is None:
            return None
        self.used_tensor_ids.add(id(t))
        if T.device_type(t) == "meta" and META_NOTICE not in self.notices:
            self.notices.append(META_NOTICE)
        try:
            return T.describe(t, self.cache)
        except Exception:  # noqa: BLE001 - an exotic tensor must not break the drawing
            return None

    def _node(self, it: Item, node_id, root_keys, saved_nodes, saved_edges) -> dict:
        nid = node_id[it.key]
        kind = it.kind
        book = self.book
        if kind == "tensor":
            t = it.obj
            name = self.names.get(t)
            n = _blank(nid, "tensor", name or "output", name=name, tensor=self._describe(t))
            if t.grad_fn is None and not t.requires_grad:
                n["no_grad"] = True
            return n
        if kind == "leaf":
            var = it.obj
            n = _blank(nid, "leaf", "AccumulateGrad", name=self.names.get(var))
            n["tensor"] = self._describe(var)
            if book is not None:
                order = book.order_of(it.acc) if it.acc is not None else None
                n["executed_order"] = order if order is not None else book.order_of_variable(var)
            return n
        if kind == "more":  # a collapsed chain (see _collapse)
            return _blank(nid, "more", it.extra["label"], more_count=it.extra["count"])
        if kind == "ghost":
            g = it.obj
            out = g.output()
            n = _blank(
                nid, "backward", g.name, name=self.names.get(out) if out is not None else None
            )
            n["tensor"] = self._describe(out)
            n["no_grad"] = True
            n["no_grad_reason"] = g.reason
            n["expr"] = _source.expression(g)
            return n
        fn = it.obj
        n = _blank(nid, "backward", T.node_label(fn))
        n["expr"] = _source.expression(fn)
        named = self.fn_names.get(id(fn))
        t = None
        if named:
            own = [(nm, x) for nm, x in named if id(x) not in root_keys]
            if own:
                n["name"] = ", ".join(nm for nm, _ in own)
            t = named[0][1]
            for _, x in named:
                self.used_tensor_ids.add(id(x))
        if t is None and self.outputs_of is not None:
            t = self.outputs_of(fn)
        if t is None:
            for k in root_keys:
                if self.items[k].kind == "tensor" and self.items[k].obj.grad_fn is fn:
                    t = self.items[k].obj
                    break
        n["tensor"] = self._describe(t)
        if kind == "external":
            n["external"] = True
        elif book is not None:
            n["executed_order"] = book.order_of(fn)
        if kind == "fn":
            n["saved"] = self._saved_list(fn, it, nid, saved_nodes, saved_edges)
        return n

    def _saved_list(self, fn, it, nid, saved_nodes, saved_edges) -> list:
        out = []
        for attr, value in self._saved_of(it):
            short = attr[7:] if attr.startswith("_saved_") else attr
            if T.is_tensor(value):
                out.append(
                    self._saved_tensor(fn, attr, short, None, value, nid, saved_nodes, saved_edges)
                )
            elif isinstance(value, (tuple, list)) and any(T.is_tensor(v) for v in value):
                for i, v in enumerate(value):
                    if T.is_tensor(v):
                        out.append(
                            self._saved_tensor(fn, attr, short, i, v, nid, saved_nodes, saved_edges)
                        )
                    else:
                        out.append({"attr": f"{attr}[{i}]", "node": None, "repr": _short_repr(v)})
            else:
                out.append({"attr": attr, "node": None, "repr": _short_repr(value)})
        return out

    def _saved_tensor(self, fn, attr, short, index, value, nid, saved_nodes, saved_edges) -> dict:
        full = attr if index is None else f"{attr}[{index}]"
        label = short if index is None else f"{short}[{index}]"
        desc = self._describe(value)
        sid = None
        if self.show_saved:
            sid = self.ids.id_for("saved", fn, (attr, index))
            saved_nodes.append(
                _blank(sid, "saved", label, name=self.names.get(value), tensor=desc, attr=full)
            )
            saved_edges.append({"source": sid, "target": nid, "kind": "saved"})
        return {"attr": full, "node": sid, "repr": desc["value"] if desc else "tensor(?)"}


def _blank(nid, kind, label, name=None, tensor=None, more_count=None, **extra) -> dict:
    n = {
        "id": nid,
        "kind": kind,
        "label": label,
        "name": name,
        "tensor": tensor,
        "no_grad": False,
        "executed_order": None,
        "saved": [],
        "expr": None,
        "more_count": more_count,
    }
    n.update(extra)
    return n


def _short_repr(value, limit: int = 80) -> str:
    if isinstance(value, BaseException):
        msg = str(value)
        if "backward through the graph a second time" in msg or "freed" in msg:
            return "<freed by backward()>"
        return f"<unavailable: {type(value).__name__}>"
    try:
        if isinstance(value, np.ndarray) and value.size > _SUMMARY_EDGE * 2:
            # only the start is shown: summarise first (a full repr of a (64, 10) array
            # was 60% of a live widget's rebuild)
            with np.printoptions(threshold=_SUMMARY_EDGE * 2, edgeitems=_SUMMARY_EDGE):
                r = repr(value)
        else:
            r = repr(value)
    except Exception:  # noqa: BLE001
        r = f"<{type(value).__name__}>"
    return r if len(r) <= limit else r[: limit - 1] + "…"


def _find_cycle(items: dict) -> list | None:
    """A cycle among the walked items, or None (Kahn's algorithm, then one walk round it)."""
    indeg = dict.fromkeys(items, 0)
    for it in items.values():
        for child_key, _, _ in it.children:
            if child_key in indeg:
                indeg[child_key] += 1
    ready = [k for k, d in indeg.items() if d == 0]
    removed = 0
    while ready:
        k = ready.pop()
        removed += 1
        for child_key, _, _ in items[k].children:
            if child_key in indeg:
                indeg[child_key] -= 1
                if indeg[child_key] == 0:
                    ready.append(child_key)
    if removed == len(items):
        return None
    # every item left sits on or downstream of a cycle: walk until a key repeats
    left = {k for k, d in indeg.items() if d > 0}
    k = next(iter(left))
    path, seen = [], {}
    while k not in seen:
        seen[k] = len(path)
        path.append(k)
        k = next(c for c, _, _ in items[k].children if c in left)
    return path[seen[k] :]
