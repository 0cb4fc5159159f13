"""In-place ops (``add_``, ``mul_``, ``x[i] = v``, ...) with version counters.

Every in-place op is its out-of-place twin plus bookkeeping:
* on a leaf that requires grad (or a view of one) while grad mode is on: PyTorch's error;
* with no gradient involved: write into the array and bump the version;
* on a tensor in the graph: run the out-of-place op on a snapshot that stands for the
  tensor as it was, write the result back, and make its node the tensor's new
  ``grad_fn``; for a view, the base's history is rewritten with ``CopySlices``.
"""

from __future__ import annotations

import re

import numpy as np

from ..autograd import events
from ..autograd.node import SavedTensor, bind_core, new_node, node_class
from ..core._creation import _rng
from ..core._random import _CPP_NAMES, check_std, cpp_double, in_memory_order
from . import _strided
from ._core import (
    Tensor,
    check_broadcast,
    check_result_cast,
    checked_int,
    edge,
    grad_state,
    not_implemented_for,
    parser_got,
    record,
    scalar_type_name,
    set_fields,
    unbroadcast,
    zero_grad,
)

_make = Tensor._make


def check_inplace(t: Tensor) -> None:
    if not grad_state.enabled:
        return
    if t._requires_grad and t.__dict__:
        if "_multi_view" in t.__dict__:
            _refuse_multi_view(t)
        if "_custom_view" in t.__dict__:
            _refuse_custom_view(t)
    if t._grad_fn is None and t._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    base = t._base
    if base is not None and base._grad_fn is None and base._requires_grad:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )


def _snapshot(t: Tensor) -> Tensor:
    """A copy of ``t`` that stands for it in the graph as it is now (same edge)."""
    s = _make(t._data.copy())
    s._grad_fn, s._output_nr, s._requires_grad = t._grad_fn, t._output_nr, t._requires_grad
    if t._grad_fn is None and t._requires_grad:
        s._grad_accumulator = t._grad_accumulator  # type: ignore[method-assign]
    return s


def _bump(t: Tensor) -> None:
    t._vc.v += 1
    if events.listeners:
        events.emit("version_bump", tensor=t, version=t._vc.v)


def _write(t: Tensor, data) -> None:
    if t._data.shape != np.shape(data):
        try:
            data = np.broadcast_to(data, t._data.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                f"{list(np.broadcast_shapes(t._data.shape, np.shape(data)))}"
            ) from None
    np.copyto(t._data, data, casting="unsafe")


def _cast_checked(compute, dtype):
    """``compute``, refusing a result ``t`` cannot hold (``int_tensor += 1.5`` raises)."""

    def checked(x):
        r = compute(x)
        if r._data.shape != x._data.shape:  # (reported before the dtype)
            raise RuntimeError(
                f"output with shape {list(x._data.shape)} doesn't match the broadcast shape "
                f"{list(r._data.shape)}"
            )
        if r._data.dtype != dtype:
            check_result_cast(r._data.dtype, dtype)
        return r

    return checked


def _view_prefix(t: Tensor) -> str:
    fn = t._grad_fn
    if fn is not None:
        name = re.sub(r"Backward\d*$", "", type(fn).__name__)
        return f"Output {t._output_nr} of {name} is a view and is being modified inplace."
    return (
        "A view was created in no_grad mode and is being modified inplace with grad mode enabled."
    )


def _refuse_custom_view(t: Tensor) -> None:
    """PyTorch's ``handle_view_on_rebase`` for a view a custom Function returned (or a view
    of one): ``CreationMeta::IN_CUSTOM_FUNCTION``."""
    raise RuntimeError(
        _view_prefix(t) + " This view was created inside a custom Function (or because an "
        "input was returned as-is) and the autograd logic to handle view+inplace would override "
        "the custom backward associated with the custom Function, leading to incorrect "
        "gradients. This behavior is forbidden. You can fix this by cloning the output of the "
        "custom Function."
    )


