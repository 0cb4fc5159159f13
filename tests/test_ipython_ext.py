"""The IPython extension in an in-process shell: magics, per-cell hooks, and the
kernel side of GradModeToggle and TensorView (dummy comms, no browser)."""

from __future__ import annotations

import gc
import signal
import weakref

import numpy as np
import pytest

IPython = pytest.importorskip("IPython")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

import autograd_widgets as aw  # noqa: E402
from autograd_widgets import notebook  # noqa: E402
from autograd_widgets.autograd import events  # noqa: E402
from autograd_widgets.autograd.grad_mode import state  # noqa: E402
from autograd_widgets.widgets import _cells as ext  # noqa: E402

MAGICS = {
    "line": ("grad_mode", "autograd_display", "autograd_language"),
    "cell": ("no_grad", "enable_grad", "autograd_graph"),
}


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    before = {k: list(ip.events.callbacks[k]) for k in ("pre_run_cell", "post_run_cell")}
    ip.run_cell("%load_ext autograd_widgets")
    ip.run_cell("import autograd_widgets as torch")
    yield ip
    ip.run_cell("%unload_ext autograd_widgets")
    notebook.unload_ipython_extension(ip)
    state.enabled = True
    for k, cbs in before.items():
        ip.events.callbacks[k][:] = cbs
    for name in ("x", "y", "z", "w", "v", "out", "toggle", "view"):
        ip.user_ns.pop(name, None)


def run(ip, code):
    """Run one cell and return its result; raise if it failed unexpectedly."""
    result = ip.run_cell(code, store_history=True)
    return result


def ok(ip, code):
    result = run(ip, code)
    assert result.error_before_exec is None and result.error_in_exec is None, result
    return result.result


def registered(ip) -> dict:
    return {
        k: [n for n in names if n in ip.magics_manager.magics[k]] for k, names in MAGICS.items()
    }


# -- load / unload -------------------------------------------------------------------------


def test_load_registers_magics_and_hooks(shell):
    assert registered(shell) == {k: list(v) for k, v in MAGICS.items()}
    hooks = ext.hooks_for(shell)
    assert hooks.pre_run_cell in shell.events.callbacks["pre_run_cell"]
    assert hooks.post_run_cell in shell.events.callbacks["post_run_cell"]


def test_load_twice_is_harmless(shell):
    pre = len(shell.events.callbacks["pre_run_cell"])
    post = len(shell.events.callbacks["post_run_cell"])
    notebook.load_ipython_extension(shell)
    aw.load_ipython_extension(shell)
    ok(shell, "%load_ext autograd_widgets")
    assert len(shell.events.callbacks["pre_run_cell"]) == pre
    assert len(shell.events.callbacks["post_run_cell"]) == post
    assert shell.magics_manager.registry.get("GradModeMagics") is not None


def test_unload_removes_every_hook_and_magic(shell):
    pre = len(shell.events.callbacks["pre_run_cell"])
    post = len(shell.events.callbacks["post_run_cell"])
    ok(shell, "%autograd_display html")
    from autograd_widgets.core.tensor import Tensor

    assert Tensor in shell.display_formatter.mimebundle_formatter.type_printers
    ok(shell, "%unload_ext autograd_widgets")
    assert registered(shell) == {"line": [], "cell": []}
    assert len(shell.events.callbacks["pre_run_cell"]) == pre - 1
    assert len(shell.events.callbacks["post_run_cell"]) == post - 1
    assert ext.hooks_for(shell) is None
    assert "GradModeMagics" not in shell.magics_manager.registry
    assert Tensor not in shell.display_formatter.mimebundle_formatter.type_printers
    notebook.unload_ipython_extension(shell)  # twice: harmless
    assert run(shell, "%grad_mode").error_in_exec is not None  # the magic is gone
    ok(shell, "%load_ext autograd_widgets")  # and it loads again
    assert registered(shell) == {k: list(v) for k, v in MAGICS.items()}


