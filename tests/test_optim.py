"""Optimizers: hand-computed first steps, loss goes down, sparse == dense, lr changes, bad settings."""
import numpy as np
import pytest

from engine.compiled import SparseRows
from engine.errors import EngineError
from engine.optim import Adam, Momentum, OptimizerError, SGD, grad_norm, make_optimizer


def one_step(opt, value, grad, node_id="θ"):
    params = {node_id: np.array(value, dtype=np.float64)}
    opt.step(params, {node_id: np.array(grad, dtype=np.float64)})
    return params[node_id]


def test_sgd_first_step_is_the_slides_rule():
    # Θ ← Θ − α∇Θ with α = 0.1
    assert one_step(SGD(0.1), [1.0, 2.0], [0.5, -1.0]) == pytest.approx([0.95, 2.1])


def test_sgd_weight_decay_adds_lambda_theta_to_the_gradient():
    # Θ − α(g + λΘ) = [1, 2] − 0.1·([0.5, −1] + 0.5·[1, 2]) = [0.9, 2.0]
    assert one_step(SGD(0.1, weight_decay=0.5), [1.0, 2.0], [0.5, -1.0]) == pytest.approx([0.9, 2.0])


def test_momentum_first_two_steps_by_hand():
    opt = Momentum(0.1, momentum=0.5)
    params = {"θ": np.array([1.0])}
    opt.step(params, {"θ": np.array([2.0])})  # v = 2, Θ = 1 − 0.2
    assert params["θ"] == pytest.approx([0.8])
    opt.step(params, {"θ": np.array([1.0])})  # v = 0.5·2 + 1 = 2, Θ = 0.8 − 0.2
    assert params["θ"] == pytest.approx([0.6])


def test_adam_first_step_moves_each_entry_by_about_lr():
    # after bias correction m̂ = g and v̂ = g², so the step is α·g/(|g| + ε) ≈ α·sign(g)
    out = one_step(Adam(0.01), [1.0, 2.0, 3.0], [0.5, -40.0, 1e-3])
    expected = np.array([1.0, 2.0, 3.0]) - 0.01 * np.array([0.5, -40.0, 1e-3]) / (np.abs([0.5, -40.0, 1e-3]) + 1e-8)
    assert out == pytest.approx(expected, rel=1e-12)
    assert out == pytest.approx([0.99, 2.01, 2.99], abs=1e-6)


def test_adam_second_step_uses_bias_corrected_moments():
    opt = Adam(0.1, beta1=0.5, beta2=0.5, eps=1e-12)
    params = {"θ": np.array([0.0])}
    opt.step(params, {"θ": np.array([1.0])})
    opt.step(params, {"θ": np.array([3.0])})
    m = 0.5 * (0.5 * 1.0) + 0.5 * 3.0  # 1.75
    v = 0.5 * (0.5 * 1.0) + 0.5 * 9.0  # 4.75
    step2 = 0.1 * (m / 0.75) / np.sqrt(v / 0.75)
    assert params["θ"] == pytest.approx([-0.1 - step2])


@pytest.mark.parametrize("name,lr", [("sgd", 0.1), ("momentum", 0.05), ("adam", 0.1)])
def test_each_optimizer_reduces_a_quadratic_loss(name, lr):
    # f(Θ) = ½‖AΘ − c‖², gradient Aᵀ(AΘ − c)
    rng = np.random.default_rng(0)
    a, c = rng.normal(size=(5, 3)), rng.normal(size=5)
    loss = lambda t: 0.5 * float(np.sum((a @ t - c) ** 2))  # noqa: E731
    opt = make_optimizer(name, lr)
    params = {"θ": np.zeros(3)}
    start = loss(params["θ"])
    for _ in range(200):
        opt.step(params, {"θ": a.T @ (a @ params["θ"] - c)})
    best = loss(np.linalg.lstsq(a, c, rcond=None)[0])
    assert loss(params["θ"]) < start
    assert loss(params["θ"]) - best < 0.05 * (start - best)


