"""Every differentiable op of the op table reports its no-grad runs (``op_no_grad``).

Under ``no_grad`` an op builds no node; a recorder still wants to draw it as a faded
"ghost" (``%%autograd_graph``). ``needs_grad``/``record`` emit the event in one place,
so this walks the whole table: each output PyTorch gives a ``grad_fn`` gets exactly
one ``op_no_grad`` event, named as PyTorch's ``grad_fn`` would be.
"""

from __future__ import annotations

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import bus
from tests._oracle import require_torch
from tests.op_table import TABLE
from tests.test_ops import flat_outputs, input_arrays, make_inputs

# Known gaps, each a strict xfail so a fix shows up: in-place ops (``x.add_(y)``,
# ``x[i] = v``) change a tensor a ghost already stands for and emit no event of their
# own yet; clamp_min/clamp_max rename clamp's node after the fact, which a ghost cannot.
_INPLACE = {
    "add_", "add_scalar_", "sub_", "div_", "pow_", "clamp_", "zero_", "fill_", "fill_tensor_",
    "copy_[3x4-3x4]", "copy_[3x4-4]", "relu_", "sigmoid_", "tanh_", "exp_", "masked_fill_",
    "augmented_assign", "setitem_int", "setitem_slice", "setitem_broadcast", "setitem_list",
    "setitem_mask", "setitem_scalar", "setitem_into_const", "view_inplace_mul_",
    "view_inplace_t_zero_", "view_inplace_saved_result_error", "view_of_view_inplace",
    "addcmul_inplace", "diagonal_view_inplace", "setitem_imul", "setitem_slice_iadd",
    "xlogy_", "logit_", "index_fill_", "index_copy_", "index_put_", "masked_scatter_",
    "scatter_reduce_", "renorm_",
    "matrix_power[0]",  # ATen's n = 0: clone().copy_(identity), an in-place copy
    "put_", "cumsum_", "cumprod_", "arccos_", "arcsinh_", "arctanh_", "arctan2_", "atan2_",
    "absolute_", "negative_", "divide_", "true_divide_", "subtract_", "hypot_", "ldexp_",
    "float_power_", "float_power_tensor_",
    *(f"{c}{s}" for c in ("eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "less_equal_",
                          "not_equal_") for s in ("", "tensor")),
    "addmv_", "addr_", "addbmm_", "addmm_", "baddbmm_", "as_strided_", "nextafter_", "fix_",
    "mul_into_constant", "div_into_constant", "i0_", "igammac_", "mvlgamma_",
    # linalg.cond(p=fro/1/inf): ATen ends with nan_to_num_, in place
    "linalg_cond[fro]", "linalg_cond[1]", "linalg_cond[-1]", "linalg_cond[inf]", "linalg_cond[-inf]",
}  # fmt: skip
_GAPS = {**dict.fromkeys(_INPLACE, "in-place op: no ghost event yet"),
         "clamp_min_fn": "ghost named ClampBackward1",
         "clamp_max_fn": "ghost named ClampBackward1"}  # fmt: skip
CASES = [
    pytest.param(
        c,
        id=c.id,
        marks=[pytest.mark.xfail(reason=_GAPS[c.id], strict=True)] if c.id in _GAPS else [],
    )
    for c in TABLE
    if c.graph and not c.xfail
]


@pytest.mark.parametrize("case", CASES)
def test_every_op_emits_one_ghost_under_no_grad(case):
    torch = require_torch()
    arrays = input_arrays(case)
    theirs = flat_outputs(case.fn(torch, *make_inputs(torch, case, arrays)))
    names = [type(o.grad_fn).__name__ if o.grad_fn is not None else None for o in theirs]
    if not any(names):
        pytest.skip("PyTorch builds no node for this case")

    seen = []
    ts = make_inputs(aw, case, arrays)
    with bus.subscribe(lambda kind, p: seen.append((p["name"], p["output"])), "op_no_grad"):
        with aw.no_grad():
            ours = flat_outputs(case.fn(aw, *ts))
    for o, name in zip(ours, names):
        if name is None:
            continue
        hits = [n for n, out in seen if out is o]
        assert hits == [name], f"output {name}: op_no_grad events {hits}"


def test_tutorial_03_cell_draws_abs_and_max_as_ghosts():
    """Tutorial 03's ``%%autograd_graph`` cell: ``hidden.abs().max()`` under no_grad."""
    import sys
    import textwrap
    from pathlib import Path

    from autograd_widgets.graph import GraphModel, record

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "notebooks" / "source"))
    try:
        from nb03_grad_modes import CELLS
    finally:
        sys.path.pop(0)
    (src,) = [c[1] for c in CELLS if c[2] is None and "%%autograd_graph" in c[1]]
    body = textwrap.dedent(src).strip().split("\n", 1)[1]  # without the magic line
    ns = {"torch": aw}
    with record() as rec:
        exec(body, ns)  # noqa: S102 - the tutorial's own cell
    graph = GraphModel.from_recording(rec).to_json()
    ghosts = {n["label"]: n for n in graph["nodes"] if n.get("no_grad")}
    assert {"AbsBackward0", "MaxBackward1"} <= set(ghosts), sorted(ghosts)
    assert ghosts["MaxBackward1"]["no_grad_reason"] == "grad_mode_off"
