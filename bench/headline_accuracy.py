"""Headline accuracy: our trained examples vs scikit-learn's LogisticRegression on unigram counts, one run.

Usage: .venv/bin/python bench/headline_accuracy.py [--no-cnn] [--seeds N]

Trains the headline_classifier example (assets/graphs/headline_classifier.json if it exists, else built by
engine.examples) with its own training settings, and a LogisticRegression on bag-of-words counts of the very
same split; prints both test accuracies, both training times and their ratio. Then the same for the text CNN
example. The goal (issue 4): ours at least matches sklearn, in under 20 s of training. Exit 1 if it does not.
With --seeds N, ours is trained N times (shuffling seeds 0..N-1) and the worst run must meet the goal.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.data import bag_of_words  # noqa: E402
from engine.graph import Graph  # noqa: E402
from engine.train import Trainer  # noqa: E402

TIME_BUDGET_SECONDS = 20.0


def load_example(name: str) -> tuple[Graph, str]:
    """The example graph from its file in assets/graphs, else built in code; and where it came from."""
    path = ROOT / "assets" / "graphs" / f"{name}.json"
    if path.exists():
        from engine.serialization import load_graph

        return load_graph(path), str(path.relative_to(ROOT))
    from engine.examples import build_example

    return build_example(name), f"engine.examples.build_example({name!r})"


def train_ours(graph: Graph, seed: int | None) -> tuple[Trainer, float, float]:
    """Train from the seeded initial weights; (trainer, test accuracy, seconds of training)."""
    trainer = Trainer(graph, settings=None if seed is None else {"seed": seed})
    trainer.reset()
    started = time.perf_counter()
    trainer.fit()
    seconds = time.perf_counter() - started
    return trainer, trainer.evaluate("test").accuracy, seconds


def train_sklearn(trainer: Trainer) -> tuple[float, float]:
    """LogisticRegression (defaults: L2, C=1, lbfgs) on unigram counts of the same split; (accuracy, seconds)."""
    from sklearn.linear_model import LogisticRegression

    data = trainer.data
    size = len(data.vocab)
    x_train, x_test = bag_of_words(data.x_train, size), bag_of_words(data.x_test, size)
    model = LogisticRegression(max_iter=2000)
    started = time.perf_counter()
    model.fit(x_train, data.y_train)
    seconds = time.perf_counter() - started
    return float(model.score(x_test, data.y_test)), seconds


def compare(name: str, sklearn_result: tuple[float, float] | None,
            seeds: int) -> tuple[bool, tuple[float, float]]:
    """Train one example (once, or once per seed) and print it next to sklearn; True if it meets the goal."""
    graph, source = load_example(name)
    runs = [train_ours(graph, None if seeds == 1 else seed) for seed in range(seeds)]
    trainer = runs[0][0]
    accuracy, seconds = min(r[1] for r in runs), max(r[2] for r in runs)
    s = trainer.settings
    if sklearn_result is None:
        print(trainer.data.describe())
        sklearn_result = train_sklearn(trainer)
        print(f"sklearn LogisticRegression (unigram counts, C=1, lbfgs): test_accuracy={sklearn_result[0]:.4f}  "
              f"train {sklearn_result[1]:.2f} s")
    sk_accuracy, sk_seconds = sklearn_result
    print(f"{name} ({source}; {s.optimizer} lr={s.lr:g} batch_size={s.batch_size} epochs={s.epochs} "
          f"weight_decay={s.weight_decay:g}): test_accuracy={accuracy:.4f}  train {seconds:.2f} s "
          f"({trainer.step_count} steps)")
    if seeds > 1:
        print(f"  worst of {seeds} shuffling seeds shown; accuracies "
              f"{', '.join(f'{r[1]:.4f}' for r in runs)}; times {', '.join(f'{r[2]:.2f}' for r in runs)} s")
    ok = accuracy >= sk_accuracy and seconds <= TIME_BUDGET_SECONDS
    verdict = "met" if ok else "NOT met"
    print(f"  accuracy ours − sklearn = {accuracy - sk_accuracy:+.4f}; training time ratio ours/sklearn = "
          f"{seconds / sk_seconds:.1f}×; goal (≥ sklearn, ≤ {TIME_BUDGET_SECONDS:g} s): {verdict}")
    return ok, sklearn_result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cnn", action="store_true", help="skip the text CNN example")
    parser.add_argument("--seeds", type=int, default=1, help="train ours with this many shuffling seeds")
    args = parser.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')} (same for both sides)")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    ok, sklearn_result = compare("headline_classifier", None, args.seeds)
    if not args.no_cnn:
        cnn_ok, _ = compare("text_cnn", sklearn_result, args.seeds)
        ok = ok and cnn_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
