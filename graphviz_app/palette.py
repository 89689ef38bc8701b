"""The op palette: every registered op by category, searchable, dragged onto the canvas to add it."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from engine.registry import OPS, Op, ops_by_category

from .canvas.interaction import BLOCK_PAYLOAD, OP_MIME

# ready-made groups of ops, dropped as one unit: (payload, label, Leibniz label, tooltip)
BLOCKS = ((BLOCK_PAYLOAD, "Linear + σ", "σ(xW + b)",
           "<b>Linear + σ</b> &nbsp; <i>a = σ(xW + b)</i><br>A layer of neurons: MatMul, Add and Sigmoid "
           "grouped in one box (3 → 3). Double-click the box to expand it into its primitive nodes."
           "<br><span style='color:gray'>Drag onto the canvas, or double-click to add.</span>"),)
ICON_DIR = Path(__file__).resolve().parent / "icons"
OP_ROLE = Qt.ItemDataRole.UserRole


def category_icon(category: str) -> QIcon:
    """The small drawn icon of a palette category (empty icon if none is drawn)."""
    path = ICON_DIR / f"{category.lower()}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def op_tooltip(op: type[Op]) -> str:
    """Rich-text tooltip: name, Leibniz label, description, ports and attributes."""
    esc = html.escape
    lines = [f"<b>{esc(op.name)}</b> &nbsp; <i>{esc(op.leibniz)}</i>", esc(op.description())]
    if op.inputs:
        ports = "".join(f"<li><b>{esc(p.name)}</b>{': ' + esc(p.doc) if p.doc else ''}</li>" for p in op.inputs)
        lines.append(f"Inputs:<ul style='margin:0'>{ports}</ul>")
    else:
        lines.append("No inputs (a source).")
    if op.attr_specs:
        attrs = "".join(f"<li>{esc(a.name)}: {esc(a.doc)}</li>" for a in op.attr_specs)
        lines.append(f"Attributes:<ul style='margin:0'>{attrs}</ul>")
    lines.append("<span style='color:gray'>Drag onto the canvas, or double-click to add.</span>")
    return "<br>".join(lines)


def _matches(op: type[Op], words: list[str]) -> bool:
    text = f"{op.name} {op.description()} {op.leibniz} {op.category}".lower()
    return all(w in text for w in words)


def _item_matches(item: QTreeWidgetItem, words: list[str]) -> bool:
    op = OPS.get(item.data(0, OP_ROLE))
    if op is not None:
        return _matches(op, words)
    text = f"{item.text(0)} {item.text(1)} {item.toolTip(0)} blocks".lower()
    return all(w in text for w in words)


class OpTree(QTreeWidget):
    """The tree of categories and ops; op rows drag out with the op name as payload."""

    return_pressed = Signal(QTreeWidgetItem, int)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.return_pressed.emit(self.currentItem(), 0)
            return
        super().keyPressEvent(event)

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt name)
        return [OP_MIME]

    def mimeData(self, items) -> QMimeData:  # noqa: N802 (Qt name)
        data = QMimeData()
        names = [i.data(0, OP_ROLE) for i in items if i.data(0, OP_ROLE)]
        if names:
            data.setData(OP_MIME, names[0].encode("utf-8"))
            data.setText(names[0])
        return data


class PaletteWidget(QWidget):
    """Search box above a collapsible tree of ops generated from the registry."""

    op_activated = Signal(str)  # double-click or Enter on an op: add it at the view centre

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search ops…  (e.g. softmax, loss)")
        self.search.setClearButtonEnabled(True)
        self.tree = OpTree()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.header().setStretchLastSection(True)
        self.hint = QLabel("Drag an op onto the canvas, or double-click it.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid); font-size: 11px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self.op_items: dict[str, QTreeWidgetItem] = {}
        self.category_items: dict[str, QTreeWidgetItem] = {}
        self._collapsed: set[str] = set()
        self._searching = False
        self._build()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._add_first_match)
        self.tree.itemDoubleClicked.connect(self._activated)
        self.tree.return_pressed.connect(self._activated)

    def _build(self) -> None:
        bold = self.tree.font()
        bold.setBold(True)
        for category, ops in ops_by_category().items():
            if not ops:
                continue
            head = QTreeWidgetItem(self.tree, [category, ""])
            head.setIcon(0, category_icon(category))
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.setFirstColumnSpanned(True)
            self.category_items[category] = head
            for op in ops:
                self.op_items[op.name] = self._op_item(head, op)
            head.setExpanded(True)
        self._build_blocks(bold)
        self.tree.resizeColumnToContents(0)
        self._recolor()

    def _recolor(self) -> None:
        """Leibniz labels in the muted text colour of the current (light or dark) palette."""
        muted = self.palette().placeholderText()
        for item in list(self.op_items.values()) + list(self.block_items.values()):
            item.setForeground(1, muted)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.PaletteChange and self.op_items:
            self._recolor()
        super().changeEvent(event)

    def _build_blocks(self, bold) -> None:
        head = QTreeWidgetItem(self.tree, ["Blocks", ""])
        head.setIcon(0, category_icon("Blocks"))
        head.setFont(0, bold)
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        head.setFirstColumnSpanned(True)
        self.category_items["Blocks"] = head
        self.block_items: dict[str, QTreeWidgetItem] = {}
        for payload, label, leibniz, tip in BLOCKS:
            item = QTreeWidgetItem(head, [label, leibniz])
            item.setData(0, OP_ROLE, payload)
            item.setIcon(0, category_icon("Blocks"))
            item.setToolTip(0, tip)
            item.setToolTip(1, tip)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
            self.block_items[payload] = item
        head.setExpanded(True)

    def _op_item(self, head: QTreeWidgetItem, op: type[Op]) -> QTreeWidgetItem:
        item = QTreeWidgetItem(head, [op.name, op.leibniz])
        item.setData(0, OP_ROLE, op.name)
        item.setIcon(0, category_icon(op.category))
        tip = op_tooltip(op)
        item.setToolTip(0, tip)
        item.setToolTip(1, tip)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        return item

    def filter(self, text: str) -> None:
        """Show only ops whose name, label or description contains every typed word."""
        words = text.lower().split()
        if words and not self._searching:  # remember what the user had folded, to restore it
            self._collapsed = {c for c, h in self.category_items.items() if not h.isExpanded()}
        self._searching = bool(words)
        for category, head in self.category_items.items():
            shown = 0
            for i in range(head.childCount()):
                child = head.child(i)
                hit = _item_matches(child, words)
                child.setHidden(not hit)
                shown += hit
            head.setHidden(shown == 0)
            head.setExpanded(bool(words) or category not in self._collapsed)

    def _add_first_match(self) -> None:
        """Enter in the search box adds the first op shown (type "softmax", press Enter)."""
        shown = self.visible_ops()
        if self.search.text().strip() and shown:
            self.op_activated.emit(shown[0])

    def focus_search(self) -> None:
        """Put the cursor in the search box, its text selected."""
        self.search.setFocus()
        self.search.selectAll()

    def visible_ops(self) -> list[str]:
        """Names of the ops the current search shows."""
        return [name for name, item in self.op_items.items() if not item.isHidden()]

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, OP_ROLE)
        if name:
            self.op_activated.emit(name)

    def item_rect(self, op_name: str):
        """The viewport rectangle of an op's row (for tests and the Xvfb geometry file)."""
        return self.tree.visualItemRect(self.op_items[op_name])
