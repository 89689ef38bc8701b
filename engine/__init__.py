"""Computation Graph Explorer engine: ops, graphs, execution and training, with no GUI imports."""
from .errors import AttrError, EngineError, ExecutionError, GraphError, ShapeError
from .executor import explain, forward
from .graph import Edge, Graph, Node, Region
from .registry import OPS, Attr, Op, Port, get_op, ops_by_category, register
from .serialization import FileFormatError, load_graph, save_graph
from .shapes import ShapeReport, infer_shapes
from .trace import Trace

__all__ = [
    "AttrError", "EngineError", "ExecutionError", "GraphError", "ShapeError",
    "explain", "forward", "Edge", "Graph", "Node", "Region",
    "OPS", "Attr", "Op", "Port", "get_op", "ops_by_category", "register",
    "ShapeReport", "infer_shapes", "Trace", "FileFormatError", "load_graph", "save_graph",
]
