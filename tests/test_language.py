"""The widgets' language: ``set_language``, the notebook's metadata, the ``language`` trait."""

from __future__ import annotations

import json

import pytest

import autograd_widgets as aw
from autograd_widgets import _language

pytest.importorskip("anywidget")


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setattr(_language, "_chosen", None)
    monkeypatch.setattr(_language, "_from_notebook", {})
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


def _notebook(tmp_path, meta) -> str:
    path = tmp_path / "t.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))
    return str(path)


def test_english_unless_asked():
    from autograd_widgets.widgets.graph_widget import GraphWidget

    assert _language.get_language() == "en"
    assert GraphWidget().language == "en"


def test_set_language_sets_the_default_of_new_widgets_only():
    from autograd_widgets.widgets.graph_widget import GraphWidget

    before = GraphWidget()
    aw.set_language("zh")
    assert GraphWidget().language == "zh"
    assert before.language == "en"
    assert GraphWidget(language="en").language == "en"
    aw.set_language(None)
    assert GraphWidget().language == "en"


def test_bad_language_is_refused():
    from autograd_widgets.widgets.graph_widget import GraphWidget

    with pytest.raises(ValueError, match="language must be one of"):
        aw.set_language("fr")
    w = GraphWidget()
    with pytest.raises(Exception, match="language must be one of"):
        w.language = "de"
    assert w.language == "en"


def test_the_notebooks_metadata_decides_when_nothing_was_set(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "JPY_SESSION_NAME", _notebook(tmp_path, {"autograd_widgets": {"lang": "zh"}})
    )
    assert _language.get_language() == "zh"
    aw.set_language("en")  # an explicit choice wins
    assert _language.get_language() == "en"


@pytest.mark.parametrize(
    "meta", [{}, {"autograd_widgets": {"lang": "fr"}}, {"autograd_widgets": "zh"}]
)
def test_other_or_odd_metadata_means_english(tmp_path, monkeypatch, meta):
    monkeypatch.setenv("JPY_SESSION_NAME", _notebook(tmp_path, meta))
    assert _language.get_language() == "en"


def test_a_missing_notebook_means_english(tmp_path, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "gone.ipynb"))
    assert _language.get_language() == "en"


def test_the_chinese_tutorials_ask_for_chinese():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for lang in ("en", "zh"):
        books = sorted((root / "notebooks" / lang).glob("*.ipynb"))
        assert books
        for nb in books:
            assert _language._notebook_language(str(nb)) == lang, nb


def _widgets():
    """One of each widget, made now (so with the language choice in force now)."""
    from autograd_widgets.widgets.grad_mode_toggle import GradModeToggle
    from autograd_widgets.widgets.graph_widget import GraphWidget
    from autograd_widgets.widgets.tensor_view import TensorView

    made = [GraphWidget(), GradModeToggle(), TensorView(aw.ones(2, 3, requires_grad=True))]
    return made


@pytest.fixture
def closing():
    made = []
    yield made
    for w in made:
        w.close()


def test_every_widget_has_the_language_traits_on_the_wire(closing):
    closing += _widgets()
    for w in closing:
        state = w.get_state()
        assert state["language"] == "en", type(w).__name__
        assert state["_language_auto"] is True, type(w).__name__
        with pytest.raises(Exception, match="language must be one of"):
            w.language = "fr"


def test_auto_only_while_nothing_chose(tmp_path, monkeypatch, closing):
    """set_language, the notebook's metadata and language= are choices: the front end
    then keeps the language; otherwise it may follow JupyterLab's."""
    assert _language.chosen_language() is None
    aw.set_language("zh")
    assert _language.chosen_language() == "zh"
    closing += _widgets()
    assert [(w.language, w._language_auto) for w in closing] == [("zh", False)] * 3
    aw.set_language(None)
    monkeypatch.setenv(
        "JPY_SESSION_NAME", _notebook(tmp_path, {"autograd_widgets": {"lang": "en"}})
    )
    assert _language.chosen_language() == "en"
    closing += _widgets()
    assert [(w.language, w._language_auto) for w in closing[3:]] == [("en", False)] * 3
    monkeypatch.delenv("JPY_SESSION_NAME")
    from autograd_widgets.widgets.graph_widget import GraphWidget

    given = GraphWidget(language="en")
    closing.append(given)
    assert given._language_auto is False


def test_the_front_end_adopting_the_page_language_reaches_the_kernel(closing):
    """What adoptPageLanguage (js/src/i18n.js) does: set `language` from the front end;
    the kernel then reports it and stops the automatic choice."""
    closing += _widgets()
    for w in closing:
        w.set_state({"language": "zh"})  # as a comm message from the front end applies it
        assert w.language == "zh" and w._language_auto is False


def test_grad_mode_toggle_label_is_empty_unless_given(closing):
    """Empty means "grad mode" in the widget's language (js/src/toggle_logic.js)."""
    from autograd_widgets.widgets.grad_mode_toggle import GradModeToggle

    closing += [GradModeToggle(), GradModeToggle(label="autograd")]
    assert [w.label for w in closing] == ["", "autograd"]


def test_autograd_language_magic():
    from IPython.core.interactiveshell import InteractiveShell

    from autograd_widgets import notebook

    ip = InteractiveShell.instance()
    ip.run_cell("%load_ext autograd_widgets")
    try:
        assert ip.run_cell("%autograd_language zh").success
        assert _language.get_language() == "zh"
        with _capture() as out:
            ip.run_cell("%autograd_language")
        assert out.getvalue() == "widget language: zh\n"
        assert ip.run_cell("%autograd_language auto").success
        assert _language.chosen_language() is None
        with _capture() as out:
            ip.run_cell("%autograd_language")
        assert out.getvalue() == "widget language: auto (JupyterLab's language, else en)\n"
        result = ip.run_cell("%autograd_language fr")
        assert not result.success
        assert _language.chosen_language() is None
    finally:
        ip.run_cell("%unload_ext autograd_widgets")
        notebook.unload_ipython_extension(ip)
    assert "autograd_language" not in ip.magics_manager.magics["line"]


def _capture():
    import contextlib
    import io

    return contextlib.redirect_stdout(io.StringIO())


def test_draw_takes_a_language(closing):
    x = aw.ones(2, requires_grad=True)
    closing += [aw.draw(x * 2, language="zh"), aw.draw(x * 3)]
    assert [(w.language, w._language_auto) for w in closing] == [("zh", False), ("en", True)]
    with pytest.raises(ValueError, match="language must be one of"):
        aw.draw(x * 2, language="fr")


def test_rich_display_summary_speaks_the_chosen_language():
    """``%autograd_display html`` builds its widget in the kernel: the kernel's choice."""
    from autograd_widgets.widgets.tensor_view import summary_html, tensor_mimebundle

    x = aw.ones(2, 3, requires_grad=True)
    (x * 2).sum().backward()
    en = summary_html(x)
    assert "tensor of shape [2, 3]" in en and "min 1 · max 1 · mean 1" in en
    assert ".grad norm 4.899" in en
    aw.set_language("zh")
    zh = summary_html(x)
    assert "形状为 [2, 3] 的张量" in zh and "最小 1 · 最大 1 · 均值 1" in zh
    assert ".grad 范数 4.899" in zh
    bundle = tensor_mimebundle(x)
    assert bundle["text/html"] == zh and bundle["text/plain"] == repr(x)
    assert "value 3" in summary_html(aw.tensor(3.0, requires_grad=True), "en")
    assert "值 3" in summary_html(aw.tensor(3.0, requires_grad=True), "zh")
