"""Elementwise ops: each forward next to its ``grad_fn`` class and derivative.

Binary ops broadcast like numpy; :class:`BinaryNode` undoes the broadcasting of
every gradient with the one ``unbroadcast`` helper. Formulas use the names
``grad`` (incoming gradient), ``self``/``other`` (saved inputs) and ``result``.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _threads
from ..autograd import events
from ..autograd.anomaly_mode import anomaly, capture_trace
from ..autograd.node import Node, SavedTensor, node_class, saved_input, unchecked_node
from ..core import _dtype
from ..core._dtype import from_numpy_dtype, get_default_dtype, scalar_kind, scalar_like
from ..core._random import _CPP_NAMES, fma
from . import _f32_math, _fused_add
from ._core import (
    METHODS,
    Tensor,
    WrappedNumber,
    as_float_input,
    binary_operands,
    check_broadcast,
    check_broadcast_all,
    checked_int,
    grad_state,
    needs_grad,
    no_grad_event,
    not_implemented_for,
    parser_got,
    promote,
    record,
    return_type,
    same_grad,
    scalar_type_name,
    unbroadcast,
    wrap_int,
    write_out,
    zero_grad,
)

# The ``torch.*`` functions defined here (the package namespace is the union of these lists).
__all__ = [
    "abs",
    "absolute",
    "acos",
    "acosh",
    "add",
    "addcdiv",
    "addcmul",
    "allclose",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "ceil",
    "clamp",
    "clamp_max",
    "clamp_min",
    "clip",
    "cos",
    "cosh",
    "deg2rad",
    "div",
    "divide",
    "eq",
    "equal",
    "erf",
    "erfc",
    "exp",
    "exp2",
    "expm1",
    "float_power",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "frexp",
    "frac",
    "ge",
    "greater",
    "greater_equal",
    "gt",
    "hypot",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isreal",
    "isposinf",
    "ldexp",
    "le",
    "lerp",
    "less",
    "less_equal",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "lt",
    "maximum",
    "minimum",
    "mul",
    "multiply",
    "nan_to_num",
    "ne",
    "neg",
    "negative",
    "not_equal",
    "pow",
    "rad2deg",
    "reciprocal",
    "relu",
    "remainder",
    "round",
    "rsqrt",
    "rsub",
    "sigmoid",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "sub",
    "subtract",
    "tan",
    "tanh",
    "true_divide",
    "trunc",
    "where",
]

# ``Tensor.<name>`` for these names (ops/__init__.py attaches them; the unary table's
# and the Tensor-only-``other`` ops' method forms come from ``METHODS``).
TENSOR_METHODS = """
add sub mul div pow remainder fmod floor_divide neg abs exp exp2 expm1 log log2 log10 log1p
sqrt rsqrt reciprocal sin cos tan asin acos atan sinh cosh tanh sigmoid relu sign floor ceil
trunc frac erf square clamp clip clamp_min clamp_max maximum minimum fmax fmin lerp atan2
hypot eq ne lt le gt ge logical_and logical_or logical_xor logical_not bitwise_not isnan
isinf isfinite nan_to_num allclose isclose equal float_power round greater greater_equal
less less_equal not_equal negative absolute arcsin arccos arctan arctan2 signbit true_divide
divide multiply subtract asinh acosh atanh arcsinh arccosh arctanh erfc deg2rad rad2deg
logaddexp logaddexp2 frexp ldexp isneginf isposinf isreal bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift
""".split()
# ``Tensor.<name>_``: the in-place variant (``inplace._make_inplace``).
INPLACE_METHODS = """
add sub mul div pow clamp clip clamp_min clamp_max neg abs exp log sqrt sin cos tanh sigmoid
relu floor ceil round trunc frac sign reciprocal rsqrt square remainder fmod lerp log1p
expm1 exp2 log2 log10 tan atan asin acos sinh cosh erf nan_to_num erfc
deg2rad rad2deg bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_left_shift
bitwise_right_shift logical_and logical_or logical_xor logical_not ldexp absolute negative
arccos arcsin arctan arctan2 atan2 multiply divide subtract true_divide hypot
""".split()

_make = Tensor._make


def _fast(g: np.ndarray) -> bool:
    """True when a backward formula may run in numpy directly on ``g`` (a float array).

    Only with grad mode off (no ``create_graph``) and nobody listening: recorders see a
    formula's ops as ``op_no_grad`` events, which the numpy path does not emit.
    """
    return (
        not grad_state.enabled
        and (not events.listeners or not events.hears("op_no_grad"))
        and g.dtype.kind == "f"
    )


def _saved_np(node, name):
    """A saved tensor's array (version-checked) for numpy fast paths; WrappedNumbers as
    their Python number, ``None`` as ``None``."""
    saved = node._saved
    if saved is None:
        return node.saved(name)  # raises the freed-graph error
    s = saved[name]
    if type(s) is not SavedTensor:
        if isinstance(s, Tensor):  # a bare saved input (node.saved_input)
            vc = s._vcs
            if vc is not None and vc.v:
                return node.saved(name)._data  # raises the in-place error
            return s._data.item() if type(s) is WrappedNumber else s._data
        return s
    if s.counter.v != s.version:
        return s.unpack(node, name)._data  # raises the in-place error (unless hooks own it)
    t = s.tensor
    if t is None:
        d = s.data
        return d if d is not None else s.unpack(node, name)._data  # None: saved-tensor hooks
    if type(t) is WrappedNumber:
        return t._data.item()
    return t._data


class BinaryNode(Node):
    """A node whose gradients are summed back to the shapes of its inputs (``input_shapes``,
    ``None`` for an input that is not a tensor)."""

    __slots__ = ("input_shapes",)
    field_names = ("input_shapes",)
    _declared_fields = frozenset(field_names)

    def apply(self, grads):
        out = self.backward(grads[0])
        shapes = self.input_shapes
        if len(out) == 2 and len(shapes) == 2:  # unrolled for the common two-input case
            (ga, gb), (sa, sb) = out, shapes
            if ga is not None and sa is not None and ga._data.shape != sa:
                ga = unbroadcast(ga, sa)
            if gb is not None and sb is not None and gb._data.shape != sb:
                gb = unbroadcast(gb, sb)
            out = (ga, gb)
        else:
            out = tuple(
                unbroadcast(g, s) if g is not None and s is not None else g
                for g, s in zip(out, shapes)
            )
        extra = self._extra
        if extra is not None and "in_dtypes" in extra:
            # Inputs were promoted: give each gradient its input's dtype, as PyTorch does.
            out = tuple(
                g._to_dtype(dt) if g is not None and g.dtype != dt else g
                for g, dt in zip(out, extra["in_dtypes"])
            )
        return out


def _saved_spec(saved_names) -> tuple:
    """``saved_names`` as ``(self_rule, other_rule, other_name)``: a rule is 0 (not saved),
    1 (always) or 2 (only when the other input requires grad: ``"self?"``/``"other?"``)."""
    spec = [0, 0, "other"]
    for n in saved_names:
        if n in ("self", "self?"):
            spec[0] = 1 if n == "self" else 2
        else:
            spec[1] = 2 if n == "other?" else 1
            spec[2] = n.rstrip("?")
    return tuple(spec)


_SPECS: dict = {}
_THREADED = frozenset((np.add, np.subtract, np.multiply, np.true_divide))


def _binary(np_fn, cls, a: Tensor, b, saved_names=(), attrs=None, result_dtype=None, name=None):
    """Run ``np_fn(a, b)`` with promotion; record ``cls`` when grad is needed.

    ``saved_names``: ``"self"``/``"other"`` are always saved; ``"self?"`` only when
    ``other`` requires grad and ``"other?"`` only when ``self`` does (what PyTorch
    saves for mul and div, so in-place changes to an unneeded input are allowed).
    A Python number saved as ``other`` is kept as the number; ``_saved_other`` shows it
    as the wrapped 0-d tensor PyTorch reports.
    """
    ad = a._data
    tb = type(b)
    if tb is WrappedNumber:
        b = b._data.item()
        tb = type(b)
    adt = ad.dtype
    if tb is float and adt.kind == "f" or tb is int and adt.kind in "fiu":
        b_is_t, bd, dt = False, b, adt  # a Python number never promotes a tensor of its kind
        if tb is int and adt.kind != "f":
            bd = wrap_int(b, adt)
        bd = scalar_like(bd, adt)
        sa, sb, bcast = ad.shape, None, False
    else:
        b_is_t = isinstance(b, Tensor)
        if b_is_t and adt is b._data.dtype:
            bd, dt = b._data, adt  # same dtype: nothing to promote (the common case)
        else:
            ad, bd, dt = binary_operands(a, b)
        sa, sb, bcast = ad.shape, bd.shape if b_is_t else None, False
        if b_is_t and sa != sb:
            check_broadcast(sa, sb)
            bcast = True
    if (bcast or ad.size >= _threads.BIG) and np_fn in _THREADED and adt.kind == "f":
        res = _threads.binary(np_fn, ad, bd)  # np_fn(ad, bd), cut across threads when large
    else:
        res = np_fn(ad, bd)
    if type(res) is not np.ndarray:
        res = np.asarray(res)
    want = result_dtype or dt
    rdt = res.dtype
    if rdt is not want and rdt != want:
        res = res.astype(want)
    out = _make(res)
    a_rg = a._requires_grad
    b_rg = b_is_t and b._requires_grad
    if not (a_rg or b_rg) or not grad_state.enabled:
        if events.listeners and events.hears("op_no_grad"):
            no_grad_event(name or cls.__name__, out, (a, b if b_is_t else None))
        return out
    if res.dtype.kind != "f":
        return out  # integer results (floor_divide of ints...) are not differentiable
    saved = None
    if saved_names:
        spec = _SPECS.get(saved_names)
        if spec is None:
            spec = _SPECS[saved_names] = _saved_spec(saved_names)
        s_rule, o_rule, o_name = spec
        saved = {}
        if o_rule:  # saved before self: PyTorch packs saved tensors in name order (hooks see it)
            o_val = (saved_input(b) if b_is_t else b) if o_rule == 1 or a_rg else None
        if s_rule:
            saved["self"] = saved_input(a) if s_rule == 1 or b_rg else None
        if o_rule:
            saved[o_name] = o_val
    # record(), inlined: the edges of (a, b).
    fn = a._grad_fn
    if fn is not None:
        ea = (fn, a._output_nr)
    elif a_rg:
        ea = (a._grad_accumulator(), 0)
    else:
        ea = _NO_EDGE
    if b_rg:
        fn = b._grad_fn
        eb = (fn, b._output_nr) if fn is not None else (b._grad_accumulator(), 0)
    else:
        eb = _NO_EDGE
    node = unchecked_node(cls, (ea, eb), saved, attrs)
    out._grad_fn = node
    out._requires_grad = True
    key = (sa, sb)
    node.input_shapes = _PAIRS.get(key) or _shapes_pair(key)
    if ad.dtype is not adt or (b_is_t and bd.dtype is not b._data.dtype):
        node._x()["in_dtypes"] = (a.dtype, b.dtype if b_is_t else None)
    if "result" in cls._declared_saved:  # pow, hypot: the output too, before anyone hears
        node._saved["result"] = SavedTensor(out, is_output=True)
    if anomaly.enabled:
        node._x()["trace"] = capture_trace()
    if events.listeners:
        events.emit("node_created", node=node, output=out, inputs=(a, b if b_is_t else None))
    return out


_NO_EDGE = (None, 0)
_PAIRS: dict = {}


def _shapes_pair(key: tuple) -> tuple:
    """Remember ``key``, a binary node's ``input_shapes``, to share it with later nodes.

    A loop makes the same binary ops on the same shapes again and again, and every node
    keeps its pair alive: sharing it saves three tracked tuples per node, so the cyclic
    garbage collector runs less often while a graph grows (it costs ~20% of a
    10,000-op chain's step).
    """
    if len(_PAIRS) > 256:
        _PAIRS.clear()
    _PAIRS[key] = key
    return key


# --- add / sub / rsub --------------------------------------------------------------
def _add_backward(node, grad):
    alpha = node._attrs["alpha"]
    return grad, (grad if alpha == 1 else grad * alpha)


def _sub_backward(node, grad):
    alpha = node._attrs["alpha"]
    if alpha == 1:
        g = grad._data
        return grad, (_make(np.negative(g)) if _fast(g) else -grad)
    return grad, grad * -alpha


AddBackward0 = node_class("AddBackward0", _add_backward, attrs=("alpha",), base=BinaryNode)
SubBackward0 = node_class("SubBackward0", _sub_backward, attrs=("alpha",), base=BinaryNode)


def _rsub1_backward(node, grad):
    return -grad * node._attrs["alpha"]


RsubBackward1 = node_class("RsubBackward1", _rsub1_backward, attrs=("alpha",))


def _check_alpha(input, other, alpha):
    """PyTorch's alpha checks: a bool alpha needs a bool result, a float one a float result."""
    if type(alpha) is int:
        return
    dt = binary_operands(input, other)[2]
    if type(alpha) is bool and dt.kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and dt.kind in "biu":
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )


