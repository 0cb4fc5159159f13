"""Stable node ids: the same object gets the same id for as long as it lives.

A one-shot :class:`GraphModel` numbers its nodes ``n0, n1, ...`` in its stable
order, so the same program always gives the same ids (DOT snapshots rely on
that). A live graph passes one :class:`IdMap` to every rebuild, so a node keeps
its id across updates and new nodes get fresh ones.

Entries are weak where the object allows (our nodes and tensors): the map never
keeps a graph alive. ``torch`` nodes cannot be weakly referenced; for them the
map holds the object (only for as long as the map itself lives).
"""

from __future__ import annotations

import weakref


class IdMap:
    """``id_for(kind, obj, sub=None) -> "n<k>"``: stable, never reused within one map."""

    def __init__(self, prefix: str = "n") -> None:
        self.prefix = prefix
        self._next = 0
        self._entries: dict = {}  # (kind, id(obj), sub) -> (ref_or_obj, number)

    def id_for(self, kind: str, obj, sub=None) -> str:
        key = (kind, id(obj), sub)
        hit = self._entries.get(key)
        if hit is not None:
            ref, n = hit
            alive = ref() if isinstance(ref, weakref.ref) else ref
            if alive is obj:
                return f"{self.prefix}{n}"
        n = self._next
        self._next += 1
        try:
            ref = weakref.ref(obj, lambda r, key=key, d=self._entries: _drop(d, key, r))
        except TypeError:
            ref = obj  # not weakly referenceable (torch nodes, ints): hold it
        self._entries[key] = (ref, n)
        return f"{self.prefix}{n}"

    def peek(self, kind: str, obj, sub=None) -> str | None:
        """The id ``obj`` already has, or None (never makes a new one)."""
        hit = self._entries.get((kind, id(obj), sub))
        if hit is None:
            return None
        ref, n = hit
        alive = ref() if isinstance(ref, weakref.ref) else ref
        return f"{self.prefix}{n}" if alive is obj else None

    def __len__(self) -> int:
        return len(self._entries)


def _drop(entries: dict, key, ref) -> None:
    hit = entries.get(key)
    if hit is not None and hit[0] is ref:
        del entries[key]
