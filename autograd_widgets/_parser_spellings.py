"""The spellings PyTorch's argument parser accepts beyond a function's own parameter names.

PyTorch binds every ``torch.*`` function and ``Tensor`` method through one C++
argument parser, and that parser, not each op, accepts:

* NumPy's names for two parameters: ``axis`` for ``dim`` and ``keepdims`` for
  ``keepdim`` (``a.sum(axis=0)``, ``torch.mean(a, 1, keepdims=True)``);
* an int list given either spread out or by name: ``torch.zeros(2, 3)``,
  ``torch.zeros((2, 3))`` and ``torch.zeros(size=(2, 3))`` are one call;
* ``out=`` on the module-level functions (``torch.exp(a, out=b)``).

Our ops are plain Python functions with PyTorch's parameter names, so this
module plays the parser's part: :func:`apply` wraps the functions that need it
(a wrapper does no work unless keywords are given, but it is one more Python
frame per call). The ops a training loop calls on every step take the spellings
as parameters of their own instead, so a plain call pays nothing: the unary
table's ``torch.<op>`` has its own ``out=`` (``ops/pointwise.py``), and
``sum``/``mean`` take ``axis=``/``keepdims=`` through :func:`numpy_dim`.
"""

from __future__ import annotations

import functools
import inspect

from ._out import write_out
from .core.tensor import Tensor

# NumPy spelling -> PyTorch parameter (python_arg_parser.cpp, numpy_compatibility_arg_names).
NUMPY_SPELLINGS = {"axis": "dim", "keepdims": "keepdim"}
# ``*size``-style parameters that PyTorch types as an int list (so also takes them by name).
_INT_LISTS = {"size", "shape", "dims", "repeats"}


class _Absent:
    """The default of a native ``axis=``/``keepdims=`` parameter: not given."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


ABSENT = _Absent()


def numpy_dim(name: str, dim, keepdim, axis, keepdims):
    """``(dim, keepdim)`` once ``axis=``/``keepdims=`` (NumPy's names) are folded in.

    For an op with native ``axis=ABSENT, keepdims=ABSENT`` parameters; called only
    when one of them was given. A parameter named in both spellings is PyTorch's
    "unexpected keyword argument" for the NumPy name (``dim``/``keepdim`` count as
    given when they differ from their defaults, ``None`` and ``False``).
    """
    if axis is not ABSENT:
        if dim is not None:
            raise TypeError(f"{name}() got an unexpected keyword argument 'axis'")
        dim = axis
    if keepdims is not ABSENT:
        if keepdim is not False:
            raise TypeError(f"{name}() got an unexpected keyword argument 'keepdims'")
        keepdim = keepdims
    return dim, keepdim


def _params(fn) -> dict:
    try:
        return dict(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return {}


def _respell(name: str, args: tuple, kwargs: dict, numpy_names, positions: dict) -> None:
    """``{'axis': 0}`` -> ``{'dim': 0}`` in place. Naming a parameter twice (positionally or
    in both spellings) is PyTorch's "unexpected keyword argument" for the NumPy name."""
    for numpy_name in numpy_names:
        if numpy_name in kwargs:
            torch_name = NUMPY_SPELLINGS[numpy_name]
            if torch_name in kwargs or len(args) > positions.get(torch_name, len(args)):
                raise TypeError(f"{name}() got an unexpected keyword argument '{numpy_name}'")
            kwargs[torch_name] = kwargs.pop(numpy_name)


def _write_out(name: str, out, result):
    if not isinstance(result, (Tensor, tuple)):
        raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
    if isinstance(result, tuple):
        for o, r in zip(out, result):
            write_out(name, o, r)
        return type(result)(*out) if hasattr(result, "_fields") else tuple(out)
    return write_out(name, out, result)


def spelled(fn, *, out: bool = False):
    """``fn`` taking the parser's spellings: NumPy names when it has ``dim``/``keepdim``,
    its ``*size``-style parameter by name, and ``out=`` when ``out`` is asked for and
    ``fn`` has none of its own.

    Returns ``fn`` itself when there is nothing to add. The wrapper keeps ``fn``'s
    signature (``__wrapped__``) and lists what it adds in ``__torch_aliases__``.
    """
    params = _params(fn)
    kinds = [p.kind for p in params.values()]
    aliases = {k: v for k, v in NUMPY_SPELLINGS.items() if v in params and k not in params}
    var = [p.name for p in params.values() if p.kind is p.VAR_POSITIONAL and p.name in _INT_LISTS]
    if var:
        aliases[var[0]] = var[0]
    has_out = "out" in params or "out" in getattr(fn, "__torch_aliases__", {})
    if out and not has_out and inspect.Parameter.VAR_KEYWORD not in kinds:
        aliases["out"] = "out"
    if not aliases:
        return fn
    name = fn.__name__
    var_name = var[0] if var else None
    add_out = "out" in aliases
    numpy_names = tuple(k for k in NUMPY_SPELLINGS if k in aliases)
    ordered = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    positions = {p.name: i for i, p in enumerate(ordered)}  # where a positional call puts it
    before_var = len(ordered)  # parameters before ``*size``: ``input`` for ``view(input, *size)``

    @functools.wraps(fn)
    def call(*args, **kwargs):
        if kwargs:
            if numpy_names:
                _respell(name, args, kwargs, numpy_names, positions)
            if var_name in kwargs:
                if len(args) > before_var:
                    raise TypeError(f"{name}() got multiple values for argument '{var_name}'")
                args = (*args, kwargs.pop(var_name))
            if add_out and "out" in kwargs:
                result_out = kwargs.pop("out")
                if result_out is not None:
                    return _write_out(name, result_out, fn(*args, **kwargs))
        return fn(*args, **kwargs)

    call.__torch_aliases__ = {**getattr(fn, "__torch_aliases__", {}), **aliases}
    return call


def apply(namespace: dict, names, tensor_cls) -> None:
    """Give every ``Tensor`` method, and the functions ``names`` in ``namespace`` (with
    ``out=``), the parser's spellings: the one place they are added."""
    for attr, value in list(vars(tensor_cls).items()):
        if not attr.startswith("__") and inspect.isfunction(value):
            setattr(tensor_cls, attr, spelled(value))
    for name in names:
        fn = namespace.get(name)
        if inspect.isfunction(fn):
            namespace[name] = spelled(fn, out=True)


def defined_in(module) -> list[str]:
    """The public functions ``module`` defines (not the ones it imports)."""
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == module.__name__
    ]
