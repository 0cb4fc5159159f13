"""Graph parity: small expressions whose grad_fn DAG must be PyTorch's, node for node.

Each case builds one expression in ``autograd_widgets`` and in ``torch`` from the same
inputs and compares the DAG (``grad_fn`` class names walked through
``next_functions``, the ``_saved_*`` names and their plain values), the values and the
gradients. Composite ops are the point: PyTorch lowers ``einsum``, ``kron``,
``tensordot``, ``cosine_similarity``, ``repeat_interleave``... to other ops, and the
graph a learner sees must show the same ones. (The op table, ``tests/op_table.py``,
checks finite differences and double backward; this file is about the shape of the
graph of everyday expressions.)

NOTE: einsum with 3+ operands is compared contracted left to right, which is what
PyTorch does when ``opt_einsum`` is not installed (as in the oracle's environment).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_widgets as aw
from tests._oracle import require_torch
from tests.op_table import C, Case
from tests.test_ops import assert_close, graph_and_saved, run, to_np

F = "nn.functional"
P = C(np.array([0.2, 0.5, 0.3]))  # a probability-like constant
MASK = C(np.array([True, False, True]))
IDX = C(np.array([0, 2]))
CASES: list[Case] = []


def _f(m):
    return m.nn.functional


def case(name, fn, *shapes, **kw):
    CASES.append(Case(name, fn, tuple(shapes), **kw))


# --- matmul and friends -------------------------------------------------------------------------
for _a, _b in [
    ((3,), (3,)),
    ((3,), (3, 4)),
    ((4, 3), (3,)),
    ((2, 4, 3), (3, 5)),
    ((4, 3), (2, 3, 5)),
    ((2, 4, 3), (3,)),
    ((3,), (2, 3, 5)),
    ((2, 2, 4, 3), (2, 1, 3, 5)),
]:
    case(f"matmul {_a}@{_b}", lambda m, x, y: x @ y, _a, _b)
for _eq, _shapes in [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("i,i->", [(3,), (3,)]),
    ("ii->i", [(3, 3)]),
    ("ij->ji", [(3, 4)]),
    ("ij,j->i", [(3, 4), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->", [(3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 4)]),
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    ("ii,ij->j", [(3, 3), (3, 2)]),
    ("iij->ij", [(3, 3, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("i,i,i->i", [(3,), (3,), (3,)]),
    ("bi,oij,bj->bo", [(2, 3), (5, 3, 4), (2, 4)]),
    ("bij,bjk->bik", [(1, 2, 3), (4, 3, 2)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 2, 5)]),
    ("jk,ij->ik", [(3, 4), (2, 3)]),
]:
    case(f"einsum {_eq} {_shapes}", (lambda eq: lambda m, *xs: m.einsum(eq, *xs))(_eq), *_shapes)
case("tensordot 2", lambda m, x, y: m.tensordot(x, y, dims=2), (2, 3, 4), (3, 4, 5))
case("tensordot lists", lambda m, x, y: m.tensordot(x, y, ([0, 2], [1, 0])), (2, 3, 4), (4, 2, 5))
case("tensordot full", lambda m, x, y: m.tensordot(x, y, 2), (3, 4), (3, 4))
case("inner 1d", lambda m, x, y: m.inner(x, y), (3,), (3,))
case("inner 2d", lambda m, x, y: m.inner(x, y), (2, 3), (4, 3))

# --- quantile, matrix_power, logdet: composites in PyTorch -------------------------------------
case("median by quantile", lambda m, x: m.quantile(x.exp(), 0.5, dim=0).sum(), (4, 3))
case(
    "quantiles of a row",
    lambda m, x: (x * 2).quantile(m.tensor([0.1, 0.9], dtype=x.dtype), dim=-1, keepdim=True),
    (3, 5),
)
case("nanquantile lower", lambda m, x: m.nanquantile(x, 0.25, interpolation="lower"), (2, 3))
case("matrix_power 4", lambda m, x: m.matrix_power(x + 2 * m.eye(3, dtype=x.dtype), 4), (3, 3))
case("matrix_power -2", lambda m, x: m.matrix_power(x + 2 * m.eye(3, dtype=x.dtype), -2), (3, 3))
case("logdet of A^T A", lambda m, x: m.logdet(x.mT @ x + m.eye(3, dtype=x.dtype)), (4, 3))
case("renorm then sum", lambda m, x: x.renorm(2, 0, 1.0).sum(1), (3, 4))
case(
    "scatter_reduce amax",
    lambda m, x, s: m.scatter_reduce(x, 0, m.tensor([[0, 1, 0]]), s, "amax") * 2,
    (2, 3),
    (1, 3),
)
case("kron 2d", lambda m, x, y: m.kron(x, y), (2, 2), (2, 3))
case("kron 1d-2d", lambda m, x, y: m.kron(x, y), (2,), (2, 3))
case("linear", lambda m, x, w, b: _f(m).linear(x, w, b), (2, 3), (4, 3), (4,))
case("linear nobias", lambda m, x, w: _f(m).linear(x, w), (2, 3), (4, 3))
case("linear 3d", lambda m, x, w, b: _f(m).linear(x, w, b), (5, 2, 3), (4, 3), (4,))
case("linear 1d", lambda m, x, w, b: _f(m).linear(x, w, b), (3,), (4, 3), (4,))
case("bilinear", lambda m, x, y, w, b: _f(m).bilinear(x, y, w, b), (2, 3), (2, 4), (5, 3, 4), (5,))
case("bilinear 3d", lambda m, x, y, w: _f(m).bilinear(x, y, w), (2, 2, 3), (2, 2, 4), (5, 3, 4))
case("baddbmm", lambda m, b, x, y: m.baddbmm(b, x, y), (2, 3, 4), (2, 3, 5), (2, 5, 4))
case("addcmul", lambda m, x, y, z: m.addcmul(x, y, z, value=0.5), (3,), (3,), (3,))
case("multi_dot", lambda m, x, y, z: m.linalg.multi_dot([x, y, z]), (2, 3), (3, 4), (4, 2))

# --- distances and norms ------------------------------------------------------------------------
for _p in (2.0, 1.0, 0.5, 3.0, float("inf")):
    case(f"cdist p={_p}", (lambda p: lambda m, x, y: m.cdist(x, y, p=p))(_p), (3, 2), (4, 2))
case("cdist batch", lambda m, x, y: m.cdist(x, y), (2, 3, 2), (4, 2))
case("cdist mm (>25 rows)", lambda m, x, y: m.cdist(x, y), (30, 2), (4, 2))
case("cdist mm batch", lambda m, x, y: m.cdist(x, y), (2, 30, 2), (4, 2))
case(
    "cdist use_mm",
    lambda m, x, y: m.cdist(x, y, compute_mode="use_mm_for_euclid_dist"),
    (3, 2),
    (4, 2),
)
case("cosine_similarity", lambda m, x, y: _f(m).cosine_similarity(x, y), (2, 3), (2, 3))
case("cosine_similarity bcast", lambda m, x, y: _f(m).cosine_similarity(x, y), (2, 3), (3,))
case("cosine_similarity dim", lambda m, x, y: m.cosine_similarity(x, y, dim=0), (3,), (3,))
case("normalize", lambda m, x: _f(m).normalize(x), (2, 3))
case("normalize p1", lambda m, x: _f(m).normalize(x, p=1, dim=0), (2, 3))
case("norm", lambda m, x: m.norm(x), (3, 3))
case("norm dim", lambda m, x: x.norm(2, dim=1), (3, 3))
case("linalg.norm", lambda m, x: m.linalg.norm(x), (3, 3))
case("linalg.norm dim", lambda m, x: m.linalg.norm(x, dim=1), (3, 3))
case("linalg.vector_norm inf", lambda m, x: m.linalg.vector_norm(x, float("inf")), (3, 3))

# --- reductions, losses, activations --------------------------------------------------------------
case("trace", lambda m, x: m.trace(x), (3, 3))
case("diag", lambda m, x: m.diag(x), (3,))
case("diagonal", lambda m, x: x.diagonal(1), (3, 4))
case("layer_norm", lambda m, x: _f(m).layer_norm(x, (3,)), (2, 3))
for _train in (True, False):
    case(
        f"batch_norm training={_train}",
        lambda m, x, w, b, t=_train: _f(m).batch_norm(
            x, m.zeros(3, dtype=x.dtype), m.ones(3, dtype=x.dtype), w, b, training=t
        ),
        (4, 3, 2),
        (3,),
        (3,),
    )
case("batch_norm no stats", lambda m, x: _f(m).batch_norm(x, None, None, training=True), (4, 3))
case("softplus", lambda m, x: _f(m).softplus(x), (3,))
case("gelu", lambda m, x: _f(m).gelu(x), (3,))
case("dropout eval", lambda m, x: _f(m).dropout(x, training=False), (3,))
case("std", lambda m, x: x.std(dim=1), (3, 4))
case("var_mean", lambda m, x: m.var_mean(x, dim=1)[0], (3, 4))
case("logsumexp", lambda m, x: m.logsumexp(x, dim=1), (3, 4))
case("cross_entropy probs", lambda m, x, t: _f(m).cross_entropy(x, t), (3, 3), C(np.eye(3)))
case("bce_logits", lambda m, x, t: _f(m).binary_cross_entropy_with_logits(x, t), (3,), P)
case("mse sum", lambda m, x, y: _f(m).mse_loss(x, y, reduction="sum"), (3,), (3,))
case("l1", lambda m, x, y: _f(m).l1_loss(x, y), (3,), (3,))
case("smooth_l1", lambda m, x, y: _f(m).smooth_l1_loss(x, y), (3,), (3,))
case("huber", lambda m, x, y: _f(m).huber_loss(x, y), (3,), (3,))
case("kl_div", lambda m, x, y: _f(m).kl_div(x, y, reduction="batchmean"), (3,), (3,))
case("pad", lambda m, x: _f(m).pad(x, (1, 1)), (2, 3))
case("embedding", lambda m, i, w: _f(m).embedding(i, w), IDX, (3, 4))
case("softmax", lambda m, x: x.softmax(1), (3, 4))
case("log_softmax", lambda m, x: _f(m).log_softmax(x, dim=1), (2, 3))
case("nll", lambda m, x, t: _f(m).nll_loss(_f(m).log_softmax(x, dim=1), t), (2, 3), IDX)
case("cross_entropy", lambda m, x, t: _f(m).cross_entropy(x, t), (2, 3), IDX)
case("bce", lambda m, x, t: _f(m).binary_cross_entropy(m.sigmoid(x), t), (3,), P)
for _name in ("relu", "leaky_relu", "elu", "silu", "hardtanh", "sigmoid", "softsign", "tanhshrink"):
    case(f"F.{_name}", (lambda n: lambda m, x: getattr(_f(m), n)(x))(_name), (3,))
case("logsigmoid", lambda m, x: _f(m).logsigmoid(x), (3,))
case("softmin", lambda m, x: _f(m).softmin(x, dim=1), (2, 3))
case("glu", lambda m, x: _f(m).glu(x), (2, 4))
for _mode, _shape, _kw in [
    ("nearest", (1, 2, 3), {"scale_factor": 2}),
    ("nearest", (1, 2, 3, 2), {"size": (4, 5)}),
    ("nearest-exact", (1, 1, 2, 2, 3), {"scale_factor": 1.5}),
    ("linear", (1, 2, 4), {"size": 7, "align_corners": True}),
    ("bilinear", (1, 2, 3, 4), {"scale_factor": 1.5}),
    ("bicubic", (1, 1, 3, 4), {"size": (5, 2)}),
    ("trilinear", (1, 1, 2, 3, 2), {"scale_factor": 2, "recompute_scale_factor": True}),
    ("area", (1, 2, 5, 4), {"size": (3, 2)}),
]:
    case(
        f"interpolate {_mode} {len(_shape) - 2}d",
        (lambda md, kw: lambda m, x: _f(m).interpolate(x, mode=md, **kw))(_mode, _kw),
        _shape,
    )

# --- shapes, views, indexing ---------------------------------------------------------------------
case("x.T", lambda m, x: x.T, (3, 4))
case("x.mT", lambda m, x: x.mT, (2, 3, 4))
case("x[..., None]", lambda m, x: x[..., None], (3, 4))
case("x[0]", lambda m, x: x[0], (3, 4))
case("x[:, 1]", lambda m, x: x[:, 1], (3, 4))
case("x[[0, 1]]", lambda m, x: x[[0, 1]], (3, 4))
case("x[x > 0]", lambda m, x: x[x > 0], (3, 4))
case("repeat_interleave", lambda m, x: x.repeat_interleave(2), (3,))
case("repeat_interleave 2d", lambda m, x: x.repeat_interleave(2), (2, 3))
case("repeat_interleave dim", lambda m, x: x.repeat_interleave(3, dim=-1), (2, 3))
case(
    "repeat_interleave tensor",
    lambda m, x, r: m.repeat_interleave(x, r, dim=1),
    (2, 3),
    C(np.array([1, 2, 0])),
)
case("tril", lambda m, x: x.tril(), (3, 3))
case("sort", lambda m, x: x.sort()[0], (5,))
case("topk", lambda m, x: x.topk(2)[0], (5,))
case("cumsum", lambda m, x: x.cumsum(0), (5,))
case("diff", lambda m, x: x.diff(), (5,))
case("prod dim", lambda m, x: x.prod(1), (3, 4))
case("median", lambda m, x: x.median(), (5,))
case("max dim", lambda m, x: x.max(1)[0], (3, 4))
case("amax", lambda m, x: x.amax(1), (3, 4))
case("view(-1)", lambda m, x: x.view(-1), (3, 4))
case("flatten", lambda m, x: x.flatten(), (3, 4))
case("flatten 0-d", lambda m, x: m.flatten(x), ())
case("reshape", lambda m, x: x.reshape(4, 3), (3, 4))
case("reshape strided", lambda m, x: x.t().unsqueeze(0).reshape(4, 3), (3, 4))
case("reshape copy", lambda m, x: x.t().reshape(-1), (3, 4))
case("contiguous", lambda m, x: x.t().contiguous(), (3, 4))
case("clone", lambda m, x: x.clone(), (3,))
case("expand", lambda m, x: x.expand(3, 4), (3, 1))
case("stack", lambda m, x, y: m.stack([x, y]), (3,), (3,))
case("cat", lambda m, x, y: m.cat([x, y]), (3,), (3,))
case("chunk", lambda m, x: x.chunk(2)[1], (4,))
case("where", lambda m, c, x, y: m.where(c, x, y), MASK, (3,), (3,))
case("clamp", lambda m, x: x.clamp(min=0), (3,))
case("clamp both", lambda m, x: x.clamp(-0.5, 0.5), (3,))
case("masked_fill", lambda m, x, b: x.masked_fill(b, 0.0), (3,), MASK)
case("meshgrid", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), (2,), (3,))
case("cartesian_prod", lambda m, x, y: m.cartesian_prod(x, y), (2,), (3,))
case("block_diag", lambda m, x, y: m.block_diag(x, y), (2, 2), (1, 3))
case("atleast_2d", lambda m, x: m.atleast_2d(x), (3,))
case("atleast_3d 1-d", lambda m, x: m.atleast_3d(x), (3,))
case("atleast_3d 2-d", lambda m, x: m.atleast_3d(x), (2, 3))
case("atleast_3d 0-d", lambda m, x: m.atleast_3d(x), ())
case("pixel_shuffle", lambda m, x: _f(m).pixel_shuffle(x, 2), (1, 4, 2, 2))
case("unfold", lambda m, x: _f(m).unfold(x, 2), (1, 1, 3, 3))
case("group_norm", lambda m, x: _f(m).group_norm(x, 2), (2, 4, 3))
case("group_norm affine", lambda m, x, w, b: _f(m).group_norm(x, 2, w, b), (2, 4, 3, 2), (4,), (4,))
case("instance_norm", lambda m, x: _f(m).instance_norm(x), (2, 3, 4))
case("pdist", lambda m, x: _f(m).pdist(x), (4, 3))
case("cov", lambda m, x: m.cov(x), (3, 4))
case("corrcoef", lambda m, x: m.corrcoef(x), (3, 4))
case("dist", lambda m, x, y: m.dist(x, y), (3,), (3,))
case("dist p=1 bcast", lambda m, x, y: m.dist(x, y, 1), (2, 3), (3,))
case("trapezoid", lambda m, x: m.trapezoid(x), (4,))
case("pairwise_distance", lambda m, x, y: _f(m).pairwise_distance(x, y), (2, 3), (2, 3))

# --- arithmetic ----------------------------------------------------------------------------------
case("x.pow(2).sum()", lambda m, x: x.pow(2).sum(), (3,))
case("x ** 0.5", lambda m, x: x.abs() ** 0.5, (3,))
case("2 ** x", lambda m, x: 2**x, (3,))
case("square", lambda m, x: x.square(), (3,))
case("x / y", lambda m, x, y: x / y, (3,), (3,))
case("1 / x", lambda m, x: 1 / x, (3,))
case("1 - x", lambda m, x: 1 - x, (3,))
case("-x", lambda m, x: -x, (3,))
case("mean(0)", lambda m, x: x.mean(0), (3, 4))
case("sum(dim=(0, 1))", lambda m, x: x.sum(dim=(0, 1)), (3, 4))
case("to(float32)", lambda m, x: x.float(), (3,))

# Known differences, left for later (the DAG itself differs, or the op is missing).
XFAIL: dict = {}
_ids = [c.id for c in CASES]
assert len(_ids) == len(set(_ids)), [i for i in _ids if _ids.count(i) > 1]


def _params(graph):
    out = []
    for c in CASES:
        why = XFAIL.get(c.id, "")
        if not graph and "not implemented" not in why:
            why = ""
        marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


def _arrays(case):
    rng = np.random.default_rng(sum(map(ord, case.id)))
    return [
        s.array() if isinstance(s, C) else rng.uniform(-2, 2, s).astype(np.float64)
        for s in case.inputs
    ]


@pytest.mark.parametrize("case", _params(graph=True))
def test_graph_matches_torch(case):
    """The DAG: node names, next_functions, _saved_* names and their plain values."""
    torch = require_torch()
    arrays = _arrays(case)
    sig_t, want = graph_and_saved(torch, case, arrays)
    sig_a, got = graph_and_saved(aw, case, arrays)
    assert sig_a == sig_t
    for path, vals in want.items():
        mine = got.get(path, {})
        for attr, v in vals.items():
            assert mine.get(attr, "missing") == v, f"{path} {attr}: torch {v!r}"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", _params(graph=False))
def test_values_and_gradients_match_torch(case, dtype):
    torch = require_torch()
    arrays = _arrays(case)
    c = Case(**{**case.__dict__, "dtype": dtype})
    if dtype == "float32":
        c.atol, c.rtol = 1e-5, 1e-4
    try:
        _, _, outs_t, grads_t, _ = run(torch, c, arrays)
    except RuntimeError as e:
        # A float64 constant with float32 inputs: some ops refuse it (bce); ours must too.
        with pytest.raises(RuntimeError, match=re.escape(str(e))):
            run(aw, c, arrays)
        return
    _, _, outs_a, grads_a, _ = run(aw, c, arrays)
    assert len(outs_a) == len(outs_t)
    for k, (a, t) in enumerate(zip(outs_a, outs_t)):
        assert str(a.dtype) == str(t.dtype), f"output {k} dtype"
        assert_close(to_np(a), to_np(t), c, f"output {k}")
    for k, (ga, gt) in enumerate(zip(grads_a or (), grads_t or ())):
        assert (ga is None) == (gt is None), f"grad {k} None-ness"
        if gt is not None:
            assert_close(to_np(ga), to_np(gt), c, f"grad of input {k}")
