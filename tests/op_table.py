"""The op table: one entry per op case, run by ``tests/test_ops.py``.

Every case is a function ``fn(m, *tensors)`` written against a torch-like module
``m`` (``autograd_widgets`` or the real ``torch``), plus the inputs to call it
with. Float inputs are given by shape (random values, ``requires_grad=True``);
constant inputs (indices, masks, integer tensors) by :class:`C`. Adding an op
here adds its finite-difference check and its PyTorch comparison (values,
gradients, ``grad_fn`` names, ``next_functions`` structure, ``_saved_*`` names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class C:
    """A constant input: passed as ``m.tensor(value)``, never requires grad."""

    value: Any
    dtype: str | None = None  # module dtype name, e.g. "int64"

    def array(self):
        return np.asarray(self.value)


@dataclass
class Case:
    name: str
    fn: Callable
    inputs: tuple  # shapes (tuples) for random float inputs, or C(...) constants
    low: float = -2.0
    high: float = 2.0
    dtype: str = "float64"
    gen: Callable | None = None  # gen(rng, shape) -> array, overrides low/high
    fd: bool = True  # finite-difference check
    graph: bool = True  # compare grad_fn / next_functions / _saved_* names with torch
    gradgrad: bool = True  # compare second derivatives with torch
    atol: float = 1e-6
    rtol: float = 1e-5
    xfail: str | None = None
    tags: tuple = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return self.name


TABLE: list[Case] = []


def case(name, fn, *input_sets, **kw):
    """Add one case per input set; ids are ``name`` or ``name-<shapes>``."""
    for inputs in input_sets:
        if len(input_sets) > 1:
            label = "-".join(_label(s) for s in inputs)
            cid = f"{name}[{label}]"
        else:
            cid = name
        TABLE.append(Case(cid, fn, tuple(inputs), **kw))


def _label(spec) -> str:
    if isinstance(spec, C):
        a = spec.array()
        return f"C{a.dtype.kind}{'x'.join(map(str, a.shape)) or 's'}"
    return "x".join(map(str, spec)) or "s"


# Shapes used by binary ops: equal, broadcast both ways, 0-d, empty.
BINARY_SHAPES = [
    [(3, 4), (3, 4)],
    [(3, 4), (4,)],
    [(2, 1, 4), (3, 1)],
    [(), (3,)],
    [(2, 3), ()],
    [(), ()],
    [(0, 3), (3,)],
]
UNARY_SHAPES = [[(3, 4)], [()], [(0, 2)]]


def positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def unit(rng, shape):
    return rng.uniform(-0.9, 0.9, shape)


def away_from_int(rng, shape):
    """Values that keep finite differences away from the jumps of floor/round/..."""
    return rng.integers(-3, 3, shape) + rng.uniform(0.1, 0.4, shape)


def distinct(rng, shape):
    """A permutation of well-separated values: no ties for max/min/sort."""
    n = int(np.prod(shape)) if shape else 1
    return (rng.permutation(n).reshape(shape) * 0.37 - n * 0.15).astype(np.float64)


# --- arithmetic -------------------------------------------------------------------------------
case("add", lambda m, x, y: m.add(x, y), *BINARY_SHAPES)
case("add_alpha", lambda m, x, y: m.add(x, y, alpha=2), [(3, 4), (4,)])
case("sub", lambda m, x, y: x - y, *BINARY_SHAPES)
case("sub_alpha", lambda m, x, y: m.sub(x, y, alpha=3), [(3, 4), (3, 4)])
case("mul", lambda m, x, y: x * y, *BINARY_SHAPES)
case("div", lambda m, x, y: x / y, *BINARY_SHAPES, gen=positive)
case("radd", lambda m, x: 2 + x, *UNARY_SHAPES)
case("add_scalar", lambda m, x: x + 2.5, *UNARY_SHAPES)
case("rsub", lambda m, x: 2 - x, *UNARY_SHAPES)
case("sub_scalar", lambda m, x: x - 2, *UNARY_SHAPES)
case("rmul", lambda m, x: 3 * x, *UNARY_SHAPES)
case("mul_scalar", lambda m, x: x * 0.5, *UNARY_SHAPES)
case("rdiv", lambda m, x: 2 / x, *UNARY_SHAPES, gen=positive)
case("div_scalar", lambda m, x: x / 4, *UNARY_SHAPES)
case("pow_2", lambda m, x: x**2, *UNARY_SHAPES)
case("pow_3", lambda m, x: x**3, [(3, 4)])
case("pow_frac", lambda m, x: x**2.5, [(3, 4)], gen=positive)
case("pow_neg", lambda m, x: x**-1, [(3, 4)], gen=positive)
case("pow_0", lambda m, x: x**0, [(3, 4)])
case("rpow", lambda m, x: 2**x, *UNARY_SHAPES)
case("rpow_float", lambda m, x: 1.5**x, [(3, 4)])
case("pow_tensor", lambda m, x, y: x**y, [(3, 4), (3, 4)], [(3, 4), (4,)], [(), (2,)], gen=positive)
case("neg_op", lambda m, x: -x, *UNARY_SHAPES)
case("pos_abs", lambda m, x: abs(x), *UNARY_SHAPES)
case("floordiv_scalar", lambda m, x: x // 2, [(3, 4)], fd=False, gradgrad=False)
case("mod_scalar", lambda m, x: x % 1.5, [(3, 4)], gen=away_from_int)
case("mod_tensor", lambda m, x, y: x % y, [(3, 4), (3, 4)], [(3, 4), (4,)], gen=positive, fd=False)
case("fmod", lambda m, x: m.fmod(x, 1.5), [(3, 4)], gen=away_from_int)
case("fmod_tensor", lambda m, x, y: m.fmod(x, y.abs() + 0.5), [(3, 4), (4,)], gen=away_from_int)
case("fmod_int_by_float", lambda m, i, y: m.fmod(i, y + 3), [C([[5, -7]]), (2, 1)])
case("matmul_op", lambda m, x, y: x @ y, [(2, 3), (3, 4)])
case("true_divide", lambda m, x, y: m.true_divide(x, y), [(3,), (3,)], gen=positive)
case("div_floor_mode", lambda m, x: m.div(x, 0.7, rounding_mode="floor"), [(4,)], gradgrad=False)
case("nextafter", lambda m, x, y: m.nextafter(x, y), [(3, 4), (4,)])
case("nextafter_", lambda m, x, y: (x * 1).nextafter_(y), [(3, 4), (3, 1)])
# in place into a tensor that needs no gradient: the node keeps it as it was before the write
NO_GRAD_SELF = C(np.arange(12.0).reshape(3, 4) - 5.5)
case("mul_into_constant", lambda m, a, x: a.clone().mul_(x), [NO_GRAD_SELF, (4,)])
case("div_into_constant", lambda m, a, x: a.clone().div_(x), [NO_GRAD_SELF, (3, 1)], gen=positive)
case("fix_", lambda m, x: (x * 1).fix_(), [(3, 4)], gen=away_from_int)
case("div_trunc_mode", lambda m, x: m.div(x, 0.7, rounding_mode="trunc"), [(4,)], gen=away_from_int)

# Type promotion (values and dtypes; gradients where the result is float).
I32 = C(np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32))
I64 = C(np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int64))
B = C(np.array([[True, False, True], [False, False, True]]))
case("promote_int_mul_float", lambda m, i: i * 2.5, [I64])
case("promote_int_add_int", lambda m, i: i + 2, [I64])
case("promote_int_div_int", lambda m, i: i / 2, [I64])
case("promote_int_truediv_tensor", lambda m, i, j: i / j, [I64, I32])
case("promote_int_floordiv", lambda m, i: i // 4, [I64])
case("promote_int_rfloordiv", lambda m, i: 7 // i, [I64])
case("promote_int_mod", lambda m, i: i % 4, [I64])
case("promote_int_neg_mod", lambda m, i: -7 % i, [I64])
case("promote_int32_int64", lambda m, i, j: i + j, [I32, I64])
case("promote_bool_add_int", lambda m, b, i: b + i, [B, I64])
case("promote_bool_mul_float", lambda m, b: b * 1.5, [B])
case("promote_bool_and", lambda m, b: b & b, [B])
case("promote_int_pow", lambda m, i: i**2, [I64])
case("promote_rpow_int", lambda m, i: 2**i, [C(np.array([0, 1, 3]))])
case("promote_int_float_tensor", lambda m, i, x: i * x, [I32, (2, 3)])
case("promote_float32_int_tensor", lambda m, x, i: x + i, [(2, 3), I64], dtype="float32")
case("promote_0d_double", lambda m, x, s: x * s, [(2, 3), C(np.array(2.0))], dtype="float32")
case(
    "promote_float32_float64",
    lambda m, x: x * m.ones(2, 3, dtype=m.float64),
    [(2, 3)],
    dtype="float32",
)
case("promote_int_sqrt", lambda m, i: m.sqrt(i.abs()), [I64])
case("promote_int_sum", lambda m, i: i.sum(1), [I32])
case("promote_bool_sum", lambda m, b: b.sum(), [B])
case("promote_int_clamp_float", lambda m, i: m.clamp(i, -1.5, 2.5), [I64])
case("promote_int_where_scalar", lambda m, b, i: m.where(b, i, 0.5), [B, I64])
case("float32_mul", lambda m, x, y: x * y, [(3, 4), (4,)], dtype="float32", atol=1e-5)

# Comparisons and logic: bool results, no gradient.
CMP = [[(3, 4), (4,)], [(), (2,)]]
for _op in ("eq", "ne", "lt", "le", "gt", "ge"):
    case(_op, (lambda op: lambda m, x, y: getattr(m, op)(x, y))(_op), *CMP)
    case(f"{_op}_scalar", (lambda op: lambda m, x: getattr(x, op)(0.5))(_op), [(3, 4)])
case("cmp_operators", lambda m, x, y: (x < y, x <= y, x > y, x >= y, x == y, x != y), [(3,), (3,)])
case("all", lambda m, b: (b.all(), b.all(1), m.all(b, 0, keepdim=True)), [B])
case("any", lambda m, b: (b.any(), b.any(1), m.any(b, 0, keepdim=True)), [B])
case("all_float", lambda m, x: (x > 0).all(), [(3,)])
case(
    "isnan_isinf_isfinite",
    lambda m, x: (m.isnan(x), m.isinf(x), m.isfinite(x)),
    [C(np.array([1.0, np.nan, np.inf, -np.inf]))],
)
case(
    "logical",
    lambda m, a, b: (
        m.logical_and(a, b),
        m.logical_or(a, b),
        m.logical_xor(a, b),
        m.logical_not(a),
        ~a,
        a | b,
        a ^ b,
    ),
    [B, C(np.array([[True, True, False], [False, True, True]]))],
)

# --- pointwise --------------------------------------------------------------------------------
UNARY = {
    "exp": {},
    "exp2": {},
    "expm1": {},
    "log": {"gen": positive},
    "log2": {"gen": positive},
    "log10": {"gen": positive},
    "log1p": {"gen": positive},
    "sqrt": {"gen": positive},
    "rsqrt": {"gen": positive},
    "sin": {},
    "cos": {},
    "tan": {"gen": unit},
    "asin": {"gen": unit},
    "acos": {"gen": unit},
    "atan": {},
    "tanh": {},
    "sinh": {},
    "cosh": {},
    "sigmoid": {},
    "relu": {},
    "square": {},
    "reciprocal": {"gen": positive},
    "sign": {},
    "floor": {"gen": away_from_int},
    "ceil": {"gen": away_from_int},
    "round": {"gen": away_from_int},
    "trunc": {"gen": away_from_int},
    "fix": {"gen": away_from_int},
    "frac": {"gen": away_from_int},
    "abs": {},
    "neg": {},
    "erf": {},
    "arcsin": {"gen": unit},
    "arccos": {"gen": unit},
    "arctan": {},
    "negative": {},
    "absolute": {},
    "asinh": {},
    "acosh": {"gen": lambda rng, shape: rng.uniform(1.2, 3.0, shape)},
    "atanh": {"gen": unit},
    "arcsinh": {},
    "arctanh": {"gen": unit},
    "erfc": {},
    "deg2rad": {},
    "rad2deg": {},
}
for _op, _kw in UNARY.items():
    case(_op, (lambda op: lambda m, x: getattr(m, op)(x))(_op), *UNARY_SHAPES, **_kw)
    case(f"{_op}_method", (lambda op: lambda m, x: getattr(x, op)())(_op), [(2, 3)], **_kw)
case(
    "round_decimals",
    lambda m, x: m.round(x, decimals=2),
    [(3, 4)],
    gen=lambda r, s: r.integers(-300, 300, s) / 100 + 0.002,
)
case(
    "round_decimals_neg",
    lambda m, x: x.round(decimals=-1),
    [(3, 4)],
    gen=lambda r, s: r.integers(-30, 30, s) * 10 + 2.0,
)
case("clamp_scalars", lambda m, x: m.clamp(x, -0.5, 0.5), *UNARY_SHAPES)
case("clamp_min_only", lambda m, x: x.clamp(min=0.1), [(3, 4)])
case("clamp_max_only", lambda m, x: x.clamp(max=0.1), [(3, 4)])
case("clamp_min_fn", lambda m, x: m.clamp_min(x, 0.1), [(3, 4)])
case("clamp_max_fn", lambda m, x: x.clamp_max(0.1), [(3, 4)])
case("clip", lambda m, x: m.clip(x, -0.5, 0.5), [(3, 4)])
case("clamp_tensor_min", lambda m, x, lo: m.clamp(x, min=lo), [(3, 4), (4,)])
case("clamp_tensors", lambda m, x, lo, hi: m.clamp(x, lo - 1, hi + 1), [(3, 4), (4,), (3, 1)])
case("clamp_tensor_min_const", lambda m, x, lo: m.clamp(x, min=lo), [(3, 4), C(np.zeros(4))])
case("maximum", lambda m, x, y: m.maximum(x, y), *BINARY_SHAPES[:5])
case("minimum", lambda m, x, y: m.minimum(x, y), *BINARY_SHAPES[:5])
case("fmax", lambda m, x, y: m.fmax(x, y), *BINARY_SHAPES[:3])
case("fmin", lambda m, x, y: x.fmin(y), *BINARY_SHAPES[:3])
# NaN is ignored (maximum propagates it); its gradient goes to the other input
case("fmax_nan", lambda m, x, y: m.fmax(x.log(), y), [(4,), (4,)], fd=False)
case("max_binary", lambda m, x, y: m.max(x, y), [(3, 4), (4,)])
case("min_binary", lambda m, x, y: x.min(y), [(3, 4), (4,)])
COND = C(
    np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])
)
case(
    "where",
    lambda m, c, x, y: m.where(c, x, y),
    [COND, (3, 4), (3, 4)],
    [COND, (4,), (3, 1)],
    [COND, (), (3, 4)],
)
case("where_scalar_other", lambda m, c, x: m.where(c, x, 0.0), [COND, (3, 4)])
case("where_scalar_input", lambda m, c, y: m.where(c, 1.5, y), [COND, (4,)])
case("where_method", lambda m, c, x, y: x.where(c, y), [COND, (3, 4), (3, 4)])
case("where_from_data", lambda m, x: m.where(x > 0, x, x * 0.1), [(3, 4)])
case("where_int_scalar", lambda m, c, x: m.where(c, x, 1), [COND, (3, 4)], dtype="float32")
case("lerp_scalar", lambda m, x, y: m.lerp(x, y, 0.3), [(3, 4), (3, 4)], [(3, 4), (4,)])
case(
    "lerp_tensor",
    lambda m, x, y, w: m.lerp(x, y, w),
    [(3, 4), (3, 4), (3, 4)],
    [(3, 4), (4,), (3, 1)],
)
case("atan2", lambda m, x, y: m.atan2(x, y), [(3, 4), (3, 4)], [(3, 4), (4,)], gen=positive)
case("hypot", lambda m, x, y: m.hypot(x, y), [(3, 4), (3, 4)], gen=positive)

# --- reductions -------------------------------------------------------------------------------
R3 = [(2, 3, 4)]
case("logaddexp", lambda m, x, y: m.logaddexp(x, y), *BINARY_SHAPES)
case("logaddexp2", lambda m, x, y: x.logaddexp2(y), [(3, 4), (4,)])
case("ldexp", lambda m, x, y: m.ldexp(x, y), *BINARY_SHAPES)


def with_nans(rng, shape):
    """Values with about a quarter NaN (the nan-reductions skip them; their gradient is 0)."""
    x = rng.uniform(-2, 2, shape)
    return np.where(rng.random(shape) < 0.25, np.nan, x)


case("nansum", lambda m, x: m.nansum(x), [(3, 4)], [()], gen=with_nans)
case("nansum_dim", lambda m, x: x.nansum(1, keepdim=True), [(3, 4)], gen=with_nans)
case("nansum_dims", lambda m, x: m.nansum(x, (0, 2)), [(2, 3, 4)], gen=with_nans)
case("nanmean", lambda m, x: m.nanmean(x), [(3, 4)], gen=with_nans)
case("nanmean_dim", lambda m, x: x.nanmean(0), [(5, 4)], gen=with_nans)
case("aminmax_min", lambda m, x: m.aminmax(x).min, [(3, 4)], [()], gen=distinct)
case("aminmax_max_dim", lambda m, x: x.aminmax(dim=1).max, [(3, 4)], gen=distinct)
case("aminmax_neg_dim", lambda m, x: x.aminmax(dim=-1, keepdim=True).max, [(3, 4)], gen=distinct)
case(
    "aminmax_both",
    lambda m, x: (lambda r: r.min * 2 + r.max)(m.aminmax(x, dim=0, keepdim=True)),
    [(3, 4)],
    gen=distinct,
)
case(
    "aminmax_ties",
    lambda m, x: (lambda r: r.min.sum() + r.max.sum() * 3)(m.aminmax(x.round(), dim=1)),
    [(4, 5)],
    fd=False,  # round() makes ties on purpose: the gradient is split evenly among them
)
case("ravel", lambda m, x: x.ravel(), [(3, 4)])
case("ravel_transposed", lambda m, x: x.t().ravel(), [(3, 4)])
case("sum", lambda m, x: x.sum(), [(3, 4)], [()], [(0, 3)])
case("sum_dim", lambda m, x: x.sum(1), R3)
case("sum_dim_neg_keepdim", lambda m, x: m.sum(x, -1, keepdim=True), R3)
case("sum_dims", lambda m, x: x.sum((0, 2)), R3)
case("sum_dims_keepdim", lambda m, x: x.sum(dim=[0, 2], keepdim=True), R3)
case("sum_0d_dim", lambda m, x: x.sum(0), [()])
case("sum_empty_dim", lambda m, x: x.sum(0), [(0, 3)])
case("sum_dtype", lambda m, x: x.sum(dtype=m.float32), [(3,)], fd=False)
# dtype= changes the result's dtype: the gradient still goes back in the input's.
case("sum_dim_dtype", lambda m, x: x.sum(1, dtype=m.float32), R3, fd=False)
case("mean_dtype", lambda m, x: x.mean(dtype=m.float32), [(3, 4)], fd=False)
case("mean_dim_dtype", lambda m, x: x.mean(0, dtype=m.float32), [(3, 4)], fd=False)
case("prod_dtype", lambda m, x: x.prod(dtype=m.float32), [(3, 4)], fd=False)
case("prod_dim_dtype", lambda m, x: x.prod(1, dtype=m.float32), [(3, 4)], fd=False)
case("cumsum_dtype", lambda m, x: x.cumsum(1, dtype=m.float32), [(3, 4)], fd=False)
case("cumprod_dtype", lambda m, x: x.cumprod(1, dtype=m.float32), [(3, 4)], fd=False)
case("softmax_dtype", lambda m, x: m.softmax(x, 1, dtype=m.float32), [(3, 4)], fd=False)
case("log_softmax_dtype", lambda m, x: x.log_softmax(0, dtype=m.float32), [(3, 4)], fd=False)
case("mean", lambda m, x: x.mean(), [(3, 4)], [()])
case("mean_dim", lambda m, x: x.mean(1), R3)
case("mean_dims_keepdim", lambda m, x: m.mean(x, (0, -1), keepdim=True), R3)
case("mean_empty_dim", lambda m, x: x.mean(1), [(0, 3)])
case("prod", lambda m, x: x.prod(), [(3, 4)], [()])
case("prod_dim", lambda m, x: x.prod(1), R3)
case("prod_dim_keepdim", lambda m, x: m.prod(x, -1, keepdim=True), R3)
case(
    "prod_with_zero",
    lambda m, x: (x * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=x.dtype)).prod(),
    [(4,)],
)
case(
    "prod_dim_with_zero",
    lambda m, x: (x * m.tensor([[1.0, 0.0, 1.0], [1.0, 1.0, 1.0]], dtype=x.dtype)).prod(1),
    [(2, 3)],
)
case("max", lambda m, x: x.max(), [(3, 4)], [()], gen=distinct)
case("min", lambda m, x: m.min(x), [(3, 4)], gen=distinct)
case("max_dim", lambda m, x: x.max(1), [(3, 4)], [(2, 3, 4)], gen=distinct)
case("max_dim_keepdim", lambda m, x: m.max(x, 0, keepdim=True), [(3, 4)], gen=distinct)
case("max_dim_values", lambda m, x: x.max(dim=-1).values * 2, [(3, 4)], gen=distinct)
case("min_dim", lambda m, x: x.min(1), [(3, 4)], gen=distinct)
case("min_dim_keepdim", lambda m, x: x.min(-1, True), [(3, 4)], gen=distinct)
case("max_0d_dim", lambda m, x: x.max(0), [()])
case("max_ties", lambda m, x: (x * 0 + 1).max(), [(3,)])
case("amax", lambda m, x: m.amax(x, 1), R3, gen=distinct)
case("amax_dims", lambda m, x: x.amax((0, 2), keepdim=True), R3, gen=distinct)
case("amax_all", lambda m, x: x.amax(), [(3, 4)], gen=distinct)
case("amin", lambda m, x: m.amin(x, -1), R3, gen=distinct)
case(
    "argmax_argmin",
    lambda m, x: (x.argmax(), x.argmin(), m.argmax(x, 1), x.argmin(0, keepdim=True)),
    [(3, 4)],
    gen=distinct,
)
case("var", lambda m, x: x.var(), [(3, 4)])
case("var_dim", lambda m, x: x.var(1), R3)
case("var_unbiased_false", lambda m, x: m.var(x, 1, unbiased=False, keepdim=True), R3)
case("var_correction", lambda m, x: x.var(dim=(0, 2), correction=0), R3)
case("std", lambda m, x: x.std(), [(3, 4)])
case("std_dim", lambda m, x: m.std(x, -1, keepdim=True), R3)
case("std_correction", lambda m, x: x.std(1, correction=2), R3)
case("norm", lambda m, x: x.norm(), [(3, 4)])
case("norm_p1", lambda m, x: x.norm(p=1), [(3, 4)])
case("norm_dim", lambda m, x: m.norm(x, dim=1), R3)
case("norm_p3_dim_keepdim", lambda m, x: x.norm(3, dim=-1, keepdim=True), R3)
case("norm_inf", lambda m, x: x.norm(p=float("inf")), [(3, 4)], gen=distinct)
case("logsumexp", lambda m, x: m.logsumexp(x, 1), R3)
case("logsumexp_keepdim", lambda m, x: x.logsumexp((0, 2), keepdim=True), R3)
case("cumsum", lambda m, x: x.cumsum(1), R3)
case("cumsum_1d", lambda m, x: x.cumsum(0), [(5,)])
case("cumsum_0d", lambda m, x: m.cumsum(x, 0), [()])
case("cumprod", lambda m, x: x.cumprod(-1), R3, [(5,)], gen=positive)
case(
    "cumprod_with_zero",
    lambda m, x: (x * m.tensor([1.0, 1.0, 0.0, 1.0], dtype=x.dtype)).cumprod(0),
    [(4,)],
)
case("cummax", lambda m, x: x.cummax(1).values, R3, gen=distinct)
case("cummax_neg_dim", lambda m, x: m.cummax(x, -1)[0], R3, gen=distinct)
case("cummax_0d", lambda m, x: m.cummax(x, 0).values, [()])
case("cummin", lambda m, x: m.cummin(x, 0).values, R3, gen=distinct)
case("cummin_1d", lambda m, x: x.cummin(-1)[0], [(6,)], gen=distinct)
case("logcumsumexp", lambda m, x: m.logcumsumexp(x, 1), R3)
case("logcumsumexp_1d", lambda m, x: m.logcumsumexp(x, 0), [(5,)])
case("logcumsumexp_neg_dim", lambda m, x: x.logcumsumexp(-1), R3, low=-30.0, high=30.0)
case("logcumsumexp_0d", lambda m, x: m.logcumsumexp(x, 0), [()])
case("diagflat", lambda m, x: m.diagflat(x), [(3,)], [(2, 2)])
case("diagflat_offset", lambda m, x: x.diagflat(-1), [(3,)])
case("combinations", lambda m, x: m.combinations(x), [(4,)])
case(
    "combinations_r3_replacement", lambda m, x: m.combinations(x, 3, with_replacement=True), [(3,)]
)
case("row_stack", lambda m, x, y: m.row_stack([x, y]), [(3,), (2, 3)])
case("hsplit", lambda m, x: m.hsplit(x, 2)[1], [(2, 4)], [(6,)])
case("hsplit_indices", lambda m, x: x.hsplit([1, 3])[2], [(2, 5)])
case("vsplit", lambda m, x: m.vsplit(x, [1])[0], [(3, 2)])
case("dsplit", lambda m, x: x.dsplit(2)[0], [(2, 2, 4)])
case("softmax", lambda m, x: m.softmax(x, 1), R3)
case("softmax_1d", lambda m, x: m.softmax(x, 0), [(4,)])
case("softmax_method", lambda m, x: x.softmax(dim=-1), [(3, 4)])
case("log_softmax", lambda m, x: m.log_softmax(x, -1), R3, [(4,)])
case("log_softmax_method", lambda m, x: x.log_softmax(0), [(3, 4)])

# --- linear algebra ---------------------------------------------------------------------------
MATMUL = [
    [(3,), (3,)],
    [(2, 3), (3,)],
    [(3,), (3, 4)],
    [(2, 3), (3, 4)],
    [(5, 2, 3), (3, 4)],
    [(2, 3), (5, 3, 4)],
    [(5, 2, 3), (5, 3, 4)],
    [(5, 1, 2, 3), (4, 3, 2)],
    [(3,), (5, 3, 4)],
    [(5, 2, 3), (3,)],
    [(2, 5, 2, 3), (3,)],
    [(0, 3), (3, 2)],
    [(2, 0), (0, 3)],
]
case("matmul", lambda m, x, y: m.matmul(x, y), *MATMUL)
case("mm", lambda m, x, y: m.mm(x, y), [(2, 3), (3, 4)])
case("mm_method", lambda m, x, y: x.mm(y), [(4, 3), (3, 1)])
case("bmm", lambda m, x, y: m.bmm(x, y), [(5, 2, 3), (5, 3, 4)])
case("mv", lambda m, x, y: m.mv(x, y), [(2, 3), (3,)])
case("dot", lambda m, x, y: m.dot(x, y), [(3,), (3,)])
case("vdot", lambda m, x, y: m.vdot(x, y), [(3,), (3,)])
for _d in (0, 1, 2, -1, -2):
    case(
        f"norm_except_dim[dim={_d}]",
        (lambda d: lambda m, v: m.norm_except_dim(v, 2, d))(_d),
        [(4, 3, 2)],
        low=0.5,
    )
_G_SHAPES = {0: (4, 1, 1), 1: (1, 3, 1), 2: (1, 1, 2), -1: (), -2: (1, 3, 1)}
for _d, _g in _G_SHAPES.items():  # fused (WeightNormInterfaceBackward0) for dims 0 and 2
    case(
        f"_weight_norm[dim={_d}]",
        (lambda d: lambda m, v, g: m._weight_norm(v, g, d))(_d),
        [(4, 3, 2), _g],
        low=0.5,
    )
case("_weight_norm_2d", lambda m, v, g: m._weight_norm(v, g, 0), [(4, 3), (4, 1)], [(5,), (5,)])
case("outer", lambda m, x, y: m.outer(x, y), [(3,), (4,)])
case("addmm", lambda m, b, x, y: m.addmm(b, x, y), [(2, 4), (2, 3), (3, 4)], [(4,), (2, 3), (3, 4)])
case(
    "addmm_beta_alpha",
    lambda m, b, x, y: m.addmm(b, x, y, beta=0.5, alpha=2),
    [(2, 4), (2, 3), (3, 4)],
)
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii->", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("bi,bj->bij", [(2, 3), (2, 4)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("ii,ij->j", [(3, 3), (3, 2)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (5, 3, 4)]),
    ("i...->...", [(2, 3, 4)]),
    # ATen's lowering: swapped bmm operands, sums of one-operand labels, broadcasting,
    # diagonals in a contraction, 3-4 operands contracted left to right, implicit output.
    ("jk,ij->ik", [(3, 4), (2, 3)]),
    ("ij,kj->ik", [(2, 3), (4, 3)]),
    ("ij,jk->", [(2, 3), (3, 4)]),
    ("ijk,jl->il", [(2, 3, 4), (3, 5)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 2, 5)]),
    ("ij,ij->", [(3, 1), (1, 4)]),
    ("bij,bjk->bik", [(1, 2, 3), (4, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 4)]),
    ("b...i,b...i->b...", [(2, 3, 4), (2, 3, 4)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("ii,jj->ij", [(3, 3), (2, 2)]),
    ("iji,j->i", [(3, 2, 3), (2,)]),
    ("i,i,i->", [(3,), (3,), (3,)]),
    ("a,b,c->abc", [(2,), (3,), (4,)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("ij,jk,kl,lm->im", [(2, 3), (3, 4), (4, 2), (2, 3)]),
    ("ij,jk,ik", [(2, 3), (3, 4), (2, 4)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    ("ij->ij", [(2, 3)]),
    ("i->", [(0,)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),
]
for _eq, _shapes in EINSUM:
    _id = f"einsum[{_eq}]"
    if any(c.id == _id for c in TABLE):  # same equation, other shapes
        _id = f"einsum[{_eq}|{'-'.join(_label(s) for s in _shapes)}]"
    case(_id, (lambda eq: lambda m, *xs: m.einsum(eq, *xs))(_eq), _shapes)
case("einsum_list", lambda m, x, y: m.einsum("ij,jk", [x, y]), [(2, 3), (3, 4)])
case("einsum_int", lambda m, i: m.einsum("ij,kj->ik", i, i), [I64])

# --- shape and views --------------------------------------------------------------------------
case("reshape", lambda m, x: x.reshape(4, 3), [(3, 4)])
case("reshape_infer", lambda m, x: m.reshape(x, (-1,)), [(3, 4)], [()])
case("reshape_copy", lambda m, x: x.t().reshape(-1), [(3, 4)])
case("reshape_empty", lambda m, x: x.reshape(3, 0), [(0, 3)])
case("view", lambda m, x: x.view(2, 6), [(3, 4)])
case("view_tuple", lambda m, x: x.view((12,)), [(3, 4)])
case("view_as", lambda m, x, y: x.view_as(y), [(3, 4), (2, 6)])
case("flatten", lambda m, x: x.flatten(), [(2, 3, 4)], [()])
case("flatten_range", lambda m, x: m.flatten(x, 1), [(2, 3, 4)])
case("unflatten", lambda m, x: x.unflatten(1, (2, 2)), [(3, 4)])
case("squeeze", lambda m, x: x.squeeze(), [(3, 1, 4, 1)])
case("squeeze_dim", lambda m, x: x.squeeze(1), [(3, 1, 4)])
case("squeeze_dim_noop", lambda m, x: x.squeeze(0), [(3, 1, 4)])
case("squeeze_dims", lambda m, x: m.squeeze(x, (1, 3)), [(3, 1, 4, 1)])
case("unsqueeze", lambda m, x: x.unsqueeze(1), [(3, 4)])
case("unsqueeze_0d", lambda m, x: x.unsqueeze(0), [()])
case("unsqueeze_neg", lambda m, x: m.unsqueeze(x, -1), [(3, 4)])
case("expand", lambda m, x: x.expand(2, 3, 4), [(3, 1)], [(1,)])
case("expand_minus1", lambda m, x: x.expand(-1, 4), [(3, 1)])
case("expand_as", lambda m, x, y: x.expand_as(y), [(4,), (3, 4)])
case("repeat", lambda m, x: x.repeat(2, 3), [(3, 4)])
case("repeat_more_dims", lambda m, x: x.repeat(2, 1, 3), [(3, 4)])
case("permute", lambda m, x: x.permute(2, 0, 1), R3)
case("permute_tuple", lambda m, x: m.permute(x, (1, 0, 2)), R3)
case("transpose", lambda m, x: x.transpose(0, 2), R3)
case("transpose_fn", lambda m, x: m.transpose(x, -1, 0), [(3, 4)])
case("t", lambda m, x: x.t(), [(3, 4)], [(3,)])
case("T", lambda m, x: x.T, [(3, 4)])
case("mT", lambda m, x: x.mT, R3)
case("movedim", lambda m, x: m.movedim(x, 0, -1), R3)
case("flip", lambda m, x: x.flip(0), [(3, 4)])
case("flip_dims", lambda m, x: m.flip(x, (0, 2)), R3)
case("roll", lambda m, x: x.roll(1, 0), [(3, 4)])
case("roll_flat", lambda m, x: m.roll(x, 2), [(3, 4)])
case("roll_dims", lambda m, x: x.roll((1, -1), (0, 1)), [(3, 4)])
case("narrow", lambda m, x: x.narrow(1, 1, 2), [(3, 4)])
case("put", lambda m, x, i, s: m.put(x, i, s), [(2, 3), C(np.array([0, 5, -2])), (3,)])
case(
    "put_accumulate",
    lambda m, x, i, s: x.put(i, s, accumulate=True),
    [(2, 3), C(np.array([[1, 1], [4, 0]])), (2, 2)],
)
case("narrow_copy", lambda m, x: x.narrow_copy(1, 1, 2), [(3, 4)])
case("narrow_copy_neg", lambda m, x: m.narrow_copy(x, -2, -2, 1), [(3, 4)])
case("split_with_sizes", lambda m, x: m.split_with_sizes(x, [1, 3], 1)[1], [(3, 4)])
case("sum_to_size", lambda m, x: x.sum_to_size(1, 4), [(3, 4)])
case("sum_to_size_lead", lambda m, x: x.sum_to_size((3, 1)), [(2, 3, 4)])
case("fill", lambda m, x: m.fill(x, 2.5) * x, [(3, 4)])
case("fill_tensor", lambda m, x, v: m.fill(x, v) * x, [(3, 4), ()])
case("chunk", lambda m, x: x.chunk(2, 1), [(3, 4)], [(3, 5)])
case("chunk_uneven", lambda m, x: m.chunk(x, 3), [(4, 2)])
case("split", lambda m, x: x.split(2), [(5, 2)])
case("split_sizes", lambda m, x: m.split(x, [1, 3], dim=1), [(2, 4)])
case("split_one_used", lambda m, x: x.split(2)[1] * 2, [(5, 2)])
case("unbind", lambda m, x: x.unbind(1), [(3, 4)])
case("unbind_fn", lambda m, x: m.unbind(x), [(3, 4)])
case("unbind_one_used", lambda m, x: x.unbind()[0] * 2, [(3, 4)])
case("cat", lambda m, x, y: m.cat([x, y]), [(2, 3), (4, 3)])
case("cat_dim1", lambda m, x, y, z: m.cat((x, y, z), dim=1), [(2, 3), (2, 1), (2, 2)])
case("cat_const", lambda m, x, c: m.cat([x, c], -1), [(2, 3), C(np.ones((2, 2)))])
case("cat_empty", lambda m, x, y: m.cat([x, y]), [(2, 3), (0,)])
case("stack", lambda m, x, y: m.stack([x, y]), [(2, 3), (2, 3)])
case("stack_dim", lambda m, x, y: m.stack((x, y), dim=-1), [(2, 3), (2, 3)], [(), ()])
case("clone", lambda m, x: x.clone(), [(3, 4)])
case("contiguous_t", lambda m, x: x.t().contiguous(), [(3, 4)])
case("detach_mix", lambda m, x: x * x.detach(), [(3, 4)], fd=False)
case("to_float32", lambda m, x: x.float(), [(3,)], fd=False)
case("to_dtype", lambda m, x: x.to(m.float32) * 2, [(3,)], fd=False)

# --- indexing ---------------------------------------------------------------------------------
IDX = C(np.array([0, 2]))
IDX2 = C(np.array([2, 0, 2]))
MASK = C(np.array([True, False, True]))
MASK2 = C(
    np.array([[True, False, True, False], [False, False, True, True], [True, True, False, True]])
)
case("getitem_int", lambda m, x: x[1], [(3, 4)])
case("getitem_neg_int", lambda m, x: x[-1], [(3, 4)])
case("getitem_int_int", lambda m, x: x[1, 2], [(3, 4)])
case("getitem_slice", lambda m, x: x[1:3], [(3, 4)])
case("getitem_slice_step", lambda m, x: x[::2, 1::2], [(3, 4)])
case("getitem_full_slice", lambda m, x: x[:, 1:], [(3, 4)])
case("getitem_colon", lambda m, x: x[:] * 2, [(3, 4)])
case("getitem_none", lambda m, x: x[None], [(3, 4)])
case("getitem_none_mid", lambda m, x: x[:, None, 1], [(3, 4)])
case("getitem_ellipsis", lambda m, x: x[..., 1], R3)
case("getitem_ellipsis_none", lambda m, x: x[1, ..., None], R3)
case("getitem_mixed_basic", lambda m, x: x[1, ::2, None], R3)
case("getitem_list", lambda m, x: x[[0, 2]], [(3, 4)])
case("getitem_tensor_idx", lambda m, x, i: x[i], [(3, 4), IDX], [(3, 4), IDX2])
case("getitem_tensor_idx_dim1", lambda m, x, i: x[:, i], [(3, 4), IDX])
case("getitem_two_idx", lambda m, x, i, j: x[i, j], [(3, 4), IDX, C(np.array([1, 3]))])
case("getitem_idx_slice", lambda m, x, i: x[i, 1:], [(3, 4), IDX])
case("getitem_int_idx", lambda m, x, i: x[1, i], R3 + [IDX])
case("getitem_slice_idx_slice", lambda m, x, i: x[:, i, :], R3 + [IDX])
case("getitem_split_adv", lambda m, x, i, j: x[i, :, j], [(3, 4, 5), IDX, C(np.array([1, 4]))])
case("getitem_mask", lambda m, x, b: x[b], [(3, 4), MASK], [(3, 4), MASK2])
case("getitem_mask_dim1", lambda m, x, b: x[:, b], [(4, 3), MASK])
case("getitem_mask_from_data", lambda m, x: x[x > 0], [(3, 4)])
case("getitem_bool_scalar", lambda m, x: x[True], [(3,)])
case("getitem_idx_2d", lambda m, x, i: x[i], [(3, 4), C(np.array([[0, 1], [2, 2]]))])
case("getitem_neg_idx", lambda m, x, i: x[i], [(3, 4), C(np.array([-1, 0]))])
case("select", lambda m, x: x.select(1, 2), [(3, 4)])
case("gather", lambda m, x, i: m.gather(x, 1, i), [(3, 4), C(np.array([[0, 1], [3, 3], [2, 0]]))])
case("gather_dim0", lambda m, x, i: x.gather(0, i), [(3, 4), C(np.array([[0, 1, 2, 2]]))])
SIDX = C(np.array([[0, 1], [3, 2], [2, 0]]))
case("scatter_src", lambda m, x, i, s: m.scatter(x, 1, i, s), [(3, 4), SIDX, (3, 2)])
case("scatter_value", lambda m, x, i: x.scatter(1, i, 0.5), [(3, 4), SIDX])
case(
    "scatter_add",
    lambda m, x, i, s: m.scatter_add(x, 1, i, s),
    [(3, 4), C(np.array([[0, 0], [3, 2], [2, 2]])), (3, 2)],
)
case("index_select", lambda m, x, i: m.index_select(x, 0, i), [(3, 4), IDX2])
case("index_select_dim1", lambda m, x, i: x.index_select(1, i), [(3, 4), IDX])
case("masked_fill", lambda m, x, b: x.masked_fill(b, 0.5), [(3, 4), MASK2])
case("masked_fill_broadcast", lambda m, x, b: m.masked_fill(x, b, -1.0), [(4, 3), MASK])
case("masked_fill_tensor_value", lambda m, x, b, v: x.masked_fill(b, v), [(3, 4), MASK2, ()])
case("masked_select", lambda m, x, b: m.masked_select(x, b), [(3, 4), MASK2], [(4, 3), MASK])
case(
    "take_along_dim",
    lambda m, x, i: m.take_along_dim(x, i, 1),
    [(3, 4), C(np.array([[0], [3], [1]]))],
)
case("take_along_dim_flat", lambda m, x, i: x.take_along_dim(i), [(3, 4), C(np.array([0, 5, 11]))])


# --- in-place ---------------------------------------------------------------------------------
def _ip(name, *args):
    def fn(m, x, *rest):
        y = x * 1
        getattr(y, name)(*(rest + args))
        return y

    return fn


case("add_", _ip("add_"), [(3, 4), (4,)])
case("add_scalar_", _ip("add_", 2), [(3, 4)])
case("sub_", _ip("sub_"), [(3, 4), (3, 4)])
case("mul_", _ip("mul_"), [(3, 4), (3, 1)])
case("mul_scalar_", _ip("mul_", 3), [(3, 4)])
case("div_", _ip("div_"), [(3, 4), (4,)], gen=positive)
case("pow_", _ip("pow_", 2), [(3, 4)])
case("clamp_", _ip("clamp_", -0.5, 0.5), [(3, 4)])
case("zero_", _ip("zero_"), [(3, 4)])
case("fill_", _ip("fill_", 1.5), [(3, 4)])
case("fill_tensor_", _ip("fill_"), [(3, 4), ()])
case("copy_", _ip("copy_"), [(3, 4), (3, 4)], [(3, 4), (4,)])
case("relu_", _ip("relu_"), [(3, 4)])
case("sigmoid_", _ip("sigmoid_"), [(3, 4)])
case("tanh_", _ip("tanh_"), [(3, 4)])
case("exp_", _ip("exp_"), [(3, 4)])
case("masked_fill_", _ip("masked_fill_", 0.0), [(3, 4), MASK2])
case("put_", _ip("put_"), [(2, 3), C(np.array([2, 3])), (2,)])
case("cumsum_", _ip("cumsum_", 1), [(3, 4)])
case("cumprod_", _ip("cumprod_", 0), [(3, 4)])
case("arccos_", _ip("arccos_"), [(3, 4)], low=-0.9, high=0.9)
case("arcsinh_", _ip("arcsinh_"), [(3, 4)], fd=False)  # no derivative (PyTorch raises)
case("arctanh_", _ip("arctanh_"), [(3, 4)], low=-0.9, high=0.9, fd=False)
case("arctan2_", _ip("arctan2_"), [(3, 4), (4,)])
case("atan2_", _ip("atan2_"), [(3, 4), (3, 4)])
case("absolute_", _ip("absolute_"), [(3, 4)])
case("negative_", _ip("negative_"), [(3, 4)])
case("multiply_", _ip("multiply_"), [(3, 4), (3, 1)])
case("divide_", _ip("divide_"), [(3, 4), (4,)], gen=positive)
case("true_divide_", _ip("true_divide_"), [(3, 4), (3, 4)], gen=positive)
case("subtract_", _ip("subtract_"), [(3, 4), (4,)])
case("hypot_", _ip("hypot_"), [(3, 4), (3, 4)])
case("ldexp_", _ip("ldexp_"), [(3, 4), (4,)])
case("float_power_", _ip("float_power_", 2), [(3, 4)], gen=positive)
case("float_power_tensor_", _ip("float_power_"), [(3, 4), (4,)], gen=positive)
for _cmp in ("eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "less_equal_", "not_equal_"):
    case(_cmp, _ip(_cmp, 0.0), [(3, 4)])
    case(f"{_cmp}tensor", _ip(_cmp), [(3, 4), (4,)])


def _iadd(m, x, y):
    z = x * 1
    z += y
    z *= y
    z -= 1
    z /= 2
    return z


case("augmented_assign", _iadd, [(3, 4), (4,)], gen=positive)


def _setitem(key):
    def fn(m, x, v):
        y = x * 1
        y[key] = v
        return y

    return fn


case("setitem_int", _setitem(0), [(3, 4), (4,)])
case("setitem_slice", _setitem((slice(None), slice(1, 3))), [(3, 4), (3, 2)])
case("setitem_broadcast", _setitem((slice(None), 1)), [(3, 4), ()])
case("setitem_list", _setitem([0, 2]), [(3, 4), (4,)])
case("setitem_mask", lambda m, x, v, b: _setitem_mask(x, v, b), [(3, 4), (4,), MASK])
case("setitem_scalar", lambda m, x: _setitem_scalar(x), [(3, 4)])


def _setitem_mask(x, v, b):
    y = x * 1
    y[b] = v
    return y


def _setitem_scalar(x):
    y = x * 1
    y[1, 2] = 5.0
    return y


def _setitem_leaf_source(m, v):
    y = m.zeros(3, 4, dtype=v.dtype)
    y[1] = v
    return y


case("setitem_into_const", _setitem_leaf_source, [(4,)])


def _view_inplace(m, x, w):
    y = x * 1
    y[0].mul_(w)
    return y


def _view_inplace2(m, x):
    y = x * 1
    v = y[:, 1:3]
    v.add_(1)
    return y * v.sum()


def _view_inplace_t(m, x):
    y = x * 2
    y.t()[0].zero_()
    return y


def _view_of_view_inplace(m, x):
    y = x.exp()
    y[1:][0].mul_(3)
    return y


case("view_inplace_mul_", _view_inplace, [(3, 4), (4,)])
case("view_inplace_add_used", _view_inplace2, [(3, 4)])
case("view_inplace_t_zero_", _view_inplace_t, [(3, 4)])
case("view_inplace_saved_result_error", _view_of_view_inplace, [(3, 4)], fd=False, gradgrad=False)


def _view_of_view_inplace2(m, x):
    y = x * 2
    y[1:][0].mul_(3)
    return y


case("view_of_view_inplace", _view_of_view_inplace2, [(3, 4)])


def _inplace_then_use(m, x):
    y = x.sin()
    z = y * 2
    y.add_(1)
    return z + y


case("inplace_then_use", _inplace_then_use, [(3,)])


# --- sort ---------------------------------------------------------------------------------------
case("sort", lambda m, x: x.sort(), [(3, 4)], [(5,)], gen=distinct)
case("sort_dim_desc", lambda m, x: m.sort(x, 0, descending=True), [(3, 4)], gen=distinct)
case(
    "argsort", lambda m, x: (x.argsort(), m.argsort(x, 0, descending=True)), [(3, 4)], gen=distinct
)

# Random in-place fills: compared through the graph and a zero gradient (values differ).
case("uniform_", lambda m, x: _ip("uniform_")(m, x) * 0, [(3, 4)])
case("normal_", lambda m, x: _ip("normal_")(m, x) * 0, [(3, 4)])

# --- more ops -----------------------------------------------------------------------------------
case("index_add", lambda m, x, i, s: x.index_add(0, i, s), [(3, 4), IDX2, (3, 4)])
case("index_add_alpha", lambda m, x, i, s: m.index_add(x, 1, i, s, alpha=2), [(3, 4), IDX, (3, 2)])
case("tensor_split", lambda m, x: m.tensor_split(x, 3, dim=1), [(2, 7)])
case("float_power", lambda m, x: m.float_power(x, 2), [(3,)], gen=positive)
case("nan_to_num", lambda m, x: m.nan_to_num(x * 1), [(3,)])
case("expand_new_dims", lambda m, x: x.expand(2, 3, 4) * 1, [(4,)])
case("swapaxes", lambda m, x: x.swapaxes(0, 1), [(3, 4)])
case("flatten_0d_to_1", lambda m, x: x.flatten() * 2, [()])
case("baddbmm", lambda m, b, x, y: m.baddbmm(b, x, y), [(2, 3, 4), (2, 3, 5), (2, 5, 4)])
case(
    "baddbmm_scaled",
    lambda m, b, x, y: m.baddbmm(b, x, y, beta=0.5, alpha=2),
    [(3, 4), (2, 3, 5), (2, 5, 4)],
)
case("addmv", lambda m, b, x, y: m.addmv(b, x, y), [(3,), (3, 4), (4,)])
# --- addr / addbmm and the in-place forms of the family (ops/_products.py) ----------------------
case("addmv_method", lambda m, b, x, y: b.addmv(x, y, beta=2, alpha=0.5), [(1,), (3, 4), (4,)])
case("addmv_", lambda m, b, x, y: m.addmv_(b * 1, x, y, alpha=3), [(3,), (3, 4), (4,)])
case("addr", lambda m, b, x, y: m.addr(b, x, y), [(3, 4), (3,), (4,)], [(4,), (3,), (4,)])
case("addr_scaled", lambda m, b, x, y: b.addr(x, y, beta=0.5, alpha=2), [(3, 1), (3,), (2,)])
case("addr_", lambda m, b, x, y: (b * 1).addr_(x, y, beta=3), [(3, 4), (3,), (4,)])
case("addbmm", lambda m, b, x, y: m.addbmm(b, x, y), [(3, 4), (2, 3, 5), (2, 5, 4)])
case(
    "addbmm_scaled",
    lambda m, b, x, y: b.addbmm(x, y, beta=0.5, alpha=2),
    [(4,), (2, 3, 5), (2, 5, 4)],
)
case("addbmm_", lambda m, b, x, y: (b * 1).addbmm_(x, y, alpha=2), [(3, 4), (2, 3, 5), (2, 5, 4)])
case("addmm_", lambda m, b, x, y: (b * 1).addmm_(x, y, beta=2), [(2, 4), (2, 3), (3, 4)])
case(
    "baddbmm_",
    lambda m, b, x, y: (b * 1).baddbmm_(x, y, alpha=0.5),
    [(2, 3, 4), (2, 3, 5), (2, 5, 4)],
)
case(
    "baddbmm_method", lambda m, b, x, y: b.baddbmm(x, y, beta=2), [(2, 3, 4), (2, 3, 5), (2, 5, 4)]
)
case("square_int", lambda m, i: m.square(i), [I64])
case("abs_int", lambda m, i: (i.abs(), -i, i.sign()), [I64])
case("sigmoid_extreme", lambda m, x: (x * 200).sigmoid(), [(5,)])
case("softmax_extreme", lambda m, x: (x * 500).softmax(0), [(5,)], fd=False)
case("logsumexp_extreme", lambda m, x: (x * 500).logsumexp(0), [(5,)], fd=False)
case("log_softmax_extreme", lambda m, x: (x * 500).log_softmax(0), [(5,)], fd=False)
case("var_single", lambda m, x: x.var(), [(1,)], fd=False, gradgrad=False)
case("std_mean", lambda m, x: m.std_mean(x, 1), [(3, 4)])
case("var_mean", lambda m, x: m.var_mean(x, 0), [(3, 4)])
case("count_nonzero", lambda m, x: m.count_nonzero(x > 0, 1), [(3, 4)])
case("inner", lambda m, x, y: m.inner(x, y), [(3,), (3,)], [(2, 3), (4, 3)], [(), (3,)])
case("tensordot", lambda m, x, y: m.tensordot(x, y, 2), [(2, 3, 4), (3, 4, 5)], [(3, 4), (3, 4)])
case("tensordot_lists", lambda m, x, y: m.tensordot(x, y, ([0, 2], [1, 0])), [(2, 3, 4), (4, 2, 5)])
case("tensordot_bcast", lambda m, x, y: m.tensordot(x, y, ([1], [0])), [(2, 1), (4, 3)])
case("kron", lambda m, x, y: m.kron(x, y), [(2, 2), (2, 3)], [(2,), (2, 3)])
case("linalg_cross", lambda m, x, y: m.linalg.cross(x, y), [(2, 3), (1, 3)], [(3,), (3,)])
case("cross_dim", lambda m, x, y: m.cross(x, y, dim=0), [(3, 2), (3, 2)])
case("linalg_inv", lambda m, x: m.linalg.inv(x + 3 * m.eye(3)), [(3, 3)])
case("repeat_interleave_int", lambda m, x: x.repeat_interleave(2), [(3,)], [(2, 3)])
case("repeat_interleave_dim", lambda m, x: m.repeat_interleave(x, 3, dim=-1), [(2, 3)])
case(
    "repeat_interleave_tensor",
    lambda m, x, r: m.repeat_interleave(x, r, dim=1),
    [(2, 3), C(np.array([1, 2, 0]))],
)
for _p in (2.0, 1.0, 3.0, float("inf")):
    case(f"cdist[p={_p}]", (lambda p: lambda m, x, y: m.cdist(x, y, p=p))(_p), [(3, 2), (4, 2)])
case("cdist_batch", lambda m, x, y: m.cdist(x, y), [(2, 3, 2), (4, 2)])
case("cdist_mm", lambda m, x, y: m.cdist(x, y), [(30, 2), (4, 2)], [(2, 30, 2), (4, 2)])
case(
    "cdist_use_mm",
    lambda m, x, y: m.cdist(x, y, compute_mode="use_mm_for_euclid_dist"),
    [(3, 2), (4, 2)],
)
for _p in (2.0, 1.0, 0.5, 3.0, float("inf")):
    case(f"pdist[p={_p}]", (lambda p: lambda m, x: m.nn.functional.pdist(x, p))(_p), [(4, 3)])
case("addcmul", lambda m, x, y, z: m.addcmul(x, y, z, value=0.5), [(3,), (2, 3), (3,)])
case("addcdiv", lambda m, x, y, z: x.addcdiv(y, z, value=2), [(3,), (3,), (2, 3)], gen=positive)
case("addcmul_inplace", lambda m, x, y, z: (x * 1).addcmul_(y, z), [(3,), (3,), (3,)])
case(
    "multi_dot",
    lambda m, *xs: m.linalg.multi_dot(xs),
    [(2, 3), (3, 4), (4, 2)],
    [(3,), (3, 4), (4,)],
    [(5, 1), (1, 5), (5, 2), (2, 3)],
)
case("cartesian_prod", lambda m, x, y, z: m.cartesian_prod(x, y, z), [(2,), (3,), (2,)])
case("block_diag", lambda m, x, y, z: m.block_diag(x, y, z), [(2, 2), (3,), ()])
case("trapezoid", lambda m, y: m.trapezoid(y, dx=0.5, dim=0), [(4, 3)])
case("trapezoid_x", lambda m, y, x: m.trapezoid(y, x), [(2, 4), (4,)], [(3, 2, 4), (2, 4)])
case("cumulative_trapezoid", lambda m, y: m.cumulative_trapezoid(y, dx=0.5, dim=0), [(4, 3)])
case(
    "cumulative_trapezoid_x",
    lambda m, y, x: m.cumulative_trapezoid(y, x),
    [(2, 4), (4,)],
    [(3, 2, 4), (2, 4)],
)
case("gradient", lambda m, x: m.gradient(x), [(5,)], [(3, 4)])
case("gradient_spacing", lambda m, x: m.gradient(x, spacing=[2.0, 0.5], edge_order=2), [(3, 4)])
case("gradient_dim", lambda m, x: m.gradient(x, spacing=3, dim=-1, edge_order=2), [(2, 5)])
COORDS = C(np.array([0.0, 0.5, 1.5, 1.75, 3.0]))
case(
    "gradient_coordinates",
    lambda m, x, t: m.gradient(x, spacing=[t], dim=1),
    [(2, 5), COORDS],
)
case(
    "gradient_coordinates_order2",
    lambda m, x, t: m.gradient(x, spacing=(t,), dim=0, edge_order=2),
    [(5, 2), COORDS],
)
case("tanhshrink", lambda m, x: m.nn.functional.tanhshrink(x), [(3, 4)])
case("logsigmoid", lambda m, x: m.nn.functional.logsigmoid(x), [(3, 4)])
case("group_norm", lambda m, x: m.nn.functional.group_norm(x, 2), [(2, 4, 3)])
case(
    "group_norm_affine",
    lambda m, x, w, b: m.nn.functional.group_norm(x, 3, w, b),
    [(2, 6, 2, 2), (6,), (6,)],
)


def away_from_lambd(rng, shape):
    """|x| in (0.1, 0.4) or (0.6, 2): finite differences stay off the shrink functions' jumps."""
    mag = np.where(
        rng.random(shape) < 0.5, rng.uniform(0.1, 0.4, shape), rng.uniform(0.6, 2, shape)
    )
    return mag * rng.choice([-1.0, 1.0], shape)


