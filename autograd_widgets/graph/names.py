"""Names for the tensors in a graph: the user's, never invented.

Three sources, in order of precedence: an explicit ``names`` mapping, a
module's ``named_parameters()``, and, inside IPython, the user namespace (every
variable that refers to that exact tensor object). A tensor named by an earlier
source is not renamed by a later one.
"""

from __future__ import annotations

import sys

from ._tensors import is_tensor


class Names:
    """``id(tensor) -> "a, b"``; holds the named tensors only while building one model."""

    def __init__(self) -> None:
        self._by_id: dict[int, list[str]] = {}
        self._objs: dict[int, object] = {}
        self._source: dict[int, str] = {}

    def add(self, name: str, tensor, source: str = "explicit") -> None:
        key = id(tensor)
        if self._source.setdefault(key, source) != source:
            return  # named by an earlier source
        names = self._by_id.setdefault(key, [])
        if name not in names:
            names.append(name)
        self._objs[key] = tensor

    def get(self, tensor) -> str | None:
        names = self._by_id.get(id(tensor))
        return ", ".join(names) if names else None

    def tensors(self):
        return list(self._objs.values())

    def items(self):
        for key, obj in self._objs.items():
            yield ", ".join(self._by_id[key]), obj

    def __bool__(self) -> bool:
        return bool(self._by_id)


def _normalise(names) -> list[tuple[str, object]]:
    """``{name: tensor}`` (torchviz's ``params``) or ``{tensor: name}``."""
    if names is None:
        return []
    if not hasattr(names, "items"):
        raise TypeError(f"names must be a mapping {{name: tensor}}, not {type(names).__name__}")
    out = []
    for k, v in names.items():
        if isinstance(k, str) and is_tensor(v):
            out.append((k, v))
        elif isinstance(v, str) and is_tensor(k):
            out.append((v, k))
        else:
            raise TypeError(
                "names must map variable names to tensors ({'x': x}); "
                f"got {type(k).__name__} -> {type(v).__name__} for key {k!r:.40}"
            )
    return out


def ipython_shell():
    """The running IPython shell, or None (never imports IPython)."""
    mod = sys.modules.get("IPython")
    if mod is None:
        return None
    try:
        return mod.get_ipython()
    except Exception:  # noqa: BLE001
        return None


def ipython_namespace() -> dict | None:
    """The IPython user namespace when running inside IPython (never imports IPython)."""
    ip = ipython_shell()
    return getattr(ip, "user_ns", None) if ip is not None else None


def collect(names=None, module=None, namespace=None) -> Names:
    """All the names known for tensors, from the three sources."""
    out = Names()
    for name, t in _normalise(names):
        out.add(name, t, "explicit")
    if module is not None:
        if not hasattr(module, "named_parameters"):
            raise TypeError(f"module must have named_parameters(), got {type(module).__name__}")
        for name, p in module.named_parameters():
            out.add(name, p, "module")
    if namespace is not None:
        for name, value in list(namespace.items()):
            # globals()[42] = x is legal Python: a key that is no identifier names nothing
            if not isinstance(name, str) or name.startswith("_"):
                continue
            try:
                if is_tensor(value):
                    out.add(name, value, "namespace")
            except Exception:  # noqa: BLE001 - odd objects in a user namespace
                continue
    return out
