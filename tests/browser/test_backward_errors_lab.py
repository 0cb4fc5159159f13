"""A failed ``backward()`` explained on the graph, in real JupyterLab + Chromium.

Each error kind is triggered in a notebook cell under a graph drawn by an earlier
cell: the widget on screen must mark the node at fault in red (the node the kernel
names in ``graph['error']``) and show the explanation, while the cell's traceback
keeps PyTorch's message as it is.
"""

from __future__ import annotations

import nbformat

RENDERED = ".aw-graph[data-status='rendered']"

SETUP = "import autograd_widgets as torch\nx = torch.ones(3, requires_grad=True)"

# (kind, cell that draws, cell that fails, label of the node at fault, text of the box,
#  start of PyTorch's message in the traceback)
CASES = [
    (
        "inplace",
        "a = x.exp()\ns = a.sum()\nw = torch.draw(s)\nw",
        "a.add_(1)\ns.backward()",
        "ExpBackward0",
        ["version when saved: 0 · version now: 1", "changed by AddBackward0 in `a.add_(1)`"],
        "RuntimeError: one of the variables needed for gradient computation has been modified",
    ),
    (
        "freed",
        "y2 = (x.exp() * x).sum()\nw = torch.draw(y2)\ny2.backward()\nw",
        "y2.backward()",
        "MulBackward0",
        ["retain_graph=True", "The first backward() freed the tensors MulBackward0 saved"],
        "RuntimeError: Trying to backward through the graph a second time",
    ),
    (
        "non_scalar",
        "y3 = x * 2\nw = torch.draw(y3)\nw",
        "y3.backward()",
        "y3",
        ["backward() needs a scalar to start from", "This output has shape [3]"],
        "RuntimeError: grad can be implicitly created only for scalar outputs",
    ),
    (
        "no_grad",
        "x4 = torch.ones(3)\ny4 = (x4 * 2).sum()\nw = torch.draw(y4)\nw",
        "y4.backward()",
        "y4",
        ["This tensor does not require grad", "requires_grad=True"],
        "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn",
    ),
    (
        "grad_shape",
        "y5 = x * 3\nw = torch.draw(y5)\nw",
        "y5.backward(torch.ones(2))",
        "y5",
        ["The gradient has shape [2] but the output has shape [3]"],
        "RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([2])",
    ),
    (
        "nan",
        "z6 = torch.tensor([0.0, 1.0], requires_grad=True)\n"
        "l6 = (z6.sqrt() * 0).sum()\nw = torch.draw(l6)\nw",
        "with torch.autograd.detect_anomaly():\n    l6.backward()",
        "SqrtBackward0",
        ["Anomaly mode found NaN in a gradient", "SqrtBackward0 returned NaN in its output 0"],
        "RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.",
    ),
]


def _error_state(page, cell):
    """(data-kind of the box, its text, [(node id, text) of the red-marked nodes])."""
    root = cell.locator(".aw-graph")
    box = root.locator(".aw-error-box")
    marked = root.locator("g.node.aw-error")
    nodes = [
        (marked.nth(i).get_attribute("data-node-id"), marked.nth(i).text_content())
        for i in range(marked.count())
    ]
    return box.get_attribute("data-kind"), box.inner_text(), nodes


def _wait_marked(page, cell_index: int, kind: str) -> None:
    page.wait_for_function(
        """([i, kind]) => {
            const cell = document.querySelectorAll('.jp-Notebook .jp-CodeCell')[i];
            const box = cell && cell.querySelector('.aw-error-box');
            return box && !box.hidden && box.dataset.kind === kind
                && cell.querySelector('.aw-graph g.node.aw-error');
        }""",
        arg=[cell_index, kind],
        timeout=30_000,
    )


def test_each_error_kind_is_marked_on_the_right_node(lab, lab_page):
    page = lab_page
    cells = [SETUP]
    for _, draw, fail, *_ in CASES:
        cells += [draw, fail, "print(w.graph['error']['node'], w.graph['error']['kind'])"]
    name = lab.write_notebook("backward_errors.ipynb", cells)
    lab.open(page, name)
    lab.run_cell(page, 0)
    for k, (kind, _, _, label, texts, message) in enumerate(CASES):
        draw_i = 1 + 3 * k
        lab.run_cell(page, draw_i)
        lab.cell(page, draw_i).locator(RENDERED).wait_for()
        lab.run_cell(page, draw_i + 1)
        # the traceback keeps PyTorch's message as it is
        assert message in lab.output_text(page, draw_i + 1)
        _wait_marked(page, draw_i, kind)
        lab.run_cell(page, draw_i + 2)
        node_id, kernel_kind = lab.output_text(page, draw_i + 2).split()
        assert kernel_kind == kind
        got_kind, text, marked = _error_state(page, lab.cell(page, draw_i))
        assert got_kind == kind
        assert [m[0] for m in marked] == [node_id], marked
        assert label in marked[0][1], marked
        for fragment in texts:
            assert fragment in text, (kind, text)
        assert f"backward() failed in cell [{3 + 3 * k}]" in text, text  # In [n] of the cell
    assert not [e for e in page.aw_errors if "aw-" in e or "autograd" in e]


INPLACE = [SETUP + "\na = x.exp()\ns = a.sum()\nw = torch.draw(s)\nw", "a.add_(1)\ns.backward()"]


def _inplace_failure(lab, page, name: str, lang=None, theme=None):
    """Open ``name`` (INPLACE + more cells), draw, fail; the widget's error state."""
    if lang:  # as the Chinese tutorials ask for their language
        nb = nbformat.read(lab.root / name, as_version=4)
        nb.metadata["autograd_widgets"] = {"tutorial": "test", "lang": lang}
        nbformat.write(nb, lab.root / name)
    lab.open(page, name)
    if theme:
        lab.set_theme(page, theme)
    lab.run_cell(page, 0)
    lab.cell(page, 0).locator(RENDERED).wait_for()
    lab.run_cell(page, 1)
    _wait_marked(page, 0, "inplace")
    return _error_state(page, lab.cell(page, 0))


def test_error_explained_in_chinese(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("backward_errors_zh.ipynb", INPLACE)
    _, text, marked = _inplace_failure(lab, page, name, lang="zh")
    assert "ExpBackward0" in marked[0][1]
    for fragment in (
        "为反向传播保存的张量被原地修改了",
        "保存时的版本：0 · 现在的版本：1",
        "通常的解决办法",
    ):
        assert fragment in text, text
    # PyTorch's message stays in English, in the traceback and in the box's raw part
    assert "one of the variables needed for gradient computation" in lab.output_text(page, 1)


def test_error_box_screenshot_dark(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("backward_errors_dark.ipynb", INPLACE)
    _inplace_failure(lab, page, name, theme="JupyterLab Dark")
    lab.screenshot(lab.cell(page, 0).locator(".aw-graph"), "backward-error-dark.png")
    lab.set_theme(page, "JupyterLab Light")
