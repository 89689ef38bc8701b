"""The padding mask of max over time survives export: ONNX and PyTorch give the engine's numbers on padded rows."""
import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="ONNX export needs the optional onnx package")

from engine import forward  # noqa: E402
from engine.interop.errors import UnsupportedOnnxError  # noqa: E402
from engine.interop.onnx_export import graph_to_onnx  # noqa: E402
from engine.interop.onnx_import import import_onnx_model  # noqa: E402
from engine.interop.pytorch_export import pytorch_source  # noqa: E402
from test_onnx_export import assert_same_as_engine, text_cnn  # noqa: E402
from test_pytorch_export import assert_parity, needs_torch  # noqa: E402

# rows of 7 ids: all words, two words, one word (shorter than the window), none at all
PADDED = np.array([[3, 5, 2, 7, 4, 6, 2], [4, 2, 0, 0, 0, 0, 0], [5, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]])
FEEDS = {"x": PADDED, "y": np.array([0, 2, 1, 1])}


def masked_cnn():
    """test_onnx_export's text CNN with its max-pool reading the token ids."""
    g = text_cnn()
    g.connect(g.find("x").id, g.find("a").id, "ids")
    return g


def test_onnx_export_masks_padding_only_windows_like_the_engine():
    g, unmasked = masked_cnn(), text_cnn()
    _, got = assert_same_as_engine(g, FEEDS, extra_outputs=["a"])
    _, plain = assert_same_as_engine(unmasked, FEEDS, extra_outputs=["a"])
    assert not np.allclose(got["a"], plain["a"]), "the mask must change the pooled values, or this proves nothing"


@pytest.mark.parametrize("width", [1, 2, 3])
def test_an_exported_masked_pool_imports_back_as_a_max_pool_reading_the_ids(width):
    g = masked_cnn()
    g.set_attr(g.find("w·[f(w_{i−1}); f(w_i)]").id, "width", width)
    g.set_attr(g.find("w").id, "shape", [width * 4, 5])  # width · d rows
    imported = import_onnx_model(graph_to_onnx(g, dtype="float64"))
    pool = imported.find("a")
    assert imported.nodes[imported.incoming(pool.id)["ids"].src].name == "x"
    assert len(imported.nodes) == len(g.nodes)  # the mask's ONNX ops became the one edge again
    before, after = forward(g, FEEDS), forward(imported, FEEDS)
    for name in ("a", "L"):
        np.testing.assert_allclose(after[imported.find(name).id], before[g.find(name).id], rtol=1e-12)


def test_a_look_alike_mask_with_another_padding_id_is_not_taken_for_ours():
    model = graph_to_onnx(masked_cnn())
    pad_id = next(t for t in model.graph.initializer if t.name.endswith("/pad_id"))
    pad_id.CopyFrom(onnx.numpy_helper.from_array(np.array(3, dtype=np.int64), pad_id.name))
    with pytest.raises(UnsupportedOnnxError, match="Equal"):
        import_onnx_model(model)


def test_pytorch_source_passes_the_ids_to_the_max_over_time():
    assert "max_over_time(a_i, x)" in pytorch_source(masked_cnn())
    assert "max_over_time(a_i)" in pytorch_source(text_cnn())


@needs_torch
def test_pytorch_export_masks_padding_only_windows_like_the_engine(tmp_path):
    assert_parity(masked_cnn(), FEEDS, tmp_path)
