"""The grad_fn DAG as data: the event bus API, recording, ``GraphModel``, DOT/SVG.

Public API
----------
``subscribe(fn, kinds=None) -> Subscription`` / ``unsubscribe(handle_or_fn)``
    Listen to the engine's events (``fn(kind, payload)``); the kinds and
    payloads are documented in :mod:`autograd_widgets.autograd.events`. The
    handle is callable (calling it unsubscribes) and a context manager.
``record() -> Recording``
    ``with record() as rec:`` (or ``rec.start()`` / ``rec.stop()``) captures
    every node created while active, including ops run under ``no_grad`` (as
    ghosts), with weak references only.
``GraphModel``
    ``GraphModel.from_tensors(*tensors, names=None, module=None, max_nodes=1000,
    show_saved=True, collapse_repeats=False)``, ``GraphModel.from_recording(rec)``;
    ``to_json()`` (``docs/graph-schema.md``), ``to_dot(rankdir="TB",
    show_values=False, show_saved=True, legend=True)`` (a ``graphviz.Digraph``),
    ``to_svg()`` (needs a ``dot`` executable), ``to_networkx()``. Works on real
    ``torch`` tensors too (public attributes only).
``LiveGraph(*roots, callback=None, names=None, follow=True, recording=None, **options)``
    What a widget uses: ``live.model()`` / ``live.to_json(**options)`` give the
    current model with ids stable across calls and backward bookkeeping
    (``executed``, ``executed_order``, ``backward_passes``); ``callback()`` is
    called when the model changed (an op extended the graph, a backward ran
    through it, a leaf's ``.grad`` changed, an in-place op or ``zero_()`` touched
    one of its tensors); ``live.last_change`` names the event kind;
    ``live.close()`` unsubscribes. See :mod:`autograd_widgets.graph.live`.

``BackwardSteps(ids, contains=None)``
    Records backward passes node by node, in the engine's order, for
    step-through backward (``passes``: the wire format of
    :mod:`autograd_widgets.graph.steps`).

``graphviz`` is imported only inside ``to_dot``; IPython is never imported (its
user namespace is read only when IPython is already running).
"""

from __future__ import annotations

from ._ids import IdMap
from .bus import EVENT_KINDS, Subscription, subscribe, unsubscribe
from .live import LiveGraph
from .model import GraphModel, walk_nodes
from .recorder import Recording, record
from .steps import BackwardSteps

__all__ = [
    "BackwardSteps",
    "EVENT_KINDS",
    "GraphModel",
    "IdMap",
    "LiveGraph",
    "Recording",
    "Subscription",
    "record",
    "subscribe",
    "unsubscribe",
    "walk_nodes",
]
