"""Every differentiable op, and the Tensor methods and operators that call them."""

from __future__ import annotations

import numpy as np

from ..core._creation import _check_device, _size
from ..core._dtype import as_dtype, get_default_dtype
from ..core.tensor import Tensor, WrappedNumber
from . import (
    _aminmax,
    _bessel_gamma,
    _cdist,
    _decomp,
    _einsum,
    _foreach,
    _histogram,
    _inplace_more,
    _lstsq,
    _lu,
    _nan_reductions,
    _number_theory,
    _products,
    _put,
    _real_parts,
    _resize,
    _solvers,
    _special_fns,
    _strided,
    _svd,
    _tensor_misc,
    _weightnorm,
    composite,
    indexing,
    inplace,
    linalg,
    matrix,
    pointwise,
    reduction,
    selection,
    shape,
)
from ._aminmax import *  # noqa: F403
from ._bessel_gamma import *  # noqa: F403
from ._cdist import *  # noqa: F403
from ._core import METHODS
from ._decomp import *  # noqa: F403
from ._einsum import *  # noqa: F403
from ._foreach import *  # noqa: F403
from ._histogram import *  # noqa: F403
from ._lstsq import *  # noqa: F403
from ._lu import *  # noqa: F403
from ._nan_reductions import *  # noqa: F403
from ._number_theory import *  # noqa: F403
from ._products import *  # noqa: F403
from ._put import *  # noqa: F403
from ._real_parts import *  # noqa: F403
from ._solvers import *  # noqa: F403
from ._special_fns import *  # noqa: F403
from ._strided import *  # noqa: F403
from ._svd import *  # noqa: F403
from ._tensor_misc import *  # noqa: F403
from ._weightnorm import *  # noqa: F403
from .composite import *  # noqa: F403
from .indexing import *  # noqa: F403
from .linalg import *  # noqa: F403
from .matrix import *  # noqa: F403
from .pointwise import *  # noqa: F403
from .reduction import *  # noqa: F403
from .selection import *  # noqa: F403
from .shape import *  # noqa: F403

_make = Tensor._make


def _reflect(fn):
    def r(self, other):
        return fn(_as_operand(other, self), self)

    return r


def _as_operand(x, like):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return _make(x)
    return _make(np.asarray(x)) if not isinstance(x, (int, float, bool)) else _ScalarBox(x)


class _ScalarBox:
    """Lets ``2 - x`` reach ``rsub`` and ``2 / x`` reach ``div`` with the scalar on the left."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v


def _rsub(self, other):
    if isinstance(other, Tensor):
        return pointwise.sub(other, self)
    return pointwise.rsub(self, other)


def _rdiv(self, other):
    if isinstance(other, Tensor):
        return pointwise.div(other, self)
    # PyTorch computes other / x as reciprocal(x) * other.
    if self._data.dtype.kind != "f":
        self = _to_dtype(self, _default())
    return pointwise.mul(pointwise.reciprocal(self), other)


def _default():
    return get_default_dtype()


def _rpow(self, other):
    if isinstance(other, Tensor):
        return pointwise.pow(other, self)
    return pointwise._rpow(self, other)


def _rmatmul(self, other):
    return linalg.matmul(_as_tensor(other), self)


def _as_tensor(x):
    return x if isinstance(x, Tensor) else _make(np.asarray(x))


def _wrapped(x):
    """A Python number as PyTorch wraps it: promotes as the number, not as a 0-d float64."""
    return x if isinstance(x, Tensor) else WrappedNumber.of(x)


def _rfloordiv(self, other):
    return pointwise.floor_divide(_wrapped(other), self)


def _rmod(self, other):
    return pointwise.remainder(_wrapped(other), self)


def _to_dtype(self, dt, copy=False):
    """Cast; ``ToCopyBackward0`` when the dtype changes and a gradient flows."""
    if self._data.dtype == dt.np and not copy:
        return self
    out = _make(self._data.astype(dt.np))
    if dt.is_floating_point and pointwise.needs_grad(self):
        # The source dtype is a field: PyTorch's ToCopyBackward0 exposes no _saved_*.
        pointwise.record(ToCopyBackward0, out, (self,), fields={"src_dtype": self.dtype})
    return out


ToCopyBackward0 = pointwise.node_class(
    "ToCopyBackward0", lambda n, grad: _to_dtype(grad, n.src_dtype), fields=("src_dtype",)
)


def _setitem(self, key, value):
    indexing.setitem(self, key, value)


def _split(self, split_size, dim=0):
    """``Tensor.split``: ``torch.split`` with the method's parameter name, ``split_size``."""
    return shape.split(self, split_size, dim)


