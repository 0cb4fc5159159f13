"""Creation functions (``tensor``, ``zeros``, ``randn``, ...) and the random generator."""

from __future__ import annotations

import builtins
import functools
import os
import sys
import warnings

import numpy as np

from .._out import write_out
from .._threads import get_num_threads
from ..autograd.node import bind_core
from ._dtype import (
    as_dtype,
    bool_,
    checked_int,
    float32,
    from_numpy_dtype,
    get_default_dtype,
    int64,
    promote_types,
)
from ._random import TorchMT, check_std, fma, fma_f32, in_memory_order
from .tensor import Tensor, _no_such_device
from .tensor import _cpu as _cpu_device

_make = Tensor._make


class Generator:
    """``torch.Generator``: PyTorch's CPU generator, same seed -> same numbers (``_random``).

    ``get_state()`` is ATen's ``CPUGeneratorImplState`` (5056 bytes): the mt19937 words, its
    position and the cached normal sample, byte for byte as PyTorch lays them out.
    """

    def __init__(self, device="cpu"):
        self._rng = TorchMT(67280421310721)

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"

    @property
    def device(self):
        return _cpu_device

    def manual_seed(self, seed: int) -> Generator:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        if not -(2**63) <= int(seed) < 2**64:
            raise ValueError("Overflow when unpacking long long")
        self._rng.seed(int(seed))
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._rng.initial_seed

    def get_state(self):
        return _make(np.frombuffer(self._rng.get_state(), dtype=np.uint8).copy())

    def set_state(self, state) -> Generator:
        if not isinstance(state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")
        if state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._rng.set_state(np.ascontiguousarray(state._data).tobytes())
        return self

    def clone_state(self) -> Generator:
        """A new generator in this one's state (``Generator.clone_state``)."""
        twin = Generator()
        twin.set_state(self.get_state())
        return twin


default_generator = Generator()


def _rng(generator=None) -> np.random.Generator:
    return (generator or default_generator)._rng


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: ``rand``/``randn``/``randint``/``randperm``/``nn.init`` then
    draw the same numbers as PyTorch after ``torch.manual_seed(seed)`` (see ``_random``)."""
    return default_generator.manual_seed(int(seed))  # torch.manual_seed takes int(seed) first


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


def _finish(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = _make(data)
    if requires_grad:
        if data.dtype.kind not in "fc":  # the factory functions' wording, not requires_grad_'s
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def _infer_dtype(data) -> np.dtype:
    """PyTorch's inference: bools -> bool, Python ints -> int64, Python floats -> the default
    dtype; numpy scalars and arrays (and tensors, flattened to arrays) keep their dtype, and
    a sequence mixing them promotes as PyTorch does (``[np.int32(1), 2]`` -> int64,
    ``[np.float32(1), 2.0]`` -> float32, ``[np.float64(1)]`` -> float64)."""
    arr = np.asarray(data)
    k = arr.dtype.kind
    if k == "b":
        return bool_.np
    if k in "iu":
        # numpy's own choice is PyTorch's here: Python ints are int64, numpy integer
        # scalars keep their type and mixtures promote the same way.
        return arr.dtype if arr.dtype in _SMALL_INTS else int64.np
    if k == "f":
        if isinstance(data, (np.ndarray, np.generic)):
            return arr.dtype
        if isinstance(data, (list, tuple)):
            return _float_sequence_dtype(data)
        return get_default_dtype().np
    if k == "c":
        raise TypeError("complex tensors are not supported by autograd_widgets")
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


_SMALL_INTS = tuple(np.dtype(t) for t in (np.int32, np.int16, np.int8, np.uint8))


def _float_sequence_dtype(data) -> np.dtype:
    """The dtype of a (nested) sequence holding a float: PyTorch promotes each element's
    dtype, a Python float counting as the default dtype and an int as int64."""
    kinds: set = set()
    dtypes: set = set()

    def walk(seq):
        for t in set(map(type, seq)):
            if t is list or t is tuple:
                for x in seq:
                    if type(x) is t:
                        walk(x)
            elif t is np.ndarray:
                dtypes.update(x.dtype for x in seq if type(x) is np.ndarray)
            elif issubclass(t, np.generic):
                dtypes.add(np.dtype(t))
            else:
                kinds.add(t)

    walk(data)
    if not dtypes:
        return get_default_dtype().np
    result = None
    for dt in dtypes:
        d = from_numpy_dtype(dt)
        result = d if result is None else promote_types(result, d)
    if float in kinds:
        result = promote_types(result, get_default_dtype())
    elif int in kinds:
        result = promote_types(result, int64)
    return result.np


def _flatten_tensors(data):
    """Replace nested Tensors inside lists by their arrays (torch.tensor([t1, t2]))."""
    if isinstance(data, Tensor):
        if data._data.ndim and False:
            pass
        return data._data
    if isinstance(data, (list, tuple)):
        return [_flatten_tensors(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """``torch.tensor``: always copies ``data``."""
    _check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
            "or sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        arr = data._data.copy() if dtype is None else data._data.astype(as_dtype(dtype).np)
        return _finish(arr, requires_grad)
    data = _flatten_tensors(data)
    if isinstance(data, (list, tuple)) and _ragged(data):
        raise ValueError(
            f"expected sequence of length {len(data[0]) if isinstance(data[0], (list, tuple)) else 0} at dim 1 (got {len(data[1]) if isinstance(data[1], (list, tuple)) else 0})"
        )
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    np_dt = as_dtype(dtype).np if dtype is not None else _infer_dtype(data)
    try:
        arr = np.array(data, dtype=np_dt)
    except OverflowError:
        raise RuntimeError(
            f"value cannot be converted to type {as_dtype(dtype) if dtype else 'int64'} without overflow"
        ) from None
    return _finish(arr, requires_grad)


def _ragged(data) -> bool:
    lens = {len(x) if isinstance(x, (list, tuple)) else -1 for x in data}
    return len(lens) > 1


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """``torch.as_tensor``: shares memory with an ndarray or Tensor of the right dtype."""
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is as_dtype(dtype) else data.to(dtype)
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None else t.to(dtype)
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """``torch.from_numpy``: the tensor and the array share memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")

    from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


_REQUIRED = object()
_warned_read_only = [False]


def frombuffer(buffer, *, dtype=_REQUIRED, count=-1, offset=0, requires_grad=False) -> Tensor:
    """``torch.frombuffer``: a 1-d tensor over the bytes of a buffer-protocol object,
    sharing its memory (a read-only buffer is copied here, where PyTorch only warns)."""
    if dtype is _REQUIRED:
        raise TypeError('frombuffer() missing 1 required positional arguments: "dtype"')
    try:
        view = memoryview(buffer).cast("B")
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    dt = as_dtype(dtype).np
    length = view.nbytes
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(
            f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
            f"({length} bytes) minus 1"
        )
    size = dt.itemsize
    if count < 0:
        if (length - offset) % size:
            raise ValueError(
                f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be "
                f"a multiple of element size ({size})"
            )
        count = (length - offset) // size
    elif count * size > length - offset:
        raise ValueError(
            f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) "
            f"must not be greater than actual buffer length ({length} bytes)"
        )
    data = np.frombuffer(view, dtype=dt, count=count, offset=offset)
    if view.readonly:
        if not _warned_read_only[0]:
            _warned_read_only[0] = True
            warnings.warn(
                "The given buffer is not writable, and PyTorch does not support non-writable "
                "tensors. This means you can write to the underlying (supposedly non-writable) "
                "buffer using the tensor. You may want to copy the buffer to protect its data or "
                "make it writable before converting it to a tensor. This type of warning will be "
                "suppressed for the rest of this program.",
                UserWarning,
                stacklevel=2,
            )
        data = data.copy()
    out = _make(data)
    return out.requires_grad_(True) if requires_grad else out