def test_unload_leaves_other_magics_alone(shell):
    ok(shell, "%unload_ext autograd_widgets")
    assert "time" in shell.magics_manager.magics["line"]
    assert "capture" in shell.magics_manager.magics["cell"]


# -- %%no_grad / %%enable_grad -------------------------------------------------------------


def test_no_grad_cell_then_normal_cell(shell):
    ok(shell, "x = torch.ones(2, 2, requires_grad=True)")
    ok(shell, "%%no_grad\ny = x * 2\ninside = torch.is_grad_enabled()")
    ns = shell.user_ns
    assert ns["inside"] is False
    assert ns["y"].requires_grad is False and ns["y"].grad_fn is None
    assert repr(ns["y"]) == "tensor([[2., 2.],\n        [2., 2.]])"
    ok(shell, "z = x * 2")
    assert ns["z"].grad_fn is not None and type(ns["z"].grad_fn).__name__ == "MulBackward0"
    assert state.enabled is True


def test_enable_grad_cell_under_grad_mode_off(shell):
    ok(shell, "x = torch.ones(2, requires_grad=True)")
    ok(shell, "%grad_mode off")
    ok(shell, "%%enable_grad\ny = x * 2")
    ok(shell, "z = x * 2")
    ns = shell.user_ns
    assert ns["y"].requires_grad and ns["y"].grad_fn is not None
    assert not ns["z"].requires_grad and ns["z"].grad_fn is None
    assert state.enabled is False


def test_cell_magic_displays_last_expression(shell):
    ok(shell, "x = torch.ones(2, requires_grad=True)")
    value = ok(shell, "%%no_grad\nx * 3")
    assert repr(value) == "tensor([3., 3.])"
    assert ok(shell, "%%no_grad\nx * 3;") is None  # a trailing ';' silences it, as in any cell
    assert ok(shell, "%%enable_grad\nv = 1") is None


def test_cell_magic_body_may_use_magics_and_variables(shell):
    ok(shell, "%%no_grad\nn = 3\nres = %grad_mode\nx = torch.ones(n, requires_grad=True)")
    assert shell.user_ns["n"] == 3
    assert shell.user_ns["x"].shape == (3,)


@pytest.mark.parametrize(
    "magic, inner, expected_inner, expected_after",
    [
        ("enable_grad", "no_grad", False, True),
        ("no_grad", "enable_grad", True, False),
        ("no_grad", "no_grad", False, False),
    ],
)
def test_nesting_with_in_cell_context_managers(shell, magic, inner, expected_inner, expected_after):
    ok(shell, "x = torch.ones(2, requires_grad=True)")
    ok(
        shell,
        f"%%{magic}\n"
        f"with torch.{inner}():\n"
        "    y = x * 2\n"
        "    mode_inner = torch.is_grad_enabled()\n"
        "z = x * 2\n"
        "mode_after = torch.is_grad_enabled()",
    )
    ns = shell.user_ns
    assert ns["mode_inner"] is expected_inner
    assert (ns["y"].grad_fn is not None) is expected_inner
    assert ns["mode_after"] is expected_after
    assert (ns["z"].grad_fn is not None) is expected_after
    assert state.enabled is True  # and the cell's mode is gone afterwards


def test_set_grad_enabled_inside_magic_cell_is_undone(shell):
    ok(shell, "%%enable_grad\ntorch.set_grad_enabled(False)\nm = torch.is_grad_enabled()")
    assert shell.user_ns["m"] is False
    assert state.enabled is True


@pytest.mark.parametrize("magic, during", [("no_grad", False), ("enable_grad", True)])
def test_mode_restored_after_exception(shell, magic, during):
    start = not during
    state.enabled = start
    result = run(shell, f"%%{magic}\nseen = torch.is_grad_enabled()\nraise ValueError('boom')")
    assert isinstance(result.error_in_exec, ValueError)
    assert shell.user_ns["seen"] is during
    assert state.enabled is start
    ok(shell, "after = torch.is_grad_enabled()")
    assert shell.user_ns["after"] is start