def _times_alpha(x, y, alpha):
    """``y * alpha`` for the kernel: a Python int product wraps to ``x``'s integer dtype."""
    return wrap_int(y * alpha, x.dtype) if type(y) is int else y * alpha


def _plus_alpha_times(x, y, alpha):
    """``x + alpha * y`` as ATen's kernel rounds it: one fused multiply-add for floats."""
    if x.dtype.kind == "f" and not isinstance(alpha, complex):
        res = _fused_add.add_scaled(x, y, alpha)
        if res is not None:
            return res
    return x + _times_alpha(x, y, alpha)


def add(input, other, *, alpha=1, out=None):
    if out is not None:
        return write_out("add", out, add(input, other, alpha=alpha))
    if not isinstance(input, Tensor):
        input, other = other, input
    if alpha != 1 or type(alpha) is not int:
        _check_alpha(input, other, alpha)
        return _binary(
            lambda x, y: _plus_alpha_times(x, y, alpha),
            AddBackward0,
            input,
            other,
            attrs={"alpha": alpha},
        )
    return _binary(np.add, AddBackward0, input, other, attrs={"alpha": 1})


def _is_bool(x) -> bool:
    return x._data.dtype == np.bool_ if isinstance(x, Tensor) else isinstance(x, (bool, np.bool_))


def _sub_check(a, b) -> None:
    """PyTorch's ``sub_check``: no subtraction with a bool operand (tensor or Python bool)."""
    a_bool, b_bool = _is_bool(a), _is_bool(b)
    if a_bool and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    if a_bool or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def sub(input, other, *, alpha=1, out=None):
    if out is not None:
        return write_out("sub", out, sub(input, other, alpha=alpha))
    _sub_check(input, other)
    if not isinstance(input, Tensor):
        return rsub(other, input, alpha=alpha)
    if alpha != 1 or type(alpha) is not int:
        _check_alpha(input, other, alpha)
        return _binary(
            lambda x, y: _plus_alpha_times(x, y, -alpha),
            SubBackward0,
            input,
            other,
            attrs={"alpha": alpha},
        )
    return _binary(np.subtract, SubBackward0, input, other, attrs={"alpha": alpha})


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (what ``2 - x`` calls)."""
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    _sub_check(input, other)
    if alpha != 1 or type(alpha) is not int:
        _check_alpha(input, other, alpha)
    ad, other, dt = binary_operands(input, other)
    if alpha != 1 and dt.kind == "f":
        res = _plus_alpha_times(np.asarray(other, dt), ad.astype(dt, copy=False), -alpha)
    else:
        res = np.asarray(other - (ad * alpha if alpha != 1 else ad))
    if res.dtype != dt:
        res = res.astype(dt)
    out = _make(res)
    if needs_grad(input):
        record(RsubBackward1, out, (input,), None, {"alpha": alpha})
    return out


# --- mul / div ------------------------------------------------------------------------
def _mul_backward(node, grad):
    nf = node.next_functions
    g = grad._data
    if _fast(g):
        # grad * other / grad * self in numpy: same dtype (or a Python number) only, so
        # the values and dtype are exactly those of the Tensor ops below.
        o = _saved_np(node, "other") if nf[0][0] is not None else None
        s = _saved_np(node, "self") if nf[1][0] is not None else None
        if (
            (o is None or type(o) is float or (type(o) is np.ndarray and o.dtype == g.dtype))
            and (s is None or (type(s) is np.ndarray and s.dtype == g.dtype))
            and not (o is None and s is None)
        ):
            mul = np.multiply if g.size < _threads.BIG else _threads.multiply
            return (
                None
                if o is None
                else _make(mul(g, o if type(o) is np.ndarray else scalar_like(o, g))),
                None if s is None else _make(mul(g, s)),
            )
    g_self = grad * node.saved("other") if nf[0][0] is not None else None
    g_other = grad * node.saved("self") if nf[1][0] is not None else None
    return g_self, g_other


def _div_backward(node, grad):
    g = grad._data
    if _fast(g):
        # The same numpy operations, in the same order, as the Tensor formulas below.
        nf = node.next_functions
        o = _saved_np(node, "other")
        if type(o) is float or (type(o) is np.ndarray and o.dtype == g.dtype):
            if nf[1][0] is None:
                return _make(
                    np.true_divide(g, o if type(o) is np.ndarray else scalar_like(o, g))
                ), None
            s = _saved_np(node, "self")
            if type(o) is np.ndarray and type(s) is np.ndarray and s.dtype == g.dtype:
                g_other = _make(np.true_divide(np.multiply(np.negative(g), s), o * o))
                if nf[0][0] is None:
                    return None, g_other
                return _make(np.true_divide(g, o)), g_other
    other = node.saved("other")
    if node.next_functions[1][0] is None:
        return grad / other, None
    if node.next_functions[0][0] is None:
        return None, -grad * node.saved("self") / (other * other)
    self = node.saved("self")
    return grad / other, -grad * self / (other * other)


MulBackward0 = node_class("MulBackward0", _mul_backward, saved=("self", "other"), base=BinaryNode)
DivBackward0 = node_class("DivBackward0", _div_backward, saved=("self", "other"), base=BinaryNode)


def mul(input, other, *, out=None):
    if out is not None:
        return write_out("mul", out, mul(input, other))
    if not isinstance(input, Tensor):
        input, other = other, input
    return _binary(np.multiply, MulBackward0, input, other, ("self?", "other?"))


def div(input, other, *, rounding_mode=None, out=None):
    if out is not None:
        return write_out("div", out, div(input, other, rounding_mode=rounding_mode))
    if rounding_mode is not None:
        if rounding_mode in ("floor", "trunc"):
            return _div_rounding(input, other, rounding_mode)
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    if not isinstance(input, Tensor):
        return mul(reciprocal(other), input)
    ad = input._data
    res_float = (
        ad.dtype.kind == "f"
        or (isinstance(other, Tensor) and other._data.dtype.kind == "f")
        or isinstance(other, float)
    )
    rt = None if res_float else get_default_dtype().np
    return _binary(np.true_divide, DivBackward0, input, other, ("self?", "other"), result_dtype=rt)


true_divide = divide = div
multiply = mul
subtract = sub


def _div2_backward(node, grad):
    # Rounded division is piecewise constant: zero gradient almost everywhere.
    zero = zero_grad(node, grad)
    return zero, (zero if node.next_functions[1][0] is not None else None)


DivBackward2 = node_class(
    "DivBackward2",
    _div2_backward,
    saved=("other", "self"),
    attrs=("rounding_mode",),
    base=BinaryNode,
)


def _div_rounding(input, other, mode):
    if not isinstance(input, Tensor):
        input = _make(np.asarray(input))
    ad, bd, dt = binary_operands(input, other)
    if isinstance(other, Tensor) and ad.shape != bd.shape:
        check_broadcast(ad.shape, bd.shape)
    _integer_divisor(ad, bd, dt, f"div_{mode}_cpu")
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.floor_divide(ad, bd) if mode == "floor" else np.trunc(np.true_divide(ad, bd))
    out = _make(np.asarray(res).astype(dt, copy=False))
    b_t = other if isinstance(other, Tensor) else None
    if needs_grad(input, b_t) and dt.kind == "f":
        saved = {"other": other, "self": input if b_t is not None and b_t._requires_grad else None}
        record(
            DivBackward2,
            out,
            (input, b_t),
            saved,
            {"rounding_mode": mode},
            fields={"input_shapes": (ad.shape, bd.shape if b_t is not None else None)},
        )
    return out


def _not_implemented_backward(node, grad):
    raise RuntimeError(f"derivative for aten::{node.op} is not implemented")


# PyTorch's ``NotImplemented`` node: recorded by ops with no derivative formula (``op``: which
# one), it raises when backward reaches it.
NotImplemented_ = node_class("NotImplemented", _not_implemented_backward, fields=("op",))
NotImplemented_.apply = lambda self, grads: _not_implemented_backward(self, grads[0])


def _integer_divisor(ad, bd, dt, kernel):
    """PyTorch's integer division kernels: none for bool, and a zero divisor raises.

    numpy would silently give 0 (or garbage) where PyTorch raises ``ZeroDivisionError``;
    an empty result never runs the kernel, so it never raises.
    """
    if dt.kind == "b":
        raise not_implemented_for(kernel, dt)
    if dt.kind in "iu" and np.any(np.equal(bd, 0)) and np.broadcast(ad, bd).size:
        raise RuntimeError("ZeroDivisionError")


def _remainder_np(ad, bd):
    """``a - b * floor(a / b)`` as PyTorch computes it: fmod, then shifted by ``b`` when the
    signs differ, so an exact zero keeps the dividend's sign (numpy's takes the divisor's)."""
    dt = np.result_type(ad, bd)
    _integer_divisor(ad, bd, dt, "remainder_cpu")
    if dt.kind != "f":
        return np.remainder(ad, bd)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.fmod(ad, bd)
        return np.where((r != 0) & ((np.asarray(bd) < 0) != (r < 0)), r + bd, r)


