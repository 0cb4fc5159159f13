"""``torch.storage``: the memory under a tensor, as ``Tensor.untyped_storage()`` (bytes) and
the deprecated ``Tensor.storage()`` (elements of the tensor's dtype) show it.

The storage is the run of memory the tensor's base spans (see ``ops/_strided``), shared by
every view of it: ``x[2:].untyped_storage().data_ptr() == x.untyped_storage().data_ptr()``,
as in PyTorch. Writing an element writes the tensor. CPU only; no resizing, sharing or
pinning (PyTorch's ``resize_``/``share_memory_`` are not here).
"""

from __future__ import annotations

import warnings

import numpy as np

from .core._dtype import from_numpy_dtype, get_default_dtype
from .core.tensor import Tensor, device
from .ops._strided import _root, storage_elements

__all__ = ["UntypedStorage", "TypedStorage"]


class _StorageBase:
    """What both storage kinds share: a 1-D numpy array over the memory."""

    __slots__ = ("_arr", "_owner")

    device = property(lambda self: device("cpu"))
    is_cuda = False

    def __len__(self) -> int:
        return self._arr.size

    def size(self) -> int:
        return self._arr.size

    def nbytes(self) -> int:
        return self._arr.nbytes

    def element_size(self) -> int:
        return self._arr.itemsize

    def data_ptr(self) -> int:
        return self._arr.__array_interface__["data"][0]

    def tolist(self) -> list:
        return self._arr.tolist()

    def __iter__(self):
        return iter(self._arr.tolist())

    def _index(self, idx) -> int:
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise RuntimeError(f"can't index a {self._class_shown()} with {type(idx)}")
        n = self._arr.size
        i = int(idx) + n if idx < 0 else int(idx)
        if not 0 <= i < n:
            raise IndexError(f"index {idx} out of range for storage of size {n}")
        return i

    def __getitem__(self, idx):
        return self._arr[self._index(idx)].item()

    def __setitem__(self, idx, value) -> None:
        self._arr[self._index(idx)] = value

    def cpu(self):
        return self

    def is_shared(self) -> bool:
        return False

    def is_pinned(self, device=None) -> bool:
        return False

    def __repr__(self) -> str:
        body = "\n".join(f" {v}" for v in self._arr.tolist()) or " "
        return f"{body}\n[{self._header()} of size {self._arr.size}]"

    __str__ = __repr__


class UntypedStorage(_StorageBase):
    """``torch.UntypedStorage``: the bytes under a tensor (``Tensor.untyped_storage()``)."""

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        """``UntypedStorage(n)`` (``n`` zero bytes here; uninitialised in PyTorch) or
        ``UntypedStorage(sequence of bytes)``."""
        if kwargs.keys() - {"device"}:
            raise TypeError(f"UntypedStorage(): unexpected keyword {sorted(kwargs)[0]!r}")
        n = args[0] if args else 0
        if isinstance(n, (int, np.integer)):
            self._arr = np.zeros(int(n), np.uint8)
        else:
            self._arr = np.array(list(n), dtype=np.uint8)
        self._owner = None

    @classmethod
    def _over(cls, arr, owner):
        """The storage over ``arr`` (1-D bytes) that ``owner`` keeps alive."""
        obj = cls.__new__(cls)
        obj._arr, obj._owner = arr, owner
        return obj

    @staticmethod
    def _class_shown() -> str:
        return "<class 'torch.storage.UntypedStorage'>"

    def _header(self) -> str:
        return "torch.storage.UntypedStorage(device=cpu)"

    def _index(self, idx) -> int:
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise TypeError(f"can't index a torch.UntypedStorage with {type(idx).__name__}")
        n = self._arr.size
        i = int(idx) + n if idx < 0 else int(idx)  # (PyTorch reports the wrapped index)
        if not 0 <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        return i

    def __getitem__(self, idx):
        if isinstance(idx, slice):  # (PyTorch allows slices here only)
            return UntypedStorage._over(self._arr[idx], self._owner)
        return super().__getitem__(idx)

    def type(self) -> str:
        return "torch.storage.UntypedStorage"


