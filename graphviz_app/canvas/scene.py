"""GraphScene: one QGraphicsScene mirroring one engine Graph through its events."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QGraphicsScene

from engine import EngineError, Graph, infer_shapes
from engine import blocks as block_model
from engine.broadcast import fmt_shape
from engine.shapes import ShapeReport

from ..theme import LIGHT, Theme
from .edge_item import EdgeItem
from .interaction import SceneInteraction
from .scene_layers import SceneLayers
from .looks import node_look
from .node_item import NodeItem
from .region_item import RegionItem

SHAPE_DELAY_MS = 60
GRID = 20.0  # model units between grid lines (and snap points)


class GraphScene(SceneInteraction, SceneLayers, QGraphicsScene):
    """Items for every node, edge and region of a graph; edits go through the undo stack."""

    status_message = Signal(str)
    node_selected = Signal(object)
    edge_selected = Signal(object)
    shapes_updated = Signal()

    def __init__(self, graph: Graph, undo_stack: QUndoStack, theme: Theme = LIGHT, parent=None):
        QGraphicsScene.__init__(self, parent)
        self.undo_stack = undo_stack
        self.theme = theme
        self.graph: Graph | None = None
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: dict[str, EdgeItem] = {}
        self.region_items: dict[str, RegionItem] = {}
        self.block_items: dict[str, NodeItem] = {}
        self.shape_report = ShapeReport()
        self._all_edges_path: QPainterPath | None = None
        self.snap_enabled = False
        self._node_edges: dict[str, set[str]] = {}
        self._edge_ends: dict[str, tuple[str, str]] = {}
        self._collapsed_member: dict[str, str] = {}  # node id → region id of its collapsed block
        self._shape_timer = QTimer(self)
        self._shape_timer.setSingleShot(True)
        self._shape_timer.timeout.connect(self.update_shapes_now)
        self._handlers = {}
        self.init_interaction()
        self.setBackgroundBrush(QColor(theme.background))
        self.selectionChanged.connect(self._on_selection_changed)
        self.set_graph(graph)

    # ----- coordinates
    def to_scene(self, pos) -> QPointF:
        """Model position (node centre) → scene point."""
        s = self.theme.scale
        return QPointF(float(pos[0]) * s, float(pos[1]) * s)

    def to_model(self, point: QPointF) -> tuple[float, float]:
        """Scene point → model position, rounded to a tenth."""
        s = self.theme.scale
        return (round(point.x() / s, 1), round(point.y() / s, 1))

    def snap_point(self, point: QPointF) -> QPointF:
        """The nearest grid point when snapping is on, else the point itself."""
        if not self.snap_enabled:
            return point
        step = GRID * self.theme.scale
        return QPointF(round(point.x() / step) * step, round(point.y() / step) * step)

    # ----- graph
    def set_graph(self, graph: Graph) -> None:
        """Show another graph (unsubscribing from the old one)."""
        if self.graph is not None:
            for name, handler in self._handlers.items():
                self.graph.events.follow([name], handler, on=False)
        self.clear()
        self.drop_backdrop()  # the old graph's wires and regions are painted in each view's cached backdrop
        self.node_items, self.edge_items, self.region_items, self.block_items = {}, {}, {}, {}
        self._node_edges, self._edge_ends, self._collapsed_member = {}, {}, {}
        self.graph = graph
        self._handlers = {name: getattr(self, f"_on_{name}") for name in graph.events.NAMES}
        for name, handler in self._handlers.items():
            graph.events.follow([name], handler)
        self.shape_report = infer_shapes(graph)  # first, so each node is laid out once, with its shape
        for node_id in graph.nodes:
            self._on_node_added(node_id, schedule=False)
        for edge_id in graph.edges:
            self._on_edge_added(edge_id)
        for region_id in graph.regions:
            self._sync_region(region_id, fit=False)  # _refresh_blocks fits them, once
        self._refresh_blocks(refit=True)
        self.update_shapes_now()

    def set_theme(self, theme: Theme) -> None:
        """Redraw every item with another theme (positions follow its scale)."""
        self.theme = theme
        self.setBackgroundBrush(QColor(theme.background))
        for item in list(self.node_items.values()) + list(self.block_items.values()):
            item.set_theme(theme)
        for node_id, item in self.node_items.items():
            item.setPos(self.to_scene(self.graph.nodes[node_id].pos))
        for item in list(self.edge_items.values()) + list(self.region_items.values()):
            item.set_theme(theme)
        self._refresh_blocks(refit=True)
        self._update_all_edges()
        for region_id in self.region_items:
            self._fit_region(region_id)

    def push(self, command: QUndoCommand) -> None:
        """Run a command through the undo stack."""
        self.undo_stack.push(command)

    def try_push(self, make) -> QUndoCommand | None:
        """Build a command with `make()` and push it; an engine refusal becomes a status message."""
        try:
            command = make()
        except (EngineError, ValueError) as exc:
            self.status_message.emit(str(exc))
            return None
        self.push(command)
        return command

    # ----- model events
    def _on_node_added(self, node_id: str, schedule: bool = True) -> None:
        node = self.graph.nodes[node_id]
        item = NodeItem(node_look(node), self.theme, self._shape_text(node_id))
        self.node_items[node_id] = item
        self._node_edges.setdefault(node_id, set())
        self.addItem(item)
        item.setPos(self.to_scene(node.pos))
        if schedule:
            self._refit_regions_near(self._box(item))
            self.schedule_shapes()

    def _on_node_removed(self, node_id: str) -> None:
        item = self.node_items.pop(node_id, None)
        if item is not None:
            self.removeItem(item)
            self._refit_regions_near(self._box(item))
        self._node_edges.pop(node_id, None)
        self.schedule_shapes()

    def _on_edge_added(self, edge_id: str) -> None:
        edge = self.graph.edges[edge_id]
        item = EdgeItem(edge_id, self.theme)
        self.edge_items[edge_id] = item
        self._edge_ends[edge_id] = (edge.src, edge.dst)
        self._node_edges.setdefault(edge.src, set()).add(edge_id)
        self._node_edges.setdefault(edge.dst, set()).add(edge_id)
        self.addItem(item)
        self._update_edge(edge_id)
        self._set_port_connected(edge.src, edge.dst, edge.port)
        if self._in_block(edge.src, edge.dst):  # a block's own wire came back: it may be whole again
            self._refresh_blocks()
        self.schedule_shapes()

    def _on_edge_removed(self, edge_id: str) -> None:
        item = self.edge_items.pop(edge_id, None)
        if item is not None:
            self.invalidate_backdrop(item.boundingRect())
            item.detach()
            self.removeItem(item)
        ends = self._edge_ends.pop(edge_id, ())
        for node_id in ends:
            self._node_edges.get(node_id, set()).discard(edge_id)
            if node_id in self.node_items:
                self._refresh_port_states(node_id)
        if self._in_block(*ends):  # a block without its own wire is no longer one box
            self._refresh_blocks()
        self.schedule_shapes()

    def _on_attr_changed(self, node_id: str, key: str) -> None:
        self.node_items[node_id].set_look(node_look(self.graph.nodes[node_id]))
        self.schedule_shapes()

    def _on_node_renamed(self, node_id: str) -> None:
        self.node_items[node_id].set_look(node_look(self.graph.nodes[node_id]))
        self._refresh_block_looks()
        self.schedule_shapes()

    def _on_node_moved(self, node_id: str) -> None:
        item = self.node_items.get(node_id)
        target = self.to_scene(self.graph.nodes[node_id].pos)
        if item is not None and item.pos() != target:
            old = self._box(item)
            item.setPos(target)
            self._refit_regions_near(old.united(self._box(item)))
        region_id = self._collapsed_member.get(node_id)
        if region_id in self.block_items:
            self._place_block(region_id)

    def _on_value_changed(self, node_id: str) -> None:
        pass  # values are shown through the display API, not by the editor

    def _on_region_changed(self, region_id: str) -> None:
        self._sync_region(region_id)  # its title, members, colour, or block (collapsed or expanded)
        self._refresh_blocks()

    def _on_meta_changed(self, key: str) -> None:
        pass  # meta holds nothing the canvas draws (blocks are a field of their region)

    # ----- edges and ports
    def _set_port_connected(self, src: str, dst: str, port: str) -> None:
        if src in self.node_items:
            self.node_items[src].output.set_connected(True)
        if dst in self.node_items and port in self.node_items[dst].inputs:
            self.node_items[dst].inputs[port].set_connected(True)

    def _refresh_port_states(self, node_id: str) -> None:
        item = self.node_items[node_id]
        incoming = self.graph.incoming(node_id)
        for name, port in item.inputs.items():
            port.set_connected(name in incoming)
        item.output.set_connected(bool(self.graph.outgoing(node_id)))

    def visible_item(self, node_id: str) -> NodeItem:
        """The item that shows a node: its own, or its collapsed block's."""
        region_id = self._collapsed_member.get(node_id)
        return self.block_items[region_id] if region_id in self.block_items else self.node_items[node_id]

    def _update_edge(self, edge_id: str) -> None:
        edge, item = self.graph.edges[edge_id], self.edge_items[edge_id]
        src_block = self._collapsed_member.get(edge.src)
        dst_block = self._collapsed_member.get(edge.dst)
        if src_block is not None and src_block == dst_block:
            item.hide()
            return
        src_item, dst_item = self.visible_item(edge.src), self.visible_item(edge.dst)
        dst_port = dst_item.inputs.get("x" if dst_block in self.block_items else edge.port)
        if dst_port is None:
            item.hide()
            return
        item.show()
        item.set_endpoints(src_item.output.scenePos(), dst_port.scenePos())

    def _update_all_edges(self) -> None:
        for edge_id in self.edge_items:
            self._update_edge(edge_id)

    def node_item_moved(self, item: NodeItem) -> None:
        """Called by a NodeItem while it moves: drag its edges and regions along."""
        node_id = item.node_id
        members = block_model.block_parts(self.graph, node_id).node_ids if node_id in self.block_items else [node_id]
        for member in members:
            for edge_id in self._node_edges.get(member, ()):
                self._update_edge(edge_id)
            for region_id, region in self.graph.regions.items():
                if member in region.node_ids and region_id in self.region_items:
                    self._fit_region(region_id)

    # ----- shapes
    def schedule_shapes(self) -> None:
        """Recompute shapes soon (many quick changes cost one inference)."""
        self._shape_timer.start(SHAPE_DELAY_MS)

    def update_shapes_now(self) -> None:
        """Infer every shape now and show shapes and error marks."""
        self._shape_timer.stop()
        self.shape_report = infer_shapes(self.graph)
        for node_id, item in self.node_items.items():
            item.set_shape_text(self._shape_text(node_id))
            item.set_error(self.shape_report.errors.get(node_id))
        self._apply_block_shapes()
        self.shapes_updated.emit()

    def _shape_text(self, node_id: str) -> str:
        shape = self.shape_report.shapes.get(node_id)
        return fmt_shape(shape) if shape is not None else ""

    def _apply_block_shapes(self) -> None:
        for region_id, item in self.block_items.items():
            members = self.graph.regions[region_id].node_ids
            parts = block_model.block_parts(self.graph, region_id)
            shape = self.shape_report.shapes.get(parts.sigmoid) if parts else None
            item.set_shape_text(fmt_shape(shape) if shape is not None else "")
            errors = [self.shape_report.errors[n] for n in members if n in self.shape_report.errors]
            item.set_error("\n".join(errors) or None)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor(self.theme.background))
        self.draw_backdrop(painter, rect)

    # ----- selection and overlays
    def selected_node_ids(self) -> list[str]:
        """Ids of the selected nodes (a selected collapsed block counts as all its members)."""
        out: list[str] = []
        for item in self.selectedItems():
            if isinstance(item, NodeItem):
                if item.node_id in self.block_items:
                    out.extend(self.graph.regions[item.node_id].node_ids)
                else:
                    out.append(item.node_id)
        return [n for n in self.graph.nodes if n in set(out)]

    def selected_edge_ids(self) -> list[str]:
        """Ids of the selected edges."""
        return [i.edge_id for i in self.selectedItems() if isinstance(i, EdgeItem) and i.edge_id in self.graph.edges]

    def select_nodes(self, node_ids, add: bool = False) -> None:
        """Select these nodes (their visible items), clearing the rest unless `add`."""
        if not add:
            self.clearSelection()
        for node_id in node_ids:
            if node_id in self.node_items:
                self.visible_item(node_id).setSelected(True)

    def _on_selection_changed(self) -> None:
        nodes, edges = self.selected_node_ids(), self.selected_edge_ids()
        self.node_selected.emit(nodes[0] if len(nodes) == 1 else None)
        self.edge_selected.emit(edges[0] if len(edges) == 1 and not nodes else None)

    def set_item_caching(self, enabled: bool) -> None:
        """Cache node pictures per view (fast panning) or not (exact vector output for SVG/print)."""
        mode = NodeItem.DeviceCoordinateCache if enabled else NodeItem.NoCache
        for item in list(self.node_items.values()) + list(self.block_items.values()):
            item.setCacheMode(mode)
        for edge in self.edge_items.values():
            if edge.label_item is not None:
                edge.label_item.setCacheMode(mode)

    def clear_overlays(self) -> None:
        """Reset every display-API overlay (values, gradients, states, badges, labels, pulses)."""
        for item in list(self.node_items.values()) + list(self.block_items.values()):
            item.clear_display()
        for edge in self.edge_items.values():
            edge.clear_display()
