"""Compare what a program prints on PyTorch and on ``autograd_widgets``, line by line.

Two rules, and every reported difference names the one that applied:

``exact``
    Lines printed before the program's first float32 (or half-precision) BLAS
    product. Everything that decides them is the engine's: printing of given
    values, elementwise ops, the reductions it orders itself, shapes, dtypes,
    ``grad_fn`` names, errors. They must match character for character.

``blas``
    Lines printed after it. A float32 ``mm``/``bmm``/``addmm``/``conv``/... sums
    its dot products in an order chosen by the BLAS library and by the CPU's
    SIMD width (PyTorch's MKL and numpy's OpenBLAS differ, and each differs
    between AVX2 and AVX-512), so bit-identical results cannot be promised
    across libraries and CPUs. Such lines must have the same text once numbers
    are taken out, the same integers, and floats equal within
    :data:`BLAS_RTOL` relative or one unit in the last printed digit.

The boundary is found on the PyTorch run: a ``TorchDispatchMode`` notes how
many lines had been printed when the first low-precision BLAS kernel ran
(forward or backward). It is time-ordered, so a line printed after that point
but not computed from it is also allowed the tolerance; in practice such
lines still match exactly.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

# Relative tolerance for floats downstream of a float32 BLAS product. Calibrated
# by running every conformance program on two CPUs' kernels (OpenBLAS SkylakeX vs
# Haswell, MKL AVX-512 vs AVX2): the largest relative difference seen was
# 1.2e-6 (a loss after two epochs of SGD, where rounding differences compound),
# about 10 float32 ulps; 1e-5 leaves room for longer chains without hiding a
# wrong formula (those are off by far more than 0.001%).
BLAS_RTOL = 1e-5

# A number that stands alone (not part of a name like ``float32`` or ``MulBackward0``).
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_SPACES = re.compile(r"\s+")
_PADDING = re.compile(r"([\[(]) #")

# ATen ops whose float32 result depends on the BLAS library's summation order.
_BLAS_WORDS = ("mm", "mv", "dot", "conv", "linalg", "cholesky", "cdist", "rnn", "lstm", "gru")
_LOW_PRECISION = ("torch.float32", "torch.float16", "torch.bfloat16", "torch.complex64")


@dataclass
class Difference:
    """One line that did not match, with the rule that was applied."""

    line: int
    rule: str
    want: str
    got: str
    why: str

    def __str__(self):
        return (
            f"line {self.line} differs ({self.rule} rule: {self.why})\n"
            f"  PyTorch:          {self.want!r}\n"
            f"  autograd_widgets: {self.got!r}"
        )


def _float_unit(token: str) -> float:
    """One unit in the last printed digit of ``token`` (``34.4110`` -> 1e-4, ``1.5e-05`` -> 1e-6)."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _numbers_close(want: str, got: str) -> str | None:
    """``None`` when two number tokens agree under the ``blas`` rule, else the reason."""
    is_float = any(c in want + got for c in ".eE")
    if not is_float:
        return None if int(want) == int(got) else f"integers {want} != {got} (exact)"
    a, b = float(want), float(got)
    if a == b or (math.isnan(a) and math.isnan(b)):
        return None
    allowed = max(_float_unit(want), _float_unit(got), BLAS_RTOL * max(abs(a), abs(b)))
    if abs(a - b) <= allowed * (1 + 1e-9):  # the unit itself is rounded in binary
        return None
    return f"{want} vs {got}: |diff| {abs(a - b):.3g} > {allowed:.3g} (rtol {BLAS_RTOL:g} or one printed digit)"


def _skeleton(line: str) -> str:
    """``line`` with numbers replaced by ``#`` and number padding dropped.

    Tensor printing pads numbers to a common width, so a value whose sign or
    digit count changed by rounding moves the spaces around it.
    """
    text = _SPACES.sub(" ", _NUMBER.sub("#", line)).strip()
    return _PADDING.sub(r"\1#", text)


def _blas_mismatch(want: str, got: str) -> str | None:
    """``None`` when ``got`` matches ``want`` under the ``blas`` rule, else the reason."""
    if _skeleton(want) != _skeleton(got):
        return "the text around the numbers differs"
    for w, g in zip(_NUMBER.findall(want), _NUMBER.findall(got)):
        reason = _numbers_close(w, g)
        if reason:
            return reason
    return None


def differences(expected: list[str], ours: list[str], blas_from: int | None) -> list[Difference]:
    """Every line of ``ours`` that does not match ``expected``.

    ``blas_from`` is the 0-based index of the first line printed after a float32
    BLAS product (``None``: the program ran none, every line is exact).
    """
    found = []
    for index, (want, got) in enumerate(zip(expected, ours)):
        if want == got:
            continue
        if blas_from is None or index < blas_from:
            found.append(
                Difference(index + 1, "exact", want, got, "printed before any float32 BLAS product")
            )
            continue
        reason = _blas_mismatch(want, got)
        if reason:
            found.append(Difference(index + 1, "blas", want, got, reason))
    if len(expected) != len(ours):
        found.append(
            Difference(
                min(len(expected), len(ours)) + 1,
                "exact",
                "<end>" if len(expected) < len(ours) else expected[len(ours)],
                "<end>" if len(ours) < len(expected) else ours[len(expected)],
                f"{len(ours)} lines printed, PyTorch printed {len(expected)}",
            )
        )
    return found


def assert_same_output(expected: list[str], ours: list[str], blas_from: int | None, name: str = ""):
    """Fail with every differing line (and the rule applied to it) when the outputs differ."""
    found = differences(expected, ours, blas_from)
    if found:
        where = f"{name}: " if name else ""
        shown = "\n".join(str(d) for d in found[:5])
        more = f"\n... and {len(found) - 5} more" if len(found) > 5 else ""
        raise AssertionError(f"{where}{len(found)} line(s) differ from PyTorch\n{shown}{more}")


class BlasWatch:
    """Notes how many lines were printed to ``stream`` when PyTorch first ran a float32 BLAS kernel.

    Use as a context manager around the PyTorch run; ``first_line`` is then the
    0-based index of the first line that may depend on BLAS rounding, or ``None``.
    """

    def __init__(self, stream: io.StringIO):
        self.stream = stream
        self.first_line: int | None = None
        self._mode = None

    def __enter__(self):
        from torch.utils._python_dispatch import TorchDispatchMode

        watch = self

        class _Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                if watch.first_line is None and _is_low_precision_blas(func, args):
                    # A partial last line may already show the product: count it as BLAS.
                    watch.first_line = watch.stream.getvalue().count("\n")
                return func(*args, **(kwargs or {}))

        self._mode = _Mode()
        self._mode.__enter__()
        return self

    def __exit__(self, *exc):
        return self._mode.__exit__(*exc)


def _is_low_precision_blas(func, args) -> bool:
    name = func.__name__.split(".")[0].lower()
    if not any(word in name for word in _BLAS_WORDS):
        return False
    return any(str(getattr(a, "dtype", "")) in _LOW_PRECISION for a in _flat(args))


def _flat(args):
    for a in args:
        if isinstance(a, (list, tuple)):
            yield from _flat(a)
        else:
            yield a
