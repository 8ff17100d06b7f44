"""Unit tests of nnlib.layers: forward against SymPy, backward against finite differences.

Oracles: a 2-2-1 network written in SymPy with symbolic weights (lambdified), the
parameter-count formula of chapter 4, and central differences (float64, relative
error < 1e-7) for every layer's input and parameter gradients. Then float32, the
in-place parameter/gradient contract, the container behaviour of Sequential, and
bad input.
"""
import warnings

import numpy as np
import pytest
import sympy as sp
from oracles import assert_vjp_matches_fd, sympy_fn

import nnlib
from nnlib.layers import Dense, Identity, LeakyReLU, ReLU, Sequential, Sigmoid, Softmax, Step, Tanh

SYMPY_ACT = {
    Sigmoid: lambda t: 1 / (1 + sp.exp(-t)),
    Tanh: sp.tanh,
    Identity: lambda t: t,
    ReLU: lambda t: sp.Max(0, t),
}
DTYPES = [np.float32, np.float64]


def random_X(m, n, seed=0, scale=1.0):
    return np.random.default_rng(seed).normal(scale=scale, size=(m, n))


def away_from_zero(Z, gap=1e-2):
    """Move entries of Z out of (-gap, gap): finite differences must not cross a kink."""
    return np.where(np.abs(Z) < gap, np.sign(Z + 1e-300) * (gap + np.abs(Z)), Z)


# ---------------------------------------------------------- SymPy oracle
def sympy_2_2_1(phi_hidden, phi_out):
    """The 2-2-1 network of chapter 4 with every weight a symbol; returns (expr, symbols)."""
    x = sp.Matrix([sp.symbols("x1 x2", real=True)])          # (1, 2): one example, a row
    W1 = sp.Matrix(2, 2, lambda j, k: sp.Symbol(f"u{j}{k}", real=True))
    b1 = sp.Matrix([sp.symbols("c0 c1", real=True)])          # (1, 2)
    W2 = sp.Matrix(2, 1, lambda j, k: sp.Symbol(f"v{j}", real=True))
    b2 = sp.Symbol("d", real=True)
    hidden = (x * W1 + b1).applyfunc(phi_hidden)
    out = phi_out((hidden * W2)[0, 0] + b2)
    return out, [*x, *W1, *b1, *W2, b2]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("hidden, output", [(Sigmoid, Sigmoid), (Tanh, Identity), (ReLU, Sigmoid), (Tanh, Tanh)],
                         ids=lambda c: c.__name__)
def test_forward_matches_sympy_2_2_1_network(hidden, output, seed):
    rng = np.random.default_rng(seed)
    net = Sequential([Dense(2, 2, rng=rng), hidden(), Dense(2, 1, rng=rng), output()])
    for p in net.parameters():                                   # nonzero biases too
        p[...] = rng.normal(size=p.shape)
    X = random_X(7, 2, seed + 10, scale=2.0)
    expr, symbols = sympy_2_2_1(SYMPY_ACT[hidden], SYMPY_ACT[output])
    W1, b1, W2, b2 = net.parameters()
    values = [*W1.ravel(), *b1, *W2.ravel(), b2[0]]
    expected = sympy_fn(expr, symbols)(X[:, 0], X[:, 1], *values)
    np.testing.assert_allclose(net.forward(X)[:, 0], expected, rtol=1e-12)


def test_dense_forward_is_X_W_plus_b_row_by_row():
    layer = Dense(3, 4, rng=0)
    layer.b[...] = [1.0, -2.0, 0.5, 3.0]
    X = random_X(5, 3)
    Z = layer.forward(X)
    for i in range(5):
        np.testing.assert_allclose(Z[i], X[i] @ layer.W + layer.b, rtol=1e-14)


# ------------------------------------------------------- parameter counts
ARCHITECTURES = [[2, 2, 1], [2, 1], [784, 128, 64, 10], [3, 4, 4, 2], [10, 100, 100, 100, 1], [1, 5, 1]]


