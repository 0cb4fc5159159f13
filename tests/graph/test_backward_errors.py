"""A failed backward explained on the live graph: the ``error`` key of the wire model.

Each kind of failure is triggered for real; the model must name the kind, put the
mark on the node (or tensor box) at fault, and for in-place errors give both versions
and the op that bumped the version. The exception the user gets stays the engine's.
"""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import events
from autograd_widgets.graph import LiveGraph as _LiveGraph
from autograd_widgets.graph import subscribe

_opened: list = []


def LiveGraph(*args, **kwargs):  # noqa: N802 - stands for the class
    live = _LiveGraph(*args, **kwargs)
    _opened.append(live)
    return live


@pytest.fixture(autouse=True)
def _close_live_graphs():
    yield
    while _opened:
        _opened.pop().close()


def _fail(fn) -> RuntimeError:
    with pytest.raises(RuntimeError) as info:
        fn()
    return info.value


def _label(model, nid):
    return next(n["label"] for n in model["nodes"] if n["id"] == nid)


def _kind(model, nid):
    return next(n["kind"] for n in model["nodes"] if n["id"] == nid)


def test_saved_output_modified_in_place_names_versions_and_the_op():
    x = aw.ones(3, requires_grad=True)
    a = x.exp()
    s = a.sum()
    live = LiveGraph(s, namespace=None)
    a.add_(1)
    exc = _fail(s.backward)
    m = live.to_json()
    err = m["error"]
    assert err["kind"] == "inplace" and err["message"] == str(exc)
    assert err["error"] == "RuntimeError"
    assert _label(m, err["node"]) == "ExpBackward0" == err["label"]
    (saved,) = err["saved"]
    assert (saved["attr"], saved["saved_version"], saved["version"]) == ("_saved_result", 0, 1)
    assert saved["shape"] == [3]
    assert [b["op"] for b in saved["bumped_by"]] == ["AddBackward0"]
    assert saved["bumped_by"][0]["version"] == 1


def test_bump_under_no_grad_and_by_an_optimizer_are_named():
    w = aw.nn.Parameter(aw.tensor([1.0, 2.0]))
    x = aw.tensor([3.0, 4.0], requires_grad=True)
    h = w * x  # MulBackward0 saves both w and x
    loss = h.sum()
    live = LiveGraph(loss, namespace=None)
    with aw.no_grad():
        x.mul_(2)
    opt = aw.optim.SGD([w], lr=0.1)
    w.grad = aw.ones(2)
    opt.step()
    _fail(loss.backward)
    err = live.to_json()["error"]
    assert err["kind"] == "inplace" and err["label"] == "MulBackward0"
    by_attr = {s["attr"]: s for s in err["saved"]}
    assert set(by_attr) == {"_saved_self", "_saved_other"}
    ops = {a: [b["op"] for b in s["bumped_by"]] for a, s in by_attr.items()}
    assert ops == {"_saved_self": ["SGD.step()"], "_saved_other": ["MulBackward0"]}
    assert [(s["saved_version"], s["version"]) for s in err["saved"]] == [(0, 1), (0, 1)]


def test_the_bumping_node_is_marked_when_it_is_drawn():
    x = aw.ones(3, requires_grad=True)
    a = x.sigmoid()
    live = LiveGraph(a, namespace=None)  # follows: a.mul_ joins the drawing
    a.mul_(2)
    s = a.sum()
    live.set_roots(s)
    _fail(s.backward)
    m = live.to_json()
    err = m["error"]
    assert err["label"] == "SigmoidBackward0"
    (bump,) = err["saved"][0]["bumped_by"]
    assert bump["op"] == "MulBackward0"
    assert bump["node"] is not None and _label(m, bump["node"]) == "MulBackward0"


def test_view_written_in_place_is_named_by_its_op():
    x = aw.ones(3, requires_grad=True)
    a = x.exp()
    s = a.sum()
    live = LiveGraph(s, namespace=None)
    a[0] = 5.0
    _fail(s.backward)
    (bump,) = live.to_json()["error"]["saved"][0]["bumped_by"]
    assert bump["op"] == "CopyBackwards"


def test_second_backward_marks_the_node_whose_saved_tensors_are_freed():
    x = aw.ones(3, requires_grad=True)
    y = (x.exp() * x).sum()
    live = LiveGraph(y, namespace=None)
    y.backward()
    _fail(y.backward)
    m = live.to_json()
    assert m["error"]["kind"] == "freed"
    assert _label(m, m["error"]["node"]) == "MulBackward0"  # the first to unpack a saved tensor
    # autograd.grad through the same freed graph: the same explanation
    _fail(lambda: aw.autograd.grad(y, [x]))
    assert live.to_json()["error"]["kind"] == "freed"


def test_non_scalar_output_marks_the_output_box():
    x = aw.ones(2, 3, requires_grad=True)
    y = x * 2
    live = LiveGraph(y, namespace=None)
    _fail(y.backward)
    m = live.to_json()
    err = m["error"]
    assert err["kind"] == "non_scalar" and err["shape"] == [2, 3]
    assert _kind(m, err["node"]) == "tensor" and err["node"] in m["outputs"]