def _refuse_multi_view(t: Tensor) -> None:
    """PyTorch's ``handle_view_on_rebase`` for an output of split/unbind (or a view of one)."""
    raise RuntimeError(
        _view_prefix(t)
        + " This view is the output of a function that returns multiple views. Such "
        "functions do not allow the output views to be modified inplace. You should replace the "
        "inplace operation by an out-of-place one."
    )


def check_no_overlap(t: Tensor) -> None:
    """PyTorch's ``assert_no_internal_overlap``: an op may not write the same element twice
    through a stride-0 dim of ``expand`` (``fill_``/``zero_`` may, writing one value)."""
    d = t._data
    if d.size > 1 and 0 in d.strides and any(s == 0 and n > 1 for s, n in zip(d.strides, d.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )


def apply_inplace(t: Tensor, compute, others=(), overlap_ok=False) -> Tensor:
    """Run ``compute(t_like) -> Tensor`` and store its result in ``t`` in place."""
    check_inplace(t)
    if not overlap_ok:
        check_no_overlap(t)
    compute = _cast_checked(compute, t._data.dtype)
    wants_grad = grad_state.enabled and (
        t._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)
    )
    if not wants_grad:
        prev = grad_state.enabled
        grad_state.enabled = False
        try:
            r = compute(t)
        finally:
            grad_state.enabled = prev
        _write(t, r._data)
        _bump(t)
        return t
    if t._base is not None and (t._base._requires_grad or t._requires_grad or wants_grad):
        if "_multi_view" in t.__dict__:
            _refuse_multi_view(t)
        if "_custom_view" in t.__dict__:
            _refuse_custom_view(t)
        rewrite_view_history(t, compute)
        return t
    # A snapshot even when ``t`` needs no gradient: the node may save ``t`` as it was for
    # another input's formula (``a.mul_(x)`` with only ``x`` requiring grad saves ``a``),
    # and ``t`` is about to change.
    r = compute(_snapshot(t))
    if r._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape {list(t._data.shape)} doesn't match the broadcast shape {list(r._data.shape)}"
        )
    _write(t, r._data)
    t._grad_fn, t._output_nr, t._requires_grad = r._grad_fn, r._output_nr, True
    if t._retains_grad and t._grad_fn is not None:
        t._grad_fn._set_retain_grad(t._output_nr, t)
    _bump(t)
    _adopt_saved_result(t, r)
    return t


def _adopt_saved_result(t: Tensor, r: Tensor) -> None:
    """A node that saved its result (``elu_``, ``celu_``...) keeps ``t``, where the result now
    lives, at its new version: modifying ``t`` again then fails its backward, as in PyTorch."""
    fn = r._grad_fn
    saved = getattr(fn, "_saved", None) if fn is not None else None
    for sv in (saved or {}).values():
        if isinstance(sv, SavedTensor) and sv.hooks is None and sv.data is r._data:
            sv.data, sv.counter, sv.version = t._data, t._vc, t._vc.v


# --- views: rewrite the base's history ---------------------------------------------------------
def _view_region(arr: np.ndarray, view_fn) -> np.ndarray:
    """The numpy view of ``arr`` that ``view_fn`` selects (no graph)."""
    prev = grad_state.enabled
    grad_state.enabled = False
    try:
        return view_fn(_make(arr))._data
    finally:
        grad_state.enabled = prev


