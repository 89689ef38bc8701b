"""Upgrading older files step by step: MIGRATIONS[v] turns a version-v dict into a version v+1 dict.

A migration may change what a newer version no longer allows (a title cut to the title rule); it then adds a
note saying what it changed, which the loader passes on to the user like its other notes.
"""
from __future__ import annotations

from typing import Any, Callable

from ..names import MAX_TITLE_CHARS, shown, title_problem
from .blocks import block_entry, read_block
from .checks import expect_dict, fail, kind_of
from .errors import CURRENT_VERSION, FORMAT_NAME, FileFormatError

VERSION_1_TITLE_CHARS = 200  # version 1 read region titles of up to 200 characters, of any characters
UNTITLED = "group"


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


def migrate_0_to_1(d: dict, notes: list[str]) -> dict:
    """Version 0 (early drafts) called op "type", kept x and y apart, and said links/weights/groups."""
    del notes  # nothing of version 0 is refused by version 1
    out = _rename(_rename(_rename(d, "links", "edges"), "weights", "params"), "groups", "regions")
    if isinstance(out.get("nodes"), list):
        out["nodes"] = [_node_0_to_1(n) for n in out["nodes"]]
    if isinstance(out.get("edges"), list):
        out["edges"] = [_edge_0_to_1(e) for e in out["edges"]]
    out["version"] = 1
    return out


def migrate_1_to_2(d: dict, notes: list[str]) -> dict:
    """Version 1 kept blocks in a side table, meta.blocks = {region id: {kind, collapsed}}; version 2 keeps each
    on its region as "block". Version 2 also holds region titles to the title rule (one printable line of at
    most 80 characters), so a longer or unprintable version-1 title is cleaned, with a note."""
    out = dict(d)
    if isinstance(out.get("regions"), list):
        out["regions"] = [_region_1_to_2(r, f"regions[{k}]", notes) for k, r in enumerate(out["regions"])]
    meta = out.get("meta")
    if isinstance(meta, dict) and "blocks" in meta:
        out["meta"] = {k: v for k, v in meta.items() if k != "blocks"}
        out["regions"] = _blocks_onto_regions(meta["blocks"], out.get("regions"))
    out["version"] = 2
    return out


def _region_1_to_2(region: Any, where: str, notes: list[str]) -> Any:
    if not isinstance(region, dict):
        return region  # the version-2 checks report it
    if "block" in region:
        raise fail(where, "unknown key 'block' (allowed: id, title, nodes, color); a version-1 file keeps "
                               "its blocks in meta.blocks")
    title = region.get("title")
    if not isinstance(title, str) or len(title) > VERSION_1_TITLE_CHARS or title_problem(title) is None:
        return region  # right as it is, or refused by version 1 already (the version-2 checks say why)
    clean = clean_title(title)
    notes.append(f"{where}.title: {title_problem(title)}; it is now {shown(clean, MAX_TITLE_CHARS)}")
    return {**region, "title": clean}


def clean_title(title: str) -> str:
    """`title` made to follow the title rule: unprintable characters become spaces, a long one is cut with "…"."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in title).split())
    if len(text) > MAX_TITLE_CHARS:
        text = text[:MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text if title_problem(text) is None else UNTITLED  # nothing visible was left


def _blocks_onto_regions(table: Any, regions: Any) -> Any:
    """Each entry of a version-1 meta.blocks table put on its region, checked where it was written."""
    if table is None:
        return regions
    if not expect_dict(table, "meta.blocks"):
        return regions
    moved = list(regions) if isinstance(regions, list) else []  # not a list: every block names a missing region
    index = {r["id"]: k for k, r in enumerate(moved) if isinstance(r, dict) and isinstance(r.get("id"), str)}
    for region_id, entry in table.items():
        where = f"meta.blocks.{shown(region_id)[1:-1]}"
        if region_id not in index:
            raise fail(where, f"there is no region {shown(region_id)} for this block (a block is a region of "
                              "the file)")
        k = index[region_id]
        moved[k] = {**moved[k], "block": block_entry(read_block(entry, where))}
    return moved


MIGRATIONS: dict[int, Callable[[dict, list[str]], dict]] = {0: migrate_0_to_1, 1: migrate_1_to_2}


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


def upgrade(d: Any, notes: list[str] | None = None) -> dict:
    """The file dict brought to the current version (a new dict; the argument is not changed).

    `notes` (when given) receives a line for each thing a migration had to change."""
    version = file_version(d)
    said: list[str] = []
    while version < CURRENT_VERSION:
        d = MIGRATIONS[version](d, said)
        version += 1
    if notes is not None:
        notes.extend(said)
    return d
