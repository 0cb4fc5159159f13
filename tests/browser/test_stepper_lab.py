"""Step-through backward in real JupyterLab + Chromium, checked against PyTorch's hooks.

The seed's example runs in the kernel; the test presses → on the widget and,
after each key, reads what is drawn: the highlighted node, the shape written on
each edge that has carried a gradient, and the gradient values the info panel
shows, which must be what torch 2.13's ``Node.register_prehook`` / ``register_hook``
report for the same program.
"""

from __future__ import annotations

from tests._oracle import require_torch
from tests.graph.test_steps import PREVIEW_THRESHOLD, seed, torch_trace

RENDERED = ".aw-graph[data-status='rendered']"

CELLS = [
    "import autograd_widgets as torch\n"
    "x = torch.ones(2, 2, requires_grad=True)\n"
    "out = ((x ** 2) * 3).mean()\n"
    "w = torch.draw(out)\n"
    "w",
    "out.backward()",
    "print('step', w.step, 'pass', w.step_pass)",
    "w.step_to(2)",
]


def _expected(torch) -> list[dict]:
    """Per step: the node's name, and the reprs of the gradients it sent and the leaf's .grad."""
    (run,) = torch_trace(torch, seed)
    old = torch._tensor_str.PRINT_OPTS.threshold
    torch.set_printoptions(threshold=PREVIEW_THRESHOLD)
    try:
        out = []
        for s in run:
            out.append(
                {
                    "label": s["label"],
                    "sent": [(list(g.shape), repr(g)) for _, g in s.get("edges", [])],
                    "after": repr(s["after"]) if "after" in s else None,
                }
            )
        return out
    finally:
        torch.set_printoptions(threshold=old)


def _wait_current(page, label: str) -> None:
    """Wait until the SVG marks the node being executed and it is ``label`` (the bar's
    ``data-step`` changes at once; the marks land when the SVG's redraw is done)."""
    page.wait_for_function(
        """(label) => {
            const cur = document.querySelector('.aw-graph g.node.aw-step-current');
            return cur && cur.textContent.includes(label);
        }""",
        arg=label,
        timeout=30_000,
    )