def _embed_in_view(grad: Tensor, base_shape, view_fn) -> Tensor:
    """Zeros shaped like the base, with ``grad`` written where the view lies (an
    ``as_strided_scatter`` of the region, so it stays differentiable in ``grad``)."""
    z = np.zeros(base_shape, dtype=grad._data.dtype)
    region = _view_region(z, view_fn)
    item = z.itemsize
    offset = (region.__array_interface__["data"][0] - z.__array_interface__["data"][0]) // item
    stride = tuple(st // item for st in region.strides)
    return _strided.as_strided_scatter(_make(z), grad, region.shape, stride, offset)


def _copy_slices_backward(node, grad):
    """PyTorch's ``CopySlices::apply``: run the in-place op's node on the view's region."""
    base_shape, view_fn, fn = node.base_shape, node.view_fn, node.fn
    res = fn.apply((view_fn(grad),))
    g_view = res[0]
    if grad_state.enabled:  # create_graph: stay differentiable
        g_base = grad * _make(~node._extra["mask"])
        if g_view is not None:
            g_base = g_base + _embed_in_view(g_view, base_shape, view_fn)
    else:
        data = grad._data.copy()
        _view_region(data, view_fn)[...] = 0 if g_view is None else g_view._data
        g_base = _make(data)
    return (g_base,) + tuple(res[1:])


# ``fn``: the in-place op's own node, run on the region ``view_fn`` selects in the base.
CopySlices = node_class("CopySlices", _copy_slices_backward, fields=("base_shape", "view_fn", "fn"))


def rewrite_view_history(view: Tensor, compute) -> None:
    """In-place on a view: the base's new ``grad_fn`` is ``CopySlices`` around the op's node.

    As in PyTorch, ``CopySlices.next_functions`` is the base's old edge followed by the
    op node's other inputs; the view itself becomes an ``AsStridedBackward0`` of the base.
    """

    # The op runs on a stand-in for the view's old value, so its node ``fn`` saves that.
    # (It keeps the view's history, so the saved values stay differentiable.)
    stand_in = _snapshot(view) if view._requires_grad else _make(view._data.copy(), True)
    r = compute(stand_in)
    _write(view, r._data)
    rebase_view(view, r._grad_fn)
    _bump(view)


def rebase_view(view: Tensor, fn) -> None:
    """PyTorch's ``rebase_history`` for a view modified in place by ``fn`` (its first input
    is the view): the base's new ``grad_fn`` is ``CopySlices`` around ``fn``, and the view
    becomes an ``AsStridedBackward0`` of the rewritten base."""
    base = view._base
    view_fn = view._view_fn
    if base._requires_grad or fn is not None:
        if fn is None:  # a non-differentiable in-place op: the region's gradient is zero
            fn = new_node(ZeroBackward0, ((None, 0),))
        mask_arr = np.zeros(base._data.shape, dtype=bool)
        _view_region(mask_arr, view_fn)[...] = True
        node = new_node(CopySlices, (edge(base),) + tuple(fn.next_functions[1:]))
        set_fields(node, {"base_shape": base._data.shape, "view_fn": view_fn, "fn": fn})
        node._x()["mask"] = mask_arr
        base._grad_fn, base._output_nr, base._requires_grad = node, 0, True
        if events.listeners:
            events.emit("node_created", node=node, output=base, inputs=(base,))
    if base._requires_grad:
        # The view now derives from the rewritten base.
        size, stride, offset = _strided._geometry(view)
        vnode = new_node(
            _strided.AsStridedBackward0,
            ((base._grad_fn, 0),),
            None,
            {"size": size, "storage_offset": offset, "stride": stride},
        )
        set_fields(vnode, {"input_geometry": _strided._geometry(base), "out_offset": offset})
        view._grad_fn, view._output_nr, view._requires_grad = vnode, 0, True


# --- the in-place methods -----------------------------------------------------------------------
def _make_inplace(name, fn):
    overlap_ok = name == "masked_fill"  # (PyTorch only warns there)

    def method(self, *args, **kwargs):
        return apply_inplace(
            self, lambda t: fn(t, *args, **kwargs), args + tuple(kwargs.values()), overlap_ok
        )

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}`` (``Tensor.{name}_``)."
    return method


ZeroBackward0 = node_class("ZeroBackward0", zero_grad)
FillBackward2 = node_class("FillBackward2", zero_grad)