def floor_divide(input, other):
    if not isinstance(input, Tensor):
        input = _make(np.asarray(input))
    if type(input) is WrappedNumber:  # number // tensor: promote as the number (float32 stays)
        bd, ad, dt = binary_operands(other, input._data.item())
    else:
        ad, bd, dt = binary_operands(input, other)
    if isinstance(other, Tensor) and np.shape(ad) != np.shape(bd):
        check_broadcast(np.shape(ad), np.shape(bd))
    _integer_divisor(ad, bd, dt, "div_floor_cpu")
    out = _make(np.asarray(np.floor_divide(ad, bd)).astype(dt, copy=False))
    if (
        needs_grad(input, other if isinstance(other, Tensor) else None)
        and out._data.dtype.kind == "f"
    ):
        # NOTE: PyTorch's NotImplemented node has an edge per input that requires grad only.
        ins = tuple(t for t in (input, other) if isinstance(t, Tensor) and t._requires_grad)
        record(NotImplemented_, out, ins, fields={"op": "floor_divide"})
    return out


RemainderBackward0 = node_class("RemainderBackward0", same_grad, base=Node)


def _remainder1_backward(node, grad):
    return (
        grad,
        -grad * _div_rounding(node.saved("self"), node.saved("other"), "floor"),
    )


RemainderBackward1 = node_class(
    "RemainderBackward1",
    _remainder1_backward,
    saved=("self", "other"),
    base=BinaryNode,
)


def remainder(input, other):
    if not isinstance(input, Tensor):
        input = WrappedNumber.of(input)
    if type(input) is WrappedNumber and isinstance(other, Tensor):
        # ``2.5 % t``: remainder.Scalar_Tensor, which has no derivative in PyTorch.
        ad, bd, dt = binary_operands(input, other)
        out = _make(np.asarray(_remainder_np(ad, bd)).astype(dt, copy=False))
        if needs_grad(other) and dt.kind == "f":
            record(NotImplemented_, out, (other,), fields={"op": "remainder"})
        return out
    if isinstance(other, Tensor):
        return _binary(_remainder_np, RemainderBackward1, input, other, ("self", "other"))
    ad, bd, dt = binary_operands(input, other)
    out = _make(np.asarray(_remainder_np(ad, bd)).astype(dt, copy=False))
    if needs_grad(input) and dt.kind == "f":
        record(RemainderBackward0, out, (input,))
    return out


FmodBackward0 = node_class("FmodBackward0", same_grad, base=Node)


def _fmod1_backward(node, grad):
    return (
        grad,
        -grad * _div_rounding(node.saved("self"), node.saved("other"), "trunc"),
    )


FmodBackward1 = node_class(
    "FmodBackward1",
    _fmod1_backward,
    saved=("self", "other"),
    base=BinaryNode,
)


def _fmod_np(ad, bd):
    _integer_divisor(ad, bd, np.result_type(ad, bd), "fmod_cpu")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.fmod(ad, bd)


def fmod(input, other):
    if isinstance(other, Tensor):  # FmodBackward1 (a gradient for other too), as PyTorch
        return _binary(_fmod_np, FmodBackward1, input, other, ("self", "other"))
    ad, bd, dt = binary_operands(input, other)
    out = _make(np.asarray(_fmod_np(ad, bd)).astype(dt, copy=False))
    if needs_grad(input) and dt.kind == "f":
        record(FmodBackward0, out, (input,))
    return out


# --- pow ------------------------------------------------------------------------------
def _pow0_backward(node, grad):
    e = node._attrs["exponent"]
    if e == 0:
        return zero_grad(node, grad)
    g = grad._data
    if _fast(g):
        self = node.saved("self")
        if self._data.dtype == g.dtype:
            # The formula below with numpy for the two multiplies (pow keeps its kernels).
            p = pow(self, float(e) - 1)._data
            return _make(np.multiply(g, p * scalar_like(float(e), p)))
    # Same graph as PyTorch's pow_backward: grad * (exponent * self ** (exponent - 1)),
    # with the Scalar multiply recorded as MulBackward1 (it shows up under create_graph).
    return grad * _mul_scalar(node.saved("self") ** (float(e) - 1), float(e))


def _mul1_backward(node, grad):
    return _mul_scalar(grad, node._attrs["other"])


MulBackward1 = node_class("MulBackward1", _mul1_backward, attrs=("other",))


def _mul_scalar(t: Tensor, s) -> Tensor:
    """``at::mul(Tensor, Scalar)``: what backward formulas use (``MulBackward1``)."""
    out = _make(np.asarray(t._data * scalar_like(s, t._data), dtype=t._data.dtype))
    if needs_grad(t):
        record(MulBackward1, out, (t,), None, {"other": s})
    return out


AddBackward1 = node_class("AddBackward1", same_grad)


def _add_scalar(t: Tensor, s) -> Tensor:
    """``at::add(Tensor, Scalar)``, as ATen's composites call it (``AddBackward1``)."""
    out = _make(np.asarray(t._data + scalar_like(s, t._data), dtype=t._data.dtype))
    if needs_grad(t):
        record(AddBackward1, out, (t,))
    return out


SubBackward1 = node_class("SubBackward1", same_grad)


def _sub_scalar(t: Tensor, s) -> Tensor:
    """``at::sub(Tensor, Scalar)``, as ATen's composites call it (``SubBackward1``)."""
    out = _make(np.asarray(t._data - scalar_like(s, t._data), dtype=t._data.dtype))
    if needs_grad(t):
        record(SubBackward1, out, (t,))
    return out


def _div1_backward(node, grad):
    return _div_scalar(grad, node._attrs["other"])


DivBackward1 = node_class("DivBackward1", _div1_backward, attrs=("other",))


def _div_scalar(t: Tensor, s) -> Tensor:
    """``at::div(Tensor, Scalar)``, as ATen's composites call it (``DivBackward1``)."""
    out = _make(np.asarray(t._data / scalar_like(s, t._data), dtype=t._data.dtype))
    if needs_grad(t):
        record(DivBackward1, out, (t,), None, {"other": s})
    return out


def _pow1_backward(node, grad):
    self, exponent, result = node.saved("self"), node.saved("exponent"), node.saved("result")
    g_self = grad * exponent * self ** (exponent - 1)
    # d/dy x**y = x**y * log(x); defined as 0 where x == 0 and y >= 0 (as PyTorch does).
    log_self = where(
        (self == 0) & (exponent >= 0), _make(np.zeros((), self._data.dtype)), log(self)
    )
    return g_self, grad * result * log_self


def _pow2_backward(node, grad):
    base = node._attrs["self"]
    if base == 0:
        return grad * 0 * node.saved("result")
    return grad * node.saved("result") * math.log(base)


PowBackward0 = node_class("PowBackward0", _pow0_backward, saved=("self",), attrs=("exponent",))
PowBackward1 = node_class(
    "PowBackward1", _pow1_backward, saved=("self", "exponent", "result"), base=BinaryNode
)
PowBackward2 = node_class(
    "PowBackward2", _pow2_backward, saved=("exponent", "result"), attrs=("self",)
)


def pow(input, exponent):
    if not isinstance(input, Tensor):
        return _rpow(exponent, input)
    if type(exponent) is np.ndarray:  # an array operand counts as a tensor, as in add/mul
        exponent = _make(exponent)
    if isinstance(exponent, Tensor):
        if input._data.dtype == np.bool_ and exponent._data.dtype == np.bool_:
            raise not_implemented_for("pow", np.dtype(np.bool_))
        return _binary(_power_np, PowBackward1, input, exponent, ("self", "exponent"))
    ad, _, dt = binary_operands(input, exponent)
    if ad.dtype.kind in "iu" and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if exponent == 2:
        res = ad * ad
    elif exponent == 3 and ad.dtype.kind == "f":  # ATen's special case: x * x * x
        res = ad * ad * ad
    elif exponent == 1:
        res = ad.copy()
    elif exponent == 0.5 and ad.dtype.kind == "f":
        res = np.sqrt(ad)
    else:
        res = _power_np(ad, exponent)
    res = np.asarray(res)
    if res.dtype != dt:
        res = res.astype(dt)
    out = _make(res)
    if needs_grad(input):
        record(PowBackward0, out, (input,), {"self": input}, {"exponent": exponent})
    elif events.listeners and events.hears("op_no_grad"):
        no_grad_event("PowBackward0", out, (input,))
    return out


