"""Text ops: features from token ids, embeddings, windows, convolution and max over time."""
from __future__ import annotations

import numpy as np

from .. import op_facts
from ..broadcast import fmt_shape
from ..errors import ShapeError
from ..registry import Attr, LocalRule, Op, Port, register

PAD_ID = 0  # same as engine.data.text.PAD_ID; token id 0 is padding everywhere


def check_ids(ids: np.ndarray, size: int, what: str) -> None:
    """ValueError naming the first token id outside 0..size−1 and where it is."""
    bad = np.argwhere((ids < 0) | (ids >= size))
    if bad.size:
        where = tuple(int(i) for i in bad[0])
        raise ValueError(f"token id {int(ids[where])} at position {list(where)} is outside {what} of {size} rows")


def _need_rank(shape, rank: int, name: str, what: str) -> None:
    if len(shape) < rank:
        raise ShapeError(f"{name} must be {what}, but is {fmt_shape(shape)}")


class Featurizer(Op):
    """Counts from token ids; ids are integers and carry no gradient."""

    category = "Text"
    output_kind = op_facts.OutputKind.COUNTS
    inputs = (Port("ids", "token ids, 0 = padding", differentiable=False, integer=True),)

    def infer(self, shapes, names):
        _need_rank(shapes[0], 1, names[0], "a sequence of token ids")
        return shapes[0][:-1] + (self.size(),)

    def size(self) -> int:
        """Length of the feature vector f(x)."""
        raise NotImplementedError

    def vjp(self, i, g, xs, out, ctx):
        raise TypeError("token ids are integers and have no gradient")

    def _count(self, index: np.ndarray, keep: np.ndarray, lead: tuple) -> np.ndarray:
        rows = np.broadcast_to(np.arange(int(np.prod(lead)))[:, None], index.reshape(-1, index.shape[-1]).shape)
        flat = rows.reshape(-1)[keep.reshape(-1)] * self.size() + index.reshape(-1)[keep.reshape(-1)]
        counts = np.bincount(flat, minlength=int(np.prod(lead)) * self.size())
        return counts.reshape(lead + (self.size(),)).astype(np.float64)


@register
class BagOfWords(Featurizer):
    """Bag of words f(x): how often each vocabulary word occurs (padding ignored)."""

    name = "BagOfWords"
    leibniz = "f(x)"
    attr_specs = (Attr("vocab_size", "int", 5000, "number of words in the vocabulary", minimum=2),)

    def size(self) -> int:
        return self.attrs["vocab_size"]

    def id_limit(self, port, shapes):
        return self.size()  # one count per word of the vocabulary

    def forward(self, ids):
        ids = np.asarray(ids, dtype=np.int64)
        check_ids(ids, self.size(), "the vocabulary")
        return self._count(ids, ids != PAD_ID, ids.shape[:-1]), None


@register
class BagOfBigrams(Featurizer):
    """Bag of bigrams f(x): counts of adjacent word pairs, hashed into a fixed number of buckets."""

    name = "BagOfBigrams"
    leibniz = "f₂(x)"
    attr_specs = (Attr("buckets", "int", 4096, "size of the hashed bigram feature vector", minimum=2),)

    def size(self) -> int:
        return self.attrs["buckets"]

    def forward(self, ids):
        from ..data.text import bigram_bucket  # the data layer owns the hash so both agree

        ids = np.asarray(ids, dtype=np.int64)
        prev, cur = ids[..., :-1], ids[..., 1:]
        index = bigram_bucket(prev, cur, self.size())
        return self._count(index, (prev != PAD_ID) & (cur != PAD_ID), ids.shape[:-1]), None


@register
class Embedding(Op):
    """Embedding lookup f(w): the row of table E for each token id (padding gives zeros)."""

    name = "Embedding"
    table_port = "E"
    positions = op_facts.Positions.TOKENS
    category = "Text"
    leibniz = "f(w)"
    local_rules = {"E": LocalRule("∂out_t/∂E_w = 1 where position t holds word w: row w of ∂L/∂E sums the "
                                  "gradients of the positions that hold it", ("ids",), "padding, id 0, gets nothing")}
    inputs = (Port("ids", "token ids, 0 = padding", differentiable=False, integer=True), Port("E", "table (vocab × d)"))

    def infer(self, shapes, names):
        if len(shapes[1]) != 2:
            raise ShapeError(f"{names[1]} must be a vocab × d matrix, but is {fmt_shape(shapes[1])}")
        return shapes[0] + (shapes[1][1],)

    def forward(self, ids, table):
        ids = np.asarray(ids, dtype=np.int64)
        check_ids(ids, table.shape[0], "the table")
        out = table[ids]
        out[ids == PAD_ID] = 0.0
        return out, None

    def vjp(self, i, g, xs, out, ctx):
        ids, table = xs
        grad = np.zeros_like(table, dtype=np.float64)
        keep = ids != PAD_ID
        # each row of E gets the sum of the gradients at the positions where its word occurs
        np.add.at(grad, ids[keep], g[keep])
        return grad

    def sample_inputs(self, rng):
        return [[rng.integers(0, 6, size=(2, 4)), rng.normal(size=(6, 3))]]

    def id_limit(self, port, shapes):
        table = shapes.get("E")
        return table[0] if port == "ids" and table else None  # one row of E per word


