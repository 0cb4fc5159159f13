"""``nn.Module`` behaviour: registration, iteration, modes, state_dict, hooks, dtype casts."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import nn
from tests._oracle import require_torch
from tests.nn._compare import copy_weights


class Net(nn.Module):
    def __init__(self, nn=nn):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
        self.head = nn.Linear(4, 2)
        self.scale = nn.Parameter(aw.ones(1) if nn is globals()["nn"] else None)
        self.register_buffer("steps", aw.zeros(1))
        self.register_buffer("scratch", aw.zeros(2), persistent=False)
        self.plain = 3

    def forward(self, x):
        return self.head(self.body(x)) * self.scale


def test_registration_and_iteration():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale",
        "body.0.weight",
        "body.0.bias",
        "head.weight",
        "head.bias",
    ]
    assert [n for n, _ in net.named_buffers()] == ["steps", "scratch"]
    assert [n for n, _ in net.named_children()] == ["body", "head"]
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1", "head"]
    assert len(list(net.parameters(recurse=False))) == 1
    assert list(net.state_dict()) == [
        "scale",
        "steps",
        "body.0.weight",
        "body.0.bias",
        "head.weight",
        "head.bias",
    ]
    assert net.plain == 3 and "plain" not in net._parameters
    assert net.get_submodule("body.0") is net.body[0]
    assert net.get_parameter("head.bias") is net.head.bias
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope  # noqa: B018
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter 'scale'"):
        net.scale = aw.ones(1)
    net.scale = None
    assert "scale" not in dict(net.named_parameters())
    del net.head
    assert "head" not in dict(net.named_children())


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


def test_train_eval_requires_grad_apply_zero_grad():
    net = Net()
    assert net.training and net.body[0].training
    net.eval()
    assert not net.training and not net.body[1].training
    net.train()
    assert all(m.training for m in net.modules())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Linear", "Net"]
    net(aw.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all((p.grad.numpy() == 0).all() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_to_dtype_and_double():
    net = Net().double()
    assert all(p.dtype == aw.float64 for p in net.parameters())
    assert net.steps.dtype == aw.float64
    assert isinstance(net.head.weight, nn.Parameter)
    net.to(aw.float32)
    assert net.head.weight.dtype == aw.float32
    assert net(aw.randn(2, 3)).dtype == aw.float32
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        net.to("cuda")  # what a CPU-only PyTorch raises


def test_state_dict_round_trip_and_errors():
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    sd = a.state_dict()
    assert not sd["weight"].requires_grad and sd["weight"].grad_fn is None
    result = b.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    assert (b.weight.detach().numpy() == a.weight.detach().numpy()).all()
    assert isinstance(b.weight, nn.Parameter) and b.weight.requires_grad
    bad = {"weight": aw.ones(3, 3), "extra": aw.ones(1)}
    with pytest.raises(RuntimeError) as err:
        b.load_state_dict(bad)
    assert str(err.value) == (
        "Error(s) in loading state_dict for Linear:\n"
        '\tMissing key(s) in state_dict: "bias". \n'
        '\tUnexpected key(s) in state_dict: "extra". \n'
        "\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, "
        "the shape in current model is torch.Size([2, 3])."
    )
    res = b.load_state_dict({"weight": aw.zeros(2, 3)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == []
    assert (b.weight.detach().numpy() == 0).all()


def test_load_state_dict_errors_match_torch():
    torch = require_torch()
    for make, sd in [
        (lambda nn: nn.Linear(2, 3), lambda t: {"weight": t.ones(3, 3)}),
        (
            lambda nn: nn.Sequential(nn.Linear(2, 3)),
            lambda t: {"0.weight": t.ones(3, 2), "1.x": t.ones(1)},
        ),
    ]:
        with pytest.raises(RuntimeError) as t_err:
            make(torch.nn).load_state_dict(sd(torch))
        with pytest.raises(RuntimeError) as o_err:
            make(nn).load_state_dict(sd(aw))
        assert str(o_err.value) == str(t_err.value)


def test_parameter_repr_and_copy():
    torch = require_torch()
    t = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.5]]))
    p = nn.Parameter(aw.tensor([[1.0, 2.0], [3.0, 4.5]]))
    assert repr(p) == repr(t)
    assert repr(nn.Parameter(aw.zeros(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.zeros(2), requires_grad=False)
    )
    assert p.is_leaf and p.requires_grad
    assert type(p * 2) is aw.Tensor
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q is not p
    r = pickle.loads(pickle.dumps(nn.Linear(2, 2)))
    assert isinstance(r.weight, nn.Parameter)
    m = copy.deepcopy(Net())
    assert len(list(m.parameters())) == 5


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append("pre") or (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append("post") or out + 1)
    out = lin(aw.ones(1, 2))
    assert calls == ["pre", "post"]
    np.testing.assert_allclose(out.detach().numpy(), lin.bias.detach().numpy()[None] + 1)
    h1.remove()
    h2.remove()
    lin(aw.ones(1, 2))
    assert calls == ["pre", "post"]
    kw = lin.register_forward_hook(lambda m, a, k, o: calls.append(sorted(k)), with_kwargs=True)
    lin(input=aw.ones(1, 2))
    assert calls[-1] == ["input"]
    kw.remove()


def test_full_backward_hook_matches_torch():
    torch = require_torch()
    tm = torch.nn.Linear(3, 2)
    om = nn.Linear(3, 2)
    copy_weights(tm, om)

    def run(lib, m):
        got = []

        def hook(mod, grad_input, grad_output):
            got.append([g.detach().numpy().copy() for g in (grad_input[0], grad_output[0])])
            return (grad_input[0] * 2,)

        m.register_full_backward_hook(hook)
        x = lib.ones(4, 3, requires_grad=True)
        y = m(x)
        (y * lib.arange(8.0).reshape(4, 2)).sum().backward()
        return x, got, type(y.grad_fn).__name__

    tx, tgot, tname = run(torch, tm)
    ox, ogot, oname = run(aw, om)
    assert oname == tname == "BackwardHookFunctionBackward"
    assert len(ogot) == len(tgot) == 1
    # float32 sums of terms ~1 that nearly cancel: the last bit may differ from PyTorch's order
    for a, b in zip(ogot[0], tgot[0]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_backward_hook_without_input_grad():
    m = nn.Linear(3, 2)
    got = []
    m.register_full_backward_hook(lambda mod, gi, go: got.append((gi, go[0].shape)))
    m(aw.ones(4, 3)).sum().backward()
    assert got == [((None,), aw.Size([4, 2]))]


def test_module_repr_matches_torch():
    torch = require_torch()

    def tree(nn):
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 4, 3, padding=1)
                self.pool = nn.MaxPool2d(2)
                self.norm = nn.BatchNorm2d(4)
                self.act = nn.GELU()

        return nn.Sequential(
            Block(),
            nn.Flatten(),
            nn.Dropout(0.1),
            nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4), nn.LayerNorm(4)]),
            nn.ModuleDict(
                {"out": nn.Linear(4, 2, bias=False), "emb": nn.Embedding(5, 4, padding_idx=1)}
            ),
            nn.LeakyReLU(0.2, inplace=True),
            nn.ELU(),
            nn.Softmax(dim=1),
            nn.Identity(),
            nn.AvgPool2d(3, stride=1, padding=1),
            nn.Conv1d(2, 3, 5, stride=2, bias=False),
            nn.Unflatten(1, (2, 2)),
            nn.SiLU(),
            nn.Tanh(),
            nn.Sigmoid(),
            nn.Softplus(),
            nn.ReLU(inplace=True),
        )

    assert repr(tree(nn)) == repr(tree(torch.nn))


def test_copy_weights_helper_uses_load_state_dict():
    torch = require_torch()
    t = torch.nn.BatchNorm1d(3)
    o = nn.BatchNorm1d(3)
    copy_weights(t, o)
    assert int(o.num_batches_tracked) == 0 and o.num_batches_tracked.dtype == aw.int64


def test_import_styles():
    import importlib

    import autograd_widgets.nn as nn1
    from autograd_widgets import nn as nn2
    from autograd_widgets import optim
    from autograd_widgets.utils.data import DataLoader

    assert nn1 is nn2 is aw.nn
    assert aw.optim is optim and aw.utils.data.DataLoader is DataLoader
    assert importlib.import_module("autograd_widgets.nn.functional") is aw.nn.functional
    assert aw.nn.utils.clip_grad_norm_ is not None


def _container_reprs(lib):
    nn_ = lib.nn
    d = nn_.ParameterDict({"a": nn_.Parameter(lib.ones(2, 3)), "b": lib.ones(1, dtype=lib.float64)})
    params = nn_.ParameterList([lib.ones(2), nn_.Parameter(lib.ones(3), requires_grad=False)])
    one = nn_.ParameterList([nn_.Parameter(lib.ones(2))])
    return [
        repr(d),
        repr(params),
        repr(nn_.ParameterList()),
        repr(nn_.ParameterDict()),
        repr(nn_.Sequential(one, nn_.ParameterDict({"x": nn_.Parameter(lib.ones(2, 2))}))),
    ]


def test_parameter_containers_print_as_pytorch():
    torch = require_torch()
    ours = _container_reprs(aw)
    assert ours == _container_reprs(torch)
    # PyTorch's ParameterList shows the dtype, its ParameterDict the tensor type.
    assert "[torch.float32 of size 2]" in ours[1] and "[torch.DoubleTensor of size 1]" in ours[0]


def test_full_backward_hook_warns_when_no_input_requires_grad_as_torch_does():
    torch = require_torch()
    seen = []
    for lib in (torch, aw):
        lib.manual_seed(0)
        lin = lib.nn.Linear(3, 2)
        calls = []
        lin.register_full_backward_hook(lambda m, gi, go, calls=calls: calls.append((gi, len(go))))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lin(lib.ones(4, 3)).sum().backward()  # the line the warning names
        hits = [w for w in caught if "Full backward hook" in str(w.message)]
        assert len(hits) == 1
        w = hits[0]
        seen.append((str(w.message), w.category, w.filename, w.lineno, calls[0][0], calls[0][1]))
    assert seen[0] == seen[1]
    assert seen[1][2] == __file__
