"""``torch.backends`` stand-in: only the CPU exists, so the CUDA switches are plain settings
with PyTorch's defaults on a CPU-only build (scripts set ``cudnn.benchmark = True`` and read
``cudnn.deterministic`` whatever the device)."""

from __future__ import annotations

from types import SimpleNamespace

mps = SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
cudnn = SimpleNamespace(
    enabled=True,
    benchmark=False,
    deterministic=False,
    allow_tf32=True,
    is_available=lambda: False,
    version=lambda: None,
)
cuda = SimpleNamespace(
    is_built=lambda: False,
    matmul=SimpleNamespace(
        allow_tf32=False,
        allow_fp16_reduced_precision_reduction=True,
        allow_bf16_reduced_precision_reduction=True,
    ),
)