@pytest.mark.parametrize("magic", ["no_grad", "enable_grad"])
def test_mode_restored_after_keyboard_interrupt(shell, magic):
    state.enabled = magic == "no_grad"
    start = state.enabled
    result = run(shell, f"%%{magic}\nraise KeyboardInterrupt")
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert state.enabled is start


@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="SIGINT is handled by someone else here",
)
def test_mode_restored_after_real_sigint(shell):
    ok(shell, "import signal")
    result = run(
        shell,
        "%%no_grad\nx = torch.ones(1, requires_grad=True)\n"
        "signal.raise_signal(signal.SIGINT)\nnever = True",
    )
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert "never" not in shell.user_ns
    assert state.enabled is True


def test_traceback_shows_the_users_line(shell, capsys):
    run(shell, "%%no_grad\na = 1\nb = undefined_name_xyz")
    out = capsys.readouterr()
    text = out.out + out.err
    assert "NameError" in text and "undefined_name_xyz" in text
    assert "run_cell_body" not in text  # our frames are hidden


# -- %grad_mode ------------------------------------------------------------------------------


def test_grad_mode_prints_and_sets_for_following_cells(shell, capsys):
    ok(shell, "%grad_mode")
    assert "grad mode: on" in capsys.readouterr().out
    ok(shell, "%grad_mode off")
    ok(shell, "x = torch.ones(2, requires_grad=True)\ny = x * 2")
    ok(shell, "z = x * 2")
    assert shell.user_ns["y"].grad_fn is None and shell.user_ns["z"].grad_fn is None
    ok(shell, "%grad_mode")
    assert "grad mode: off" in capsys.readouterr().out
    ok(shell, "%grad_mode on")
    ok(shell, "w = x * 2")
    assert shell.user_ns["w"].grad_fn is not None


def test_grad_mode_rejects_bad_arguments(shell, capsys):
    run(shell, "%grad_mode maybe")
    err = capsys.readouterr()
    assert "expected 'on' or 'off'" in err.out + err.err
    assert state.enabled is True


def test_top_level_set_grad_enabled_leaks_like_pytorch(shell, capsys):
    ok(shell, "torch.set_grad_enabled(False)")
    ok(shell, "%grad_mode")
    assert "grad mode: off" in capsys.readouterr().out


# -- pending requests (what GradModeToggle uses) -------------------------------------------------


def test_request_applies_at_the_next_cell_not_the_current_one(shell):
    ok(shell, "x = torch.ones(2, requires_grad=True)")
    ok(
        shell,
        "from autograd_widgets.widgets._cells import request_grad_mode\n"
        "request_grad_mode(False)\n"
        "y = x * 2",
    )
    assert shell.user_ns["y"].grad_fn is not None  # same cell: unchanged
    assert ext.pending_grad_mode(shell) is False
    ok(shell, "z = x * 2")
    assert shell.user_ns["z"].grad_fn is None and not shell.user_ns["z"].requires_grad
    assert ext.pending_grad_mode(shell) is None


def test_explicit_magic_wins_over_pending_request(shell):
    ext.request_grad_mode(False, shell)
    ok(shell, "%grad_mode on")
    assert ext.pending_grad_mode(shell) is None
    ok(shell, "m = torch.is_grad_enabled()")
    assert shell.user_ns["m"] is True


def test_pending_request_then_no_grad_cell(shell):
    ext.request_grad_mode(False, shell)
    ok(shell, "%%enable_grad\nm = torch.is_grad_enabled()")
    assert shell.user_ns["m"] is True
    assert state.enabled is False  # the request applied before the cell, the magic restored it


