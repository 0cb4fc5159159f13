"""``nn.Parameter`` and ``nn.Buffer``: tensors a :class:`Module` registers when assigned."""

from __future__ import annotations

from .._dtype import from_numpy_dtype
from .._printing import parameter_repr
from ..tensor import Tensor

__all__ = ["Parameter", "Buffer", "is_lazy"]


class Parameter(Tensor):
    """A leaf tensor that is a module parameter (``torch.nn.Parameter``).

    ``Parameter(t)`` shares ``t``'s data and version counter, as in PyTorch.
    Ops on a parameter return plain :class:`Tensor` objects.
    """

    __slots__ = ()
    _torch_class_name = "torch.nn.parameter.Parameter"

    def __new__(cls, data=None, requires_grad: bool = True):
        if data is None:
            import numpy as np

            from .._dtype import get_default_dtype

            data = Tensor._make(np.empty((0,), dtype=get_default_dtype().np))
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): argument 'data' (position 1) must be Tensor, not {type(data).__name__}"
            )
        p = cls._make(data._data)
        p._vc = data._vc
        p.requires_grad = requires_grad
        return p

    def __repr__(self) -> str:
        return parameter_repr(
            self._data, dtype=from_numpy_dtype(self._data.dtype), requires_grad=self._requires_grad
        )

    def __reduce_ex__(self, proto):
        return (Parameter, (Tensor._make(self._data), self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = Parameter(Tensor._make(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new


class Buffer(Tensor):
    """``torch.nn.Buffer``: assigning one to a module attribute registers a buffer.

    Calling ``Buffer(t)`` returns a plain tensor marked as a buffer (as PyTorch does).
    """

    def __new__(cls, data=None, *, persistent: bool = True):
        if data is None:
            import numpy as np

            data = Tensor._make(np.empty((0,), dtype=np.float32))
        t = Tensor._make(data._data, data._requires_grad)
        t._vc = data._vc
        t.__dict__["_is_buffer"] = True
        t.__dict__["persistent"] = persistent
        return t


def is_lazy(param) -> bool:
    return False
