"""File ▸ New from Formula… (a text box, a live error line, a preview) and Edit ▸ Copy as Formula."""
from __future__ import annotations

import html
import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QPlainTextEdit, QTableWidget, QTableWidgetItem, QTextEdit, QVBoxLayout, QWidget)

from engine.errors import EngineError
from engine.formula import (ROLE_WORDS, FormulaError, NotAFormulaError, Plan, PlannedNode, declarations,
                            formula_to_graph, graph_to_formula, parse_formula, plan_formula)
from engine.graph import Graph
from engine.op_facts import OutputKind, Role
from engine.registry import OPS

from .window.contract import Workbench

EXAMPLE = """x: R^3        W: R^{4×3}    V: R^{4×4}    θ: R^4    y: {0,1}
a = σ(W x)
b = σ(V a)
c = σ(θᵀb)
L = bce(c, y)
"""
HELP = ("Declare each name with its shape, then write one assignment per line; each line becomes a region. "
        "<br><tt>x: R^3</tt> (input) &nbsp; <tt>W: R^{4×3}</tt> (parameter) &nbsp; <tt>y: {0,1}</tt> (labels) "
        "&nbsp; <tt>x: tokens^{B×24}, vocab=5000</tt> &nbsp;·&nbsp; ops: σ tanh relu log exp softmax Σ mean dot "
        "bce cross_entropy embedding bag_of_words conv max_over_time &nbsp;·&nbsp; ASCII works too: "
        "<tt>sigma</tt>, <tt>W' x</tt>, <tt>R^{4x3}</tt>, <tt>*</tt>, <tt>-</tt>. Ctrl+Enter creates the graph.")
ERROR_COLOUR = "#c0392b"
OK_COLOUR = "#2e7d32"
REFRESH_MS = 150


class FormulaDialog(QDialog):
    """Type a formula; the error line and the preview follow every keystroke; OK builds the graph."""

    def __init__(self, parent: QWidget | None = None, text: str = EXAMPLE):
        super().__init__(parent)
        self.setObjectName("formula_dialog")
        self.setWindowTitle("New from Formula")
        self.resize(1000, 780)
        self.graph: Graph | None = None
        self.editor = _editor()
        self.error_line = QLabel()
        self.error_line.setObjectName("formula_error")
        self.error_line.setWordWrap(True)
        self.error_line.setTextFormat(Qt.TextFormat.RichText)
        self.preview = _preview_table()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create Graph")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._layout()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.editor.textChanged.connect(self.timer.start)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        self.editor.setPlainText(text)
        self.refresh()

    def _layout(self) -> None:
        help_label = QLabel(HELP)
        help_label.setWordWrap(True)
        help_label.setTextFormat(Qt.TextFormat.RichText)
        font = self.error_line.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.error_line.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(help_label)
        layout.addWidget(self.editor, 2)
        layout.addWidget(self.error_line)
        layout.addWidget(QLabel("<b>Declarations and lines</b>"))
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.buttons)

    def formula(self) -> str:
        """The text in the box."""
        return self.editor.toPlainText()

    def refresh(self) -> Plan | None:
        """Check the formula now: show its first error (and where) or its preview; OK only when it builds."""
        self.timer.stop()
        text = self.formula()
        if not text.strip():
            self._problem("Type a formula: declarations such as <tt>x: R^3</tt>, then lines such as "
                          "<tt>a = σ(W x)</tt>.", None)
            return None
        try:
            plan = plan_formula(text)
        except FormulaError as exc:
            self._problem(html.escape(str(exc)) + caret_html(text, exc), exc)
            self._show_declarations(text)
            return None
        self._show(plan)
        return plan

    def _show_declarations(self, text: str) -> None:
        """When a line does not fit, the declarations still read are listed (if the text parses at all)."""
        try:
            rows = [[*row, "(not checked: the formula has an error)"] for row in declarations(parse_formula(text))]
        except FormulaError:
            rows = []
        self._fill(rows)

    def accept(self) -> None:
        """Build the graph; if that fails after all, say why and stay open."""
        if self.refresh() is None:
            return
        try:
            self.graph = formula_to_graph(self.formula())
        except EngineError as exc:
            self._problem(html.escape(str(exc)), exc if isinstance(exc, FormulaError) else None)
            return
        super().accept()

    def _problem(self, message: str, where: FormulaError | None) -> None:
        self.error_line.setText(f"<span style='color:{ERROR_COLOUR}'>⚠ {message}</span>")
        self.ok_button.setEnabled(False)
        self.preview.setRowCount(0)
        self.editor.setExtraSelections([] if where is None else [error_mark(self.editor, where.line, where.col)])

    def _show(self, plan: Plan) -> None:
        lines = len(plan.lines)
        self.error_line.setText(f"<span style='color:{OK_COLOUR}'>✓ {len(plan.nodes)} nodes, {lines} "
                                f"line{'s' * (lines != 1)}: ready to create</span>")
        self.editor.setExtraSelections([])
        self.ok_button.setEnabled(lines > 0)
        rows = [_decl_row(n, plan) for n in plan.nodes if n.decl is not None]
        self._fill(rows + [_line_row(title, plan) for title, _ in plan.lines])

    def _fill(self, rows: list[list[str]]) -> None:
        self.preview.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(text))


