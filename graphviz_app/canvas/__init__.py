"""The node editor canvas: scene (mirrors a graph), items (nodes, edges, ports, regions) and the view."""
from .edge_item import EdgeItem
from .interaction import BLOCK_PAYLOAD, OP_MIME
from .node_item import NodeItem, NodeLook
from .port_item import PortItem
from .region_item import RegionItem
from .scene import GraphScene
from .view import GraphView

__all__ = ["GraphScene", "GraphView", "NodeItem", "NodeLook", "EdgeItem", "PortItem", "RegionItem",
           "OP_MIME", "BLOCK_PAYLOAD"]
