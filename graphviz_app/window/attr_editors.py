"""One editor widget per attribute kind; each reports a new value through a `commit(value)` callback."""
from __future__ import annotations

import json
from typing import Any, Callable

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from engine.errors import AttrError
from engine.registry import Attr

Commit = Callable[[Any], None]
BIG = 1_000_000
AXIS_CHOICES = ("all", "0", "1", "2", "3", "-1", "-2")


def shape_text(shape) -> str:
    """A shape as the user types it: (3, 4) → "3x4", () → ""."""
    return "x".join(str(n) for n in shape)


def floats_text(value) -> str:
    """A number or nested list as compact JSON."""
    return json.dumps(value)


def parse_floats(text: str) -> Any:
    """JSON numbers or nested lists from text (never eval); AttrError if it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        raise AttrError(f"expected a number or a list such as [1, 2.5], got {text!r:.60}") from None


def make_editor(attr: Attr, value: Any, commit: Commit) -> QWidget:
    """An editor showing `value` that calls commit(new_value) when the user finishes an edit."""
    maker = _MAKERS.get(attr.kind, _make_text)
    editor = maker(attr, commit)
    set_editor_value(editor, attr, value)
    editor.setToolTip(attr.doc)
    return editor


def set_editor_value(editor: QWidget, attr: Attr, value: Any) -> None:
    """Show `value` without triggering a commit."""
    editor.blockSignals(True)
    try:
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentText("all" if value is None else str(value))
        elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            editor.setValue(value)
        elif attr.kind == "shape":
            editor.setText(shape_text(value))
        elif attr.kind == "floats":
            editor.setText(floats_text(value))
        else:
            editor.setText(str(value))
    finally:
        editor.blockSignals(False)


def _make_int(attr: Attr, commit: Commit) -> QSpinBox:
    box = QSpinBox()
    box.setRange(int(attr.minimum) if attr.minimum is not None else -BIG,
                 int(attr.maximum) if attr.maximum is not None else BIG)
    box.setKeyboardTracking(False)  # commit on Enter, focus loss or the arrows, not every keystroke
    box.valueChanged.connect(commit)
    return box


def _make_float(attr: Attr, commit: Commit) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(4)
    box.setRange(float(attr.minimum) if attr.minimum is not None else -BIG,
                 float(attr.maximum) if attr.maximum is not None else BIG)
    box.setSingleStep(0.1)
    box.setKeyboardTracking(False)
    box.valueChanged.connect(commit)
    return box


def _make_bool(attr: Attr, commit: Commit) -> QCheckBox:
    box = QCheckBox()
    box.toggled.connect(commit)
    return box


def _make_choice(attr: Attr, commit: Commit) -> QComboBox:
    box = QComboBox()
    box.addItems([str(c) for c in attr.choices])
    box.currentTextChanged.connect(commit)
    return box


def _make_axis(attr: Attr, commit: Commit) -> QComboBox:
    box = QComboBox()
    box.addItems(AXIS_CHOICES)
    box.currentTextChanged.connect(lambda text: commit(None if text == "all" else int(text)))
    return box


def _make_shape(attr: Attr, commit: Commit) -> QLineEdit:
    edit = QLineEdit(placeholderText="e.g. 3x4 (empty: a scalar)")
    # only sizes and separators can be typed; the engine checks the numbers themselves
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9xX×, ]*"), edit))
    edit.editingFinished.connect(lambda: edit.isModified() and commit(edit.text()))
    return edit


def _make_floats(attr: Attr, commit: Commit) -> QLineEdit:
    edit = QLineEdit(placeholderText="a number, or a list such as [1, 2.5]")
    edit.editingFinished.connect(lambda: edit.isModified() and commit(_FloatsText(edit.text())))
    return edit


def _make_text(attr: Attr, commit: Commit) -> QLineEdit:
    edit = QLineEdit()
    edit.editingFinished.connect(lambda: edit.isModified() and commit(edit.text()))
    return edit


class _FloatsText(str):
    """Marks text that still has to be read as JSON numbers (parsing errors show inline)."""


def to_model_value(value: Any) -> Any:
    """Turn what an editor committed into what the model's validation expects."""
    if isinstance(value, _FloatsText):
        return parse_floats(str(value))
    return value


_MAKERS = {
    "int": _make_int, "float": _make_float, "bool": _make_bool, "choice": _make_choice,
    "axis": _make_axis, "shape": _make_shape, "floats": _make_floats, "str": _make_text,
}
