"""adaptive_max_pool1d, the *_with_indices spellings, max_unpool and lp_pool against PyTorch:
values, gradients, graphs, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_widgets as aw
from tests.nn._both import error, names, same


def _x(m, *shape, grad=True):
    n = int(np.prod(shape))
    data = np.sin(np.arange(n) * 1.7 + 0.3).reshape(shape) * 2
    return m.tensor(data, dtype=m.float64, requires_grad=grad)


@pytest.mark.parametrize("shape", [(2, 3, 8), (3, 7)])
def test_adaptive_max_pool1d(shape):
    def run(m):
        F = m.nn.functional
        x = _x(m, *shape)
        v, i = F.adaptive_max_pool1d(x, 3, return_indices=True)
        v.pow(2).sum().backward()
        w, j = F.adaptive_max_pool1d_with_indices(x, (3,))
        mod = m.nn.AdaptiveMaxPool1d(3, True)
        return [v, i, x.grad, names(v), w, j, repr(mod), mod(x)[1], repr(m.nn.AdaptiveMaxPool1d(4))]

    same(run)


def test_adaptive_max_pool1d_errors():
    same(lambda m: error(lambda: m.nn.functional.adaptive_max_pool1d(m.randn(2, 2, 2, 2), 2)))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_with_indices_spellings(n):
    def run(m):
        F = m.nn.functional
        x = _x(m, 1, 2, *(4,) * n)
        a = getattr(F, f"max_pool{n}d_with_indices")(x, 2)
        b = getattr(F, f"max_pool{n}d")(x, 2, return_indices=True)
        out = [a, b]
        if n > 1:
            out += [getattr(F, f"adaptive_max_pool{n}d_with_indices")(x, 3)]
        return out

    same(run)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("batched", [True, False])
def test_max_unpool(n, batched):
    def run(m):
        F = m.nn.functional
        shape = ((2,) if batched else ()) + (3,) + (4,) * n
        x = _x(m, *shape)
        v, i = getattr(F, f"max_pool{n}d")(x, 2, return_indices=True)
        u = getattr(F, f"max_unpool{n}d")(v, i, 2)
        u.pow(2).sum().backward()
        mod = getattr(m.nn, f"MaxUnpool{n}d")(2)
        out = [u, x.grad, names(u), repr(mod), mod(v, i, output_size=list(x.shape)[-n:])]
        return out + [repr(getattr(m.nn, f"MaxUnpool{n}d")(2, 1, 1))]

    same(run)


def test_max_unpool_padding_stride_and_output_size():
    def run(m):
        F = m.nn.functional
        x = _x(m, 1, 1, 5, 5)
        v, i = F.max_pool2d(x, 3, 2, 1, return_indices=True)
        return [
            F.max_unpool2d(v, i, 3, 2, 1),
            F.max_unpool2d(v, i, 3, 2, 1, output_size=[1, 1, 6, 6]),
            error(lambda: F.max_unpool2d(v, i, 3, 2, 1, output_size=[9, 9])),
            error(lambda: F.max_unpool2d(v, i, 3, 2, 1, output_size=[5])),
        ]

    same(run)


def test_max_unpool_gradcheck():
    x = _x(aw, 1, 2, 4, 4)
    v, i = aw.nn.functional.max_pool2d(x.detach(), 2, return_indices=True)
    v.requires_grad_()
    assert aw.autograd.gradcheck(lambda t: aw.nn.functional.max_unpool2d(t, i, 2), (v,))
    assert aw.autograd.gradgradcheck(lambda t: aw.nn.functional.max_unpool2d(t, i, 2), (v,))


def test_max_unpool_errors():
    def run(m):
        F = m.nn.functional
        t = m.tensor
        return [
            error(lambda: F.max_unpool2d(m.randn(1, 2, 2), t([[[0, 9]]]), 2)),
            error(lambda: F.max_unpool2d(m.randn(1, 1, 2), t([[[0, 99]]]), 2)),
            error(lambda: F.max_unpool2d(m.randn(1, 1, 2), t([[[0.0, 1]]]), 2)),
            error(lambda: F.max_unpool2d(m.randn(1, 1, 1, 1, 2), t([[[[[0, 1]]]]]), 2)),
            error(lambda: F.max_unpool3d(m.randn(1, 1, 2), t([[[0, 1]]]), 2)),
            error(lambda: F.max_unpool3d(m.randn(1, 1, 1, 1, 2), t([[[[[0, 99]]]]]), 2)),
            error(lambda: F.max_unpool1d(m.randn(1, 1, 2), t([[[0, -1]]]), 2)),
        ]

    same(run)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("p,kw", [(2.0, {}), (3, {"stride": 1}), (1.5, {"ceil_mode": True})])
def test_lp_pool(n, p, kw):
    def run(m):
        F = m.nn.functional
        x = _x(m, 2, 2, *(5,) * n)
        y = getattr(F, f"lp_pool{n}d")(x.abs() + 0.1, p, 2, **kw)
        y.sum().backward()
        mod = getattr(m.nn, f"LPPool{n}d")(p, 2, **kw)
        return [y, x.grad, names(y), repr(mod), mod(x.abs() + 0.1)]

    same(run)


def test_lp_pool_infinite_norm_and_negative_values():
    def run(m):
        F = m.nn.functional
        x = _x(m, 1, 2, 6)
        return [F.lp_pool1d(x, float("inf"), 2), F.lp_pool1d(x, 1, 2), F.lp_pool2d(x, 2, (1, 2))]

    same(run)
