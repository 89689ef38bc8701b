"""Open Example: the lecture's library of graphs, each with its title and description."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from engine.errors import EngineError
from engine.examples import DEFAULT_EXAMPLE, EXAMPLES, build_example, examples_dir
from engine.fileformat import parse_graph_json
from engine.graph import Graph
from engine.serialization import load_graph


@dataclass
class ExampleEntry:
    """One example: its name, title and description, and its file (None: built in code)."""

    name: str
    title: str
    description: str
    path: Path | None

    def load(self) -> Graph:
        """The example's graph, from its file or from engine.examples."""
        if self.path is not None:
            return load_graph(self.path)
        return build_example(self.name)


def _meta_of(path: Path) -> dict:
    try:
        data = parse_graph_json(path.read_bytes())
    except (EngineError, OSError):
        return {}
    meta = data.get("meta") if isinstance(data, dict) else None
    return meta if isinstance(meta, dict) else {}


def list_examples(folder: Path | None = None) -> list[ExampleEntry]:
    """Every example: files in `folder` (default: the installed examples) in the engine's order, then others."""
    folder = folder if folder is not None else examples_dir()
    files = {p.stem: p for p in sorted(folder.glob("*.json"))} if folder is not None and folder.is_dir() else {}
    order = list(EXAMPLES) + [n for n in files if n not in EXAMPLES]
    entries = []
    for name in order:
        path = files.get(name)
        meta = _meta_of(path) if path else _built_meta(name)
        title = str(meta.get("title") or name.replace("_", " ").capitalize())
        entries.append(ExampleEntry(name, title, str(meta.get("description", "")), path))
    return entries


def _built_meta(name: str) -> dict:
    try:
        return build_example(name).meta
    except EngineError:
        return {}


def default_example_graph() -> Graph:
    """The headline classifier: from its file, or built in code if the file is missing."""
    folder = examples_dir()
    path = folder / f"{DEFAULT_EXAMPLE}.json" if folder is not None else None
    return load_graph(path) if path is not None and path.is_file() else build_example(DEFAULT_EXAMPLE)


class ExamplesDialog(QDialog):
    """A list of examples on the left, the chosen one's description on the right."""

    def __init__(self, parent: QWidget | None = None, entries: list[ExampleEntry] | None = None,
                 current: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Open Example")
        self.resize(820, 460)
        self.entries = entries if entries is not None else list_examples()
        self.list = QListWidget()
        self.list.setMinimumWidth(300)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for entry in self.entries:
            item = QListWidgetItem(entry.title)
            item.setToolTip(entry.name)
            self.list.addItem(item)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
        row = QHBoxLayout()
        row.addWidget(self.list, 2)
        row.addWidget(self.details, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show_details)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        if self.entries:
            names = [e.name for e in self.entries]
            self.list.setCurrentRow(names.index(current) if current in names else 0)
        else:
            self.details.setText("No examples found.")
            self.open_button.setEnabled(False)

    def _show_details(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        where = entry.path.name if entry.path else "built in code"
        self.details.setText(f"<h3>{html.escape(entry.title)}</h3><p>{html.escape(entry.description)}</p>"
                             f"<p style='color:gray'>{html.escape(where)}</p>")

    def selected(self) -> ExampleEntry | None:
        """The highlighted example."""
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None