def _editor() -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setObjectName("formula_text")
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(max(font.pointSize(), 15))  # readable when typed live in front of a class
    editor.setFont(font)
    editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    editor.setTabChangesFocus(True)
    editor.setPlaceholderText("x: R^3   W: R^{4×3}\na = σ(W x)")
    return editor


def _preview_table() -> QTableWidget:
    table = QTableWidget(0, 4)
    table.setObjectName("formula_preview")
    table.setHorizontalHeaderLabels(["name", "is", "type", "details"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    header = table.horizontalHeader()
    for column in range(3):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def error_mark(editor: QPlainTextEdit, line: int, col: int) -> QTextEdit.ExtraSelection:
    """A red wavy underline under the character the error points at."""
    block = editor.document().findBlockByNumber(max(0, line - 1))
    cursor = QTextCursor(block)
    cursor.movePosition(QTextCursor.MoveOperation.Right, n=min(col - 1, max(0, block.length() - 2)))
    cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
    mark = QTextEdit.ExtraSelection()
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor(ERROR_COLOUR))
    fmt.setBackground(QColor(ERROR_COLOUR).lighter(190))
    mark.format, mark.cursor = fmt, cursor
    return mark


def caret_html(text: str, exc: FormulaError) -> str:
    """The line the error is on, and a caret under its column, in a fixed-width font."""
    lines = text.splitlines()
    if not 1 <= exc.line <= len(lines):
        return ""
    source = lines[exc.line - 1]
    return f"<pre style='margin:2px 0 0 18px'>{html.escape(source)}\n{' ' * (exc.col - 1)}^</pre>"


def _decl_row(node: PlannedNode, plan: Plan) -> list[str]:
    op = OPS[node.op](node.attrs)
    kind = "token ids" if op.output_kind is OutputKind.TOKEN_IDS else ROLE_WORDS[op.role]
    details = []
    if op.role is Role.PARAMETER:
        count = math.prod(node.attrs["shape"])
        details.append(f"{count} number{'s' * (count != 1)}, starts {node.attrs['init']}")
        if node.attrs["init"] in ("normal", "uniform", "xavier"):
            details[-1] += f" (seed {node.attrs['seed']})"
    if op.role is Role.LABEL:
        names = plan.class_names.get(node.name)
        details.append(f"{node.attrs['classes']} classes" + (f": {', '.join(names)}" if names else ""))
    if node.value is not None or node.name in plan.sample:
        details.append("value given")
    return [node.name, kind, node.describe, "; ".join(details)]


def _line_row(title: str, plan: Plan) -> list[str]:
    target, _, rhs = title.partition(" = ")
    node = plan.node_named(target)
    return [target, "= " + rhs, node.describe, node.op]


# ----- the window's side, through its typed seam
def new_from_formula(bench: Workbench) -> FormulaDialog | None:
    """File ▸ New from Formula…: after the unsaved-changes question, open the dialog (modal to the window)."""
    if not bench.maybe_save():
        return None
    dialog = FormulaDialog(bench.host)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _open_built_graph(bench, dialog))
    dialog.open()
    return dialog


def _open_built_graph(bench: Workbench, dialog: FormulaDialog) -> None:
    graph = dialog.graph
    if graph is None:
        return
    bench.set_graph(graph, None, dirty=True)  # a new document: Save asks where
    lines = len(graph.regions)
    bench.show_status(f"New graph from a formula: {len(graph.nodes)} nodes, {lines} line{'s' * (lines != 1)} "
                      "(unsaved)")


def copy_as_formula(bench: Workbench) -> bool:
    """Edit ▸ Copy as Formula: the graph's formula on the clipboard, or a message naming the node that does not fit."""
    if not bench.graph.nodes:
        bench.show_status("The graph is empty: there is no formula to copy")
        return False
    try:
        text = graph_to_formula(bench.graph)
    except NotAFormulaError as exc:
        if exc.node_id is not None:
            bench.scene.select_nodes([exc.node_id])
        bench.prompts.error("Cannot copy as a formula", str(exc))
        return False
    QApplication.clipboard().setText(text)
    lines = text.count("\n")
    bench.show_status(f"Copied the graph as a formula ({lines} line{'s' * (lines != 1)}); paste it into "
                      "New from Formula… or onto a slide")
    return True
