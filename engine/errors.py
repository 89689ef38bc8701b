"""Error types of the engine; every message names the node, port or field it is about."""


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class AttrError(EngineError, ValueError):
    """An attribute value is not valid for its op."""


class GraphError(EngineError, ValueError):
    """An edit would make the graph invalid (cycle, taken port, unknown port or node)."""


class ShapeError(EngineError, ValueError):
    """Shapes of a node's inputs do not fit its op."""


class ExecutionError(EngineError, RuntimeError):
    """Running the graph failed; the message names the node."""

    def __init__(self, message: str, node_id: str | None = None):
        super().__init__(message)
        self.node_id = node_id