def around_three(rng, shape):
    """Values on both sides of hardswish/hardsigmoid's corners at -3 and 3, off the corners."""
    return rng.choice([-1.0, 1.0], shape) * rng.choice([0.5, 2.0, 3.4, 4.2], shape) + rng.uniform(
        -0.2, 0.2, shape
    )


case("selu", lambda m, x: m.nn.functional.selu(x), *UNARY_SHAPES)
case("celu", lambda m, x: m.nn.functional.celu(x, 1.7), [(3, 4)])
case("hardswish", lambda m, x: m.nn.functional.hardswish(x), [(3, 4)], gen=around_three)
case("hardsigmoid", lambda m, x: m.nn.functional.hardsigmoid(x), [(3, 4)], gen=around_three)
case("softshrink", lambda m, x: m.nn.functional.softshrink(x), [(3, 4)], gen=away_from_lambd)
case("hardshrink", lambda m, x: m.nn.functional.hardshrink(x), [(3, 4)], gen=away_from_lambd)
case("rms_norm", lambda m, x: m.nn.functional.rms_norm(x, (4,)), [(3, 4)])
case(
    "rms_norm_weight",
    lambda m, x, w: m.nn.functional.rms_norm(x, [2, 3], w, eps=1e-3),
    [(4, 2, 3), (2, 3)],
)
case("glu", lambda m, x: m.nn.functional.glu(x), [(2, 4)])
case("glu_dim0", lambda m, x: m.nn.functional.glu(x, 0), [(4, 3)])
case("pixel_shuffle", lambda m, x: m.nn.functional.pixel_shuffle(x, 2), [(2, 8, 2, 3)])
case("pixel_unshuffle", lambda m, x: m.nn.functional.pixel_unshuffle(x, 2), [(3, 4, 6)])
case(
    "unfold",
    lambda m, x: m.nn.functional.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
    [(2, 3, 5, 6)],
)
case("fold", lambda m, x: m.nn.functional.fold(x, (3, 3), 2), [(2, 8, 4)], [(8, 4)])
case("cov", lambda m, x: m.cov(x), [(3, 4)], [(4,)])
case("corrcoef", lambda m, x: m.corrcoef(x), [(2, 5)])
case(
    "pairwise_distance",
    lambda m, x, y: m.nn.functional.pairwise_distance(x, y, p=1, keepdim=True),
    [(2, 3), (3,)],
)
case(
    "cosine_similarity",
    lambda m, x, y: m.nn.functional.cosine_similarity(x, y),
    [(2, 3), (2, 3)],
    [(2, 3), (3,)],
)
case(
    "bilinear",
    lambda m, x, y, w, b: m.nn.functional.bilinear(x, y, w, b),
    [(2, 3), (2, 4), (5, 3, 4), (5,)],
)
case(
    "bilinear_3d",
    lambda m, x, y, w: m.nn.functional.bilinear(x, y, w),
    [(2, 2, 3), (2, 2, 4), (5, 3, 4)],
)