def _power_np(a, b):
    # NOTE: float32 powers in double, rounded once: torch's pow is ~correctly rounded, numpy's
    # float32 pow is not (x ** 3 differs from torch in ~30% of elements otherwise).
    if getattr(a, "dtype", None) == np.float32:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return np.power(a.astype(np.float64), b).astype(np.float32)
    if np.result_type(a, b).kind in "iu" and np.any(np.less(b, 0)):
        # NOTE: numpy refuses negative integer exponents; PyTorch's integer pow gives
        # 1 ** -n = 1, (-1) ** -n = +-1 and 0 for any other base (1 / a, truncated).
        a, b = np.broadcast_arrays(a, b)
        neg = b < 0
        r = np.array(np.power(a, np.where(neg, 0, b)))
        odd = (b % 2).astype(bool)
        r[neg] = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0))[neg]
        return r
    return np.power(a, b)


def _rpow(exponent: Tensor, base):
    """``base ** exponent`` for a Python-number base (PowBackward2)."""
    ed = exponent._data
    if ed.dtype.kind != "f" and isinstance(base, float):
        ed = ed.astype(get_default_dtype().np)
    elif ed.dtype.kind in "iu" and type(base) is int:
        base = wrap_int(base, ed.dtype)
    res = np.asarray(_power_np(np.asarray(base, dtype=ed.dtype), ed))
    out = _make(res)
    if needs_grad(exponent):
        record(PowBackward2, out, (exponent,), {"exponent": exponent}, {"self": base}, "result")
    return out


def square(input):
    return pow(input, 2)


def float_power(input, exponent):
    return pow(input.double(), exponent.double() if isinstance(exponent, Tensor) else exponent)


# --- unary ops, one table -----------------------------------------------------------
def _unary(np_fn, cls, x: Tensor, save: str | None, float_op: bool = True) -> Tensor:
    d = x._data
    if float_op and d.dtype.kind != "f":
        d = as_float_input(x)
    res = np_fn(d)
    if type(res) is not np.ndarray:
        res = np.asarray(res, dtype=d.dtype)
    out = _make(res)
    if not x._requires_grad or not grad_state.enabled:
        if events.listeners and events.hears("op_no_grad"):
            no_grad_event(cls.__name__, out, (x,))
        return out
    # record(), inlined for one input.
    fn = x._grad_fn
    edge = (fn, x._output_nr) if fn is not None else (x._grad_accumulator(), 0)
    node = unchecked_node(cls, (edge,), {"self": saved_input(x)} if save == "self" else None, None)
    out._grad_fn = node
    out._requires_grad = True
    if save == "result":  # saved once out is the node's output (unpacking re-attaches it)
        node._saved = {"result": SavedTensor(out, True)}
    if anomaly.enabled:
        node._x()["trace"] = capture_trace()
    if events.listeners:
        events.emit("node_created", node=node, output=out, inputs=(x,))
    return out


def _f64(np_fn, can_warn=True):
    """``np_fn`` evaluated in double and rounded once to float32.

    ``can_warn=False`` for functions that never overflow or divide by zero (tanh): it
    skips ``np.errstate``, which costs more than the function itself on small tensors.

    NOTE: numpy's own float32 exp/tanh/sin/... are off from PyTorch's (SLEEF, ~correctly
    rounded) in up to 40% of elements; a double evaluation rounded once agrees in ~99%,
    which keeps printed losses of float32 training loops identical to PyTorch's.
    """

    def fn(d):
        if d.dtype == np.float32:
            if _f32_math._numpy_kernels:  # set_float32_math("numpy"): speed over rounding
                if not can_warn:
                    return np_fn(d)
                with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                    return np_fn(d)  # as PyTorch: inf/nan, no warning
            if d.size > 4096:
                # Same rounding, without a double-size temporary, in threads when large.
                with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                    return _f32_math.f64_rounded(np_fn, d)
            if not can_warn:
                return np_fn(d.astype(np.float64)).astype(np.float32)
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                return np_fn(d.astype(np.float64)).astype(np.float32)
        return np_fn(d)

    return fn


def _sigmoid_np(d):
    # NOTE: split by sign so exp never overflows (a stable logistic).
    if d.dtype == np.float32:  # torch: 1 / (1 + exp(-x)) in float32, exp ~correctly rounded
        with np.errstate(over="ignore"):
            if _f32_math._numpy_kernels:
                e = np.exp(-d)
            elif d.size > 4096:
                e = _f32_math.f64_rounded(np.exp, -d)
            else:
                e = np.exp(-d.astype(np.float64)).astype(np.float32)
        return np.float32(1) / (np.float32(1) + e)
    out = np.empty_like(d)
    pos = d >= 0
    one = scalar_like(1, d)
    np.divide(one, one + np.exp(-d, where=pos, out=np.zeros_like(d)), where=pos, out=out)
    e = np.exp(d, where=~pos, out=np.zeros_like(d))
    np.divide(e, one + e, where=~pos, out=out)
    return out


def _erf_np(d):
    from math import erf as _erf

    return np.vectorize(_erf, otypes=[d.dtype])(d) if d.size else d.copy()


def _erfc_np(d):
    from math import erfc as _erfc

    return np.vectorize(_erfc, otypes=[d.dtype])(d) if d.size else d.copy()


def _round_np(d):
    return np.round(d)


def _tanh_backward(grad, result):
    """``grad * (1 - result ** 2)``."""
    g, r = grad._data, result._data
    if (
        grad_state.enabled
        or events.hears("op_no_grad")
        or g.dtype != r.dtype
        or g.shape != r.shape
        or not r.ndim
    ):
        # The formula as ops (recorded under create_graph, seen by listeners), with ATen's
        # once-rounded 1 - y*y as the value of its middle step.
        one_minus = 1 - result**2
        if r.dtype.kind == "f" and one_minus._data.dtype == r.dtype:
            one_minus._data = _one_minus_square(r)
        return grad * one_minus
    t = _one_minus_square(r)
    np.multiply(g, t, out=t)
    return _make(t)


def _neg_backward(n, grad):
    g = grad._data
    return _make(np.negative(g)) if _fast(g) else -grad


def _exp_backward(n, grad):
    """``grad * result``."""
    g = grad._data
    if _fast(g):
        r = _saved_np(n, "result")
        if r.dtype == g.dtype:
            return _make(np.multiply(g, r))
    return grad * n.saved("result")


def _sigmoid_backward(n, grad):
    """``grad * result * (1 - result)``."""
    g = grad._data
    if _fast(g):
        r = _saved_np(n, "result")
        if r.dtype == g.dtype:
            # The Tensor ops below, in numpy and in the same order (1 - r keeps r's dtype).
            return _make(np.multiply(np.multiply(g, r), np.asarray(scalar_like(1, r) - r)))
    return grad * n.saved("result") * (1 - n.saved("result"))


def _relu_backward(n, grad):
    """PyTorch's ``threshold_backward``: ``grad`` where ``result > 0``, else +0. (no -0.)."""
    g = grad._data
    if _fast(g):
        r = _saved_np(n, "result")
        if r.dtype == g.dtype:
            zero = g.dtype.type(0)
            if g.ndim and np.isfinite(g).all():
                # g * mask gives -0. where a negative g is masked; adding +0. makes it +0.
                # (and changes nothing else): the same values as np.where, ~2x faster.
                t = np.multiply(g, r > 0, dtype=g.dtype)
                np.add(t, zero, out=t)
                return _make(t)
            return _make(np.where(r > 0, g, zero))  # inf/NaN masked to 0, not NaN
    return _masked(grad, n.saved("result") > 0)


def _tanh_node_backward(n, grad):
    g = grad._data
    if _fast(g):
        r = _saved_np(n, "result")  # the saved array, without re-wrapping it in a Tensor
        if r.dtype == g.dtype and r.shape == g.shape and r.ndim:
            t = _one_minus_square(r)
            if t.size > 4096:
                return _make(_threads.elementwise(lambda o, x: np.multiply(x, o, out=o), t, g))
            np.multiply(g, t, out=t)
            return _make(t)
    return _tanh_backward(grad, n.saved("result"))


def _one_minus_square(r: np.ndarray) -> np.ndarray:
    """``1 - r * r`` rounded once, as ATen's ``tanh_backward`` computes it (a fused
    multiply-add): float32's square is exact in float64; float64 takes ``_random.fma``."""
    if r.dtype == np.float64:
        return fma(-r, r, 1.0)
    if r.size > 4096 and r.dtype == np.float32:
        return _f32_math.one_minus_square_f32(r)  # cache-sized blocks, threads
    if r.dtype.kind == "f":
        wide = r.astype(np.float64)
        return (1.0 - wide * wide).astype(r.dtype)
    t = r * r
    np.subtract(1, t, out=t)
    return t


# The unary ops' backward nodes: one formula each, named ``_<op>_backward`` (or a shared
# one: ``zero_grad`` for piecewise-constant ops, ``same_grad`` where d out / d x = 1).
NegBackward0 = node_class("NegBackward0", _neg_backward)
ExpBackward0 = node_class("ExpBackward0", _exp_backward, saved=("result",))


def _exp2_backward(n, grad):
    return grad * n.saved("result") * math.log(2)


Exp2Backward0 = node_class("Exp2Backward0", _exp2_backward, saved=("result",))


def _expm1_backward(n, grad):
    return grad * (n.saved("result") + 1)


Expm1Backward0 = node_class("Expm1Backward0", _expm1_backward, saved=("result",))


def _log_backward(n, grad):
    return grad / n.saved("self")


LogBackward0 = node_class("LogBackward0", _log_backward, saved=("self",))


def _log2_backward(n, grad):
    return grad / (n.saved("self") * math.log(2))


