"""Build the bilingual tutorial notebooks from one source.

Each tutorial lives in ``notebooks/source/nbNN_<name>.py`` as a list ``CELLS``
of ``(kind, en_text, zh_text)`` tuples made by the helpers in
``source/_cells.py``:

* ``md(en, zh)``  -- prose, written separately in each language;
* ``code(src)``   -- a code cell, ``("code", src, None)``: one text, shared
  by both languages, so the English and Chinese notebooks can never drift.

Running this script writes, for every tutorial and language, the same bytes to

* ``notebooks/<lang>/NN_<name>.ipynb``                 (what the repo shows), and
* ``autograd_widgets/tutorials/<lang>/NN_<name>.ipynb`` (what the wheel ships
  and ``autograd-widgets tutorial`` copies).

The notebooks are written without outputs and with stable cell ids, so a
rebuild without source changes is byte-identical.

Usage::

    python notebooks/build_notebooks.py           # write the notebooks
    python notebooks/build_notebooks.py --check   # exit 1 if any is stale
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCE_DIR = HERE / "source"
LANGS = ("en", "zh")
OUTPUT_DIRS = (HERE, ROOT / "autograd_widgets" / "tutorials")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def load_sources() -> dict[str, list[tuple[str, str, str | None]]]:
    """Return ``{stem: CELLS}`` for every ``source/nbNN_*.py``, in order."""
    sources = {}
    for path in sorted(SOURCE_DIR.glob("nb[0-9][0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(f"_nb_source_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(SOURCE_DIR))
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(SOURCE_DIR))
        sources[path.stem[2:]] = module.CELLS  # "nb01_autograd_basics" -> "01_autograd_basics"
    return sources


def build_notebook(stem: str, cells, lang: str) -> nbformat.NotebookNode:
    """One notebook in one language; code cells are the shared source text."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "autograd_widgets": {"tutorial": stem, "lang": lang},
    }
    for index, (kind, en, zh) in enumerate(cells):
        cell_id = f"{stem[:2]}-{index:03d}"
        if kind == "code":
            cell = nbformat.v4.new_code_cell(en, id=cell_id)
        elif kind == "md":
            cell = nbformat.v4.new_markdown_cell(en if lang == "en" else zh, id=cell_id)
        else:
            raise ValueError(f"{stem}: cell {index}: unknown kind {kind!r}")
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render_all() -> dict[Path, str]:
    """``{relative path: file text}`` for every notebook in every output folder."""
    files = {}
    for stem, cells in load_sources().items():
        for lang in LANGS:
            text = nbformat.writes(build_notebook(stem, cells, lang)) + "\n"
            for out_dir in OUTPUT_DIRS:
                files[(out_dir / lang / f"{stem}.ipynb").relative_to(ROOT)] = text
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    stale = []
    for rel, text in render_all().items():
        path = ROOT / rel
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for rel in stale:
        print(("stale: " if args.check else "wrote: ") + str(rel))
    if args.check and stale:
        print("run: python notebooks/build_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
