"""Tensors and modules on the ``meta`` device (the torch.func model-ensembling tutorial moves a
template model there and calls it only through ``functional_call``), against PyTorch."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.nn._both import error, same

pytestmark = pytest.mark.oracle


def _meta_reprs(m):
    lin = m.nn.Linear(3, 2).to("meta")
    out = [repr(lin.weight), repr(lin.bias), str(lin.weight.device), lin.weight.is_meta]
    out.append(lin.weight.requires_grad and lin.weight.is_leaf and lin.weight.grad is None)
    for t in (
        m.ones(2, 3).to("meta"),
        m.ones(2, dtype=m.int64).to(m.device("meta")),
        m.ones((), dtype=m.bool).to(device="meta"),
        m.zeros(0).to("meta"),
        m.ones(2).to("meta", m.float64),
        m.ones(4).to("meta").to(m.float16),
        m.ones(2, 2).to("meta").reshape(4),
    ):
        out += [repr(t), str(t.shape), str(t.dtype), t.is_meta, str(t.device)]
    out.append(m.ones(2).is_meta)
    out.append(type(m.nn.Linear(3, 2).to("meta").double().weight.dtype).__name__)
    out.append(str(m.nn.Linear(3, 2).to("meta").double().weight.dtype))
    return out


def test_meta_tensors_print_and_describe_themselves_as_pytorch():
    same(_meta_reprs)


def test_meta_tensors_have_no_data_with_pytorch_errors():
    def errors(m):
        t = m.ones(2, 3).to("meta")
        lin = m.nn.Linear(3, 2).to("meta")
        return [
            error(lambda: t.item()),
            error(lambda: m.ones(1).to("meta").item()),
            error(lambda: t.tolist()),
            error(lambda: t.numpy()),
            error(lambda: t.to("cpu")),
            error(lambda: lin.to("cpu")),
        ]

    same(errors)


def test_to_empty_gives_storage_back_with_the_same_shapes_and_dtypes():
    def scenario(m):
        net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4)).to("meta")
        back = net.to_empty(device="cpu")
        sd = back.state_dict()
        return [
            back is net,
            [(k, tuple(v.shape), str(v.dtype), str(v.device)) for k, v in sd.items()],
        ]

    same(scenario)


def test_functional_call_on_a_deepcopied_meta_template_matches_pytorch():
    def scenario(m):
        m.manual_seed(0)
        models = [m.nn.Linear(4, 3) for _ in range(3)]
        params, buffers = m.func.stack_module_state(models)
        base = copy.deepcopy(models[0]).to("meta")
        x = m.arange(8.0).reshape(2, 4) / 8

        def fmodel(p, b, x):
            return m.func.functional_call(base, (p, b), (x,))

        out = m.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
        return [out.detach(), repr(base.weight), base.weight.is_meta]

    same(scenario, rtol=1e-6, atol=1e-7)


def test_computing_on_meta_tensors_raises_a_clear_error():
    # PyTorch infers output shapes for ops on meta tensors; we do not compute on them at all
    # (rather than on placeholder values), and say so.
    require_torch()
    t = aw.ones(2, 3).to("meta")
    for op in (lambda: t + 1, lambda: t.sum(), lambda: aw.nn.Linear(3, 2).to("meta")(aw.ones(3))):
        with pytest.raises(NotImplementedError, match="'meta' tensors"):
            op()
    with pytest.raises(NotImplementedError, match="requires grad to 'meta'"):
        aw.ones(2, requires_grad=True).to("meta")
    assert isinstance(t._data, np.ndarray) and t._data.strides == (0, 0)  # no memory behind it
