"""torch.utils.checkpoint: gradients against PyTorch and against no checkpointing, grad_fn
names, the use_reentrant warning, and dropout recomputed with the forward's RNG state."""

import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

X = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)


def _model(lib, dropout=0.0):
    lib.manual_seed(0)
    layers = [lib.nn.Linear(5, 6), lib.nn.Tanh(), lib.nn.Dropout(dropout), lib.nn.Linear(6, 6)]
    layers += [lib.nn.ReLU(), lib.nn.Linear(6, 3)]
    model = lib.nn.Sequential(*layers)
    rng = np.random.default_rng(2)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
    return model


def _grads(lib, run, dropout=0.0):
    model = _model(lib, dropout)
    x = lib.tensor(X, requires_grad=True)
    lib.manual_seed(5)
    out = run(lib, model, x)
    (out**2).sum().backward()
    return out, [x.grad.numpy()] + [p.grad.numpy() for p in model.parameters()]


def _seg(model):
    def first(t):
        return model[3](model[2](model[1](model[0](t))))

    return first


RUNS = {
    "reentrant": lambda lib, m, x: m[5](
        m[4](lib.utils.checkpoint.checkpoint(_seg(m), x, use_reentrant=True))
    ),
    "non_reentrant": lambda lib, m, x: m[5](
        m[4](lib.utils.checkpoint.checkpoint(_seg(m), x, use_reentrant=False))
    ),
    "sequential_reentrant": lambda lib, m, x: lib.utils.checkpoint.checkpoint_sequential(
        m, 3, x, use_reentrant=True
    ),
    "sequential_non_reentrant": lambda lib, m, x: lib.utils.checkpoint.checkpoint_sequential(
        m, 2, x, use_reentrant=False
    ),
}


@pytest.mark.parametrize("dropout", [0.0, 0.5])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_gradients_match_pytorch_and_no_checkpoint(name, dropout):
    ours_out, ours = _grads(aw, RUNS[name], dropout)
    theirs_out, theirs = _grads(torch, RUNS[name], dropout)
    plain_out, plain = _grads(aw, lambda lib, m, x: m(x), dropout)
    np.testing.assert_allclose(ours_out.detach().numpy(), plain_out.detach().numpy())
    for o, p in zip(ours, plain):
        np.testing.assert_allclose(o, p, rtol=1e-5, atol=1e-6)
    if dropout == 0.0:  # our dropout masks are not PyTorch's bits; the rest is
        np.testing.assert_allclose(ours_out.detach().numpy(), theirs_out.detach().numpy(), 1e-5)
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-5)


def test_dropout_without_preserved_rng_state_differs():
    _, plain = _grads(aw, lambda lib, m, x: m(x), 0.5)

    def run(lib, m, x):
        return m[5](
            m[4](
                lib.utils.checkpoint.checkpoint(
                    _seg(m), x, use_reentrant=False, preserve_rng_state=False
                )
            )
        )

    _, unpreserved = _grads(aw, run, 0.5)
    assert not np.allclose(unpreserved[0], plain[0])


@pytest.mark.parametrize("reentrant", [True, False, None])
def test_grad_fn_names_and_warning(reentrant, recwarn):
    names = []
    for lib in (aw, torch):
        x = lib.ones(3, requires_grad=True)
        kw = {} if reentrant is None else {"use_reentrant": reentrant}
        y = lib.utils.checkpoint.checkpoint(lib.sin, x, **kw)
        names.append(
            (
                type(y.grad_fn).__name__,
                [type(n).__name__ for n, _ in y.grad_fn.next_functions],
                y.requires_grad,
            )
        )
    assert names[0] == names[1]
    texts = [str(w.message) for w in recwarn if "use_reentrant" in str(w.message)]
    if reentrant is None:
        assert names[0][0] == "CheckpointFunctionBackward"
        assert len(texts) == 2 and texts[0] == texts[1]
        assert texts[0].startswith(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly."
        )
    else:
        assert texts == []


def test_checkpoint_sequential_warning_matches():
    texts = []
    for lib in (aw, torch):
        with pytest.warns(UserWarning) as rec:
            lib.utils.checkpoint.checkpoint_sequential(
                [lib.sin, lib.cos], 2, lib.ones(2, requires_grad=True)
            )
        texts.append([str(w.message) for w in rec])
    assert texts[0] == texts[1]


def test_no_input_requires_grad_and_errors():
    for lib in (aw, torch):
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
            y = lib.utils.checkpoint.checkpoint(lib.sin, lib.ones(2), use_reentrant=True)
        assert y.requires_grad is False
        with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
            lib.utils.checkpoint.checkpoint(lib.sin, lib.ones(2), use_reentrant=True, foo=1)


def test_non_reentrant_kwargs_autograd_grad_and_double_backward():
    for lib in (aw, torch):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = lib.utils.checkpoint.checkpoint(
            lambda t, scale: (t.exp() * scale).sum(), x, scale=3.0, use_reentrant=False
        )
        (g,) = lib.autograd.grad(y, x, retain_graph=True)
        np.testing.assert_allclose(g.numpy(), 3 * np.exp([0.5, 1.5]), rtol=1e-6)
        y.backward()  # a second backward pass recomputes again
        np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp([0.5, 1.5]), rtol=1e-6)
