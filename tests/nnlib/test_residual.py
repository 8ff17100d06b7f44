"""Residual and GlobalAvgPool2D (chapter 11): values, finite differences, training modes, bad input."""
import numpy as np
import pytest
from oracles import assert_no_fp_issue

import nnlib
from nnlib import BatchNorm, Conv2D, Dense, Dropout, GlobalAvgPool2D, LayerNorm, ReLU, Residual, Sequential, Tanh


def _fd_check(layer, X, rtol=1e-7, seed=0):
    """Input and parameter gradients of ``layer`` against central differences of <u, layer(X)>."""
    u = np.random.default_rng(seed).standard_normal(layer.forward(X).shape)
    analytic = [layer.backward(u)] + [g.copy() for g in layer.gradients()]
    numeric = [nnlib.numerical_gradient(lambda x: np.sum(u * layer.forward(x)), X)]
    for p in layer.parameters():
        saved = p.copy()

        def f(value, p=p):
            p[...] = value
            return np.sum(u * layer.forward(X))
        numeric.append(nnlib.numerical_gradient(f, saved))
        p[...] = saved
    assert len(analytic) == len(layer.parameters()) + 1
    for a, n in zip(analytic, numeric):
        assert nnlib.relative_error(a, n) < rtol


def _dense_block(rng, n=4, h=6):
    return Sequential([Dense(n, h, rng=rng), Tanh(), Dense(h, n, rng=rng)])


def test_residual_adds_the_input():
    rng = np.random.default_rng(0)
    block = _dense_block(rng)
    X = rng.normal(size=(5, 4))
    np.testing.assert_array_equal(Residual(block).forward(X), X + block.forward(X))


@pytest.mark.parametrize("make, shape", [
    (lambda rng: Dense(4, 4, rng=rng), (5, 4)),
    (lambda rng: _dense_block(rng), (5, 4)),
    (lambda rng: Sequential([LayerNorm(4), Dense(4, 6, rng=rng), Tanh(), Dense(6, 4, rng=rng)]), (5, 4)),
    (lambda rng: Sequential([Conv2D(2, 3, 3, padding=1, rng=rng), Tanh(), BatchNorm(3),
                             Conv2D(3, 2, 3, padding=1, rng=rng)]), (2, 2, 4, 4)),
    (lambda rng: Residual(_dense_block(rng)), (3, 4)),
])
def test_residual_gradients_match_finite_differences(make, shape):
    rng = np.random.default_rng(1)
    _fd_check(Residual(make(rng)), rng.normal(size=shape))


def test_global_average_pooling_value_and_gradient():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(2, 3, 4, 5))
    pool = GlobalAvgPool2D()
    np.testing.assert_allclose(pool.forward(X), X.mean(axis=(2, 3)), rtol=1e-15)
    _fd_check(pool, X)
    dX = pool.backward(np.ones((2, 3)))
    assert dX.flags.writeable and dX.shape == X.shape     # later layers may update it in place
    np.testing.assert_allclose(dX, 1 / 20)
    assert pool.n_params == 0 and pool.parameters() == [] and pool.gradients() == []
    assert pool.backward(np.ones((2, 3)), need_input_grad=False) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extremes_are_finite_without_warnings(dtype):
    rng = np.random.default_rng(3)
    X = rng.uniform(-1e4, 1e4, (4, 2, 3, 3)).astype(dtype)
    pool = GlobalAvgPool2D()
    assert assert_no_fp_issue(pool.forward, X).dtype == dtype
    assert_no_fp_issue(pool.backward, np.full((4, 2), 1e4, dtype=dtype))
    res = Residual(Sequential([BatchNorm(2, dtype=dtype), ReLU()]))
    assert_no_fp_issue(res.forward, X)
    assert_no_fp_issue(res.backward, np.ones_like(X))


