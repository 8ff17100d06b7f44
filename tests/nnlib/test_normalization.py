"""BatchNorm and LayerNorm (chapter 11): PyTorch's numbers, SymPy, finite differences, extremes, bad input.

PyTorch is not a dependency: tests/nnlib/data/torch_norm_reference.npz holds its values,
gradients and running statistics for fixed inputs (written by
tools/torch_norm_reference.py), and these tests compare nnlib with it to 1e-10.
"""
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from oracles import assert_no_fp_issue

import nnlib
from nnlib import BatchNorm, LayerNorm, normalization

REFERENCE = np.load(Path(__file__).parent / "data" / "torch_norm_reference.npz")
TOL = dict(rtol=1e-10, atol=1e-10)


def _with_params(layer, prefix, rng=None):
    layer.gamma[...] = REFERENCE[prefix + "/gamma"]
    layer.beta[...] = REFERENCE[prefix + "/beta"]
    return layer


def _assert_step(layer, p):
    """Forward and backward of ``layer`` on the reference step ``p`` equal PyTorch's."""
    np.testing.assert_allclose(layer.forward(REFERENCE[p + "X"]), REFERENCE[p + "Y"], **TOL)
    np.testing.assert_allclose(layer.backward(REFERENCE[p + "dY"]), REFERENCE[p + "dX"], **TOL)
    np.testing.assert_allclose(layer.dgamma, REFERENCE[p + "dgamma"], **TOL)
    np.testing.assert_allclose(layer.dbeta, REFERENCE[p + "dbeta"], **TOL)


@pytest.mark.parametrize("case", ["bn1d", "bn1d_custom", "bn2d", "bn2d_custom"])
def test_batch_norm_equals_pytorch_in_both_modes_with_running_statistics(case):
    n = REFERENCE[case + "/gamma"].size
    layer = _with_params(BatchNorm(n, eps=float(REFERENCE[case + "/eps"]),
                                   momentum=float(REFERENCE[case + "/momentum"])), case)
    for step in range(3):
        p = f"{case}/train{step}/"
        _assert_step(layer, p)
        np.testing.assert_allclose(layer.running_mean, REFERENCE[p + "running_mean"], **TOL)
        np.testing.assert_allclose(layer.running_var, REFERENCE[p + "running_var"], **TOL)
    layer.training = False
    _assert_step(layer, case + "/eval/")


@pytest.mark.parametrize("case", ["ln2d", "ln3d"])
def test_layer_norm_equals_pytorch(case):
    n = REFERENCE[case + "/gamma"].size
    _assert_step(_with_params(LayerNorm(n, eps=float(REFERENCE[case + "/eps"])), case), case + "/")


def test_standardisation_and_its_gradient_match_sympy():
    """The forward formula and the compact backward, against SymPy differentiating sum(u * y)."""
    N = 4
    x, u = sp.symbols(f"x0:{N}", real=True), sp.symbols(f"u0:{N}", real=True)
    gamma, beta, eps = sp.symbols("gamma beta epsilon", positive=True)
    mu = sum(x) / N
    var = sum((xi - mu) ** 2 for xi in x) / N
    y = [gamma * (xi - mu) / sp.sqrt(var + eps) + beta for xi in x]
    loss = sum(ui * yi for ui, yi in zip(u, y))
    grads = [sp.diff(loss, v) for v in (*x, gamma, beta)]
    f_y = sp.lambdify((x, u, gamma, beta, eps), y)
    f_g = sp.lambdify((x, u, gamma, beta, eps), grads)
    rng = np.random.default_rng(0)
    xs, us, g, b = rng.normal(2, 3, N), rng.normal(size=N), 1.7, -0.4
    expected_y, expected_g = np.array(f_y(xs, us, g, b, 1e-5)), np.array(f_g(xs, us, g, b, 1e-5))
    for layer, shape in [(BatchNorm(1), (N, 1)), (BatchNorm(1), (1, 1, 2, 2)), (LayerNorm(N), (1, N))]:
        layer.gamma[...], layer.beta[...] = g, b
        out = layer.forward(xs.reshape(shape))
        dX = layer.backward(us.reshape(shape))
        np.testing.assert_allclose(out.ravel(), expected_y, rtol=1e-12)
        np.testing.assert_allclose(dX.ravel(), expected_g[:N], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose([layer.dgamma[0], layer.dbeta[0]] if layer.n_features == 1
                                   else [layer.dgamma.sum(), layer.dbeta.sum()], expected_g[N:], rtol=1e-12)


@pytest.mark.parametrize("shape, axes", [((6, 4), (0,)), ((6, 4), (1,)), ((2, 3, 4, 5), (0, 2, 3)),
                                         ((2, 3, 4), (2,)), ((2, 3, 4), (0, 1)), ((5,), (0,)), ((0, 4), (0,))])
@pytest.mark.parametrize("n_arrays", [1, 2])
def test_sum_over_axes_is_the_sum_of_the_product(shape, axes, n_arrays):
    """The one reduction the layers use (einsum) against NumPy's sum of the product array."""
    rng = np.random.default_rng(9)
    arrays = [rng.normal(size=shape) for _ in range(n_arrays)]
    expected = np.prod(arrays, axis=0).sum(axis=axes, keepdims=True)
    got = normalization._sum(*arrays, axes=axes)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make, shape", [(lambda: BatchNorm(3), (5, 3)), (lambda: BatchNorm(3), (2, 3, 2, 2)),
                                         (lambda: LayerNorm(3), (5, 3)), (lambda: LayerNorm(3), (2, 4, 3))])
