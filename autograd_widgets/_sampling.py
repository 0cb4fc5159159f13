"""Integer and categorical sampling: ``randint``, ``randint_like``, ``multinomial``, ``poisson``
and ``binomial``.

randint and multinomial draw PyTorch's numbers from the same seed: ``randint`` is ATen's
``empty(size).random_(low, high)``, ``multinomial`` ATen's two CPU samplers (see
``_random``). The argument parsing follows PyTorch's, so ``randint(high=10, size=(3,))``
and ``randint(2, high=10, size=(3,))`` work as there.
"""

from __future__ import annotations

import numpy as np

from .autograd.node import node_class
from .core._creation import _accepts_out, _check_device, _finish, _like, _rng, bernoulli
from .core._dtype import as_dtype, int64, scalar_type_name
from .core._random import in_memory_order
from .core.tensor import Tensor
from .ops._core import check_broadcast, needs_grad, parser_got, record, zero_grad
from .ops.pointwise import NotImplemented_
from .ops.selection import _topk_indices

_make = Tensor._make

_RANDINT_FORMS = (
    "(int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False)",
    "(int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)",
    "(int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False)",
    "(int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)",
)


@_accepts_out
def randint(
    *args,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    **bounds,
) -> Tensor:
    """``torch.randint(high, size)`` or ``torch.randint(low, high, size)``, any of them by
    keyword: ``torch.empty(size, dtype=dtype).random_(low, high)`` (int64 by default)."""
    low, high, size = _randint_args(args, bounds)
    _check_device(device)
    dt = as_dtype(dtype).np if dtype is not None else int64.np
    return _finish(_rng(generator).integers(low, high, size, dt), requires_grad)


def _randint_args(args, bounds):
    """PyTorch's parser: positionals fill ``(low, high, size)`` when three are given in all,
    ``(high, size)`` when two; keywords name the rest."""
    names = ("low", "high", "size") if len(args) + len(bounds) == 3 else ("high", "size")
    given = dict(zip(names, args))
    if len(args) + len(bounds) not in (2, 3) or set(bounds) != set(names[len(args) :]):
        _randint_combination_error(args, bounds)
    given.update(bounds)
    for position, name in enumerate(names, start=1):
        value = given[name]
        if isinstance(value, Tensor) and value.dim() == 0 and name != "size":
            value = given[name] = value.item()
        if name == "size":
            ok = isinstance(value, (tuple, list)) and all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in value
            )
            want = "tuple of ints"
        else:
            ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
            want = "int"
        if not ok:
            raise TypeError(
                f"randint(): argument '{name}' (position {position}) must be {want}, not "
                f"{type(value).__name__}"
            )
    size = tuple(int(s) for s in given["size"])
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return int(given.get("low", 0)), int(given["high"]), size


def _randint_combination_error(args, bounds):
    got = parser_got(args, bounds)
    forms = "".join(f" * {form}\n" for form in _RANDINT_FORMS)
    raise TypeError(
        f"randint() received an invalid combination of arguments - got ({got}), but expected "
        f"one of:\n{forms}"
    )


def randint_like(
    input, low=0, high=None, *, generator=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``torch.randint_like(input, high)`` / ``(input, low, high)``: ``input``'s shape."""
    if high is None:
        low, high = 0, low
    _check_device(device)
    dt = _like(input, dtype)
    data = in_memory_order(
        input._data, lambda shape: _rng(generator).integers(low, high, shape, dt)
    )
    return _finish(data, requires_grad)


def multinomial(input, num_samples, replacement=False, *, generator=None) -> Tensor:
    """``torch.multinomial``: ``num_samples`` category indices per row of ``input``.

    As ATen on CPU: with replacement (and more than one sample) a binary search of one
    double uniform per draw in the row's normalised cumulative sums (summed in the input's
    dtype); otherwise the largest ``input / q`` with ``q ~ Exp(1)`` drawn in the input's
    dtype (``argmax`` for one sample, ``topk`` for several).
    """

    d = input._data
    if d.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if d.dtype.kind != "f":
        raise RuntimeError(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{scalar_type_name(d.dtype)}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = d.shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if n_categories > 2**24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    rows = d.reshape(d.shape[0] if d.ndim == 2 else 1, n_categories)
    shape = (num_samples,) if d.ndim == 1 else (rows.shape[0], num_samples)
    if rows.shape[0] == 0:
        return _make(np.zeros(shape, dtype=np.int64))
    rng = _rng(generator)
    if not replacement or num_samples == 1:
        out = _sample_by_exponentials(rows, d, num_samples, rng)
    else:
        out = np.stack([_sample_cumulative(row, num_samples, rng) for row in rows])
    return _make(out.reshape(shape))


def _sample_cumulative(row: np.ndarray, num_samples: int, rng) -> np.ndarray:
    """ATen's ``multinomial_with_replacement`` kernel on one row."""
    with np.errstate(invalid="ignore"):
        if not (row >= 0).all():  # NaN fails here too, as in ATen's loop
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry < 0)"
            )
    if not np.isfinite(row).all():
        raise RuntimeError(
            "invalid multinomial distribution (encountering probability entry = infinity or NaN)"
        )
    cum = np.cumsum(row)  # sequential sums in the row's own dtype, as the kernel's loop
    if not (cum.size and cum[-1] > 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    cum = (cum / cum[-1]).astype(np.float64)
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(num_samples, np.float64), side="left")


