"""Examples on numbers and 2-D points: the chain rule, one neuron, the slides' MLP, a toy classifier."""
from __future__ import annotations

from ..data import DEFAULT_SPECS, prepare
from ..graph import Graph
from .builder import DECODER, ENCODER, HIDDEN, LOSS, GraphBuilder


def chain_rule() -> Graph:
    """b = log(w·x) with w = 2 and x = 3: the slide's chain-rule example with numbers on every edge."""
    g = GraphBuilder()
    g.add("Input", "x", shape=[], batched=False)
    g.add("Parameter", "w", shape=[], init="constant", scale=2.0)
    g.add("Multiply", "a", {"a": "w", "b": "x"})
    g.add("Log", "b", {"x": "a"})
    g.layout()
    return g.finish(
        [("a = f(x) = wx", ["x", "w", "a"], ENCODER), ("b = g(a) = log(a)", ["b"], DECODER)],
        {
            "title": "Chain rule: b = log(w·x)",
            "description": (
                "The chain rule on scalars, as on the slide: a = f(x) = w·x and b = g(a) = log(a), with "
                "w = 2 and x = 3, so a = 6 and b = log 6 ≈ 1.79. Going backward, the upstream gradient "
                "∂b/∂a = 1/a = 1/6 meets the local gradient ∂a/∂x = w = 2, and their product is "
                "∂b/∂x = 2 · 1/6 = 1/3, which is 1/x: the answer to the slide's question ∂log(wx)/∂x = ?. "
                "On the other edge, ∂b/∂w = x · 1/6 = 1/2 is the gradient a training step would use."
            ),
            "bindings": {"inputs": "x", "output": "b"},
            "sample": {"x": 3.0},
            "training": {"optimizer": "sgd", "lr": 0.1, "batch_size": 1, "epochs": 1, "seed": 0,
                         "weight_decay": 0.0},
        },
    )


def neuron() -> Graph:
    """A single neuron a = σ(θᵀx) scored with binary cross-entropy against a label y."""
    g = GraphBuilder()
    g.add("Input", "x", shape=[3], batched=False)
    g.add("Parameter", "θ", shape=[3], init="normal", scale=0.5, seed=0)
    g.add("Dot", "θᵀx", {"θ": "θ", "x": "x"})
    g.add("Sigmoid", "a", {"x": "θᵀx"})
    g.add("Label", "y", classes=2, batched=False)
    g.add("BinaryCrossEntropy", "L", {"p": "a", "y": "y"})
    g.set_value("θ", [0.5, -0.25, 1.0])
    g.layout()
    return g.finish(
        [("neuron a = σ(θᵀx)", ["x", "θ", "θᵀx", "a"], DECODER), ("loss", ["y", "L"], LOSS)],
        {
            "title": "A single neuron: a = σ(θᵀx)",
            "description": (
                "The artificial neuron of the slides in simplified notation: the weighted sum θᵀx of three "
                "inputs goes through the logistic function σ, giving a = σ(θᵀx) between 0 and 1, read as "
                "the probability of class 1. With x = (1, 2, −1) and θ = (0.5, −0.25, 1), θᵀx = −1 and "
                "a = σ(−1) ≈ 0.27; the label is y = 1, so the binary cross-entropy L = −log a ≈ 1.31. "
                "Backward, ∂L/∂θ = (a − y)·x: each weight moves in proportion to its input, and one SGD "
                "step raises a towards 1."
            ),
            "bindings": {"inputs": "x", "labels": "y", "output": "a"},
            "sample": {"x": [1.0, 2.0, -1.0], "y": 1},
            "training": {"optimizer": "sgd", "lr": 0.5, "batch_size": 1, "epochs": 1, "seed": 0,
                         "weight_decay": 0.0},
        },
    )


def _point_sample(spec: dict, rows: int = 4) -> dict:
    data = prepare(spec)
    return {"x": data.x_train[:rows].astype(float).tolist(), "y": data.y_train[:rows].tolist()}


