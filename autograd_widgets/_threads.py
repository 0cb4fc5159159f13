"""Intra-op threads for large elementwise numpy work (``torch.set_num_threads``).

numpy's elementwise loops are single-threaded, but its ufuncs release the GIL while
they loop. So one large elementwise operation cut into slices along its first axis runs
on several cores at once, as PyTorch's intra-op thread pool does. Each output element
is computed by the same loop from the same inputs whatever the cut, so the result is
bit-identical to one call (tests/test_threads.py checks this).

Only work of at least ``MIN_PER_THREAD`` elements per thread is split: below that a
hand-off to a thread costs more than it saves.
"""

from __future__ import annotations

import os
import threading

import numpy as np

MIN_PER_THREAD = (
    1 << 18
)  # elements (float32: 1 MB): ~0.1 ms of arithmetic, vs ~20-50 us to hand off
BIG = 2 * MIN_PER_THREAD  # the smallest work that is cut in two

_num_threads: int | None = None  # None: not asked for yet (see _default_threads)
_pool = None
_pool_key = None  # (pid, size): a forked child must not use its parent's (gone) threads
_lock = threading.Lock()


def _default_threads() -> int:
    """PyTorch's default: ``OMP_NUM_THREADS`` when set, else the CPUs this process may use."""
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def get_num_threads() -> int:
    """``torch.get_num_threads``: the threads large elementwise operations may use."""
    global _num_threads
    if _num_threads is None:
        _num_threads = _default_threads()
    return _num_threads


def set_num_threads(n) -> None:
    """``torch.set_num_threads``: how many threads large elementwise operations may use.

    Same checks and messages as PyTorch. numpy's BLAS (matmul) keeps its own threads
    (``OPENBLAS_NUM_THREADS``, or threadpoolctl).
    """
    global _num_threads
    if type(n) is not int:
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _num_threads = n


_interop_threads: int | None = None  # set once, as PyTorch allows


def get_num_interop_threads() -> int:
    """``torch.get_num_interop_threads``: the inter-op pool's size (recorded only: nothing
    here runs ops in parallel with each other)."""
    return _interop_threads if _interop_threads is not None else _default_threads()


def set_num_interop_threads(n) -> None:
    """``torch.set_num_interop_threads``: once per process, as in PyTorch."""
    global _interop_threads
    if type(n) is not int:
        raise RuntimeError(f"set_num_interop_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _interop_threads is not None:
        raise RuntimeError(
            "Error: cannot set number of interop threads after parallel work has started or "
            "set_num_interop_threads called"
        )
    _interop_threads = n


def init_num_threads() -> None:
    """``torch.init_num_threads``: nothing to initialise (the pool starts on first use)."""


def _executor(size: int):
    global _pool, _pool_key
    key = (os.getpid(), size)
    if _pool_key != key:
        with _lock:
            if _pool_key != key:
                from concurrent.futures import ThreadPoolExecutor

                _pool = ThreadPoolExecutor(size, thread_name_prefix="autograd_widgets")
                _pool_key = key
    return _pool


def parts_for(size: int, grain: int | None = None) -> int:
    """How many slices an elementwise operation over ``size`` elements is cut into.

    ``grain``: the fewest elements worth a thread (default ``MIN_PER_THREAD``, for cheap
    arithmetic); costlier work per element (libm's ``tanh``) passes a smaller one.
    """
    n = _num_threads if _num_threads is not None else get_num_threads()
    grain = grain or MIN_PER_THREAD
    if n == 1 or size < 2 * grain:
        return 1
    return min(n, size // grain)


def elementwise(fn, out: np.ndarray, *inputs, grain: int | None = None) -> np.ndarray:
    """Call ``fn(out_slice, *input_slices)`` over slices of ``out``'s first axis, in threads.

    ``inputs`` broadcast against ``out`` (numpy's rules); an input that broadcasts along
    the first axis (size 1 there, or fewer dimensions) is passed whole to every slice.
    ``fn`` must write its slice of ``out`` elementwise. Small work (see ``parts_for``),
    0-d outputs and first axes of length 1 run in one call on the calling thread;
    ``grain`` as in ``parts_for``.
    Floating-point error handling (``np.errstate``) is the caller's in every thread.
    """
    parts = parts_for(out.size, grain)
    if parts > 1 and out.ndim > 1 and out.shape[0] == 1:
        # (1, n, ...): cut the first axis that has a length; the inputs' leading 1s go too.
        lead = next((i for i, s in enumerate(out.shape) if s != 1), out.ndim)
        keep = out.ndim - lead
        inputs = [
            x.reshape(x.shape[x.ndim - keep :]) if type(x) is np.ndarray and x.ndim > keep else x
            for x in inputs
        ]
        elementwise(fn, out.reshape(out.shape[lead:]), *inputs, grain=grain)
        return out
    length = out.shape[0] if out.ndim else 1
    parts = min(parts, length)
    if parts <= 1:
        fn(out, *inputs)
        return out
    bounds = [length * i // parts for i in range(parts + 1)]
    err = np.geterr()

    def run(lo, hi):
        sliced = [
            x[lo:hi] if type(x) is np.ndarray and x.ndim == out.ndim and x.shape[0] != 1 else x
            for x in inputs
        ]
        with np.errstate(**err):
            fn(out[lo:hi], *sliced)

    pool = _executor(parts - 1)
    futures = [pool.submit(run, bounds[i], bounds[i + 1]) for i in range(1, parts)]
    try:
        run(bounds[0], bounds[1])
    finally:
        for f in futures:
            f.result()  # re-raises a slice's error (FloatingPointError under errstate="raise")
    return out


def binary(ufunc, a: np.ndarray, b) -> np.ndarray:
    """``ufunc(a, b)`` for a float array ``a`` and an array or scalar ``b`` of its dtype.

    Threaded when the broadcast result is large; otherwise exactly ``ufunc(a, b)``.
    """
    is_array = type(b) is np.ndarray
    # a.size * b.size bounds the broadcast result's size: one multiply for small tensors.
    if a.size * (b.size if is_array else 1) < BIG or get_num_threads() == 1:
        return ufunc(a, b)
    if getattr(b, "dtype", None) != a.dtype:
        return ufunc(a, b)  # promotion (and numpy 1.x's value-based casting) stay numpy's
    shape = _broadcast_shape(a.shape, b.shape) if is_array and a.shape != b.shape else a.shape
    size = 1
    for n in shape:
        size *= n
    if parts_for(size) == 1:
        return ufunc(a, b)  # e.g. a bias added to a batch: big bound, small result
    out = np.empty(shape, a.dtype)
    return elementwise(lambda o, x, y: ufunc(x, y, out=o), out, a, b)


def _broadcast_shape(sa: tuple, sb: tuple) -> tuple:
    """numpy's broadcast of two shapes already known to broadcast (a fraction of the cost
    of ``np.broadcast_shapes``, which builds arrays)."""
    if len(sa) < len(sb):
        sa, sb = sb, sa
    sb = (1,) * (len(sa) - len(sb)) + sb
    return tuple(y if x == 1 else x for x, y in zip(sa, sb))


def multiply(a: np.ndarray, b) -> np.ndarray:
    """``np.multiply(a, b)`` through :func:`binary`."""
    return binary(np.multiply, a, b)
