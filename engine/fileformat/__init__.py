"""Graph files: versioned JSON with migrations, strict and bounded loading, atomic saving."""
from .arrays import INLINE_LIMIT, decode_array, encode_array
from .errors import CURRENT_VERSION, FORMAT_NAME, FileFormatError
from .files import load_graph, parse_graph_json, save_graph, write_text_atomic
from .migrations import MIGRATIONS, upgrade
from .reader import graph_from_dict
from .writer import dumps_graph_dict, graph_to_dict

__all__ = [
    "INLINE_LIMIT", "decode_array", "encode_array", "CURRENT_VERSION", "FORMAT_NAME", "FileFormatError",
    "load_graph", "parse_graph_json", "save_graph", "write_text_atomic", "MIGRATIONS", "upgrade",
    "graph_from_dict", "dumps_graph_dict", "graph_to_dict",
]
