"""``Tensor.resize_`` / ``resize_as_`` (and ``torch.resize_as_``): a new shape over the
tensor's storage, as in PyTorch's pre-0.4 scripts (``z = torch.Tensor(3, 2); z.resize_(2, 6)``);
and the deprecated out-of-place ``Tensor.resize``/``resize_as`` (``ResizeBackward``).

A tensor here is a numpy array; its storage is the C-contiguous array that owns the memory
(a view's ``.base`` chain ends there). Shrinking, or growing within that storage, keeps the
tensor on it: a resized view still writes into its base, as in PyTorch. Growing past it
gives the tensor a new array (PyTorch grows the shared storage in place, so *other* views of
it would see the new elements; here they keep the old array).
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np

from ._core import Tensor
from .inplace import _bump

__all__: list = []  # ``torch.resize_as_`` is attached in ops/__init__ with the other spellings


def _storage(d: np.ndarray):
    """``(flat storage, offset)`` of ``d``: the C-ordered array that owns its memory, flat,
    and where ``d``'s first element sits in it; ``(None, 0)`` when ``d`` is not a plain
    slice of such an array."""
    root = d
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.dtype != d.dtype or not root.flags.c_contiguous or root.size == 0:
        return None, 0
    start = d.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return root.reshape(-1), start // d.itemsize


def _sizes(size) -> tuple:
    """``resize_``'s ``size`` as PyTorch's parser reads it: ints, or one tuple/list/Size."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            if len(size) == 1:
                raise TypeError(
                    "resize_(): argument 'size' (position 1) must be tuple of ints, not "
                    f"{type(s).__name__}"
                )
            raise TypeError(
                "resize_(): argument 'size' failed to unpack the object at pos "
                f'{size.index(s) + 1} with error "type must be tuple of ints,but got '
                f'{type(s).__name__}"'
            )
    return tuple(int(s) for s in size)


def resize_(self, *size, memory_format=None):
    """``Tensor.resize_(*size)``: ``self`` takes the shape ``size``, contiguous over its
    storage from where it starts. The elements past the old storage are new (PyTorch leaves
    them uninitialised; here they are zeros). The version counter moves when the shape does.
    """
    if not size:
        raise TypeError('resize_() missing 1 required positional arguments: "size"')
    shape = _sizes(size)
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in shape):
        raise RuntimeError("numel: integer multiplication overflow")
    d = self._data
    if d.shape == shape:
        return self
    n = int(np.prod(shape, dtype=np.int64))
    flat, offset = _storage(d)
    if flat is not None and offset + n <= flat.size:
        self._data = flat[offset : offset + n].reshape(shape)
    else:  # a new, larger storage: the old elements first
        old = flat[offset:] if flat is not None else d.reshape(-1)
        new = np.zeros(n, dtype=d.dtype)
        new[: min(n, old.size)] = old[:n]
        self._data = new.reshape(shape)
    _bump(self)
    return self


def resize_as_(self, the_template, *, memory_format=None):
    """``Tensor.resize_as_(other)``: ``self.resize_(other.shape)``."""
    if not isinstance(the_template, Tensor):
        raise TypeError(
            "resize_as_(): argument 'the_template' (position 1) must be Tensor, not "
            f"{type(the_template).__name__}"
        )
    return resize_(self, the_template._data.shape)


# --- the deprecated out-of-place forms ----------------------------------------------------------
def _resize_function():
    # NOTE: imported on first use: the autograd API (``Function``) sits above the ops layer.
    return importlib.import_module("..autograd._functions", __package__).Resize


def resize(self, *sizes):
    """``Tensor.resize(*sizes)`` (deprecated in PyTorch): a reshaped copy-free tensor with
    the same number of elements, recorded as ``ResizeBackward``."""
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    return _resize_function().apply(self, sizes)


def resize_as(self, tensor):
    """``Tensor.resize_as(other)`` (deprecated in PyTorch): ``self.resize(*other.shape)``."""
    warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
    return _resize_function().apply(self, tensor.size())
