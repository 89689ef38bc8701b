"""Saving and loading graphs (the public entry point; the work is done in engine.fileformat)."""
from .fileformat import (
    CURRENT_VERSION,
    FORMAT_NAME,
    MIGRATIONS,
    FileFormatError,
    dumps_graph_dict,
    graph_from_dict,
    graph_to_dict,
    load_graph,
    parse_graph_json,
    save_graph,
)

__all__ = [
    "CURRENT_VERSION", "FORMAT_NAME", "MIGRATIONS", "FileFormatError", "dumps_graph_dict",
    "graph_from_dict", "graph_to_dict", "load_graph", "parse_graph_json", "save_graph",
]
