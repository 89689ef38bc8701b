"""Where the lesson page writes each edge label of a frame: the engine's label placer (engine.placement), which
the canvas and `main.py render` use too, so no label covers a node, a port, a region title or another label,
and one moved off its edge gets a leader line back to it.

The page writes labels in its own font, larger in page units when it shows more of the graph (so they stay
readable); the sizes here estimate the text where labels are largest: the whole graph on a full-HD screen.
Zoomed in, labels are smaller on the page than estimated, so they only get more room.
"""
from __future__ import annotations

from typing import Any

from ..placement import EdgeLabel, LabelPlace, Point, Rect, cubic_points, place_labels

# the page's label font sizes: max(least, on_screen / scale) page units at `scale` screen pixels per unit
FOCUS_FONT, OTHER_FONT = (22.0, 26.0), (14.0, 15.0)  # (least, on screen): player-labels.js, showLabel
OVERVIEW = (1920.0, 558.0)  # screen pixels of the page's drawing at 1920×1080 (player.css)
CHAR_EM = 0.62  # average advance of a character of the page's monospace font, in ems
LINE_EM = 1.2  # line height, in ems
PAD_EM = 0.35  # room around the text inside the label's box (player-labels.js)
TITLE_PX = 16.0  # region titles (player.css), written above their box
PORT_RADIUS, GAP = 6.0, 4.0
ROOM = 0.08  # of the drawing's width and height, added on each side of the page for labels placed beside it

# [centre x, centre y, anchor x, anchor y, 1 if a leader line is drawn, 1 if it covers nothing (else it found
# no free room at the sizes estimated and goes where it covers least)]
Placed = list[float] | None


def label_size(text: str, px: float) -> tuple[float, float]:
    """Width and height of a label's box on the page for `text` written `px` high (one box per line)."""
    lines = text.split("\n")
    width = max(len(line) for line in lines) * CHAR_EM * px + 2 * PAD_EM * px
    height = len(lines) * LINE_EM * px + PAD_EM * px
    return width, height


def _curve_points(curve: list[float]) -> tuple[Point, Point, Point, Point]:
    """The four points of a Bézier curve written flat as x0, y0, x1, y1, x2, y2, x3, y3."""
    p0, c1, c2, p3 = (Point(curve[i], curve[i + 1]) for i in (0, 2, 4, 6))
    return p0, c1, c2, p3


class LabelPlacer:
    """The page's obstacles (nodes, ports, region titles) and edge curves, ready to place any frame's labels."""

    def __init__(self, layout: dict[str, Any]):
        x, y, w, h = layout["bounds"]
        self.bounds = [round(x - ROOM * w, 1), round(y - ROOM * h, 1), round((1 + 2 * ROOM) * w, 1),
                       round((1 + 2 * ROOM) * h, 1)]  # the page shows this much: labels go inside it
        bounds = self.bounds
        scale = min(OVERVIEW[0] / bounds[2], OVERVIEW[1] / bounds[3])
        self.focus_px, self.other_px = (max(least, screen / scale) for least, screen in (FOCUS_FONT, OTHER_FONT))
        self.paths = [cubic_points(*_curve_points(e["curve"])) for e in layout["edges"]]
        self.nodes = {n["id"]: Rect(n["x"], n["y"], n["w"], n["h"]) for n in layout["nodes"]}
        self.ports = {f"{n['id']}.{port}": Point(n["x"], y) for n in layout["nodes"] for port, y in n["ports"].items()}
        self.ports.update({f"{n['id']}.out": Point(n["x"] + n["w"], n["y"] + n["h"] / 2) for n in layout["nodes"]})
        self.keep_clear = {f"title {i}": Rect(r["x"], r["y"] - 1.6 * TITLE_PX,
                                              len(r["title"]) * CHAR_EM * TITLE_PX + 16, 1.6 * TITLE_PX)
                           for i, r in enumerate(layout["regions"])}
        self.keep_clear.update(_outside(bounds))
        self._cache: dict[tuple, list[Placed]] = {}

    def place(self, texts: list[str | None], focus: int | None) -> list[Placed]:
        """Per edge (page order), where its label goes in a frame showing `texts` (None: no label); the label of
        edge `focus` (the step's) is written larger and placed first."""
        key = (tuple(texts), focus)
        if key not in self._cache:
            self._cache[key] = self._place(texts, focus)
        return self._cache[key]

    def _place(self, texts: list[str | None], focus: int | None) -> list[Placed]:
        order = sorted((i for i, text in enumerate(texts) if text), key=lambda i: (i != focus, i))
        labels = []
        for i in order:
            width, height = label_size(str(texts[i]), self.focus_px if i == focus else self.other_px)
            labels.append(EdgeLabel(str(i), self.paths[i], width, height))
        out: list[Placed] = [None] * len(texts)
        for place in place_labels(labels, self.nodes, self.ports, PORT_RADIUS, GAP, self.keep_clear):
            out[int(place.key)] = _placed(place)
        return out


def _outside(bounds: list[float]) -> dict[str, Rect]:
    """Four wide bands around the page's bounds: a label placed there would be cut off."""
    x, y, w, h = bounds
    far = 10 * max(w, h)
    return {"above": Rect(x - far, y - far, w + 2 * far, far), "below": Rect(x - far, y + h, w + 2 * far, far),
            "left": Rect(x - far, y, far, h), "right": Rect(x + w, y, far, h)}


def _placed(place: LabelPlace) -> list[float]:
    centre = place.rect.centre
    return [round(centre.x, 1), round(centre.y, 1), round(place.anchor.x, 1), round(place.anchor.y, 1),
            1.0 if place.leader is not None else 0.0, 1.0 if place.ok else 0.0]
