"""The example library: files match their builders, and every example runs, trains its point, and checks out."""
import json

import numpy as np
import pytest

from engine.compiled import Plan, SparseRows
from engine.data import prepare
from engine.examples import DEFAULT_EXAMPLE, EXAMPLES, build_example, example_path
from engine.executor import explain
from engine.gradcheck import check_graph
from engine.serialization import graph_from_dict, graph_to_dict, load_graph, parse_graph_json

EXPECTED = ["chain_rule", "neuron", "headline_classifier", "mlp", "bigrams_unigram_fails",
            "bigrams_bigram_features", "bigrams_hidden_layer", "text_cnn", "toy_2d"]


def test_the_library_has_the_lecture_examples_and_the_default_is_the_headline_classifier():
    assert list(EXAMPLES) == EXPECTED
    assert DEFAULT_EXAMPLE == "headline_classifier"


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_file_equals_what_the_builder_makes(name):
    on_disk = json.loads(example_path(name).read_text(encoding="utf-8"))
    assert on_disk == graph_to_dict(build_example(name), weights=False), \
        f"assets/graphs/{name}.json is stale: run `python -m engine.examples {name}`"


@pytest.mark.parametrize("name", EXPECTED)
def test_example_runs_forward_and_backward_on_its_sample(name):
    graph = load_graph(example_path(name))
    trace = explain(graph, graph.meta["sample"])
    assert np.isfinite(trace.loss)
    for param in graph.parameters():
        assert trace.grads[param.id].shape == param.value.shape


@pytest.mark.parametrize("name", EXPECTED)
def test_example_passes_the_gradient_check(name):
    graph = load_graph(example_path(name))
    results = check_graph(graph, graph.meta["sample"], max_entries=30)
    assert [r.name for r in results] == [p.name for p in graph.parameters()]
    assert all(r.ok for r in results), results


@pytest.mark.parametrize("name", EXPECTED)
def test_example_round_trips_with_its_weights(name):
    d = graph_to_dict(build_example(name))
    assert graph_to_dict(graph_from_dict(parse_graph_json(json.dumps(d)))) == d


@pytest.mark.parametrize("name", EXPECTED)
def test_example_meta_is_complete_and_bindings_name_real_nodes(name):
    graph = build_example(name)
    meta = graph.meta
    assert meta["title"] and len(meta["description"]) > 150 and "\n" not in meta["description"]
    assert set(meta["training"]) == {"optimizer", "lr", "batch_size", "epochs", "seed", "weight_decay"}
    kinds = {"inputs": "Input", "labels": "Label"}
    for key, node_name in meta["bindings"].items():
        node = graph.find(node_name)
        assert node.op_name == kinds.get(key, node.op_name)
    titles = " ".join(r.title for r in graph.regions.values())
    if "labels" in meta["bindings"]:
        assert "loss" in titles
    if "dataset" in meta:
        assert prepare(meta["dataset"]).kind in ("text", "points")


@pytest.mark.parametrize("name", [n for n in EXPECTED if n not in ("chain_rule", "neuron")])
def test_dataset_examples_encode_their_sample_from_the_dataset(name):
    graph = build_example(name)
    data = prepare(graph.meta["dataset"])
    sample = graph.meta["sample"]
    if data.kind == "text":
        assert sample["x"] == data.encode_text(graph.meta["sample_text"]).tolist()
        assert graph.find("x").attrs["shape"] == (data.max_len,)
    assert set(sample["y"]) <= set(range(len(data.class_names)))


def test_headline_classifier_sizes_follow_its_vocabulary():
    graph = build_example("headline_classifier")
    vocab = len(prepare(graph.meta["dataset"]).vocab)
    assert graph.find("f(x)").attrs["vocab_size"] == vocab
    assert graph.find("θ").value.shape == (vocab, 3)
    assert graph.meta["sample_text"] == "Stocks fall after Morgan Stanley earnings miss"


def test_chain_rule_numbers_are_the_slides():
    trace = explain(build_example("chain_rule"), build_example("chain_rule").meta["sample"])
    assert trace.value("a") == pytest.approx(6.0)
    assert trace.value("b") == pytest.approx(np.log(6.0))
    assert trace.grad("x") == pytest.approx(1 / 3)


def reference_adam(graph, epochs=None):
    """A plain minibatch Adam loop over Plan, to confirm that the stored training settings do their job."""
    meta, settings = graph.meta, graph.meta["training"]
    data, bind = prepare(meta["dataset"]), meta["bindings"]
    plan, params = Plan(graph), {p.id: p for p in graph.parameters()}
    moments = {k: (0.0, 0.0) for k in params}
    rng, step = np.random.default_rng(settings["seed"]), 0
    for _ in range(epochs or settings["epochs"]):
        order = rng.permutation(len(data.y_train))
        for start in range(0, len(order), settings["batch_size"]):
            rows = order[start:start + settings["batch_size"]]
            _, grads = plan.loss_and_grads({bind["inputs"]: data.x_train[rows], bind["labels"]: data.y_train[rows]})
            step += 1
            for k, g in grads.items():
                g = (g.to_dense() if isinstance(g, SparseRows) else g) + settings["weight_decay"] * params[k].value
                m, v = moments[k]
                m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
                moments[k] = (m, v)
                params[k].value = params[k].value - settings["lr"] * (m / (1 - 0.9 ** step)) / (
                    np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    out = plan.outputs({bind["inputs"]: data.x_test}, bind["output"])
    predicted = (out > 0.5).astype(int) if out.ndim == 1 else out.argmax(-1)
    return float(np.mean(predicted == data.y_test))


def test_headline_training_settings_reach_the_target_accuracy():
    assert reference_adam(build_example("headline_classifier")) >= 0.87


def test_unigrams_fail_where_bigrams_and_a_hidden_layer_fit():
    assert reference_adam(build_example("bigrams_unigram_fails")) < 0.75
    assert reference_adam(build_example("bigrams_bigram_features")) >= 0.95
    assert reference_adam(build_example("bigrams_hidden_layer")) >= 0.95


@pytest.mark.parametrize("name", ["mlp", "toy_2d"])
def test_point_examples_learn_their_toy_set(name):
    assert reference_adam(build_example(name)) >= 0.9
