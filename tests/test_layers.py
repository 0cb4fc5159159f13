"""The layers of docs/ARCHITECTURE.md, checked on the source: who may import whom."""

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "autograd_widgets"


def _imports(path: Path) -> set:
    """Absolute module names imported by ``path`` (relative imports resolved), anywhere in it."""
    package = list(path.relative_to(PKG.parent).with_suffix("").parts)[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            found.add(mod)
            found.update(f"{mod}.{alias.name}" for alias in node.names)
    return found


def _layer_files(*folders):
    for folder in folders:
        yield from sorted((PKG / folder).rglob("*.py"))


def test_widgets_and_graph_never_import_the_notebook_layer():
    for path in _layer_files("widgets", "graph"):
        bad = sorted(m for m in _imports(path) if m.startswith("autograd_widgets.notebook"))
        assert bad == [], f"{path.relative_to(PKG.parent)} imports {bad}"


# The autograd substrate, the tensor core and the op machinery (docs/ARCHITECTURE.md).
SUBSTRATE = ("autograd.node", "autograd.engine", "autograd.grad_mode", "autograd.events")
SUBSTRATE += ("autograd.anomaly_mode",)
TENSOR_CORE = tuple(
    f"core.{m}" for m in ("tensor", "_dtype", "_creation", "_printing", "_random", "_meta")
)
CORE = SUBSTRATE + TENSOR_CORE + ("_malloc", "ops._core")


def _module_path(name: str) -> Path:
    path = PKG / Path(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _core_edges(name: str) -> set:
    """The core modules ``name`` imports, at module level or inside functions alike."""
    found = set()
    for mod in _imports(_module_path(name)):
        short = mod.removeprefix("autograd_widgets.")
        for other in CORE:
            if other != name and (short == other or short.startswith(other + ".")):
                found.add(other)
    return found


def test_no_import_cycles_among_core_modules():
    graph = {name: _core_edges(name) for name in CORE}
    done, path = set(), []

    def visit(name):
        if name in path:
            cycle = path[path.index(name) :] + [name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for other in sorted(graph[name]):
            visit(other)
        path.pop()
        done.add(name)

    for name in CORE:
        visit(name)


def test_the_tensor_core_has_its_folder_and_never_imports_the_ops_or_above():
    """The core files live in ``core/`` (none left at the package root) and import only the
    substrate, each other and the small helpers below the ops."""
    assert sorted(p.stem for p in (PKG / "core").glob("*.py")) == sorted(
        ["__init__", *(m.removeprefix("core.") for m in TENSOR_CORE)]
    )
    for m in TENSOR_CORE:
        assert not (PKG / f"{m.removeprefix('core.')}.py").exists(), m
    above = ("ops", "nn", "optim", "graph", "widgets", "notebook", "distributions")
    for m in TENSOR_CORE:
        bad = sorted(
            i
            for i in _imports(_module_path(m))
            if i.startswith(tuple(f"autograd_widgets.{a}" for a in above))
        )
        assert bad == [], f"{m} imports {bad}"


def test_the_substrate_never_imports_the_tensor_core():
    for name in SUBSTRATE:
        path = _module_path(name)
        bad = sorted(
            m
            for m in _imports(path)
            if m.startswith(
                (
                    "autograd_widgets.core.tensor",
                    "autograd_widgets.core._creation",
                    "autograd_widgets.ops",
                )
            )
        )
        assert bad == [], f"{name} imports {bad}"
        assert "sys.modules" not in path.read_text(encoding="utf-8"), name


# --- imports inside functions -------------------------------------------------------------------
# An import inside a function is allowed only where a real cycle of meaning exists (two modules
# that each need the other) or to keep a heavy layer lazy (IPython, anywidget, torch), and says
# which with a ``# cycle:`` or ``# lazy:`` comment on its line or the line above. The number may
# go down, never up without a reason added here.
MAX_FUNCTION_LEVEL_IMPORTS = 17


def _function_level_imports():
    """``(path, line, text, comment)`` for each package-internal import inside a function."""
    found = {}
    for path in sorted(PKG.rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        lines = src.splitlines()
        for fn in ast.walk(ast.parse(src)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    internal = node.level > 0 or (node.module or "").startswith("autograd_widgets")
                elif isinstance(node, ast.Import):
                    internal = any(a.name.startswith("autograd_widgets") for a in node.names)
                else:
                    continue
                if internal:
                    line = lines[node.lineno - 1]
                    above = lines[node.lineno - 2].strip()
                    comment = line.partition("#")[2] or (above[1:] if above.startswith("#") else "")
                    found[(path, node.lineno)] = (line.strip(), comment.strip())
    return found


def test_function_level_imports_are_few_and_say_why():
    found = _function_level_imports()
    silent = [
        f"{p.relative_to(PKG.parent)}:{n}: {text}"
        for (p, n), (text, comment) in found.items()
        if not comment.startswith(("cycle:", "lazy:"))
    ]
    assert silent == [], "say why with '# cycle: ...' or '# lazy: ...':\n" + "\n".join(silent)
    assert len(found) <= MAX_FUNCTION_LEVEL_IMPORTS, f"{len(found)} function-level imports"