def test_silent_executions_do_not_apply_requests(shell):
    ext.request_grad_mode(False, shell)
    shell.run_cell("1 + 1", silent=True)
    assert state.enabled is True and ext.pending_grad_mode(shell) is False


def test_request_outside_ipython_applies_at_once(monkeypatch):
    monkeypatch.setattr(ext, "_shell", lambda shell=None: None)
    try:
        assert ext.request_grad_mode(False) is False
        assert state.enabled is False
    finally:
        state.enabled = True


def test_after_cell_callbacks_that_raise_only_warn(shell):
    def broken():
        raise RuntimeError("nope")

    ext.add_cell_listener(broken)
    try:
        with pytest.warns(RuntimeWarning, match="nope"):
            ok(shell, "a = 1")
    finally:
        ext._after_cell.remove(broken)


# -- GradModeToggle and TensorView, kernel side ------------------------------------------------


@pytest.fixture
def widgets(shell):
    pytest.importorskip("anywidget")
    from autograd_widgets.widgets import _assets

    for name in ("grad_mode_toggle.js", "tensor_view.js"):
        if not (_assets.STATIC / name).exists():
            pytest.skip(f"front end not built ({name}): npm --prefix js run build")
    from autograd_widgets.widgets import GradModeToggle, TensorView

    made = []
    yield shell, GradModeToggle, TensorView, made
    for w in made:
        w.close()


class FakeLater:
    """A ``call_later`` that runs nothing until told to."""

    def __init__(self):
        self.calls = []

    def __call__(self, delay, fn):
        self.calls.append(fn)
        return self

    def cancel(self):
        pass

    def run(self):
        calls, self.calls = self.calls, []
        for fn in calls:
            fn()


def click(toggle):
    """What the front end's click does: set the trait through the comm."""
    toggle.set_state({"enabled": not toggle.enabled})


def test_toggle_click_applies_from_the_next_cell(widgets):
    shell, GradModeToggle, _, made = widgets
    ok(shell, "from autograd_widgets.widgets import GradModeToggle\ntoggle = GradModeToggle()")
    toggle = shell.user_ns["toggle"]
    made.append(toggle)
    assert toggle.enabled is True and toggle.pending is False
    click(toggle)
    assert toggle.enabled is False and toggle.pending is True
    assert state.enabled is True  # nothing changes until a cell runs
    ok(shell, "x = torch.ones(2, 2, requires_grad=True)\ny = x * 2")
    y = shell.user_ns["y"]
    assert not y.requires_grad and y.grad_fn is None
    assert repr(y) == "tensor([[2., 2.],\n        [2., 2.]])"
    assert toggle.enabled is False and toggle.pending is False
    click(toggle)
    ok(shell, "z = x * 2")
    assert shell.user_ns["z"].grad_fn is not None


def test_toggle_click_during_a_cell_waits_for_the_next_one(widgets):
    shell, GradModeToggle, _, made = widgets
    toggle = GradModeToggle()
    made.append(toggle)
    shell.user_ns["toggle"] = toggle
    ok(
        shell,
        "x = torch.ones(2, requires_grad=True)\n"
        "toggle.set_state({'enabled': False})\n"
        "y = x * 2\nm = torch.is_grad_enabled()",
    )
    assert shell.user_ns["m"] is True and shell.user_ns["y"].grad_fn is not None
    ok(shell, "z = x * 2")
    assert shell.user_ns["z"].grad_fn is None


def test_toggles_stay_in_sync_and_follow_code_and_magics(widgets):
    shell, GradModeToggle, _, made = widgets
    a, b = GradModeToggle(), GradModeToggle()
    made += [a, b]
    click(a)
    assert (a.enabled, a.pending) == (b.enabled, b.pending) == (False, True)
    click(b)  # back to on: nothing pending any more
    assert (a.enabled, a.pending) == (b.enabled, b.pending) == (True, False)
    ok(shell, "%grad_mode off")
    assert a.enabled is False and b.enabled is False and not a.pending
    ok(shell, "torch.set_grad_enabled(True)")
    assert a.enabled is True and b.enabled is True
    aw.set_grad_enabled(False)  # code outside any cell (a callback, a thread): at once
    assert a.enabled is False and b.enabled is False
    aw.set_grad_enabled(True)
    c = GradModeToggle(enabled=False)  # made in the off position: a request
    made.append(c)
    assert (a.enabled, a.pending, c.enabled, c.pending) == (False, True, False, True)


