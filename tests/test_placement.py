"""The edge-label placer: middle of the edge first, then along it, beside it, with a leader; never covering."""
import doctest
import math

from hypothesis import given, settings
from hypothesis import strategies as st

import engine.placement
from engine.placement import EdgeLabel, Point, Rect, cubic_points, place_labels

PORT_R = 5.0


def shared_area(a: Rect, b: Rect) -> float:
    """Written out again here (not the placer's own helper), so the check is independent."""
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return w * h if w > 0 and h > 0 else 0.0


def port_box(p: Point) -> Rect:
    return Rect(p.x - PORT_R, p.y - PORT_R, 2 * PORT_R, 2 * PORT_R)


def distance_to_path(p: Point, path) -> float:
    best = math.inf
    for a, b in zip(path, path[1:]):
        dx, dy = b.x - a.x, b.y - a.y
        f = max(0.0, min(1.0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy or 1.0)))
        best = min(best, math.hypot(a.x + f * dx - p.x, a.y + f * dy - p.y))
    return best


def horizontal(key="e", x0=0.0, x1=200.0, y=0.0, w=60.0, h=20.0) -> EdgeLabel:
    return EdgeLabel(key, (Point(x0, y), Point(x1, y)), w, h)


def test_the_docstring_example_holds():
    assert doctest.testmod(engine.placement).failed == 0


def test_a_label_with_room_sits_on_the_middle_of_its_edge():
    [place] = place_labels([horizontal()], nodes=[])
    assert place.how == "middle" and place.ok and place.leader is None
    assert (place.rect.centre.x, place.rect.centre.y) == (100.0, 0.0)


def test_a_label_blocked_at_the_middle_slides_along_the_edge():
    [place] = place_labels([horizontal(w=40)], nodes=[Rect(80, -5, 40, 10)])
    assert place.how == "along" and place.ok
    assert place.rect.centre.y == 0.0 and place.rect.centre.x != 100.0
    assert shared_area(place.rect, Rect(80, -5, 40, 10)) == 0


def test_a_label_blocked_along_the_whole_edge_moves_just_beside_it():
    block = Rect(-10, -3, 220, 6)  # a thin bar over the whole edge
    [place] = place_labels([horizontal()], nodes=[block])
    assert place.how == "beside" and place.ok and place.leader is None
    assert shared_area(place.rect, block) == 0
    assert distance_to_path(place.rect.centre, (Point(0, 0), Point(200, 0))) <= 20 + 2 * 4 + 1e-9


def test_a_crowded_edge_gets_a_leader_line_from_the_label_to_the_edge_middle():
    block = Rect(-50, -40, 300, 80)  # the edge and both sides of it are covered
    [place] = place_labels([horizontal()], nodes=[block])
    assert place.how == "leader" and place.ok
    assert shared_area(place.rect, block) == 0
    start, end = place.leader
    assert end == place.anchor == Point(100.0, 0.0)
    on_border = (start.x in (place.rect.x, place.rect.x + place.rect.w)
                 or start.y in (place.rect.y, place.rect.y + place.rect.h))
    assert on_border


def test_labels_of_one_edge_never_cover_each_other():
    labels = [horizontal(key=f"e{i}") for i in range(6)]
    places = place_labels(labels, nodes=[])
    assert all(p.ok for p in places)
    for i, a in enumerate(places):
        for b in places[i + 1:]:
            assert shared_area(a.rect, b.rect) == 0


def test_a_label_that_fits_nowhere_says_what_it_covers():
    wall = Rect(-5000, -5000, 10000, 10000)
    [place] = place_labels([horizontal()], nodes={"n7": wall})
    assert not place.ok and place.how == "overlap"
    assert place.covers == ("node n7",)


def test_ports_are_kept_clear():
    port = Point(100, 0)
    [place] = place_labels([horizontal()], nodes=[], ports=[port])
    assert place.ok and place.how != "middle"
    assert shared_area(place.rect, port_box(port)) == 0


def test_areas_to_keep_clear_are_avoided_like_nodes():
    title = Rect(70, -15, 60, 30)  # e.g. a region's title sitting on the edge's middle
    [place] = place_labels([horizontal(w=40)], nodes=[], keep_clear={"title r1": title})
    assert place.ok and place.how == "along" and shared_area(place.rect, title) == 0
    [forced] = place_labels([horizontal(w=40)], nodes=[], keep_clear={"title r1": Rect(-900, -900, 2000, 2000)})
    assert forced.covers == ("area title r1",)


def test_cubic_points_run_from_start_to_end():
    pts = cubic_points(Point(0, 0), Point(50, 0), Point(50, 100), Point(100, 100), steps=8)
    assert len(pts) == 9 and pts[0] == Point(0, 0) and pts[-1] == Point(100, 100)


@st.composite
def scenes(draw):
    """Random nodes (with a port on each side), edges between them as polylines, labels of random sizes."""
    count = draw(st.integers(2, 14))
    coord = st.floats(0, 900, allow_nan=False)
    nodes, ports = [], []
    for _ in range(count):
        x, y = draw(coord), draw(coord)
        w, h = draw(st.floats(40, 160)), draw(st.floats(30, 120))
        nodes.append(Rect(x, y, w, h))
        ports += [Point(x, y + h / 2), Point(x + w, y + h / 2)]
    labels = []
    for k in range(draw(st.integers(1, 20))):
        a, b = draw(st.integers(0, count - 1)), draw(st.integers(0, count - 1))
        start, end = ports[2 * a + 1], ports[2 * b]
        bend = Point(draw(coord), draw(coord))
        path = cubic_points(start, Point(start.x + 60, start.y), bend, end, steps=draw(st.integers(1, 12)))
        labels.append(EdgeLabel(f"e{k}", path, draw(st.floats(20, 260)), draw(st.floats(12, 60))))
    return nodes, ports, labels


@settings(max_examples=120, deadline=None)
@given(scenes())
def test_placed_labels_cover_no_node_port_or_label_and_the_rest_say_why(scene):
    nodes, ports, labels = scene
    places = place_labels(labels, nodes, ports, port_radius=PORT_R)
    assert [p.key for p in places] == [label.key for label in labels]
    for i, place in enumerate(places):
        label = labels[i]
        assert (place.rect.w, place.rect.h) == (label.width, label.height)
        covered = {f"node {k}" for k, r in enumerate(nodes) if shared_area(place.rect, r) > 0}
        covered |= {f"port {k}" for k, p in enumerate(ports) if shared_area(place.rect, port_box(p)) > 0}
        covered |= {f"label {o.key}" for o in places[:i] if shared_area(place.rect, o.rect) > 0}
        assert set(place.covers) == covered, place
        assert place.ok == (not covered)
        assert distance_to_path(place.anchor, label.path) < 1e-6  # the anchor is on the label's own edge
        if place.how == "leader":
            assert place.leader[1] == place.anchor
        else:
            assert place.leader is None
    # labels placed later never move onto earlier ones: earlier labels that were ok stay ok
    for i, place in enumerate(places):
        for later in places[i + 1:]:
            if later.ok:
                assert shared_area(place.rect, later.rect) == 0


@settings(max_examples=30, deadline=None)
@given(scenes())
def test_placement_is_deterministic(scene):
    nodes, ports, labels = scene
    assert place_labels(labels, nodes, ports) == place_labels(list(labels), list(nodes), list(ports))