def _fill3_backward(n, grad):
    return (
        zero_grad(n, grad),
        grad.sum() if n.next_functions[1][0] is not None else None,
    )


FillBackward3 = node_class(
    "FillBackward3",
    _fill3_backward,
)


def _filled(t: Tensor, value, cls, inputs) -> Tensor:
    v = value._data if isinstance(value, Tensor) else value
    out = _make(np.full(t._data.shape, v, dtype=t._data.dtype))
    if grad_state.enabled and any(x is not None and x._requires_grad for x in inputs):
        record(cls, out, inputs)
    return out


def zero_(self):
    check_inplace(self)
    if grad_state.enabled and self._requires_grad:
        return apply_inplace(self, lambda t: _filled(t, 0, ZeroBackward0, (t,)), overlap_ok=True)
    self._data[...] = 0
    _bump(self)
    return self


def fill_(self, value):
    check_inplace(self)
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value._data.ndim} dimensions."
        )
    if type(value) is int:
        value = checked_int(value, self._data.dtype)
    v_t = value if isinstance(value, Tensor) else None
    if grad_state.enabled and (self._requires_grad or (v_t is not None and v_t._requires_grad)):
        if v_t is None:
            return apply_inplace(
                self, lambda t: _filled(t, value, FillBackward2, (t,)), overlap_ok=True
            )
        return apply_inplace(
            self, lambda t: _filled(t, v_t, FillBackward3, (t, v_t)), (v_t,), overlap_ok=True
        )
    if type(value) is int:
        value = checked_int(value, self._data.dtype)
    self._data[...] = v_t._data if v_t is not None else value
    _bump(self)
    return self


def fill_diagonal_(self, fill_value, wrap=False):
    """``Tensor.fill_diagonal_``: ``fill_`` on the main-diagonal view (all dims equal beyond
    2-D); ``wrap`` continues a tall matrix's diagonal every ``width + 1`` rows, as ATen's
    strided views do (so autograd records ``CopySlices``, as PyTorch's)."""
    nd = self._data.ndim
    if nd < 2:
        raise RuntimeError("dimensions must larger than 1")
    height, width = self._data.shape[:2]
    if nd > 2 and any(n != height for n in self._data.shape[1:]):
        raise RuntimeError("all dimensions of input must be of equal length")
    diag = self
    for _ in range(nd - 1):  # each diagonal() folds two dims into the last one
        diag = diag.diagonal(0, 0, -1)
    diag.fill_(fill_value)
    if wrap and nd == 2 and height > width + 1:
        for start in range(width + 1, height, width + 1):
            self[start : start + width].diagonal().fill_(fill_value)
    return self


def copy_(self, other, non_blocking=False):
    src = other
    check_inplace(self)
    if not isinstance(src, Tensor):
        raise TypeError(
            f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}"
        )
    check_no_overlap(self)
    if src._data.shape != self._data.shape:
        check_broadcast(self._data.shape, src._data.shape)
    if (
        grad_state.enabled
        and (self._requires_grad or src._requires_grad)
        and self._data.dtype.kind == "f"  # (an integer/bool tensor takes no gradient)
    ):
        return apply_inplace(self, lambda t: _copy_from(t, src), (src,))
    _write(self, src._data)
    _bump(self)
    return self


def _copy_backward(n, grad):
    return zero_grad(n, grad), unbroadcast(grad, n.src_shape)


CopyBackwards = node_class("CopyBackwards", _copy_backward, fields=("src_shape",))


def _copy_from(t, src):
    out = _make(np.broadcast_to(src._data, t._data.shape).astype(t._data.dtype))
    record(CopyBackwards, out, (t, src), fields={"src_shape": src._data.shape})
    return out


def _copy_grad(grad):
    """A leaf's first gradient under ``create_graph``: ATen's ``new_empty_strided().copy_(grad)``
    (``CopyBackwards``, whose first input is the new tensor, outside the graph)."""
    out = _make(np.array(grad._data, copy=True))
    if grad._requires_grad:
        record(CopyBackwards, out, (None, grad), fields={"src_shape": grad._data.shape})
    return out


