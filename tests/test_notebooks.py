"""The bundled tutorials: they run, they carry no outputs, and zh/en never drift.

Every notebook in ``notebooks/en`` and ``notebooks/zh`` is executed top to
bottom by nbclient on a ``python3`` kernel (a cell that demonstrates an error
catches it itself, so any exception is a failure). The same notebooks are also
run against real PyTorch (``notebooks/oracle_shim`` stands in for the package,
widgets stubbed): that proves the tutorial code is PyTorch code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests._oracle import require_torch
from tests._tutorial_claims import CLAIMS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
PACKAGE_DIR = ROOT / "autograd_widgets" / "tutorials"
ORACLE_SHIM = NOTEBOOKS_DIR / "oracle_shim"
LANGS = ("en", "zh")
STEMS = sorted(p.stem for p in (NOTEBOOKS_DIR / "en").glob("*.ipynb"))
TIME_LIMIT_S = 60.0  # issue 7: each notebook runs top to bottom in under a minute

# Notebooks that need library pieces which have not landed yet (see the report
# of issue 7); filled in only when a notebook still fails at the end of a session.
PENDING: dict[str, str] = {}


def _params():
    for stem in STEMS:
        for lang in LANGS:
            marks = []
            if stem in PENDING:
                marks.append(pytest.mark.xfail(strict=False, reason=PENDING[stem]))
            yield pytest.param(lang, stem, id=f"{lang}/{stem}", marks=marks)


def _read(lang: str, stem: str, base: Path = NOTEBOOKS_DIR) -> nbformat.NotebookNode:
    return nbformat.read(base / lang / f"{stem}.ipynb", as_version=4)


@pytest.fixture(scope="session")
def kernel_dirs(tmp_path_factory) -> list[str]:
    """A ``python3`` kernelspec that runs this interpreter, so the kernel sees our packages."""
    root = tmp_path_factory.mktemp("kernels")
    (root / "python3").mkdir()
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    (root / "python3" / "kernel.json").write_text(json.dumps(spec))
    return [str(root)]


def execute(
    nb: nbformat.NotebookNode,
    cwd: Path,
    pythonpath: list[Path],
    kernel_dirs: list[str],
    extra_env: dict[str, str] | None = None,
) -> float:
    """Run ``nb`` in a fresh python3 kernel; return the seconds it took."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(p) for p in pythonpath] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    env.update(extra_env or {})
    km = KernelManager(
        kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=kernel_dirs)
    )
    client = NotebookClient(
        nb,
        km=km,
        kernel_name="python3",
        timeout=TIME_LIMIT_S * 2,
        resources={"metadata": {"path": str(cwd)}},
    )
    start = time.perf_counter()
    client.execute(env=env)
    return time.perf_counter() - start


def test_there_are_six_tutorials_in_each_language():
    assert len(STEMS) == 6, STEMS
    for lang in LANGS:
        assert sorted(p.stem for p in (NOTEBOOKS_DIR / lang).glob("*.ipynb")) == STEMS


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "stem"), list(_params()))
def test_notebook_runs(lang, stem, tmp_path, kernel_dirs):
    seconds = execute(_read(lang, stem), tmp_path, [ROOT], kernel_dirs)
    # reported, not asserted (tests never assert on timings); each cell has a hard
    # timeout of 2 x TIME_LIMIT_S, so a hang still fails
    print(f"{lang}/{stem}: {seconds:.1f} s (budget {TIME_LIMIT_S:.0f} s)")


@pytest.mark.slow
@pytest.mark.oracle
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_code_is_pytorch_code(stem, tmp_path, kernel_dirs):
    """The English notebook's code runs on real PyTorch (widget calls stubbed)."""
    require_torch()
    # one thread: PyTorch's thread pool crawls on a busy 2-core machine, and these tensors are tiny
    execute(_read("en", stem), tmp_path, [ORACLE_SHIM], kernel_dirs, {"OMP_NUM_THREADS": "1"})


@pytest.mark.parametrize("stem", STEMS)
def test_zh_and_en_have_identical_code_cells(stem):
    en, zh = _read("en", stem), _read("zh", stem)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]
    assert [c.source for c in en.cells if c.cell_type == "code"] == [
        c.source for c in zh.cells if c.cell_type == "code"
    ]
    for en_cell, zh_cell in zip(en.cells, zh.cells):
        if en_cell.cell_type == "markdown":
            assert en_cell.source != zh_cell.source, f"untranslated cell {en_cell.id}"


@pytest.mark.parametrize(("lang", "stem"), [(lang, s) for s in STEMS for lang in LANGS])
def test_notebook_has_no_outputs(lang, stem):
    for base in (NOTEBOOKS_DIR, PACKAGE_DIR):
        for cell in _read(lang, stem, base).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{base.name}/{lang}/{stem}: {cell.id} has outputs"
                assert cell.execution_count is None