def _ravel(self):
    """``Tensor.ravel``: ``contiguous().view(-1)``, as PyTorch composes it."""
    return shape.view(self.contiguous(), -1)


def _norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    """``Tensor.norm``: ``torch.norm`` without its ``out=``, as PyTorch's method."""
    return reduction.norm(self, p, dim, keepdim, dtype=dtype)


def _max(self, dim=None, keepdim=False, *, other=None):
    return reduction.max(self, dim, keepdim, other=other)


def _min(self, dim=None, keepdim=False, *, other=None):
    return reduction.min(self, dim, keepdim, other=other)


# The op families, each declaring its ``torch.*`` functions (``__all__``), its Tensor methods
# (``TENSOR_METHODS``) and in-place variants (``INPLACE_METHODS``). Nothing is found by
# introspection, so helpers imported into a family stay private.
_FAMILIES = (
    pointwise,
    reduction,
    shape,
    indexing,
    linalg,
    matrix,
    selection,
    composite,
    _einsum,
    _cdist,
    _histogram,
    _nan_reductions,
    _aminmax,
    _special_fns,
    _weightnorm,
    _decomp,
    _tensor_misc,
    _put,
    _products,
    _solvers,
    _svd,
    _lu,
    _lstsq,
    _strided,
    _number_theory,
    _bessel_gamma,
    _real_parts,
    _foreach,
)

# ``Tensor.<name>``: the family's function, or its method form where the two differ
# (``METHODS``: no ``out=``, or a Tensor-only ``other``).
for _mod in _FAMILIES:
    for _name in getattr(_mod, "TENSOR_METHODS", ()):
        setattr(Tensor, _name, METHODS.get(_name) or getattr(_mod, _name))

Tensor.where = lambda self, condition, other: pointwise.where(condition, self, other)
Tensor.max = _max
Tensor.split = _split
Tensor.ravel = _ravel
Tensor.norm = _norm
Tensor.min = _min
Tensor._to_dtype = _to_dtype
Tensor.__getitem__ = indexing.getitem
Tensor.__setitem__ = _setitem
Tensor.T = property(shape._T)
Tensor.mT = property(shape._mT)
Tensor.H = property(shape._T)
Tensor.mH = property(shape._mT)


def _new_factory(np_fill):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        _check_device(device)
        dt = as_dtype(dtype).np if dtype is not None else self._data.dtype
        out = _make(np_fill(_size(size), dt, **kwargs))
        return out.requires_grad_(True) if requires_grad else out

    return method


Tensor.new_zeros = _new_factory(lambda s, dt: np.zeros(s, dt))
Tensor.new_ones = _new_factory(lambda s, dt: np.ones(s, dt))
Tensor.new_empty = _new_factory(lambda s, dt: np.zeros(s, dt))


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _new_factory(lambda s, dt: np.full(s, fill_value, dt))(
        self, size, dtype=dtype, device=device, requires_grad=requires_grad
    )


def _apply_(self, callable):
    """``Tensor.apply_``: call ``callable`` on every element, in place (CPU only, no autograd)."""
    inplace.check_inplace(self)
    flat = self._data.reshape(-1)
    for i, v in enumerate(flat.tolist()):
        flat[i] = callable(v)
    if not np.shares_memory(flat, self._data):
        self._data[...] = flat.reshape(self._data.shape)
    self._vc.v += 1
    return self


Tensor.new_full = _new_full
Tensor.apply_ = _apply_
Tensor.nbytes = property(lambda self: self._data.size * self._data.itemsize)
Tensor.itemsize = property(lambda self: self._data.itemsize)
Tensor.new_tensor = lambda self, data, dtype=None, requires_grad=False: __import__(
    "autograd_widgets"
).tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