def _diagonal_inplace(m, x):
    y = x * 1
    y.diagonal(1).mul_(3)  # a view: the write reaches y, and y's history is rewritten
    return y


case("diagonal_view_inplace", _diagonal_inplace, [(3, 4)])
case("reshape_alias", lambda m, x: x.t().unsqueeze(0).reshape(4, 3), [(3, 4)])
case("atleast_2d", lambda m, x: m.atleast_2d(x) * 1, [(3,)], [()])
for _p in (2, 1, 3.0, float("inf")):
    case(f"dist[p={_p}]", (lambda p: lambda m, x, y: m.dist(x, y, p))(_p), [(2, 3), (3,)])
case("atleast_3d", lambda m, x: m.atleast_3d(x) * 1, [(3,)], [(2, 3)], [()])
case("mul_inplace_int_scalar", lambda m, i: i.mul_(3), [I64])
case("select_neg_dim", lambda m, x: x.select(-1, 0), [(3, 4)])
case("narrow_neg", lambda m, x: m.narrow(x, -1, -2, 2), [(3, 4)])
case("movedim_multi", lambda m, x: m.movedim(x, (0, 1), (2, 0)), [(2, 3, 4)])
case("unflatten_neg", lambda m, x: x.unflatten(-1, (2, -1)), [(3, 4)])
case("chunk_more_than_size", lambda m, x: x.chunk(5), [(3,)])
case("repeat_0d", lambda m, x: x.repeat(3), [()])
case("masked_scatter_like_where", lambda m, x: m.where(x > 0.5, x, m.zeros_like(x)), [(3,)])


