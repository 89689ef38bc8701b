"""Decision regions, weights and gradient plots, explain hand-off, data set and feature switching."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from engine.data import prepare  # noqa: E402
from engine.examples import build_example  # noqa: E402
from engine.train import resolve_bindings  # noqa: E402
from engine.training.settings import check_compatible  # noqa: E402
from graphviz_app.training.boundary import GRID  # noqa: E402
from graphviz_app.training.model import parameter_names  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import click, open_window, type_setting  # noqa: E402


def train_epochs(qtbot, window, epochs):
    """Type the epoch count, press Train, wait for the end of the run."""
    type_setting(qtbot, window, "epochs", str(epochs))
    click(qtbot, window.training.controls.train_button)
    qtbot.waitUntil(lambda: window.training.session.state is State.READY, timeout=30_000)


@pytest.fixture
def moons(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("toy_2d"))
    yield w
    w.training.session.close()


def test_decision_regions_and_hidden_units_follow_training(qtbot, moons):
    dash = moons.training.dashboard
    assert dash.tabs.isTabEnabled(dash.boundary_index)
    dash.tabs.setCurrentIndex(dash.boundary_index)
    before = dash.boundary.regions.image.copy()
    assert before.shape == (GRID, GRID, 3)
    train_epochs(qtbot, moons, 20)
    after = dash.boundary.regions.image
    assert not np.array_equal(before, after)
    hidden = moons.graph.find("a").id
    assert list(dash.boundary.unit_images) == [hidden]
    assert len(dash.boundary.unit_images[hidden]) == 8  # a = tanh(Wx + b₁) has eight units
    model = moons.training.session.model
    unit = model.values_for(dash.boundary.grid)[hidden][:, 3].reshape(GRID, GRID)
    assert np.allclose(dash.boundary.unit_images[hidden][3].image, unit)


def test_text_data_has_no_decision_regions_tab(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    try:
        dash = window.training.dashboard
        assert not dash.tabs.isTabEnabled(dash.boundary_index)
    finally:
        window.training.session.close()


def test_weight_heatmaps_and_gradient_norms_show_every_parameter(qtbot, moons):
    dash = moons.training.dashboard
    names = parameter_names(moons.graph)
    train_epochs(qtbot, moons, 2)
    dash.tabs.setCurrentWidget(dash.weights)
    for node_id in names:
        shown = dash.weights.images[node_id].image
        value = moons.graph.nodes[node_id].value
        assert np.array_equal(shown.reshape(-1), np.asarray(value).reshape(-1))
    dash.tabs.setCurrentWidget(dash.grads)
    steps = len(moons.graph.meta["metrics"]["step"])
    for node_id in names:
        xs, ys = dash.grads.curves[node_id].getData()
        assert len(xs) == steps
        assert np.allclose(10.0 ** ys, moons.graph.meta["metrics"]["grad_norms"][node_id])  # drawn on a log axis


def test_buttons_follow_the_training_state(qtbot, moons):
    controls = moons.training.controls
    assert controls.train_button.isEnabled() and not controls.pause_button.isEnabled()
    type_setting(qtbot, moons, "epochs", "500")
    click(qtbot, controls.train_button)
    assert controls.pause_button.isEnabled() and not controls.step_button.isEnabled()
    assert not controls.optimizer.isEnabled() and not controls.fields["batch_size"].isEnabled()  # they rebuild
    assert controls.lr.isEnabled() and controls.epochs.isEnabled()  # α and epochs change a run as it goes
    click(qtbot, controls.pause_button)
    assert controls.train_button.isEnabled() and controls.train_button.text() == "Resume"
    assert not controls.pause_button.isEnabled() and controls.optimizer.isEnabled()


def test_explain_this_prediction_hands_the_trace_to_explain_mode(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("text_cnn"))
    try:
        box = window.training.predict
        box.entry.setText("Chelsea beat Arsenal in the cup final")
        box.predict()
        assert box.explain_button.isEnabled()
        box.explain_button.click()
        trace = window.explain.controller.trace
        assert trace is not None and trace.target == window.graph.find("L").id
        predicted = int(np.argmax(box.last_probs))
        assert trace.value("y").tolist() == [predicted]
        assert np.allclose(trace.value("p")[0], box.last_probs)
        items = box.last_explanation.items  # the text CNN: which word pairs won the max-pool
        assert sum(int(c.detail.split()[1]) for c in items) == window.graph.find("w").value.shape[1]
    finally:
        window.training.session.close()


def test_switching_to_five_classes_adapts_the_graph_in_one_undoable_step(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    asked = window.prompts.asked_yes_no
    try:
        window.training.choose_dataset({"name": "headlines", "classes": 5})
        graph = window.graph
        data = prepare(graph.meta["dataset"])
        assert len(data.class_names) == 5
        check_compatible(graph, resolve_bindings(graph), data)
        assert graph.find("θ").value.shape == (len(data.vocab), 5)
        assert graph.find("b").value.shape == (5,) and graph.find("y").attrs["classes"] == 5
        assert window.undo_stack.count() == 1 and not asked
        session = window.training.session  # the trainer is rebuilt for the new data in the background
        qtbot.waitUntil(lambda: session.data is not None and session.data.class_names == data.class_names,
                        timeout=30_000)
        window.undo_stack.undo()
        assert graph.meta["dataset"]["classes"] == 3 and graph.find("θ").value.shape[1] == 3
    finally:
        window.training.session.close()


def test_data_the_graph_cannot_read_offers_the_matching_example(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("mlp"))  # one sigmoid output: two classes only
    asked = window.prompts.asked_yes_no  # the question goes through the window's prompts: no modal box
    window.prompts.yes_no_answer = True
    try:
        window.training.choose_dataset({"name": "blobs3"})
        assert len(asked) == 1 and "Two moons" in asked[0]
        graph = window.graph
        assert graph.meta["dataset"]["name"] == "blobs3" and graph.find("p").op_name == "Softmax"
        check_compatible(graph, resolve_bindings(graph), prepare(graph.meta["dataset"]))
        session = window.training.session
        qtbot.waitUntil(lambda: session.data is not None and session.data.class_names == ("A", "B", "C"),
                        timeout=30_000)
    finally:
        window.training.session.close()


def test_unigrams_to_bigrams_swaps_the_featurizer(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("headline_classifier"))
    try:
        window.training.choose_features("bigrams")
        graph = window.graph
        ops = {n.op_name for n in graph.nodes.values()}
        assert "BagOfBigrams" in ops and "BagOfWords" not in ops
        check_compatible(graph, resolve_bindings(graph), prepare(graph.meta["dataset"]))
        click(qtbot, window.training.controls.step_button)  # the trainer is rebuilt first: the step waits for it
        qtbot.waitUntil(lambda: "metrics" in window.graph.meta, timeout=30_000)
        assert window.graph.meta["metrics"]["steps_done"] == 1
    finally:
        window.training.session.close()
