"""``scaled_dot_product_attention``: the reference ("math") formulation, from ops."""

from __future__ import annotations

import math

from ...core import _creation, _dtype


def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    """``torch.nn.functional.scaled_dot_product_attention`` as PyTorch documents it.

    ``softmax(q @ k^T * scale + mask) @ v``; a boolean mask keeps where True. PyTorch's CPU
    kernel (flash attention) rounds differently: values agree to float32 precision.
    """
    L, S = query.shape[-2], key.shape[-2]
    scale_factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    attn = query @ key.transpose(-2, -1) * scale_factor
    if is_causal:
        keep = _creation.ones(L, S, dtype=_dtype.bool_).tril()
        attn = attn.masked_fill(keep.logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == _dtype.bool_:
            attn = attn.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            attn = attn + attn_mask
    attn = attn.softmax(dim=-1)
    if dropout_p > 0.0:
        # cycle: nn.functional re-exports this module's attention
        from ..functional import dropout

        attn = dropout(attn, dropout_p, True)
    return attn @ value
