"""Name the machine a figure or a test run comes from: CPU model, SIMD level, BLAS, threads.

Ratios against PyTorch move with the CPU (its SIMD width decides numpy's and
PyTorch's kernels, and the BLAS library's summation order), so every benchmark
table and every CI run starts with this. ``python bench/machine.py`` prints it.
"""

from __future__ import annotations

import os
import platform

# AMD's x86 families by (family, first model) -> core generation, for CPUs a virtual
# machine names only "AMD EPYC": the generation decides the SIMD units (Zen 1 splits
# each 256-bit AVX2 operation in two 128-bit halves).
_AMD_CORES = (
    (23, 0x00, "Zen"),
    (23, 0x08, "Zen+"),
    (23, 0x30, "Zen 2"),
    (25, 0x00, "Zen 3"),
    (25, 0x10, "Zen 4"),
    (25, 0x20, "Zen 3"),
    (25, 0x60, "Zen 4"),
    (26, 0x00, "Zen 5"),
)


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (or the platform's guess elsewhere).

    A bare name (a VM's "AMD EPYC") gets its family and model, and for AMD the core
    generation: ``AMD EPYC (family 23 model 1, Zen)``.
    """
    fields: dict = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("model name", "cpu family", "model", "vendor_id") and key not in fields:
                    fields[key] = value.strip()
                if not line.strip() and fields:
                    break
    except OSError:
        pass
    name = fields.get("model name")
    if not name:
        return platform.processor() or platform.machine()
    if any(ch.isdigit() for ch in name.replace("EPYC", "")) or "cpu family" not in fields:
        return name  # a full name already says which CPU it is
    family, model = int(fields["cpu family"]), int(fields.get("model", "0"))
    core = ""
    if fields.get("vendor_id") == "AuthenticAMD":
        for fam, first, gen in _AMD_CORES:
            if family == fam and model >= first:
                core = f", {gen}"
    return f"{name} (family {family} model {model}{core})"


def simd_level() -> str:
    """The widest x86 vector extension the CPU reports: ``AVX-512``, ``AVX2``, ``AVX``, ``SSE``."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((ln.split(":", 1)[1].split() for ln in f if ln.startswith("flags")), [])
    except OSError:
        flags = []
    for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"), ("sse2", "SSE2")):
        if flag in flags:
            return name
    return platform.machine()


def numpy_simd() -> str:
    """The SIMD level numpy dispatches its kernels to (``NPY_DISABLE_CPU_FEATURES`` lowers it).

    ``AVX-512`` when numpy's AVX512_SKX kernels are on (its float64 tanh/exp have SIMD code
    only there), else ``AVX2``/``AVX``/... as found; the variable is named when set.
    """
    try:
        try:
            from numpy._core._multiarray_umath import __cpu_features__ as feats
        except ImportError:  # numpy 1.x
            from numpy.core._multiarray_umath import __cpu_features__ as feats
    except ImportError:
        return "unknown"
    level = platform.machine()
    for flag, name in (("AVX512_SKX", "AVX-512"), ("AVX2", "AVX2"), ("AVX", "AVX")):
        if feats.get(flag):
            level = name
            break
    off = os.environ.get("NPY_DISABLE_CPU_FEATURES")
    return f"{level} (NPY_DISABLE_CPU_FEATURES={off})" if off else level


def blas() -> str:
    """numpy's BLAS: library, version, the kernel it picked for this CPU, and its threads."""
    try:
        import numpy  # noqa: F401  (loads the BLAS so threadpoolctl sees it)
        from threadpoolctl import threadpool_info

        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            p = pools[0]
            return (
                f"{p.get('internal_api')} {p.get('version')} "
                f"(kernel {p.get('architecture')}, {p.get('num_threads')} threads)"
            )
    except ImportError:
        pass
    try:
        import numpy as np

        config = np.show_config(mode="dicts")  # numpy >= 1.25
        info = config["Build Dependencies"]["blas"]
        return f"{info.get('name')} {info.get('version')}"
    except Exception:  # noqa: BLE001 - only a description
        return "unknown"


def describe(with_torch: bool = True) -> str:
    """One paragraph naming the machine, for the head of a benchmark table or a CI log.

    ``with_torch=False`` leaves PyTorch out (importing it takes a second and loads its libraries).
    """
    lines = [f"CPU: {cpu_model()} ({simd_level()}), {os.cpu_count()} cores"]
    try:
        import numpy as np

        lines.append(f"numpy {np.__version__} (SIMD {numpy_simd()}), BLAS: {blas()}")
    except ImportError:
        lines.append("numpy not installed")
    names = (
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "ATEN_CPU_CAPABILITY",
        "MKL_ENABLE_INSTRUCTIONS",
    )
    env = {k: os.environ[k] for k in names if k in os.environ}
    if env:
        lines.append("set: " + ", ".join(f"{k}={v}" for k, v in env.items()))
    if not with_torch:
        return "\n".join(lines)
    try:
        import torch

        lines.append(
            f"torch {torch.__version__} (CPU capability {torch.backends.cpu.get_cpu_capability()}, "
            f"{torch.get_num_threads()} threads)"
        )
    except ImportError:
        pass
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe())
