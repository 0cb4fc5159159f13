"""The op registry: each grad_fn declared once, and recorded only as declared.

Run over the whole op table: every node an op builds is a registered class, carries
only the saved names, attributes and fields its declaration lists, and is complete
when ``node_created`` announces it (nothing is added to it after).
"""

import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.autograd.node import REGISTRY, node_class
from autograd_widgets.ops._core import record
from tests.op_table import TABLE
from tests.test_ops import flat_outputs, input_arrays, make_inputs

_MISSING = object()


def _state(node) -> tuple:
    """What a node holds besides its saved tensors: fields, attributes, extras."""
    extra = {k: v for k, v in (node._extra or {}).items() if k not in ("trace", "wrapped")}
    fields = tuple(getattr(node, f, _MISSING) for f in type(node).field_names)
    return fields, repr(node._attrs), repr(sorted(extra.items(), key=lambda kv: kv[0]))


def test_each_name_is_declared_once():
    for name, cls in REGISTRY.items():
        assert cls.__name__ == name
    with pytest.raises(RuntimeError, match="declared twice"):
        node_class("MulBackward0")


def test_record_refuses_undeclared_names():
    x = aw.ones(2, requires_grad=True)
    cls = REGISTRY["MulBackward0"]
    with pytest.raises(TypeError, match=r"MulBackward0 records saved \['input'\]"):
        record(cls, aw.ones(2), (x, x), {"input": x})
    with pytest.raises(TypeError, match=r"records attrs \['dim'\]"):
        record(cls, aw.ones(2), (x, x), None, {"dim": 0})
    with pytest.raises(TypeError, match=r"records fields \['dims'\]"):
        record(cls, aw.ones(2), (x, x), fields={"dims": 0})


@pytest.mark.parametrize("case", [c for c in TABLE if not c.xfail], ids=lambda c: c.id)
def test_nodes_are_registered_and_complete_when_announced(case):
    seen = []

    def listener(kind, payload):
        node = payload["node"]
        seen.append((node, _state(node)))

    events.add_listener(listener, kinds=("node_created",))
    try:
        ts = make_inputs(aw, case, input_arrays(case))
        try:
            out = case.fn(aw, *ts)
        except Exception:  # noqa: BLE001 - error cases are checked by test_ops
            return
        flat_outputs(out)
    finally:
        events.remove_listener(listener)
    for node, state in seen:
        cls = type(node)
        if cls.__module__.startswith("torch.autograd"):
            continue  # custom Functions
        assert REGISTRY.get(cls.__name__) is cls, f"{cls.__name__} is not in the registry"
        # The pointwise ops record through unchecked_node: their names are checked here.
        saved = set(node._saved or ())
        assert saved <= cls._declared_saved, f"{cls.__name__} saves {saved - cls._declared_saved}"
        attrs = set(node._attrs or ())
        assert attrs <= cls._declared_attrs, f"{cls.__name__} records {attrs - cls._declared_attrs}"
        assert _state(node) == state, f"{cls.__name__} changed after node_created"