def _getitem_imul(m, x):
    y = x * 1
    y[1] *= 2
    return y


def _slice_iadd(m, x, w):
    y = x.exp()
    y = y * 1
    y[:, :2] += w
    return y


case("setitem_imul", _getitem_imul, [(3, 4)])
case("setitem_slice_iadd", _slice_iadd, [(3, 4), (2,)])


# --- linalg.cholesky / linalg.solve_triangular (ops/matrix.py) ---------------------------------
def _spd(m, x):
    return x @ x.mT + m.eye(x.shape[-1], dtype=x.dtype)


case("linalg_cholesky", lambda m, x: m.linalg.cholesky(_spd(m, x)), [(3, 3)], [(2, 4, 4)])
case("linalg_cholesky_upper", lambda m, x: m.linalg.cholesky(_spd(m, x), upper=True), [(3, 3)])
case(
    "linalg_solve_triangular",
    lambda m, a, b: m.linalg.solve_triangular(a + 3 * m.eye(3, dtype=a.dtype), b, upper=False),
    [(3, 3), (3, 2)],
    [(2, 3, 3), (3, 1)],
)
case(
    "linalg_solve_triangular_upper_right",
    lambda m, a, b: m.linalg.solve_triangular(
        a + 3 * m.eye(3, dtype=a.dtype), b, upper=True, left=False
    ),
    [(3, 3), (2, 3)],
)
case(
    "linalg_solve_triangular_unit",
    lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, unitriangular=True),
    [(3, 3), (3, 2)],
)


