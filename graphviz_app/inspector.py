"""The inspector dock: the selected node's name, attributes, shape, value and gradient; or the selected edge.

Hooks for the other parts of the app:
- `show_arrays(node_id, value, grad)`: explain mode and the training dashboard push a node's current
  value and gradient (either may be None); they show whenever that node is inspected.
- `clear_arrays()`: forget every pushed array (e.g. when a trace is closed).
- `set_edge_widget(widget)`: a panel (the Jacobian inspector) shown under the edge summary when an edge
  is selected; `edge_shown(edge_id)` is emitted each time an edge is shown so the panel can update.
"""
from __future__ import annotations

import html
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (QFormLayout, QFrame, QLabel, QLineEdit, QScrollArea, QStackedWidget,
                               QVBoxLayout, QWidget)

from engine.broadcast import fmt_shape
from engine.errors import EngineError
from engine.graph import Graph
from engine.names import name_problem
from engine.shapes import infer_shapes

from .window.array_view import ArrayView
from .window.attr_editors import make_editor, set_editor_value, to_model_value

ERROR_STYLE = "color: #d62728;"
MUTED_STYLE = "color: palette(mid);"


def _label(text: str = "", style: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


def _rule() -> QFrame:
    """A thin line between the inspector's sections."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def _same(a: Any, b: Any) -> bool:
    """Equal canonical attribute values (True and 1 differ: an int attr never holds a bool)."""
    return type(a) is type(b) and a == b


class InspectorWidget(QWidget):
    """Shows and edits whatever is selected on the canvas; edits go through the undo stack."""

    edge_shown = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.graph: Graph | None = None
        self.undo_stack: QUndoStack | None = None
        self.node_id: str | None = None
        self.edge_id: str | None = None
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._arrays: dict[str, tuple[np.ndarray | None, np.ndarray | None]] = {}
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_empty_page())
        self.pages.addWidget(self._build_node_page())
        self.pages.addWidget(self._build_edge_page())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.pages)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # ----- building
    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = _label()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        layout.addWidget(_label("Select a node or an edge on the canvas to inspect it.", MUTED_STYLE))
        layout.addStretch(1)
        return page

    def _build_node_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.name_edit = QLineEdit()
        font = self.name_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.name_edit.setFont(font)
        self.name_edit.setToolTip("The node's name (press Enter to rename; undoable)")
        self.name_edit.editingFinished.connect(self._commit_name)
        self.name_error = _label(style=ERROR_STYLE)
        self.op_label = _label()
        self.op_label.setTextFormat(Qt.TextFormat.RichText)
        self.description = _label()
        self.ports_label = _label()
        self.attr_box = QWidget()
        self.attr_form = QFormLayout(self.attr_box)
        self.attr_form.setContentsMargins(0, 4, 0, 4)
        self.attr_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.shape_label = _label()
        self.shape_error = _label(style=ERROR_STYLE)
        self.value_view = ArrayView("value")
        self.grad_view = ArrayView("gradient ∂L/∂·", diverging=True)
        self.attr_rule = _rule()
        for widget in (self.name_edit, self.name_error, self.op_label, self.description, self.ports_label,
                       self.attr_rule, self.attr_box, _rule(), self.shape_label, self.shape_error,
                       self.value_view, self.grad_view):
            layout.addWidget(widget)
        layout.addStretch(1)
        return page

    def _build_edge_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.edge_title = _label()
        self.edge_title.setTextFormat(Qt.TextFormat.RichText)
        self.edge_shape = _label()
        self.edge_slot = QVBoxLayout()
        self.edge_widget: QWidget | None = None
        layout.addWidget(self.edge_title)
        layout.addWidget(self.edge_shape)
        layout.addLayout(self.edge_slot)
        layout.addStretch(1)
        return page

    # ----- public API
    def set_graph(self, graph: Graph, undo_stack: QUndoStack) -> None:
        """Follow a (new) graph; edits are pushed onto `undo_stack`."""
        if self.graph is not None:
            self._subscribe(self.graph, False)
        self.graph, self.undo_stack = graph, undo_stack
        self._arrays.clear()
        self._subscribe(graph, True)
        self.node_id = self.edge_id = None
        self.refresh()

    def detach(self) -> None:
        """Stop listening to the graph (the window is closing)."""
        if self.graph is not None:
            self._subscribe(self.graph, False)

    def show_node(self, node_id: str | None) -> None:
        """Inspect a node (None: no node selected; an inspected edge stays)."""
        if node_id is None and self.edge_id is not None:
            return
        self.node_id, self.edge_id = node_id, None
        self._rebuild_attrs()
        self.refresh()

    def show_edge(self, edge_id: str | None) -> None:
        """Inspect an edge (None: no edge selected; an inspected node stays)."""
        if edge_id is None and self.node_id is not None:
            return
        self.node_id, self.edge_id = None, edge_id
        self.refresh()
        if edge_id is not None and self.graph is not None and edge_id in self.graph.edges:
            self.edge_shown.emit(edge_id)

    def show_arrays(self, node_id: str, value: np.ndarray | None, grad: np.ndarray | None) -> None:
        """Remember a node's current value and gradient (from a run or a trace) and show them."""
        self._arrays[node_id] = (value, grad)
        if node_id == self.node_id:
            self._refresh_arrays()

    def clear_arrays(self) -> None:
        """Forget every pushed value and gradient."""
        self._arrays.clear()
        self._refresh_arrays()

    def set_edge_widget(self, widget: QWidget | None) -> None:
        """Host a panel (e.g. the Jacobian view) under the selected edge's summary."""
        if self.edge_widget is not None:
            self.edge_slot.removeWidget(self.edge_widget)
            self.edge_widget.setParent(None)
        self.edge_widget = widget
        if widget is not None:
            self.edge_slot.addWidget(widget)

    # ----- model events
    def _subscribe(self, graph: Graph, on: bool) -> None:
        ev = graph.events
        pairs = [(ev.attr_changed, self._on_attr_changed), (ev.node_removed, self._on_removed),
                 (ev.edge_added, self._on_structure), (ev.edge_removed, self._on_structure),
                 (ev.node_added, self._on_structure), (ev.node_renamed, self._on_renamed),
                 (ev.value_changed, self._on_value_changed), (ev.meta_changed, self._on_structure)]
        for event, callback in pairs:
            (event.subscribe if on else event.unsubscribe)(callback)

    def _on_attr_changed(self, node_id: str, key: str) -> None:
        self._arrays.clear()  # values from an earlier run no longer match the graph
        if node_id == self.node_id and key in self.editors:
            set_editor_value(self.editors[key], self.graph.nodes[node_id].op.spec(key),
                             self.graph.nodes[node_id].attrs[key])
            self.errors[key].hide()
        self._refresh_timer.start()

    def _on_removed(self, node_id: str) -> None:
        self._arrays.pop(node_id, None)
        if node_id == self.node_id:
            self.node_id = None
        self._refresh_timer.start()

    def _on_structure(self, *_args) -> None:
        if self.edge_id is not None and self.graph is not None and self.edge_id not in self.graph.edges:
            self.edge_id = None
        self._refresh_timer.start()

    def _on_renamed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.name_edit.setText(self.graph.nodes[node_id].name)
            self.name_error.hide()
        self._refresh_timer.start()

    def _on_value_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self._refresh_timer.start()

    # ----- display
    def refresh(self) -> None:
        """Redraw the current page from the model."""
        graph = self.graph
        if graph is not None and self.node_id in graph.nodes:
            self._refresh_node()
            self.pages.setCurrentIndex(1)
        elif graph is not None and self.edge_id in graph.edges:
            self._refresh_edge()
            self.pages.setCurrentIndex(2)
        else:
            self._refresh_summary()
            self.pages.setCurrentIndex(0)

    def _refresh_summary(self) -> None:
        graph = self.graph
        if graph is None:
            self.summary.setText("")
            return
        title = html.escape(str(graph.meta.get("title", "Untitled graph")))
        desc = html.escape(str(graph.meta.get("description", "")))
        counts = f"{len(graph.nodes)} nodes, {len(graph.edges)} edges"
        self.summary.setText(f"<h3 style='margin:0'>{title}</h3><p>{desc}</p><p style='color:gray'>{counts}</p>")

    def _refresh_node(self) -> None:
        node = self.graph.nodes[self.node_id]
        op = node.op
        if not self.name_edit.hasFocus():
            self.name_edit.setText(node.name)
        self.op_label.setText(f"<b>{html.escape(op.name)}</b> &nbsp; <i>{html.escape(op.leibniz)}</i>"
                              f" &nbsp; <span style='color:gray'>{html.escape(op.category)}</span>")
        self.description.setText(op.description())
        incoming = self.graph.incoming(node.id)
        ports = [f"{p.name} ← {self.graph.nodes[incoming[p.name].src].name}" if p.name in incoming
                 else f"{p.name} ← (not connected)" for p in op.inputs]
        self.ports_label.setText("inputs: " + ", ".join(ports) if ports else "a source: no inputs")
        self.attr_box.setVisible(bool(op.attr_specs))
        self.attr_rule.setVisible(bool(op.attr_specs))
        report = infer_shapes(self.graph)
        shape = report.shapes.get(node.id)
        dtype = report.dtypes.get(node.id, op.out_dtype)
        self.shape_label.setText(f"output shape: {fmt_shape(shape) if shape else 'scalar'}  ({dtype})"
                                 if shape is not None else "output shape: unknown")
        error = report.errors.get(node.id)
        self.shape_error.setText(error or "")
        self.shape_error.setVisible(bool(error))
        self._refresh_arrays()

    def _refresh_arrays(self) -> None:
        node = self.graph.nodes.get(self.node_id) if self.graph is not None and self.node_id else None
        if node is None:
            self.value_view.show_array(None)
            self.grad_view.show_array(None)
            return
        value, grad = self._arrays.get(node.id, (None, None))
        if value is None and node.value is not None:
            value = node.value
        self.value_view.show_array(value)
        self.grad_view.show_array(grad)

    def _refresh_edge(self) -> None:
        edge = self.graph.edges[self.edge_id]
        src, dst = self.graph.nodes[edge.src], self.graph.nodes[edge.dst]
        self.edge_title.setText(f"<h3 style='margin:0'>{html.escape(src.name)} → {html.escape(dst.name)}</h3>"
                                f"into input <b>{html.escape(edge.port)}</b> of {html.escape(dst.op_name)}")
        shape = infer_shapes(self.graph).shapes.get(src.id)
        self.edge_shape.setText(f"carries: {fmt_shape(shape) if shape else 'a scalar'}"
                                if shape is not None else "carries: unknown shape")

    # ----- editing
    def _rebuild_attrs(self) -> None:
        while self.attr_form.rowCount():
            self.attr_form.removeRow(0)
        self.editors.clear()
        self.errors.clear()
        self.name_error.hide()
        node = self.graph.nodes.get(self.node_id) if self.graph is not None and self.node_id else None
        if node is None:
            return
        for attr in node.op.attr_specs:
            editor = make_editor(attr, node.attrs[attr.name], lambda v, k=attr.name: self.commit_attr(k, v))
            error = _label(style=ERROR_STYLE)
            error.hide()
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(editor)
            box.addWidget(error)
            label = QLabel(attr.name)
            label.setToolTip(attr.doc)
            self.attr_form.addRow(label, holder)
            self.editors[attr.name], self.errors[attr.name] = editor, error

    def commit_attr(self, key: str, raw: Any) -> bool:
        """Validate a new attribute value and push a SetAttrCommand; show the error inline if invalid."""
        node = self.graph.nodes.get(self.node_id) if self.graph is not None and self.node_id else None
        if node is None:
            return False
        try:
            value = node.op.spec(key).validate(to_model_value(raw))
            if _same(value, node.attrs[key]):
                self.errors[key].hide()
                return False
            from . import commands

            self.undo_stack.push(commands.SetAttrCommand(self.graph, node.id, key, value))
        except EngineError as exc:
            self.errors[key].setText(str(exc))
            self.errors[key].show()
            return False
        self.errors[key].hide()
        return True

    def _commit_name(self) -> None:
        node = self.graph.nodes.get(self.node_id) if self.graph is not None and self.node_id else None
        name = self.name_edit.text().strip()
        if node is None or name == node.name:
            return
        problem = name_problem(name)
        if problem:
            self.name_error.setText(problem)
            self.name_error.show()
            return
        from . import commands

        self.undo_stack.push(commands.RenameCommand(self.graph, node.id, name))
        self.name_error.hide()
