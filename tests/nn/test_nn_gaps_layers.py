"""conv_transpose1d, the lazy modules, instance norm, dropout3d, the in-place activations:
values, gradients, grad_fn names, reprs and errors against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from tests.nn._both import error, names, same

F64 = dict(rtol=1e-9, atol=1e-10)


def _x(m, *shape, lo=-2.0, hi=2.0, grad=True):
    n = int(np.prod(shape))
    data = np.sin(np.arange(n) * 1.7 + 0.3).reshape(shape) * (hi - lo) / 2 + (hi + lo) / 2
    return m.tensor(data, dtype=m.float64, requires_grad=grad)


INPLACE = [
    ("elu_", ()),
    ("elu_", (0.5,)),
    ("selu_", ()),
    ("celu_", (0.7,)),
    ("leaky_relu_", (0.2,)),
    ("hardtanh_", (-0.5, 0.5)),
    ("threshold_", (0.1, 2.0)),
]


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_activation(name, args):
    def run(m):
        x = _x(m, 3, 4)
        y = x * 1
        r = getattr(m.nn.functional, name)(y, *args)
        out = [r is y, y._version, type(r.grad_fn).__name__, r]
        r.backward(_x(m, 3, 4, grad=False))
        return out + [x.grad]

    same(run)


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_activation_refuses_a_leaf(name, args):
    def run(m):
        return error(lambda: getattr(m.nn.functional, name)(_x(m, 3), *args))

    assert same(run) is not None


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "leaky_relu", "hardtanh", "threshold"])
def test_inplace_keyword_matches_the_underscore_form(name):
    args = (0.1, 2.0) if name == "threshold" else ()

    def run(m):
        x = _x(m, 5)
        y = x * 1
        r = getattr(m.nn.functional, name)(y, *args, inplace=True)
        r.sum().backward()
        return [r is y, y._version, type(r.grad_fn).__name__, r, x.grad]

    same(run)


def test_threshold_is_one_node_and_casts_its_scalars():
    def run(m):
        F = m.nn.functional
        x = _x(m, 6)
        r = F.threshold(x, 0.1, 20.0)
        r.sum().backward()
        return [
            names(r),
            r.grad_fn._saved_threshold,
            r,
            x.grad,
            F.threshold(m.tensor([1, 2, 3]), 1.5, 7.9),
            F.threshold(m.tensor([1, 2, 3], dtype=m.uint8), 1.5, -1),
            error(lambda: F.threshold(m.tensor([True, False]), 0.5, 1)),
            repr(m.nn.Threshold(0.1, 20, inplace=True)),
        ]

    same(run)
    assert aw.autograd.gradcheck(lambda t: aw.nn.functional.threshold(t, 0.1, 3.0), _x(aw, 5))


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("shape", [(2, 3, 2, 2, 2), (3, 2, 2, 2)])
def test_dropout3d(shape, inplace):
    def run(m):
        x = _x(m, *shape)
        y = x * 1
        r = m.nn.functional.dropout3d(y, 0.5, True, inplace)
        r.sum().backward()
        ev = m.nn.functional.dropout3d(x * 1, 0.5, training=False)
        return [r is y, y._version, names(r), r, x.grad, names(ev)]

    same(run)


def test_dropout3d_module_and_warnings():
    def run(m):
        d = m.nn.Dropout3d(0.25)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            d(m.ones(2, 3, 4))
        return [repr(d), [str(x.message) for x in w], error(lambda: m.nn.Dropout3d(1.5))]

    same(run)


@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(stride=2, padding=1, output_padding=1, groups=2, dilation=2),
        dict(stride=3, padding=2),
    ],
)
def test_conv_transpose1d(kw):
    def run(m):
        x, w, b = _x(m, 2, 4, 6), _x(m, 4, 3, 3), _x(m, 3 * kw.get("groups", 1))
        y = m.nn.functional.conv_transpose1d(x, w, b, **kw)
        y.pow(2).sum().backward()
        unbatched = m.nn.functional.conv_transpose1d(x[0], w, b, **kw)
        return [y, x.grad, w.grad, b.grad, unbatched, type(y.grad_fn).__name__]

    same(run)


def test_conv_transpose1d_gradcheck():
    x, w = _x(aw, 1, 2, 4), _x(aw, 2, 2, 3)
    f = aw.nn.functional.conv_transpose1d
    assert aw.autograd.gradcheck(lambda a, b: f(a, b, stride=2, padding=1), (x, w))


def test_conv_transpose1d_module_and_output_size():
    def run(m):
        m.manual_seed(0)
        c = m.nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1, bias=False, dtype=m.float64)
        x = _x(m, 2, 3, 5)
        y = c(x, output_size=[10])
        return [
            repr(c),
            repr(m.nn.ConvTranspose1d(3, 4, 3, 2, 1, 1, dilation=2)),
            c.weight,
            y,
            c(x, output_size=[2, 4, 9]),
            error(lambda: c(x, output_size=[12])),
            error(lambda: c(x, output_size=[1, 2])),
            error(lambda: m.nn.ConvTranspose1d(3, 4, 3, padding_mode="reflect")),
        ]

    same(run)


LAZY = [
    ("LazyConv3d", (4, 3), (2, 3, 5, 5, 5)),
    ("LazyConvTranspose1d", (4, 3), (2, 6, 5)),
    ("LazyConvTranspose2d", (4, 3), (2, 6, 5, 5)),
    ("LazyConvTranspose3d", (4, 2), (6, 3, 3, 3)),
    ("LazyBatchNorm3d", (), (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), (2, 3, 5)),
    ("LazyInstanceNorm2d", (), (1, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("cls,args,shape", LAZY)
def test_lazy_modules(cls, args, shape):
    def run(m):
        mod = getattr(m.nn, cls)(*args, dtype=m.float64)
        before = [repr(mod), repr(mod.weight), mod.has_uninitialized_params()]
        x = _x(m, *shape)
        y = mod(x)
        y.pow(2).sum().backward()
        after = [type(mod).__name__, repr(mod), [tuple(p.shape) for p in mod.parameters()]]
        bufs = [(k, v) for k, v in mod.named_buffers()]
        out = [y if "Norm" in cls else y.shape, x.grad if "Norm" in cls else 0]
        return before + after + out + [bufs]

    ours = same(run)
    assert ours[3] == cls.removeprefix("Lazy")


def test_lazy_transposed_groups_and_errors():
    def run(m):
        mod = m.nn.LazyConvTranspose2d(4, 3, groups=2)
        mod(m.randn(1, 6, 5, 5))
        return [
            repr(mod),
            tuple(mod.weight.shape),
            error(lambda: m.nn.LazyConvTranspose1d(4, 3)(m.randn(2, 2, 3, 3))),
            error(lambda: m.nn.LazyInstanceNorm1d()(m.randn(3, 5))),
        ]

    same(run)


def test_instance_norm_running_stats_and_graph():
    def run(m):
        F = m.nn.functional
        x = _x(m, 2, 3, 5)
        rm, rv = m.zeros(3, dtype=m.float64), m.ones(3, dtype=m.float64)
        w, b = _x(m, 3, lo=0.5, hi=1.5), _x(m, 3)
        y = F.instance_norm(x, rm, rv, w, b, True, 0.2)
        y.pow(3).sum().backward()
        ev = F.instance_norm(x, rm, rv, use_input_stats=False)
        return [
            names(y),
            names(ev),
            y,
            x.grad,
            w.grad,
            b.grad,
            rm,
            rv,
            ev,
            error(lambda: F.instance_norm(x, use_input_stats=False)),
            error(lambda: F.instance_norm(m.randn(1, 4, 1))),
        ]

    same(run)


def test_instance_norm_modules():
    def run(m):
        mod = m.nn.InstanceNorm1d(3, affine=True, track_running_stats=True, dtype=m.float64)
        x = _x(m, 2, 3, 5)
        y = mod(x)
        mod.eval()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.InstanceNorm1d(3)(m.randn(2, 4, 5))
        return [
            repr(mod),
            sorted(mod.state_dict()),
            y,
            mod(x),
            mod.running_mean,
            mod.running_var,
            int(mod.num_batches_tracked),
            [str(x.message) for x in w],
            error(lambda: m.nn.InstanceNorm1d(3)(m.randn(2, 4, 5, 5))),
            error(lambda: m.nn.InstanceNorm1d(3, affine=True)(m.randn(2, 4, 5))),
            m.nn.InstanceNorm2d(3)(m.randn(3, 4, 4)).shape,
            repr(m.nn.InstanceNorm3d(3, affine=True, bias=False)),
        ]

    same(run)


@pytest.mark.parametrize("name", ["elu_", "celu_", "selu_", "leaky_relu_", "rrelu_"])
def test_inplace_activation_saves_its_result_and_checks_its_version(name):
    def run(m):
        x = _x(m, 4)
        y = x * 1
        kw = {"training": True} if name == "rrelu_" else {}
        r = getattr(m.nn.functional, name)(y, **kw)
        saved = sorted(a for a in dir(r.grad_fn) if a.startswith("_saved_"))
        y.mul_(2)
        return [saved, error(lambda: r.sum().backward())]

    assert same(run)[1] is not None
