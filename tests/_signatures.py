"""PyTorch's accepted call forms, read from PyTorch itself, and ours, read by ``inspect``.

A call form is a :class:`Form`: the positional parameter names in order, the
keyword-only names, and the defaults. PyTorch's C++ functions and ``Tensor``
methods keep their forms in the argument parser, which prints all of them when a
call matches none (``sum() received an invalid combination of arguments ... expected
one of: * (Tensor input, *, torch.dtype dtype = None) ...``): we probe with an
unknown keyword and read that message. A function with a single form answers
"got an unexpected keyword argument" instead; its form then comes from the ATen
schema the parser was generated from. Python-level APIs (``nn``, ``optim``,
``utils.data``, most of ``nn.functional``) answer ``inspect.signature``.

The parser also accepts NumPy's spellings for four names; they are recorded here
exactly as PyTorch's ``python_arg_parser.cpp`` defines them.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

# python_arg_parser.cpp: numpy_compatibility_arg_names.
NUMPY_ALIASES = {
    "dim": ("axis",),
    "keepdim": ("keepdims",),
    "input": ("x", "a", "x1"),
    "other": ("x2",),
}

_PROBE = "__signature_probe__"
_NO_DEFAULT = object()


@dataclass
class Form:
    """One accepted call form."""

    positional: list[str] = field(default_factory=list)
    keyword_only: list[str] = field(default_factory=list)
    defaults: dict = field(default_factory=dict)  # name -> default (text for PyTorch's parser)
    varargs_first: bool = False  # the parser takes an int list as ``f(2, 3)`` or ``f((2, 3))``
    parser: bool = False  # the form belongs to PyTorch's C++ argument parser

    @property
    def names(self) -> list[str]:
        return self.positional + self.keyword_only


def _split_top(text: str) -> list[str]:
    """Split ``a, b = (1, 2), c`` on the commas outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_parser_form(text: str) -> Form:
    """``Tensor input, tuple of ints dim, bool keepdim = False, *, ...`` -> :class:`Form`."""
    form = Form(parser=True)
    kw_only = False
    for i, item in enumerate(_split_top(text)):
        if item == "*":
            kw_only = True
            continue
        decl, _, default = item.partition("=")
        words = decl.split()
        name = words[-1]
        type_ = " ".join(words[:-1])
        if i == 0 and not kw_only and ("tuple of ints" in type_ or "tuple of SymInts" in type_):
            form.varargs_first = True
        (form.keyword_only if kw_only else form.positional).append(name)
        if default:
            form.defaults[name] = default.strip()
    return form


def _schema_forms(name: str, method: bool) -> list[Form]:
    import torch

    schemas = torch._C._jit_get_schemas_for_operator(f"aten::{name}")
    has_out = any(s.overload_name.startswith("out") for s in schemas)
    forms = []
    for s in schemas:
        if any(a.alias_info is not None and a.alias_info.is_write for a in s.arguments[1:]):
            continue  # an out= overload: its out arguments are merged into ``out``
        if not any("Tensor" in str(r.type) for r in s.returns):
            continue  # TorchScript's scalar and list overloads (aten::exp.float(float a) -> float)
        form = Form(parser=True)
        for a in s.arguments:
            arg_name = "input" if a.name == "self" else a.name
            if method and a.name == "self":
                continue
            if not form.positional and not a.kwarg_only:
                form.varargs_first = str(a.type) == "List[int]"
            (form.keyword_only if a.kwarg_only else form.positional).append(arg_name)
            if a.has_default_value():
                form.defaults[arg_name] = str(a.default_value)
        if has_out and not method:
            form.keyword_only.append("out")
            form.defaults["out"] = "None"
        forms.append(form)
    return forms


def torch_forms(fn, *, method: bool = False, name: str | None = None) -> list[Form] | None:
    """PyTorch's call forms for ``fn`` (``None`` when they cannot be read)."""
    import torch

    name = name or fn.__name__
    if not inspect.isbuiltin(fn) and not inspect.ismethoddescriptor(fn):
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return None
        return [from_signature(sig, drop_self=method)]
    # A method needs its self; a function that requires an input is probed with one too,
    # since "missing required positional arguments" comes before the overload list.
    for probe_args in [(torch.zeros(1),)] if method else [(), (torch.zeros(1),), (1,)]:
        try:
            fn(*probe_args, **{_PROBE: 1})
        except TypeError as exc:
            msg = str(exc)
        except Exception:  # noqa: BLE001 - any other failure: fall back to the schema
            msg = ""
        else:
            msg = ""
        if "expected one of:" in msg:
            return [parse_parser_form(m) for m in re.findall(r"^ \* \((.*)\)\s*$", msg, re.M)]
    forms = _schema_forms(name, method)
    return forms or None


def from_signature(sig: inspect.Signature, *, drop_self: bool = False) -> Form:
    form = Form()
    params = list(sig.parameters.values())
    if drop_self and params and params[0].name == "self":
        params = params[1:]
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            form.positional.append(p.name)
        elif p.kind is p.KEYWORD_ONLY:
            form.keyword_only.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            form.varargs_first = True
        if p.default is not p.empty:
            form.defaults[p.name] = p.default
    return form


@dataclass
class Ours:
    """What our callable accepts, as ``inspect`` sees it."""

    positional: list[str]
    keyword: set[str]
    defaults: dict
    var_positional: str | None
    var_keyword: bool

    @classmethod
    def of(cls, fn, *, method: bool = False) -> Ours:
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        if method and params:
            params = params[1:]  # self (our methods are the functions, ``input`` first)
        aliases = getattr(fn, "__torch_aliases__", {})
        positional, keyword, defaults = [], set(aliases), {}
        var_positional, var_keyword = None, False
        for p in params:
            if p.kind is p.POSITIONAL_OR_KEYWORD:
                positional.append(p.name)
                keyword.add(p.name)
            elif p.kind is p.POSITIONAL_ONLY:
                positional.append(p.name)
            elif p.kind is p.KEYWORD_ONLY:
                keyword.add(p.name)
            elif p.kind is p.VAR_POSITIONAL:
                var_positional = p.name
                if getattr(fn, "__torch_varargs_by_name__", False):
                    keyword.add(p.name)
            else:
                var_keyword = True
            if p.default is not p.empty:
                defaults[p.name] = p.default
        return cls(positional, keyword, defaults, var_positional, var_keyword)

    def accepts(self, name: str) -> bool:
        return self.var_keyword or name in self.keyword


def parser_default(text: str):
    """A parser default as a Python value, or ``_NO_DEFAULT`` when it is not a plain constant."""
    table = {"None": None, "True": True, "False": False, "[]": (), "{}": ()}
    if text in table:
        return table[text]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return _NO_DEFAULT


NO_DEFAULT = _NO_DEFAULT
