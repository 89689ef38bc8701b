"""Edit menu work: clipboard, delete, select all, regions, "Linear + σ" blocks, auto layout, add op.

The scene owns the edit helpers (each pushes one undo command); this controller adds the clipboard,
the questions (region title and colour) and the status messages.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from engine import blocks as block_model

from ..commands import MIME_TYPE as CLIPBOARD_MIME
from ..commands import check_clipboard
from .contract import Workbench



class EditController:
    """Slots of the Edit menu; every change goes through the scene's undo-command helpers."""

    def __init__(self, window: Workbench):
        self.w = window

    # ----- history
    def undo(self) -> None:
        """Undo; a training run going on pauses first, so its run so far is what Undo takes back."""
        stack = self.w.undo_stack
        if not self.w.settle():
            stack.undo()
            return
        text = stack.undoText()
        stack.undo()
        self.w.show_status(f"Training paused, and Undo took back “{text}”: Redo brings it back", 10000)

    def redo(self) -> None:
        """Redo; a training run going on pauses first (its run so far becomes the newest step)."""
        stack = self.w.undo_stack
        if not self.w.settle():
            stack.redo()
        elif stack.canRedo():  # the run had not changed anything yet
            stack.redo()
        else:
            self.w.show_status("Training paused: its run so far is now the newest step, so nothing is left to "
                               "redo", 10000)

    def _nodes(self) -> list[str]:
        return self.w.scene.selected_node_ids()

    # ----- clipboard
    def copy(self) -> bool:
        """Copy the selected nodes (and the edges between them) as JSON text with a private type."""
        fragment = self.w.scene.copy_selected()
        if not fragment:
            self.w.show_status("Nothing selected to copy")
            return False
        text = json.dumps(fragment)
        data = QMimeData()
        data.setData(CLIPBOARD_MIME, text.encode("utf-8"))
        data.setText(text)
        QApplication.clipboard().setMimeData(data)
        count = len(fragment.get("nodes", []))
        self.w.show_status(f"Copied {count} node{'s' * (count != 1)}")
        return True

    def cut(self) -> bool:
        """Copy, then delete the selection."""
        return self.copy() and self.delete()

    def paste(self) -> bool:
        """Paste nodes from the clipboard, shifted a little from where they were copied."""
        fragment = clipboard_fragment()
        if fragment is None:
            self.w.show_status("The clipboard holds no nodes")
            return False
        return bool(self.w.scene.paste(fragment))

    def duplicate(self) -> bool:
        """Copy the selection next to itself, leaving the clipboard alone."""
        if not self._nodes():
            self.w.show_status("Nothing selected to duplicate")
            return False
        return bool(self.w.scene.duplicate_selected())

    # ----- selection
    def select_all(self) -> None:
        """Select every node and edge."""
        self.w.scene.select_all()

    def delete(self) -> bool:
        """Delete the selected nodes (with their edges) and the selected edges."""
        scene = self.w.scene
        if not scene.selected_node_ids() and not scene.selected_edge_ids():
            return False
        before = self.w.undo_stack.index()
        scene.delete_selected()
        return self.w.undo_stack.index() != before

    # ----- regions and blocks
    def group(self) -> bool:
        """Group the selected nodes into a region whose title and colour the user picks."""
        if not self._nodes():
            self.w.show_status("Select the nodes to group first")
            return False
        answer = self.w.prompts.region()
        if answer is None:
            return False
        return self.w.scene.group_selected(*answer) is not None

    def _regions_of_selection(self) -> list[str]:
        ids = set(self._nodes())
        return [r.id for r in self.w.graph.regions.values() if ids & set(r.node_ids)]

    def ungroup(self) -> bool:
        """Remove the regions that hold selected nodes (the nodes stay)."""
        from ..commands import UngroupCommand

        regions = self._regions_of_selection()
        if not regions:
            self.w.show_status("Select a node of the region to ungroup")
            return False
        stack = self.w.undo_stack
        stack.beginMacro("Ungroup")
        for region_id in regions:
            self.w.scene.try_push(lambda r=region_id: UngroupCommand(self.w.graph, r))
        stack.endMacro()
        return True

    def _block(self, collapsed: bool) -> str | None:
        graph = self.w.graph
        for region_id in self._regions_of_selection():
            if region_id in block_model.blocks(graph) and block_model.is_collapsed(graph, region_id) == collapsed:
                return region_id
        return None

    def expand_block(self) -> bool:
        """Show a selected, collapsed "Linear + σ" block as its MatMul, Add and Sigmoid nodes."""
        region_id = self._block(collapsed=True)
        if region_id is None:
            self.w.show_status("Select a collapsed “Linear + σ” block to expand")
            return False
        self.w.scene.toggle_block(region_id)
        return True

    def collapse_block(self) -> bool:
        """Fold an expanded block (or a selected MatMul → Add → Sigmoid chain) into one box."""
        region_id = self._block(collapsed=False)
        if region_id is not None:
            self.w.scene.toggle_block(region_id)
            return True
        return self.w.scene.make_block_from_selection() is not None

    def auto_layout(self) -> bool:
        """Arrange every node left to right by topological layers (undoable), then fit the view."""
        before = self.w.undo_stack.index()
        self.w.scene.auto_layout()
        self.w.view.fit_all()
        return self.w.undo_stack.index() != before

    # ----- adding
    def add_op(self, op_name: str) -> str | None:
        """Add an op (or a block) at the centre of the view; returns the new node's id."""
        view = self.w.view
        centre = view.mapToScene(view.viewport().rect().center())
        return self.w.scene.add_op_at(op_name, self.w.scene.to_model(centre))


def clipboard_fragment() -> dict | None:
    """The node fragment on the clipboard (private type, or JSON text of the same form), else None."""
    data = QApplication.clipboard().mimeData()
    if data is None:
        return None
    raw = bytes(data.data(CLIPBOARD_MIME)).decode("utf-8") if data.hasFormat(CLIPBOARD_MIME) else data.text()
    try:
        fragment = json.loads(raw) if raw else None
        check_clipboard(fragment)
    except ValueError:  # includes json's decode error: any other text is simply not nodes
        return None
    return fragment


def release_clipboard() -> None:
    """Before the app quits: drop nodes we put on the clipboard.

    Qt destroys the clipboard's data after Python has shut down, and data made from Python then crashes the
    process on its way out (a segmentation fault at exit).
    """
    if QApplication.instance() is None:  # no app, no clipboard
        return
    clipboard = QApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasFormat(CLIPBOARD_MIME):
        clipboard.clear()