def test_toggle_does_not_flicker_inside_a_cell(widgets):
    shell, GradModeToggle, _, made = widgets
    toggle = GradModeToggle()
    made.append(toggle)
    seen = []
    toggle.observe(lambda change: seen.append(change["new"]), "enabled")
    ok(shell, "for _ in range(3):\n    with torch.no_grad():\n        pass")
    ok(shell, "%%no_grad\npass")
    assert seen == [] and toggle.enabled is True


def test_toggle_listener_goes_away_with_the_last_toggle(widgets):
    from autograd_widgets.widgets import grad_mode_toggle as gmt

    shell, GradModeToggle, _, _made = widgets
    toggle = GradModeToggle()
    assert gmt._on_event in events.listeners
    toggle.close()
    assert gmt._on_event not in events.listeners
    assert repr(GradModeToggle()).startswith("GradModeToggle(grad mode on")


def _view(TensorView, made, t, **kw):
    later = FakeLater()
    view = TensorView(t, call_later=later, **kw)
    made.append(view)
    return view, later


def page(data: bytes) -> list:
    return np.frombuffer(data, dtype="<f8").tolist()


def test_tensor_view_shows_grad_after_backward_and_zero(widgets):
    shell, _, TensorView, made = widgets
    x = aw.ones(2, 2, requires_grad=True)
    view, later = _view(TensorView, made, x, name="x")
    info = view._info
    assert info["shape"] == [2, 2] and info["dtype"] == "torch.float32"
    assert info["requires_grad"] and info["is_leaf"] and not info["has_grad"]
    assert page(view._values) == [1.0] * 4 and view._grad == b""
    out = ((x**2) * 3).mean()
    out.backward()
    later.run()
    assert view._info["has_grad"] and page(view._grad) == [1.5] * 4
    assert view._info["grad_stats"]["max"] == 1.5
    x.grad.zero_()
    later.run()
    assert page(view._grad) == [0.0] * 4
    with aw.no_grad():
        x.mul_(-2)
    later.run()
    assert page(view._values) == [-2.0] * 4
    assert view._info["version"] == x._version and view._info["stats"]["scale"] == 2.0


def test_tensor_view_resyncs_after_a_cell(widgets):
    shell, _, TensorView, made = widgets
    ok(shell, "x = torch.ones(3, requires_grad=True)\nx.sum().backward()")
    x = shell.user_ns["x"]
    view, _later = _view(TensorView, made, x)
    assert view._info["has_grad"]
    ok(
        shell, "x.detach().numpy()[0] = 5.0"
    )  # no event for this one: the after-cell re-sync catches it
    assert page(view._values)[0] == 5.0
    ok(shell, "x.grad = None")
    assert not view._info["has_grad"]


def test_tensor_view_slices_pages_and_wraps(widgets):
    import traitlets

    shell, _, TensorView, made = widgets
    a = aw.arange(24.0).reshape(2, 3, 4)
    view, _ = _view(TensorView, made, a)
    assert view.index == [0] and page(view._values) == list(range(12))
    view.index = [1]
    assert page(view._values) == list(range(12, 24))
    view.index = [-1]
    assert view.index == [1]
    with pytest.raises(traitlets.TraitError):
        view.index = [2]
    with pytest.raises(traitlets.TraitError):
        view.index = [0, 0]

    vec = aw.arange(30.0)  # views hold their tensors weakly: keep it alive here
    v1, _ = _view(TensorView, made, vec, cols=8, rows=2)
    assert v1._info["row_labels"] == ["0", "8"] and v1._info["col_labels"][:2] == ["+0", "+1"]
    v1.row_start = 3
    assert v1._info["row_labels"] == ["24"] and v1._info["valid"] == 6
    assert page(v1._values)[:6] == [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]

    v0, _ = _view(TensorView, made, aw.tensor(-3.5))
    assert page(v0._values) == [-3.5] and v0._info["shape"] == []

    empty, _ = _view(TensorView, made, aw.zeros(0, 3))
    assert empty._values == b""