def sparse_grad(seed=0):
    rng = np.random.default_rng(seed)
    rows = np.array([4, 0, 4, 2, 4, 0])  # repeated rows must add up
    return SparseRows(rows, rng.normal(size=(len(rows), 3)), (7, 3))


@pytest.mark.parametrize("name,kw", [("sgd", {}), ("sgd", {"weight_decay": 0.1}), ("momentum", {}), ("adam", {})])
def test_sparse_and_dense_gradients_give_identical_parameters(name, kw):
    start = np.random.default_rng(1).normal(size=(7, 3))
    sparse_opt, dense_opt = make_optimizer(name, 0.3, **kw), make_optimizer(name, 0.3, **kw)
    a, b = {"E": start.copy()}, {"E": start.copy()}
    for seed in range(3):
        grad = sparse_grad(seed)
        sparse_opt.step(a, {"E": grad})
        dense_opt.step(b, {"E": grad.to_dense()})
    assert np.array_equal(a["E"], b["E"])
    assert not np.array_equal(a["E"], start)


def test_sgd_with_sparse_rows_changes_only_those_rows():
    start = np.ones((7, 3))
    params = {"E": start.copy()}
    opt = SGD(0.5)
    grad = sparse_grad()
    assert list(opt.touched_rows(grad)) == [0, 2, 4]
    opt.step(params, {"E": grad})
    changed = np.flatnonzero(np.any(params["E"] != start, axis=1))
    assert list(changed) == [0, 2, 4]


def test_touched_rows_is_all_when_the_update_is_dense():
    assert SGD(0.1, weight_decay=0.1).touched_rows(sparse_grad()) is None
    assert Momentum(0.1).touched_rows(sparse_grad()) is None
    assert SGD(0.1).touched_rows(np.ones((7, 3))) is None


def test_grad_norm_of_sparse_rows_sums_repeats_first():
    grad = sparse_grad()
    assert grad_norm(grad) == pytest.approx(np.linalg.norm(grad.to_dense()))


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_a_new_learning_rate_takes_effect_at_the_next_step(name):
    opt = make_optimizer(name, 0.1)
    params = {"θ": np.array([1.0])}
    opt.step(params, {"θ": np.array([1.0])})
    after_first = params["θ"].copy()
    opt.lr = 0.0001
    opt.step(params, {"θ": np.array([1.0])})
    moved = abs(float(params["θ"][0] - after_first[0]))
    # the second step is about 1000× smaller than the first one (0.1 for each optimizer here)
    assert 0 < moved < 0.01 * abs(1.0 - float(after_first[0]))


def test_state_is_kept_per_parameter_node_id():
    opt = Momentum(0.1)
    opt.step({"a": np.zeros(2), "b": np.zeros(3)}, {"a": np.ones(2), "b": np.ones(3)})
    assert set(opt.state) == {"a", "b"}
    assert opt.state["b"]["v"].shape == (3,)
    opt.reset("a")
    assert set(opt.state) == {"b"}


@pytest.mark.parametrize("call,word", [
    (lambda: make_optimizer("rmsprop", 0.1), "optimizer"),
    (lambda: make_optimizer("sgd", -1.0), "lr"),
    (lambda: make_optimizer("sgd", float("nan")), "lr"),
    (lambda: make_optimizer("sgd", 0.1, weight_decay=-1), "weight_decay"),
    (lambda: make_optimizer("sgd", 0.1, momentum=0.9), "momentum"),
    (lambda: make_optimizer("momentum", 0.1, momentum=1.5), "momentum"),
    (lambda: make_optimizer("adam", 0.1, beta2=1.0), "beta2"),
])
def test_bad_settings_raise_an_engine_error_naming_the_setting(call, word):
    with pytest.raises(OptimizerError, match=word) as info:
        call()
    assert isinstance(info.value, EngineError)


def test_setting_a_bad_lr_later_is_refused_and_keeps_the_old_one():
    opt = SGD(0.1)
    with pytest.raises(OptimizerError):
        opt.lr = 0
    assert opt.lr == 0.1