def test_parameters_are_the_blocks_own_arrays_and_input_grad_can_be_skipped():
    rng = np.random.default_rng(4)
    block = _dense_block(rng)
    res = Residual(block)
    assert all(a is b for a, b in zip(res.parameters(), block.parameters()))
    assert all(a is b for a, b in zip(res.gradients(), block.gradients()))
    assert res.n_params == block.n_params == 4 * 6 + 6 + 6 * 4 + 4
    X, dY = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    res.forward(X)
    full = res.backward(dY)
    grads = [g.copy() for g in res.gradients()]
    res.forward(X)
    assert res.backward(dY, need_input_grad=False) is None
    for a, b in zip(grads, res.gradients()):
        np.testing.assert_array_equal(a, b)
    assert full.shape == X.shape
    assert repr(res).startswith("Residual(")


def test_training_mode_reaches_the_layers_inside_nested_blocks():
    bn, drop, inner_bn = BatchNorm(3), Dropout(0.5, rng=0), BatchNorm(3)
    res = Residual(Sequential([bn, drop, Residual(inner_bn)]))
    assert res.training is True
    res.training = False
    assert (bn.training, drop.training, inner_bn.training) == (False, False, False)
    res.training = True
    assert (bn.training, drop.training, inner_bn.training) == (True, True, True)


def test_train_runs_a_residual_cnn_with_batch_norm_and_global_pooling():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 1, 6, 6))
    y = (X[:, 0, :3].mean(axis=(1, 2)) > X[:, 0, 3:].mean(axis=(1, 2))).astype(np.intp)
    inner = BatchNorm(4)
    model = Sequential([
        Conv2D(1, 4, 3, padding=1, rng=rng), BatchNorm(4), ReLU(),
        Residual(Sequential([Conv2D(4, 4, 3, padding=1, rng=rng), inner, ReLU(),
                             Conv2D(4, 4, 3, padding=1, rng=rng)])),
        ReLU(), GlobalAvgPool2D(), Dense(4, 2, rng=rng)])
    history = nnlib.train(model, X, y, loss="softmax_cross_entropy", optimizer=nnlib.SGD(lr=0.05, momentum=0.9),
                          epochs=15, batch_size=8, rng=0)
    assert inner.training is False                   # train's evaluation mode reached inside the block
    assert history.loss[-1] < 0.7 * history.loss[0]


def test_gradcheck_of_a_residual_network():
    rng = np.random.default_rng(6)
    model = Sequential([Dense(3, 4, rng=rng), Residual(Sequential([LayerNorm(4), Dense(4, 5, rng=rng), Tanh(),
                                                                   Dense(5, 4, rng=rng)])),
                        Residual(Dense(4, 4, rng=rng)), Dense(4, 2, rng=rng)])
    errors = nnlib.gradcheck(model, "softmax_cross_entropy", rng.normal(size=(6, 3)), rng.integers(0, 2, 6))
    assert max(errors) < 1e-7


def test_bad_input_gets_a_clear_error():
    rng = np.random.default_rng(7)
    with pytest.raises(TypeError, match="block must be a layer or Sequential"):
        Residual(np.ones(3))
    res = Residual(Dense(4, 3, rng=rng))
    with pytest.raises(ValueError, match="block must preserve the shape of its input"):
        res.forward(np.ones((2, 4)))
    res = Residual(Dense(4, 4, rng=rng))
    with pytest.raises(RuntimeError, match="forward before backward"):
        res.backward(np.ones((2, 4)))
    res.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="dY must have the shape of the last input"):
        res.backward(np.ones((3, 4)))
    pool = GlobalAvgPool2D()
    with pytest.raises(RuntimeError, match="forward before backward"):
        pool.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"X must be 4-dimensional \(m, C, H, W\)"):
        pool.forward(np.ones((2, 3, 4)))
    with pytest.raises(TypeError, match="X must be a real numeric array"):
        pool.forward("image")
    pool.forward(np.ones((2, 3, 4, 4)))
    with pytest.raises(ValueError, match=r"dY must have shape \(2, 3\)"):
        pool.backward(np.ones((2, 4)))
