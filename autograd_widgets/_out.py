"""``out=``: storing an op's result in a tensor the caller gives (``torch.mul(a, b, out=c)``)."""

from __future__ import annotations

from .autograd.grad_mode import state as grad_state
from .core._dtype import check_result_cast


def write_out(name: str, out, result):
    """Store ``result`` in the ``out=`` tensor (``torch.mul(a, b, out=c)``) and return ``out``."""
    if result._requires_grad or (grad_state.enabled and out._requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    rd, od = result._data, out._data
    check_result_cast(rd.dtype, od.dtype)
    if od.shape == rd.shape:
        od[...] = rd
    else:
        out._data = rd.astype(od.dtype)
    out._vc.v += 1
    return out
