"""``nn.Parameter`` and ``nn.Buffer``: tensors a :class:`Module` registers when assigned."""

from __future__ import annotations

from ..core._dtype import as_dtype, from_numpy_dtype, get_default_dtype
from ..core._meta import is_meta
from ..core._printing import parameter_repr
from ..core.tensor import Size, Tensor

__all__ = [
    "Parameter",
    "Buffer",
    "UninitializedParameter",
    "UninitializedBuffer",
    "UninitializedTensorMixin",
    "is_lazy",
]


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
            self._data,
            dtype=from_numpy_dtype(self._data.dtype),
            requires_grad=self._requires_grad,
            meta=is_meta(self._data),
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


_UNINITIALIZED_USE = (
    "Attempted to use an uninitialized parameter in {}. This error happens when you are using a "
    "`LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. "
    "When using LazyModules Call `forward` with a dummy batch to initialize the parameters before "
    "calling torch functions"
)
_UNINITIALIZED_SHAPE = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
    "in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. "
    "Call `forward` to initialize the parameters before accessing their attributes."
)


def _using_op() -> str:
    """The op that touched an uninitialized tensor, named as PyTorch names a method."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        code, module = frame.f_code, frame.f_globals.get("__name__", "")
        public = not code.co_name.startswith("_") and code.co_name != "<lambda>"
        if public and module.startswith(("autograd_widgets.ops", "autograd_widgets.core.tensor")):
            return f"<method '{code.co_name}' of 'torch._C.TensorBase' objects>"
        frame = frame.f_back
    return "a tensor operation"


class UninitializedTensorMixin:
    """A tensor with a dtype but no shape and no data yet (``torch.nn.parameter``'s mixin).

    Lazy modules hold these until their first ``forward`` knows the input's size and
    calls :meth:`materialize`, which turns the object itself into a ``Parameter`` (or
    a plain buffer tensor), so references held elsewhere (an optimizer) stay valid.
    Before that, any op on it raises PyTorch's ``ValueError``.
    """

    __slots__ = ()
    cls_to_become: type = Tensor

    @classmethod
    def _new_uninitialized(cls, requires_grad: bool, dtype):
        import numpy as np

        dt = (as_dtype(dtype) if dtype is not None else get_default_dtype()).np
        t = Tensor._make.__func__(cls, np.empty((0,), dtype=dt), requires_grad)
        t.__dict__["_lazy_dtype"] = dt
        return t

    # Every op reads ``_data``: before materialize() that is the error PyTorch raises.
    @property
    def _data(self):
        raise ValueError(_UNINITIALIZED_USE.format(_using_op()))

    @_data.setter
    def _data(self, value) -> None:
        Tensor._data.__set__(self, value)

    @property
    def shape(self):
        raise RuntimeError(_UNINITIALIZED_SHAPE)

    @property
    def dtype(self):
        return from_numpy_dtype(self.__dict__["_lazy_dtype"])

    @property
    def data(self) -> Tensor:
        return Tensor._make(Tensor._data.__get__(self))

    def size(self, dim=None):
        return Size((0,)) if dim is None else (0,)[dim]

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the tensor ``shape`` (uninitialised values, as ``torch.empty``) and make it a
        ``cls_to_become`` (``Parameter`` or ``Tensor``)."""
        import numpy as np

        dt = as_dtype(dtype).np if dtype is not None else self.__dict__.pop("_lazy_dtype")
        self.__dict__.pop("_lazy_dtype", None)
        self.__class__ = self.cls_to_become
        self._data = np.zeros(tuple(shape), dtype=dt)

    def _retype(self, fn) -> None:
        """``Module.to(dtype)`` before materialize(): only the dtype changes."""
        import numpy as np

        self.__dict__["_lazy_dtype"] = fn(np.empty((0,), self.__dict__["_lazy_dtype"])).dtype

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, proto):
        return (_rebuild_uninitialized, (type(self), self._requires_grad, self.dtype))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._new_uninitialized(self._requires_grad, self.dtype)
        return memo[id(self)]


def _rebuild_uninitialized(cls, requires_grad, dtype):
    return cls._new_uninitialized(requires_grad, dtype)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """``torch.nn.UninitializedParameter``: a lazy module's parameter before its first forward."""

    __slots__ = ()
    _torch_class_name = "torch.nn.parameter.UninitializedParameter"
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        return cls._new_uninitialized(requires_grad, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """``torch.nn.UninitializedBuffer``: a lazy module's buffer before its first forward."""

    __slots__ = ()
    _torch_class_name = "torch.nn.parameter.UninitializedBuffer"
    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None, persistent=True):
        t = cls._new_uninitialized(requires_grad, dtype)
        t.__dict__["persistent"] = persistent
        return t

    @property
    def data(self):
        return self  # PyTorch's .data keeps a buffer's class (a Parameter's becomes a Tensor)


def is_lazy(param) -> bool:
    """True for a parameter or buffer that a lazy module has not materialised yet."""
    return isinstance(param, UninitializedTensorMixin)
