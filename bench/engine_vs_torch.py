"""Train-mode speed of our engine against PyTorch CPU eager, on the same models, data, batch and threads.

Run from the repository root (PyTorch is not a project dependency; install the CPU build first):

    .venv/bin/pip install torch==2.13.0
    .venv/bin/python bench/engine_vs_torch.py            # 15–30 s
    .venv/bin/python bench/engine_vs_torch.py --quick    # a few seconds, noisier

Each model line gives steps per second (one step = forward, backward and SGD update on one batch of 32, or
forward + backward for the scalar chain) for both sides and ours/torch: the medians of several interleaved
rounds, timed in process CPU time (both sides run on one thread, so on an idle machine this is wall time; on
a busy one it leaves out the time the process waits for a core). Both sides start from the same weights,
and the loss of the first batch is printed for both. The data are Zipf-distributed word ids (8–20 words,
padded to 20) with random labels. The last line is `min_ratio=X.XX`, the smallest ratio (targets: ≥ 1.5
for the two models, ≥ 3 for the scalar chain). Before it, the time of a full explain-mode trace of the
lecture MLP a = σ(Wx), b = σ(Va), c = σ(θᵀb) (target < 5 ms).
"""
from __future__ import annotations

import os

THREADS = 1
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)  # before numpy and torch load their thread pools

import argparse  # noqa: E402
from itertools import cycle  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine import Graph, explain  # noqa: E402
from engine.compiled import Plan  # noqa: E402

VOCAB, HIDDEN, CLASSES, BATCH, LENGTH = 5000, 64, 3, 32, 20
EMBED, FILTERS, WIDTH = 50, 100, 2
LR = 0.1


def connect_all(g: Graph, edges: list[tuple]) -> None:
    for src, dst, port in edges:
        g.connect(src.id, dst.id, port)