# Operators.
Tensor.__add__ = pointwise.add
Tensor.__radd__ = pointwise.add
Tensor.__sub__ = pointwise.sub
Tensor.__rsub__ = _rsub
Tensor.__mul__ = pointwise.mul
Tensor.__rmul__ = pointwise.mul
Tensor.__truediv__ = pointwise.div
Tensor.__rtruediv__ = _rdiv
Tensor.__floordiv__ = pointwise.floor_divide
Tensor.__rfloordiv__ = _rfloordiv
Tensor.__mod__ = pointwise.remainder
Tensor.__rmod__ = _rmod
Tensor.__pow__ = pointwise.pow
Tensor.__rpow__ = _rpow
Tensor.__matmul__ = linalg.matmul
Tensor.__rmatmul__ = _rmatmul
Tensor.__neg__ = pointwise.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = pointwise.abs
Tensor.__eq__ = pointwise.eq
Tensor.__ne__ = pointwise.ne
Tensor.__lt__ = pointwise.lt
Tensor.__le__ = pointwise.le
Tensor.__gt__ = pointwise.gt
Tensor.__ge__ = pointwise.ge
Tensor.__and__ = pointwise.bitwise_and
Tensor.__or__ = pointwise.bitwise_or
Tensor.__xor__ = pointwise.bitwise_xor
Tensor.__rand__ = pointwise.bitwise_and
Tensor.__ror__ = pointwise.bitwise_or
Tensor.__rxor__ = pointwise.bitwise_xor
Tensor.__invert__ = pointwise._invert
Tensor.__lshift__ = pointwise.bitwise_left_shift
Tensor.__rshift__ = pointwise.bitwise_right_shift
Tensor.__rlshift__ = lambda self, other: pointwise.bitwise_left_shift(other, self)
Tensor.__rrshift__ = lambda self, other: pointwise.bitwise_right_shift(other, self)

# In-place variants: ``x.add_(y)`` is ``add`` plus version/graph bookkeeping.
for _mod in _FAMILIES:
    for _name in getattr(_mod, "INPLACE_METHODS", ()):
        _fn = METHODS.get(_name) or getattr(_mod, _name)
        setattr(Tensor, _name + "_", inplace._make_inplace(_name, _fn))


