"""What the user does on the scene: drop ops, drag wires between ports, move nodes, and edit helpers."""
from __future__ import annotations

import networkx as nx
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from engine import blocks as block_model
from engine.free_space import Box, free_offset
from engine.registry import OPS

from .. import commands as cmd
from .edge_item import EdgeItem
from .node_item import OP_WIDTH, NodeItem
from .port_item import PortItem

OP_MIME = "application/x-cge-op"
BLOCK_PAYLOAD = "block:linear_sigmoid"  # palette entry for a whole Linear + σ block
NEW_NODE_SIZE = (OP_WIDTH, 92.0)  # model units: the box of an op node before it shows any value


class SceneInteraction:
    """Mouse, drag-and-drop and edit helpers of GraphScene (a mixin; the scene owns the state)."""

    def init_interaction(self) -> None:
        """Start with no wire and no move in progress."""
        self._wire: EdgeItem | None = None
        self._wire_from: PortItem | None = None
        self._pressed: dict[NodeItem, QPointF] = {}

    # ----- ports in model terms
    def model_port(self, port: PortItem) -> tuple[str, str]:
        """(node id, port name) in the model for a port item (a collapsed block maps to its MatMul / Sigmoid)."""
        if port.node_id in self.block_items:
            parts = block_model.block_parts(self.graph, port.node_id)
            return (parts.sigmoid, "out") if port.is_output else (parts.matmul, "x")
        return port.node_id, port.name

    def port_at(self, point: QPointF, exclude=None) -> PortItem | None:
        """The port under a scene point, if any."""
        for item in self.items(point):
            if isinstance(item, PortItem) and item is not exclude and item.isVisible():
                return item
        return None

    def _visible_nodes(self) -> list[NodeItem]:
        return [i for i in list(self.node_items.values()) + list(self.block_items.values()) if i.isVisible()]

    # ----- wiring
    def _start_wire(self, port: PortItem) -> None:
        self._wire_from = port
        self._wire = EdgeItem("wire", self.theme, dashed=True)
        self.addItem(self._wire)
        self._wire.set_endpoints(port.scenePos(), port.scenePos())
        self._light_targets(port)

    def _light_targets(self, start: PortItem) -> None:
        node_id, _ = self.model_port(start)
        if start.is_output:
            forbidden = nx.ancestors(self.graph.nx, node_id) | {node_id}
        else:
            forbidden = nx.descendants(self.graph.nx, node_id) | {node_id}
        for item in self._visible_nodes():
            for port in item.ports():
                if port.is_output == start.is_output or port.parentItem() is start.parentItem():
                    continue
                target, name = self.model_port(port)
                if start.is_output:
                    ok = target not in forbidden and name not in self.graph.incoming(target)
                else:
                    ok = target not in forbidden and self.model_port(start)[1] not in self.graph.incoming(node_id)
                port.set_highlight("valid" if ok else "invalid")

    def cancel_wire(self) -> None:
        """Drop the wire being dragged without connecting anything."""
        if self._wire is not None:
            self.removeItem(self._wire)
            self._wire, self._wire_from = None, None
            for item in self._visible_nodes():
                for port in item.ports():
                    port.set_highlight(None)

    def _finish_wire(self, point: QPointF) -> None:
        start = self._wire_from
        self.cancel_wire()
        target = self._wire_target(start, point)
        if target is None:
            return
        ends = (start, target) if start.is_output else (target, start)
        src, _ = self.model_port(ends[0])
        dst, name = self.model_port(ends[1])
        reason = self.graph.can_connect(src, dst, name)
        if reason:
            self.status_message.emit(f"Cannot connect: {reason}")
            return
        self.try_push(lambda: cmd.ConnectCommand(self.graph, src, dst, name))

    def _wire_target(self, start: PortItem, point: QPointF) -> PortItem | None:
        port = self.port_at(point, exclude=start)
        if port is not None:
            if port.is_output == start.is_output:
                side = "an input" if start.is_output else "an output"
                self.status_message.emit(f"Cannot connect: drop the wire on {side} port")
                return None
            return port
        for item in self.items(point):
            if isinstance(item, NodeItem) and item is not start.parentItem():
                candidates = [item.output] if not start.is_output else list(item.inputs.values())
                valid = [p for p in candidates if p.highlight == "valid"]
                return (valid or candidates or [None])[0]
        return None

    # ----- mouse
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._start_wire(port)
                event.accept()
                return
        QGraphicsScene.mousePressEvent(self, event)
        if event.button() == Qt.LeftButton:
            self._pressed = {i: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event) -> None:
        if self._wire is not None:
            end = event.scenePos()
            port = self.port_at(end, exclude=self._wire_from)
            if port is not None and port.highlight == "valid":
                end = port.scenePos()
            if self._wire_from.is_output:
                self._wire.set_endpoints(self._wire_from.scenePos(), end)
            else:
                self._wire.set_endpoints(end, self._wire_from.scenePos())
            event.accept()
            return
        QGraphicsScene.mouseMoveEvent(self, event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self._wire is not None:
            self.cancel_wire()
            event.accept()
            return
        QGraphicsScene.keyPressEvent(self, event)

    def mouseReleaseEvent(self, event) -> None:
        if self._wire is not None and event.button() == Qt.LeftButton:
            self._finish_wire(event.scenePos())
            event.accept()
            return
        QGraphicsScene.mouseReleaseEvent(self, event)
        if event.button() == Qt.LeftButton:
            self._finish_move()

    def mouseDoubleClickEvent(self, event) -> None:
        item = self.itemAt(event.scenePos(), QTransform())
        if isinstance(item, NodeItem) and item.node_id in self.block_items:
            self.toggle_block(item.node_id)
            event.accept()
            return
        QGraphicsScene.mouseDoubleClickEvent(self, event)

    def _finish_move(self) -> None:
        pressed, self._pressed = self._pressed, {}
        moves: dict[str, tuple] = {}
        s = self.theme.scale
        for item, old in pressed.items():
            if item.scene() is not self or item.pos() == old:
                continue
            dx, dy = (item.pos().x() - old.x()) / s, (item.pos().y() - old.y()) / s
            members = (self.graph.regions[item.node_id].node_ids if item.node_id in self.block_items
                       else [item.node_id])
            for node_id in members:
                x, y = self.graph.nodes[node_id].pos
                moves[node_id] = ((x, y), (round(x + dx, 1), round(y + dy, 1)))
        if moves:
            self.try_push(lambda: cmd.MoveNodesCommand(self.graph, moves))

    # ----- drag and drop from the palette
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(OP_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        if not event.mimeData().hasFormat(OP_MIME):
            event.ignore()
            return
        payload = bytes(event.mimeData().data(OP_MIME)).decode("utf-8", errors="replace").strip()
        self.add_op_at(payload, self.to_model(event.scenePos()))
        event.acceptProposedAction()

    # ----- edit helpers (the window's menus call these)
    def add_op_at(self, op_name: str, pos: tuple[float, float]) -> str | None:
        """Add an op (or the Linear + σ block) at a model position, or the nearest place where it covers no
        other node, through the undo stack; returns the node id."""
        if op_name == BLOCK_PAYLOAD:
            pos = self._free_place(pos, list(block_model.LAYOUT.values()))
            command = self.try_push(lambda: cmd.AddBlockCommand(self.graph, 3, 3, pos))
            if command is None:
                return None
            self.select_nodes(command.node_ids)
            return command.node_ids[-1]  # the Sigmoid: the block's output
        if op_name not in OPS:
            self.status_message.emit(f"Unknown op '{op_name[:60]}'")
            return None
        pos = self._free_place(pos, [(0.0, 0.0)])
        command = self.try_push(lambda: cmd.AddNodeCommand(self.graph, op_name, pos))
        if command is not None:
            self.select_nodes([command.node_id])
            return command.node_id
        return None

    # ----- free space for new nodes
    def _occupied(self) -> list[Box]:
        s = self.theme.scale
        return [_model_box(self._box(item), s) for _, item in self._shown_nodes()]

    def _free_place(self, pos: tuple[float, float], offsets: list[tuple[float, float]]) -> tuple[float, float]:
        """`pos`, moved to the nearest place where new nodes at pos + offsets cover no shown node."""
        w, h = NEW_NODE_SIZE
        footprint = [(pos[0] + dx - w / 2, pos[1] + dy - h / 2, pos[0] + dx + w / 2, pos[1] + dy + h / 2)
                     for dx, dy in offsets]
        dx, dy = free_offset(self._occupied(), footprint)
        return (round(pos[0] + dx, 1), round(pos[1] + dy, 1))

    def _free_paste_offset(self, nodes: list[dict], offset: tuple[float, float]) -> tuple[float, float]:
        """The paste offset, moved on until the pasted nodes (as big as their originals) cover no shown node."""
        s, (w, h) = self.theme.scale, NEW_NODE_SIZE
        footprint = []
        for node in nodes:
            x, y = node.get("pos") or (0.0, 0.0)
            item = self.node_items.get(node.get("id"))
            half_w, half_h = (item.body.width() / s / 2, item.body.height() / s / 2) if item else (w / 2, h / 2)
            cx, cy = x + offset[0], y + offset[1]
            footprint.append((cx - half_w, cy - half_h, cx + half_w, cy + half_h))
        dx, dy = free_offset(self._occupied(), footprint)
        return (round(offset[0] + dx, 1), round(offset[1] + dy, 1))

    def delete_selected(self) -> None:
        """Delete the selected nodes (with their edges) and edges."""
        nodes, edges = self.selected_node_ids(), self.selected_edge_ids()
        if nodes or edges:
            self.try_push(lambda: cmd.RemoveItemsCommand(self.graph, nodes, edges))

    def copy_selected(self) -> dict | None:
        """The selection as clipboard data, or None when nothing is selected."""
        nodes = self.selected_node_ids()
        return cmd.copy_selection(self.graph, nodes) if nodes else None

    def paste(self, data: dict, at: tuple[float, float] | None = None) -> list[str]:
        """Paste clipboard data (centred on `at` if given, else shifted a little) where it covers no node."""
        try:
            cmd.check_clipboard(data)
        except ValueError as exc:
            self.status_message.emit(str(exc))
            return []
        nodes, offset = data["nodes"], (40.0, 40.0)
        if at is not None:
            cx = sum(n.get("pos", (0, 0))[0] for n in nodes) / len(nodes)
            cy = sum(n.get("pos", (0, 0))[1] for n in nodes) / len(nodes)
            offset = (at[0] - cx, at[1] - cy)
        offset = self._free_paste_offset(nodes, offset)
        command = self.try_push(lambda: cmd.PasteCommand(self.graph, data, offset))
        if command is None:
            return []
        self.select_nodes(command.node_ids)
        return command.node_ids

    def duplicate_selected(self) -> list[str]:
        """Copy and paste the selection in one go."""
        data = self.copy_selected()
        return self.paste(data) if data else []

    def select_all(self) -> None:
        """Select every visible node and edge."""
        for item in self.items():
            selectable = item.flags() & QGraphicsItem.ItemIsSelectable
            if isinstance(item, (NodeItem, EdgeItem)) and item.isVisible() and selectable:
                item.setSelected(True)

    def group_selected(self, title: str, color: str | None = None) -> str | None:
        """Group the selected nodes into a region; returns its id."""
        command = self.try_push(lambda: cmd.GroupCommand(self.graph, title, self.selected_node_ids(), color))
        return command.region_id if command else None

    def make_block_from_selection(self) -> str | None:
        """Turn a selected MatMul W → Add b → Sigmoid chain into a collapsed Linear + σ block."""
        command = self.try_push(lambda: cmd.CollapseBlockCommand(self.graph, node_ids=self.selected_node_ids()))
        return command.region_id if command else None

    def auto_layout(self) -> None:
        """Arrange every node left to right by layers (undoable), leaving each node the room its item takes."""
        from ..render_layout import measured_sizes  # the render module imports the canvas: import when used

        self.try_push(lambda: cmd.AutoLayoutCommand(self.graph, sizes=measured_sizes(self)))


def _model_box(rect, scale: float) -> Box:
    """A scene rectangle in model units."""
    return (rect.left() / scale, rect.top() / scale, rect.right() / scale, rect.bottom() / scale)
