"""``torch._foreach_*``: PyTorch's list-at-a-time ops (what its optimizers call with
``foreach=True``), as loops over the ordinary ops.

Each function takes a list (or tuple) of tensors and applies one op to every tensor, with
the overloads PyTorch's schema declares: a ``Scalar`` for all, a list of scalars (one per
tensor), a list of tensors (one per tensor), and for ``add``/``mul``/``div`` a single 0-d
``Tensor``. The out-of-place forms return a tuple of new tensors; the in-place forms
(``_foreach_add_``...) change the tensors and return the list they were given, as
PyTorch 2.13 does. List checks raise PyTorch's errors (an empty list, lists of
different lengths, a scalar list of the wrong length).

Differs from PyTorch: autograd runs through the ordinary ops, so each output's
``grad_fn`` is the ordinary op's (``MulBackward0``), where PyTorch records one node for
the whole list (``ForeachMulBackward0List``). Gradients are the same.
"""

from __future__ import annotations

from numbers import Number

from . import inplace, linalg, pointwise, reduction
from ._core import Tensor

_UNARY = (
    "abs acos asin atan ceil cos cosh erf erfc exp expm1 floor frac lgamma log log10 log1p "
    "log2 neg reciprocal round rsqrt sigmoid sign sin sinh sqrt tan tanh trunc"
).split()
# binary ops: (Tensor-overload allowed, alpha allowed for the List/Tensor overloads)
_BINARY = {
    "add": (True, True),
    "sub": (False, True),
    "mul": (True, False),
    "div": (True, False),
    "clamp_min": (False, False),
    "clamp_max": (False, False),
    "maximum": (False, False),
    "minimum": (False, False),
}


# ``maximum``/``minimum`` with a number: the Tensor op takes tensors only; ``clamp_min`` and
# ``clamp_max`` give the same values (NaN included) and gradients.
_WITH_NUMBER = {"maximum": "clamp_min", "minimum": "clamp_max"}


def _op_for(op: str, operand) -> str:
    return _WITH_NUMBER.get(op, op) if isinstance(operand, Number) else op


def _in_place(t: Tensor, op: str, operand, kw: dict) -> None:
    """``t.<op>_(operand)``; ``maximum``/``minimum`` have no Tensor method of that name."""
    op = _op_for(op, operand)
    if op in _WITH_NUMBER:
        fn = getattr(pointwise, op)
        inplace.apply_inplace(t, lambda x: fn(x, operand), (operand,))
    else:
        getattr(t, op + "_")(operand, **kw)


# --- PyTorch's list checks (``check_foreach_api_restrictions``) -----------------------------
def _tensors(name: str, tensors, position: int = 1) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'self' (position {position}) must be tuple of Tensors, "
            f"not {type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument {position - 1}, but got "
                f"{type(t).__name__}"
            )
    return list(tensors)


def _nonempty(tensors) -> None:
    if not tensors:
        raise RuntimeError("Tensor list must have at least one tensor.")


def _same_length(*lists) -> None:
    """Lists of tensors: lengths first (``[]`` against two tensors names both lengths)."""
    for other in lists[1:]:
        if len(other) != len(lists[0]):
            raise RuntimeError(
                "Tensor lists must have the same number of tensors, got "
                f"{len(lists[0])} and {len(other)}"
            )
    _nonempty(lists[0])


def _scalar_list(tensors, scalars) -> None:
    _nonempty(tensors)
    if len(scalars) != len(tensors):
        raise RuntimeError("Tensor list must have same number of elements as scalar list.")


def _is_tensor_list(x) -> bool:
    return isinstance(x, (list, tuple)) and bool(x) and isinstance(x[0], Tensor)


def _others(name: str, self, other, tensor_overload: bool) -> list:
    """``other`` spread over ``self``: one operand per tensor, checked as PyTorch checks."""
    if _is_tensor_list(other):
        other = _tensors(name, other, 2)
        _same_length(self, other)
        return other
    if isinstance(other, (list, tuple)):
        for i, s in enumerate(other):
            if not isinstance(s, Number) or isinstance(s, Tensor):
                raise TypeError(
                    f"expected Tensor as element {i} in argument 1, but got {type(s).__name__}"
                )
        _scalar_list(self, other)
        return list(other)
    _nonempty(self)
    if isinstance(other, Tensor):
        if not tensor_overload:
            raise TypeError(
                f"{name}(): argument 'other' (position 2) must be tuple of Tensors, not Tensor"
            )
        if other.dim() != 0:
            raise RuntimeError(
                f"scalar tensor expected to be 0 dim but it has {other.dim()} dimensions and "
                f"{other.numel()} elements."
            )
        return [other] * len(self)
    if isinstance(other, Number):
        return [other] * len(self)
    raise TypeError(
        f"{name}() received an invalid combination of arguments - got "
        f"({type(self).__name__}, {type(other).__name__})"
    )