class TypedStorage(_StorageBase):
    """``torch.TypedStorage``: the storage as elements of a dtype (``Tensor.storage()``,
    deprecated in PyTorch in favour of ``untyped_storage``)."""

    __slots__ = ("dtype",)

    def __init__(self, *args, device=None, dtype=None, wrap_storage=None, _internal=False):
        """``TypedStorage(wrap_storage=untyped, dtype=...)`` views bytes as ``dtype``;
        ``TypedStorage(n)`` or ``TypedStorage(sequence)`` in ``dtype`` (default float32)."""
        dt = (dtype or get_default_dtype()).np
        if wrap_storage is not None:
            arr = wrap_storage._arr
            arr = arr[: arr.size - arr.size % dt.itemsize].view(dt)
            owner = wrap_storage._owner
        elif args and isinstance(args[0], (int, np.integer)):
            arr, owner = np.zeros(int(args[0]), dt), None
        else:
            arr, owner = np.array(list(args[0]) if args else [], dtype=dt), None
        self._arr, self._owner, self.dtype = arr, owner, from_numpy_dtype(arr.dtype)

    @classmethod
    def _over(cls, arr, owner):
        obj = cls.__new__(cls)
        obj._arr, obj._owner, obj.dtype = arr, owner, from_numpy_dtype(arr.dtype)
        return obj

    @staticmethod
    def _class_shown() -> str:
        return "<class 'torch.storage.TypedStorage'>"

    def _header(self) -> str:
        return f"torch.storage.TypedStorage(dtype={self.dtype}, device=cpu)"

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return super().__getitem__(idx)

    @property
    def _untyped_storage(self) -> UntypedStorage:
        return UntypedStorage._over(self._arr.view(np.uint8), self._owner)

    def untyped(self) -> UntypedStorage:
        return self._untyped_storage

    def type(self) -> str:
        # torch.FloatStorage, torch.LongStorage, ... from the tensor type's name
        return Tensor._make(self._arr[:0]).type().replace("Tensor", "Storage")


for _cls in (UntypedStorage, TypedStorage):
    _cls.__module__ = "torch.storage"


def untyped_storage(self) -> UntypedStorage:
    """``Tensor.untyped_storage``: the bytes of the storage ``self`` views (one object per
    storage, as PyTorch keeps one)."""
    root = _root(self)
    cached = root.__dict__.get("_untyped_storage")
    if cached is None:
        flat = storage_elements(root)
        data = flat.view(np.uint8) if flat.size else np.empty(0, np.uint8)
        cached = UntypedStorage._over(data, root)
        root.__dict__["_untyped_storage"] = cached
    return cached


_warned = [False]


def storage(self) -> TypedStorage:
    """``Tensor.storage``: the storage as elements of ``self``'s dtype (PyTorch warns once
    that ``TypedStorage`` is deprecated)."""
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
            "will be the only storage class. This should only matter to you if you are using "
            "storages directly.  To access UntypedStorage directly, use tensor.untyped_storage() "
            "instead of tensor.storage()",
            UserWarning,
            stacklevel=2,
        )
    return TypedStorage._over(storage_elements(self), _root(self))


def is_storage(obj) -> bool:
    """``torch.is_storage``: whether ``obj`` is a storage object."""
    return isinstance(obj, _StorageBase)


def typename(obj) -> str:
    """``torch.typename``: a tensor's type string (``torch.FloatTensor``), else the object's
    qualified type name with PyTorch's module names (``torch.nn.modules.linear.Linear``)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if type(obj).__name__ == "dtype" and module.startswith("autograd_widgets"):
        return "torch.dtype"
    if module == "autograd_widgets" or module.startswith("autograd_widgets."):
        module = "torch" + module[len("autograd_widgets") :]
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


Tensor.untyped_storage = untyped_storage
Tensor.storage = storage