def mlp() -> Graph:
    """The MLP of the forward/backward slide, a = σ(Wx), b = σ(Va), c = σ(θᵀb), trained on XOR."""
    spec = dict(DEFAULT_SPECS["xor"])
    g = GraphBuilder()
    g.add("Input", "x", shape=[2], batched=True)
    g.add("Parameter", "W", shape=[2, 4], seed=1)
    g.add("MatMul", "Wx", {"x": "x", "W": "W"})
    g.add("Sigmoid", "a", {"x": "Wx"})
    g.add("Parameter", "V", shape=[4, 4], seed=2)
    g.add("MatMul", "Va", {"x": "a", "W": "V"})
    g.add("Sigmoid", "b", {"x": "Va"})
    g.add("Parameter", "θ", shape=[4], seed=3)
    g.add("Dot", "θᵀb", {"θ": "θ", "x": "b"})
    g.add("Sigmoid", "c", {"x": "θᵀb"})
    g.add("Label", "y", classes=2)
    g.add("BinaryCrossEntropy", "L", {"p": "c", "y": "y"})
    g.layout()
    return g.finish(
        [("hidden a = σ(Wx)", ["x", "W", "Wx", "a"], ENCODER), ("hidden b = σ(Va)", ["V", "Va", "b"], HIDDEN),
         ("output c = σ(θᵀb)", ["θ", "θᵀb", "c"], DECODER), ("loss", ["y", "L"], LOSS)],
        {
            "title": "MLP: a = σ(Wx), b = σ(Va), c = σ(θᵀb)",
            "description": (
                "The network of the slide \"Forward and Backward Pass\": two hidden layers a = σ(Wx) and "
                "b = σ(Va), and one output c = σ(θᵀb), the probability that a point x ∈ ℝ² is in class 1. "
                "It is trained on XOR (class 1 where the two coordinates have opposite signs), which no "
                "single line can separate. Step through the backward pass to see ∂L/∂b, ∂L/∂a and ∂L/∂x "
                "built edge by edge, each as the local Jacobian times the upstream gradient."
            ),
            "dataset": spec,
            "bindings": {"inputs": "x", "labels": "y", "output": "c"},
            "sample": _point_sample(spec),
            "training": {"optimizer": "adam", "lr": 0.03, "batch_size": 16, "epochs": 100, "seed": 0,
                         "weight_decay": 0.0},
        },
    )


def toy_2d() -> Graph:
    """Two moons, 2 → 8 tanh → 2-class softmax: a small classifier whose decision boundary can be drawn."""
    spec = dict(DEFAULT_SPECS["moons"])
    g = GraphBuilder()
    g.add("Input", "x", shape=[2], batched=True)
    g.add("Parameter", "W", shape=[2, 8], seed=1)
    g.add("MatMul", "Wx", {"x": "x", "W": "W"})
    g.add("Parameter", "b₁", shape=[8], init="zeros")
    g.add("Add", "Wx + b₁", {"a": "Wx", "b": "b₁"})
    g.add("Tanh", "a", {"x": "Wx + b₁"})
    g.add("Parameter", "θ", shape=[8, 2], seed=2)
    g.add("MatMul", "θᵀa", {"x": "a", "W": "θ"})
    g.add("Parameter", "b₂", shape=[2], init="zeros")
    g.add("Add", "S", {"a": "θᵀa", "b": "b₂"})
    g.add("Softmax", "p", {"x": "S"})
    g.add("Label", "y", classes=2)
    g.add("CrossEntropy", "L", {"p": "p", "y": "y"})
    g.layout()
    return g.finish(
        [("encoder a = tanh(Wx + b₁)", ["x", "W", "Wx", "b₁", "Wx + b₁", "a"], ENCODER),
         ("decoder p = softmax(θᵀa + b₂)", ["θ", "θᵀa", "b₂", "S", "p"], DECODER), ("loss", ["y", "L"], LOSS)],
        {
            "title": "Two moons: a 2-D classifier",
            "description": (
                "Points in the plane from two interleaving half circles. A hidden layer of eight tanh units "
                "a = tanh(Wx + b₁) bends the space so that a linear softmax decoder p = softmax(θᵀa + b₂) can "
                "separate the moons. Train it and watch the decision boundary curve around the data: a "
                "linear classifier on x alone could only draw a straight line."
            ),
            "dataset": spec,
            "bindings": {"inputs": "x", "labels": "y", "output": "p"},
            "sample": _point_sample(spec),
            "training": {"optimizer": "adam", "lr": 0.1, "batch_size": 16, "epochs": 80, "seed": 0,
                         "weight_decay": 0.0},
        },
    )
