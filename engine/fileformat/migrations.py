"""Upgrading older files step by step: MIGRATIONS[v] turns a version-v dict into a version v+1 dict."""
from __future__ import annotations

from typing import Any, Callable

from .checks import expect_dict, fail, kind_of
from .errors import CURRENT_VERSION, FORMAT_NAME, FileFormatError


def _rename(d: dict, old: str, new: str) -> dict:
    """A copy of d with key `old` called `new` (order kept); d is left as it is."""
    return {(new if k == old else k): v for k, v in d.items()}


def _node_0_to_1(node: Any) -> Any:
    if not isinstance(node, dict):
        return node  # the version-1 checks report it
    node = _rename(node, "type", "op")
    if "x" in node or "y" in node:
        node["pos"] = [node.pop("x", 0.0), node.pop("y", 0.0)]
    return node


def _edge_0_to_1(edge: Any) -> Any:
    if not isinstance(edge, dict):
        return edge
    return _rename(_rename(_rename(edge, "from", "src"), "to", "dst"), "input", "port")


def migrate_0_to_1(d: dict) -> dict:
    """Version 0 (early drafts) called op "type", kept x and y apart, and said links/weights/groups."""
    out = _rename(_rename(_rename(d, "links", "edges"), "weights", "params"), "groups", "regions")
    if isinstance(out.get("nodes"), list):
        out["nodes"] = [_node_0_to_1(n) for n in out["nodes"]]
    if isinstance(out.get("edges"), list):
        out["edges"] = [_edge_0_to_1(e) for e in out["edges"]]
    out["version"] = 1
    return out


MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: migrate_0_to_1}


def file_version(d: Any) -> int:
    """The format version of a parsed file, after checking that it is a graph file at all."""
    expect_dict(d, "file")
    name = d.get("format")
    if name != FORMAT_NAME:
        raise FileFormatError(f"format: this is not a Computation Graph Explorer file "
                              f"(expected \"format\": \"{FORMAT_NAME}\", got {kind_of(name)})")
    version = d.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise fail("version", f"expected a whole number ≥ 0, got {kind_of(version)}")
    if version > CURRENT_VERSION:
        shown = version if version < 10**9 else "a huge number"
        raise FileFormatError(f"version: this file was written by a newer version (format {shown}); "
                              f"this app reads up to {CURRENT_VERSION}")
    return version


def upgrade(d: Any) -> dict:
    """The file dict brought to the current version (a new dict; the argument is not changed)."""
    version = file_version(d)
    while version < CURRENT_VERSION:
        d = MIGRATIONS[version](d)
        version += 1
    return d