def test_tensor_view_sends_one_page_of_a_large_tensor(widgets):
    shell, _, TensorView, made = widgets
    big = aw.randn(2000, 3000)
    view, _ = _view(TensorView, made, big, rows=20, cols=12)
    assert len(view._values) == 20 * 12 * 8
    assert view._info["rows_total"] == 2000 and view._info["cols_total"] == 3000
    view.row_start, view.col_start = 1990, 2995
    assert (view._info["page_rows"], view._info["page_cols"]) == (10, 5)
    expected = big.numpy()[1990:, 2995:].astype(np.float64).ravel().tolist()
    assert page(view._values) == expected
    assert view._info["stats"]["max"] == pytest.approx(float(big.numpy().max()))


def test_tensor_view_keeps_nan_and_inf(widgets):
    shell, _, TensorView, made = widgets
    view, _ = _view(TensorView, made, aw.tensor([1.0, float("nan"), float("inf")]))
    vals = page(view._values)
    assert vals[0] == 1.0 and np.isnan(vals[1]) and vals[2] == np.inf
    assert view._info["stats"]["nan"] == 1 and view._info["stats"]["inf"] == 1


def test_tensor_view_holds_its_tensor_weakly(widgets):
    from autograd_widgets.widgets import tensor_view as tv

    shell, _, TensorView, made = widgets
    x = aw.ones(3, requires_grad=True)
    ref = weakref.ref(x)
    view, _ = _view(TensorView, made, x)
    del x
    gc.collect()
    assert ref() is None
    view.refresh()
    assert view._info["gone"]
    assert tv._on_event in events.listeners
    view.close()
    made.remove(view)
    assert tv._on_event not in events.listeners


def test_tensor_view_rejects_non_tensors(widgets):
    _, _, TensorView, _ = widgets
    with pytest.raises(TypeError, match="expects a tensor"):
        TensorView([1, 2, 3])