Log2Backward0 = node_class("Log2Backward0", _log2_backward, saved=("self",))


def _log10_backward(n, grad):
    return grad / (n.saved("self") * math.log(10))


Log10Backward0 = node_class("Log10Backward0", _log10_backward, saved=("self",))


def _log1p_backward(n, grad):
    return grad / (n.saved("self") + 1)


Log1PBackward0 = node_class("Log1PBackward0", _log1p_backward, saved=("self",))


def _sqrt_backward(n, grad):
    return grad / (2 * n.saved("result"))


SqrtBackward0 = node_class("SqrtBackward0", _sqrt_backward, saved=("result",))


def _rsqrt_backward(n, grad):
    return -0.5 * grad * n.saved("result") ** 3


RsqrtBackward0 = node_class("RsqrtBackward0", _rsqrt_backward, saved=("result",))


def _reciprocal_backward(n, grad):
    return -grad * n.saved("result") * n.saved("result")


ReciprocalBackward0 = node_class("ReciprocalBackward0", _reciprocal_backward, saved=("result",))


def _sin_backward(n, grad):
    return grad * cos(n.saved("self"))


SinBackward0 = node_class("SinBackward0", _sin_backward, saved=("self",))


def _cos_backward(n, grad):
    return grad * -sin(n.saved("self"))


CosBackward0 = node_class("CosBackward0", _cos_backward, saved=("self",))


def _tan_backward(n, grad):
    return grad * (1 + n.saved("result") ** 2)


TanBackward0 = node_class("TanBackward0", _tan_backward, saved=("result",))


def _asin_backward(n, grad):
    return grad * rsqrt(1 - n.saved("self") ** 2)


AsinBackward0 = node_class("AsinBackward0", _asin_backward, saved=("self",))


def _acos_backward(n, grad):
    return -grad * rsqrt(1 - n.saved("self") ** 2)


AcosBackward0 = node_class("AcosBackward0", _acos_backward, saved=("self",))


def _atan_backward(n, grad):
    return grad / (1 + n.saved("self") ** 2)


AtanBackward0 = node_class("AtanBackward0", _atan_backward, saved=("self",))


def _sinh_backward(n, grad):
    return grad * cosh(n.saved("self"))


SinhBackward0 = node_class("SinhBackward0", _sinh_backward, saved=("self",))


def _asinh_backward(n, grad):
    return grad * rsqrt(n.saved("self") ** 2 + 1)


AsinhBackward0 = node_class("AsinhBackward0", _asinh_backward, saved=("self",))


def _acosh_backward(n, grad):
    return grad * rsqrt(n.saved("self") ** 2 - 1)


AcoshBackward0 = node_class("AcoshBackward0", _acosh_backward, saved=("self",))


def _atanh_backward(n, grad):
    return grad * (1 / (1 - n.saved("self") ** 2))


AtanhBackward0 = node_class("AtanhBackward0", _atanh_backward, saved=("self",))


def _cosh_backward(n, grad):
    return grad * sinh(n.saved("self"))


CoshBackward0 = node_class("CoshBackward0", _cosh_backward, saved=("self",))
TanhBackward0 = node_class("TanhBackward0", _tanh_node_backward, saved=("result",))
SigmoidBackward0 = node_class("SigmoidBackward0", _sigmoid_backward, saved=("result",))
ReluBackward0 = node_class("ReluBackward0", _relu_backward, saved=("result",))


def _abs_backward(n, grad):
    return grad * sign(n.saved("self"))


AbsBackward0 = node_class("AbsBackward0", _abs_backward, saved=("self",))


def _erf_backward(n, grad):
    return grad * (2 / math.sqrt(math.pi)) * exp(-(n.saved("self") ** 2))


ErfBackward0 = node_class("ErfBackward0", _erf_backward, saved=("self",))


def _erfc_backward(n, grad):
    return -2.0 / math.sqrt(math.pi) * exp(-(n.saved("self") ** 2)) * grad


ErfcBackward0 = node_class("ErfcBackward0", _erfc_backward, saved=("self",))


def _deg2rad_backward(n, grad):
    return grad * (math.pi / 180)


Deg2RadBackward0 = node_class("Deg2RadBackward0", _deg2rad_backward)


def _rad2deg_backward(n, grad):
    return grad * (180 / math.pi)


Rad2DegBackward0 = node_class("Rad2DegBackward0", _rad2deg_backward)
SignBackward0 = node_class("SignBackward0", zero_grad)
FloorBackward0 = node_class("FloorBackward0", zero_grad)
CeilBackward0 = node_class("CeilBackward0", zero_grad)
RoundBackward0 = node_class("RoundBackward0", zero_grad)
TruncBackward0 = node_class("TruncBackward0", zero_grad)
FracBackward0 = node_class("FracBackward0", same_grad)


# name -> (numpy forward, backward node); what the node saves (``self``, ``result`` or
# nothing) is its declaration's ``saved``.
def _integral_copy(np_fn):
    """``floor``/``ceil``/``trunc``: an integer input comes back as a copy in its dtype, as in
    PyTorch (numpy 1.x would return float64)."""
    return lambda d: d.copy() if d.dtype.kind in "iu" else np_fn(d)


UNARY = {
    "neg": (np.negative, NegBackward0),
    "exp": (_f64(np.exp), ExpBackward0),
    "exp2": (np.exp2, Exp2Backward0),
    "expm1": (np.expm1, Expm1Backward0),
    "log": (_f64(np.log), LogBackward0),
    "log2": (np.log2, Log2Backward0),
    "log10": (np.log10, Log10Backward0),
    "log1p": (np.log1p, Log1PBackward0),
    "sqrt": (np.sqrt, SqrtBackward0),
    "rsqrt": (lambda d: scalar_like(1, d) / np.sqrt(d), RsqrtBackward0),
    "reciprocal": (np.reciprocal, ReciprocalBackward0),
    "sin": (_f64(np.sin), SinBackward0),
    "cos": (_f64(np.cos), CosBackward0),
    "tan": (np.tan, TanBackward0),
    "asin": (np.arcsin, AsinBackward0),
    "acos": (np.arccos, AcosBackward0),
    "atan": (np.arctan, AtanBackward0),
    "sinh": (np.sinh, SinhBackward0),
    "asinh": (np.arcsinh, AsinhBackward0),
    "acosh": (np.arccosh, AcoshBackward0),
    "atanh": (np.arctanh, AtanhBackward0),
    "cosh": (np.cosh, CoshBackward0),
    "tanh": (_f64(np.tanh, can_warn=False), TanhBackward0),
    "sigmoid": (_sigmoid_np, SigmoidBackward0),
    "relu": (lambda d: np.maximum(d, 0), ReluBackward0),
    "abs": (np.abs, AbsBackward0),
    "erf": (_erf_np, ErfBackward0),
    "erfc": (_erfc_np, ErfcBackward0),
    "deg2rad": (lambda d: d * d.dtype.type(math.pi / 180), Deg2RadBackward0),
    "rad2deg": (lambda d: d * d.dtype.type(180 / math.pi), Rad2DegBackward0),
    "sign": (lambda d: d.copy() if d.dtype.kind == "b" else np.sign(d), SignBackward0),
    "floor": (_integral_copy(np.floor), FloorBackward0),
    "ceil": (_integral_copy(np.ceil), CeilBackward0),
    "round": (_round_np, RoundBackward0),
    "trunc": (_integral_copy(np.trunc), TruncBackward0),
    "frac": (lambda d: d - np.trunc(d), FracBackward0),
}

# Ops that keep integer dtypes (abs(int) is int); the rest compute in floating point.
_KEEPS_DTYPE = {"neg", "abs", "sign", "floor", "ceil", "round", "trunc", "relu", "frac"}


def _refuse(kernel=None, bool_error=None, ints=False):
    """A dtype check for an op whose kernel PyTorch lacks for bool (and maybe integers)."""

    def check(dt):
        if dt.kind == "b" and bool_error:
            raise RuntimeError(bool_error)
        if dt.kind == "b" or (ints and dt.kind in "iu"):
            raise not_implemented_for(kernel, dt)

    return check


# Dtype-keeping ops PyTorch refuses for bool (numpy would compute, or fail with its own words).
_REFUSES = {
    "neg": _refuse(
        bool_error="Negation, the `-` operator, on a bool tensor is not supported. If you are "
        "trying to invert a mask, use the `~` or `logical_not()` operator instead."
    ),
    "relu": _refuse(bool_error="Boolean inputs not supported for relu"),
    "abs": _refuse("abs_cpu"),
    "floor": _refuse("floor_vml_cpu"),
    "ceil": _refuse("ceil_vml_cpu"),
    "round": _refuse("round_vml_cpu"),
    "trunc": _refuse("trunc_vml_cpu"),
    "frac": _refuse("frac_cpu", ints=True),
}


def _make_unary(name, np_fn, cls):
    """``torch.<name>`` (with ``out=``) and ``Tensor.<name>`` (without): both call ``_unary``
    directly, so neither pays a wrapper's frame for PyTorch's ``out=`` spelling."""
    node_name = cls.__name__
    save = cls.saved_tensor_names[0] if cls.saved_tensor_names else None
    float_op = name not in _KEEPS_DTYPE
    refuse = _REFUSES.get(name)

    def function(input, *, out=None):
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
            )
        if refuse is not None and input._data.dtype.kind != "f":
            refuse(input._data.dtype)
        if out is None:
            return _unary(np_fn, cls, input, save, float_op)
        return write_out(name, out, _unary(np_fn, cls, input, save, float_op))

    def method(self):
        if refuse is not None and self._data.dtype.kind != "f":
            refuse(self._data.dtype)
        return _unary(np_fn, cls, self, save, float_op)

    doc = f"``torch.{name}``: elementwise, with grad_fn ``{node_name}``."
    for fn in (function, method):
        fn.__name__ = fn.__qualname__ = name
        fn.__doc__ = doc
    METHODS[name] = method
    return function


for _name, (_fn, _cls) in UNARY.items():
    globals()[_name] = _make_unary(_name, _fn, _cls)

