"""``torch.autograd._functions``: the legacy autograd Functions behind deprecated Tensor
methods (``Tensor.resize``/``resize_as``, whose graph shows ``ResizeBackward``)."""

from __future__ import annotations

import math

import numpy as np

from ..core.tensor import Tensor
from .function import Function


class Resize(Function):
    """A reshape to ``sizes`` that keeps the number of elements (PyTorch's out-of-place
    ``resize``); the gradient is reshaped back."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        ctx.sizes = sizes
        ctx.numel = math.prod(sizes)
        if tensor.numel() != ctx.numel:
            raise RuntimeError(
                f"requested resize to {'x'.join(map(str, sizes))} ({ctx.numel} elements in "
                f"total), but the given tensor has a size of "
                f"{'x'.join(map(str, tensor.size()))} ({tensor.numel()} elements). autograd's "
                "resize can only change the shape of a given tensor, while preserving the "
                "number of elements. "
            )
        ctx.input_sizes = tensor.size()
        # (a new tensor over the same memory when it is contiguous, as ``tensor.new(tensor)``)
        return Tensor._make(np.ascontiguousarray(tensor._data).reshape(tuple(sizes)))

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.contiguous().view(ctx.input_sizes), None