@pytest.mark.parametrize("training", [True, False])
def test_passes_leave_their_inputs_alone_and_backward_can_repeat(make, shape, training):
    """X and dY are the caller's: the in-place steps write only to arrays the layer made."""
    rng = np.random.default_rng(10)
    layer = make()
    layer.training = training
    X, dY = rng.normal(1, 2, shape), rng.normal(size=shape)
    X0, dY0 = X.copy(), dY.copy()
    Y = layer.forward(X)
    dX = layer.backward(dY)
    dgamma = layer.dgamma.copy()
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(dY, dY0)
    np.testing.assert_array_equal(layer.backward(dY), dX)       # the cache is intact
    np.testing.assert_array_equal(layer.dgamma, dgamma)
    assert not np.shares_memory(Y, X) and not np.shares_memory(dX, dY)


def _fd_check(layer, X, rtol=1e-7, seed=0):
    """Every gradient of ``layer`` (input and parameters) against central differences of <u, layer(X)>."""
    u = np.random.default_rng(seed).standard_normal(layer.forward(X).shape)
    dX = layer.backward(u)
    analytic = [dX] + [g.copy() for g in layer.gradients()]
    numeric = [nnlib.numerical_gradient(lambda x: np.sum(u * layer.forward(x)), X)]
    for p in layer.parameters():
        saved = p.copy()

        def f(value, p=p):
            p[...] = value
            return np.sum(u * layer.forward(X))
        numeric.append(nnlib.numerical_gradient(f, saved))
        p[...] = saved
    for a, n in zip(analytic, numeric):
        assert nnlib.relative_error(a, n) < rtol


def _random_batch_norm(n, rng, training):
    layer = BatchNorm(n)
    layer.gamma[...], layer.beta[...] = rng.normal(1, 0.5, n), rng.normal(0, 0.5, n)
    layer.running_mean[...], layer.running_var[...] = rng.normal(0, 1, n), rng.uniform(0.5, 2, n)
    layer.training = training
    return layer


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (3, 2, 3, 2)])
def test_batch_norm_gradients_match_finite_differences(shape, training):
    rng = np.random.default_rng(1)
    _fd_check(_random_batch_norm(shape[1], rng, training), rng.normal(1, 2, shape))


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (1, 1)])
def test_layer_norm_gradients_match_finite_differences(shape):
    rng = np.random.default_rng(2)
    layer = LayerNorm(shape[-1])
    layer.gamma[...], layer.beta[...] = rng.normal(1, 0.5, shape[-1]), rng.normal(0, 0.5, shape[-1])
    _fd_check(layer, rng.normal(-1, 3, shape))


