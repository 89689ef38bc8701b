"""The predict box: type a headline (or a 2-D point), see the class probabilities, explain the prediction."""
from __future__ import annotations

import html
import time

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from engine.errors import EngineError

from .explanations import Explanation, explain_bag_of_words, explain_text_cnn, make_trace
from .plots import SERIES_COLORS
from .session import TrainingSession

PREDICT_INTERVAL = 0.4  # while training, the prediction follows the weights a few times per second
FOLLOW_MS = 50  # after a redraw, once the dashboard's plots are painted (each in a turn of its own)
POSITIVE, NEGATIVE = "#2f855a", "#c53030"


class ProbabilityBars(QWidget):
    """One horizontal bar per class with its name and percentage; the most likely class is drawn strongest."""

    ROW = 24

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.names: list[str] = []
        self.probs = np.zeros(0)
        self.setMinimumHeight(self.ROW)

    def set_probs(self, names, probs) -> None:
        """Show these probabilities (one per class name)."""
        self.names, self.probs = list(names), np.asarray(probs, dtype=float)
        self.setMinimumHeight(self.ROW * max(1, len(self.names)) + 4)
        self.update()

    def clear(self) -> None:
        """No prediction."""
        self.set_probs([], [])

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        name_width = max((metrics.horizontalAdvance(n) for n in self.names), default=0) + 10
        percent_width = metrics.horizontalAdvance("100.0 %") + 8
        bar_width = max(10, self.width() - name_width - percent_width)
        best = int(np.argmax(self.probs)) if len(self.probs) else -1
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        for k, (name, p) in enumerate(zip(self.names, self.probs)):
            top = k * self.ROW + 2
            painter.setPen(text_color)
            painter.drawText(QRectF(0, top, name_width - 6, self.ROW - 4),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            track = QRectF(name_width, top + 3, bar_width, self.ROW - 10)
            painter.fillRect(track, QColor(128, 128, 128, 40))
            color = QColor(SERIES_COLORS[k % len(SERIES_COLORS)])
            color.setAlpha(255 if k == best else 150)
            painter.fillRect(QRectF(track.left(), track.top(), bar_width * float(p), track.height()), color)
            painter.setPen(text_color)
            painter.drawText(QRectF(name_width + bar_width + 6, top, percent_width, self.ROW - 4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{100 * p:.1f} %")
        painter.end()


class PredictBox(QWidget):
    """Text (or point) in, probabilities out; "Explain this prediction" sends the trace to explain mode."""

    explain_requested = Signal(object)  # Trace of the typed example, labelled with the predicted class

    def __init__(self, session: TrainingSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.entry = QLineEdit()
        self.entry.setClearButtonEnabled(True)
        self.bars = ProbabilityBars()
        self.why = QLabel("")
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.RichText)
        self.explain_button = QPushButton("Explain this prediction")
        self.explain_button.setToolTip("Show the forward and backward pass of this input on the graph")
        self.explain_button.setEnabled(False)
        self.last_probs: np.ndarray | None = None
        self.last_explanation: Explanation | None = None
        self._last_run = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._follow_timer = QTimer(self)  # the weights changed: predict again in a turn of its own
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(FOLLOW_MS)
        self._follow_timer.timeout.connect(self._follow)
        self._timer.timeout.connect(self.predict)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.entry)
        layout.addWidget(self.bars)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.explain_button)
        layout.addLayout(row)
        layout.addWidget(self.why)
        self.entry.textChanged.connect(lambda _t: self._timer.start())
        self.explain_button.clicked.connect(self.explain)
        session.data_ready.connect(self._on_data)
        session.redraw_due.connect(self._on_snapshot)
        session.cleared.connect(self.clear)

    def clear(self) -> None:
        """Another graph: its own sample will be typed in once its data is ready."""
        self._timer.stop()
        self._follow_timer.stop()
        self.entry.blockSignals(True)  # no prediction with the previous graph's text
        self.entry.clear()
        self.entry.blockSignals(False)
        self._show_nothing("")

    def _on_data(self, data) -> None:
        if data.kind == "text":
            self.entry.setPlaceholderText("Type a headline, e.g. Stocks fall after earnings miss")
        else:
            self.entry.setPlaceholderText("Type a point x₁, x₂, e.g. 0.5, -0.2")
        if not self.entry.text():
            self.entry.setText(sample_input(self.session.graph, data.kind))
            self.entry.setCursorPosition(0)  # show the start of a long headline
        self.predict()

    def _on_snapshot(self, shot) -> None:
        now = time.perf_counter()
        if self.entry.text().strip() and (shot.final or now - self._last_run >= PREDICT_INTERVAL):
            self._follow_timer.start()  # after the plots' first part is painted, not on top of it

    def _follow(self) -> None:
        self.predict()
        self.session.runner.make_room()

    def current_input(self) -> np.ndarray | None:
        """The typed example as model input (token ids or one point), None if empty; ValueError if unreadable."""
        model, text = self.session.model, self.entry.text().strip()
        if model is None or not text:
            return None
        if model.data.kind == "text":
            return model.encode(text)
        parts = text.replace(";", ",").split(",")
        if len(parts) != 2:
            raise ValueError("type two numbers separated by a comma, e.g. 0.5, -0.2")
        return np.array([[float(parts[0]), float(parts[1])]])

    def predict(self) -> None:
        """Run the model on the typed input and show the bars and which words carry the score."""
        self._last_run = time.perf_counter()
        try:
            x = self.current_input()
        except ValueError as exc:
            self._show_nothing(f"<i>{html.escape(str(exc))}</i>")
            return
        if x is None:
            self._show_nothing("")
            return
        model = self.session.model
        try:
            probs = model.probs(x)[0]
        except EngineError as exc:
            self._show_nothing(f"<i>Cannot predict: {html.escape(str(exc))}</i>")
            return
        self.last_probs = probs
        self.bars.set_probs(model.data.class_names, probs)
        self.explain_button.setEnabled(bool(np.all(np.isfinite(probs))))
        self._explain_words(int(np.argmax(probs)))

    def _show_nothing(self, message: str) -> None:
        self.last_probs = None
        self.last_explanation = None
        self.bars.clear()
        self.explain_button.setEnabled(False)
        self.why.setText(message)

    def _explain_words(self, predicted: int) -> None:
        model, text = self.session.model, self.entry.text()
        explanation = None
        if model.data.kind == "text":
            explanation = explain_bag_of_words(model, text, predicted)
            if explanation is None and any(n.op.has_winners for n in model.graph.nodes.values()):
                trace = make_trace(model, model.encode(text), predicted)
                explanation = explain_text_cnn(model, trace, text, predicted)
        self.last_explanation = explanation
        if explanation is not None:
            text = render_explanation(explanation, model.data.class_names)
        elif model.data.kind == "text":
            text = ("<span style='color:gray'>Here the score is not a sum over words (a hidden layer mixes "
                    "them): press Explain to follow this headline through the graph.</span>")
        else:
            text = ""
        if text != self.why.text():  # a new rich text means a new layout of the whole box
            self.why.setText(text)

    def explain(self) -> None:
        """Hand the trace of the typed input (labelled with the predicted class) to explain mode."""
        model = self.session.model
        try:
            x = self.current_input()
        except ValueError:
            return
        if x is None or self.last_probs is None:
            return
        trace = make_trace(model, x, int(np.argmax(self.last_probs)))
        self.explain_requested.emit(trace)


def sample_input(graph, kind: str) -> str:
    """The graph's sample as typed text: its sample headline, or its first sample point "x₁, x₂"."""
    meta = graph.meta if graph is not None else {}
    if kind == "text":
        text = meta.get("sample_text")
        return text if isinstance(text, str) else ""
    points = (meta.get("sample") or {}).get("x")
    try:
        x1, x2 = (float(v) for v in points[0])
    except (TypeError, ValueError, IndexError):
        return ""
    return f"{x1:.2f}, {x2:.2f}"


def render_explanation(explanation: Explanation, class_names) -> str:
    """Rich text: the words in reading order tinted by their effect, then the strongest few with numbers."""
    name = html.escape(class_names[explanation.predicted])
    lines = [f"<b>Why {name}?</b> <span style='color:gray'>{html.escape(explanation.formula)}</span>"]
    if explanation.tokens:
        bound = max((abs(t.score) for t in explanation.tokens), default=0.0) or 1.0
        lines.append(" ".join(_tinted(t.text, t.score / bound) for t in explanation.tokens))
    top = explanation.items[:6]
    rows = "".join(f"<tr><td>{html.escape(c.text)}</td><td align='right' style='color:"
                   f"{POSITIVE if c.score >= 0 else NEGATIVE}'>{c.score:+.2f}</td>"
                   f"<td style='color:gray'>{html.escape(c.detail)}</td></tr>" for c in top)
    lines.append(f"<table cellspacing=0 cellpadding=2>{rows}</table>")
    return "<br>".join(lines)


def _tinted(word: str, strength: float) -> str:
    """The word on a background mixed from white towards green (helps the class) or red (speaks against it)."""
    color = QColor(POSITIVE if strength >= 0 else NEGATIVE)
    share = 0.15 + 0.6 * min(1.0, abs(strength))
    mixed = [round(255 + (c - 255) * share) for c in (color.red(), color.green(), color.blue())]
    background = "#{:02x}{:02x}{:02x}".format(*mixed)
    ink = "white" if share > 0.55 else "black"
    return (f"<span style='background-color:{background}; color:{ink}'>&nbsp;{html.escape(word)}&nbsp;</span>")