def _check_alpha(name: str, other, alpha, allowed: bool) -> dict:
    if alpha is None:
        return {}
    if not allowed or not (_is_tensor_list(other) or isinstance(other, Tensor)):
        raise TypeError(
            f"{name}() received an invalid combination of arguments: alpha= is accepted only "
            "with a list of tensors (or, for add, one 0-d tensor)"
        )
    return {"alpha": alpha}


# --- the function factories -------------------------------------------------------------------
def _unary(op: str):
    def fn(self):
        self = _tensors(f"_foreach_{op}", self)
        _nonempty(self)
        return tuple(getattr(t, op)() for t in self)

    def fn_(self):
        tensors = _tensors(f"_foreach_{op}_", self)
        _nonempty(tensors)
        for t in tensors:
            getattr(t, op + "_")()
        return self

    return _named(fn, f"_foreach_{op}"), _named(fn_, f"_foreach_{op}_")


def _binary(op: str, tensor_overload: bool, alpha_allowed: bool):
    def fn(self, other, *, alpha=None):
        name = f"_foreach_{op}"
        self = _tensors(name, self)
        kw = _check_alpha(name, other, alpha, alpha_allowed)
        others = _others(name, self, other, tensor_overload)
        return tuple(getattr(t, _op_for(op, o))(o, **kw) for t, o in zip(self, others))

    def fn_(self, other, *, alpha=None):
        name = f"_foreach_{op}_"
        tensors = _tensors(name, self)
        kw = _check_alpha(name, other, alpha, alpha_allowed)
        others = _others(name, tensors, other, tensor_overload)
        for t, o in zip(tensors, others):
            _in_place(t, op, o, kw)
        return self

    return _named(fn, f"_foreach_{op}"), _named(fn_, f"_foreach_{op}_")


def _named(fn, name: str):
    fn.__name__ = fn.__qualname__ = name
    base = name[len("_foreach_") :].rstrip("_")
    kind = "in place, returning the list" if name.endswith("_") else "returning a tuple"
    fn.__doc__ = f"``torch.{name}``: ``{base}`` on every tensor of the list, {kind}."
    return fn


def _values(name: str, self, scalars) -> list:
    """The ``value``/``scalars`` of addcmul/addcdiv: a number, a list, or a 1-D tensor."""
    if isinstance(scalars, Tensor):
        if scalars.dim() != 1:
            raise RuntimeError(
                f"Expected packed scalar Tensor to be of dimension 1. Got {scalars.dim()} instead."
            )
        if scalars.numel() != len(self):
            raise RuntimeError(
                f"Expected length of scalars to match input of length {len(self)} but got "
                f"{scalars.numel()} instead."
            )
        return scalars.tolist()
    if isinstance(scalars, (list, tuple)):
        _scalar_list(self, scalars)
        return list(scalars)
    return [scalars] * len(self)


def _addc(op: str):
    def fn(self, tensor1, tensor2, scalars=1):
        name = f"_foreach_{op}"
        self = _tensors(name, self)
        t1, t2 = _tensors(name, tensor1, 2), _tensors(name, tensor2, 3)
        _same_length(self, t1, t2)
        values = _values(name, self, scalars)
        return tuple(getattr(s, op)(a, b, value=v) for s, a, b, v in zip(self, t1, t2, values))

    def fn_(self, tensor1, tensor2, scalars=1):
        name = f"_foreach_{op}_"
        tensors = _tensors(name, self)
        t1, t2 = _tensors(name, tensor1, 2), _tensors(name, tensor2, 3)
        _same_length(tensors, t1, t2)
        values = _values(name, tensors, scalars)
        for s, a, b, v in zip(tensors, t1, t2, values):
            getattr(s, op + "_")(a, b, value=v)
        return self

    return _named(fn, f"_foreach_{op}"), _named(fn_, f"_foreach_{op}_")


def _lerp_weights(name: str, self, weight) -> list:
    if isinstance(weight, Tensor):  # PyTorch's parser takes a 0-d tensor as the Scalar
        if weight.dim() != 0:
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got (list, list, Tensor)"
            )
        return [weight.item()] * len(self)
    if _is_tensor_list(weight):
        weight = _tensors(name, weight, 3)
        _same_length(self, weight)
        return weight
    if isinstance(weight, (list, tuple)):
        _scalar_list(self, weight)
        return list(weight)
    return [weight] * len(self)