def test_gradcheck_of_a_network_with_batch_norm_and_layer_norm():
    rng = np.random.default_rng(3)
    model = nnlib.Sequential([nnlib.Dense(4, 6, rng=rng), BatchNorm(6), nnlib.Tanh(),
                              nnlib.Dense(6, 5, rng=rng), LayerNorm(5), nnlib.Dense(5, 3, rng=rng)])
    X, y = rng.normal(size=(7, 4)), rng.integers(0, 3, 7)
    errors = nnlib.gradcheck(model, "softmax_cross_entropy", X, y)
    del errors[1]                 # the bias before BatchNorm: its gradient is 0, see below
    assert max(errors) < 1e-7
    # BatchNorm subtracts the batch mean, so a bias before it changes nothing: dL/db = 0.
    assert np.max(np.abs(model.layers[0].db)) < 1e-15


def test_running_statistics_follow_the_momentum_rule_in_float32():
    rng = np.random.default_rng(4)
    layer, X = BatchNorm(3, momentum=0.2, dtype=np.float32), rng.normal(5, 2, (10, 3)).astype(np.float32)
    layer.forward(X)
    assert layer.running_mean.dtype == np.float32
    np.testing.assert_allclose(layer.running_mean, 0.2 * X.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.running_var, 0.8 + 0.2 * X.var(axis=0, ddof=1), rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make, shape", [(lambda: BatchNorm(4), (6, 4)), (lambda: BatchNorm(4), (2, 4, 3, 3)),
                                         (lambda: LayerNorm(4), (6, 4)), (lambda: LayerNorm(4), (2, 3, 4))])
@pytest.mark.parametrize("training", [True, False])
def test_extremes_and_constant_features_are_finite_without_warnings(make, shape, dtype, training):
    rng = np.random.default_rng(5)
    layer = make()
    layer.training = training
    for X in (rng.uniform(-1e4, 1e4, shape), np.full(shape, 1e4), np.full(shape, -1e4),
              1e4 + rng.normal(0, 1, shape), np.zeros(shape)):
        X = X.astype(dtype)
        Y = assert_no_fp_issue(layer.forward, X)
        assert Y.dtype == np.float64                 # the layer's dtype
        assert_no_fp_issue(layer.backward, rng.normal(size=shape))
        assert np.all(np.isfinite(layer.dgamma)) and np.all(np.isfinite(layer.dbeta))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_layers_standardise_large_offsets(dtype):
    rng = np.random.default_rng(6)
    X = (1e4 + rng.normal(0, 3, (64, 5))).astype(dtype)
    for layer, axis in [(BatchNorm(5, dtype=dtype), 0), (LayerNorm(64, dtype=dtype), 1)]:
        Y = assert_no_fp_issue(layer.forward, X if axis == 0 else X.T)
        assert Y.dtype == dtype
        var = (X if axis == 0 else X.T).astype(np.float64).var(axis=axis)
        tol = 1e-3 if dtype == np.float32 else 1e-9      # float32: 1e4 + noise keeps ~3 digits of noise
        np.testing.assert_allclose(Y.mean(axis=axis), 0, atol=tol)
        np.testing.assert_allclose(Y.std(axis=axis, dtype=np.float64), np.sqrt(var / (var + 1e-5)), atol=tol)


def test_constant_feature_gives_beta_and_the_exact_gradient():
    layer, X = BatchNorm(2), np.column_stack([np.full(5, 3.0), np.arange(5.0)])
    layer.beta[...] = [0.25, 0.0]
    Y = layer.forward(X)
    np.testing.assert_array_equal(Y[:, 0], 0.25)
    _fd_check(layer, X)                              # the derivative exists at var = 0 (eps > 0)


def test_batch_of_one_in_evaluation_mode_is_the_affine_map():
    layer = _random_batch_norm(3, np.random.default_rng(7), training=False)
    x = np.array([[1.0, -2.0, 1e4]])
    expected = layer.gamma * (x - layer.running_mean) / np.sqrt(layer.running_var + layer.eps) + layer.beta
    np.testing.assert_allclose(assert_no_fp_issue(layer.forward, x), expected, rtol=1e-14)
    assert assert_no_fp_issue(layer.backward, np.ones((1, 3))).shape == (1, 3)
    assert layer.forward(np.ones((1, 3, 1, 1))).shape == (1, 3, 1, 1)


