"""Edit ▸ Insert Formula…: a box on the canvas where formula lines are typed and inserted into the open graph.

The graph's node names are used as they are (`h = relu(Vᵀa)` where a and V exist); the engine plans the lines
against the graph (engine/formula/fragment.py) and one undo command adds them all.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QVBoxLayout

from engine.errors import EngineError
from engine.formula import FormulaError
from engine.formula.fragment import Fragment, fragment_summary, place_fragment, plan_fragment

from .commands.formula import InsertFormulaCommand
from .formula_dialog import ERROR_COLOUR, OK_COLOUR, REFRESH_MS, caret_html, error_mark
from .window.contract import Workbench

HINT = ("<b>Insert formula</b> &nbsp;·&nbsp; use the graph's names as they are; declare new ones "
        "(<tt>U: R^{4×4}</tt>) &nbsp;·&nbsp; <b>Enter</b> inserts, <b>Shift+Enter</b> a new line, <b>Esc</b> closes")
PLACEHOLDER = "h = relu(Vᵀa)      (Enter inserts · Shift+Enter new line · Esc closes)"
BOX_WIDTH = 620  # pixels: one lecture line at 15 pt
MAX_EDITOR_LINES = 6
MARGIN = 8  # pixels kept between the box and the canvas's edges
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class FormulaEditor(QPlainTextEdit):
    """The box's text: Enter submits, Shift+Enter breaks the line, Escape cancels (before any window shortcut)."""

    submitted = Signal()
    cancelled = Signal()

    def event(self, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in (*ENTER_KEYS, Qt.Key.Key_Escape):
            event.accept()  # the box's keys, even where the window has a shortcut on them
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in ENTER_KEYS and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
        elif event.key() in ENTER_KEYS:
            self.insertPlainText("\n")
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)