def get_device(input) -> int:
    """``torch.get_device``: -1, the CPU's index."""
    if not isinstance(input, Tensor):
        raise TypeError(
            "get_device(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    return -1


def _check_device(device) -> None:
    if device is not None and str(device) not in ("cpu",) and not str(device).startswith("cpu:"):
        raise _no_such_device(device)


def _accepts_out(fn):
    """Give a factory PyTorch's ``out=``: made in ``out``'s dtype, written into ``out``."""
    name = f"aten::{fn.__name__}"  # PyTorch names factories so in the out= error

    @functools.wraps(fn)
    def factory(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = out.dtype
        return write_out(name, out, fn(*args, **kwargs))

    factory.__torch_aliases__ = {"out": "out"}  # what the signature (fn's) does not show
    return factory


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)):
            raise TypeError(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type {type(s).__name__} at pos 0"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _dt(dtype):
    return (as_dtype(dtype) if dtype is not None else get_default_dtype()).np


@_accepts_out
def zeros(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    _check_device(device)
    flat = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    if any(isinstance(s, (int, np.integer)) and s < 0 for s in flat):
        raise RuntimeError("zeros: Dimension size must be non-negative.")  # (zeros' own check)
    return _finish(np.zeros(_size(size), dtype=_dt(dtype)), requires_grad)


@_accepts_out
def ones(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    _check_device(device)
    return _finish(np.ones(_size(size), dtype=_dt(dtype)), requires_grad)


@_accepts_out
def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    _check_device(device)
    return _finish(np.zeros(_size(size), dtype=_dt(dtype)), requires_grad)


@_accepts_out
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    _check_device(device)
    if dtype is None:
        if isinstance(fill_value, bool):
            dtype = bool_
        elif isinstance(fill_value, int):
            dtype = int64
    if type(fill_value) is int and dtype is not None:
        fill_value = checked_int(fill_value, _dt(dtype))
    return _finish(
        np.full(
            _size((size,)) if not isinstance(size, int) else (size,), fill_value, dtype=_dt(dtype)
        ),
        requires_grad,
    )


@_accepts_out
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, m if m is not None else n, dtype=_dt(dtype)), requires_grad)


@_accepts_out
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``torch.arange``: int64 for integer arguments, the default float dtype otherwise."""
    if end is None:
        start, end = 0, start
    vals = [float(v) if isinstance(v, Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    _check_range(*vals)
    if dtype is None:
        dtype = (
            int64 if all(isinstance(v, (int, np.integer)) for v in vals) else get_default_dtype()
        )
    dt = as_dtype(dtype).np
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    if dt in (np.float32, np.float64):
        data = _arange_float(float(vals[0]), float(vals[2]), max(n, 0), dt)
    elif dt.kind == "f":
        data = (vals[0] + np.arange(max(n, 0), dtype=np.float64) * vals[2]).astype(dt)
    else:
        data = np.arange(vals[0], vals[1], vals[2], dtype=dt)
    return _finish(data, requires_grad)


def _check_range(start, end, step) -> None:
    """ATen's checks on ``arange``/``range`` bounds (after ``step must be nonzero``)."""
    if not (np.isfinite(float(start)) and np.isfinite(float(end))):
        raise RuntimeError(f"unsupported range: {float(start):g} -> {float(end):g}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


_ARANGE_GRAIN = 32768  # ATen's internal::GRAIN_SIZE: elements per parallel_for task


def _arange_float(start: float, step: float, n: int, dt) -> np.ndarray:
    """float32/float64 ``arange`` values bit for bit as ATen's ``arange_kernel`` makes them.

    It computes in double. Each ``parallel_for`` task walks its range two SIMD vectors
    (of 256 bits: 8 floats or 4 doubles) at a time: a vector's first element is
    ``base = start + step * i`` (one fused multiply-add, rounded to the dtype), the others
    ``base + k * step`` (fused, then rounded); the elements left after the last pair of
    vectors are ``start + step * i`` each, rounded once.
    """
    width = 32 // dt.itemsize
    out = np.empty(n, dt)
    tasks = min(get_num_threads(), -(-n // _ARANGE_GRAIN)) if n else 0
    chunk = -(-n // tasks) if tasks else 0
    start64, step64 = np.float64(start), np.float64(step)
    with np.errstate(all="ignore"):
        for lo in builtins.range(0, n, chunk or 1):  # (``range`` is torch.range here)
            hi = min(lo + chunk, n)
            full = lo + (hi - lo) // (2 * width) * (2 * width)
            idx = np.arange(lo, full, dtype=np.float64)
            k = (np.arange(full - lo) % width).astype(np.float64)
            base = fma(step64, idx - k, start64).astype(dt).astype(np.float64)
            out[lo:full] = fma(step64, k, base).astype(dt)
            out[full:hi] = fma(step64, np.arange(full, hi, dtype=np.float64), start64).astype(dt)
    return out


@_accepts_out
def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:  # noqa: A001
    """``torch.range`` (deprecated in PyTorch, with its warning): ``[start, end]``, both ends
    included, in the default float dtype unless ``dtype`` is given."""
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its "
        "behavior is inconsistent with Python's range builtin. Instead, use torch.arange, "
        "which produces values in [start, end).",
        UserWarning,
        stacklevel=user_stacklevel(),
    )
    _check_device(device)
    vals = [float(v) if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    _check_range(*vals)
    dt = _dt(dtype)
    n = int(np.floor((vals[1] - vals[0]) / vals[2])) + 1
    data = vals[0] + np.arange(n, dtype=np.float64) * vals[2]
    return _finish(data.astype(dt), requires_grad)


def user_stacklevel() -> int:
    """The ``stacklevel`` of the first caller outside ``autograd_widgets`` (wrappers such as
    ``Tensor`` methods and in-place variants add frames), for a warning PyTorch raises in C++:
    Python shows it at the user's line."""
    pkg = os.path.dirname(os.path.dirname(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(pkg):
        frame, level = frame.f_back, level + 1
    return level


def empty_strided(
    size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
) -> Tensor:
    """``torch.empty_strided``: uninitialised (here: zero) memory laid out with ``stride``."""
    _check_device(device)
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    size = _size((size,))
    dt = np.dtype(_dt(dtype))
    extent = 1 + sum((n - 1) * st for n, st in zip(size, stride)) if all(size) else 0
    buf = np.zeros(max(extent, 0), dtype=dt)
    data = np.lib.stride_tricks.as_strided(
        buf, size, tuple(st * dt.itemsize for st in stride), writeable=True
    )
    return _finish(data, requires_grad)


def _window(name, window_length, periodic, dtype, requires_grad, fill):
    """The window functions' common part: checks, ``periodic`` (one more point, then dropped)."""
    dt = as_dtype(dtype) if dtype is not None else get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype={_c_name(dt)}, "
            "device=cpu, layout=Strided (default), requires_grad=false (default), "
            "pinned_memory=false, memory_format=(nullopt))"
        )
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    if window_length == 0:
        return _finish(np.zeros(0, dtype=dt.np), requires_grad)
    if window_length == 1:
        return _finish(np.ones(1, dtype=dt.np), requires_grad)
    n = window_length + 1 if periodic else window_length
    data = fill(np.arange(n, dtype=dt.np), n, dt.np.type)
    return _finish(np.ascontiguousarray(data[:window_length], dtype=dt.np), requires_grad)


def _c_name(dt) -> str:
    return {"float16": "c10::Half", "int64": "long int", "int32": "int", "int16": "short int"}.get(
        dt.np.name,
        {"int8": "signed char", "uint8": "unsigned char", "bool": "bool"}.get(
            dt.np.name, dt.np.name
        ),
    )


def _cosine_sum(*coeffs):
    """``sum_k (-1)^k a_k cos(2 pi k n / (N - 1))`` in the window's dtype, as ATen writes it."""

    def fill(n, length, f):
        step = n * f(2 * np.pi / (length - 1))
        out = np.full(n.shape, f(coeffs[0]), dtype=n.dtype)
        for k, a in enumerate(coeffs[1:], 1):
            out = out + f(-a if k % 2 else a) * np.cos(step * f(k))
        return out

    return fill


def hann_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    return _window(
        "hann_window", window_length, periodic, dtype, requires_grad, _cosine_sum(0.5, 0.5)
    )


def hamming_window(
    window_length,
    periodic=True,
    alpha=0.54,
    beta=0.46,
    *,
    dtype=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    _check_device(device)
    return _window(
        "hamming_window", window_length, periodic, dtype, requires_grad, _cosine_sum(alpha, beta)
    )


def blackman_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    return _window(
        "blackman_window",
        window_length,
        periodic,
        dtype,
        requires_grad,
        _cosine_sum(0.42, 0.5, 0.08),
    )


def _bartlett(n, length, f):
    w = n * f(2.0 / (length - 1))
    first_half = (length - 1) // 2 + 1
    w[first_half:] = f(2) - w[first_half:]
    return w


def bartlett_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    _check_device(device)
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad, _bartlett)


def kaiser_window(
    window_length, periodic=True, beta=12.0, *, dtype=None, device=None, requires_grad=False
):
    _check_device(device)

    def fill(n, length, f):
        alpha = (length - 1) / 2.0
        x = np.sqrt(np.maximum(1 - ((n.astype(np.float64) - alpha) / alpha) ** 2, 0))
        return (np.i0(beta * x) / np.i0(beta)).astype(n.dtype)

    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, fill)


@_accepts_out
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``torch.linspace``, bit for bit: ATen's two-sided formula, one fused multiply-add each.

    The first half is ``start + step * i``, the second ``end - step * (steps - 1 - i)``, each
    rounded once (the CPU kernel is compiled with FMA), in the output dtype (``double`` for
    integer outputs).
    """
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    vals = [float(v) if isinstance(v, Tensor) else v for v in (start, end)]
    dt = np.dtype(_dt(dtype))
    ct = dt if dt.kind == "f" else np.dtype(np.float64)
    if dt.kind != "f":  # ATen casts the ends to the integer dtype first
        vals = [int(v) for v in vals]
    s, e = ct.type(vals[0]), ct.type(vals[1])
    if steps == 1:
        return _finish(np.full(1, s).astype(dt), requires_grad)
    step = ct.type((e - s) / ct.type(max(steps - 1, 1)))
    i = np.arange(steps)
    half = steps // 2
    base = np.where(i < half, s, e).astype(ct)
    mult = np.where(i < half, i, -(steps - 1 - i)).astype(ct)
    return _finish(_fma(base, mult, step, ct).astype(dt), requires_grad)


def _fma(a, b, c, dt):
    """``a + b * c`` rounded once to ``dt`` (float32 through float64 rounded to odd, float16
    through float64, float64 by Dekker)."""
    if dt.itemsize < 8:
        if dt == np.float32:
            return fma_f32(b, np.float32(c), a)
        p = b.astype(np.float64) * np.float64(c)  # exact: a float16 product fits in 53 bits
        return (a.astype(np.float64) + p).astype(dt)
    p = b * c
    # Dekker's TwoProduct: err is the exact rounding error of b * c.
    split = 134217729.0
    bh = b * split
    bh = bh - (bh - b)
    bl = b - bh
    ch = c * split
    ch = ch - (ch - c)
    cl = c - ch
    err = ((bh * ch - p) + bh * cl + bl * ch) + bl * cl
    # TwoSum of a and p, then fold in both error terms.
    s = a + p
    bb = s - a
    t = (a - (s - bb)) + (p - bb)
    return s + (t + err)


def logspace(
    start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False
) -> Tensor:
    _check_device(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _finish((base ** np.linspace(start, end, steps)).astype(_dt(dtype)), requires_grad)


def _like(input, dtype):
    return input.dtype.np if dtype is None else as_dtype(dtype).np


def _blank_like(input, make, dtype) -> np.ndarray:
    """``make(shape, dtype)`` with ``input``'s order of strides (``empty_like``'s
    ``preserve_format``: a transposed input gives a transposed result)."""
    return in_memory_order(input._data, lambda shape: make(shape, dtype=_like(input, dtype)))


def zeros_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    return _finish(_blank_like(input, np.zeros, dtype), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    return _finish(_blank_like(input, np.ones, dtype), requires_grad)


def empty_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    return _finish(_blank_like(input, np.zeros, dtype), requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    data = _blank_like(input, lambda shape, dtype: np.full(shape, fill_value, dtype), dtype)
    return _finish(data, requires_grad)


@_accepts_out
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    dt = _dt(dtype)
    return _finish(_rng(generator).random(_size(size), dt).astype(dt), requires_grad)


@_accepts_out
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    dt = _dt(dtype)
    return _finish(_rng(generator).standard_normal(_size(size), dt).astype(dt), requires_grad)


@_accepts_out
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = as_dtype(dtype).np if dtype is not None else int64.np
    return _finish(_rng(generator).permutation(n).astype(dt), requires_grad)


def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    _check_device(device)
    dt = _like(input, dtype)
    data = in_memory_order(input._data, lambda shape: _rng(generator).random(shape, dt))
    return _finish(data.astype(dt, copy=False), requires_grad)


def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    _check_device(device)
    dt = _like(input, dtype)
    # ATen's vectorised normal_fill needs a contiguous result; a permuted one draws one by one
    serial = not in_memory_order(
        input._data, lambda shape: np.empty(shape, bool)
    ).flags.c_contiguous
    rng = _rng(generator)
    data = in_memory_order(input._data, lambda shape: rng.normal(0.0, 1.0, shape, dt, serial))
    return _finish(data.astype(dt, copy=False), requires_grad)


def normal(
    mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    _check_device(device)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        # ATen: normal_(0, std) then + mean for a scalar std; otherwise normal_(0, 1),
        # * std, + mean, each step rounded in the result's dtype.
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dt = (mean if isinstance(mean, Tensor) else std)._data.dtype
        check_std(s, tensor=isinstance(std, Tensor))
        rng = _rng(generator)
        if not isinstance(std, Tensor):
            return _make((rng.normal(0.0, s, shape, dt) + m).astype(dt))
        z = rng.normal(0.0, 1.0, shape, dt)
        return _make(((z * s).astype(dt) + np.asarray(m, dtype=dt)).astype(dt))
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    check_std(std)
    dt = _dt(dtype)
    shape = _size((size,)) if isinstance(size, int) else tuple(size)
    return _finish(_rng(generator).normal(mean, std, shape, dt).astype(dt), requires_grad)


def bernoulli(input, p=None, *, generator=None) -> Tensor:
    # ATen: double probabilities (a float64 tensor or a scalar p) draw double uniforms,
    # float32 ones float uniforms.
    if p is None:
        d = input._data
        with np.errstate(invalid="ignore"):
            if not ((d >= 0) & (d <= 1)).all():
                raise RuntimeError(
                    "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                    "error message be improved?  If so, please report an enhancement request "
                    "to PyTorch.)"
                )
        u = _rng(generator).random(d.shape, d.dtype)
        return _make((u < d).astype(d.dtype))
    return input.detach().clone().bernoulli_(p, generator=generator)


_unused = (float32,)

bind_core(tensor=tensor)  # the engine turns a Python ``gradient=`` into a tensor with it
