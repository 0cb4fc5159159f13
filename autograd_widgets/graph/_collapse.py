"""Collapse repeated chains: ``x = f(x)`` run 100 times is drawn as f, "… ×98", f.

A *chain* is a path of backward nodes where each node has exactly one backward
input (its other inputs are leaves or nothing) and that input feeds nothing
else. Along a chain, a run of the same period (the same op labels with the same
kinds of side inputs) repeated three or more times keeps its first and last
repetition; the ones between become one ``"more"`` node labelled with the
period and the count, and with the run's side inputs (leaves) as inputs.
"""

from __future__ import annotations

from . import _tensors as T

MIN_REPEATS = 3
MAX_PERIOD = 8


def _main_child(items, it):
    """The one backward input of a chain node (None when it is not a chain node)."""
    if it.kind != "fn":
        return None
    main = None
    for key, kind, _ in it.children:
        child = items.get(key)
        if child is None or kind != "next":
            return None
        if child.kind == "fn":
            if main is not None and main != key:
                return None
            main = key
        elif child.kind != "leaf":
            return None
    return main


def _signature(items, it):
    side = tuple(sorted(items[k].kind for k, _, _ in it.children if items[k].kind != "fn"))
    return (T.node_label(it.obj), side)


def collapse(builder) -> None:
    items = builder.items
    if builder.capped or len(items) < MIN_REPEATS:
        return
    consumers: dict = {}
    for it in items.values():
        for key, _, _ in it.children:
            consumers[key] = consumers.get(key, 0) + 1
    nxt = {}
    for key, it in items.items():
        main = _main_child(items, it)
        if main is not None and consumers.get(main) == 1:
            nxt[key] = main
    has_prev = set(nxt.values())
    hidden_total: set = set()
    replacements = []  # (before_key, first_hidden_key, after_key, hidden keys, period labels, count)
    for start in items:
        if start in has_prev or start not in nxt:
            continue
        chain = [start]
        while chain[-1] in nxt and len(chain) <= len(items):
            chain.append(nxt[chain[-1]])
        sigs = [_signature(items, items[k]) if items[k].kind == "fn" else None for k in chain]
        i = 0
        while i < len(chain):
            best = None
            for p in range(1, MAX_PERIOD + 1):
                unit = sigs[i : i + p]
                if len(unit) < p or None in unit:
                    break
                r = 1
                while sigs[i + r * p : i + (r + 1) * p] == unit:
                    r += 1
                if r >= MIN_REPEATS and (best is None or (r - 2) * p > (best[1] - 2) * best[0]):
                    best = (p, r)
            if best is None:
                i += 1
                continue
            p, r = best
            hidden = chain[i + p : i + (r - 1) * p]
            after = chain[i + (r - 1) * p]
            labels = [s[0] for s in sigs[i : i + p]]
            replacements.append((chain[i + p - 1], hidden, after, labels, r - 2))
            hidden_total.update(hidden)
            i += r * p
    if not replacements:
        return
    # cycle: _build calls collapse(); collapse hands its rows back as _build's Item
    from ._build import Item

    new_items: dict = {}
    made: dict = {}
    for before, hidden, after, labels, count in replacements:
        key = ("collapsed", hidden[0])
        first = items[hidden[0]]
        it = Item(key, "more", first.obj)
        it.extra["label"] = f"… ×{count} " + " → ".join(labels)
        it.extra["count"] = len(hidden)
        it.children.append((after, "next", None))
        seen = {after}
        for k in hidden:
            for ck, ek, ex in items[k].children:
                if ck not in hidden_total and ck not in seen:
                    seen.add(ck)
                    it.children.append((ck, ek, ex))
        b = items[before]
        b.children = [(key if ck == hidden[0] else ck, ek, ex) for ck, ek, ex in b.children]
        made[hidden[0]] = it
    for key, it in items.items():
        if key in made:
            new_items[made[key].key] = made[key]
        elif key not in hidden_total:
            new_items[key] = it
    builder.items = new_items
