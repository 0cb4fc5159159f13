"""``torch.version``: what a CPU-only build reports (no CUDA, no ROCm, no XPU)."""

from __future__ import annotations

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

from . import __version__  # the package version (torch.version.__version__)

debug = False
cuda = None
git_version = "Unknown"  # PyTorch's value for a build made outside a git checkout
hip = None
rocm = None
xpu = None