def _sample_by_exponentials(rows: np.ndarray, d: np.ndarray, num_samples: int, rng):
    """ATen's sampler without replacement: the largest ``p / q``, ``q ~ Exp(1)``."""
    with np.errstate(invalid="ignore"):
        if not (d.max() < np.inf and d.min() >= 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    sums = rows.sum(axis=-1)
    if (sums == 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    # ATen: q = empty_like(input).exponential_(1), drawn in the input's memory order
    q = in_memory_order(d, lambda shape: rng.exponential(1.0, shape, d.dtype))
    q = q.reshape(rows.shape).astype(d.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = rows / q
    if num_samples == 1:
        return np.argmax(ratio, axis=-1).reshape(-1, 1).astype(np.int64)

    return _topk_indices(ratio, 1, num_samples, True, True)  # ATen's topk, ties included


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


# Tensor.multinomial(num_samples, ...) and Tensor.bernoulli(p=None): the functions as methods
_multinomial_method.__name__ = "multinomial"
_bernoulli_method.__name__ = "bernoulli"
Tensor.multinomial = _multinomial_method
Tensor.bernoulli = _bernoulli_method


# --- torch.poisson / torch.binomial --------------------------------------------------------
def _poisson(rate: Tensor, generator=None) -> Tensor:
    """Poisson counts (in ``rate``'s dtype), no graph (``distributions`` too): ATen's
    ``sample_poisson`` on the library's stream, so a seed gives PyTorch's counts."""
    draws = _rng(generator).poisson(np.asarray(rate._data, dtype=np.float64))
    return _make(draws.astype(rate._data.dtype).reshape(rate.shape))


def _binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    """Successes in ``count`` trials (in ``count``'s dtype), no checks and no graph: ATen's
    ``sample_binomial`` on the library's stream, so a seed gives PyTorch's counts."""
    c = np.asarray(count._data, dtype=np.float64)
    p = np.asarray(prob._data, dtype=np.float64)
    draws = _rng(generator).binomial(c, p)
    return _make(draws.astype(count._data.dtype).reshape(count.shape))


def poisson(input, generator=None) -> Tensor:
    """``torch.poisson``: a Poisson count per rate in ``input``, in its dtype
    (``PoissonBackward0``: a zero gradient)."""

    if input._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"poisson_cpu\" not implemented for '{scalar_type_name(input._data.dtype)}'"
        )
    if np.any(input._data < 0):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    out = _poisson(input, generator)
    if needs_grad(input):
        record(PoissonBackward0, out, (input,))
    return out


def binomial(count, prob, generator=None) -> Tensor:
    """``torch.binomial``: successes in ``count`` trials of probability ``prob`` (broadcast),
    in ``count``'s dtype; PyTorch has no derivative for it (a ``NotImplemented`` node)."""

    if count._data.dtype.kind != "f":
        raise ValueError(
            "binomial only supports floating-point dtypes for count, got: "
            f"{scalar_type_name(count._data.dtype)}"
        )
    if prob._data.dtype != count._data.dtype:
        raise RuntimeError(
            f"Found dtype {scalar_type_name(prob._data.dtype)} but expected "
            f"{scalar_type_name(count._data.dtype)}"
        )
    check_broadcast(count._data.shape, prob._data.shape)
    shape = np.broadcast_shapes(count._data.shape, prob._data.shape)
    out = _binomial(count.expand(shape), prob.expand(shape), generator)
    if needs_grad(count, prob):
        ins = tuple(t for t in (count, prob) if t._requires_grad)
        record(NotImplemented_, out, ins, fields={"op": "binomial"})
    return out


PoissonBackward0 = node_class("PoissonBackward0", zero_grad)
