"""Regions, Linear + σ blocks and the cached backdrop of GraphScene (a mixin: the scene owns the state)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsScene

from engine import blocks as block_model

from .looks import block_look
from .node_item import NodeItem
from .region_item import RegionItem


class SceneLayers:
    """Region shapes, collapsed blocks, and the backdrop (regions + plain edges) drawn under the nodes."""

    # ----- regions and blocks
    def _sync_region(self, region_id: str, fit: bool = True) -> None:
        region = self.graph.regions.get(region_id)
        item = self.region_items.get(region_id)
        if region is None:
            if item is not None:
                self.invalidate_backdrop(item.sceneBoundingRect())
                self.removeItem(item)
                del self.region_items[region_id]
            return
        is_block = block_model.block_info(self.graph, region_id) is not None
        if item is None:
            item = RegionItem(region_id, region.title, region.color, self.theme, is_block)
            self.region_items[region_id] = item
            self.addItem(item)
        item.set_title(region.title, region.color, is_block)
        item.member_ids = list(region.node_ids)
        item.member_names = [self.graph.nodes[n].name if n in self.graph.nodes else "" for n in region.node_ids]
        if fit:
            self._fit_region(region_id)

    def _fit_region(self, region_id: str) -> None:
        item = self.region_items[region_id]
        members = [n for n in item.member_ids if n in self.node_items]
        collapsed = region_id in self.block_items
        item.setVisible(bool(members) and not collapsed)
        if not members or collapsed:
            return
        boxes = [self._box(self.node_items[n]) for n in members]
        index = {n: i for i, n in enumerate(members)}
        links = {(index[e.src], index[e.dst]) for n in members for e in self.graph.outgoing(n) if e.dst in index}
        area = QRectF()
        for box in boxes:
            area = area.united(box)
        area = area.adjusted(-200, -200, 200, 200)
        obstacles = [self._box(item) for node_id, item in self._shown_nodes()
                     if node_id not in index and item.sceneBoundingRect().intersects(area)]
        item.set_members(boxes, links, obstacles)

    def _refit_regions_near(self, rect: QRectF) -> None:
        """Reshape regions around a place where a node appeared or vanished (it was, or is, an obstacle)."""
        for region_id, item in self.region_items.items():
            if item.isVisible() and item.sceneBoundingRect().intersects(rect):
                self._fit_region(region_id)

    @staticmethod
    def _box(item: NodeItem) -> QRectF:
        return item.mapRectToScene(item.body)  # with its value panels: regions make room for them

    def node_item_resized(self, item: NodeItem) -> None:
        """A node grew or shrank (value panels shown or hidden): reshape the regions around it."""
        self._refit_regions_near(self._box(item).adjusted(-300, -300, 300, 300))

    def _shown_nodes(self):
        """(id, item) of every visible node item, block items included."""
        for node_id, item in list(self.node_items.items()) + list(self.block_items.items()):
            if item.isVisible():
                yield node_id, item

    def _refresh_blocks(self, refit: bool = False) -> None:
        """Show each intact collapsed block as one box; regions and edges are redone when that set changed."""
        collapsed = {rid for rid in block_model.blocks(self.graph) if block_model.is_collapsed(self.graph, rid)}
        members = {m: rid for rid in collapsed for m in self.graph.regions[rid].node_ids}
        refit = refit or collapsed != set(self.block_items) or members != self._collapsed_member
        for region_id in list(self.block_items):
            if region_id not in collapsed:
                self.removeItem(self.block_items.pop(region_id))
        self._collapsed_member = members
        for region_id in collapsed:
            if region_id not in self.block_items:
                item = NodeItem(block_look(self.graph, region_id), self.theme)
                self.block_items[region_id] = item
                self.addItem(item)
            self._place_block(region_id)
        if not refit:  # every region and edge is drawn for these blocks already
            return
        for node_id, item in self.node_items.items():
            item.setVisible(node_id not in self._collapsed_member)
        for region_id in self.region_items:
            self._fit_region(region_id)
        self._update_all_edges()
        self._apply_block_shapes()

    def _in_block(self, *node_ids: str) -> bool:
        """True if any of these nodes belongs to a Linear + σ block."""
        return any(set(node_ids) & set(self.graph.regions[r].node_ids) for r in block_model.blocks(self.graph))

    def _place_block(self, region_id: str) -> None:
        parts = block_model.block_parts(self.graph, region_id)
        members = [parts.matmul, parts.add, parts.sigmoid]  # the main line, not the parameters above it
        x = sum(self.graph.nodes[n].pos[0] for n in members) / len(members)
        y = sum(self.graph.nodes[n].pos[1] for n in members) / len(members)
        item = self.block_items[region_id]
        item.setPos(self.to_scene((x, y)))
        item.inputs["x"].set_connected(True)
        item.output.set_connected(True)

    def _refresh_block_looks(self) -> None:
        for region_id, item in self.block_items.items():
            item.set_look(block_look(self.graph, region_id))

    def toggle_block(self, region_id: str) -> None:
        """Expand a collapsed block, or collapse an expanded one (through the undo stack)."""
        from ..commands import CollapseBlockCommand, ExpandBlockCommand
        if block_model.is_collapsed(self.graph, region_id):
            self.try_push(lambda: ExpandBlockCommand(self.graph, region_id))
        else:
            self.try_push(lambda: CollapseBlockCommand(self.graph, region_id))

    # ----- the backdrop: regions and plain edges, drawn under the nodes and cached by each view
    def invalidate_backdrop(self, rect: QRectF) -> None:
        """Redraw the backdrop in a scene rectangle (an edge or region moved or changed)."""
        self._all_edges_path = None
        if not rect.isNull():
            self.invalidate(rect.adjusted(-2, -2, 2, 2), QGraphicsScene.BackgroundLayer)

    def drop_backdrop(self) -> None:
        """Forget every view's cached backdrop (another graph is shown): it is painted afresh."""
        self._all_edges_path = None
        for view in self.views():
            view.resetCachedContent()
        self.update()

    def draw_backdrop(self, painter: QPainter, rect: QRectF, fast: bool = False) -> None:
        """Paint regions and every plain edge that meet `rect`; `fast` (while zooming) draws edges as one hairline
        path."""
        lod = painter.worldTransform().m11()
        for item in self.region_items.values():
            if item.isVisible() and item.sceneBoundingRect().intersects(rect):
                painter.save()
                painter.translate(item.pos())
                item.draw(painter)
                painter.restore()
        if fast:
            pen = QPen(QColor(self.theme.edge), 1.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(self._plain_edges_path())
            for item in self._styled_backdrop_edges(rect):
                item.draw(painter, lod, fast=True)
            return
        # a diagonal scroll exposes an L-shaped strip whose bounding rect is the whole view: test the pieces
        pieces = [QRectF(r) for r in painter.clipRegion()] if painter.hasClipping() else [rect]
        pieces = [p for p in pieces if p.intersects(rect)] or [rect]
        tinted = []  # edges with a gradient colour go on top of the plain ones
        for item in self.edge_items.values():
            if item.isVisible() and item.in_backdrop():
                bounds = item.boundingRect()
                if any(bounds.intersects(p) for p in pieces):
                    if item.color or item.width is not None:
                        tinted.append(item)
                    else:
                        item.draw(painter, lod, pieces=pieces)
        for item in tinted:
            item.draw(painter, lod, pieces=pieces)

    def _styled_backdrop_edges(self, rect: QRectF):
        """Visible edges in the backdrop with their own colour or width, meeting `rect`."""
        for item in self.edge_items.values():
            if item.isVisible() and item.in_backdrop() and not item.is_plain() \
                    and item.boundingRect().intersects(rect):
                yield item

    def _plain_edges_path(self) -> QPainterPath:
        if self._all_edges_path is None:
            path = QPainterPath()
            for item in self.edge_items.values():
                if item.isVisible() and item.is_plain():
                    path.addPath(item.path())
            self._all_edges_path = path
        return self._all_edges_path

    def set_fast_mode(self, fast: bool) -> None:
        """While a view zooms: nodes draw prepared pictures, edges one hairline path (see GraphView)."""
        for item in list(self.node_items.values()) + list(self.block_items.values()):
            item.set_fast(fast)
