"""A vector panel at the node's widest wraps its numbers into more rows instead of drawing past the node."""
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from engine.replay.panels import PanelContent  # noqa: E402
from graphviz_app.canvas.text import fonts_for  # noqa: E402
from graphviz_app.canvas.value_panel import build_panel, natural_width  # noqa: E402
from graphviz_app.theme import PROJECTOR  # noqa: E402

GRADIENT = PanelContent(np.array([[-0.0291, 0.0241, -0.00428, 0.00323]]), "#c0392b", prefix="∂L/∂(Wx) ")


def test_numbers_that_do_not_fit_the_width_wrap_inside_it(qapp):
    fonts = fonts_for(PROJECTOR)
    natural = natural_width(GRADIENT, PROJECTOR, fonts)
    one_row, one_row_height = build_panel(GRADIENT, PROJECTOR, fonts, natural)
    narrow = natural * 0.6  # as the MLP's Wx node is in presentation mode: capped below what the row needs
    picture, height = build_panel(GRADIENT, PROJECTOR, fonts, narrow)
    assert picture.boundingRect().right() <= narrow + 1
    assert height > one_row_height  # the fourth number went to a row of its own, not past the border
    assert one_row.boundingRect().right() <= natural + 1