def formula_count(sizes):
    n = sp.IndexedBase("n")
    l, L = sp.symbols("l L", integer=True, positive=True)
    total = sp.Sum((n[l - 1] + 1) * n[l], (l, 1, L))
    return int(total.subs(L, len(sizes) - 1).doit().subs({n[i]: s for i, s in enumerate(sizes)}))


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
def test_n_params_matches_the_formula(sizes):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [Dense(a, b, rng=i), ReLU()]
    net = Sequential(layers)
    assert net.n_params == formula_count(sizes)
    assert len(net.parameters()) == len(net.gradients()) == 2 * (len(sizes) - 1)
    assert net.n_params == sum(layer.n_params for layer in net.layers)


# ---------------------------------------------------- finite differences
def assert_param_grads_match_fd(net, X, U, rtol=1e-7):
    """backward(U) gives the gradient of sum(U * net(X)) for every parameter array."""
    net.forward(X)
    net.backward(U)
    for p, g in zip(net.parameters(), net.gradients()):
        def loss(value, p=p):
            saved = p.copy()
            p[...] = value
            out = np.sum(U * net.forward(X))
            p[...] = saved
            return out
        numeric = nnlib.numerical_gradient(loss, p.copy())
        err = nnlib.relative_error(g, numeric)
        assert err < rtol, f"parameter of shape {p.shape}: relative error {err:.2e}"


