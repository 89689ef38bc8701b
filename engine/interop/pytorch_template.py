"""The fixed parts of the generated PyTorch file: header, module skeleton and training loop."""
from __future__ import annotations

HEADER = '''"""{title}: a PyTorch module exported from the Computation Graph Explorer.

{description}forward() mirrors the graph node by node, in topological order; each line names its node.
Parameter values are read from {weights} beside this file (numpy arrays, no pickle).
Running this file trains the model with the graph's settings on its dataset, loaded with the
explorer's engine.data.prepare: run it from the explorer's project folder or put that folder on
PYTHONPATH. The module alone needs only torch and numpy.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

DTYPE = torch.float64  # the explorer computes in float64; torch.float32 is faster and usually enough
WEIGHTS = Path(__file__).with_name({weights_literal})
'''


def model_code(title: str, declarations: list[str], signature: str, body: list[str]) -> str:
    """The Model class: parameters and buffers, loading their values, and forward()."""
    init = "\n".join(f"        {line}" for line in declarations) or "        pass"
    forward = "\n".join(f"        {line}" for line in body)
    return f'''

class Model(nn.Module):
    """{title}, as in the explorer: the same parameters, the same computation."""

    def __init__(self, weights: str | Path | None = WEIGHTS):
        super().__init__()
{init}
        if weights is not None:
            self.load_values(weights)

    def load_values(self, path: str | Path) -> None:
        """Copy every parameter and stored constant from the .npz file written with this module."""
        with np.load(path, allow_pickle=False) as values:
            for name, tensor in [*self.named_parameters(), *self.named_buffers()]:
                if name in values:
                    with torch.no_grad():
                        tensor.copy_(torch.as_tensor(values[name], dtype=DTYPE))

    def forward({signature}) -> dict[str, torch.Tensor]:
        """The graph's outputs by node name (the loss only when the labels are given)."""
{forward}
'''


TRAINING_CODE = '''

DATASET = {dataset}
TRAINING = {training}
LOSS, OUTPUT = {loss}, {output}
PROBABILITIES = {probabilities}  # the output holds probabilities rather than scores
EVAL_BATCH = 512


def make_optimizer(model: nn.Module) -> torch.optim.Optimizer:
    """The explorer's optimizer: SGD Θ ← Θ − α(∇Θ + λΘ), heavy-ball momentum, or Adam."""
    settings = TRAINING
    decay = settings["weight_decay"]
    if settings["optimizer"] == "adam":
        return torch.optim.Adam(model.parameters(), lr=settings["lr"], betas=(settings["beta1"], settings["beta2"]),
                                eps=settings["eps"], weight_decay=decay)
    momentum = settings["momentum"] if settings["optimizer"] == "momentum" else 0.0
    return torch.optim.SGD(model.parameters(), lr=settings["lr"], momentum=momentum, weight_decay=decay)


def feeds(x: np.ndarray, y: np.ndarray | None = None) -> dict[str, torch.Tensor | None]:
    """Keyword arguments of Model.forward for a batch of examples (and their labels)."""
    return {{"{x_arg}": torch.as_tensor(np.array(x), dtype={x_dtype}),
            "{y_arg}": None if y is None else torch.as_tensor(np.array(y), dtype={y_dtype})}}


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean loss and accuracy over a whole split with the current weights, as `main.py train` reports them."""
    total, hits = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(x), EVAL_BATCH):
            rows = slice(start, start + EVAL_BATCH)
            out = model(**feeds(x[rows], y[rows]))
            scores = out[OUTPUT]
            total += out[LOSS].item() * len(y[rows])  # the loss is a batch mean
            hits += int((({predict}).numpy() == y[rows]).sum())
    return total / max(1, len(x)), hits / max(1, len(x))


def train(model: nn.Module | None = None, epochs: int | None = None, verbose: bool = True) -> nn.Module:
    """Train as the explorer does: seeded shuffling each epoch, minibatches in that order, one step each."""
    try:
        from engine.data import prepare
    except ImportError:
        sys.exit("training needs the explorer's engine package: run from its project folder or set PYTHONPATH")
    data = prepare(DATASET)
    torch.manual_seed(TRAINING["seed"])
    model = model or Model()
    optimizer = make_optimizer(model)
    rng = np.random.default_rng(TRAINING["seed"])
    size = TRAINING["batch_size"]
    for epoch in range(1, (epochs or TRAINING["epochs"]) + 1):
        order = rng.permutation(len(data.y_train))
        for start in range(0, len(order), size):
            rows = order[start:start + size]
            loss = model(**feeds(data.x_train[rows], data.y_train[rows]))[LOSS]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if verbose:  # measured after the epoch on whole splits, as `main.py train` does (not a running mean)
            train_loss, train_acc = evaluate(model, data.x_train, data.y_train)
            test_loss, test_acc = evaluate(model, data.x_test, data.y_test)
            print(f"epoch {{epoch}}: train_loss={{train_loss:.4f}} train_acc={{train_acc:.4f}} "
                  f"test_loss={{test_loss:.4f}} test_acc={{test_acc:.4f}}")
    return model


if __name__ == "__main__":
    train()
'''