neg = globals()["neg"]
exp = globals()["exp"]
log = globals()["log"]
sin = globals()["sin"]
cos = globals()["cos"]
sinh = globals()["sinh"]
cosh = globals()["cosh"]
rsqrt = globals()["rsqrt"]
reciprocal = globals()["reciprocal"]
sign = globals()["sign"]
trunc = globals()["trunc"]
relu = globals()["relu"]
sigmoid = globals()["sigmoid"]
tanh = globals()["tanh"]
sqrt = globals()["sqrt"]
abs = globals()["abs"]  # noqa: A001
acos = globals()["acos"]
asin = globals()["asin"]
atan = globals()["atan"]
ceil = globals()["ceil"]
erf = globals()["erf"]
exp2 = globals()["exp2"]
expm1 = globals()["expm1"]
floor = globals()["floor"]
frac = globals()["frac"]
log10 = globals()["log10"]
log1p = globals()["log1p"]
log2 = globals()["log2"]
tan = globals()["tan"]
negative = neg
absolute = abs
arcsin, arccos, arctan = globals()["asin"], globals()["acos"], globals()["atan"]
_round_op = globals()["round"]  # the table's round; ``round`` below adds ``decimals``
asinh, acosh, atanh = globals()["asinh"], globals()["acosh"], globals()["atanh"]
arcsinh, arccosh, arctanh = asinh, acosh, atanh
for _alias, _name in (
    ("negative", "neg"),
    ("absolute", "abs"),
    ("arcsin", "asin"),
    ("arccos", "acos"),
    ("arctan", "atan"),
    ("arcsinh", "asinh"),
    ("arccosh", "acosh"),
    ("arctanh", "atanh"),
):
    METHODS[_alias] = METHODS[_name]
erfc, deg2rad, rad2deg = globals()["erfc"], globals()["deg2rad"], globals()["rad2deg"]


def round(input, decimals: int = 0):  # noqa: A001
    if decimals:
        return _unary(lambda d: np.round(d, decimals), RoundBackward1, input, None, False)
    return _round_op(input)


RoundBackward1 = node_class("RoundBackward1", zero_grad)
del METHODS["round"]  # Tensor.round is ``round`` above (with ``decimals``), not the table's


# --- clamp, maximum/minimum, where, lerp, atan2 ---------------------------------------
def _clamp1_backward(node, grad):
    self = node.saved("self")
    lo, hi = node._attrs["min"], node._attrs["max"]
    mask = None
    if lo is not None:
        mask = self >= lo
    if hi is not None:
        m = self <= hi
        mask = m if mask is None else mask & m
    return _masked(grad, mask)


ClampBackward1 = node_class(
    "ClampBackward1", _clamp1_backward, saved=("self",), attrs=("min", "max")
)


def _masked(grad, cond):
    """``grad`` where ``cond``, else +0. (masking, not multiplying: no -0.)."""
    return where(cond, grad, _make(np.zeros((), dtype=grad._data.dtype)))


def _clamp0_backward(node, grad):
    self, lo, hi = node.saved("self"), node.saved("min"), node.saved("max")
    if lo is None or hi is None:
        if lo is not None:
            return _masked(grad, self >= lo), _masked(grad, self < lo), None
        return _masked(grad, self <= hi), None, _masked(grad, self > hi)
    # PyTorch's clamp_backward_min_max: with min > max the result is max, and max owns it.
    return (
        _masked(grad, (self >= lo) & (self <= hi)),
        _masked(grad, (self < lo) & (lo < hi)),
        _masked(grad, (self > hi) | (hi < lo)),
    )


ClampBackward0 = node_class(
    "ClampBackward0", _clamp0_backward, saved=("self", "min", "max"), base=BinaryNode
)


def clamp(input, min=None, max=None):  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if min is not None and max is not None and isinstance(min, Tensor) != isinstance(max, Tensor):
        # One tensor bound, one number: PyTorch's parser takes a 0-d tensor that does not
        # require grad as a Number (the Number overload); anything else matches no overload.
        # NOTE: the text is torch.clamp's positional form (the method and keyword forms word
        # it differently).
        t = min if isinstance(min, Tensor) else max
        if t._data.ndim == 0 and not t._requires_grad:
            if t is min:
                min = t._data.item()  # noqa: A001
            else:
                max = t._data.item()  # noqa: A001
        else:
            got = ", ".join(
                "Tensor" if isinstance(v, Tensor) else type(v).__name__ for v in (min, max)
            )
            raise TypeError(
                f"clamp() received an invalid combination of arguments - got (Tensor, {got}), but "
                "expected one of:\n"
                " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
                " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"
            )
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = min._data if isinstance(min, Tensor) else min
        hi = max._data if isinstance(max, Tensor) else max
        check_broadcast_all(*(np.shape(x) for x in (input._data, lo, hi) if x is not None))
        ts = (
            input,
            min if isinstance(min, Tensor) else None,
            max if isinstance(max, Tensor) else None,
        )
        dt = _dtype.result_type(
            [(t._data.ndim, from_numpy_dtype(t._data.dtype)) for t in ts if t is not None]
        ).np  # dimensioned tensors win over 0-d ones, as in any binary op
        if dt.kind == "b" and lo is not None and hi is not None:
            raise not_implemented_for("clamp_cpu", dt)
        # Every operand is cast to the result dtype first (an int64 -2 is 254 as uint8).
        res = input._data.astype(dt, copy=False)
        if lo is not None:
            res = np.maximum(res, lo.astype(dt, copy=False))
        if hi is not None:
            res = np.minimum(res, hi.astype(dt, copy=False))
        out = _make(np.asarray(res, dtype=dt))
        if needs_grad(*ts):
            record(
                ClampBackward0,
                out,
                ts,
                {"self": input, "min": min, "max": max},
                fields={
                    "input_shapes": (input._data.shape,)
                    + tuple(t._data.shape if t is not None else None for t in ts[1:])
                },
            )
        return out
    d = input._data
    bounds = [v for v in (min, max) if v is not None]
    if d.dtype.kind == "f" and all(type(v) in (int, float) for v in bounds):
        res = np.clip(d, min, max)  # the common case: nothing to promote
        if res.dtype != d.dtype:  # numpy 1.x may compute float32 with float bounds in double
            res = res.astype(d.dtype)
    else:
        # The bounds are wrapped numbers: they take part in promotion (a bool tensor with
        # int bounds is clamped as int64) and are converted to the result dtype with c10's
        # overflow check (-1 is 255 for uint8).
        dt = _dtype.result_type(
            ((d.ndim, from_numpy_dtype(d.dtype)),), [scalar_kind(v) for v in bounds]
        ).np
        if dt.kind == "b":
            kernel = "clamp" if len(bounds) == 2 else "clamp_min" if max is None else "clamp_max"
            raise not_implemented_for(f"{kernel}_scalar_cpu", dt)
        lo, hi = (
            checked_int(v, dt) if type(v) is int and dt.kind != "f" else v for v in (min, max)
        )
        res = np.clip(d.astype(dt, copy=False), lo, hi)
        if res.dtype != dt:
            res = res.astype(dt)
    out = _make(np.asarray(res))
    if needs_grad(input):
        record(ClampBackward1, out, (input,), {"self": input}, {"min": min, "max": max})
    return out


clip = clamp


def _clamp_min_backward(n, grad):
    return _masked(grad, n.saved("self") >= n._attrs["min"])


ClampMinBackward0 = node_class(
    "ClampMinBackward0",
    _clamp_min_backward,
    saved=("self",),
    attrs=("min",),
)


def _clamp_max_backward(n, grad):
    return _masked(grad, n.saved("self") <= n._attrs["max"])


ClampMaxBackward0 = node_class(
    "ClampMaxBackward0",
    _clamp_max_backward,
    saved=("self",),
    attrs=("max",),
)


def _clamp_min1_backward(n, grad):
    return (
        _masked(grad, n.saved("self") >= n.saved("min")),
        _masked(grad, n.saved("self") < n.saved("min")),
    )


ClampMinBackward1 = node_class(
    "ClampMinBackward1",
    _clamp_min1_backward,
    saved=("min", "self"),
    base=BinaryNode,
)


def _clamp_max1_backward(n, grad):
    return (
        _masked(grad, n.saved("self") <= n.saved("max")),
        _masked(grad, n.saved("self") > n.saved("max")),
    )


ClampMaxBackward1 = node_class(
    "ClampMaxBackward1",
    _clamp_max1_backward,
    saved=("max", "self"),
    base=BinaryNode,
)


def _clamp_one(input, bound, is_min):
    if isinstance(bound, Tensor):
        out = clamp(input, min=bound) if is_min else clamp(input, max=bound)
        if out._grad_fn is not None:  # clamp_min(Tensor): its own node, two inputs
            cls, key = (ClampMinBackward1, "min") if is_min else (ClampMaxBackward1, "max")
            out._grad_fn = None
            record(
                cls,
                out,
                (input, bound),
                {"self": input, key: bound},
                fields={"input_shapes": (input._data.shape, bound._data.shape)},
            )
        return out
    out = clamp(input, min=bound) if is_min else clamp(input, max=bound)
    if out._grad_fn is not None:
        cls, key = (ClampMinBackward0, "min") if is_min else (ClampMaxBackward0, "max")
        out._grad_fn = None
        record(cls, out, (input,), {"self": input}, {key: bound})
    return out


def clamp_min(input, min):  # noqa: A002
    return _clamp_one(input, min, True)


def clamp_max(input, max):  # noqa: A002
    return _clamp_one(input, max, False)


def _maximum_backward(node, grad):
    self, other = node.saved("self"), node.saved("other")
    half = where(self == other, grad / 2, grad)
    zero = _make(np.zeros((), dtype=grad._data.dtype))  # masked, not * 0 (no -0.)
    return where(self >= other, half, zero), where(other >= self, half, zero)


def _minimum_backward(node, grad):
    self, other = node.saved("self"), node.saved("other")
    half = where(self == other, grad / 2, grad)
    zero = _make(np.zeros((), dtype=grad._data.dtype))
    return where(self <= other, half, zero), where(other <= self, half, zero)


