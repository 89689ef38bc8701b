"""The dashboard follows the graph shown: New and Open leave nothing of the previous graph's training, an
unconnected node does not stop training, a graph that cannot train says why, and the settings say whether a
change reaches the trainer live (α) or builds a new one (the optimizer)."""
import pytest

pytest.importorskip("pytestqt")

from engine.examples import build_example  # noqa: E402
from engine.serialization import save_graph  # noqa: E402
from graphviz_app.commands import AddNodeCommand  # noqa: E402
from graphviz_app.training.session import State  # noqa: E402

from .test_training_dashboard import WAIT_MS, click, open_window, type_setting, wait_idle  # noqa: E402


@pytest.fixture
def toy(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, build_example("toy_2d"))
    yield w
    w.training.session.close()


def train_epochs(qtbot, window, epochs):
    type_setting(qtbot, window, "epochs", str(epochs))
    click(qtbot, window.training.controls.train_button)
    qtbot.waitUntil(lambda: window.training.session.state is State.READY, timeout=WAIT_MS)


def test_new_and_open_leave_nothing_of_the_previous_graphs_training(qtbot, toy, tmp_path):
    dash, controls, box = toy.training.dashboard, toy.training.controls, toy.training.predict
    train_epochs(qtbot, toy, 3)
    assert dash.boundary.regions.image is not None and "epoch 3" in controls.progress.text()
    assert box.entry.text() and dash.confusion.counts.size
    toy.actions["new"].trigger()
    assert controls.progress.text() == "" and "Finished" not in controls.message.text()
    assert dash.boundary.regions.image is None and dash.boundary.grid is None
    assert dash.confusion.counts.size == 0 and dash.curves.point_count("step_loss") == 0
    assert box.entry.text() == "" and box.bars.names == []
    assert not dash.tabs.isTabEnabled(dash.boundary_index)
    path = tmp_path / "headlines.json"
    save_graph(build_example("headline_classifier"), path)
    toy.prompts.open_answer = str(path)
    toy.actions["open"].trigger()
    assert dash.boundary.regions.image is None and controls.progress.text() == ""  # still nothing of the old one
    wait_idle(qtbot, toy)
    assert toy.training.session.data.kind == "text" and not dash.tabs.isTabEnabled(dash.boundary_index)
    assert "epoch 0 · step 0" in controls.progress.text()  # the new graph's own status


def test_an_unconnected_node_does_not_stop_training(qtbot, toy):
    session = toy.training.session
    toy.undo_stack.push(AddNodeCommand(toy.graph, "Sigmoid", (900.0, 700.0)))  # dropped from the palette
    qtbot.wait(50)
    wait_idle(qtbot, toy)
    assert session.state is State.READY, session.reason
    dash = toy.training.dashboard
    assert dash.currentWidget() is dash.tabs
    click(qtbot, toy.training.controls.step_button)
    assert toy.graph.meta["metrics"]["steps_done"] == 1
    assert dash.curves.point_count("step_loss") == 1
    dash.tabs.setCurrentIndex(dash.boundary_index)
    assert dash.boundary.regions.image is not None  # the regions and hidden units are drawn, without the stray node
    assert list(dash.boundary.unit_images) == [toy.graph.find("a").id]


def test_a_graph_that_cannot_train_says_why_instead_of_showing_empty_plots(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_example("chain_rule"))  # a scalar example without data
    try:
        dash = window.training.dashboard
        assert window.training.session.state is State.UNTRAINABLE
        assert dash.currentWidget() is dash.why and dash.why.isVisible()
        assert "cannot be trained" in dash.why.text() and "no data set to train on" in dash.why.text()
        assert not window.training.controls.train_button.isEnabled()
        window.set_graph(build_example("toy_2d"), None)
        wait_idle(qtbot, window)
        assert dash.currentWidget() is dash.tabs
    finally:
        window.training.session.close()


def test_the_learning_rate_reaches_the_same_trainer_and_the_optimizer_builds_a_new_one(qtbot, toy):
    session, controls = toy.training.session, toy.training.controls
    trainer = session.trainer
    type_setting(qtbot, toy, "lr", "0.25")
    qtbot.waitUntil(lambda: session.trainer.lr == 0.25, timeout=WAIT_MS)
    assert session.trainer is trainer  # applied live
    controls.optimizer.setCurrentIndex(controls.optimizer.findData("sgd"))
    controls.optimizer.activated.emit(controls.optimizer.currentIndex())
    assert toy.graph.meta["training"]["optimizer"] == "sgd"
    qtbot.waitUntil(lambda: session.trainer is not None and session.trainer is not trainer, timeout=WAIT_MS)
    wait_idle(qtbot, toy)
    assert session.trainer.optimizer.name == "sgd" and session.trainer.lr == 0.25
    toy.actions["undo"].trigger()
    qtbot.waitUntil(lambda: session.trainer is not None and session.trainer.optimizer.name == "adam", timeout=WAIT_MS)
    assert controls.optimizer.currentData() == "adam"


def test_an_edit_of_the_graph_while_training_pauses_the_run_and_resume_continues_it(qtbot, toy):
    session, controls = toy.training.session, toy.training.controls
    type_setting(qtbot, toy, "epochs", "400")
    click(qtbot, controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.epoch >= 1, timeout=WAIT_MS)
    toy.undo_stack.push(AddNodeCommand(toy.graph, "Tanh", (900.0, 700.0)))
    qtbot.waitUntil(lambda: session.state is State.PAUSED, timeout=WAIT_MS)  # a new trainer, the run kept open
    paused_at = toy.graph.meta["metrics"]["epoch"][-1]
    assert session.run_target == 400 and controls.train_button.text() == "Resume"
    click(qtbot, controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.epoch >= paused_at + 1, timeout=WAIT_MS)
    click(qtbot, controls.pause_button)
    metrics = toy.graph.meta["metrics"]
    assert metrics["step"] == list(range(1, metrics["steps_done"] + 1)) and session.run_target == 400


def test_a_weight_edited_during_a_run_pauses_it_and_the_edit_is_kept(qtbot, toy):
    import numpy as np

    from graphviz_app.commands import SetValueCommand

    session, controls = toy.training.session, toy.training.controls
    type_setting(qtbot, toy, "epochs", "400")
    click(qtbot, controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.step_count >= 5, timeout=WAIT_MS)
    b2 = toy.graph.find("b₂")
    toy.undo_stack.push(SetValueCommand(toy.graph, b2.id, [5.0, -5.0]))  # typed in the inspector
    qtbot.waitUntil(lambda: session.state is State.PAUSED, timeout=WAIT_MS)
    assert np.array_equal(toy.graph.find("b₂").value, [5.0, -5.0])  # the run did not overwrite the edit
    assert np.array_equal(session.trainer.graph.nodes[b2.id].value, [5.0, -5.0])  # and it trains on from it
    assert toy.graph.meta["metrics"]["steps_done"] >= 5
    click(qtbot, controls.train_button)
    qtbot.waitUntil(lambda: session.trainer.step_count >= toy.graph.meta["metrics"]["steps_done"] + 3,
                    timeout=WAIT_MS)
    click(qtbot, controls.pause_button)
    assert not np.array_equal(toy.graph.find("b₂").value, [5.0, -5.0])  # trained on from the edited value
