"""Predict the class of a headline (text data sets) or of a point such as 0.5,-1.2 (2-D toy sets)."""
from __future__ import annotations

import argparse
import sys

import numpy as np

from ..data import tokenize
from ..train import Trainer, TrainingError

BAR_WIDTH = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The predict subcommand's arguments."""
    parser.add_argument("file", help="graph file (.json), ideally trained (main.py train FILE --save OUT)")
    parser.add_argument("example", help='a headline in quotes, e.g. "Brown names date for budget", or a point '
                        'x,y such as 0.5,-1.2 (write -- -0.5,1 when it starts with a minus)')


def parse_point(text: str, size: int) -> np.ndarray:
    """The point "0.5,-1.2" as an array of `size` numbers; TrainingError if it is not one."""
    parts = [p.strip() for p in text.split(",")]
    try:
        point = np.array([float(p) for p in parts])
    except ValueError:
        raise TrainingError(f"example: expected {size} numbers separated by commas, got {text!r}") from None
    if point.shape != (size,) or not np.isfinite(point).all():
        raise TrainingError(f"example: expected {size} finite numbers separated by commas, got {text!r}")
    return point


def bar(prob: float) -> str:
    """A text bar as long as the probability."""
    done = int(round(prob * BAR_WIDTH))
    return "#" * done + "." * (BAR_WIDTH - done)


def run(args: argparse.Namespace) -> int:
    """Load the graph, run the example forward, print every class with its probability."""
    from ..serialization import load_graph

    graph = load_graph(args.file)
    trainer = Trainer(graph)
    if trainer.data.kind == "text":
        if not tokenize(args.example):
            raise TrainingError("the headline has no words to classify; type one, e.g. \"Stocks fall\"")
        ranked = trainer.predict_text(args.example)
        if not any(word in trainer.data.vocabulary for word in tokenize(args.example)):
            print("note: none of these words is in the training vocabulary, so only the biases and the "
                  "unknown-word weights decide", file=sys.stderr)
    else:
        probs = trainer.predict_proba(parse_point(args.example, trainer.data.x_train.shape[1]))[0]
        ranked = sorted(zip(trainer.data.class_names, (float(p) for p in probs)), key=lambda item: -item[1])
    if "metrics" not in graph.meta:
        print("note: this graph has not been trained (no metrics in the file); train it first with "
              "`main.py train FILE --save OUT`", file=sys.stderr)
    width = max(len(name) for name, _ in ranked)
    for name, prob in ranked:
        print(f"{name:<{width}}  {prob:.4f}  {bar(prob)}")
    return 0