# --- linalg.cholesky_ex (ops/_solvers.py), linalg.solve/solve_ex/inv_ex (ops/_linalg_solve.py) -
def _shifted(m, a):
    return a + 3 * m.eye(a.shape[-1], dtype=a.dtype)


case("linalg_cholesky_ex", lambda m, x: m.linalg.cholesky_ex(_spd(m, x)).L, [(3, 3)])
case(
    "linalg_cholesky_ex_upper",
    lambda m, x: m.linalg.cholesky_ex(_spd(m, x), upper=True)[0],
    [(2, 3, 3)],
)
case(
    "linalg_solve",
    lambda m, a, b: m.linalg.solve(_shifted(m, a), b),
    [(3, 3), (3, 2)],
    [(3, 3), (3,)],
    [(2, 3, 3), (3, 1)],
    [(2, 3, 3), (2, 3)],
    [(2, 3, 3), (3,)],
    [(3, 3), (2, 3, 2)],
    [(2, 1, 3, 3), (4, 3, 2)],
)
case(
    "linalg_solve_left_false",
    lambda m, a, b: m.linalg.solve(_shifted(m, a), b, left=False),
    [(3, 3), (2, 3)],
    [(2, 3, 3), (4, 3)],
)
case(
    "linalg_solve_ex",
    lambda m, a, b: m.linalg.solve_ex(_shifted(m, a), b).result,
    [(3, 3), (3, 2)],
)
case("linalg_inv_ex", lambda m, a: m.linalg.inv_ex(_shifted(m, a)).inverse, [(2, 3, 3)])