def windows(x: np.ndarray, width: int) -> np.ndarray:
    """[x_{i}; …; x_{i+width−1}] for every position: (…, L, d) → (…, L−width+1, width·d).

    ValueError in words when x has fewer than `width` positions (the caller names the node)."""
    if np.ndim(x) < 2:
        raise ValueError(f"a sequence of vectors (… × L × d) is needed, got {fmt_shape(np.shape(x))}")
    if x.shape[-2] < width:
        raise ValueError(f"{_positions(x.shape[-2])} fewer than the window width {width}")
    view = np.lib.stride_tricks.sliding_window_view(x, width, axis=-2)  # (…, T, d, w)
    view = np.swapaxes(view, -1, -2)  # (…, T, w, d): word order inside a window
    return view.reshape(view.shape[:-2] + (width * x.shape[-1],))


def unwindow(g: np.ndarray, width: int, shape: tuple) -> np.ndarray:
    """Adjoint of `windows`: add each window's gradient back onto the positions it read."""
    d, steps = shape[-1], g.shape[-2]
    out = np.zeros(shape, dtype=np.float64)
    for k in range(width):
        out[..., k:k + steps, :] += g[..., k * d:(k + 1) * d]
    return out


def _positions(count: int) -> str:
    return "1 position is" if count == 1 else f"{count} positions are"


def _window_shape(shape, width, name) -> tuple:
    _need_rank(shape, 2, name, "a sequence of vectors (… × L × d)")
    length, size = shape[-2], shape[-1]
    if length is None or size is None:
        # the batch axis B holds independent examples: windows across it would mix them
        axis = "positions L" if length is None else "vector size d"
        raise ShapeError(f"{name} is {fmt_shape(shape)}: its {axis} would be the batch axis B; "
                         "windows need a sequence of vectors (… × L × d), e.g. from an Embedding")
    if length < width:
        raise ShapeError(f"{name} has {length} positions, fewer than the window width {width}")
    return shape[:-2] + (length - width + 1, width * size)


@register
class Window(Op):
    """Window [f(w_{i−1}); f(w_i)]: concatenates each run of `width` neighbouring vectors."""

    name = "Window"
    positions = op_facts.Positions.WINDOWS
    category = "Text"
    leibniz = "[f(w_{i−1}); f(w_i)]"
    local_rules = {"x": LocalRule("∂out/∂x = 1 where a window copies a position, 0 elsewhere: each position "
                                  "sums the gradients of the windows it is in", ())}
    inputs = (Port("x", "sequence (… × L × d)"),)
    attr_specs = (Attr("width", "int", 2, "how many neighbouring words form a window", minimum=1),)
    grad_shapes = (((5, 3),), ((2, 4, 3),))

    def infer(self, shapes, names):
        return _window_shape(shapes[0], self.attrs["width"], names[0])

    def forward(self, x):
        return windows(x, self.attrs["width"]), None

    def vjp(self, i, g, xs, out, ctx):
        return unwindow(g, self.attrs["width"], np.shape(xs[0]))

    def window_width(self):
        return self.attrs["width"]


@register
class SeqConv(Op):
    """Convolution over a sequence: one shared filter bank W applied to every window."""

    name = "SeqConv"
    positions = op_facts.Positions.WINDOWS
    category = "Text"
    leibniz = "w·[f(w_{i−1}); f(w_i)]"
    local_rules = {
        "x": LocalRule("∂out_i/∂window_i = W for every window, and each position sums what its windows send back",
                       ("W",)),
        "W": LocalRule("∂out_i/∂W = window_i of x, so ∂L/∂W sums windowᵢᵀ · ∂L/∂out_i over the positions i",
                       ("x",)),
    }
    inputs = (Port("x", "sequence (… × L × d)"), Port("W", "filters (width·d × k)"))
    attr_specs = (Attr("width", "int", 2, "how many neighbouring words each filter sees", minimum=1),)
    grad_shapes = (((5, 3), (6, 4)), ((2, 4, 3), (6, 2)))

    def infer(self, shapes, names):
        win = _window_shape(shapes[0], self.attrs["width"], names[0])
        w = shapes[1]
        if len(w) != 2 or w[0] != win[-1]:
            raise ShapeError(f"{names[1]} must be {win[-1]}×k (width·d rows), but is {fmt_shape(w)}")
        return win[:-1] + (w[1],)

    def forward(self, x, w):
        win = windows(x, self.attrs["width"])
        return win @ w, win

    def vjp(self, i, g, xs, out, ctx):
        x, w = xs
        if i == 0:
            return unwindow(g @ w.T, self.attrs["width"], np.shape(x))
        return ctx.reshape(-1, w.shape[0]).T @ g.reshape(-1, w.shape[1])  # shared filters: sum over positions

    def window_width(self):
        return self.attrs["width"]


