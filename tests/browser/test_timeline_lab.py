"""The graph widget's timeline in real JupyterLab + Chromium: Run All of several
cells, then the slider and ◀ ▶ "live" buttons bring back what the graph showed
after each cell; ``draw(..., as_of="cell")`` keeps the state of its own cell."""

from __future__ import annotations

import re

CELLS = [
    "import autograd_widgets as torch\n"
    "x = torch.ones(2, 2, requires_grad=True)\n"
    "y = x + 2\n"
    "out = (y * y * 3).mean()\n"
    "w = torch.draw(out)\n"
    "w",
    "pinned = torch.draw(out, as_of='cell')\npinned",
    "out.backward()",
    "y.sum().backward()  # through part of the graph: x.grad 4.5 + 1, MeanBackward0 did not run",
    "print(w.timeline, pinned.timeline, pinned.position)",
]


def graph_text(page, index: int) -> str:
    return page.eval_on_selector_all(
        ".aw-graph",
        "(els, i) => [...els[i].querySelectorAll('g.node text')].map(e => e.textContent).join(' ')",
        index,
    )


def node_text(page, index: int, label: str) -> str:
    """The text of the node of graph ``index`` whose text includes ``label``."""
    return page.eval_on_selector_all(
        ".aw-graph",
        """(els, [i, label]) => [...els[i].querySelectorAll('g.node')]
            .map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' '))
            .find((t) => t.includes(label)) || ''""",
        [index, label],
    )


def wait_graph(page, index: int, condition: str) -> None:
    """Wait until graph ``index`` is drawn and its node text ``t`` satisfies ``condition``."""
    page.wait_for_function(
        f"""(i) => {{
            const el = document.querySelectorAll('.aw-graph')[i];
            if (!el || el.dataset.status !== 'rendered') return false;
            const t = [...el.querySelectorAll('g.node text')].map((e) => e.textContent).join(' ');
            return {condition};
        }}""",
        arg=index,
        timeout=30_000,
    )


def test_slider_brings_back_earlier_states_after_run_all(lab, lab_page):
    page = lab_page
    name = lab.write_notebook("timeline.ipynb", CELLS)
    lab.open(page, name)
    lab.run_all(page)
    printed = lab.output_text(page, 4)
    labels = re.findall(r"In \[(\d+)\] (\w+)", printed)
    kinds = ["drawn", "backward", "backward"] * 2  # w's timeline, then pinned's
    assert [k for _, k in labels] == kinds, printed
    drawn, first, second, pinned_drawn = (int(labels[i][0]) for i in (0, 1, 2, 3))
    assert [c for c, _ in labels[4:]] == [c for c, _ in labels[1:3]], printed
    assert printed.rstrip().endswith(" 0"), printed  # pinned at its own cell's state

    live = page.locator(".aw-graph").nth(0)
    bar = live.locator(".aw-timeline")
    # the live graph: both passes (x.grad = 4.5 + 1), the newest executed order
    wait_graph(page, 0, "t.includes('5.5000') && t.includes('SumBackward0')")
    assert "ran #" not in node_text(page, 0, "MeanBackward0")
    assert bar.get_attribute("data-count") == "3" and bar.get_attribute("data-position") == "live"
    assert live.locator(".aw-tl-live").get_attribute("aria-pressed") == "true"

    # one step back: as after `out.backward()`, cell [first]
    live.locator(".aw-tl-prev").click()
    wait_graph(page, 0, "t.includes('4.5000') && !t.includes('SumBackward0')")
    assert "ran #1" in node_text(page, 0, "MeanBackward0")
    assert live.locator(".aw-tl-label").inner_text() == f"In [{first}] · backward"
    assert live.get_attribute("data-timeline") == "1"

    # the slider to the start: as drawn, before any backward (no .grad, nothing ran)
    live.locator(".aw-tl-slider").evaluate(
        "(s) => { s.value = '0'; s.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    wait_graph(page, 0, "!t.includes('4.5000') && !t.includes('ran #')")
    assert live.locator(".aw-tl-label").inner_text() == f"In [{drawn}] · drawn"
    assert live.locator(".aw-tl-prev").is_disabled()
    lab.screenshot(live, "timeline-earlier-state.png")

    # and back to live
    live.locator(".aw-tl-live").click()
    wait_graph(page, 0, "t.includes('5.5000') && t.includes('SumBackward0')")
    assert live.get_attribute("data-timeline") == "live"

    # as_of="cell": after Run All it still shows the graph of the cell that drew it
    pinned = page.locator(".aw-graph").nth(1)
    wait_graph(page, 1, "t.includes('MeanBackward0')")
    text = graph_text(page, 1)
    assert "4.5000" not in text and "5.5000" not in text and "ran #" not in text, text
    assert pinned.get_attribute("data-timeline") == "0"
    assert pinned.locator(".aw-tl-label").inner_text() == f"In [{pinned_drawn}] · drawn"
    # ... and can still step forward through what later cells did
    pinned.locator(".aw-tl-next").click()
    wait_graph(page, 1, "t.includes('4.5000')")
    assert pinned.locator(".aw-tl-label").inner_text() == f"In [{first}] · backward"
    pinned.locator(".aw-tl-next").click()
    wait_graph(page, 1, "t.includes('5.5000')")
    assert pinned.locator(".aw-tl-label").inner_text() == f"In [{second}] · backward"
    assert not [e for e in page.aw_errors if "aw-" in e or "autograd" in e.lower()]
