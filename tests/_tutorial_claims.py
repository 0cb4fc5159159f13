"""What the tutorials' text says their graphs show, checked on the drawn graphs after
Run All in JupyterLab (see tests/test_notebooks.py::test_tutorial_run_all_in_jupyterlab).

One function per tutorial; each takes the Playwright page (the notebook after Run
All), the language and the notebook's text. Graphs are numbered in page order. A
drawing made with ``as_of="cell"`` must show its own cell's state whatever later
cells did; its timeline must step forward to what they did.
"""

from __future__ import annotations

import math
import re
from typing import Any

GRAPH = ".aw-graph"
#: how a node says it ran (the k-th in the last backward pass), per language
RAN = {"en": "ran #{k}", "zh": "第 {k} 个执行"}


def ran(lang: str, k: int) -> str:
    return RAN[lang].format(k=k)


def any_ran(lang: str, text: str) -> bool:
    """True when ``text`` (node texts) says some node ran."""
    head, tail = RAN[lang].split("{k}")
    return re.search(re.escape(head) + r"\d+" + re.escape(tail), text) is not None


def texts(page: Any, i: int) -> list[str]:
    """The text of each node of graph ``i`` (lines joined by spaces)."""
    return page.eval_on_selector_all(
        GRAPH,
        """(els, i) => [...els[i].querySelectorAll('g.node')]
            .map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' '))""",
        i,
    )


def node(page: Any, i: int, label: str) -> str:
    """The text of the first node of graph ``i`` that mentions ``label``."""
    found = [t for t in texts(page, i) if label in t]
    assert found, (label, texts(page, i))
    return found[0]


def count(page: Any, i: int, selector: str) -> int:
    return page.eval_on_selector_all(
        GRAPH, f"(els, i) => els[i].querySelectorAll({selector!r}).length", i
    )


def passes(page: Any, i: int) -> str:
    """The backward-pass counter of graph ``i`` ("" before any pass)."""
    return page.eval_on_selector_all(
        GRAPH, "(els, i) => els[i].querySelector('.aw-passes')?.textContent || ''", i
    )


def step(page: Any, i: int, button: str, condition: str) -> None:
    """Press ◀ (``"prev"``) or ▶ (``"next"``) in graph ``i``'s timeline and wait until its
    node text ``t`` satisfies the JavaScript ``condition``."""
    page.locator(GRAPH).nth(i).locator(f".aw-tl-{button}").click()
    page.wait_for_function(
        f"""(i) => {{
            const el = document.querySelectorAll('.aw-graph')[i];
            if (el.dataset.status !== 'rendered') return false;
            const t = [...el.querySelectorAll('g.node text')].map((e) => e.textContent).join(' ');
            return {condition};
        }}""",
        arg=i,
        timeout=30_000,
    )


def pinned_at_its_cell(page: Any, i: int) -> None:
    el = page.locator(GRAPH).nth(i)
    assert el.get_attribute("data-timeline") == "0", el.get_attribute("data-timeline")


def claims_01(page: Any, lang: str, text: str) -> None:
    # "Read it from the leaf x ... to out"; shown again after backward (two views of one
    # widget, as of that cell): "the leaf now shows its gradient, 4.5 ... ran #1 at
    # MeanBackward0", whatever the later cells did (more passes, x.grad zeroed and None)
    for view in (0, 1):
        graph = " ".join(texts(page, view))
        for name in ("AccumulateGrad", "AddBackward0", "MulBackward0", "MeanBackward0"):
            assert name in graph, graph
        assert "4.5000" in node(page, view, "AccumulateGrad")
        assert ran(lang, 1) in node(page, view, "MeanBackward0")
        assert re.search(r"\b1\b", passes(page, view)), passes(page, view)
    # "◀ goes back to the graph before backward()"
    step(page, 1, "prev", f"!t.includes('4.5') && !t.includes({ran(lang, 1)!r})")
    assert not any_ran(lang, " ".join(texts(page, 1)))
    # "However many MulBackward0 nodes the loop adds, the graph records each one, and the
    # vector-Jacobian product runs back through all of them": y = 2**k x
    power = float(re.search(r"tensor\(\[(\d+)\., \1\., \1\.\]\)", text).group(1))
    muls = [t for t in texts(page, 2) if "MulBackward0" in t]
    assert len(muls) == round(math.log2(power)), (power, muls)
    assert count(page, 2, "g.node.aw-exec") >= len(muls)
    # "Draw w: there is no graph behind it, and the widget says why"
    said = page.locator(GRAPH).nth(3).locator(".aw-notice, .aw-message").all_inner_texts()
    assert any(s.strip() for s in said), said


