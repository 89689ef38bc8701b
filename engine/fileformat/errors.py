"""The one error type of graph files, and the limits a file must stay within."""
from __future__ import annotations

from ..errors import EngineError
from ..graph import MAX_NODES

FORMAT_NAME = "computation-graph-explorer"
CURRENT_VERSION = 2

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_JSON_VALUES = 2_000_000  # numbers, texts, lists and objects in one file: bounds parse time and memory
MAX_GRAPH_NODES = MAX_NODES
MAX_EDGES = 4 * MAX_NODES
MAX_REGIONS = 200
MAX_ARRAY_ENTRIES = 20_000_000  # one parameter array
MAX_TOTAL_ENTRIES = 25_000_000  # all parameter arrays of a graph together
MAX_ID_CHARS = 64
MAX_TEXT_CHARS = 20_000
MAX_DEPTH = 24  # nesting of lists/objects inside meta
MAX_INT_ATTR = 10_000_000  # sizes such as vocab_size; larger ones would exhaust memory when run
MAX_SEED = 2**32 - 1
MAX_COORD = 1e7


class FileFormatError(EngineError, ValueError):
    """A graph file cannot be read or written; the message starts with where in the file the problem is."""