def bow_mlp() -> Graph:
    """ids → BagOfWords → ·W1 → +b1 → σ → ·W2 → +b2 → Softmax → CrossEntropy: the graph a student builds."""
    g = Graph()
    ids = g.add_node("Input", "ids", {"shape": [LENGTH], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": CLASSES})
    bag = g.add_node("BagOfWords", "f(x)", {"vocab_size": VOCAB})
    w1 = g.add_node("Parameter", "W1", {"shape": [VOCAB, HIDDEN], "seed": 1})
    b1 = g.add_node("Parameter", "b1", {"shape": [HIDDEN], "init": "zeros"})
    w2 = g.add_node("Parameter", "W2", {"shape": [HIDDEN, CLASSES], "seed": 2})
    b2 = g.add_node("Parameter", "b2", {"shape": [CLASSES], "init": "zeros"})
    mm1, add1, sig = g.add_node("MatMul", "xW1"), g.add_node("Add", "z1"), g.add_node("Sigmoid", "h")
    mm2, add2 = g.add_node("MatMul", "hW2"), g.add_node("Add", "s")
    soft, loss = g.add_node("Softmax", "p"), g.add_node("CrossEntropy", "L")
    connect_all(g, [(ids, bag, "ids"), (bag, mm1, "x"), (w1, mm1, "W"), (mm1, add1, "a"), (b1, add1, "b"),
                    (add1, sig, "x"), (sig, mm2, "x"), (w2, mm2, "W"), (mm2, add2, "a"), (b2, add2, "b"),
                    (add2, soft, "x"), (soft, loss, "p"), (y, loss, "y")])
    return g


def text_cnn() -> Graph:
    """ids → Embedding → SeqConv(width 2) → +b → σ → MaxPoolTime → ·W → +b → Softmax → CrossEntropy."""
    g = Graph()
    ids = g.add_node("Input", "ids", {"shape": [LENGTH], "batched": True, "dtype": "int"})
    y = g.add_node("Label", "y", {"classes": CLASSES})
    table = g.add_node("Parameter", "E", {"shape": [VOCAB, EMBED], "init": "normal", "scale": 0.1, "seed": 1})
    filters = g.add_node("Parameter", "Wc", {"shape": [WIDTH * EMBED, FILTERS], "seed": 2})
    bc = g.add_node("Parameter", "bc", {"shape": [FILTERS], "init": "zeros"})
    w = g.add_node("Parameter", "W", {"shape": [FILTERS, CLASSES], "seed": 3})
    b = g.add_node("Parameter", "b", {"shape": [CLASSES], "init": "zeros"})
    emb, conv = g.add_node("Embedding", "f(w)"), g.add_node("SeqConv", "conv", {"width": WIDTH})
    addc, act, pool = g.add_node("Add", "conv+b"), g.add_node("Sigmoid", "a_i"), g.add_node("MaxPoolTime", "a")
    mm, add, soft, loss = g.add_node("MatMul", "aW"), g.add_node("Add", "s"), g.add_node("Softmax", "p"), \
        g.add_node("CrossEntropy", "L")
    connect_all(g, [(ids, emb, "ids"), (table, emb, "E"), (emb, conv, "x"), (filters, conv, "W"),
                    (conv, addc, "a"), (bc, addc, "b"), (addc, act, "x"), (act, pool, "x"), (pool, mm, "x"),
                    (w, mm, "W"), (mm, add, "a"), (b, add, "b"), (add, soft, "x"), (soft, loss, "p"), (y, loss, "y")])
    return g


def scalar_chain() -> Graph:
    """Ten scalar ops of the log(w·x) family, with fan-out: r = (tanh(e^σ(log(w·x + b))·b)² − w)²."""
    g = Graph()
    x = g.add_node("Input", "x")
    w = g.add_node("Parameter", "w", {"init": "constant", "scale": 2.0})
    b = g.add_node("Parameter", "b", {"init": "constant", "scale": 0.5})
    ops = [("Multiply", "w·x"), ("Add", "w·x+b"), ("Log", "log"), ("Sigmoid", "σ"), ("Exp", "exp"),
           ("Multiply", "·b"), ("Tanh", "tanh"), ("Power", "²"), ("Subtract", "−w"), ("Multiply", "r")]
    n = [g.add_node(op, name) for op, name in ops]
    connect_all(g, [(w, n[0], "a"), (x, n[0], "b"), (n[0], n[1], "a"), (b, n[1], "b"), (n[1], n[2], "x"),
                    (n[2], n[3], "x"), (n[3], n[4], "x"), (n[4], n[5], "a"), (b, n[5], "b"), (n[5], n[6], "x"),
                    (n[6], n[7], "x"), (n[7], n[8], "a"), (w, n[8], "b"), (n[8], n[9], "a"), (n[8], n[9], "b")])
    return g


def lecture_mlp() -> Graph:
    """a = σ(Wx), b = σ(Va), c = σ(θᵀb) with a binary cross-entropy loss, as on the slides."""
    g = Graph()
    x = g.add_node("Input", "x", {"shape": [3], "batched": True})
    y = g.add_node("Input", "y", {"batched": True})
    w = g.add_node("Parameter", "W", {"shape": [3, 4], "init": "normal", "scale": 1.0, "seed": 0})
    v = g.add_node("Parameter", "V", {"shape": [4, 4], "init": "normal", "scale": 1.0, "seed": 1})
    t = g.add_node("Parameter", "θ", {"shape": [4], "init": "normal", "scale": 1.0, "seed": 2})
    wx, a, va, b = g.add_node("MatMul", "Wx"), g.add_node("Sigmoid", "a"), g.add_node("MatMul", "Va"), \
        g.add_node("Sigmoid", "b")
    tb, c, loss = g.add_node("Dot", "θᵀb"), g.add_node("Sigmoid", "c"), g.add_node("BinaryCrossEntropy", "L")
    connect_all(g, [(x, wx, "x"), (w, wx, "W"), (wx, a, "x"), (a, va, "x"), (v, va, "W"), (va, b, "x"),
                    (t, tb, "θ"), (b, tb, "x"), (tb, c, "x"), (c, loss, "p"), (y, loss, "y")])
    return g


def token_batches(count: int, seed: int = 0) -> list[dict[str, np.ndarray]]:
    """Zipf-distributed word ids (like real text), 8–20 words per example padded with 0, and random labels."""
    rng = np.random.default_rng(seed)
    words = np.arange(2, VOCAB)
    freq = 1.0 / np.arange(1, words.size + 1)
    batches = []
    for _ in range(count):
        ids = rng.choice(words, size=(BATCH, LENGTH), p=freq / freq.sum())
        lengths = rng.integers(8, LENGTH + 1, size=BATCH)
        ids[np.arange(LENGTH)[None, :] >= lengths[:, None]] = 0
        batches.append({"ids": ids, "y": rng.integers(0, CLASSES, size=BATCH)})
    return batches


def param(g: Graph, name: str) -> np.ndarray:
    return g.find(name).value


def torch_bow(torch, g: Graph, batches: list[dict]):
    """nn.Linear on dense count vectors (counted once, before timing), σ, nn.Linear, cross_entropy, SGD."""
    nn = torch.nn
    model = nn.Sequential(nn.Linear(VOCAB, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, CLASSES))
    with torch.no_grad():
        for layer, w, b in ((model[0], "W1", "b1"), (model[2], "W2", "b2")):
            layer.weight.copy_(torch.from_numpy(param(g, w).T.copy()))
            layer.bias.copy_(torch.from_numpy(param(g, b)))
    data = []
    for batch in batches:
        counts = np.zeros((BATCH, VOCAB), dtype=np.float32)
        for row, ids in enumerate(batch["ids"]):
            np.add.at(counts[row], ids[ids != 0], 1.0)
        data.append((torch.from_numpy(counts), torch.from_numpy(batch["y"])))
    return model, data, lambda x: model(x)


def torch_cnn(torch, g: Graph, batches: list[dict]):
    """nn.Embedding(padding_idx=0) → Conv1d(50, 100, 2) → σ → max over time → nn.Linear, cross_entropy, SGD."""
    nn = torch.nn

    class TextCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, EMBED, padding_idx=0)
            self.conv = nn.Conv1d(EMBED, FILTERS, WIDTH)
            self.out = nn.Linear(FILTERS, CLASSES)

        def forward(self, ids):
            a = torch.sigmoid(self.conv(self.embed(ids).transpose(1, 2)))
            return self.out(a.max(dim=2).values)

    model = TextCNN()
    table = param(g, "E").copy()
    table[0] = 0.0  # our Embedding gives zeros for padding whatever row 0 holds; torch zeroes row 0
    filters = param(g, "Wc").reshape(WIDTH, EMBED, FILTERS).transpose(2, 1, 0)  # rows of Wc are [f(w_i); f(w_i+1)]
    with torch.no_grad():
        model.embed.weight.copy_(torch.from_numpy(table))
        model.conv.weight.copy_(torch.from_numpy(filters.copy()))
        model.conv.bias.copy_(torch.from_numpy(param(g, "bc")))
        model.out.weight.copy_(torch.from_numpy(param(g, "W").T.copy()))
        model.out.bias.copy_(torch.from_numpy(param(g, "b")))
    data = [(torch.from_numpy(b["ids"]), torch.from_numpy(b["y"])) for b in batches]
    return model, data, lambda ids: model(ids)


def engine_step(g: Graph, feeds: list[dict]):
    """One SGD step of our train mode: loss_and_grads, then the in-place (sparse where possible) update."""
    plan = Plan(g)
    batches = cycle(feeds).__next__

    def step():
        plan.apply_sgd(plan.loss_and_grads(batches())[1], LR)
    return step


def torch_step(torch, model, data, forward):
    """One SGD step of the torch model."""
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    batches = cycle(data).__next__
    cross_entropy = torch.nn.functional.cross_entropy

    def step():
        x, y = batches()
        opt.zero_grad(set_to_none=True)
        cross_entropy(forward(x), y).backward()
        opt.step()
    return step


def torch_scalar(torch):
    """The scalar chain on 0-d tensors with requires_grad, then .backward()."""
    x = torch.tensor(3.0)
    w, b = torch.tensor(2.0, requires_grad=True), torch.tensor(0.5, requires_grad=True)

    def loss():
        q = torch.tanh(torch.exp(torch.sigmoid(torch.log(w * x + b))) * b) ** 2 - w
        return q * q

    def step():
        w.grad = b.grad = None
        loss().backward()
    return loss, step


def rate(step, steps: int) -> float:
    """Steps per second of this process's CPU time: on a shared machine, time spent descheduled is not ours."""
    start = time.process_time()
    for _ in range(steps):
        step()
    return steps / (time.process_time() - start)


def race(ours, theirs, steps: int, rounds: int) -> tuple[float, float]:
    """Median steps/s of each side over interleaved rounds (interleaving spreads a busy machine's noise)."""
    rate(ours, max(1, steps // 4))
    rate(theirs, max(1, steps // 4))
    a, b = [], []
    for _ in range(rounds):
        a.append(rate(ours, steps))
        b.append(rate(theirs, steps))
    return statistics.median(a), statistics.median(b)


def explain_ms(rounds: int) -> tuple[float, float]:
    """Median ms of explain() with the SGD step for the lecture MLP, without and with every local Jacobian."""
    g = lecture_mlp()
    feeds = {"x": np.array([[1.0, -2.0, 0.5]]), "y": np.array([1.0])}
    plain, full = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        trace = explain(g, feeds, lr=0.1)
        middle = time.perf_counter()
        for edge in trace.steps_of("backward"):
            edge.local_jacobian()
        plain.append(middle - start)
        full.append(time.perf_counter() - start)
    return 1e3 * statistics.median(plain), 1e3 * statistics.median(full)


def torch_loss(torch, forward, data) -> float:
    with torch.no_grad():
        x, y = data[0]
        return float(torch.nn.functional.cross_entropy(forward(x), y))


MODELS = [
    ("bow_mlp", bow_mlp, torch_bow, 400,
     "ids → BagOfWords → MatMul W1 → Add → Sigmoid → MatMul → Add → Softmax → CrossEntropy, compiled to a "
     "sparse embedding-bag (row-sparse ∂W1) and a fused softmax-cross-entropy",
     "dense nn.Linear(5000, 64) on count vectors made before timing, sigmoid, Linear, cross_entropy"),
    ("text_cnn", text_cnn, torch_cnn, 100,
     "ids → Embedding → SeqConv → Add → Sigmoid → MaxPoolTime → MatMul → Add → Softmax → CrossEntropy, "
     "compiled to one kernel up to the max (each distinct word through the filters once, max before σ, "
     "backward through the winners only, row-sparse ∂E)",
     "nn.Embedding(padding_idx=0) → Conv1d(50, 100, 2) → sigmoid → max over time → Linear, cross_entropy"),
]


def race_models(torch, scale: int, rounds: int) -> list[tuple[str, float, float]]:
    """Build each model on both sides from the same weights, check the first loss agrees, then time them."""
    results = []
    feeds = token_batches(50)
    for label, build, make_torch, steps, ours_does, torch_does in MODELS:
        g = build()
        model, data, forward = make_torch(torch, g, feeds)
        ours_first, theirs_first = Plan(g).loss_and_grads(feeds[0])[0], torch_loss(torch, forward, data)
        print(f"{label}: ours: {ours_does}\n{label}: torch: {torch_does}\n"
              f"{label}: first-batch loss ours {ours_first:.6f}, torch {theirs_first:.6f}")
        ours, theirs = race(engine_step(g, feeds), torch_step(torch, model, data, forward), steps // scale, rounds)
        results.append((label, ours, theirs))
    return results


def race_scalar(torch, scale: int, rounds: int) -> tuple[str, float, float]:
    """The scalar chain: our loss_and_grads against torch's forward and .backward()."""
    plan, (loss, step) = Plan(scalar_chain()), torch_scalar(torch)
    print("scalar_chain: ours: 10 scalar ops, loss_and_grads (runs on Python floats); torch: 0-d tensors with "
          f"requires_grad, .backward()\nscalar_chain: loss ours {plan.loss_and_grads({'x': 3.0})[0]:.6f}, "
          f"torch {loss().item():.6f}")
    ours, theirs = race(lambda: plan.loss_and_grads({"x": 3.0}), step, 4000 // scale, rounds)
    return "scalar_chain", ours, theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and rounds (noisier)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("skipped: PyTorch is not installed (.venv/bin/pip install torch==2.13.0, a CPU build)")
        return 0
    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(THREADS)
    scale, rounds = (4, 3) if args.quick else (1, 7)
    print(f"threads={THREADS} numpy {np.__version__} torch {torch.__version__}; ours runs float64, torch float32 "
          "(its default); a step is forward + backward + SGD on a batch of 32, steps/s in process CPU time")
    results = race_models(torch, scale, rounds) + [race_scalar(torch, scale, rounds)]
    for label, ours, theirs in results:
        print(f"{label}: ours {ours:9.1f} steps/s  torch {theirs:9.1f} steps/s  ratio {ours / theirs:5.2f}")
    plain, full = explain_ms(200 // scale)
    print(f"explain_lecture_mlp: {plain:.2f} ms per trace (forward, backward, SGD step), "
          f"{full:.2f} ms with every local Jacobian (target < 5 ms)")
    print(f"min_ratio={min(ours / theirs for _, ours, theirs in results):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
