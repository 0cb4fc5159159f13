"""Which public names of PyTorch's main namespaces exist in autograd_widgets.

Run from the repository root with PyTorch installed (it is the list of names)::

    python tools/coverage_report.py              # a Markdown table of counts
    python tools/coverage_report.py --missing nn  # the names nn lacks here, one a line
    python tools/coverage_report.py --present torch.Tensor

A namespace's public names are its ``__all__`` when it has one, otherwise the
names in ``dir()`` without a leading underscore, leaving out submodules and what
the module merely imports from outside ``torch`` (``typing.Optional`` and the
like). A name counts as present when ``getattr`` finds it here; a few present
names raise a clear error when used (CUDA and distributed entry points), as
PyTorch's design contract asks.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path

# (PyTorch's name, ours): the namespaces the README's compatibility table reports.
NAMESPACES = [
    ("torch", "autograd_widgets"),
    ("torch.Tensor", "autograd_widgets.Tensor"),
    ("torch.nn", "autograd_widgets.nn"),
    ("torch.nn.functional", "autograd_widgets.nn.functional"),
    ("torch.nn.init", "autograd_widgets.nn.init"),
    ("torch.optim", "autograd_widgets.optim"),
    ("torch.optim.lr_scheduler", "autograd_widgets.optim.lr_scheduler"),
    ("torch.utils.data", "autograd_widgets.utils.data"),
    ("torch.autograd", "autograd_widgets.autograd"),
]


def resolve(dotted: str):
    """A module, or a class inside one (``torch.Tensor``)."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        parent, _, attr = dotted.rpartition(".")
        return getattr(importlib.import_module(parent), attr)


def _from_torch(obj) -> bool:
    module = getattr(obj, "__module__", None)
    return not isinstance(module, str) or module.split(".")[0] == "torch"


def public_names(space) -> list[str]:
    """PyTorch's public names in ``space`` (a module or ``torch.Tensor``)."""
    if inspect.isclass(space):
        return sorted(n for n in dir(space) if not n.startswith("_"))
    declared = getattr(space, "__all__", None)
    if declared is not None:
        return sorted(set(declared))
    names = []
    for n in dir(space):
        if n.startswith("_"):
            continue
        obj = getattr(space, n)
        if inspect.ismodule(obj) or not _from_torch(obj):
            continue
        names.append(n)
    return sorted(names)


def _exists(ours, name: str) -> bool:
    try:
        getattr(ours, name)
    except AttributeError:
        return False
    except Exception:  # noqa: BLE001 - an attribute that raises on access is still absent
        return False
    return True


def report(namespaces=NAMESPACES) -> list[dict]:
    """One row per namespace: PyTorch's names, the ones present here, the ones missing."""
    rows = []
    for theirs_name, ours_name in namespaces:
        names = public_names(resolve(theirs_name))
        ours = resolve(ours_name)
        present = [n for n in names if _exists(ours, n)]
        missing = [n for n in names if n not in set(present)]
        rows.append(
            {"namespace": theirs_name, "total": len(names), "present": present, "missing": missing}
        )
    return rows


def markdown(rows) -> str:
    lines = [
        "| namespace | PyTorch's public names | here | missing | coverage |",
        "|---|---:|---:|---:|---:|",
    ]
    total = present = 0
    for r in rows:
        n, p = r["total"], len(r["present"])
        total, present = total + n, present + p
        lines.append(f"| `{r['namespace']}` | {n} | {p} | {n - p} | {100 * p / n:.0f}% |")
    lines.append(
        f"| all | {total} | {present} | {total - present} | {100 * present / total:.0f}% |"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)  # this checkout's package, as the tests import it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--missing", metavar="NAMESPACE", help="list the names missing here")
    group.add_argument("--present", metavar="NAMESPACE", help="list the names present here")
    args = parser.parse_args(argv)
    import torch

    rows = report()
    wanted = args.missing or args.present
    if wanted:
        by_name = {r["namespace"]: r for r in rows}
        key = wanted if wanted.startswith("torch") else f"torch.{wanted}"
        if key not in by_name:
            parser.error(f"unknown namespace {wanted!r}; one of {', '.join(by_name)}")
        print("\n".join(by_name[key]["missing" if args.missing else "present"]))
        return 0
    print(
        f"Public names of PyTorch {torch.__version__.split('+')[0]} present in autograd_widgets:\n"
    )
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
