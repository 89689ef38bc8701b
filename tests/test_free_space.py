"""Free space for new nodes: the nearest shift that covers nothing, nothing when nothing is in the way."""
from engine.free_space import free_offset


def test_nothing_in_the_way_means_no_shift():
    assert free_offset([(500, 500, 600, 600)], [(0, 0, 100, 100)]) == (0.0, 0.0)


def test_a_box_over_another_moves_just_clear_of_it_with_the_gap():
    dx, dy = free_offset([(0, 0, 100, 100)], [(10, 0, 110, 100)], step=10, gap=20)
    moved = (10 + dx, 0 + dy, 110 + dx, 100 + dy)
    assert moved[0] >= 120 or moved[2] <= -20 or moved[1] >= 120 or moved[3] <= -20
    assert abs(dx) + abs(dy) <= 130  # the nearest such place, not just any


def test_a_group_moves_together_past_every_box():
    occupied = [(0, 0, 100, 100), (150, 0, 250, 100)]
    group = [(0, 0, 100, 100), (150, 0, 250, 100)]  # a pasted copy right over its originals
    dx, dy = free_offset(occupied, group, step=20, gap=10)
    assert (dx, dy) != (0, 0)
    for left, top, right, bottom in group:
        for box in occupied:
            assert not (left + dx < box[2] + 10 and box[0] < right + dx + 10 and top + dy < box[3] + 10
                        and box[1] < bottom + dy + 10)