bind_core(copy_grad=_copy_grad)


# Random fills: the new values do not depend on the old ones, so the gradient is zero.
_RANDOM_NODES = {
    name: node_class(name, zero_grad)
    for name in (
        "UniformBackward0",
        "NormalBackward0",
        "BernoulliBackward0",
        "ExponentialBackward0",
        "RandomBackward0",
        "CauchyBackward0",
        "LogNormalBackward0",
        "GeometricBackward0",
    )
}


def _random_fill(self, data, node_name):
    check_inplace(self)
    if grad_state.enabled and self._requires_grad:
        cls = _RANDOM_NODES[node_name]

        def compute(t):
            out = _make(np.asarray(data, dtype=t._data.dtype))
            record(cls, out, (t,))
            return out

        return apply_inplace(self, compute)
    self._data[...] = data
    _bump(self)
    return self


def _drawn(self, draw):
    """``draw(shape)`` laid out the way ATen's TensorIterator walks ``self``: in memory order
    (``core._random.in_memory_order``)."""
    return in_memory_order(self._data, draw)


def drawn_like(t, draw):
    """``draw(shape)`` laid out as ``torch.empty_like(t).<sampler>_()`` fills it (a dropout
    mask): ``empty_like`` keeps ``t``'s order of strides (``infer_dense_strides`` when ``t`` has
    gaps), so the numbers land where ``_drawn`` puts them for ``t`` itself."""
    return _drawn(t, draw)


def uniform_(self, a=0.0, to=1.0, *, generator=None):
    dt = self._data.dtype
    if dt.kind != "f":
        raise not_implemented_for("check_uniform_bounds", dt)
    limit = float(np.finfo(dt).max)
    for value, name in ((a, "from"), (to, "to")):
        if not -limit <= value <= limit:
            raise RuntimeError(f"{name} is out of bounds for {_cpp_name(dt)}")
    if a > to:
        raise RuntimeError(
            "uniform_ expects to return a [from, to) range, but found "
            f"from={cpp_double(a)} > to={cpp_double(to)}"
        )
    data = _drawn(self, lambda shape: _rng(generator).uniform(a, to, shape, dt))
    return _random_fill(self, data, "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if self._data.dtype.kind != "f":
        raise not_implemented_for("normal_kernel_cpu", self._data.dtype)
    check_std(std)
    # ATen's vectorised normal_fill needs a contiguous tensor; others draw one by one
    serial = not self._data.flags.c_contiguous
    data = _drawn(
        self, lambda shape: _rng(generator).normal(mean, std, shape, self._data.dtype, serial)
    )
    return _random_fill(self, data, "NormalBackward0")


def bernoulli_(self, p=0.5, *, generator=None):
    if isinstance(p, Tensor):  # per-element: double uniforms for double p, float ones else
        u = _drawn(self, lambda shape: _rng(generator).random(shape, p._data.dtype))
        data = u < np.broadcast_to(p._data, self._data.shape)
    else:  # a scalar p: ATen's bernoulli_distribution<double> (53-bit uniforms)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={cpp_double(p)}")
        data = _drawn(self, lambda shape: _rng(generator).random(shape, np.float64)) < p
    return _random_fill(self, data, "BernoulliBackward0")


def exponential_(self, lambd=1.0, *, generator=None):
    dt = self._data.dtype
    if dt.kind != "f":
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be "
            f"a floating point but you specified {scalar_type_name(dt)}"
        )
    if not lambd > 0:
        raise RuntimeError(
            f"exponential_ expects lambda > 0.0, but found lambda={cpp_double(lambd)}"
        )
    data = _drawn(self, lambda shape: _rng(generator).exponential(1.0 / lambd, shape, dt))
    return _random_fill(self, data, "ExponentialBackward0")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """``Tensor.cauchy_``: ATen's ``cauchy_distribution<double>``, one draw per element."""
    dt = self._data.dtype
    if dt.kind != "f":
        raise RuntimeError(
            "Cauchy distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {_cpp_name(dt)}"
        )
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={cpp_double(sigma)}")
    data = _drawn(self, lambda shape: _rng(generator).cauchy(median, sigma, shape, dt))
    return _random_fill(self, data, "CauchyBackward0")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """``Tensor.log_normal_``: ``exp`` of ATen's serial ``normal_distribution<double>``."""
    dt = self._data.dtype
    if dt.kind != "f":
        raise not_implemented_for("log_normal_cpu", dt)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={cpp_double(std)}")
    data = _drawn(self, lambda shape: _rng(generator).log_normal(mean, std, shape, dt))
    return _random_fill(self, data, "LogNormalBackward0")