MaximumBackward0 = node_class(
    "MaximumBackward0", _maximum_backward, saved=("self", "other"), base=BinaryNode
)
MinimumBackward0 = node_class(
    "MinimumBackward0", _minimum_backward, saved=("self", "other"), base=BinaryNode
)


def _tensor_other(name, other):
    """PyTorch's parser error for an op with no Scalar overload (``maximum(t, 2)``)."""
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )


def maximum(input, other):
    _tensor_other("maximum", other)
    return _binary(np.maximum, MaximumBackward0, input, other, ("self", "other"))


def minimum(input, other):
    _tensor_other("minimum", other)
    return _binary(np.minimum, MinimumBackward0, input, other, ("self", "other"))


def _fmaxmin_backward(wins):
    # self takes the gradient where it was chosen: it wins the comparison (ties included)
    # or other is NaN; other takes the rest (PyTorch's derivatives.yaml formulas).
    def backward(node, grad):
        self, other = node.saved("self"), node.saved("other")
        took_self = logical_or(wins(self, other), isnan(other))
        zero = _make(np.zeros((), dtype=grad._data.dtype))
        return where(took_self, grad, zero), where(took_self, zero, grad)

    return backward


FmaxBackward0 = node_class(
    "FmaxBackward0",
    _fmaxmin_backward(lambda a, b: ge(a, b)),
    saved=("self", "other"),
    base=BinaryNode,
)
FminBackward0 = node_class(
    "FminBackward0",
    _fmaxmin_backward(lambda a, b: le(a, b)),
    saved=("self", "other"),
    base=BinaryNode,
)


def fmax(input, other):
    """``torch.fmax``: the larger of the two, ignoring NaN (``maximum`` propagates it)."""
    _tensor_other("fmax", other)
    return _binary(np.fmax, FmaxBackward0, input, other, ("self", "other"))


def fmin(input, other):
    """``torch.fmin``: the smaller of the two, ignoring NaN (``minimum`` propagates it)."""
    _tensor_other("fmin", other)
    return _binary(np.fmin, FminBackward0, input, other, ("self", "other"))


def _where_backward(node, grad):
    c = node.saved("condition")
    zero = _make(np.zeros((), dtype=grad._data.dtype))
    return where(c, grad, zero), where(c, zero, grad)


WhereBackward0 = node_class(
    "WhereBackward0", _where_backward, saved=("condition",), base=BinaryNode
)


def where(condition, input=None, other=None):
    if input is None and other is None:
        # cycle: indexing builds on pointwise (where, masks)
        from .indexing import nonzero

        return nonzero(condition, as_tuple=True)
    c = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if c.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            + scalar_type_name(c.dtype)
        )
    a = input if isinstance(input, Tensor) else None
    b = other if isinstance(other, Tensor) else None
    if a is None and b is None:
        a = _make(
            np.asarray(input, dtype=get_default_dtype().np if isinstance(input, float) else None)
        )
    ref = a if a is not None else b
    ad, bd, dt = binary_operands(ref, other if ref is a else input)
    if ref is b:
        ad, bd = bd, ad
    check_broadcast_all(c.shape, np.shape(ad), np.shape(bd))
    res = np.where(c, ad, bd)
    out = _make(np.asarray(res, dtype=dt))
    if needs_grad(a, b) and dt.kind == "f":
        cond_t = condition if isinstance(condition, Tensor) else _make(c)
        record(
            WhereBackward0,
            out,
            (a, b),
            {"condition": cond_t},
            fields={
                "input_shapes": (
                    a._data.shape if a is not None else None,
                    b._data.shape if b is not None else None,
                )
            },
        )
    return out


def _lerp_backward(node, grad):
    w = node._attrs.get("weight") if node._attrs else None
    if w is None:
        w = node.saved("weight")
        if node.next_functions[2][0] is None:  # (self and end saved only for weight's grad)
            return grad * (1 - w), grad * w, None
        start, end = node.saved("self"), node.saved("end")
        return grad * (1 - w), grad * w, grad * (end - start)
    return grad * (1 - w), grad * w


LerpBackward0 = node_class("LerpBackward0", _lerp_backward, attrs=("weight",), base=BinaryNode)
LerpBackward1 = node_class(
    "LerpBackward1", _lerp_backward, saved=("self", "end", "weight"), base=BinaryNode
)


def _cpp_type(dt) -> str:
    """A dtype as ATen's ``TypeMeta`` prints it in ``expected dtype float ...`` checks."""
    return _CPP_NAMES.get(dt.name, dt.name)


def lerp(input, end, weight, *, out=None):
    """``torch.lerp``: ``input + weight * (end - input)``, rounded as ATen rounds it."""
    if out is not None:
        return write_out("lerp", out, lerp(input, end, weight))
    if not isinstance(end, Tensor) or not isinstance(weight, (Tensor, int, float, complex)):
        raise TypeError(
            "lerp() received an invalid combination of arguments - got "
            f"({parser_got((input, end, weight), {})}), but expected one of:\n"
            " * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n"
        )
    dt = input._data.dtype
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t._data.dtype != dt:
            raise RuntimeError(
                f"expected dtype {_cpp_type(dt)} for `{name}` but got dtype "
                f"{_cpp_type(t._data.dtype)}"
            )
    w_t = isinstance(weight, Tensor)
    shapes = (input._data.shape, end._data.shape) + ((weight._data.shape,) if w_t else ())
    check_broadcast_all(*shapes)
    if dt.kind != "f":
        kernel = "lerp_kernel_tensor" if w_t else "lerp_kernel_scalar"
        raise not_implemented_for(kernel, dt)
    if isinstance(weight, complex):
        raise RuntimeError(f"value cannot be converted to type {_cpp_type(dt)} without overflow")
    w = weight._data if w_t else weight
    out = _make(_fused_add.lerp(input._data, end._data, w))
    if w_t:
        if needs_grad(input, end, weight):
            record(
                LerpBackward1,
                out,
                (input, end, weight),
                # PyTorch saves self and end only when weight needs a gradient.
                {"self": input, "end": end, "weight": weight}
                if weight._requires_grad
                else {"self": None, "end": None, "weight": weight},
                fields={"input_shapes": shapes},
            )
        return out
    if needs_grad(input, end):
        record(
            LerpBackward0,
            out,
            (input, end),
            None,
            {"weight": weight},
            fields={"input_shapes": shapes},
        )
    return out


# --- addcmul / addcdiv: one node with three inputs (PyTorch's derivatives.yaml formulas) ------
def _addcmul_backward(node, grad):
    value, t1, t2 = node._attrs["value"], node.saved("tensor1"), node.saved("tensor2")
    return (
        grad,
        None if t2 is None else grad * (t2 * value),
        None if t1 is None else grad * (t1 * value),
    )


def _addcdiv_backward(node, grad):
    value, t1, t2 = node._attrs["value"], node.saved("tensor1"), node.saved("tensor2")
    return (
        grad,
        None if node.next_functions[1][0] is None else grad * (value / t2),
        None if t1 is None else -grad * (value * t1 / (t2 * t2)),
    )


AddcmulBackward0 = node_class(
    "AddcmulBackward0",
    _addcmul_backward,
    saved=("tensor1", "tensor2"),
    attrs=("value",),
    base=BinaryNode,
)
AddcdivBackward0 = node_class(
    "AddcdivBackward0",
    _addcdiv_backward,
    saved=("tensor1", "tensor2"),
    attrs=("value",),
    base=BinaryNode,
)


def _addc(cls, np_fn, input, tensor1, tensor2, value, out):
    ts = (input, tensor1, tensor2)
    dt = promote(*ts)
    x, a, b = (t._data.astype(dt, copy=False) for t in ts)
    check_broadcast(a.shape, b.shape)
    check_broadcast(x.shape, np.broadcast_shapes(a.shape, b.shape))
    if dt in (np.float16, np.float32, np.float64) and isinstance(value, (int, float)):
        # ATen's rounding: addcmul fuses its last multiply-add, addcdiv divides last
        kernel = _fused_add.addcmul if cls is AddcmulBackward0 else _fused_add.addcdiv
        res = _make(np.asarray(kernel(x, a, b, value), dtype=dt))
    else:
        res = _make(np.asarray(x + dt.type(value) * np_fn(a, b), dtype=dt))
    if out is not None:
        return write_out(cls.__name__[:7].lower(), out, res)
    if needs_grad(*ts) and dt.kind == "f":
        r1, r2 = tensor1._requires_grad, tensor2._requires_grad
        # Saved only for the gradient that needs it, as PyTorch does.
        saved = {
            "tensor1": tensor1 if r2 else None,
            "tensor2": tensor2 if r1 or (r2 and cls is AddcdivBackward0) else None,
        }
        promoted = any(t._data.dtype != dt for t in ts)
        record(
            cls,
            res,
            ts,
            saved,
            {"value": value},
            fields={"input_shapes": tuple(t._data.shape for t in ts)},
            extra={"in_dtypes": tuple(t._data.dtype for t in ts)} if promoted else None,
        )
    return res


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``torch.addcmul``: ``input + value * tensor1 * tensor2``, one ``AddcmulBackward0``."""
    return _addc(AddcmulBackward0, np.multiply, input, tensor1, tensor2, value, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``torch.addcdiv``: ``input + value * tensor1 / tensor2``, one ``AddcdivBackward0``."""
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to("
            "input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float "
            "inputs. The future addcdiv behavior is just the latter implementation: (input + value "
            "* tensor1 / tensor2), for all dtypes."
        )
    return _addc(AddcdivBackward0, np.divide, input, tensor1, tensor2, value, out)


def _atan2_backward(node, grad):
    self, other = node.saved("self"), node.saved("other")
    denom = self * self + other * other
    return grad * other / denom, grad * -self / denom


Atan2Backward0 = node_class(
    "Atan2Backward0", _atan2_backward, saved=("self", "other"), base=BinaryNode
)


def _float_result_dtype(dt):
    """An integer result type becomes the default float dtype (``atan2`` of int tensors)."""
    return dt if dt.kind == "f" else get_default_dtype().np