@pytest.mark.parametrize(("lang", "stem"), [(lang, s) for s in STEMS for lang in LANGS])
def test_notebook_starts_with_the_torch_import(lang, stem):
    first_code = next(c for c in _read(lang, stem).cells if c.cell_type == "code")
    assert first_code.source.splitlines()[0] == "import autograd_widgets as torch"


@pytest.mark.parametrize("stem", STEMS)
def test_error_cells_catch_a_named_exception_and_print_it(stem):
    """Issue 7: a cell that demonstrates an error catches it explicitly and prints the message."""
    import ast

    handlers = []
    for cell in _read("en", stem).cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        handlers += [
            node for node in ast.walk(ast.parse(code)) if isinstance(node, ast.ExceptHandler)
        ]
    for handler in handlers:
        assert isinstance(handler.type, ast.Name | ast.Attribute), "catch a named exception type"
        assert handler.type is None or ast.unparse(handler.type) not in (
            "Exception",
            "BaseException",
        )
        calls = [n for n in ast.walk(handler) if isinstance(n, ast.Call)]
        assert any(ast.unparse(c.func) == "print" for c in calls), ast.unparse(handler)
    if stem == "06_debugging_gradients":
        assert len(handlers) >= 5


def test_notebooks_are_built_from_source_and_shipped_identically():
    """The committed .ipynb files, in notebooks/ and in the package, match the builder."""
    sys.path.insert(0, str(NOTEBOOKS_DIR))
    try:
        import build_notebooks
    finally:
        sys.path.remove(str(NOTEBOOKS_DIR))
    expected = build_notebooks.render_all()
    assert len(expected) == len(STEMS) * len(LANGS) * 2
    stale = [str(rel) for rel, text in expected.items() if (ROOT / rel).read_text("utf-8") != text]
    assert not stale, f"stale notebooks, run python notebooks/build_notebooks.py: {stale}"


# -- in a real JupyterLab -------------------------------------------------------------