def competing_windows(ids: np.ndarray, steps: int) -> np.ndarray:
    """(…, T) True for the windows that may win a max over time: those holding at least one word.

    Window t reads ids[t : t + width] with width = L − T + 1. A row without any word (an empty headline) keeps
    every window, so its max is still the network's answer to "nothing" rather than undefined.
    """
    width = ids.shape[-1] - steps + 1
    if width < 1:
        raise ValueError(f"{ids.shape[-1]} token ids cannot cover {steps} positions")
    words = np.lib.stride_tricks.sliding_window_view(ids != PAD_ID, width, axis=-1).any(axis=-1)
    return np.asarray(words | ~words.any(axis=-1, keepdims=True))


def masked_argmax(x: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """argmax over axis −2 of x (… × T × k) among the positions where keep (… × T) is True (first on ties)."""
    return settle_on_competitors(np.argmax(np.where(keep[..., None], x, -np.inf), axis=-2), keep)


def settle_on_competitors(winner: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Winners (… × k) that landed on a masked window moved to the first competing one.

    With masked windows set to −inf that happens only when every competing value is −inf too (a tie).
    """
    kept = np.take_along_axis(keep, winner, axis=-1)
    if kept.all():
        return winner
    return np.where(kept, winner, np.argmax(keep, axis=-1)[..., None])


@register
class MaxPoolTime(Op):
    """Max over time a = maxᵢ aᵢ: the best position per feature; only the winner gets gradient."""

    name = "MaxPoolTime"
    has_winners = True
    category = "Text"
    leibniz = "maxᵢ aᵢ"
    local_rules = {"x": LocalRule("∂out/∂x = 1 at the winning position of each feature, 0 everywhere else", ())}
    inputs = (Port("x", "per-position features (… × T × k)"),
              Port("ids", "token ids (optional): windows made only of padding do not compete",
                   differentiable=False, integer=True, optional=True))
    grad_shapes = (((5, 3),), ((2, 4, 3),))

    def infer(self, shapes, names):
        _need_rank(shapes[0], 2, names[0], "a sequence (… × T × k)")
        if len(shapes) > 1:
            _check_mask_shape(shapes[0], shapes[1], names)
        return shapes[0][:-2] + shapes[0][-1:]

    def forward(self, x, ids=None):
        if ids is None:
            winner = np.argmax(x, axis=-2)
        else:
            ids = np.asarray(ids, dtype=np.int64)
            if ids.shape[:-1] != x.shape[:-2]:
                raise ValueError(f"token ids {ids.shape} do not match the sequences {x.shape}")
            winner = masked_argmax(x, competing_windows(ids, x.shape[-2]))
        return np.take_along_axis(x, winner[..., None, :], axis=-2)[..., 0, :], winner

    def vjp(self, i, g, xs, out, ctx):
        grad = np.zeros(np.shape(xs[0]))
        np.put_along_axis(grad, ctx[..., None, :], g[..., None, :], axis=-2)  # winner takes all
        return grad

    def explain(self, ctx):
        return {"winner": ctx}

    def sample_inputs(self, rng):
        cases = super().sample_inputs(rng)
        # with the mask, values rising over time, so that unmasked the padding windows would win: width 2 over
        # 5 ids (rows: two words then padding, one word, no word at all), and width 1 with leading padding
        rising = np.arange(4.0)[:, None]
        ids = np.array([[4, 2, 0, 0, 0], [3, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
        cases.append([rng.normal(size=(3, 4, 2)) + 3 * rising, ids])
        cases.append([rng.normal(size=(2, 3)) - 3 * rising[:2], np.array([0, 5])])
        return cases


def _check_mask_shape(x: tuple, ids: tuple, names: list[str]) -> None:
    """ShapeError unless ids are one row of token ids per sequence of x, at least as long as it."""
    steps, length = x[-2], ids[-1] if ids else None
    same_rows = len(ids) == len(x) - 1 and all(a is None or b is None or a == b for a, b in zip(ids[:-1], x[:-2]))
    if not same_rows or (steps is not None and length is not None and length < steps):
        raise ShapeError(f"{names[1]} ({fmt_shape(ids)}) must be the token ids of {names[0]} ({fmt_shape(x)}): "
                         "one row per sequence, with at least as many ids as positions")
