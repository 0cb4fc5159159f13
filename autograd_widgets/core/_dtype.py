"""Dtypes: torch-named wrappers over numpy dtypes, and PyTorch's type promotion.

A ``dtype`` prints as ``torch.float32`` so that ``repr`` output is identical to
PyTorch's when the package is imported as ``torch``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "dtype",
    "bfloat16",
    "complex32",
    "complex64",
    "complex128",
    "float16",
    "float32",
    "float64",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "get_default_dtype",
    "set_default_dtype",
    "from_numpy_dtype",
    "promote_types",
    "result_type",
    "scalar_like",
]


class dtype:
    """A tensor element type. Mirrors ``torch.dtype``; wraps a numpy dtype."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_kind")

    def __init__(self, name: str, np_dtype, kind: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = kind == _FLOAT
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize
        self._kind = kind

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_complex(self) -> dtype:
        """The complex dtype with this dtype's precision (``torch.float32.to_complex()``)."""
        name = _TO_COMPLEX.get(self.name, self.name if self.is_complex else None)
        if name is None:
            raise RuntimeError(f"Unknown Complex ScalarType for {scalar_type_name(self.np)}")
        return _NAME_TO_DTYPE[name]

    def to_real(self) -> dtype:
        """The real dtype of a complex one; any other dtype itself."""
        return _NAME_TO_DTYPE[_TO_REAL.get(self.name, self.name)]


class _UnbackedDtype(dtype):
    """A PyTorch dtype numpy has no element type for (``bfloat16``, the complex and float8
    types). It can be named, compared, pickled, printed and given to ``finfo``, so programs
    that only mention it (``{"bfloat16": torch.bfloat16, ...}``, autocast's default dtype)
    run; making a tensor of it raises a ``TypeError`` that says so."""

    __slots__ = ("_complex", "_finfo")

    def __init__(self, name: str, itemsize: int, *, complex_=False, signed=True, finfo=None):
        self.name = name
        self.is_floating_point = not complex_
        self.is_signed = signed
        self.itemsize = itemsize
        self._kind = _FLOAT
        self._complex = complex_
        # (bits, resolution, min, max, eps, smallest_normal); complex types use their real
        # counterpart's (PyTorch's finfo(complex64) describes float32).
        self._finfo = finfo

    @property
    def np(self):
        why = (
            "complex tensors are not supported (real dtypes only)"
            if self._complex
            else f"numpy has no {self.name} element type"
        )
        raise TypeError(
            f"autograd_widgets has no {self.name} tensors: {why}. Use torch.float32 (or "
            "torch.float64 / torch.float16) instead."
        )

    @property
    def is_complex(self) -> bool:
        return self._complex


# Promotion categories, ordered: bool < integer < floating.
_BOOL, _INT, _FLOAT = 0, 1, 2

float16 = dtype("float16", np.float16, _FLOAT)
float32 = dtype("float32", np.float32, _FLOAT)
float64 = dtype("float64", np.float64, _FLOAT)
int8 = dtype("int8", np.int8, _INT)
int16 = dtype("int16", np.int16, _INT)
int32 = dtype("int32", np.int32, _INT)
int64 = dtype("int64", np.int64, _INT)
uint8 = dtype("uint8", np.uint8, _INT)
bool_ = dtype("bool", np.bool_, _BOOL)

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)
_NP_TO_DTYPE = {d.np: d for d in _ALL}
_NAME_TO_DTYPE = {d.name: d for d in _ALL}

# Nameable, not computable (see _UnbackedDtype). finfo values as PyTorch reports them.
bfloat16 = _UnbackedDtype(
    "bfloat16",
    2,
    finfo=(16, 0.01, -3.3895313892515355e38, 3.3895313892515355e38, 2.0**-7, 2.0**-126),
)
complex32 = _UnbackedDtype("complex32", 4, complex_=True)
complex64 = _UnbackedDtype("complex64", 8, complex_=True)
complex128 = _UnbackedDtype("complex128", 16, complex_=True)
float8_e4m3fn = _UnbackedDtype("float8_e4m3fn", 1, finfo=(8, 1.0, -448.0, 448.0, 0.125, 2.0**-6))
float8_e4m3fnuz = _UnbackedDtype(
    "float8_e4m3fnuz", 1, finfo=(8, 1.0, -240.0, 240.0, 0.125, 2.0**-7)
)
float8_e5m2 = _UnbackedDtype("float8_e5m2", 1, finfo=(8, 1.0, -57344.0, 57344.0, 0.25, 2.0**-14))
float8_e5m2fnuz = _UnbackedDtype(
    "float8_e5m2fnuz", 1, finfo=(8, 1.0, -57344.0, 57344.0, 0.125, 2.0**-15)
)
float8_e8m0fnu = _UnbackedDtype(
    "float8_e8m0fnu", 1, signed=False, finfo=(8, 1.0, 2.0**-127, 2.0**127, 1.0, 2.0**-127)
)
_UNBACKED = (
    bfloat16,
    complex32,
    complex64,
    complex128,
    float8_e4m3fn,
    float8_e4m3fnuz,
    float8_e5m2,
    float8_e5m2fnuz,
    float8_e8m0fnu,
)
_NAME_TO_DTYPE.update({d.name: d for d in _UNBACKED})
_NAME_TO_DTYPE.update({"chalf": complex32, "cfloat": complex64, "cdouble": complex128})
_TO_COMPLEX = {
    "float16": "complex32",
    "bfloat16": "complex64",  # (as PyTorch)
    "float32": "complex64",
    "float64": "complex128",
}
_TO_REAL = {"complex32": "float16", "complex64": "float32", "complex128": "float64"}
_NAME_TO_DTYPE.update(
    {
        "half": float16,
        "float": float32,
        "double": float64,
        "long": int64,
        "int": int32,
        "short": int16,
        "char": int8,
        "byte": uint8,
    }
)
# torch.Tensor.type() strings
_TYPE_STRINGS = {
    "torch.FloatTensor": float32,
    "torch.DoubleTensor": float64,
    "torch.HalfTensor": float16,
    "torch.LongTensor": int64,
    "torch.IntTensor": int32,
    "torch.ShortTensor": int16,
    "torch.CharTensor": int8,
    "torch.ByteTensor": uint8,
    "torch.BoolTensor": bool_,
}
_DTYPE_TO_TYPE_STRING = {v: k for k, v in _TYPE_STRINGS.items()}


