"""Keep large numpy buffers mapped between ops (glibc only).

Every op on a big tensor allocates its result with ``malloc``. glibc returns freed
memory at the top of the heap to the kernel once more than ``M_TRIM_THRESHOLD`` is
free, so a training step that frees its activations at the end faults every page of
them in again on the next step: on the broadcast benchmark (8 MB tensors) that is a
third of the step. Raising the trim threshold to 128 MB and pinning the mmap threshold
at glibc's own maximum (32 MB, which its dynamic threshold reaches anyway) keeps those
pages. Allocations above 32 MB are still mapped and unmapped on their own.

Set ``AUTOGRAD_WIDGETS_MALLOC=default`` before the import to leave malloc alone.
"""

from __future__ import annotations

import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
TRIM_BYTES = 128 << 20
MMAP_BYTES = 32 << 20

applied: dict = {}


def tune() -> dict:
    """Apply the thresholds once; return what was set (empty when not applicable)."""
    if applied or os.environ.get("AUTOGRAD_WIDGETS_MALLOC", "") == "default":
        return applied
    if not sys.platform.startswith("linux"):
        return applied
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - present only in glibc (not musl)
    except (OSError, AttributeError):
        return applied
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    if mallopt(M_MMAP_THRESHOLD, MMAP_BYTES) == 1:
        applied["M_MMAP_THRESHOLD"] = MMAP_BYTES
    if mallopt(M_TRIM_THRESHOLD, TRIM_BYTES) == 1:
        applied["M_TRIM_THRESHOLD"] = TRIM_BYTES
    return applied