def _foreach_lerp(self, tensors1, weight):
    self, ends = _tensors("_foreach_lerp", self), _tensors("_foreach_lerp", tensors1, 2)
    _same_length(self, ends)
    weights = _lerp_weights("_foreach_lerp", self, weight)
    return tuple(s.lerp(e, w) for s, e, w in zip(self, ends, weights))


def _foreach_lerp_(self, tensors1, weight):
    tensors, ends = _tensors("_foreach_lerp_", self), _tensors("_foreach_lerp_", tensors1, 2)
    _same_length(tensors, ends)
    weights = _lerp_weights("_foreach_lerp_", tensors, weight)
    for s, e, w in zip(tensors, ends, weights):
        s.lerp_(e, w)
    return self


def _foreach_pow(self, exponent):
    """``torch._foreach_pow``: ``pow`` of every tensor, or ``self ** t`` for a number ``self``."""
    if isinstance(self, Number) and not isinstance(self, Tensor):
        exps = _tensors("_foreach_pow", exponent, 2)
        _nonempty(exps)
        base = self
        return tuple(pointwise.pow(base, e) for e in exps)
    self = _tensors("_foreach_pow", self)
    return tuple(t.pow(e) for t, e in zip(self, _others("_foreach_pow", self, exponent, False)))


def _foreach_pow_(self, exponent):
    tensors = _tensors("_foreach_pow_", self)
    for t, e in zip(tensors, _others("_foreach_pow_", tensors, exponent, False)):
        t.pow_(e)
    return self


def _foreach_norm(self, ord=2, dtype=None):  # noqa: A002
    """``torch._foreach_norm``: ``linalg.vector_norm`` of every tensor (0-d results)."""
    self = _tensors("_foreach_norm", self)
    _nonempty(self)
    return tuple(reduction.vector_norm(t, ord, dtype=dtype) for t in self)


def _foreach_powsum(self, ord=2, dtype=None):  # noqa: A002
    """``torch._foreach_powsum``: ``sum(|t| ** ord)`` of every tensor (0-d results)."""
    self = _tensors("_foreach_powsum", self)
    _nonempty(self)
    out = []
    for t in self:
        if dtype is not None:
            t = t.to(dtype)
        out.append(reduction.sum(t.abs().pow(ord)))
    return tuple(out)


def _foreach_max(self):
    """``torch._foreach_max``: the largest element of every tensor (0-d results)."""
    self = _tensors("_foreach_max", self)
    _nonempty(self)
    for t in self:
        if t.numel() == 0:
            raise RuntimeError(
                "_foreach_max cannot compute the maximum of an empty tensor; max over zero "
                "elements is undefined."
            )
    return tuple(t.max() for t in self)


def _foreach_clone(self, *, memory_format=None):
    self = _tensors("_foreach_clone", self)
    _nonempty(self)
    return tuple(t.clone(memory_format=memory_format) for t in self)


def _foreach_copy_(self, src, non_blocking=False):
    tensors, srcs = _tensors("_foreach_copy_", self), _tensors("_foreach_copy_", src, 2)
    _nonempty(tensors)  # (copy_ checks this before the lengths)
    _same_length(tensors, srcs)
    for t, s in zip(tensors, srcs):
        t.copy_(s, non_blocking)
    return self


def _foreach_zero_(self):
    tensors = _tensors("_foreach_zero_", self)
    _nonempty(tensors)
    for t in tensors:
        t.zero_()
    return self


def _foreach_mm(self, mat2):
    self, mat2 = _tensors("_foreach_mm", self), _tensors("_foreach_mm", mat2, 2)
    if len(self) != len(mat2):
        raise RuntimeError("_foreach_mm: self and mat2 must have the same number of tensors")
    _nonempty(self)
    return tuple(linalg.mm(a, b) for a, b in zip(self, mat2))


_defined = {}
for _op in _UNARY:
    _defined[f"_foreach_{_op}"], _defined[f"_foreach_{_op}_"] = _unary(_op)
for _op, (_tensor_ok, _alpha_ok) in _BINARY.items():
    _defined[f"_foreach_{_op}"], _defined[f"_foreach_{_op}_"] = _binary(_op, _tensor_ok, _alpha_ok)
for _op in ("addcmul", "addcdiv"):
    _defined[f"_foreach_{_op}"], _defined[f"_foreach_{_op}_"] = _addc(_op)
for _fn in (
    _foreach_lerp,
    _foreach_lerp_,
    _foreach_pow,
    _foreach_pow_,
    _foreach_norm,
    _foreach_powsum,
    _foreach_max,
    _foreach_clone,
    _foreach_copy_,
    _foreach_zero_,
    _foreach_mm,
):
    _defined[_fn.__name__] = _fn
globals().update(_defined)

__all__ = sorted(_defined)
