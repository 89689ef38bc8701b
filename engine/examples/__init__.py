"""The lecture's example graphs, built in code; `python -m engine.examples` writes assets/graphs/*.json."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Callable

from ..errors import EngineError
from ..graph import Graph
from .small import chain_rule, mlp, neuron, toy_2d
from .text import (
    bigrams_bigram_features, bigrams_hidden_layer, bigrams_unigram_fails, headline_classifier, text_cnn,
)

BUILDERS: dict[str, Callable[[], Graph]] = {
    "chain_rule": chain_rule,
    "neuron": neuron,
    "headline_classifier": headline_classifier,
    "mlp": mlp,
    "bigrams_unigram_fails": bigrams_unigram_fails,
    "bigrams_bigram_features": bigrams_bigram_features,
    "bigrams_hidden_layer": bigrams_hidden_layer,
    "text_cnn": text_cnn,
    "toy_2d": toy_2d,
}
EXAMPLES: tuple[str, ...] = tuple(BUILDERS)
DEFAULT_EXAMPLE = "headline_classifier"
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "graphs"  # in a source checkout
DISTRIBUTION = "computation-graph-explorer"
INSTALLED_DIR = "share/computation-graph-explorer/graphs"  # where an installed copy keeps them (data-files)


def build_example(name: str) -> Graph:
    """A fresh graph of the example called `name` (a file stem of assets/graphs)."""
    if name not in BUILDERS:
        raise EngineError(f"there is no example called {name!r} (examples: {', '.join(EXAMPLES)})")
    return BUILDERS[name]()


def examples_dir() -> Path | None:
    """The folder of the example files: the checkout's assets/graphs, else the installed copy, else None."""
    if ASSETS_DIR.is_dir():
        return ASSETS_DIR
    try:
        files = metadata.files(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.as_posix().endswith(f"{INSTALLED_DIR}/{DEFAULT_EXAMPLE}.json"):
            return Path(str(file.locate())).resolve().parent
    return None


def example_path(name: str) -> Path:
    """Where the saved file of an example lives (in the checkout, or where the package installed it)."""
    return (examples_dir() or ASSETS_DIR) / f"{name}.json"


def write_examples(folder: Path = ASSETS_DIR, names: tuple[str, ...] = EXAMPLES) -> list[Path]:
    """(Re)write the example files; untrained parameters are left to their seeded initialisers."""
    from ..serialization import save_graph

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        path = folder / f"{name}.json"
        save_graph(build_example(name), path, weights=False)
        backup = path.with_name(path.name + ".bak")
        if backup.exists():
            backup.unlink()  # the examples are regenerated from code, so a backup is noise
        written.append(path)
    return written
