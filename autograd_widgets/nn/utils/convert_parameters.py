"""``parameters_to_vector`` / ``vector_to_parameters``."""

from __future__ import annotations

from ...core.tensor import Tensor
from ...ops import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated (differentiable, like PyTorch's ``cat``)."""
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy slices of ``vec`` into the parameters' data, in order."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param._data = vec._data[pointer : pointer + n].reshape(param._data.shape).copy()
        param._vc.v += 1
        pointer += n
