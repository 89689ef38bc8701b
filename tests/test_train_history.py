"""A saved history continues where it stopped (the CLI and the app use Trainer.continue_history), and an epoch end
evaluated a part at a time gives exactly what evaluating it at once gives."""
import numpy as np
import pytest

from engine.serialization import graph_from_dict, graph_to_dict
from engine.train import History, Trainer
from test_train import classifier, params_of


def reopened(graph):
    """The graph as it comes back from its file."""
    return graph_from_dict(graph_to_dict(graph))


def test_two_epochs_equal_one_saved_then_one_continued():
    straight = classifier("moons", hidden=4, classes=2)
    whole = Trainer(straight)
    whole.fit(2)
    first = classifier("moons", hidden=4, classes=2)
    trainer = Trainer(first)
    trainer.fit(1)
    trainer.save_into_graph()
    graph = reopened(first)
    again = Trainer(graph)
    assert again.continue_history(graph.meta["metrics"])
    assert (again.step_count, again.epoch) == (trainer.step_count, 1)
    again.fit(1)
    assert again.history.to_dict() == whole.history.to_dict()  # the same steps, losses and shuffles
    assert all(np.array_equal(v, params_of(straight)[k]) for k, v in params_of(graph).items())


def test_without_a_saved_history_training_starts_at_step_one():
    trainer = Trainer(classifier())
    assert not trainer.continue_history(None)
    assert trainer.step().step == 1 and trainer.epoch == 0


def test_a_history_of_other_classes_is_not_continued():
    g = classifier()
    trainer = Trainer(g)
    trainer.fit(1)
    metrics = trainer.graph_metrics()
    metrics["class_names"] = ["x", "y", "z"]
    assert not trainer.continue_history(metrics)
    assert trainer.history.step == [] and trainer.step_count == 0


def test_a_history_matches_its_saved_form_and_nothing_else():
    trainer = Trainer(classifier())
    trainer.fit(1)
    saved = trainer.graph_metrics()
    assert History.from_dict(saved).matches(saved) and trainer.history.matches(saved)
    shorter = dict(saved, loss=saved["loss"][:-1], step=saved["step"][:-1])
    assert not trainer.history.matches(shorter) and not trainer.history.matches(None)
    with_nan = dict(saved, loss=[None] + saved["loss"][1:])  # a NaN loss comes back from a file as null
    assert History.from_dict(with_nan).matches(with_nan)


@pytest.mark.parametrize("examples", [1, 7, 512])
def test_an_epoch_end_evaluated_in_parts_equals_one_evaluated_at_once(examples):
    at_once, in_parts = Trainer(classifier()), Trainer(classifier())
    for _ in range(at_once.steps_per_epoch):
        at_once.step()
        result = in_parts.step(defer_evaluation=True)
    assert result.epoch_end and in_parts.epoch_end_pending and in_parts.epoch == 0
    parts = 0
    while in_parts.epoch_end_pending:
        done = in_parts.continue_epoch_end(examples)
        parts += 1
    assert done is in_parts.last_epoch and in_parts.epoch == 1
    split_sizes = len(in_parts.data.y_train), len(in_parts.data.y_test)
    assert parts == sum(-(-n // examples) for n in split_sizes)
    a, b = at_once.last_epoch, in_parts.last_epoch
    for split in ("train", "test"):
        x, y = getattr(a, split), getattr(b, split)
        assert x.loss == pytest.approx(y.loss, rel=1e-12) and x.accuracy == y.accuracy
        assert np.array_equal(x.confusion, y.confusion)


def test_a_pending_epoch_end_is_finished_before_the_next_step():
    trainer = Trainer(classifier())
    for _ in range(trainer.steps_per_epoch):
        trainer.step(defer_evaluation=True)
    assert trainer.epoch_end_pending
    result = trainer.step()
    assert not trainer.epoch_end_pending and trainer.epoch == 1 and result.epoch == 2
    assert trainer.history.epoch == [1]