def _by_name(name: str) -> dtype:
    return _NAME_TO_DTYPE[name]


_default = [float32]


def get_default_dtype() -> dtype:
    """The default floating point dtype (``torch.get_default_dtype``)."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating point dtype; only float32 and float64 are allowed (as in torch)."""
    d = as_dtype(d)
    if d is bfloat16:
        d.np  # noqa: B018 - raises: no bfloat16 tensors here
    if d not in (float32, float64, float16):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def from_numpy_dtype(np_dtype) -> dtype:
    try:
        return _NP_TO_DTYPE[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only "
            "supported types are: float64, float32, float16, int64, int32, int16, int8, "
            "uint8, and bool."
        ) from None


def as_dtype(d) -> dtype:
    """Accept our dtype, a numpy dtype, a Python type (``float``, ``int``, ``bool``) or a name."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    legacy = getattr(d, "dtype", None) if isinstance(d, type) else None
    if isinstance(legacy, dtype):  # a legacy tensor type: x.type(torch.DoubleTensor)
        if getattr(d, "is_cuda", False):
            raise TypeError(
                f"type {d.__module__}.{d.__name__} not available. Torch not compiled with CUDA "
                "enabled."
            )
        return legacy
    if isinstance(d, str):
        if d.startswith("torch.cuda."):
            raise TypeError(f"type {d} not available. Torch not compiled with CUDA enabled.")
        if d in _TYPE_STRINGS:
            return _TYPE_STRINGS[d]
        name = d[6:] if d.startswith("torch.") else d
        if name in _NAME_TO_DTYPE:
            return _NAME_TO_DTYPE[name]
        raise TypeError(f"invalid type: '{d}'")
    # A real torch.dtype (when comparing against PyTorch) has str 'torch.xxx'.
    s = str(d)
    if s.startswith("torch.") and s[6:] in _NAME_TO_DTYPE:
        return _NAME_TO_DTYPE[s[6:]]
    return from_numpy_dtype(d)


def promote_types(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: the smallest dtype both can be cast to."""
    if a is b:
        return a
    if a._kind != b._kind:
        return a if a._kind > b._kind else b
    if a._kind == _INT and (a is uint8) != (b is uint8):
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return _NP_TO_DTYPE[np.promote_types(a.np, b.np)]


def scalar_kind(x) -> int:
    if isinstance(x, (bool, np.bool_)):
        return _BOOL
    if isinstance(x, (int, np.integer)):
        return _INT
    return _FLOAT


def result_type(dims_dtypes, scalar_kinds=()) -> dtype:
    """PyTorch's three-tier promotion.

    ``dims_dtypes`` is a sequence of ``(ndim, dtype)`` of tensor operands; ``scalar_kinds``
    the categories of Python-number operands. Dimensioned tensors win over 0-d tensors,
    which win over Python numbers, unless a lower tier has a higher category.
    """
    dim_result = zero_result = None
    for nd, d in dims_dtypes:
        if nd:
            dim_result = d if dim_result is None else promote_types(dim_result, d)
        else:
            zero_result = d if zero_result is None else promote_types(zero_result, d)
    result = dim_result
    if zero_result is not None:
        if result is None or zero_result._kind > result._kind:
            result = zero_result if result is None else _widen(result, zero_result)
    for k in scalar_kinds:
        if result is None or k > result._kind:
            wrapped = (bool_, int64, _default[0])[k]
            result = wrapped if result is None else _widen(result, wrapped)
    return result


def _widen(current: dtype, higher: dtype) -> dtype:
    # A lower-priority operand of a higher category decides the category; for a 0-d or
    # scalar float joining an integer tensor PyTorch uses that operand's dtype (0-d) or
    # the default dtype (Python float).
    return higher


