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