def test_rich_display_is_opt_in(widgets):
    shell, _, _, _ = widgets
    ok(shell, "x = torch.ones(2, requires_grad=True)\ny = torch.ones(2)")
    x, y = shell.user_ns["x"], shell.user_ns["y"]
    data, _ = shell.display_formatter.format(x)
    assert set(data) == {"text/plain"} and data["text/plain"] == repr(x)
    ok(shell, "%autograd_display html")
    data, _ = shell.display_formatter.format(x)
    assert data["text/plain"] == repr(x)  # consoles still print PyTorch's text
    assert "shape [2]" in data["text/html"] and "requires_grad=True" in data["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in data
    data, _ = shell.display_formatter.format(y)  # needs no grad: untouched
    assert set(data) == {"text/plain"}
    ok(shell, "%autograd_display plain")
    data, _ = shell.display_formatter.format(x)
    assert set(data) == {"text/plain"}


def test_loading_the_extension_imports_no_widget_library():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_cell('%load_ext autograd_widgets')\n"
        "ip.run_cell('%%no_grad\\nimport autograd_widgets as torch\\ny = torch.ones(2) * 2')\n"
        "bad = [m for m in ('anywidget', 'ipywidgets', 'graphviz') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# -- %%autograd_graph ----------------------------------------------------------------------------


def _graph_cell(shell, line: str, body: str):
    ok(
        shell,
        f"%%autograd_graph {line}\n{body}".replace("%%autograd_graph \n", "%%autograd_graph\n"),
    )
    widget = ext.hooks_for(shell).last_graph()
    assert widget is not None
    return widget


def _labels(graph, kind="backward", ghosts=False):
    return sorted(
        n["label"] for n in graph["nodes"] if n["kind"] == kind and bool(n.get("no_grad")) == ghosts
    )


def test_autograd_graph_records_exactly_the_cells_nodes(widgets):
    shell, _, _, made = widgets
    ok(shell, "x = torch.ones(2, 2, requires_grad=True)\nbefore = (x * 5).sum()")
    widget = _graph_cell(
        shell,
        "",
        "y = x ** 2\nwith torch.no_grad():\n    g = y * 0\nout = (y * 3).mean()",
    )
    made.append(widget)
    graph = widget.graph
    assert _labels(graph) == ["MeanBackward0", "MulBackward0", "PowBackward0"]
    assert "SumBackward0" not in [n["label"] for n in graph["nodes"]]  # an earlier cell's op
    assert _labels(graph, "backward", ghosts=True) == ["MulBackward0"]  # y * 0 under no_grad
    names = {n["name"] for n in graph["nodes"] if n.get("name")}
    assert {"x", "out"} <= names
    assert "before" not in names
    assert state.enabled is True


def test_autograd_graph_options_and_live_updates(widgets):
    shell, _, _, made = widgets
    ok(shell, "x = torch.ones(3, requires_grad=True)")
    widget = _graph_cell(
        shell, "--saved --values --rankdir LR --max-nodes 40", "loss = (x * x).sum()"
    )
    made.append(widget)
    assert (widget.show_saved, widget.show_values, widget.rankdir, widget.max_nodes) == (
        True,
        True,
        "LR",
        40,
    )
    assert widget.live and widget.subscribed
    assert widget.graph["backward_passes"] == 0
    ok(shell, "loss.backward()")  # a later cell: the drawing follows
    widget._throttle.flush()
    widget.refresh()
    assert widget.graph["backward_passes"] == 1
    leaf = next(n for n in widget.graph["nodes"] if n["kind"] == "leaf")
    assert leaf["tensor"]["grad"] is not None
    # and it can be stepped through, node by node, on the drawing's ids
    (backward,) = widget.backward_steps
    assert [s["label"] for s in backward["steps"]] == [
        "SumBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]
    assert backward["steps"][-1]["node"] == leaf["id"]


def test_autograd_graph_shows_partial_graph_then_fails(widgets, capsys):
    shell, _, _, made = widgets
    ok(shell, "x = torch.ones(2, requires_grad=True)")
    result = run(shell, "%%autograd_graph\ny = x * 2\nraise ValueError('late')")
    assert isinstance(result.error_in_exec, ValueError)
    widget = ext.hooks_for(shell).last_graph()
    assert widget is not None
    made.append(widget)
    assert _labels(widget.graph) == ["MulBackward0"]


def test_autograd_graph_rejects_bad_options(widgets, capsys):
    shell, _, _, _ = widgets
    for line in ("--rankdir XY", "--max-nodes 0", "--bogus"):
        result = run(shell, f"%%autograd_graph {line}\npass")
        assert result.error_in_exec is not None or result.error_before_exec is not None
    assert "--max-nodes must be at least 1" in capsys.readouterr().err + capsys.readouterr().out


def test_request_from_another_thread_sees_the_cells_mode(shell):
    import threading

    ok(shell, "%grad_mode off")
    results = []
    worker = threading.Thread(
        target=lambda: results.append(
            (ext.current_grad_mode(shell), ext.request_grad_mode(True, shell))
        )
    )
    worker.start()
    worker.join()
    assert results == [(False, True)]  # grad mode is thread-local; the cells' mode is off
    ok(shell, "m = torch.is_grad_enabled()")
    assert shell.user_ns["m"] is True
