"""In-place ops (``add_``, ``mul_``, ``x[i] = v``, ...) with version counters.

Every in-place op is its out-of-place twin plus bookkeeping:
* on a leaf that requires grad (or a view of one) while grad mode is on: PyTorch's error;
* with no gradient involved: write into the array and bump the version;
* on a tensor in the graph: run the out-of-place op on a snapshot that stands for the
  tensor as it was, write the result back, and make its node the tensor's new
  ``grad_fn``; for a view, the base's history is rewritten with ``CopySlices``.
"""

from __future__ import annotations

import numpy as np

from ..autograd import events
from ..autograd.node import Node, node_class
from ._core import Tensor, grad_state, record

_make = Tensor._make


def check_inplace(t: Tensor) -> None:
    if not grad_state.enabled:
        return
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
    from .indexing import _snapshot as snap

    s = snap(t)
    s._data = t._data.copy()
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


def apply_inplace(t: Tensor, compute, others=()) -> Tensor:
    """Run ``compute(t_like) -> Tensor`` and store its result in ``t`` in place."""
    check_inplace(t)
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
        rewrite_view_history(t, compute)
        return t
    r = compute(_snapshot(t) if t._requires_grad else t.detach())
    if r._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape {list(t._data.shape)} doesn't match the broadcast shape {list(r._data.shape)}"
        )
    _write(t, r._data)
    t._grad_fn, t._output_nr, t._requires_grad = r._grad_fn, r._output_nr, True
    if t._retains_grad and t._grad_fn is not None:
        t._grad_fn._set_retain_grad(t._output_nr, t)
    _bump(t)
    return t


# --- views: rewrite the base's history ---------------------------------------------------------
def _view_copy_backward(n, grad):
    mask = n._attrs["mask"]
    view_fn = n._attrs["view_fn"]
    g_base = grad * _make(~mask)
    return g_base, view_fn(grad)


class _ViewCopy(Node):
    __slots__ = ()

    def apply(self, grads):
        return _view_copy_backward(self, grads[0])


CopySlices = node_class("CopySlices", base=_ViewCopy)


def rewrite_view_history(view: Tensor, compute) -> None:
    """In-place on a view: the base becomes ``CopySlices(base, compute(view))``."""
    base = view._base
    view_fn = view._view_fn
    r = compute(_snapshot(view))
    if base._requires_grad or r._requires_grad:
        mask_arr = np.zeros(base._data.shape, dtype=bool)
        region = view_fn(_make(mask_arr))
        region._data[...] = True
        base_snap = _snapshot(base) if base._requires_grad else base.detach()
        node_out = _make(base._data)
        record(CopySlices, node_out, (base_snap, r), None, {"mask": mask_arr, "view_fn": view_fn})
        base._grad_fn, base._output_nr, base._requires_grad = node_out._grad_fn, 0, True
    _write(view, r._data)
    # The view now derives from the rewritten base.
    if base._requires_grad:
        prev = grad_state.enabled
        grad_state.enabled = True
        try:
            v2 = view_fn(base)
        finally:
            grad_state.enabled = prev
        view._grad_fn, view._output_nr, view._requires_grad = v2._grad_fn, v2._output_nr, True
    _bump(view)


# --- the in-place methods -----------------------------------------------------------------------
def _make_inplace(name, fn):
    def method(self, *args, **kwargs):
        return apply_inplace(self, lambda t: fn(t, *args, **kwargs), args + tuple(kwargs.values()))

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}`` (``Tensor.{name}_``)."
    return method


def zero_(self):
    check_inplace(self)
    if grad_state.enabled and self._requires_grad:
        return apply_inplace(self, lambda t: t * 0)
    self._data[...] = 0
    _bump(self)
    return self


def fill_(self, value):
    check_inplace(self)
    v_t = value if isinstance(value, Tensor) else None
    if grad_state.enabled and (self._requires_grad or (v_t is not None and v_t._requires_grad)):
        from .pointwise import where

        return apply_inplace(
            self,
            lambda t: where(
                _make(np.ones(t._data.shape, bool)),
                value if v_t is not None else _make(np.asarray(value, dtype=t._data.dtype)),
                t * 0,
            ),
            (value,),
        )
    self._data[...] = v_t._data if v_t is not None else value
    _bump(self)
    return self


def copy_(self, src, non_blocking=False):
    check_inplace(self)
    if not isinstance(src, Tensor):
        raise TypeError(
            f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}"
        )
    if grad_state.enabled and (self._requires_grad or src._requires_grad):
        return apply_inplace(self, lambda t: _copy_from(t, src), (src,))
    _write(self, src._data)
    _bump(self)
    return self


def _copy_backward(n, grad):
    from ._core import unbroadcast

    return grad * 0, unbroadcast(grad, n._shapes)


CopyBackwards = node_class("CopyBackwards", _copy_backward)


def _copy_from(t, src):
    out = _make(np.broadcast_to(src._data, t._data.shape).astype(t._data.dtype))
    record(CopyBackwards, out, (t, src))
    out._grad_fn._shapes = src._data.shape
    return out


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    from .._creation import _rng

    with _no_grad():
        self._data[...] = _rng(generator).uniform(a, b, self._data.shape)
    _bump(self)
    return self


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    from .._creation import _rng

    with _no_grad():
        self._data[...] = _rng(generator).normal(mean, std, self._data.shape)
    _bump(self)
    return self


def bernoulli_(self, p=0.5, *, generator=None):
    from .._creation import _rng

    self._data[...] = _rng(generator).random(self._data.shape) < p
    _bump(self)
    return self


def exponential_(self, lambd=1.0, *, generator=None):
    from .._creation import _rng

    self._data[...] = _rng(generator).exponential(1.0 / lambd, self._data.shape)
    _bump(self)
    return self


def random_(self, low=0, high=None, *, generator=None):
    from .._creation import _rng

    if high is None:
        low, high = 0, low if low else 2**24
    self._data[...] = _rng(generator).integers(low, high, self._data.shape)
    _bump(self)
    return self


class _no_grad:
    def __enter__(self):
        self.prev = grad_state.enabled
        grad_state.enabled = False

    def __exit__(self, *exc):
        grad_state.enabled = self.prev