def layer_cases():
    return {
        "Dense": lambda: Dense(4, 3, init="glorot_normal", rng=5),
        "Sigmoid": Sigmoid, "Tanh": Tanh, "ReLU": ReLU, "LeakyReLU": lambda: LeakyReLU(0.1),
        "Identity": Identity, "Softmax": Softmax,
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", list(layer_cases()))
def test_layer_input_gradient_matches_fd(name, seed):
    layer = layer_cases()[name]()
    if isinstance(layer, Dense):
        layer.b[...] = np.random.default_rng(seed).normal(size=layer.b.shape)
    X = away_from_zero(random_X(5, 4, seed, scale=2.0))

    def vjp(x, u):
        layer.forward(x)
        return layer.backward(u)
    assert_vjp_matches_fd(layer.forward, vjp, X, rtol=1e-7, seed=seed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dense_parameter_gradients_match_fd(seed):
    layer = Dense(4, 3, rng=seed)
    layer.b[...] = np.random.default_rng(seed).normal(size=3)
    X, U = random_X(6, 4, seed), random_X(6, 3, seed + 100)
    assert_param_grads_match_fd(Sequential([layer]), X, U)


def three_layer_net(seed, hidden=Tanh):
    rng = np.random.default_rng(seed)
    net = Sequential([Dense(3, 5, rng=rng), hidden(), Dense(5, 4, rng=rng), Sigmoid(), Dense(4, 2, rng=rng)])
    for p in net.parameters():
        p[...] = rng.normal(scale=0.8, size=p.shape)
    return net


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("hidden", [Tanh, Sigmoid, LeakyReLU], ids=lambda c: c.__name__)
def test_sequential_backward_matches_fd_for_a_three_layer_net(hidden, seed):
    net = three_layer_net(seed, hidden)
    X, U = random_X(6, 3, seed), random_X(6, 2, seed + 100)
    assert_param_grads_match_fd(net, X, U)
    assert_vjp_matches_fd(net.forward, lambda x, u: (net.forward(x), net.backward(u, need_input_grad=True))[1],
                          X, rtol=1e-7, seed=seed)


def test_relu_net_gradients_match_fd_away_from_kinks():
    net = three_layer_net(3, ReLU)
    X, U = random_X(6, 3, 3), random_X(6, 2, 103)
    Z1 = net[0].forward(X)
    assert np.min(np.abs(Z1)) > 1e-4, "a pre-activation sits on the kink; pick another seed"
    assert_param_grads_match_fd(net, X, U)


def test_mean_loss_convention_layers_do_not_divide_by_m():
    """With dA = gradient of the MEAN loss (contains 1/m), dW is the gradient of the mean loss."""
    layer, X, T = Dense(3, 2, rng=0), random_X(8, 3), random_X(8, 2, 1)
    Y = layer.forward(X)
    layer.backward(2 * (Y - T) / len(X))                          # d/dY of mean_i ||y_i - t_i||^2
    def mean_loss(W):
        return np.mean(np.sum((X @ W + layer.b - T) ** 2, axis=1))
    assert nnlib.relative_error(layer.dW, nnlib.numerical_gradient(mean_loss, layer.W)) < 1e-7


# ------------------------------------------------------ backward contract
def test_need_input_grad_false_returns_none_but_fills_gradients():
    layer, X = Dense(3, 2, rng=0), random_X(4, 3)
    layer.forward(X)
    assert layer.backward(np.ones((4, 2)), need_input_grad=False) is None
    np.testing.assert_allclose(layer.dW, X.T @ np.ones((4, 2)))
    np.testing.assert_allclose(layer.db, [4.0, 4.0])


def test_sequential_backward_skips_the_input_gradient_by_default():
    net = three_layer_net(0)
    net.forward(random_X(4, 3))
    assert net.backward(np.ones((4, 2))) is None
    assert net.backward(np.ones((4, 2)), need_input_grad=True).shape == (4, 3)


def test_parameters_and_gradients_are_the_live_arrays():
    net = three_layer_net(1)
    params, grads = net.parameters(), net.gradients()
    X = random_X(4, 3)
    before = net.forward(X).copy()
    params[-1] += 1.0                                             # an optimiser's in-place step
    np.testing.assert_allclose(net.forward(X), before + 1.0, rtol=1e-12)
    net.backward(np.ones((4, 2)))
    assert all(g is h for g, h in zip(grads, net.gradients()))
    assert all(g.shape == p.shape for g, p in zip(grads, params))
    np.testing.assert_allclose(grads[-1], [4.0, 4.0])


# ------------------------------------------------------------- dtypes
@pytest.mark.parametrize("x_dtype", DTYPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_is_kept_through_forward_and_backward(dtype, x_dtype):
    net = Sequential([Dense(3, 4, rng=0, dtype=dtype), Tanh(), Dense(4, 2, rng=1, dtype=dtype), Softmax()])
    out = net.forward(random_X(5, 3).astype(x_dtype))
    assert out.dtype == dtype
    dX = net.backward(np.ones((5, 2), dtype=np.float64), need_input_grad=True)
    assert dX.dtype == dtype
    assert all(a.dtype == dtype for a in net.parameters() + net.gradients())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layer", [Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softmax, Step])
def test_activation_layers_are_stable_at_extremes(layer, dtype):
    Z = np.array([[-1e4, -100.0, 0.0, 100.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        layer_ = layer()
        A = layer_.forward(Z)
        assert A.dtype == dtype and np.all(np.isfinite(A))
        if layer is not Step:
            dZ = layer_.backward(np.ones_like(Z))
            assert dZ.dtype == dtype and np.all(np.isfinite(dZ))


# --------------------------------------------------------- Sequential API
def test_sequential_container_behaviour():
    net = three_layer_net(0)
    assert len(net) == 5 and isinstance(net[0], Dense) and isinstance(net[-1], Dense)
    head = net[:2]
    assert isinstance(head, Sequential) and len(head) == 2
    X = random_X(3, 3)
    np.testing.assert_allclose(net[2:].forward(head.forward(X)), net.forward(X), rtol=1e-14)
    text = repr(net)
    assert "Dense(3 -> 5, W (3, 5), b (5,))" in text and "Tanh()" in text
    assert f"{net.n_params} parameters" in text and "0x" not in text


def test_same_seed_same_weights_and_generators_advance():
    assert np.array_equal(Dense(4, 3, rng=7).W, Dense(4, 3, rng=7).W)
    rng = np.random.default_rng(0)
    assert not np.array_equal(Dense(4, 3, rng=rng).W, Dense(4, 3, rng=rng).W)


@pytest.mark.parametrize("init", ["glorot_uniform", "glorot_normal", "he_normal", "lecun_normal"])
def test_named_initialisers_are_used(init):
    expected = getattr(nnlib.init, init)(50, 40, np.random.default_rng(3))
    np.testing.assert_array_equal(Dense(50, 40, init=init, rng=3).W, expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_from_weights_uses_the_given_parameters(dtype):
    W, b = np.arange(6.0).reshape(3, 2).astype(dtype), np.array([1.0, -1.0])
    layer = Dense.from_weights(W, b)
    X = random_X(4, 3)
    assert layer.W.dtype == layer.b.dtype == dtype and layer.W is not W
    np.testing.assert_allclose(layer.forward(X), X.astype(dtype) @ W + b.astype(dtype), rtol=1e-6)


@pytest.mark.parametrize("W, b, match", [(np.ones(3), np.ones(3), r"\bW\b"), (np.ones((2, 3)), np.ones(2), r"\bb\b"),
                                         (np.ones((2, 3)), np.ones((1, 3)), r"\bb\b"),
                                         (np.full((2, 3), np.nan), np.ones(3), r"\bW\b")])
def test_from_weights_bad_input(W, b, match):
    with pytest.raises(ValueError, match=match):
        Dense.from_weights(W, b)


def test_callable_initialiser():
    layer = Dense(3, 2, init=lambda n_in, n_out, rng: np.full((n_in, n_out), 0.5), rng=0)
    np.testing.assert_array_equal(layer.W, 0.5)


def test_step_layer_forward_and_its_refusing_backward():
    layer = Step()
    np.testing.assert_array_equal(layer.forward(np.array([[-1.0, 0.0, 2.0]])), [[0.0, 1.0, 1.0]])
    with pytest.raises(RuntimeError, match="derivative is 0"):
        layer.backward(np.ones((1, 3)))


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_in": 0, "n_out": 2, "rng": 0}, ValueError, "n_in"),
        ({"n_in": 2, "n_out": -1, "rng": 0}, ValueError, "n_out"),
        ({"n_in": 2.5, "n_out": 2, "rng": 0}, TypeError, "n_in"),
        ({"n_in": 2, "n_out": 2}, TypeError, "rng"),
        ({"n_in": 2, "n_out": 2, "rng": None}, TypeError, "rng"),
        ({"n_in": 2, "n_out": 2, "rng": "seed"}, TypeError, "rng"),
        ({"n_in": 2, "n_out": 2, "rng": 0, "init": "xavier"}, ValueError, "init"),
        ({"n_in": 2, "n_out": 2, "rng": 0, "init": 3}, TypeError, "init"),
        ({"n_in": 2, "n_out": 2, "rng": 0, "init": lambda a, b, r: np.zeros((b, a + 1))}, ValueError, "init"),
        ({"n_in": 2, "n_out": 2, "rng": 0, "dtype": np.int32}, TypeError, "dtype"),
        ({"n_in": 2, "n_out": 2, "rng": 0, "dtype": np.float16}, TypeError, "dtype"),
    ],
)
def test_dense_bad_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        Dense(**kwargs)


@pytest.mark.parametrize(
    "X, error",
    [
        (np.ones((4, 3)), ValueError),                 # wrong width
        (np.ones(2), ValueError),                      # not a batch
        (np.array([["a", "b"]]), TypeError),
        ([[1.0, np.nan]], ValueError),                 # not an array yet: converted with the full check
    ],
    ids=["width", "1-d", "str", "list-with-nan"],
)
def test_dense_bad_X(X, error):
    with pytest.raises(error, match=r"\bX\b"):
        Dense(2, 3, rng=0).forward(X)


def test_bad_backward_calls():
    layer = Dense(2, 3, rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.ones((4, 3)))
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="dZ"):
        layer.backward(np.ones((4, 2)))
    with pytest.raises(TypeError, match="dZ"):
        layer.backward(np.full((4, 3), "x"))
    act = Tanh()
    with pytest.raises(RuntimeError, match="forward"):
        act.backward(np.ones((4, 3)))
    act.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="dA"):
        act.backward(np.ones((3, 4)))


@pytest.mark.parametrize(
    "layers, error",
    [
        ([], ValueError),
        ("Dense", TypeError),
        ([Dense(2, 3, rng=0), "relu"], TypeError),
        ([Dense(2, 3, rng=0), ReLU(), Dense(4, 1, rng=1)], ValueError),
    ],
    ids=["empty", "str", "not-a-layer", "widths-disagree"],
)
def test_sequential_bad_layers(layers, error):
    with pytest.raises(error, match="layers"):
        Sequential(layers)


@pytest.mark.parametrize("layer", [Sigmoid, Tanh, ReLU, Identity, Softmax])
def test_activation_layers_check_types_not_values(layer):
    """Layers make O(1) checks: a string is refused, NaN passes through (caught where data enters)."""
    with pytest.raises(TypeError, match=r"\bZ\b"):
        layer().forward(np.array([["a", "b"]]))
    with np.errstate(invalid="ignore"):
        assert np.isnan(layer().forward(np.array([[1.0, np.nan]]))).any()


def test_leaky_relu_bad_alpha():
    with pytest.raises(TypeError, match="alpha"):
        LeakyReLU("big")
