"""How PyTorch reports saved ints: as the user wrote them, negative ones as uint64.

``x.sum(-1).grad_fn._saved_dim`` is ``(18446744073709551615,)`` in PyTorch (the C++
``int64_t`` read back as unsigned). The backward formulas here use normalised dims;
``record(..., shown={...})`` keeps the user's value, converted the same way, for
``_saved_<name>``.
"""

from __future__ import annotations

_U64 = 1 << 64
INT64_MAX = (1 << 63) - 1


def torch_int(v):
    """A saved int (or tuple of ints) the way PyTorch's ``_saved_*`` getter returns it."""
    if isinstance(v, (tuple, list)):
        return tuple(torch_int(x) for x in v)
    if isinstance(v, int) and not isinstance(v, bool) and v < 0:
        return v + _U64
    return v


def negative(v) -> bool:
    """True when ``v`` (an int or a sequence of ints) has a negative entry."""
    if isinstance(v, (tuple, list)):
        return any(isinstance(x, int) and x < 0 for x in v)
    return isinstance(v, int) and v < 0
