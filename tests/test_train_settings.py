"""Training settings: one range per setting, checked alike by the file reader, the Trainer and fit(); settings that
a trainer takes live; graphs and splits that cannot train say why."""
import json
import re

import numpy as np
import pytest

from engine.data import DEFAULT_SPECS
from engine.fileformat import FileFormatError
from engine.serialization import graph_from_dict, graph_to_dict
from engine.train import SETTING_RANGES, Trainer, TrainingError, TrainingSettings, setting_problem
from test_train import classifier


@pytest.mark.parametrize("key, value, words", [
    ("lr", 1e6, "1e+06 is too large: the learning rate α must be between 1e-06 and 100"),
    ("lr", 0.0, "0 is too small: the learning rate α must be between 1e-06 and 100"),
    ("epochs", 10**20, "1e+20 is too large: the number of epochs must be between 1 and 100000"),
    ("epochs", 2.5, "expected a whole number between 1 and 100000, got 2.5"),
    ("batch_size", 0, "0 is too small: the batch size must be between 1 and 1000000"),
    ("seed", -1, "-1 is too small: the shuffling seed must be between 0 and 4294967295"),
    ("weight_decay", -1.0, "-1 is too small: the weight decay λ must be between 0 and 100"),
])
def test_a_setting_out_of_its_range_is_refused_alike_by_the_file_and_the_trainer(key, value, words):
    assert setting_problem(key, value) == words
    with pytest.raises(TrainingError) as by_trainer:
        TrainingSettings.from_dict({key: value})
    assert str(by_trainer.value) == f"training.{key}: {words}"
    data = graph_to_dict(classifier())
    data["meta"]["training"][key] = value
    with pytest.raises(FileFormatError) as by_file:
        graph_from_dict(json.loads(json.dumps(data)))
    assert str(by_file.value).endswith(f"meta.training.{key}: {words}")


def test_the_ends_of_each_range_are_accepted():
    for key, (low, high) in SETTING_RANGES.items():
        for value in (low, high):
            assert setting_problem(key, value) is None
            TrainingSettings.from_dict({key: value})
    assert setting_problem("lr", float("nan")) == "expected a number between 1e-06 and 100, got nan"


@pytest.mark.parametrize("epochs, words", [(0, "0 is too small"), (10**20, "1e+20 is too large"),
                                           (-3, "-3 is too small"), (1.5, "expected a whole number")])
def test_fit_refuses_an_epoch_count_out_of_range_instead_of_doing_nothing_or_forever(epochs, words):
    trainer = Trainer(classifier())
    with pytest.raises(TrainingError, match="^" + re.escape(f"training.epochs: {words}")):
        trainer.fit(epochs)
    assert trainer.step_count == 0


def test_an_empty_training_split_is_named_not_reported_as_nan():
    g = classifier("moons", classes=2)
    g.meta["dataset"] = {**DEFAULT_SPECS["moons"], "n": 20, "test_fraction": 0.99}
    with pytest.raises(TrainingError, match=r"^the training split of .* is empty: with test_fraction 0.99 every "
                                            r"example went to the test split"):
        Trainer(g)


def test_a_trainer_takes_the_learning_rate_and_epochs_live_but_not_the_optimizer():
    trainer = Trainer(classifier())
    optimizer = trainer.optimizer
    faster = TrainingSettings.from_dict(trainer.settings.to_dict(), {"lr": 0.05, "epochs": 7})
    assert trainer.take_settings(faster)
    assert trainer.optimizer is optimizer and trainer.lr == 0.05 and trainer.settings.epochs == 7
    assert trainer.step().lr == 0.05
    other = TrainingSettings.from_dict(trainer.settings.to_dict(), {"optimizer": "adam"})
    assert not trainer.take_settings(other)
    assert trainer.optimizer is optimizer and trainer.settings.optimizer == "sgd"


@pytest.mark.parametrize("op", ["Sigmoid", "MatMul", "Label", "Input", "BagOfWords"])
def test_a_node_lying_unconnected_beside_the_network_does_not_stop_training(op):
    g = classifier()
    g.meta.pop("bindings")  # inputs and labels are found from the wiring
    attrs = {"vocab_size": 3} if op == "BagOfWords" else None
    g.add_node(op, "stray", attrs, (500, 500))
    trainer = Trainer(g)
    trainer.fit(1)
    assert trainer.epoch == 1 and np.isfinite(trainer.history.loss).all()


def test_a_missing_edge_on_the_way_to_the_loss_still_stops_training_naming_it():
    g = classifier()
    g.disconnect(next(e.id for e in g.edges.values() if e.dst == g.find("z").id and e.port == "b"))
    with pytest.raises(TrainingError, match="Add 'z': input 'b' is not connected"):
        Trainer(g)
