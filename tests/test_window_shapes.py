"""Window and SeqConv on sequences they cannot window: shape inference names the node, running gives our words."""
import numpy as np
import pytest

from engine import Graph, forward
from engine.compiled import Plan
from engine.errors import ExecutionError
from engine.shapes import infer_shapes

NUMPY_WORDS = "window shape cannot be larger"


def windowed(op="Window", shape=(3,), batched=True, transpose=False, width=2):
    """Input x → (Transpose) → Window or SeqConv 'w' (SeqConv with a Parameter W of fitting rows)."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": list(shape), "batched": batched})
    src = x
    if transpose:
        t = g.add_node("Transpose", "xᵀ")
        g.connect(x.id, t.id, "x")
        src = t
    w = g.add_node(op, "w", {"width": width})
    g.connect(src.id, w.id, "x")
    if op == "SeqConv":
        filters = g.add_node("Parameter", "W", {"shape": [width * shape[-1], 2]})
        g.connect(filters.id, w.id, "W")
    return g


@pytest.mark.parametrize("op", ["Window", "SeqConv"])
def test_a_batch_of_vectors_is_not_a_sequence(op):
    g = windowed(op)  # x is B×3: its positions axis would be the batch
    (message,) = infer_shapes(g).messages(g)
    assert message.startswith(f"{op} 'w': x is B×3: its positions L would be the batch axis B")


@pytest.mark.parametrize("op", ["Window", "SeqConv"])
def test_running_on_fewer_positions_than_the_width_says_so_in_our_words(op):
    g = windowed(op)
    with pytest.raises(ExecutionError) as caught:
        forward(g, {"x": np.ones((1, 3))})  # one example: one "position" for a window of 2
    assert str(caught.value) == f"{op} 'w': 1 position is fewer than the window width 2"
    assert NUMPY_WORDS not in str(caught.value) and caught.value.node_id == g.find("w").id


def test_the_compiled_path_says_the_same():
    g = windowed("Window", width=3)
    with pytest.raises(ExecutionError, match=r"^Window 'w': 2 positions are fewer than the window width 3$"):
        Plan(g, "w").outputs({"x": np.ones((2, 3))}, "w")


def test_an_unbatched_sequence_shorter_than_the_width_is_refused_by_shape_inference():
    g = windowed("Window", shape=(2, 4), batched=False, width=3)
    assert infer_shapes(g).messages(g) == ["Window 'w': x has 2 positions, fewer than the window width 3"]


def test_a_transposed_batch_gives_a_shape_error_not_a_type_error():
    g = windowed("Window", shape=(3,), transpose=True)  # B×3 → 3×B: the vector size d is the batch axis
    (message,) = infer_shapes(g).messages(g)
    assert message.startswith("Window 'w': xᵀ is 3×B: its vector size d would be the batch axis B")


def test_a_real_sequence_still_windows():
    g = windowed("Window", shape=(5, 3), width=2)
    report = infer_shapes(g)
    assert report.ok and report.shapes[g.find("w").id] == (None, 4, 6)
    out = forward(g, {"x": np.arange(30.0).reshape(2, 5, 3)})[g.find("w").id]
    np.testing.assert_array_equal(out[0, 0], [0, 1, 2, 3, 4, 5])