def geometric_(self, p=None, *, generator=None):
    """``Tensor.geometric_``: the number of Bernoulli(``p``) trials up to the first success,
    ATen's ``geometric_distribution<double>`` (any dtype but bool)."""
    if p is None:
        raise TypeError('geometric_() missing 1 required positional arguments: "p"')
    dt = self._data.dtype
    if dt == np.bool_:
        raise not_implemented_for("geometric_cpu", dt)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={cpp_double(p)}")
    data = _drawn(self, lambda shape: _rng(generator).geometric(p, shape, dt))
    return _random_fill(self, data, "GeometricBackward0")


def _cpp_name(dt) -> str:
    return _CPP_NAMES[np.dtype(dt).name]


def random_(self, *args, generator=None, **kwargs):
    """``Tensor.random_()``, ``random_(to)``, ``random_(from, to)`` (``to=None``: the dtype's
    maximum). Alone it draws the dtype's whole range (every integer a float holds exactly)."""

    low, high = _random_bounds(args, kwargs)
    rng = _rng(generator)
    dt = self._data.dtype
    if low is None:
        data = _drawn(self, lambda shape: rng.random_full(shape, dt))
    else:
        data = _drawn(self, lambda shape: rng.integers(low, high, shape, dt))
    return _random_fill(self, data, "RandomBackward0")


def _random_bounds(args, kwargs):
    """``(from, to)`` of ``random_``'s three forms; ``(None, None)`` for ``random_()``."""
    names = ("from", "to")
    if set(kwargs) - set(names) or len(args) + len(kwargs) > 2:
        _random_signature_error(args, kwargs)
    if not args and not kwargs:
        return None, None
    if len(args) + len(kwargs) == 1 and "from" not in kwargs:
        low, high = 0, args[0] if args else kwargs["to"]
        if high is None:  # ``to`` alone must be an int; only ``random_(from, None)`` takes None
            _random_signature_error(args, kwargs)
    else:
        bound = dict(zip(names, args))
        if set(bound) & set(kwargs) or len({**bound, **kwargs}) != 2:
            _random_signature_error(args, kwargs)
        bound.update(kwargs)
        low, high = bound["from"], bound["to"]
    for value in (low, high):
        if value is not None and not isinstance(value, (int, np.integer)):
            _random_signature_error(args, kwargs)
        if isinstance(value, bool):
            _random_signature_error(args, kwargs)
    return int(low), None if high is None else int(high)


def _random_signature_error(args, kwargs):
    got = parser_got(args, kwargs)
    raise TypeError(
        f"random_() received an invalid combination of arguments - got ({got}), "
        "but expected one of:\n"
        " * (*, torch.Generator generator = None)\n"
        " * (int from, int to, *, torch.Generator generator = None)\n"
        " * (int to, *, torch.Generator generator = None)\n"
    )


class _no_grad:
    def __enter__(self):
        self.prev = grad_state.enabled
        grad_state.enabled = False

    def __exit__(self, *exc):
        grad_state.enabled = self.prev
