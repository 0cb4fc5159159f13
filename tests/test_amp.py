"""torch.amp: GradScaler against PyTorch's CPU GradScaler; autocast's enable/disable rules."""

import warnings

import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")


def _run(lib, steps, inf_at=(), nan_at=(), **scaler_kw):
    """A small linear model trained with a GradScaler; returns per-step records."""
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 4)).astype(np.float32)
    b0 = rng.standard_normal(3).astype(np.float32)
    xs = rng.standard_normal((steps, 5, 4)).astype(np.float32)
    w = lib.tensor(w0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    opt = lib.optim.SGD([w, b], lr=0.1, momentum=0.9)
    scaler = lib.amp.GradScaler("cpu", **scaler_kw)
    out = []
    for i in range(steps):
        opt.zero_grad()
        loss = ((lib.tensor(xs[i]) @ w.T + b) ** 2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        if i in inf_at:
            w.grad[0, 0] = float("inf")
        if i in nan_at:
            b.grad[1] = float("nan")
        ret = scaler.step(opt)
        scaler.update()
        out.append(
            (
                float(scaled.item()),
                scaler.get_scale(),
                scaler._get_growth_tracker(),
                ret,
                w.detach().numpy().copy(),
                b.detach().numpy().copy(),
                w.grad.numpy().copy(),
            )
        )
    return out, scaler.state_dict()


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"init_scale": 8.0, "growth_interval": 2},
        {"init_scale": 2.0**20, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 3},
    ],
)
def test_grad_scaler_trajectory_matches_pytorch(kw):
    ours, our_state = _run(aw, 8, inf_at=(1, 5), nan_at=(2,), **kw)
    theirs, their_state = _run(torch, 8, inf_at=(1, 5), nan_at=(2,), **kw)
    assert our_state == their_state
    for o, t in zip(ours, theirs):
        assert o[0] == pytest.approx(t[0], rel=1e-6)
        assert o[1:4] == t[1:4]  # scale, growth tracker, step's return value
        np.testing.assert_allclose(o[4], t[4], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(o[5], t[5], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(o[6], t[6], rtol=1e-6, atol=1e-7)  # unscaled grads


def test_skipped_step_leaves_parameters_and_backs_off():
    ours, _ = _run(aw, 2, inf_at=(0,), init_scale=4.0)
    w_before = _run(aw, 1, inf_at=(0,), init_scale=4.0)[0][0][4]
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(w_before, rng.standard_normal((3, 4)).astype(np.float32))
    assert ours[0][1] == 2.0 and ours[1][1] == 2.0


def test_unscale_then_clip_then_step_and_state_errors():
    for lib in (aw, torch):
        w = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=1.0)
        scaler = lib.amp.GradScaler("cpu", init_scale=4.0)
        scaler.scale((w * 3).sum()).backward()
        scaler.unscale_(opt)
        assert w.grad.tolist() == [3.0, 3.0]
        with pytest.raises(RuntimeError) as e:
            scaler.unscale_(opt)
        assert str(e.value) == (
            "unscale_() has already been called on this optimizer since the last update()."
        )
        scaler.step(opt)
        assert w.tolist() == [-2.0, -2.0]
        with pytest.raises(RuntimeError, match=r"^step\(\) has already been called"):
            scaler.step(opt)
        with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
            scaler.step(opt, closure=lambda: 0)
        scaler.update()


def test_errors_before_scale_and_bad_factors():
    for lib in (aw, torch):
        scaler = lib.amp.GradScaler("cpu")
        opt = lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=1.0)
        with pytest.raises(AssertionError) as e:
            scaler.step(opt)
        assert str(e.value).startswith("Attempted step but _scale is None.  This may indicate")
        with pytest.raises(AssertionError, match=r"The growth factor must be > 1\.0\."):
            lib.amp.GradScaler("cpu", growth_factor=1.0)
        with pytest.raises(AssertionError, match=r"The backoff factor must be < 1\.0\."):
            lib.amp.GradScaler("cpu", backoff_factor=1.0)
        with pytest.raises(RuntimeError, match="The source state dict is empty"):
            scaler.load_state_dict({})


def test_state_dict_round_trip_and_new_scale():
    for lib in (aw, torch):
        a = lib.amp.GradScaler("cpu", init_scale=16.0, growth_interval=7)
        a.scale(lib.ones(1))
        a.update(3.0)
        assert a.get_scale() == 3.0
        b = lib.amp.GradScaler("cpu")
        b.load_state_dict(a.state_dict())
        assert b.state_dict() == {
            "scale": 3.0,
            "growth_factor": 2.0,
            "backoff_factor": 0.5,
            "growth_interval": 7,
            "_growth_tracker": 0,
        }
        assert b.scale(lib.ones(2)).tolist() == [3.0, 3.0]
        one, (two,) = b.scale([lib.ones(1), (lib.ones(1),)])
        assert one.tolist() == two.tolist() == [3.0]


