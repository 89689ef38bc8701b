"""One PyTorch expression per op, for the generated forward(); helpers are emitted only when used."""
from __future__ import annotations

from typing import Callable

from ..data.text import BIGRAM_MULTIPLIER
from ..graph import Node

Expr = Callable[[Node, list[str], list[tuple]], str]  # (node, argument names, input shapes)

HELPERS = {
    "windows": '''
def windows(x: torch.Tensor, width: int) -> torch.Tensor:
    """[x_i; …; x_(i+width−1)] for every position: (…, L, d) → (…, L − width + 1, width·d)."""
    return x.unfold(-2, width, 1).transpose(-1, -2).flatten(-2)
''',
    "bag_of_words": '''
def bag_of_words(ids: torch.Tensor, size: int) -> torch.Tensor:
    """How often each id occurs along the last axis; id 0 is padding and not counted."""
    counts = torch.zeros(*ids.shape[:-1], size, dtype=DTYPE)
    return counts.scatter_add_(-1, ids, (ids != 0).to(DTYPE))
''',
    "bag_of_bigrams": f'''
def bag_of_bigrams(ids: torch.Tensor, buckets: int) -> torch.Tensor:
    """Counts of neighbouring id pairs hashed into buckets, as the explorer's data layer hashes them."""
    prev, cur = ids[..., :-1], ids[..., 1:]
    bucket = (prev * {BIGRAM_MULTIPLIER} + cur) % buckets
    counts = torch.zeros(*ids.shape[:-1], buckets, dtype=DTYPE)
    return counts.scatter_add_(-1, bucket, ((prev != 0) & (cur != 0)).to(DTYPE))
''',
    "max_over_time": '''
def max_over_time(x: torch.Tensor, ids: torch.Tensor | None = None) -> torch.Tensor:
    """Max over the positions (axis −2); given the token ids, windows made only of padding (id 0) do not compete."""
    if ids is None:
        return x.max(dim=-2).values
    words = (ids != 0).unfold(-1, ids.shape[-1] - x.shape[-2] + 1, 1).any(-1)
    competes = words | ~words.any(-1, keepdim=True)  # a row without any word keeps every window
    return x.masked_fill(~competes.unsqueeze(-1), float("-inf")).max(dim=-2).values
''',
}


def _axis_arg(node: Node) -> str:
    axis = node.attrs["axis"]
    return "" if axis is None else f", dim={axis}"


def _reshape(node: Node, a: list[str], shapes: list[tuple]) -> str:
    shape = [str(n) for n in node.attrs["shape"]]
    if node.attrs["keep_batch"] and shapes[0]:
        return f"{a[0]}.reshape({', '.join([f'{a[0]}.shape[0]'] + shape)})"
    return f"{a[0]}.reshape(({', '.join(shape)}{',' if len(shape) == 1 else ''}))"


def _pick(scores: str, labels: str) -> str:
    return f"{scores}.gather(-1, {labels}.long().unsqueeze(-1)).squeeze(-1)"


EXPRESSIONS: dict[str, Expr] = {
    "Add": lambda n, a, s: f"{a[0]} + {a[1]}",
    "Subtract": lambda n, a, s: f"{a[0]} - {a[1]}",
    "Multiply": lambda n, a, s: f"{a[0]} * {a[1]}",
    "Divide": lambda n, a, s: f"{a[0]} / {a[1]}",
    "Negate": lambda n, a, s: f"-{a[0]}",
    "Power": lambda n, a, s: f"torch.pow({a[0]}, {n.attrs['exponent']!r})",
    "Exp": lambda n, a, s: f"torch.exp({a[0]})",
    "Log": lambda n, a, s: f"torch.log({a[0]})",
    "Sigmoid": lambda n, a, s: f"torch.sigmoid({a[0]})",
    "Tanh": lambda n, a, s: f"torch.tanh({a[0]})",
    "ReLU": lambda n, a, s: f"torch.relu({a[0]})",
    "Sum": lambda n, a, s: f"torch.sum({a[0]}{_axis_arg(n)})",
    "Mean": lambda n, a, s: f"torch.mean({a[0]}{_axis_arg(n)})",
    "MatMul": lambda n, a, s: f"{a[0]} @ {a[1]}",
    "Dot": lambda n, a, s: f"{a[1]} @ {a[0]}",
    "Transpose": lambda n, a, s: f"{a[0]}.transpose(-1, -2)",
    "Reshape": _reshape,
    "Concat": lambda n, a, s: f"torch.cat([{a[0]}, {a[1]}], dim={n.attrs['axis']})",
    "Softmax": lambda n, a, s: f"torch.softmax({a[0]}, dim={n.attrs['axis']})",
    "LogSoftmax": lambda n, a, s: f"torch.log_softmax({a[0]}, dim={n.attrs['axis']})",
    "CrossEntropy": lambda n, a, s: f"-torch.log({_pick(a[0], a[1])}).mean()",
    "SoftmaxCrossEntropy": lambda n, a, s: f"-{_pick(f'torch.log_softmax({a[0]}, dim=-1)', a[1])}.mean()",
    "BinaryCrossEntropy": lambda n, a, s: (f"-({a[1]} * torch.log({a[0]}) + (1 - {a[1]}) * torch.log(1 - {a[0]}))"
                                           ".mean()"),
    "MeanSquaredError": lambda n, a, s: f"(({a[0]} - {a[1]}) ** 2).mean()",
    "BagOfWords": lambda n, a, s: f"bag_of_words({a[0]}, {n.attrs['vocab_size']})",
    "BagOfBigrams": lambda n, a, s: f"bag_of_bigrams({a[0]}, {n.attrs['buckets']})",
    "Embedding": lambda n, a, s: f"{a[1]}[{a[0]}] * ({a[0]} != 0).unsqueeze(-1).to(DTYPE)",
    "Window": lambda n, a, s: f"windows({a[0]}, {n.attrs['width']})",
    "SeqConv": lambda n, a, s: f"windows({a[0]}, {n.attrs['width']}) @ {a[1]}",
    "MaxPoolTime": lambda n, a, s: f"max_over_time({', '.join(a)})",
}

NOTES = {"Embedding": "id 0 (padding) gives zeros", "MaxPoolTime": "only the winning position gets gradient",
         "SeqConv": "one filter bank shared by every window"}

USES_HELPER = {"BagOfWords": "bag_of_words", "BagOfBigrams": "bag_of_bigrams", "Window": "windows",
               "SeqConv": "windows", "MaxPoolTime": "max_over_time"}
