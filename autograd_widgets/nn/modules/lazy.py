"""Lazy modules: ``LazyLinear``, ``LazyConv1d/2d/3d``, ``LazyConvTranspose1d/2d/3d``,
``LazyBatchNorm1d/2d/3d``, ``LazyInstanceNorm1d/2d/3d``.

A lazy module is built without its input size. Its parameters start as
:class:`~autograd_widgets.nn.parameter.UninitializedParameter` objects; the first
``forward`` reads the size from the input, materialises them in place, runs the
usual initialisation and turns the module into its ordinary class (``LazyLinear``
becomes ``Linear``), as in PyTorch. Loading a ``state_dict`` materialises them too.
"""

from __future__ import annotations

from ...core._creation import tensor as _tensor
from ...core._dtype import int64
from ..parameter import UninitializedBuffer, UninitializedParameter, is_lazy
from .conv import Conv1d, Conv2d, Conv3d
from .extra import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .layers import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .linear import Linear
from .resample import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

__all__ = [
    "LazyModuleMixin",
    "LazyLinear",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
]


class LazyModuleMixin:
    """``torch.nn.modules.lazy.LazyModuleMixin``: shapes inferred on the first call.

    A subclass defines ``initialize_parameters(*args)`` (materialise from the input)
    and ``cls_to_become`` (the class the module takes once initialised).
    """

    cls_to_become = None
    _inferred = ""  # the size attribute the first input fills (in_features, in_channels...)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._load_hook = self.register_load_state_dict_pre_hook(_materialize_from_state_dict)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters, with_kwargs=True)

    def has_uninitialized_params(self) -> bool:
        """Whether any parameter or buffer still waits for its shape."""
        tensors = [*self._parameters.values(), *self._buffers.values()]
        return any(is_lazy(t) for t in tensors)

    def reset_parameters(self) -> None:
        # The base class's initialisation, once there is something to initialise.
        if not self.has_uninitialized_params() and getattr(self, self._inferred) != 0:
            super().reset_parameters()

    def initialize_parameters(self, *args, **kwargs) -> None:  # pragma: no cover - overridden
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {self.__class__.__name__}"
        )

    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        # An uninitialised tensor cannot be detached: it is saved as it is, as in PyTorch.
        for name, param in self._parameters.items():
            if param is not None:
                keep = keep_vars or is_lazy(param)
                destination[prefix + name] = param if keep else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars or is_lazy(buf) else buf.detach()


def _infer_parameters(module, args, kwargs=None) -> None:
    """The forward pre-hook: materialise from the first input, then become the plain class."""
    module.initialize_parameters(*args, **(kwargs or {}))
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    module._load_hook.remove()
    del module._initialize_hook
    del module._load_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


def _materialize_from_state_dict(module, state_dict, prefix, *_) -> None:
    """A load_state_dict pre-hook: uninitialised tensors take the loaded tensors' shapes."""
    for name, t in [*module._parameters.items(), *module._buffers.items()]:
        key = prefix + name
        if key in state_dict and is_lazy(t):
            incoming = state_dict[key]
            if not is_lazy(incoming):
                t.materialize(incoming.shape)


def _factory(device, dtype) -> dict:
    return {"device": device, "dtype": dtype}


class LazyLinear(LazyModuleMixin, Linear):
    """``torch.nn.LazyLinear``: a ``Linear`` whose ``in_features`` is the first input's last
    dimension."""

    cls_to_become = Linear
    _inferred = "in_features"

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(**_factory(device, dtype))
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(**_factory(device, dtype))

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
        if self.in_features == 0:  # materialised by load_state_dict: take the loaded size
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(
                    f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                    f"in_features from self.weight: {self.weight.shape[-1]}"
                )
            self.in_features = input.shape[-1]


class _LazyConvMixin(LazyModuleMixin):
    """Shared by the lazy convolutions: ``in_channels`` from the input's channel dimension."""

    _inferred = "in_channels"

    def __init__(
        self,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode)
        self.weight = UninitializedParameter(**_factory(device, dtype))
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(**_factory(device, dtype))

    def _in_channels_of(self, input) -> int:
        unbatched = self._dims + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(
                f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                f"{self.__class__.__name__}, but got input of size: {input.shape}"
            )
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.in_channels = self._in_channels_of(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            # A transposed convolution's weight is (in, out // groups, *k).
            if self._transposed:
                shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
            self.weight.materialize(shape)
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()


class LazyConv1d(_LazyConvMixin, Conv1d):
    """``torch.nn.LazyConv1d``: a ``Conv1d`` whose ``in_channels`` comes from the input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConvMixin, Conv2d):
    """``torch.nn.LazyConv2d``: a ``Conv2d`` whose ``in_channels`` comes from the input."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConvMixin, Conv3d):
    """``torch.nn.LazyConv3d``: a ``Conv3d`` whose ``in_channels`` comes from the input."""

    cls_to_become = Conv3d


class _LazyConvTransposeMixin(_LazyConvMixin):
    """The lazy transposed convolutions: ``ConvTranspose``'s argument order."""

    def __init__(
        self,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ) -> None:
        LazyModuleMixin.__init__(
            self, 0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
            padding_mode,
        )  # fmt: skip
        self.weight = UninitializedParameter(**_factory(device, dtype))
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(**_factory(device, dtype))


class LazyConvTranspose1d(_LazyConvTransposeMixin, ConvTranspose1d):
    """``torch.nn.LazyConvTranspose1d``: ``in_channels`` from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeMixin, ConvTranspose2d):
    """``torch.nn.LazyConvTranspose2d``: ``in_channels`` from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeMixin, ConvTranspose3d):
    """``torch.nn.LazyConvTranspose3d``: ``in_channels`` from the first input."""

    cls_to_become = ConvTranspose3d


class _LazyNormMixin(LazyModuleMixin):
    """Shared by the lazy batch norms: ``num_features`` from the input's dimension 1."""

    _inferred = "num_features"

    def __init__(
        self,
        eps=1e-5,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
        device=None,
        dtype=None,
        *,
        bias=True,
    ) -> None:
        super().__init__(0, eps, momentum, False, False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(**_factory(device, dtype))
            self.bias = UninitializedParameter(**_factory(device, dtype)) if bias else None
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(**_factory(device, dtype))
            self.running_var = UninitializedBuffer(**_factory(device, dtype))
            self.num_batches_tracked = _tensor(0, dtype=int64)

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                self.weight.materialize((self.num_features,))
                if self.bias is not None:
                    self.bias.materialize((self.num_features,))
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormMixin, BatchNorm1d):
    """``torch.nn.LazyBatchNorm1d``: ``num_features`` from the first input."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormMixin, BatchNorm2d):
    """``torch.nn.LazyBatchNorm2d``: ``num_features`` from the first input."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormMixin, BatchNorm3d):
    """``torch.nn.LazyBatchNorm3d``: ``num_features`` from the first input."""

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNormMixin, InstanceNorm1d):
    """``torch.nn.LazyInstanceNorm1d``: ``num_features`` from the first input."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormMixin, InstanceNorm2d):
    """``torch.nn.LazyInstanceNorm2d``: ``num_features`` from the first input."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormMixin, InstanceNorm3d):
    """``torch.nn.LazyInstanceNorm3d``: ``num_features`` from the first input."""

    cls_to_become = InstanceNorm3d