def test_gradient_of_the_wrong_shape():
    x = aw.ones(3, requires_grad=True)
    y = x * 2
    live = LiveGraph(y, namespace=None)
    _fail(lambda: y.backward(aw.ones(2)))
    err = live.to_json()["error"]
    assert err["kind"] == "grad_shape"
    assert (err["shape"], err["grad_shape"]) == ([3], [2])
    _fail(lambda: aw.autograd.grad(y, x, grad_outputs=aw.ones(1, 3)))
    assert live.to_json()["error"]["grad_shape"] == [1, 3]


def test_nothing_requires_grad_marks_the_tensor():
    x = aw.ones(3)  # forgot requires_grad=True
    y = (x * 2).sum()
    live = LiveGraph(y, namespace=None)
    _fail(y.backward)
    m = live.to_json()
    err = m["error"]
    assert err["kind"] == "no_grad" and err["index"] == 0
    assert err["message"].startswith("element 0 of tensors does not require grad")
    assert _kind(m, err["node"]) == "tensor"


def test_nan_under_anomaly_mode_marks_the_node_that_made_it():
    z = aw.tensor([0.0, 1.0], requires_grad=True)
    w = (z.sqrt() * 0).sum()
    live = LiveGraph(w, namespace=None)
    with pytest.warns(UserWarning), aw.autograd.detect_anomaly():
        _fail(w.backward)
    m = live.to_json()
    err = m["error"]
    assert err["kind"] == "nan" and err["output_nr"] == 0
    assert _label(m, err["node"]) == "SqrtBackward0"
    assert _kind(m, err["to"]) == "leaf" and err["to_label"] == "AccumulateGrad"


def test_nan_without_anomaly_mode_is_no_error():
    z = aw.tensor([0.0, 1.0], requires_grad=True)
    w = (z.sqrt() * 0).sum()
    live = LiveGraph(w, namespace=None)
    w.backward()
    assert "error" not in live.to_json()


def test_error_clears_after_a_good_backward_and_ignores_other_graphs():
    x = aw.ones(3, requires_grad=True)
    y = x * 2
    calls = []
    live = LiveGraph(y, callback=lambda: calls.append(live.last_change), namespace=None)
    _fail(y.backward)
    assert calls == ["backward_error"] and "error" in live.to_json()
    other = aw.ones(2, requires_grad=True) * 3
    _fail(other.backward)  # not this graph
    assert live.to_json()["error"]["node"] in live.to_json()["outputs"]
    assert calls == ["backward_error"]
    (x * 5).sum().backward()  # another graph on the same leaf: still unexplained here
    assert live.to_json()["error"]["kind"] == "non_scalar"
    y.sum().backward()
    assert "error" not in live.to_json()


def test_event_payload_is_plain_and_only_sent_to_listeners():
    assert not events.hears("backward_error")
    got = []
    sub = subscribe(lambda kind, p: got.append(p), kinds=("backward_error",))
    try:
        x = aw.ones(3, requires_grad=True)
        y = x * 2
        exc = _fail(y.backward)
    finally:
        sub.unsubscribe()
    (p,) = got
    assert p["reason"] == "non_scalar" and p["tensor"] is y and p["message"] == str(exc)
    assert not events.hears("backward_error")


def test_the_user_gets_the_same_exception_with_or_without_a_widget():
    def attempt():
        x = aw.ones(3, requires_grad=True)
        a = x.exp()
        a.add_(1)
        s = a.sum()
        live = LiveGraph(s, namespace=None) if listening else None
        try:
            s.backward()
        except RuntimeError as e:
            return type(e), str(e), e.__cause__, e.__context__
        finally:
            if live is not None:
                live.close()

    listening = False
    plain = attempt()
    listening = True
    assert attempt() == plain


def test_a_broken_classifier_never_hides_the_users_error(monkeypatch):
    from autograd_widgets.autograd import _failure

    def broken(exc, *where):
        raise ValueError("bug")

    monkeypatch.setattr(_failure, "at_roots", broken)
    x = aw.ones(3, requires_grad=True)
    y = x * 2
    live = LiveGraph(y, namespace=None)
    with pytest.warns(RuntimeWarning, match="could not classify"):
        exc = _fail(y.backward)
    assert str(exc) == "grad can be implicitly created only for scalar outputs"
    assert "error" not in live.to_json()


def test_a_recording_hears_ops_again_after_a_failed_backward():
    from autograd_widgets.graph import record

    x = aw.ones(3, requires_grad=True)
    with record() as rec:
        y = (x.exp() * x).sum()
        y.backward()
        _fail(y.backward)  # fails inside the loop: no backward_end
        with aw.no_grad():
            z = x * 2  # noqa: F841 - the ghost's output must live
        assert [g.name for g in rec.ghosts()] == ["MulBackward0"]


def test_recorded_cell_marks_the_output_computed_under_no_grad():
    from autograd_widgets.graph import record

    x = aw.ones(3, requires_grad=True)
    with record() as rec:
        live = LiveGraph(recording=rec, follow=False, namespace=None)
        with aw.no_grad():
            y = (x * 2).sum()
        _fail(y.backward)
    m = live.to_json()
    err = m["error"]
    assert err["kind"] == "no_grad" and _kind(m, err["node"]) == "tensor"
    ghosts = [n["label"] for n in m["nodes"] if n.get("no_grad") and n["kind"] == "backward"]
    assert ghosts == ["SumBackward0", "MulBackward0"]  # why: drawn faded next to the mark
