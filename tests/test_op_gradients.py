"""Every registered op is gradient-checked against central differences, automatically."""
import numpy as np
import pytest

from engine import OPS
from engine.gradcheck import check_op

COMPUTED = sorted(name for name, op in OPS.items() if not op.is_source)
DIFFERENTIABLE = [n for n in COMPUTED if any(p.differentiable for p in OPS[n].inputs)]


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_vjp_matches_finite_differences(name):
    op = OPS[name]()
    rng = np.random.default_rng(0)
    cases = op.sample_inputs(rng)
    assert cases, f"{name} declares no gradient-check cases"
    for xs in cases:
        for port, error in check_op(op, xs, rng):
            shapes = [np.shape(x) for x in xs]
            assert error < 1e-6, f"{name} input {op.inputs[port].name} with shapes {shapes}: error {error:.2e}"


@pytest.mark.parametrize("name", COMPUTED)
def test_op_declares_what_the_palette_needs(name):
    op = OPS[name]
    assert op.description() and op.leibniz and op.category
    assert op.inputs, f"{name} has no input ports"


def test_only_integer_ports_are_not_differentiable():
    for name in COMPUTED:
        for port in OPS[name].inputs:
            assert port.differentiable or port.integer or name == "BinaryCrossEntropy", (name, port.name)


def test_broadcast_gradients_are_summed_back_to_the_input_shape():
    op = OPS["Add"]()
    a, b = np.ones((4, 3)), np.ones(3)
    out, ctx = op.forward(a, b)
    g = np.arange(12.0).reshape(4, 3)
    assert op.vjp(1, g, (a, b), out, ctx).tolist() == g.sum(axis=0).tolist()
    assert op.vjp(0, g, (a, b), out, ctx).shape == (4, 3)