# --- torch.cholesky, cholesky_solve/inverse, triangular_solve, adjoint, vecdot (ops/_solvers.py) -
def _chol(m, x, upper=False):
    return m.linalg.cholesky(_spd(m, x), upper=upper)


case("cholesky", lambda m, x: m.cholesky(_spd(m, x)), [(3, 3)], [(2, 3, 3)])
case("cholesky_upper_method", lambda m, x: _spd(m, x).cholesky(upper=True), [(3, 3)])
case("cholesky_solve", lambda m, b, x: m.cholesky_solve(b, _chol(m, x)), [(3, 2), (3, 3)])
case(
    "cholesky_solve_upper_bcast",
    lambda m, b, x: b.cholesky_solve(_chol(m, x, True), upper=True),
    [(2, 3, 2), (3, 3)],
    [(3, 1), (2, 3, 3)],
)
case("cholesky_inverse", lambda m, x: m.cholesky_inverse(_chol(m, x)), [(3, 3)], [(2, 3, 3)])
case("cholesky_inverse_upper", lambda m, x: _chol(m, x, True).cholesky_inverse(True), [(3, 3)])
case(
    "triangular_solve",
    lambda m, b, a: m.triangular_solve(b, a + 3 * m.eye(3, dtype=a.dtype)),
    [(3, 2), (3, 3)],
    [(2, 3, 2), (3, 3)],
)
case(
    "triangular_solve_lower_t",
    lambda m, b, a: b.triangular_solve(a + 3 * m.eye(3, dtype=a.dtype), False, True),
    [(3, 2), (2, 3, 3)],
)
case(
    "triangular_solve_unit",
    lambda m, b, a: m.triangular_solve(b, a, upper=False, unitriangular=True),
    [(3, 2), (3, 3)],
)
case(
    "triangular_solve_coef",
    lambda m, b, a: m.triangular_solve(b, a + 3 * m.eye(3, dtype=a.dtype))[1] * 2,
    [(3, 2), (3, 3)],
)
case("adjoint", lambda m, x: (m.adjoint(x), x.adjoint()), [(2, 3)], [(2, 3, 4)])
case("linalg_vecdot", lambda m, x, y: m.linalg.vecdot(x, y), [(3, 4), (4,)], [(2, 3), (2, 3)])
case("linalg_vecdot_dim", lambda m, x, y: m.linalg.vecdot(x, y, dim=0), [(3, 4), (3, 1)])
case("cov_method", lambda m, x: x.cov(correction=0), [(3, 5)])
case("corrcoef_method", lambda m, x: x.corrcoef(), [(3, 5)])


# --- the LU family (ops/_lu.py): square, batched, wide and tall --------------------------------
_LU_SHAPES = ([(3, 3)], [(2, 4, 4)], [(3, 5)], [(5, 3)])
case("linalg_lu", lambda m, x: m.linalg.lu(x)[1:], *_LU_SHAPES)
case("linalg_lu_L_only", lambda m, x: m.linalg.lu(x).L * 2, [(3, 3)], [(3, 5)], [(5, 3)])
case("linalg_lu_U_only", lambda m, x: m.linalg.lu(x).U * 2, [(3, 3)], [(3, 5)], [(5, 3)])
case("linalg_lu_factor", lambda m, x: m.linalg.lu_factor(x).LU, *_LU_SHAPES)
case("linalg_lu_factor_ex", lambda m, x: m.linalg.lu_factor_ex(x)[0], [(2, 3, 3)])
case("lu_deprecated", lambda m, x: m.lu(x)[0], [(3, 3)])
case("tensor_lu_get_infos", lambda m, x: x.lu(get_infos=True)[0], [(4, 3)])
case("lu_unpack", lambda m, x: m.lu_unpack(*m.linalg.lu_factor(x))[1:], *_LU_SHAPES)
case("lu_unpack_U_only", lambda m, x: m.lu_unpack(*m.linalg.lu_factor(x)).U, [(3, 5)], [(5, 3)])
for _left in (True, False):
    for _adj in (True, False):
        case(
            f"linalg_lu_solve[left={_left},adjoint={_adj}]",
            (
                lambda lt, ad: (
                    lambda m, a, b: m.linalg.lu_solve(
                        *m.linalg.lu_factor(a), b, left=lt, adjoint=ad
                    )
                )
            )(_left, _adj),
            [(3, 3), (3, 2) if _left else (2, 3)],
            [(2, 3, 3), (3, 3)],
        )
case(
    "linalg_lu_solve_bcast",
    lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b),
    [(2, 3, 3), (4, 1, 3, 2)],
    [(3, 3), (2, 3, 1)],
)
case("lu_solve_deprecated", lambda m, b, a: m.lu_solve(b, *m.linalg.lu_factor(a)), [(3, 2), (3, 3)])
case("tensor_lu_solve", lambda m, b, a: b.lu_solve(*m.lu(a)), [(2, 3, 1), (2, 3, 3)])


# --- linalg.lstsq (ops/_lstsq.py): full-rank tall, wide and square, vector and batched B ------
for _drv in (None, "gelsd", "gels"):
    case(
        f"linalg_lstsq[{_drv}]",
        (lambda d: lambda m, a, b: m.linalg.lstsq(a, b, driver=d).solution)(_drv),
        [(5, 3), (5, 2)],
        [(3, 5), (3, 2)],
        [(2, 4, 4), (2, 4, 1)],
        [(4, 2), (4,)],
        [(1, 5, 3), (2, 5, 2)],
    )
case(
    "linalg_lstsq_residuals",
    lambda m, a, b: m.linalg.lstsq(a, b, driver="gelsd")[:2],
    [(5, 3), (5, 2)],
    [(2, 4, 2), (2, 4)],
)
case(
    "linalg_lstsq_residuals_only",
    lambda m, a, b: m.linalg.lstsq(a, b, driver="gels")[1],
    [(5, 3), (5, 2)],
)


# --- SVD and what is built on it (ops/_svd.py): sign-invariant uses of U and V ----------------
def _svd_uses(U, S, V):
    return (U @ V.mT, S, (U * U).sum(-2), (V**3 * V).sum(-1))


case("svd", lambda m, x: _svd_uses(*m.svd(x)), [(3, 3)], [(4, 3)], [(2, 3, 5)])
case(
    "svd_full_method",
    lambda m, x: (lambda U, S, V: (S, (U[:, :3] ** 4).sum(-1), (V[:, :3] ** 4).sum(0)))(
        *x.svd(some=False)
    ),
    [(4, 3)],
    [(3, 4)],
)
case("svd_no_uv", lambda m, x: m.svd(x, compute_uv=False)[1], [(3, 4)])
case(
    "linalg_svd",
    lambda m, x: (lambda U, S, Vh: (U @ Vh, S * 2))(*m.linalg.svd(x, full_matrices=False)),
    [(4, 3)],
    [(3, 4)],
)
case("linalg_svd_full_s", lambda m, x: m.linalg.svd(x)[1], [(4, 3)])
case("linalg_svdvals", lambda m, x: m.linalg.svdvals(x), [(3, 4)], [(2, 4, 3)])
for _o in ("fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf")):
    case(
        f"linalg_matrix_norm[{_o}]",
        (lambda o: lambda m, x: m.linalg.matrix_norm(x, o))(_o),
        [(3, 4)],
        [(2, 3, 3)],
    )
    case(
        f"linalg_matrix_norm_dims_keepdim[{_o}]",
        (lambda o: lambda m, x: m.linalg.matrix_norm(x, o, dim=(2, 0), keepdim=True))(_o),
        [(3, 2, 4)],
    )
for _o in (None, "nuc", 2, -2):
    case(f"linalg_cond[{_o}]", (lambda o: lambda m, x: m.linalg.cond(x, o))(_o), [(3, 3)])
