"""The editor follows the engine's name rule: a bad name is refused before anything is pushed."""
import pytest
from PySide6.QtGui import QUndoStack

from engine import Graph, GraphError
from graphviz_app.commands.clipboard import PasteCommand, copy_selection
from graphviz_app.commands.nodes import RenameCommand


@pytest.mark.parametrize("name", ["a\nb", "nul\x00", "\u200b", "x" * 61])
def test_rename_command_refuses_a_bad_name_before_it_is_pushed(qapp, name):
    g = Graph()
    node = g.add_node("Input", "x")
    stack = QUndoStack()
    with pytest.raises(GraphError, match="a name"):
        stack.push(RenameCommand(g, node.id, name))
    assert stack.count() == 0 and node.name == "x"


def test_paste_refuses_a_clipboard_with_a_bad_name(qapp):
    g = Graph()
    node = g.add_node("Input", "x")
    data = copy_selection(g, [node.id])
    data["nodes"][0]["name"] = "a\n__import__('os')"
    with pytest.raises(ValueError, match="copied node 0: a name must be printable"):
        PasteCommand(g, data)