def _clamp_inplace(method):
    """``clamp_`` with number bounds: PyTorch names the output type in C (``long int``)."""

    def clamp_(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RuntimeError as e:
            msg = str(e)
            tensor_bound = [b for b in (*args, *kwargs.values()) if isinstance(b, Tensor)]
            if "can't be cast to the desired output type" not in msg or tensor_bound:
                raise
            c_name = _inplace_more.c_name(self._data.dtype)
            raise RuntimeError(msg.rsplit(" ", 1)[0] + " " + c_name) from None

    clamp_.__name__ = clamp_.__qualname__ = method.__name__
    clamp_.__doc__ = method.__doc__
    return clamp_


for _name in ("clamp_", "clip_", "clamp_min_", "clamp_max_"):
    setattr(Tensor, _name, _clamp_inplace(getattr(Tensor, _name)))

Tensor.__iadd__ = Tensor.add_
Tensor.__isub__ = Tensor.sub_
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = Tensor.div_
Tensor.__ipow__ = Tensor.pow_
Tensor.__imod__ = Tensor.remainder_
Tensor.__imatmul__ = lambda self, other: inplace.apply_inplace(
    self, lambda t: linalg.matmul(t, other), (other,)
)
for _name, _method in _inplace_more.INPLACE.items():
    setattr(Tensor, _name, _method)
Tensor.__ifloordiv__ = Tensor.floor_divide_
Tensor.__iand__ = inplace._make_inplace("bitwise_and", pointwise.bitwise_and)
Tensor.__ior__ = inplace._make_inplace("bitwise_or", pointwise.bitwise_or)
Tensor.__ixor__ = inplace._make_inplace("bitwise_xor", pointwise.bitwise_xor)
Tensor.__ilshift__ = Tensor.bitwise_left_shift_
Tensor.__irshift__ = Tensor.bitwise_right_shift_
Tensor.zero_ = inplace.zero_
Tensor.fill_ = inplace.fill_
Tensor.fill_diagonal_ = inplace.fill_diagonal_
Tensor.resize_ = _resize.resize_
Tensor.resize_as_ = _resize.resize_as_
Tensor.resize = _resize.resize
Tensor.resize_as = _resize.resize_as
Tensor.copy_ = inplace.copy_
Tensor.uniform_ = inplace.uniform_
Tensor.normal_ = inplace.normal_
Tensor.bernoulli_ = inplace.bernoulli_
Tensor.exponential_ = inplace.exponential_
Tensor.cauchy_ = inplace.cauchy_
Tensor.log_normal_ = inplace.log_normal_
Tensor.geometric_ = inplace.geometric_
Tensor.random_ = inplace.random_
Tensor.t_ = lambda self: _inplace_view(self, shape.t)
Tensor.unsqueeze_ = lambda self, dim: _inplace_view(self, shape.unsqueeze, dim)
Tensor.squeeze_ = lambda self, dim=None: _inplace_view(self, shape.squeeze, dim)
Tensor.transpose_ = lambda self, dim0, dim1: _inplace_view(self, shape.transpose, dim0, dim1)
Tensor.swapdims_ = Tensor.transpose_
Tensor.swapaxes_ = lambda self, axis0, axis1: _inplace_view(self, shape.transpose, axis0, axis1)

Tensor.tril_ = inplace._make_inplace("tril", matrix.tril)
Tensor.triu_ = inplace._make_inplace("triu", matrix.triu)


def _addcmul_(self, tensor1, tensor2, *, value=1):
    """``Tensor.addcmul_``: ``self += value * tensor1 * tensor2`` (one ``AddcmulBackward0``)."""
    return inplace.apply_inplace(
        self, lambda t: pointwise.addcmul(t, tensor1, tensor2, value=value), (tensor1, tensor2)
    )


def _addcdiv_(self, tensor1, tensor2, *, value=1):
    """``Tensor.addcdiv_``: ``self += value * tensor1 / tensor2`` (one ``AddcdivBackward0``)."""
    return inplace.apply_inplace(
        self, lambda t: pointwise.addcdiv(t, tensor1, tensor2, value=value), (tensor1, tensor2)
    )


def _as_strided_(self, size, stride, storage_offset=None):
    """``Tensor.as_strided_``: ``self`` becomes ``as_strided(self, ...)`` (``AsStridedBackward1``);
    its base keeps the memory it spans, so later storage offsets count from the same start."""
    _strided.keep_storage(self)
    _inplace_view(self, _strided.as_strided, size, stride, storage_offset)
    _strided.refresh_view_fn(self)
    return self


Tensor.as_strided_ = _as_strided_
Tensor.addcmul_ = _addcmul_
Tensor.addcdiv_ = _addcdiv_
Tensor.addcmul = pointwise.addcmul
Tensor.addcdiv = pointwise.addcdiv


def _inplace_view(self, fn, *args):
    """``unsqueeze_``/``squeeze_``/``transpose_``/``t_``/``swapaxes_``: ``self`` takes the
    view's shape and grad_fn (under the in-place node's name) and its version is bumped."""
    inplace.check_inplace(self)
    r = fn(self, *args)
    node = r._grad_fn
    if node is not None:
        twin = shape.INPLACE_VIEW_NODES.get(type(node))
        if twin is not None:
            node.__class__ = twin  # the same formula and attributes, PyTorch's in-place name
        self._grad_fn, self._output_nr = node, r._output_nr
    self._data = r._data
    inplace._bump(self)
    return self


# ``torch.sin_(t)``, ``torch.relu_(t)``, ...: PyTorch's module-level spellings of Tensor's
# in-place methods ("Introduction to PyTorch Tensors" calls ``torch.sin_(b)``).
_INPLACE_FUNCTIONS = (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ as_strided_ asin_ asinh_ atan_ "
    "atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ "
    "exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ index_put_ ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ "
    "negative_ rad2deg_ reciprocal_ relu_ resize_as_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ "
    "square_ "
    "tan_ tanh_ trunc_ xlogy_ zero_"
).split()


def _module_inplace(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}(input, ...)``: ``input.{name}(...)``."
    return fn


_INPLACE_FUNCTIONS = [n for n in _INPLACE_FUNCTIONS if hasattr(Tensor, n)]
globals().update({n: _module_inplace(n) for n in _INPLACE_FUNCTIONS})

# The package namespace: the families' ``__all__``, then the module-level in-place spellings.
__all__ = sorted({name for mod in _FAMILIES for name in mod.__all__}) + _INPLACE_FUNCTIONS