# PyTorch 2.13's backward raises for these orders (its masked_fill_ modifies the saved inverse):
# the table checks that ours raises the same error.
for _o in ("fro", 1, -1, float("inf"), float("-inf")):
    case(
        f"linalg_cond[{_o}]",
        (lambda o: lambda m, x: m.linalg.cond(x, o))(_o),
        [(3, 3)],
        fd=False,
        gradgrad=False,
    )
case("linalg_norm_matrix_ord", lambda m, x: m.linalg.norm(x, "nuc"), [(3, 4)])
case("nuclear_norm", lambda m, x: m.nuclear_norm(x), [(3, 4)])
case("nuclear_norm_dims", lambda m, x: m.nuclear_norm(x, (0, 2), keepdim=True), [(3, 2, 4)])
case("frobenius_norm", lambda m, x: m.frobenius_norm(x, (0, 1)), [(3, 4)])
case("norm_nuc", lambda m, x: m.norm(x, "nuc"), [(3, 4)])

# --- special functions (ops/_special_fns.py) ------------------------------------------------
case("xlogy", lambda m, x, y: m.xlogy(x, y), *BINARY_SHAPES[:5], gen=positive)
case("xlogy_zero_self", lambda m, x, y: m.xlogy(x * (x > 1), y), [(3, 4), (4,)], gen=positive)
# self exactly 0 with a gradient path: d/dself is log(other) there (PyTorch 2.13)
case(
    "xlogy_at_zero_self",
    lambda m, x, y: m.xlogy(x, y.abs() + 0.5),
    [(3, 4), (4,)],
    gen=lambda r, s: r.uniform(0.5, 2, s) * (r.uniform(size=s) < 0.5),
)
case(
    "xlog1py_at_zero_self",
    lambda m, x, y: m.special.xlog1py(x, y.abs() - 0.5),
    [(3, 4), (4,)],
    gen=lambda r, s: r.uniform(0.5, 2, s) * (r.uniform(size=s) < 0.5),
)
case("xlogy_number_self", lambda m, y: m.xlogy(2.0, y), [(3, 4)], gen=positive)
case("xlogy_number_other", lambda m, x: x.xlogy(3.0), [(3, 4)], gen=positive)
case("xlogy_", lambda m, x, y: (x * 1).xlogy_(y), [(3, 4), (4,)], gen=positive)
case("special_xlog1py", lambda m, x, y: m.special.xlog1py(x, y), [(3, 4), (4,)], gen=positive)
case("special_xlog1py_number_self", lambda m, y: m.special.xlog1py(2.0, y), [(3,)], gen=positive)
case("special_xlog1py_number_other", lambda m, x: m.special.xlog1py(x, 2.0), [(3,)])
case("sgn", lambda m, x: m.sgn(x), [(3, 4)], gen=away_from_int)
case("logit", lambda m, x: m.logit(x), *UNARY_SHAPES, gen=lambda r, s: r.uniform(0.05, 0.95, s))
case("logit_eps", lambda m, x: x.logit(eps=0.2), [(3, 4)], gen=lambda r, s: r.uniform(0, 1, s))
case("logit_", lambda m, x: (x * 1).logit_(0.1), [(5,)], gen=lambda r, s: r.uniform(0.2, 0.8, s))
case("lgamma", lambda m, x: m.lgamma(x), *UNARY_SHAPES, gen=away_from_int)
case("digamma", lambda m, x: x.digamma(), [(3, 4)], gen=away_from_int)
case("polygamma", lambda m, x: m.polygamma(1, x), [(3, 4)], gen=away_from_int)
case("polygamma_method", lambda m, x: x.polygamma(2), [(5,)], gen=positive)
case("erfinv", lambda m, x: m.erfinv(x), *UNARY_SHAPES, gen=unit)
case("sinc", lambda m, x: m.sinc(x), *UNARY_SHAPES)
case("sinc_at_zero", lambda m, x: (x * 0).sinc(), [(3,)], fd=False)
case("copysign", lambda m, x, y: m.copysign(x, y), *BINARY_SHAPES[:5])
case("copysign_number", lambda m, x: x.copysign(-1.0), [(3, 4)])
case("special_ndtr", lambda m, x: m.special.ndtr(x), [(3, 4)])
case("special_expit", lambda m, x: m.special.expit(x), [(3, 4)])
case("special_gammaln", lambda m, x: m.special.gammaln(x), [(3, 4)], gen=positive)
case("special_psi", lambda m, x: m.special.psi(x), [(3, 4)], gen=positive)
case("special_logsumexp", lambda m, x: m.special.logsumexp(x, 1), [(3, 4)])
case("special_log_softmax", lambda m, x: m.special.log_softmax(x, 0), [(3, 4)])
case("special_round", lambda m, x: m.special.round(x, decimals=1), [(3, 4)], gen=away_from_int)
case("msort", lambda m, x: m.msort(x), [(3, 4)], gen=distinct)
case("ravel_fn", lambda m, x: m.ravel(x * 1), [(3, 4)])
case("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x * 1, y)[1], [(3, 4), (4,)])
case("positive", lambda m, x: m.positive(x * 1), [(3,)])
case("special_entr", lambda m, x: m.special.entr(x), [(3, 4)], gen=positive)

# --- Bessel I0/I1, incomplete gamma, mvlgamma (ops/_bessel_gamma.py) --------------------------
BESSEL_X = lambda r, s: r.uniform(-4, 4, s)  # noqa: E731
case("i0", lambda m, x: m.i0(x), *UNARY_SHAPES, gen=BESSEL_X)
case("i0_", lambda m, x: (x * 1).i0_(), [(3, 4)], gen=BESSEL_X)
case("special_i0", lambda m, x: m.special.i0(x), [(3, 4)], gen=BESSEL_X)
case("special_i0e", lambda m, x: m.special.i0e(x), *UNARY_SHAPES, gen=BESSEL_X)
case("special_i1", lambda m, x: m.special.i1(x), *UNARY_SHAPES, gen=BESSEL_X)
case("special_i1e", lambda m, x: m.special.i1e(x), *UNARY_SHAPES, gen=BESSEL_X)
case("special_i1_at_zero", lambda m, x: m.special.i1(x * 0), [(3,)], fd=False)
case("special_i1e_at_zero", lambda m, x: m.special.i1e(x * 0), [(3,)], fd=False)
case("special_i0e_large", lambda m, x: m.special.i0e(x * 30), [(3, 4)], gen=positive)
case("special_i1e_large", lambda m, x: m.special.i1e(x * -30), [(3, 4)], gen=positive)
IGAMMA_A = C(np.array([[0.6, 1.5, 2.0, 4.5]]))
case("igamma", lambda m, a, x: m.igamma(a, x), [IGAMMA_A, (3, 4)], gen=positive)
case("igammac", lambda m, a, x: m.igammac(a, x * 3), [IGAMMA_A, (3, 1)], gen=positive)
case("igamma_method", lambda m, a, x: a.igamma(x), [IGAMMA_A, (4,)], gen=positive)
case("igammac_", lambda m, a, x: a.clone().igammac_(x), [IGAMMA_A, (4,)], gen=positive)
case("special_gammainc", lambda m, a, x: m.special.gammainc(a, x), [IGAMMA_A, (4,)], gen=positive)
case(
    "special_gammaincc",
    lambda m, a, x: m.special.gammaincc(a, x * 4),
    [IGAMMA_A, (4,)],
    gen=positive,
)
case("mvlgamma", lambda m, x: m.mvlgamma(x + 2, 3), *UNARY_SHAPES, gen=positive)
case("mvlgamma_p1", lambda m, x: x.mvlgamma(1), [(3, 4)], gen=positive)
case("mvlgamma_", lambda m, x: (x + 3).mvlgamma_(4), [(3, 4)], gen=positive)
case("special_multigammaln", lambda m, x: m.special.multigammaln(x + 1, p=2), [(4,)], gen=positive)
case("angle", lambda m, x: m.angle(x), *UNARY_SHAPES)
case("angle_method", lambda m, x: (x * 2).angle() + x, [(3, 4)])
case("real_conj_identities", lambda m, x: m.conj_physical(m.conj(m.real(x))) * 2, [(3, 4)])

# take, index_fill/copy/put, masked_scatter, the *_scatter ops, scatter_reduce
TIDX = C(np.array([[0, -1, 5], [5, 2, 11]]))
case("take", lambda m, x, i: m.take(x, i), [(3, 4), TIDX])
case("take_method", lambda m, x, i: x.take(i), [(), C(np.array([0, 0]))])
case("index_fill", lambda m, x, i: m.index_fill(x, 1, i, -1.5), [(3, 4), IDX2])
case("index_fill_neg_dim", lambda m, x, i: x.index_fill(-2, i, 2.0), [(3, 4), IDX])
case("index_fill_tensor", lambda m, x, i, v: x.index_fill(0, i, v), [(3, 4), IDX, ()])
case("index_fill_", lambda m, x, i: (x * 1).index_fill_(0, i, 0.5), [(3, 4), IDX])
case("index_copy_", lambda m, x, i, s: (x * 1).index_copy_(1, i, s), [(3, 4), IDX, (3, 2)])
case("index_copy", lambda m, x, i, s: m.index_copy(x, 0, i, s), [(3, 4), IDX, (2, 4)])
case("index_copy_neg_dim", lambda m, x, i, s: x.index_copy(-1, i, s), [(3, 4), IDX, (3, 2)])
case("index_put", lambda m, x, i, v: m.index_put(x, (i,), v), [(3, 4), IDX, (4,)])
case(
    "index_put_2d",
    lambda m, x, i, j, v: x.index_put((i, j), v),
    [(3, 4), IDX, C(np.array([1, 3])), (2,)],
)
case(
    "index_put_accumulate",
    lambda m, x, i, v: m.index_put(x, (i,), v, accumulate=True),
    [(3, 4), IDX2, (3, 4)],
)
case("index_put_", lambda m, x, i, v: (x * 1).index_put_((i,), v), [(3, 4), IDX, ()])
case("masked_scatter", lambda m, x, b, s: m.masked_scatter(x, b, s), [(3, 4), MASK2, (3, 4)])
case("masked_scatter_bcast", lambda m, x, b, s: x.masked_scatter(b, s), [(4, 3), MASK, (10,)])
case("masked_scatter_", lambda m, x, b, s: (x * 1).masked_scatter_(b, s), [(3, 4), MASK2, (8,)])
case("select_scatter", lambda m, x, s: m.select_scatter(x, s, 0, 1), [(3, 4), (4,)])
case("select_scatter_neg", lambda m, x, s: x.select_scatter(s, -1, -2), [(3, 4), (3,)])
case("slice_scatter", lambda m, x, s: m.slice_scatter(x, s, 0, 1, 3), [(3, 4), (2, 4)])
case("slice_scatter_step", lambda m, x, s: x.slice_scatter(s, -1, step=2), [(3, 4), (3, 2)])
case("diagonal_scatter", lambda m, x, s: m.diagonal_scatter(x, s), [(3, 4), (3,)])
case(
    "diagonal_scatter_offset",
    lambda m, x, s: x.diagonal_scatter(s, -1, -1, 0),
    [(4, 3), (2,)],
)
# as_strided: overlapping windows (the sliding-window trick), a view's storage read past the
# view, an expanded (self-overlapping) input; as_strided_scatter's src (its input gradient is
# PyTorch's known-wrong formula, tested against finite differences in test_strided.py).
case("as_strided_windows", lambda m, x: x.as_strided((3, 4), (2, 1), 1), [(10,)])
case("as_strided_unfold", lambda m, x: m.as_strided(x, (2, 3, 4), (8, 2, 1)), [(2, 8)])
case(
    "as_strided_of_view",
    lambda m, x: (x * 1)[2:8].view(2, 3).t().as_strided((3, 3), (1, 1), 3),
    [(12,)],
)
case("as_strided_expanded", lambda m, x: x.expand(2, 3).as_strided((2, 2), (1, 1)), [(3,)])
case("as_strided_", lambda m, x: (x * 1).as_strided_((2, 2), (1, 2), 1), [(6,)])
case(
    "as_strided_scatter_src",
    lambda m, x, s: m.as_strided_scatter(x, s, (2, 2), (1, 2), 1),
    [C(np.arange(6.0)), (2, 2)],
)
RIDX = C(np.array([[0, 1, 0, 1], [2, 2, 0, 1]]))
for _r in ("sum", "prod", "mean", "amax", "amin"):
    for _inc in (True, False):
        case(
            f"scatter_reduce[{_r},{_inc}]",
            (lambda r, inc: lambda m, x, i, s: m.scatter_reduce(x, 0, i, s, r, include_self=inc))(
                _r, _inc
            ),
            [(3, 4), RIDX, (2, 4)],
            gradgrad=_r not in ("amax", "amin"),
        )
case(
    "scatter_reduce_",
    lambda m, x, i, s: (x * 1).scatter_reduce_(-1, i, s, "sum"),
    [(3, 4), C(np.array([[0, 0], [3, 1], [2, 2]])), (3, 2)],
)


# renorm, quantile / nanquantile (ATen's composite graph: sort, view, gather, lerp_, squeeze_)
case("renorm", lambda m, x: m.renorm(x, 2, 0, 1.0), [(3, 4)])
case("renorm_p1_neg_dim", lambda m, x: x.renorm(1, -1, 0.8), [(3, 4)])
case("renorm_p3", lambda m, x: m.renorm(x, 3, 1, 0.9), [(2, 3, 2)])
case("renorm_inf", lambda m, x: x.renorm(float("inf"), 0, 0.9), [(3, 4)])
case("renorm_", lambda m, x: (x * 1).renorm_(2, 1, 1.0), [(3, 4)])
for _mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    case(
        f"quantile[{_mode}]",
        (lambda mode: lambda m, x: m.quantile(x, 0.3, interpolation=mode))(_mode),
        [(3, 4)],
    )
    case(
        f"quantile_dim_q[{_mode}]",
        (
            lambda mode: (
                lambda m, x: x.quantile(
                    m.tensor([0.25, 0.6, 1.0], dtype=x.dtype), 1, True, interpolation=mode
                )
            )
        )(_mode),
        [(2, 3, 4)],
    )
    case(
        f"nanquantile[{_mode}]",
        (lambda mode: lambda m, x: x.nanquantile(0.7, -1, interpolation=mode))(_mode),
        [(3, 4)],
    )
case("quantile_keepdim_all", lambda m, x: m.quantile(x, 0.5, keepdim=True), [(2, 3)])
case(
    "nanquantile_q_dim0",
    lambda m, x: m.nanquantile(x, m.tensor([0.1, 0.9], dtype=x.dtype), 0),
    [(4, 3)],
)


# matrix_power, slogdet / logdet, pinverse / linalg.pinv, matrix_exp
def well_conditioned(rng, shape):
    """Square matrices near 2I (positive determinant, far from singular)."""
    return 2 * np.eye(shape[-1]) + rng.uniform(-0.4, 0.4, shape)


for _n in (0, 1, 2, 3, 5, -1, -2, -3):
    case(
        f"matrix_power[{_n}]",
        (lambda k: lambda m, a: m.matrix_power(a, k))(_n),
        [(3, 3)],
        gen=well_conditioned,
    )
case("matrix_power_batched", lambda m, a: a.matrix_power(6), [(2, 3, 3)], gen=well_conditioned)
case("slogdet", lambda m, a: m.slogdet(a)[1], [(3, 3)], [(2, 3, 3)], gen=well_conditioned)
case(
    "slogdet_sign_neg", lambda m, a: m.linalg.slogdet(-a).logabsdet, [(3, 3)], gen=well_conditioned
)
case("logdet", lambda m, a: m.logdet(a), [(3, 3)], [(2, 4, 4)], gen=well_conditioned)
case("logdet_method", lambda m, a: (a * 2).logdet(), [(2, 2)], gen=well_conditioned)
case("pinverse", lambda m, a: m.pinverse(a), [(3, 3)], [(3, 4)], [(4, 2)], [(2, 2, 3)])
case("linalg_pinv", lambda m, a: m.linalg.pinv(a), [(4, 3)])
case("pinverse_method", lambda m, a: a.pinverse(1e-10), [(2, 3)])
case("matrix_exp", lambda m, a: m.matrix_exp(a), [(3, 3)], [(2, 2, 2)])
case("matrix_exp_large", lambda m, a: m.linalg.matrix_exp(3 * a), [(3, 3)])
case("matrix_exp_method", lambda m, a: a.matrix_exp(), [(1, 1)])

# affine_grid / grid_sample; the grids reach outside [-1, 1] (low/high = -2, 2)
case(
    "affine_grid",
    lambda m, t: m.nn.functional.affine_grid(t, (2, 1, 3, 4), align_corners=False),
    [(2, 2, 3)],
)
case(
    "affine_grid_3d",
    lambda m, t: m.nn.functional.affine_grid(t, (1, 2, 2, 3, 2), align_corners=True),
    [(1, 3, 4)],
)
for _mode, _pad, _ac in (
    ("bilinear", "zeros", False),
    ("bilinear", "border", True),
    ("bilinear", "reflection", False),
    ("nearest", "reflection", True),
    ("bicubic", "zeros", True),
    ("bicubic", "reflection", False),
):
    case(
        f"grid_sample[{_mode}-{_pad}-{_ac}]",
        (
            lambda mode, pad, ac: (
                lambda m, x, g: m.nn.functional.grid_sample(
                    x, g, mode=mode, padding_mode=pad, align_corners=ac
                )
            )
        )(_mode, _pad, _ac),
        [(2, 2, 3, 4), (2, 3, 2, 2)],
        # PyTorch differentiates its backward (GridSampler2DBackwardBackward0); ours is
        # numpy-only and refuses create_graph=True with NotImplementedError.
        gradgrad=False,
    )
case(
    "grid_sample_3d",
    lambda m, x, g: m.nn.functional.grid_sample(x, g, padding_mode="border", align_corners=False),
    [(1, 2, 2, 3, 2), (1, 2, 1, 2, 3)],
    gradgrad=False,
)


# --- convolution, pooling and padding: numpy kernels with their own double backward ---------------
# (ConvolutionBackwardBackward0, MaxPool2DWithIndicesBackwardBackward0, ...). A square after a
# pooling or padding makes the second derivative go through the double backward node: their
# first backward is linear in the gradient, so with a constant one it would be zero.
def _nnf(name, *args, square=False, **kw):
    def fn(m, *ts):
        out = getattr(m.nn.functional, name)(*ts, *args, **kw)
        return out.pow(2) if square else out

    return fn


for _name, _shapes, _kw in (
    ("conv1d", [(2, 3, 7), (4, 3, 3), (4,)], dict(stride=2, padding=1)),
    ("conv1d", [(2, 4, 9), (6, 2, 2)], dict(dilation=3, groups=2)),
    ("conv1d", [(2, 3, 7), (4, 3, 4)], dict(padding="same")),
    (
        "conv2d",
        [(2, 4, 5, 6), (6, 2, 3, 2), (6,)],
        dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
    ),
    ("conv2d", [(1, 2, 5, 5), (3, 2, 3, 3)], dict(padding="same")),
    ("conv2d", [(3, 5, 5), (2, 3, 2, 2), (2,)], dict(padding=1)),
    ("conv3d", [(1, 2, 4, 5, 4), (3, 2, 2, 3, 2), (3,)], dict(stride=(1, 2, 1), padding=(1, 0, 1))),
    ("conv3d", [(1, 4, 3, 5, 3), (4, 2, 2, 2, 2)], dict(dilation=(1, 2, 1), groups=2)),
):
    _label = "-".join(f"{k}={v}" for k, v in _kw.items()) or "plain"
    case(f"{_name}[{_label}]", _nnf(_name, **_kw), _shapes)
    case(f"{_name}[{_label}]^2", _nnf(_name, square=True, **_kw), _shapes)
case(
    "conv_transpose2d",
    _nnf("conv_transpose2d", stride=2, padding=1, output_padding=1),
    [(1, 3, 3, 4), (3, 2, 3, 3), (2,)],
    graph=False,  # composed from conv2d here (a flipped kernel), one node in PyTorch
)
for _name, _shape, _args, _kw in (
    ("max_pool1d", (2, 3, 9), (3, 2, 1), {}),
    ("max_pool2d", (2, 2, 7, 6), (3, 2, 1), dict(ceil_mode=True)),
    ("max_pool2d", (2, 6, 6), (2,), dict(dilation=2)),
    ("max_pool3d", (1, 2, 4, 4, 3), (2, 1, 1), {}),
    ("avg_pool1d", (2, 3, 9), (3, 2, 1), {}),
    ("avg_pool2d", (2, 2, 7, 6), (3, 2, 1), dict(ceil_mode=True, count_include_pad=False)),
    ("avg_pool2d", (2, 6, 6), (2,), dict(divisor_override=3)),
    ("avg_pool3d", (1, 2, 4, 4, 3), (2, 1, 1), {}),
    ("adaptive_avg_pool1d", (2, 3, 7), (3,), {}),
    ("adaptive_avg_pool2d", (2, 3, 7, 5), ((3, 2),), {}),
    ("adaptive_avg_pool3d", (1, 2, 5, 4, 3), ((2, 3, 2),), {}),
    ("adaptive_max_pool2d", (2, 3, 7, 5), ((3, 2),), {}),
    ("adaptive_max_pool3d", (1, 2, 5, 4, 3), ((2, 3, 2),), {}),
):
    _label = "-".join([*map(str, _args), *(f"{k}={v}" for k, v in _kw.items())])
    case(f"{_name}[{_label}]^2", _nnf(_name, *_args, square=True, **_kw), [_shape])
for _mode, _shape, _pad in (
    ("reflect", (2, 3, 6), (2, 1)),
    ("reflect", (3, 6, 5), (2, 1, 1, 2)),
    ("reflect", (1, 2, 4, 3, 5), (1, 1, 2, 0, 1, 2)),
    ("replicate", (2, 3, 6), (2, 1)),
    ("replicate", (1, 2, 4, 3), (2, 1, 1, 2)),
    ("replicate", (1, 2, 4, 3, 5), (2, 1, 1, 2, 0, 1)),
    ("circular", (1, 2, 4, 3), (2, 1, 1, 2)),
):
    case(f"pad_{_mode}{_pad}^2", _nnf("pad", _pad, mode=_mode, square=True), [_shape])

# fractional max pooling: the windows come from fixed samples (a constant input)
_FRAC_S2 = C(np.array([[[0.3, 0.8], [0.55, 0.1], [0.9, 0.45]]] * 2), "float64")
_FRAC_S3 = C(np.array([[[0.3, 0.8, 0.2], [0.65, 0.1, 0.5]]]), "float64")
case(
    "fractional_max_pool2d^2",
    lambda m, x, s: m.nn.functional.fractional_max_pool2d(x, (2, 3), (4, 3), _random_samples=s).pow(
        2
    ),
    [(2, 3, 7, 6), _FRAC_S2],
    gen=distinct,
)
case(
    "fractional_max_pool3d^2",
    lambda m, x, s: m.nn.functional.fractional_max_pool3d(x, 2, (2, 3, 2), _random_samples=s).pow(
        2
    ),
    [(1, 2, 5, 5, 4), _FRAC_S3],
    gen=distinct,
)
# ctc_loss: PyTorch's gradient is the one behind a log_softmax (see nn/_functional/ctc.py), so
# the case starts from logits; its backward has no derivative (gradgrad: NotImplemented).
for _red in ("mean", "sum", "none"):
    case(
        f"ctc_loss[{_red}]",
        lambda m, x, t, r=_red: m.nn.functional.ctc_loss(
            x.log_softmax(2), t, (6, 5, 3), (3, 2, 0), reduction=r, zero_infinity=True
        ),
        [(6, 3, 4), C(np.array([[1, 3, 3], [2, 1, 0], [0, 0, 0]]), "int64")],
        gradgrad=False,
    )

# sanity: every id unique
_ids = [c.id for c in TABLE]
assert len(_ids) == len(set(_ids)), [i for i in _ids if _ids.count(i) > 1]