class FormulaBox(QFrame):
    """Formula lines typed over the canvas; the line under the text says what Enter will insert, or what is wrong."""

    def __init__(self, bench: Workbench):
        super().__init__(bench.view)  # over the view, not its viewport: panning does not carry it away
        self.bench = bench
        self.setObjectName("formula_box")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#formula_box { border: 2px solid palette(highlight); border-radius: 6px; "
                           "background: palette(base); }")
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.editor = _editor()
        self.status = QLabel()
        self.status.setObjectName("formula_box_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        font = self.status.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.status.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        for widget in (self.hint, self.editor, self.status):
            layout.addWidget(widget)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.check)
        self.editor.textChanged.connect(self._text_changed)
        self.editor.submitted.connect(self.insert)
        self.editor.cancelled.connect(self.close_box)
        self.hide()

    # ----- showing
    def open_at(self, where: QPoint | None = None) -> None:
        """Show the box with its top-left at `where` (view coordinates), or the mouse, or the canvas's centre."""
        area = self._canvas_area()
        if where is None:
            mouse = self.bench.view.mapFromGlobal(QCursor.pos())
            where = mouse if area.contains(mouse) else area.center() - QPoint(BOX_WIDTH // 2, 60)
        self.setFixedWidth(min(BOX_WIDTH, max(120, area.width() - 2 * MARGIN)))
        self.move(where)
        self.show()
        self.raise_()
        self.editor.setFocus()
        self.editor.selectAll()
        self.check()
        self._fit()

    def _canvas_area(self) -> QRect:
        """The canvas (the view's viewport) in the view's coordinates."""
        viewport = self.bench.view.viewport()
        return QRect(viewport.mapTo(self.bench.view, QPoint(0, 0)), viewport.size())

    def _fit(self) -> None:
        """Take the height the text and the message need, and stay wholly on the canvas."""
        count = self.editor.document().blockCount()
        lines = max(1, min(MAX_EDITOR_LINES, count))
        frame = 2 * (self.editor.frameWidth() + int(self.editor.document().documentMargin())) + 6
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * lines + frame)
        self.editor.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if count > MAX_EDITOR_LINES
                                               else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        wrapped = self.layout().totalHeightForWidth(self.width())  # adjustSize alone leaves a gap over wrapped text
        self.resize(self.width(), wrapped if wrapped > 0 else self.sizeHint().height())
        area = self._canvas_area()
        x = max(area.left() + MARGIN, min(self.x(), area.right() - self.width() - MARGIN))
        y = max(area.top() + MARGIN, min(self.y(), area.bottom() - self.height() - MARGIN))
        self.move(x, y)

    def close_box(self) -> None:
        """Hide the box (its text stays for next time); the graph is as it was."""
        self.timer.stop()
        self.hide()
        self.bench.view.setFocus()

    def _text_changed(self) -> None:
        self._fit()
        self.timer.start()

    # ----- checking and inserting
    def text(self) -> str:
        """The formula lines typed."""
        return self.editor.toPlainText()

    def check(self) -> Fragment | None:
        """Plan the lines against the graph now: say what Enter will insert, or the first error and where."""
        self.timer.stop()
        text = self.text()
        if not text.strip():
            self._say("Type a line such as <tt>h = relu(Vᵀa)</tt>, using the graph's names.", OK_COLOUR)
            self.editor.setExtraSelections([])
            return None
        try:
            fragment = plan_fragment(text, self.bench.graph)
        except FormulaError as exc:
            self._say("⚠ " + html.escape(str(exc)) + caret_html(text, exc), ERROR_COLOUR)
            self.editor.setExtraSelections([error_mark(self.editor, exc.line, exc.col)])
            return None
        except EngineError as exc:  # the graph refused a planned node: said in words, with no place to mark
            self._say("⚠ " + html.escape(str(exc)), ERROR_COLOUR)
            self.editor.setExtraSelections([])
            return None
        self._say(f"✓ {html.escape(fragment_summary(fragment))}: Enter inserts", OK_COLOUR)
        self.editor.setExtraSelections([])
        return fragment

    def insert(self) -> list[str]:
        """Enter: add the lines' nodes near the box as one undo step and close; on an error stay open, add nothing."""
        fragment = self.check()
        if fragment is None:
            return []
        view, scene = self.bench.view, self.bench.scene
        corner = scene.to_model(view.mapToScene(view.viewport().mapFrom(view, self.pos())))
        try:
            command = InsertFormulaCommand(self.bench.graph, fragment, place_fragment(self.bench.graph, fragment,
                                                                                      corner))
        except (EngineError, ValueError) as exc:
            self._say("⚠ " + html.escape(str(exc)), ERROR_COLOUR)
            return []
        scene.push(command)
        new = command.node_ids
        scene.select_nodes(new)
        self.editor.clear()
        self.close_box()
        self._show_new(new)
        count = len(new)
        self.bench.show_status(f"Inserted {count} node{'s' * (count != 1)}: {command.text()[len('Insert '):]} "
                               "(Ctrl+Z takes it back)")
        return new

    def _show_new(self, node_ids: list[str]) -> None:
        """Scroll just enough that the inserted nodes are in sight."""
        items = [self.bench.scene.node_items[n] for n in node_ids if n in self.bench.scene.node_items]
        if items:
            rect = items[0].sceneBoundingRect()
            for item in items[1:]:
                rect = rect.united(item.sceneBoundingRect())
            self.bench.view.ensureVisible(rect, 40, 40)

    def _say(self, message: str, colour: str) -> None:
        self.status.setText(f"<span style='color:{colour}'>{message}</span>")
        if self.isVisible():
            self._fit()


def _editor() -> FormulaEditor:
    editor = FormulaEditor()
    editor.setObjectName("formula_box_text")
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(max(font.pointSize(), 15))  # read from the back of a hall as it is typed
    editor.setFont(font)
    editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    editor.setTabChangesFocus(True)
    editor.setPlaceholderText(PLACEHOLDER)
    return editor


def open_formula_box(bench: Workbench) -> FormulaBox:
    """Edit ▸ Insert Formula…: the canvas's formula box (one per window), opened at the mouse."""
    box = bench.view.findChild(FormulaBox, "formula_box")
    if box is None:
        box = FormulaBox(bench)
    box.open_at()
    return box


__all__ = ["FormulaBox", "FormulaEditor", "open_formula_box"]
