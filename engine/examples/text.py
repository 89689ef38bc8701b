"""Text examples: the headline classifier, the bigram ("can the MLP learn this?") trio, a text CNN."""
from __future__ import annotations

from ..data import DEFAULT_SPECS, prepare
from ..graph import Graph
from .builder import DECODER, ENCODER, HIDDEN, LOSS, GraphBuilder

HEADLINES = {"name": "headlines", "classes": 3, "min_count": 1, "max_len": 24, "test_fraction": 0.2, "seed": 0}
NEGATION = dict(DEFAULT_SPECS["negation"])
HEADLINE_TEXT = "Stocks fall after Morgan Stanley earnings miss"
NEGATION_TEXT = "the film was not bad"


def _text_meta(spec: dict, text: str, label: str, training: dict, **fields: str) -> dict:
    """Meta shared by the text examples: dataset, bindings, a sample sentence and its encoded feeds."""
    data = prepare(spec)
    sample = {"x": data.encode_text(text).tolist(), "y": [data.class_names.index(label)]}
    return {**fields, "dataset": dict(spec), "bindings": {"inputs": "x", "labels": "y", "output": "p"},
            "sample": sample, "sample_text": text, "training": training}


def _adam(lr: float, epochs: int, batch_size: int = 32, weight_decay: float = 0.0) -> dict:
    return {"optimizer": "adam", "lr": lr, "batch_size": batch_size, "epochs": epochs, "seed": 0,
            "weight_decay": weight_decay}


def _softmax_decoder(g: GraphBuilder, features: str, size: int, classes: int, theta: str = "θ") -> None:
    """θ, b → S = f·θ + b → p = softmax(S) → L = −log p_y, the decoder and loss of the slides."""
    g.add("Parameter", theta, shape=[size, classes])
    g.add("MatMul", f"{theta}ᵀ{features}", {"x": features, "W": theta})
    g.add("Parameter", "b", shape=[classes], init="zeros")
    g.add("Add", "S", {"a": f"{theta}ᵀ{features}", "b": "b"})
    g.add("Softmax", "p", {"x": "S"})
    g.add("Label", "y", classes=classes)
    g.add("CrossEntropy", "L", {"p": "p", "y": "y"})


def _decoder_regions(features: str, theta: str = "θ") -> list[tuple[str, list[str], str]]:
    return [("decoder", [theta, f"{theta}ᵀ{features}", "b", "S", "p"], DECODER), ("loss", ["y", "L"], LOSS)]


def headline_classifier() -> Graph:
    """Bag of words f(x) → scores θᵀf(x) + b → softmax p → cross-entropy L: Sports / Politics / Business."""
    data = prepare(HEADLINES)
    g = GraphBuilder()
    g.add("Input", "x", shape=[data.max_len], batched=True, dtype="int")
    g.add("BagOfWords", "f(x)", {"ids": "x"}, vocab_size=len(data.vocab))
    _softmax_decoder(g, "f(x)", len(data.vocab), len(data.class_names))
    g.layout()
    meta = _text_meta(HEADLINES, HEADLINE_TEXT, "Business", _adam(0.01, 20, weight_decay=1e-4),
                      title="Headline classifier: Sports, Politics or Business",
                      description=(
        "The lecture's running example: a news headline x goes to Sports, Politics or Business. The encoder "
        "f(x) counts the words of the headline (a bag of words over the training vocabulary); the decoder "
        "scores each class with θᵀf(x) + b and turns the scores into a distribution with softmax; the loss "
        "L(x, y; θ) = −log p_y is small when the true class gets a high probability. Train it on about 1100 "
        "BBC headlines, then type your own, e.g. \"Stocks fall after Morgan Stanley earnings miss\"."))
    return g.finish([("encoder f(x)", ["x", "f(x)"], ENCODER)] + _decoder_regions("f(x)"), meta)


def bigrams_unigram_fails() -> Graph:
    """Unigram bag of words with a linear decoder on the negation set: it cannot fit "not good" vs "good"."""
    data = prepare(NEGATION)
    g = GraphBuilder()
    g.add("Input", "x", shape=[data.max_len], batched=True, dtype="int")
    g.add("BagOfWords", "f(x)", {"ids": "x"}, vocab_size=len(data.vocab))
    _softmax_decoder(g, "f(x)", len(data.vocab), 2)
    g.layout()
    meta = _text_meta(NEGATION, NEGATION_TEXT, "positive", _adam(0.05, 40),
                      title="Bigrams 1: unigram features fail",
                      description=(
        "Short reviews are positive when exactly one of the words \"good\" and \"not\" occurs (\"the film "
        "was good\", \"the film was not bad\") and negative otherwise: an XOR of two words. A linear "
        "classifier on word counts f(x) gives each word one fixed vote, so it cannot tell \"not good\" from \"not bad\" and \"good\" from "
        "\"bad\" at the same time: training stalls well below 100% accuracy. Compare with the bigram "
        "features and the hidden-layer versions of this example."))
    return g.finish([("encoder f(x): unigrams", ["x", "f(x)"], ENCODER)] + _decoder_regions("f(x)"), meta)