def _warned(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.amp.GradScaler(),
        lambda lib: lib.amp.GradScaler("cuda", init_scale=8.0),
        lambda lib: lib.cuda.amp.GradScaler(),
        lambda lib: lib.cpu.amp.GradScaler(),
        lambda lib: lib.amp.GradScaler(enabled=False),
    ],
)
def test_scaler_construction_warnings_and_enabled_match_pytorch(make):
    ours, our_w = _warned(lambda: make(aw))
    theirs, their_w = _warned(lambda: make(torch))
    assert our_w == their_w
    assert ours.is_enabled() == theirs.is_enabled()
    assert ours.state_dict() == theirs.state_dict()
    assert ours.get_scale() == theirs.get_scale()


def test_disabled_scaler_is_transparent():
    w = aw.ones(2, requires_grad=True)
    opt = aw.optim.SGD([w], lr=1.0)
    scaler = aw.amp.GradScaler("cpu", enabled=False)
    loss = (w * 2).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert w.tolist() == [-1.0, -1.0]


# --- autocast ---------------------------------------------------------------------------------


def _autocast_run(lib, make):
    def body():
        with make(lib):
            return (lib.is_autocast_enabled(), lib.is_autocast_enabled("cpu"))

    return _warned(body)


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.autocast("cuda"),
        lambda lib: lib.autocast(device_type="cuda", dtype=lib.float16),
        lambda lib: lib.amp.autocast("cuda"),
        lambda lib: lib.cuda.amp.autocast(),
        lambda lib: lib.autocast("cpu", enabled=False),
        lambda lib: lib.autocast("cuda", enabled=False),
        lambda lib: lib.autocast("cpu", dtype=lib.float32),
        lambda lib: lib.autocast("cpu", dtype=lib.float64),
        lambda lib: lib.cpu.amp.autocast(enabled=False),
    ],
)
def test_autocast_disabled_cases_match_pytorch(make):
    assert _autocast_run(aw, make) == _autocast_run(torch, make)


def test_disabled_autocast_changes_nothing():
    a = aw.randn(3, 3)
    with aw.autocast("cpu", enabled=False):
        assert (a @ a).dtype == aw.float32
        assert aw.nn.functional.linear(a, a).dtype == aw.float32
    with pytest.warns(UserWarning, match="Disabling autocast"), aw.autocast("cuda"):
        assert (a @ a).dtype == aw.float32


@pytest.mark.parametrize(
    "make",
    [
        lambda: aw.autocast("cpu"),
        lambda: aw.autocast("cpu", dtype=aw.float16),
        lambda: aw.amp.autocast("cpu"),
    ],
)
def test_cpu_autocast_in_low_precision_raises_naming_the_fix(make):
    with pytest.raises(RuntimeError, match="not supported by autograd_widgets") as e:
        make()
    assert "enabled=False" in str(e.value)


def test_cpu_amp_autocast_default_raises_after_its_deprecation_warning():
    with pytest.warns(FutureWarning, match=r"torch.cpu.amp.autocast\(args...\)` is deprecated"):
        with pytest.raises(RuntimeError, match="bfloat16"):
            aw.cpu.amp.autocast()


def test_autocast_state_functions_and_nesting():
    for lib in (aw, torch):
        assert lib.is_autocast_enabled() is False
        assert str(lib.get_autocast_dtype("cpu")) == "torch.bfloat16"
        assert lib.get_autocast_dtype("cuda") == lib.float16
        assert lib.is_autocast_cache_enabled() is True
        assert lib.amp.is_autocast_available("cpu") is True
        with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
            lib.autocast("foo")
        with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
            lib.autocast(1)


def test_autocast_decorator():
    calls = []

    @aw.autocast("cpu", enabled=False)
    def f(x):
        calls.append(aw.is_autocast_enabled("cpu"))
        return x * 2

    assert f(aw.ones(1)).tolist() == [2.0]
    assert calls == [False]
    with pytest.raises(TypeError, match=r"autocast\(\)\(func\) requires a callable"):
        aw.autocast("cpu", enabled=False)(3)


def test_training_script_guarded_by_flag_runs():
    use_amp = False
    model = aw.nn.Linear(4, 2)
    opt = aw.optim.SGD(model.parameters(), lr=0.1)
    scaler = aw.amp.GradScaler("cpu", enabled=use_amp)
    for _ in range(2):
        with aw.autocast(device_type="cpu", dtype=aw.float16, enabled=use_amp):
            loss = model(aw.randn(3, 4)).pow(2).mean()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        opt.zero_grad()
