"""``ConvTranspose1d/2d/3d`` and ``Upsample`` (decoders, GANs, U-Nets)."""

from __future__ import annotations

from .. import functional as F
from .conv import _ConvNd, _ntuple
from .module import Module

__all__ = [
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "Upsample",
    "UpsamplingNearest2d",
    "UpsamplingBilinear2d",
]


class ConvTranspose2d(_ConvNd):
    """``torch.nn.ConvTranspose2d``: weight of shape (in, out // groups, kh, kw)."""

    _dims = 2
    _transposed = True
    _conv = staticmethod(F.conv_transpose2d)

    def __init__(
        self,
        in_channels,
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
        if in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        # _ConvNd builds the (in, out // groups, kh, kw) weight and initialises it like Conv2d's.
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, device, dtype,
        )  # fmt: skip
        self.output_padding = _ntuple(output_padding, self._dims)

    def _output_padding(self, input, output_size):
        """``output_padding``, or the one that makes the output ``output_size`` (PyTorch's
        checks: the size may be the spatial sizes alone or include the batch/channel dims)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        lead = 2 if input.dim() == n + 2 else 1
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} "
                f"or {lead + n} elements (got {len(output_size)})"
            )
        smallest = [
            (input.size(lead + i) - 1) * self.stride[i] - 2 * self.padding[i]
            + self.dilation[i] * (self.kernel_size[i] - 1) + 1
            for i in range(n)
        ]  # fmt: skip
        largest = [lo + s - 1 for lo, s in zip(smallest, self.stride)]
        for size, lo, hi in zip(output_size, smallest, largest):
            if size < lo or size > hi:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from "
                    f"{smallest} to {largest} (for an input of {input.size()[2:]})"
                )
        return [size - lo for size, lo in zip(output_size, smallest)]

    def forward(self, input, output_size=None):
        return type(self)._conv(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self._output_padding(input, output_size),
            self.groups,
            self.dilation,
        )


class ConvTranspose1d(ConvTranspose2d):
    """``torch.nn.ConvTranspose1d``: weight of shape (in, out // groups, k)."""

    _dims = 1
    _conv = staticmethod(F.conv_transpose1d)


class ConvTranspose3d(ConvTranspose2d):
    """``torch.nn.ConvTranspose3d``: weight of shape (in, out // groups, kd, kh, kw)."""

    _dims = 3
    _conv = staticmethod(F.conv_transpose3d)


class Upsample(Module):
    def __init__(
        self,
        size=None,
        scale_factor=None,
        mode="nearest",
        align_corners=None,
        recompute_scale_factor=None,
    ):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, int) else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