def _state(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.querySelector('.aw-graph');
            const cur = el.querySelector('g.node.aw-step-current');
            const labels = (sel) => [...el.querySelectorAll(sel)].map((t) => t.textContent);
            return {
                step: el.dataset.step,
                current: cur ? cur.dataset.nodeId : null,
                currentText: cur ? cur.textContent : '',
                stepNode: el.dataset.stepNode,
                fresh: labels('g.edge.aw-step-fresh text.aw-step-label'),
                carried: labels('g.edge.aw-step-edge text.aw-step-label'),
                done: el.querySelectorAll('g.node.aw-step-done').length,
                info: el.querySelector('.aw-step-info')?.innerText || '',
                status: el.querySelector('.aw-step-status')?.textContent || '',
            };
        }"""
    )


def test_seed_steps_node_by_node_like_torch(lab, lab_page):
    torch = require_torch()
    expected = _expected(torch)
    assert [s["label"] for s in expected] == [
        "MeanBackward0",
        "MulBackward0",
        "PowBackward0",
        "AccumulateGrad",
    ]
    page = lab_page
    name = lab.write_notebook("stepper.ipynb", CELLS)
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(RENDERED)
    assert page.locator(".aw-graph .aw-stepper").is_hidden()  # nothing to step through yet
    lab.run_cell(page, 1)
    page.wait_for_selector(".aw-graph .aw-step-start:visible", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.aw-graph g.node.aw-exec').length >= 4", timeout=30_000
    )

    # the start button shows step 1; → and ← (the widget has the focus then) move on and back
    page.locator(".aw-graph .aw-step-start").click()
    carried = 0
    for k, want in enumerate(expected, start=1):
        if k > 1:
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"() => document.querySelector('.aw-graph').dataset.step === '{k}'", timeout=10_000
        )
        _wait_current(page, want["label"])
        s = _state(page)
        assert s["current"] == s["stepNode"] and s["current"]
        assert want["label"] in s["currentText"], (k, s)
        assert s["done"] == k - 1
        assert f"step {k}/{len(expected)}: {want['label']} ran" in s["status"]
        # the edges this node sent gradients along: their shapes on the edges, values in the panel
        assert s["fresh"] == [str(shape) for shape, _ in want["sent"]], (k, s)
        carried += len(want["sent"])
        assert len(s["carried"]) == carried
        for _, value in want["sent"]:
            assert value in s["info"], (k, value, s["info"])
        if want["after"] is not None:  # the leaf: before + incoming = after
            leaf = page.locator(".aw-graph .aw-step-leaf")
            assert leaf.locator(".aw-leaf-before").inner_text() == "None"
            assert leaf.locator(".aw-leaf-after").inner_text() == want["after"]
            assert leaf.locator(".aw-leaf-incoming").inner_text() == want["after"]
    page.keyboard.press("ArrowRight")  # at the end: stays
    # a click on a node of the graph gives the widget the focus too
    page.locator(".aw-graph g.node", has_text="MeanBackward0").click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.aw-graph').dataset.step === '3'")
    _wait_current(page, "PowBackward0")

    # hover an edge: its gradient's values (Mean -> Mul carried 0.25 everywhere)
    edge = page.locator(".aw-graph g.edge.aw-step-edge", has_text="[2, 2]").first
    edge.locator("path").hover(force=True)
    page.wait_for_function(
        "() => document.querySelector('.aw-graph .aw-step-info').innerText.includes('gradient ')"
    )

    # the kernel follows the keys, and Python drives the same stepper
    lab.run_cell(page, 2)
    assert "step 3 pass -1" in lab.output_text(page, 2)
    lab.run_cell(page, 3)
    page.wait_for_function("() => document.querySelector('.aw-graph').dataset.step === '2'")
    _wait_current(page, "MulBackward0")
    lab.screenshot(page.locator(".aw-graph"), "stepper.png")


HOOKED = [
    "import autograd_widgets as torch\n"
    "x = torch.tensor([1.0, 2.0], requires_grad=True)\n"
    "y = x * x\n"
    "y.register_hook(lambda g: g * 10)\n"
    "out = y.sum()\n"
    "w = torch.draw(out)\n"
    "out.backward(retain_graph=True)\n"
    "out.backward()\n"
    "w",
]


def _hooked_torch(torch) -> list[tuple]:
    """Per pass: (what MulBackward0 received after the hook, x.grad before, x.grad after)."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 10)
    out = y.sum()
    seen = []
    y.grad_fn.register_prehook(lambda go: seen.append(repr(go[0])))
    passes = []
    for retain in (True, False):
        before = None if x.grad is None else repr(x.grad.clone())
        out.backward(retain_graph=retain)
        passes.append((seen[-1], before, repr(x.grad.clone())))
    return passes


def test_two_passes_and_a_hook(lab, lab_page):
    torch = require_torch()
    (recv1, before1, after1), (recv2, before2, after2) = _hooked_torch(torch)
    page = lab_page
    name = lab.write_notebook("stepper_hooked.ipynb", HOOKED)
    lab.open(page, name)
    lab.run_cell(page, 0)
    page.wait_for_selector(".aw-graph .aw-step-start:visible", timeout=30_000)
    page.locator(".aw-graph .aw-step-start").click()
    select = page.locator(".aw-graph .aw-step-pass")
    assert select.locator("option").all_inner_texts() == ["backward #1", "backward #2"]
    # the last pass first; then the first one, chosen in the list
    for pass_index, (recv, before, after) in (
        (1, (recv2, before2, after2)),
        (0, (recv1, before1, after1)),
    ):
        if pass_index == 0:
            select.select_option("0")
            page.wait_for_function("() => document.querySelector('.aw-graph').dataset.step === '0'")
            page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.aw-graph').dataset.step === '1'")
        page.keyboard.press("ArrowRight")  # MulBackward0: its incoming gradient was hooked
        page.wait_for_function("() => document.querySelector('.aw-graph').dataset.step === '2'")
        _wait_current(page, "MulBackward0")
        state = _state(page)
        assert "MulBackward0" in state["currentText"]
        assert page.locator(".aw-graph g.node.aw-step-current.aw-step-hooked").count() == 1
        info = state["info"]
        assert "⚓" in info and recv in info, info
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.aw-graph').dataset.step === '3'")
        leaf = page.locator(".aw-graph .aw-step-leaf")
        assert leaf.locator(".aw-leaf-before").inner_text() == (before or "None")
        assert leaf.locator(".aw-leaf-after").inner_text() == after
