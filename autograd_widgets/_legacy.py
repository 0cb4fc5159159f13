"""Legacy tensor types: ``torch.FloatTensor``, ``torch.LongTensor``, ...

Older tutorials (and many translations of them) build tensors with
``torch.FloatTensor(2, 3)`` or ``torch.LongTensor([1, 2])``, convert with
``x.type(torch.DoubleTensor)`` and test ``isinstance(x, torch.FloatTensor)``.
As in PyTorch these are not subclasses of ``Tensor`` but "tensor types": calling
one makes a plain ``Tensor`` of its dtype, and ``isinstance`` checks the dtype.
"""

from __future__ import annotations

import numpy as np

from .core import _dtype
from .core.tensor import Size, Tensor


class tensortype(type):  # noqa: N801 - PyTorch's name (type(torch.FloatTensor) is torch.tensortype)
    """The metaclass of the legacy types; ``isinstance(t, torch.FloatTensor)`` checks the dtype."""

    dtype: _dtype.dtype
    is_cuda = False

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and not cls.is_cuda

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__name__}'>"

    def __call__(cls, *args, size=None, device=None):
        if cls.is_cuda:
            raise TypeError(
                f"type {cls.__module__}.{cls.__name__} not available. Torch not compiled with "
                "CUDA enabled."
            )
        if device is not None and str(device).split(":")[0] != "cpu":
            raise RuntimeError(
                f"legacy constructor expects device type: cpu but device type: {device} was passed"
            )
        np_dtype = cls.dtype.np
        if size is not None:
            args = tuple(size)
        if not args:
            return Tensor._make(np.empty((0,), dtype=np_dtype))
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            src = args[0]
            if isinstance(src, Tensor):
                if src.dtype != cls.dtype:
                    raise TypeError(
                        f"expected {cls.__module__}.{cls.__name__} (got "
                        f"{_dtype._DTYPE_TO_TYPE_STRING[src.dtype]})"
                    )
                return src.detach()  # shares the data, as PyTorch's legacy constructor does
            if isinstance(src, (float, bool, complex)):
                raise TypeError(f"new(): data must be a sequence (got {type(src).__name__})")
            if isinstance(src, Size):  # FloatTensor(x.size()): a shape, not data
                return Tensor._make(np.zeros(tuple(src), dtype=np_dtype))
            return Tensor._make(np.array(src, dtype=np_dtype))
        for a in args:
            if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
                raise TypeError(
                    f"new() received an invalid combination of arguments - got "
                    f"({', '.join(type(x).__name__ for x in args)})"
                )
            if a < 0:
                raise RuntimeError(
                    f"Trying to create tensor with negative dimension {a}: {list(args)}"
                )
        return Tensor._make(np.zeros(tuple(int(a) for a in args), dtype=np_dtype))


def _make_types(module: str, is_cuda: bool) -> dict:
    types = {}
    for type_string, dt in _dtype._TYPE_STRINGS.items():
        name = type_string.split(".")[-1]
        types[name] = tensortype(name, (), {"dtype": dt, "is_cuda": is_cuda, "__module__": module})
    return types


CPU_TYPES = _make_types("torch", False)
CUDA_TYPES = _make_types("torch.cuda", True)