def test_batch_statistics_couple_the_examples_and_layer_norm_does_not():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(6, 4))
    bn, ln = BatchNorm(4), LayerNorm(4)
    assert not np.allclose(bn.forward(X)[:3], bn.forward(X[:3]))
    np.testing.assert_allclose(ln.forward(X)[:3], ln.forward(X[:3]), rtol=1e-15)


def test_parameters_are_the_layers_own_arrays():
    for layer in (BatchNorm(3), LayerNorm(3)):
        assert layer.parameters()[0] is layer.gamma and layer.parameters()[1] is layer.beta
        assert layer.gradients()[0] is layer.dgamma and layer.gradients()[1] is layer.dbeta
        assert layer.n_params == 6
        layer.forward(np.arange(6.0).reshape(2, 3))
        layer.backward(np.ones((2, 3)))
        assert layer.gradients()[0] is layer.dgamma
        assert layer.backward(np.ones((2, 3)), need_input_grad=False) is None
    assert "BatchNorm(3" in repr(BatchNorm(3)) and "LayerNorm(3" in repr(LayerNorm(3))


def test_train_sets_batch_norm_to_evaluation_mode_and_learns():
    rng = np.random.default_rng(9)
    X = rng.normal(3, 2, (60, 4))
    y = (X[:, 0] > 3).astype(np.intp)
    bn = BatchNorm(8)
    model = nnlib.Sequential([nnlib.Dense(4, 8, rng=rng), bn, nnlib.ReLU(), nnlib.Dense(8, 2, rng=rng)])
    history = nnlib.train(model, X, y, loss="softmax_cross_entropy", optimizer=nnlib.SGD(lr=0.1),
                          epochs=20, batch_size=10, rng=0)
    assert bn.training is False
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert not np.allclose(bn.running_mean, 0)


@pytest.mark.parametrize("layer, X, match", [
    (BatchNorm(3), np.ones((4, 2)), r"X must have shape \(m, 3\)"),
    (BatchNorm(3), np.ones((4, 3, 2)), r"X must have shape"),
    (BatchNorm(3), np.ones((1, 3)), r"more than one value per feature"),
    (BatchNorm(3), np.ones((1, 3, 1, 1)), r"more than one value per feature"),
    (BatchNorm(2), np.array([[1.0, np.nan], [2.0, 3.0]]), r"X must contain only finite values"),
    (BatchNorm(2), np.array([[1.0, np.inf], [2.0, 3.0]]), r"X must contain only finite values"),
    (LayerNorm(3), np.ones((4, 2)), r"X must have shape \(\.\.\., 3\)"),
    (LayerNorm(2), np.array([[1.0, np.nan], [2.0, 3.0]]), r"X must contain only finite values"),
])
def test_bad_input_gets_a_clear_error(layer, X, match):
    with pytest.raises(ValueError, match=match):
        layer.forward(X)


@pytest.mark.parametrize("make", [lambda: BatchNorm(2), lambda: LayerNorm(2)])
def test_bad_arguments_and_calls(make):
    layer = make()
    with pytest.raises(RuntimeError, match="forward before backward"):
        layer.backward(np.ones((3, 2)))
    with pytest.raises(TypeError, match="X must be a real numeric array"):
        layer.forward("abc")
    layer.forward(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match="dY must have the shape of the last input"):
        layer.backward(np.ones((2, 2)))
    with pytest.raises(TypeError, match="dY must be a real numeric array"):
        layer.backward(np.full((3, 2), "a"))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_features=0), ValueError, "n_features must be >= 1"),
    (dict(n_features=2.0), TypeError, "n_features must be a positive int"),
    (dict(n_features=2, eps=0.0), ValueError, "eps must lie in"),
    (dict(n_features=2, momentum=0.0), ValueError, "momentum must lie in"),
    (dict(n_features=2, momentum=1.5), ValueError, "momentum must lie in"),
    (dict(n_features=2, dtype=np.int64), TypeError, "dtype must be"),
])
def test_bad_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        BatchNorm(**kwargs)
    if "momentum" not in kwargs:
        with pytest.raises(error, match=match):
            LayerNorm(**kwargs)
