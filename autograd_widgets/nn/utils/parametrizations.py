"""``torch.nn.utils.parametrizations``: ``weight_norm`` and ``spectral_norm`` as parametrizations.

Both register a module with :func:`parametrize.register_parametrization`, named and stored
as PyTorch stores them: ``weight_norm`` keeps ``parametrizations.weight.original0`` (``g``)
and ``original1`` (``v``) and computes ``torch._weight_norm(v, g, dim)``;
``spectral_norm`` keeps ``parametrizations.weight.original`` and the power-iteration
vectors as buffers ``parametrizations.weight.0._u`` / ``_v``, drawn from the global
generator exactly as PyTorch draws them, so a seeded run gives PyTorch's values.
``orthogonal`` is not provided (it needs ``geqrf`` and ``householder_product``).
"""

from __future__ import annotations

from ... import ops
from ...autograd.grad_mode import no_grad
from ...core.tensor import Tensor
from .. import functional as F
from ..modules.module import Module
from ..modules.resample import ConvTranspose2d
from . import parametrize

__all__ = ["spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return ops._weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return ops.norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name: str = "weight", dim: int = 0):
    """Reparametrize ``module.<name>`` as ``g * v / ||v||`` (``torch.nn.utils.parametrizations``).

    The magnitude ``g`` is ``parametrizations.<name>.original0`` and the direction ``v``
    ``original1``; ``dim=None`` normalises the whole tensor. A state dict saved with the
    old ``<name>_g`` / ``<name>_v`` keys still loads, as in PyTorch.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(
        state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ) -> None:
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


def _as_matrix(weight: Tensor, dim: int) -> Tensor:
    """``weight`` with ``dim`` first, flattened to ``(size(dim), -1)``."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.dim()) if d != dim))
    return weight.flatten(1)


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(
                "Dimension out of range (expected to be in range of "
                f"[-{ndim}, {ndim - 1}] but got {dim})"
            )
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but "
                f"got n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = _as_matrix(weight, self.dim)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            # NOTE: 15 steps at registration, as PyTorch does, so u and v start converged.
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        """Update the buffers ``_u``, ``_v`` in place towards the top singular vectors."""
        with no_grad():
            for _ in range(n_power_iterations):
                self._u = F.normalize(ops.mv(weight_mat, self._v), dim=0, eps=self.eps, out=self._u)
                self._v = F.normalize(
                    ops.mv(weight_mat.H, self._u), dim=0, eps=self.eps, out=self._v
                )

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = _as_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = ops.vdot(u, ops.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def _default_dim(module, dim):
    """PyTorch's default: the output-channel dim, 1 for a transposed convolution."""
    if dim is not None:
        return dim
    return 1 if isinstance(module, ConvTranspose2d) else 0


def spectral_norm(
    module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12, dim=None
):
    """Divide ``module.<name>`` by its spectral norm, estimated by power iteration.

    Mirrors ``torch.nn.utils.parametrizations.spectral_norm``: in training mode each access
    runs ``n_power_iterations`` steps that update the buffers ``_u`` / ``_v``; in eval mode
    they stay as they are.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    dim = _default_dim(module, dim)
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps)
    )
    return module
