"""Tensors on the ``meta`` device: a shape and a dtype, no data.

PyTorch's meta tensors let code build or move a model without memory — the torch.func
model-ensembling tutorial moves a template model to ``'meta'`` and only ever calls it through
``functional_call`` with real parameters. Here a meta tensor's ``_data`` is a
:class:`MetaArray`: a zero-strided numpy view (so shape, dtype, ``reshape`` and ``copy`` work
and nothing is allocated) that refuses every numpy computation. PyTorch would compute output
shapes for ops on meta tensors; we raise instead of computing on placeholder values.
"""

from __future__ import annotations

import numpy as np

NO_DATA = "Cannot copy out of meta tensor; no data!"


class MetaArray(np.ndarray):
    """The storage of a meta tensor: shape and dtype only; any numpy computation raises."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raise _no_ops(ufunc.__name__)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in _SHAPE_ONLY:
            return super().__array_function__(func, types, args, kwargs)
        raise _no_ops(func.__name__)


# numpy functions that look at shapes and strides only (views, aliasing checks): allowed.
_SHAPE_ONLY = frozenset(
    "may_share_memory shares_memory shape ndim size result_type reshape transpose "
    "broadcast_to expand_dims squeeze moveaxis swapaxes".split()
)


def _no_ops(name) -> NotImplementedError:
    return NotImplementedError(
        f"autograd_widgets does not compute on 'meta' tensors (they have no data; numpy "
        f"{name} was called): call the module through torch.func.functional_call with real "
        "tensors, or Module.to_empty(device='cpu') first"
    )


def meta_array(shape, dtype) -> MetaArray:
    """A :class:`MetaArray` of ``shape`` and ``dtype`` (no memory behind it)."""
    return np.broadcast_to(np.zeros((), dtype), tuple(shape)).view(MetaArray)


def is_meta(data) -> bool:
    return type(data) is MetaArray


def is_meta_device(dev) -> bool:
    """``'meta'``, ``torch.device('meta')``..."""
    return str(getattr(dev, "type", dev)).partition(":")[0] == "meta"