def claims_02(page: Any, lang: str, text: str) -> None:
    # the first drawing: Q = 3a^3 - b^2 before backward; one step forward: after it
    first = " ".join(texts(page, 0))
    assert "SubBackward0" in first and "PowBackward0" in first and "36." not in first, first
    pinned_at_its_cell(page, 0)
    step(page, 0, "next", "t.includes('36.')")
    # "Redraw with show_saved=True to see them as extra boxes hanging off their nodes"
    assert count(page, 1, "g.node.aw-k-saved") >= 2
    # "draw Q again: the leaves now show their gradients" (9a^2 = 36, 81; -2b = -12, -8)
    again = " ".join(texts(page, 2))
    assert "36." in again and "-12." in again, again
    # the failed second backward: one pass; retain_graph: "the widget counts the passes"
    assert re.search(r"\b1\b", passes(page, 3)), passes(page, 3)
    assert re.search(r"\b3\b", passes(page, 4)), passes(page, 4)


def claims_03(page: Any, lang: str, text: str) -> None:
    # "Operations done under no_grad appear as faded ghost nodes"
    ghosts = page.eval_on_selector_all(
        ".aw-graph g.node.aw-nograd text", "els => els.map(e => e.textContent).join(' ')"
    )
    assert "AbsBackward0" in ghosts and "MaxBackward1" in ghosts, ghosts


def claims_04(page: Any, lang: str, text: str) -> None:
    # "Each nn.Linear shows up as an AddmmBackward0 node ... fed by TBackward0 ...
    # LogSoftmaxBackward0 followed by NllLossBackward0 ... the AccumulateGrad leaves"
    graph = " ".join(texts(page, 0))
    for name in ("AddmmBackward0", "TBackward0", "LogSoftmaxBackward0", "NllLossBackward0"):
        assert name in graph, graph
    assert count(page, 0, "g.node.aw-k-leaf") == 4  # two weights, two biases
    assert not any_ran(lang, graph)  # one step's graph, drawn before training
    pinned_at_its_cell(page, 0)


def claims_05(page: Any, lang: str, text: str) -> None:
    # "The result's grad_fn is a MyExpBackward node, and it appears in the graph"
    assert "MyExpBackward" in " ".join(texts(page, 0))


def claims_06(page: Any, lang: str, text: str) -> None:
    # "The widget shows a lone tensor with no grad_fn"
    assert len(texts(page, 0)) == 1, texts(page, 0)
    # "the leaf (AccumulateGrad) sits behind MulBackward0"
    behind = " ".join(texts(page, 1))
    assert "AccumulateGrad" in behind and "MulBackward0" in behind, behind
    # the cut graph: "w is simply not in it" (b is its only leaf); the fixed one has both
    assert count(page, 2, "g.node.aw-k-leaf") == 1
    assert count(page, 3, "g.node.aw-k-leaf") == 2
    # show_saved: "s is saved twice by MulBackward0 (self, other), and as SigmoidBackward0's
    # result"; drawn before the in-place change, so no backward ran (nor the next cell's)
    assert count(page, 4, "g.node.aw-k-saved") == 3, texts(page, 4)
    assert not any_ran(lang, " ".join(texts(page, 4))) and passes(page, 4) == ""
    pinned_at_its_cell(page, 4)
    # "one step forward in its timeline (▶) shows the failed backward pass"
    el = page.locator(GRAPH).nth(4)
    el.locator(".aw-tl-next").click()
    failed = "backward failed" if lang == "en" else "反向传播失败"
    page.wait_for_function(
        "([i, s]) => document.querySelectorAll('.aw-graph')[i]"
        ".querySelector('.aw-tl-label').textContent.includes(s)",
        arg=[4, failed],
        timeout=30_000,
    )
    # "The graph shows the NaN gradient at the leaf"
    assert count(page, 5, "g.node.aw-k-leaf.aw-nan") == 1
    assert "nan" in node(page, 5, "AccumulateGrad")


CLAIMS = {
    "01_autograd_basics": claims_01,
    "02_graph_anatomy": claims_02,
    "03_grad_modes": claims_03,
    "04_train_a_network": claims_04,
    "05_custom_functions": claims_05,
    "06_debugging_gradients": claims_06,
}
