"""Nodes on the clipboard are released before the app quits (Qt would free them after Python is gone)."""
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from graphviz_app.commands import MIME_TYPE  # noqa: E402
from graphviz_app.window.edit_ops import release_clipboard  # noqa: E402


def test_our_nodes_leave_the_clipboard_at_quit(qtbot):
    data = QMimeData()
    data.setData(MIME_TYPE, b'{"nodes": []}')
    QApplication.clipboard().setMimeData(data)
    release_clipboard()
    held = QApplication.clipboard().mimeData()
    assert held is None or not held.hasFormat(MIME_TYPE)


def test_someone_elses_text_stays_on_the_clipboard(qtbot):
    QApplication.clipboard().setText("a headline")
    release_clipboard()
    assert QApplication.clipboard().text() == "a headline"