def bigrams_bigram_features() -> Graph:
    """Hashed bigram counts with the same linear decoder: "not good" is now a feature of its own."""
    g = GraphBuilder()
    data = prepare(NEGATION)
    g.add("Input", "x", shape=[data.max_len], batched=True, dtype="int")
    g.add("BagOfBigrams", "f₂(x)", {"ids": "x"}, buckets=256)
    _softmax_decoder(g, "f₂(x)", 256, 2)
    g.layout()
    meta = _text_meta(NEGATION, NEGATION_TEXT, "positive", _adam(0.05, 20),
                      title="Bigrams 2: bigram features fit",
                      description=(
        "The same task with engineered features: f₂(x) counts pairs of adjacent words (hashed into 256 "
        "buckets), so \"not good\" and \"not bad\" are separate features with their own weights. The same "
        "linear decoder now fits the data. The catch, as the slides say: engineering features is tedious "
        "and suboptimal. Can we just learn this?"))
    return g.finish([("encoder f₂(x): bigrams", ["x", "f₂(x)"], ENCODER)] + _decoder_regions("f₂(x)"), meta)


def bigrams_hidden_layer() -> Graph:
    """Unigram counts, then a learned hidden layer a = tanh(W f(x) + b₁): the MLP learns the interaction."""
    data = prepare(NEGATION)
    g = GraphBuilder()
    g.add("Input", "x", shape=[data.max_len], batched=True, dtype="int")
    g.add("BagOfWords", "f(x)", {"ids": "x"}, vocab_size=len(data.vocab))
    g.add("Parameter", "W", shape=[len(data.vocab), 8], seed=1)
    g.add("MatMul", "Wf(x)", {"x": "f(x)", "W": "W"})
    g.add("Parameter", "b₁", shape=[8], init="zeros")
    g.add("Add", "Wf(x) + b₁", {"a": "Wf(x)", "b": "b₁"})
    g.add("Tanh", "a", {"x": "Wf(x) + b₁"})
    _softmax_decoder(g, "a", 8, 2)
    g.layout()
    meta = _text_meta(NEGATION, NEGATION_TEXT, "positive", _adam(0.05, 20),
                      title="Bigrams 3: a hidden layer learns it",
                      description=(
        "\"Can the MLP learn this?\" Yes: keep the plain unigram counts f(x) but add a hidden layer "
        "a = tanh(W f(x) + b₁) before the linear decoder. The hidden units can combine \"not\" with "
        "\"good\" or \"bad\", learning the interaction that the unigram classifier could not express and "
        "that bigram features had to spell out by hand."))
    regions = [("encoder f(x)", ["x", "f(x)"], ENCODER),
               ("hidden layer a", ["W", "Wf(x)", "b₁", "Wf(x) + b₁", "a"], HIDDEN)]
    return g.finish(regions + _decoder_regions("a"), meta)


def text_cnn() -> Graph:
    """Collobert & Weston style: embeddings f(w), a window convolution aᵢ = σ(w·[f(wᵢ₋₁); f(wᵢ)]), max over time."""
    data = prepare(HEADLINES)
    d, k = 50, 64
    g = GraphBuilder()
    g.add("Input", "x", shape=[data.max_len], batched=True, dtype="int")
    g.add("Parameter", "E", shape=[len(data.vocab), d], init="normal", scale=0.1, seed=1)
    g.add("Embedding", "f(w)", {"ids": "x", "E": "E"})
    g.add("Parameter", "w", shape=[2 * d, k], seed=2)
    g.add("SeqConv", "w·[f(wᵢ₋₁); f(wᵢ)]", {"x": "f(w)", "W": "w"}, width=2)
    g.add("Parameter", "b₁", shape=[k], init="zeros")
    g.add("Add", "zᵢ", {"a": "w·[f(wᵢ₋₁); f(wᵢ)]", "b": "b₁"})
    g.add("Sigmoid", "aᵢ", {"x": "zᵢ"})
    g.add("MaxPoolTime", "a", {"x": "aᵢ", "ids": "x"})  # the ids mask windows made only of padding
    g.add("Parameter", "U", shape=[k, len(data.class_names)], seed=3)
    g.add("MatMul", "Ua", {"x": "a", "W": "U"})
    g.add("Parameter", "b", shape=[len(data.class_names)], init="zeros")
    g.add("Add", "S", {"a": "Ua", "b": "b"})
    g.add("Softmax", "p", {"x": "S"})
    g.add("Label", "y", classes=len(data.class_names))
    g.add("CrossEntropy", "L", {"p": "p", "y": "y"})
    g.layout()
    meta = _text_meta(HEADLINES, HEADLINE_TEXT, "Business", _adam(0.005, 12, weight_decay=1e-4),
                      title="Text CNN (Collobert & Weston 2008)",
                      description=(
        "A convolutional network over words, as in Collobert & Weston (2008): each word w gets an embedding "
        f"f(w) (a row of E, d = {d}, ready for GloVe vectors); a filter bank w reads every window of two "
        "neighbouring words and gives aᵢ = σ(w·[f(wᵢ₋₁); f(wᵢ)] + b₁) at each position i; max pooling over "
        f"time keeps a = maxᵢ aᵢ, the best position for each of the {k} filters, and only that position "
        "receives gradient. The pool also reads the token ids x, so windows made only of padding (after the "
        "end of the headline) never win. A softmax decoder on a classifies the headline as Sports, Politics or "
        "Business."))
    regions = [("encoder f(x): embeddings, convolution, max over time",
                ["x", "E", "f(w)", "w", "w·[f(wᵢ₋₁); f(wᵢ)]", "b₁", "zᵢ", "aᵢ", "a"], ENCODER),
               ("decoder", ["U", "Ua", "b", "S", "p"], DECODER), ("loss", ["y", "L"], LOSS)]
    return g.finish(regions, meta)