# NOTE: numpy >= 2 treats a Python number as "weak" (NEP 50): it takes the array's dtype, so
# ``float32_array * 0.5`` stays float32, as in PyTorch. numpy 1.x promotes by value instead:
# a 0-d float32 array (or a numpy float32 scalar) times ``0.5`` or divided by ``3`` becomes
# float64, and so does any array times a number its dtype cannot hold. numpy scalars are
# "strong" on both versions (``float32_array * np.float64(x)`` is float64 on numpy 2).
# Every formula that mixes an array with a number passes the number through ``scalar_like``.
_WEAK_PY_NUMBERS = int(np.__version__.split(".")[0]) >= 2
_PY_NUMBERS = (float, int, bool)


_KIND_CATEGORY = {"b": _BOOL, "u": _INT, "i": _INT, "f": _FLOAT}


def scalar_like(value, like):
    """``value`` as an operand that keeps the dtype of ``like`` (an array or a numpy dtype).

    The one rule for mixing a number with an array, on numpy 1.x and 2.x alike (NEP 50's
    "weak" scalars, which is also what PyTorch does with a wrapped number): a number of the
    array's category or a lower one is converted to the array's dtype first, so
    ``float32 * 0.1`` computes in float32; a number of a higher category (a float with an
    integer array) is returned as it is and promotes. Python numbers are returned unchanged
    on numpy 2, where they already behave this way; numpy scalars are converted on both.
    """
    if _WEAK_PY_NUMBERS and type(value) in _PY_NUMBERS:
        return value
    dt = getattr(like, "dtype", like)
    if scalar_kind(value) > _KIND_CATEGORY.get(dt.kind, _FLOAT):
        return value
    return dt.type(value)


class finfo:  # noqa: N801 - torch.finfo
    """``torch.finfo``: machine limits of a floating dtype (default: the default dtype)."""

    def __init__(self, type=None):  # noqa: A002
        dt = get_default_dtype() if type is None else as_dtype(type)
        if dt.is_complex:
            dt = dt.to_real()
        if not dt.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type.")
        if isinstance(dt, _UnbackedDtype):
            self.bits, self.resolution, self.min, self.max, self.eps, self.tiny = dt._finfo
            self.smallest_normal = self.tiny
            self.dtype = dt.name
            return
        info = np.finfo(dt.np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = dt.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )

    __str__ = __repr__


class iinfo:  # noqa: N801 - torch.iinfo
    """``torch.iinfo``: limits of an integer dtype."""

    def __init__(self, type):  # noqa: A002
        dt = as_dtype(type)
        if dt.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type.")
        info = np.iinfo(dt.np) if dt.np.kind != "b" else np.iinfo(np.uint8)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = dt.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    __str__ = __repr__


# --- integer conversions and dtype names as PyTorch's kernels report them ---------------
_INT_RANGE = {
    np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max), np.iinfo(t).bits)
    for t in (np.uint8, np.int8, np.int16, np.int32, np.int64)
}


def wrap_int(b, dt):
    """A Python int as the kernel of integer dtype ``dt`` sees it: PyTorch casts the wrapped
    number to ``dt`` in C, so out-of-range values wrap (``uint8_tensor + (-1)`` adds 255)."""
    r = _INT_RANGE.get(dt)
    if r is None or r[0] <= b <= r[1]:
        return b
    v = int(b) & ((1 << r[2]) - 1)
    return v - (1 << r[2]) if r[0] < 0 and v > r[1] else v


def checked_int(b, dt):
    """A Python int converted to integer dtype ``dt`` with c10's overflow check (what
    ``fill_``, ``clamp`` and creation functions do): unsigned types accept negatives down
    to ``-max`` (two's complement), anything else out of range raises."""
    r = _INT_RANGE.get(dt)
    if r is None or r[0] <= b <= r[1]:
        return b
    if b > r[1] or not (r[0] == 0 and -b <= r[1]):
        ctype = "int" if dt.name == "int32" else f"{dt.name}_t"
        raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
    return wrap_int(b, dt)


_SCALAR_TYPE = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "bool": "Bool",
}


def scalar_type_name(dt) -> str:
    """c10's name of a dtype (``'Long'``, ``'Float'``...), as PyTorch's kernel errors print it."""
    name = np.dtype(dt).name
    return _SCALAR_TYPE.get(name, name)


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def check_result_cast(result_dtype, out_dtype) -> None:
    """PyTorch's ``canCast`` for ``out=`` and in-place results: never to a lower category
    (float to integer, integer or float to bool); within a category anything goes
    (``int64`` into ``uint8`` wraps, ``float64`` into ``float32`` rounds)."""
    if _CATEGORY[np.dtype(result_dtype).kind] > _CATEGORY[np.dtype(out_dtype).kind]:
        raise RuntimeError(
            f"result type {scalar_type_name(result_dtype)} can't be cast to the desired "
            f"output type {scalar_type_name(out_dtype)}"
        )


def not_implemented_for(kernel: str, dt) -> NotImplementedError:
    """PyTorch's error for a kernel with no version for ``dt``: ``"x_cpu" not implemented for 'Bool'``."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(dt)}'")
