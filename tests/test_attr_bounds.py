"""An attribute's upper bound lives on its spec, so the file loader, the model and the editor refuse the same."""
import numpy as np
import pytest

from engine import Graph
from engine.errors import AttrError, EngineError
from engine.formula import formula_to_graph
from engine.ops.sources import INITIALISERS
from engine.registry import OPS, Attr

SCALE = OPS["Parameter"].spec("scale")


def test_the_init_scale_has_an_upper_bound_on_its_spec():
    assert SCALE.maximum is not None and SCALE.validate(SCALE.maximum) == SCALE.maximum
    with pytest.raises(AttrError, match=r"^expected a number ≤ 1e\+06, got 1e\+308$"):
        SCALE.validate(1e308)


def test_setting_a_huge_scale_is_refused_and_changes_nothing():
    g = Graph()
    w = g.add_node("Parameter", "W", {"shape": [3, 4], "init": "uniform"})
    before = w.value.copy()
    with pytest.raises(AttrError, match=r"Parameter 'W'\.scale: expected a number ≤ 1e\+06"):
        g.set_attr(w.id, "scale", 1e308)
    assert w.attrs["scale"] == 0.1
    np.testing.assert_array_equal(w.value, before)


def test_a_formula_with_a_huge_scale_is_refused():
    with pytest.raises(EngineError, match="≤ 1e"):
        formula_to_graph("x: R^3\nW: R^{3×2}, init=uniform, scale=1e308\nh = x W")


@pytest.mark.parametrize("init", INITIALISERS)
def test_every_initialiser_draws_finite_values_at_the_largest_scale(init):
    op = OPS["Parameter"]({"shape": [50, 40], "init": init, "scale": SCALE.maximum})
    assert np.all(np.isfinite(op.initial_value()))


def test_an_integer_attribute_can_have_an_upper_bound_too():
    width = Attr("width", "int", 2, minimum=1, maximum=8)
    assert width.validate(8) == 8
    with pytest.raises(AttrError, match=r"^expected an integer ≤ 8, got 9$"):
        width.validate(9)