def atan2(input, other):
    _tensor_other("atan2", other)
    if input._data.dtype.kind != "f":  # computed in the float result dtype (numpy: float16)
        rdt = _float_result_dtype(binary_operands(input, other)[2])
        return _binary(
            lambda a, b: np.arctan2(a, b, dtype=rdt),
            Atan2Backward0,
            input,
            other,
            ("self", "other"),
            result_dtype=rdt,
        )
    return _binary(
        np.arctan2,
        Atan2Backward0,
        input,
        other,
        ("self", "other"),
        result_dtype=None
        if input._data.dtype.kind == "f"
        else _float_result_dtype(binary_operands(input, other)[2]),
    )


arctan2 = atan2


def _hypot_backward(node, grad):
    result = node.saved("result")
    return grad * node.saved("self") / result, grad * node.saved("other") / result


HypotBackward0 = node_class(
    "HypotBackward0", _hypot_backward, saved=("other", "result", "self"), base=BinaryNode
)


def hypot(input, other):
    _tensor_other("hypot", other)
    dt = binary_operands(input, other)[2]
    if dt.kind != "f":
        raise not_implemented_for("hypot_cpu", dt)
    return _binary(np.hypot, HypotBackward0, input, other, ("self", "other"))


def _logaddexp_backward(base):
    """``log(b^x + b^y)``: each input's share of the sum (``b`` is e or 2)."""
    power = exp if base == "e" else globals()["exp2"]

    def backward(node, grad):
        x, y = node.saved("self"), node.saved("other")
        return grad / (1 + power(y - x)), grad / (1 + power(x - y))

    return backward


LogaddexpBackward0 = node_class(
    "LogaddexpBackward0", _logaddexp_backward("e"), saved=("other", "self"), base=BinaryNode
)
Logaddexp2Backward0 = node_class(
    "Logaddexp2Backward0", _logaddexp_backward("2"), saved=("other", "self"), base=BinaryNode
)


def _logaddexp_op(name, np_fn, cls, doc):
    def op(input, other):
        _tensor_other(name, other)
        dt = binary_operands(input, other)[2]
        if dt.kind != "f":
            raise not_implemented_for(f"{name}_cpu", dt)
        return _binary(np_fn, cls, input, other, ("self", "other"))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


logaddexp = _logaddexp_op(
    "logaddexp", np.logaddexp, LogaddexpBackward0, "``torch.logaddexp``: ``log(e**x + e**y)``."
)
logaddexp2 = _logaddexp_op(
    "logaddexp2", np.logaddexp2, Logaddexp2Backward0, "``torch.logaddexp2``: ``log2(2**x + 2**y)``."
)


# --- comparisons and logic: no gradient, bool results --------------------------------
def _compare(np_fn, name):
    def op(input, other):
        if not isinstance(input, Tensor):
            input = _make(np.asarray(input))
        ad, bd, _ = binary_operands(input, other)
        if isinstance(other, Tensor) and ad.shape != bd.shape:
            check_broadcast(ad.shape, bd.shape)
        return _make(np.asarray(np_fn(ad, bd)))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``torch.{name}``: elementwise comparison, bool result, no gradient."
    return op


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logic(np_fn, name, bitwise=False):
    def op(input, other):
        if not isinstance(input, Tensor):
            input = _make(np.asarray(input))
        if bitwise:
            ad, bd, dt = binary_operands(input, other)
            if isinstance(other, Tensor) and ad.shape != bd.shape:
                check_broadcast(ad.shape, bd.shape)  # shapes are checked before the kernel
            if dt.kind == "f":
                raise not_implemented_for(f"{name}_cpu", dt)
            return _make(np.asarray(np_fn(ad, bd)))
        _tensor_other(name, other)  # logical_* have no Scalar overload
        if input._data.shape != other._data.shape:
            check_broadcast(input._data.shape, other._data.shape)
        return _make(np.asarray(np_fn(input._data, other._data)))

    op.__name__ = op.__qualname__ = name
    return op


logical_and = _logic(np.logical_and, "logical_and")
logical_or = _logic(np.logical_or, "logical_or")
logical_xor = _logic(np.logical_xor, "logical_xor")
bitwise_and = _logic(np.bitwise_and, "bitwise_and", True)
bitwise_or = _logic(np.bitwise_or, "bitwise_or", True)
bitwise_xor = _logic(np.bitwise_xor, "bitwise_xor", True)


def _shift(name: str, left: bool):
    """ATen's ``lshift``/``rshift`` kernels: integer dtypes after promotion; a shift by a
    negative count or by the width or more gives 0 (left), or the sign fill (right: the
    width minus one for signed types, 0 for unsigned)."""

    def op(input, other):
        if not isinstance(input, Tensor):
            input = _make(np.asarray(input))  # ``1 << t``
        ad, bd, dt = binary_operands(input, other)
        if isinstance(other, Tensor) and np.shape(ad) != np.shape(bd):
            check_broadcast(np.shape(ad), np.shape(bd))
        if dt.kind not in "iu":
            raise not_implemented_for(f"{'l' if left else 'r'}shift_cpu", dt)
        a, b = np.asarray(ad, dtype=dt), np.asarray(bd).astype(np.int64)
        sign_fill = not left and dt.kind == "i"  # signed >> keeps the sign
        top = dt.itemsize * 8 - sign_fill
        bad = (b < 0) | (b >= top)
        count = np.where(bad, top if sign_fill else 0, b).astype(dt)
        with np.errstate(over="ignore"):
            res = (np.left_shift if left else np.right_shift)(a, count)
        if not sign_fill:
            res = np.where(bad, dt.type(0), res)
        return _make(np.asarray(res, dtype=dt))

    op.__name__ = op.__qualname__ = name
    return op


bitwise_left_shift = _shift("bitwise_left_shift", True)
bitwise_right_shift = _shift("bitwise_right_shift", False)


def logical_not(input):
    return _make(np.logical_not(input._data))


def bitwise_not(input):
    if input._data.dtype.kind == "f":
        raise not_implemented_for("bitwise_not_cpu", input._data.dtype)
    return _make(np.invert(input._data))


def _invert(input):
    """``~t``: Python's operator checks the dtype before the kernel (a TypeError)."""
    if input._data.dtype.kind == "f":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return _make(np.invert(input._data))


def isnan(input):
    return _make(np.isnan(input._data))


def isinf(input):
    return _make(np.isinf(input._data))


def isfinite(input):
    return _make(np.isfinite(input._data))


def isposinf(input):
    return _make(np.isposinf(input._data))


def isneginf(input):
    return _make(np.isneginf(input._data))


def isreal(input):
    """``torch.isreal``: all True (every dtype here is real)."""
    return _make(np.ones(input._data.shape, dtype=bool))


def signbit(input):
    return _make(np.signbit(input._data))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    res = np.nan_to_num(input._data, nan=nan, posinf=posinf, neginf=neginf)
    out = _make(res)
    if needs_grad(input):
        record(NanToNumBackward0, out, (input,), {"self": input})
    return out


def _nan_to_num_backward(n, grad):
    return grad * isfinite(n.saved("self"))


NanToNumBackward0 = node_class("NanToNumBackward0", _nan_to_num_backward, saved=("self",))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    od = other._data if isinstance(other, Tensor) else other
    return _make(np.isclose(input._data, od, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other) -> bool:
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


# --- ldexp / frexp -----------------------------------------------------------------------------
def _ldexp_backward(node, grad):
    """``grad * 2**other`` for the input, ``grad * result * ln 2`` for the exponent."""
    nf = node.next_functions
    other = node.saved("other")
    g_self = grad * exp2(other) if nf[0][0] is not None else None
    g_other = (
        _mul_scalar(grad * node.saved("result"), math.log(2.0)) if nf[1][0] is not None else None
    )
    return g_self, g_other


LdexpBackward0 = node_class(
    "LdexpBackward0", _ldexp_backward, saved=("other", "result"), base=BinaryNode
)


def ldexp(input, other, *, out=None):
    """``torch.ldexp``: ``input * 2**other``, ``2**other`` made first in the result's dtype
    (the default float dtype when both are integers)."""
    if out is not None:
        return write_out("ldexp", out, ldexp(input, other))
    _tensor_other("ldexp", other)
    dt = binary_operands(input, other)[2]
    if dt.kind != "f":
        dt = get_default_dtype().np

    def kernel(a, b):
        with np.errstate(over="ignore"):
            power = np.power(dt.type(2), np.asarray(b, dtype=dt))
            return np.multiply(np.asarray(a, dtype=dt), power)

    return _binary(kernel, LdexpBackward0, input, other, ("other",), result_dtype=dt)


_FREXP = return_type("frexp", ("mantissa", "exponent"))
_FREXP_OUT = return_type("frexp_out", ("mantissa", "exponent"))  # (what out= gives)


def frexp(input, *, out=None):
    """``torch.frexp``: ``input = mantissa * 2**exponent`` with ``0.5 <= |mantissa| < 1``
    (zero, inf and NaN keep exponent 0); the exponent is int32."""
    d = input._data
    if d.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(d)
    exponent = np.where(np.isfinite(d), exponent, 0).astype(np.int32)
    res = _FREXP(_make(np.asarray(mantissa, dtype=d.dtype)), _make(np.asarray(exponent)))
    if out is not None:
        write_out("frexp", out[0], res.mantissa)
        write_out("frexp", out[1], res.exponent)
        return _FREXP_OUT(out[0], out[1])
    return res


def _tensor_other_method(name, fn):
    """The method form of an op with no Scalar overload: the parser counts from ``other``."""

    def method(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(
                f"{name}(): argument 'other' (position 1) must be Tensor, "
                f"not {type(other).__name__}"
            )
        return fn(self, other)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = fn.__doc__
    return method


for _name in (
    "maximum minimum fmax fmin atan2 arctan2 hypot logical_and logical_or logical_xor logaddexp "
    "logaddexp2 ldexp"
).split():
    METHODS[_name] = _tensor_other_method(_name, globals()[_name])
