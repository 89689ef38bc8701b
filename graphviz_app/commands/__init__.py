"""Every edit of the graph as a QUndoCommand that calls engine model methods only."""
from .clipboard import CLIPBOARD_FORMAT, MIME_TYPE, PasteCommand, check_clipboard, copy_selection
from .edges import ConnectCommand, DisconnectCommand
from .layout import AutoLayoutCommand, needs_layout
from .nodes import (AddNodeCommand, MoveNodesCommand, RemoveItemsCommand, RenameCommand, SetAttrCommand,
                    SetValueCommand)
from .regions import (AddBlockCommand, CollapseBlockCommand, ExpandBlockCommand, GroupCommand,
                      UngroupCommand)

__all__ = [
    "AddNodeCommand", "RemoveItemsCommand", "ConnectCommand", "DisconnectCommand", "MoveNodesCommand",
    "SetAttrCommand", "RenameCommand", "SetValueCommand", "GroupCommand", "UngroupCommand",
    "ExpandBlockCommand", "CollapseBlockCommand", "AddBlockCommand", "PasteCommand", "AutoLayoutCommand",
    "copy_selection", "check_clipboard", "needs_layout", "CLIPBOARD_FORMAT", "MIME_TYPE",
]