REQUIRE_BROWSER_ENV = "AUTOGRAD_WIDGETS_REQUIRE_BROWSER"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright: Debian's Chromium (see tests/browser/conftest.py)."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-liberation)"
        if os.environ.get(REQUIRE_BROWSER_ENV, "") not in ("", "0"):
            pytest.fail(f"{message}; required because {REQUIRE_BROWSER_ENV}=1")
        pytest.skip(message)
    return {"executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def tutorial_lab(tmp_path_factory):
    """A JupyterLab serving the English tutorials (the browser tests' server class)."""
    from tests.browser.conftest import Lab, _ensure_frontend

    _ensure_frontend()
    server = Lab(tmp_path_factory.mktemp("tutorial-lab"))
    for nb in (NOTEBOOKS_DIR / "en").glob("*.ipynb"):
        shutil.copy(nb, server.root / nb.name)
    (server.root / "zh").mkdir()
    for nb in (NOTEBOOKS_DIR / "zh").glob("*.ipynb"):
        shutil.copy(nb, server.root / "zh" / nb.name)
    server.start()
    yield server
    server.stop()


def _graph_texts(page, index: int) -> str:
    """The text of every node of the ``index``-th graph widget on the page."""
    return page.eval_on_selector_all(
        ".aw-graph",
        "(els, i) => [...els[i].querySelectorAll('g.node text')].map(e => e.textContent).join(' ')",
        index,
    )


@pytest.mark.slow
@pytest.mark.browser
def test_first_tutorial_in_jupyterlab_shows_the_live_graph_and_its_gradients(tutorial_lab, page):
    lab = tutorial_lab
    page.set_default_timeout(120_000)
    lab.open(page, "01_autograd_basics.ipynb")
    # code cells: 0 import, 1 x = ones, 2 y = x + 2, 3 z/out, 4 graph = draw(out), 5 backward,
    # 6 graph (shown again)
    for index in range(5):
        lab.run_cell(page, index)
    page.wait_for_selector(".aw-graph[data-status='rendered']")
    before = _graph_texts(page, 0)
    for name in ("AccumulateGrad", "AddBackward0", "MulBackward0", "MeanBackward0"):
        assert name in before, before
    assert "4.5" not in before

    lab.run_cell(page, 5)  # out.backward(): drawn with as_of="cell", the graph stays as it was
    assert "4.5" in lab.output_text(page, 5)
    assert "4.5" not in _graph_texts(page, 0)
    assert page.locator(".aw-graph .aw-tl-label").first.inner_text().endswith("drawn")
    lab.run_cell(page, 6)  # `graph` shown again: both views now show the graph as of that cell
    page.wait_for_function(
        """() => [...document.querySelectorAll('.aw-graph')][0].textContent.includes('4.5')"""
    )
    assert "4.5" in _graph_texts(page, 1)
    lab.screenshot(page.locator(".jp-Notebook .jp-CodeCell").nth(4), "tutorial-01-graph.png")

    lab.run_all(page)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.locator(".aw-graph").count() >= 5
    assert page.locator(".aw-tensor").count() == 1


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(("lang", "stem"), list(_params()))
def test_tutorial_run_all_in_jupyterlab(tutorial_lab, page, lang, stem):
    """Run All, as readers do: no error output, every graph drawn, the text's figures hold,
    and each graph shows what the text says it shows."""
    lab = tutorial_lab
    page.set_default_timeout(180_000)
    lab.open(page, f"{stem}.ipynb" if lang == "en" else f"zh/{stem}.ipynb", timeout=120_000)
    lab.run_all(page, timeout=300_000)
    errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.all_inner_texts()
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    # tutorial 06 shows anomaly mode's warning and traceback on purpose, as PyTorch prints them
    on_purpose = stem == "06_debugging_gradients"
    unexpected = [t for t in stderr.all_inner_texts() if not (on_purpose and "Anomaly" in t)]
    assert unexpected == [], unexpected
    graphs = page.locator(".aw-graph")
    for i in range(graphs.count()):
        graphs.nth(i).locator("svg").first.wait_for(timeout=60_000)
    assert page.locator(".aw-graph[data-status='error']").count() == 0
    text = page.locator(".jp-Notebook").inner_text()
    if stem == "04_train_a_network":
        # "more than 90% of the test digits are read correctly"; the sigmoid net is stuck near ln 10
        final = [float(a) for a in re.findall(r"epoch 20: test accuracy ([0-9.]+)%", text)]
        assert final and final[0] > 90, final
        sigmoid = re.findall(r"Sigmoid: test accuracy ([0-9.]+)%", text)
        relu = re.findall(r"ReLU: test accuracy ([0-9.]+)%", text)
        assert sigmoid and relu and float(sigmoid[0]) < 20 < float(relu[0]), (sigmoid, relu)
    # what the text says each graph shows (tests/_tutorial_claims.py)
    CLAIMS[stem](page, lang, text)
    if stem == "02_graph_anatomy":
        _check_step_through(page)
    if stem == "06_debugging_gradients":
        _check_errors_marked(page, lang)


def _check_step_through(page) -> None:
    """Tutorial 2's "Step through backward": after Run All the widget shows step 2 of 4,
    MulBackward0 highlighted, `[2, 2]` on the edges that carried a gradient, 0.75 sent on."""
    stepper = page.locator(".aw-graph[data-step='2']")
    assert stepper.count() == 1, "the step-through widget is not at step 2"
    current = stepper.locator("g.node.aw-step-current")
    assert current.count() == 1 and "MulBackward0" in current.text_content()
    assert stepper.locator("g.node.aw-step-done").count() == 1  # MeanBackward0
    labels = stepper.locator("g.edge.aw-step-edge text.aw-step-label").all_text_contents()
    assert labels == ["[2, 2]", "[2, 2]"], labels
    info = stepper.locator(".aw-step-info").inner_text()
    assert "PowBackward0" in info and "0.7500" in info and "0.2500" in info, info


def _check_errors_marked(page, lang: str) -> None:
    """Tutorial 06: section 4's three failed backward passes are each marked on the graph
    drawn before them, where the text says (the in-place error on SigmoidBackward0, bumped
    by ``s.mul_(2)``); section 3's pinned graph, one step forward (claims_06 clicks ▶),
    explains its failed pass too. No other graph shows an error."""
    page.wait_for_function(
        "() => document.querySelectorAll('.aw-graph g.node.aw-error').length >= 4",
        timeout=60_000,
    )
    shown = page.eval_on_selector_all(
        ".aw-graph",
        """els => els.map((g) => {
            const box = g.querySelector('.aw-error-box');
            return box && !box.hidden ? box.dataset.kind : null;
        })""",
    )
    last = len(shown) - 3
    boxes = {i: kind for i, kind in enumerate(shown) if kind}
    assert boxes == {4: "inplace", last: "inplace", last + 1: "non_scalar", last + 2: "freed"}
    marked = [
        page.eval_on_selector_all(
            ".aw-graph", "(els, i) => els[i].querySelector('g.node.aw-error')?.textContent", i
        )
        for i in (4, last, last + 1, last + 2)
    ]
    assert all(marked), marked
    assert "SigmoidBackward0" in marked[1] and "MulBackward0" in marked[3], marked
    for i in (4, last):
        inplace = page.locator(".aw-graph").nth(i).locator(".aw-error-box").inner_text()
        assert "MulBackward0" in inplace and "`s.mul_(2)`" in inplace, inplace
        said = "为反向传播保存的张量被原地修改了" if lang == "zh" else "changed in place"
        assert said in inplace, inplace
