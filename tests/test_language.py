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
