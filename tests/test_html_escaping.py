"""Markup in user text never becomes markup in what the Python side produces (issue 12, item 4).

User text reaches HTML and SVG through names (variables, ``names=``, module
parameters), custom ``Function`` class names (``grad_fn`` names) and notices.
Each producer is fed markup and its output parsed: no element or attribute
may come from the user's text.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import GraphModel

MARKUP = '<img src=x onerror="window.__aw_xss=1">'
SCRIPT = "</text><script>window.__aw_xss=1</script>"


def markup_graph():
    """(leaf, the custom Function's output, the sum, names): markup in every label."""
    fn = type(
        MARKUP,
        (aw.autograd.Function,),
        {
            "forward": staticmethod(lambda ctx, x: x * 2),
            "backward": staticmethod(lambda ctx, g: g * 2),
        },
    )
    x = aw.ones(2, requires_grad=True)
    h = fn.apply(x)
    assert MARKUP in type(h.grad_fn).__name__
    y = h.sum()
    return x, h, y, {SCRIPT: x, MARKUP: y}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def html_tags(text: str) -> _Tags:
    p = _Tags()
    p.feed(text)
    p.close()
    return p


def assert_safe_html(text: str, allowed: set[str]) -> None:
    found = html_tags(text)
    assert set(found.tags) <= allowed, (found.tags, text)
    assert not [a for a in found.attrs if a.startswith("on") or a == "src"], text
    assert "&lt;img" in text  # the markup is there, as text


def assert_safe_svg(svg: str) -> None:
    root = ET.fromstring(svg)  # well-formed XML
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        assert tag not in ("img", "script", "foreignObject", "a"), svg
        assert not [a for a in el.attrib if a.rsplit("}", 1)[-1].startswith("on")], svg
    assert "onerror" in svg  # the text is shown, escaped


def test_summary_html_escapes_a_custom_function_name():
    from autograd_widgets.widgets.tensor_view import summary_html

    _, h, _, _ = markup_graph()
    assert_safe_html(summary_html(h), {"span"})


def test_rich_display_mimebundle_escapes_it(monkeypatch):
    pytest.importorskip("ipywidgets")
    from autograd_widgets.widgets.tensor_view import tensor_mimebundle

    _, h, _, _ = markup_graph()
    assert_safe_html(tensor_mimebundle(h)["text/html"], {"span"})


def test_autograd_display_html_in_a_shell_escapes_it():
    pytest.importorskip("ipywidgets")
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_cell("%load_ext autograd_widgets")
    try:
        ip.run_cell("%autograd_display html")
        _, h, _, _ = markup_graph()
        data, _ = ip.display_formatter.format(h)
        assert_safe_html(data["text/html"], {"span"})
    finally:
        ip.run_cell("%autograd_display plain")
        ip.run_cell("%unload_ext autograd_widgets")


def test_dot_and_static_svg_escape_names_labels_and_notices():
    _, _, y, names = markup_graph()
    wire = GraphModel.from_tensors(y, names=names, namespace=None).to_json()
    wire["notice"] = MARKUP + SCRIPT
    labels = " ".join(str(n.get("label")) + str(n.get("name")) for n in wire["nodes"])
    assert MARKUP in labels and SCRIPT in labels
    from autograd_widgets.graph import dot as gdot

    src = gdot.to_dot(wire).source
    assert MARKUP not in src and SCRIPT not in src and "&lt;img" in src
    if shutil.which("dot") is None:
        pytest.skip("no Graphviz 'dot' executable on PATH")
    assert_safe_svg(gdot.to_svg(src, timeout=30))
    from autograd_widgets.widgets import _static

    assert_safe_svg(_static.static_svg(wire))


def test_graph_widget_fallbacks_escape_it():
    pytest.importorskip("anywidget")
    from autograd_widgets.widgets import _assets

    if not (_assets.STATIC / _assets.WIDGET_ESM).exists():
        pytest.skip("front end not built")
    _, _, y, names = markup_graph()
    w = aw.draw(y, names=names, live=False)
    try:
        data, _ = w._repr_mimebundle_()
        assert "text/html" not in data
        if shutil.which("dot") is not None:
            assert_safe_svg(data["image/svg+xml"])
        assert MARKUP in data["text/plain"]  # plain text: shown as written
    finally:
        w.close()
