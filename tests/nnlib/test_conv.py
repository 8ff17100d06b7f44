"""Unit tests of nnlib.conv: Conv2D, MaxPool2D, AvgPool2D and Flatten.

Oracles: the convolution written out in SymPy with every input, weight and bias a
symbol (forward lambdified; backward by differentiating the scalar <U, Y>);
``scipy.signal.correlate2d`` as an independent forward; the window count for the
output size; central differences (float64, relative error < 1e-7) for every layer
and for a whole CNN. Then float32, extremes, ``train`` with conv layers, and bad input.
"""
import numpy as np
import pytest
import sympy as sp
from oracles import assert_no_fp_issue, assert_vjp_matches_fd, sympy_fn
from scipy.signal import correlate2d

import nnlib
from nnlib.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D, output_size
from nnlib.layers import Dense, ReLU, Sequential, Tanh
from nnlib.optim import SGD
from nnlib.training import train

DTYPES = [np.float32, np.float64]
GEOMETRIES = [(1, 0), (2, 1), (1, 1), (2, 0), (3, 2)]        # (stride, padding)


def conv_layer(C, F, k, stride, padding, seed=0, dtype=np.float64):
    layer = Conv2D(C, F, k, stride=stride, padding=padding, rng=seed, dtype=dtype)
    layer.b[...] = np.random.default_rng(seed + 50).normal(size=F)   # nonzero biases
    return layer


# ------------------------------------------------------------ SymPy oracle
def sympy_conv(C, F, k, H, W, stride, padding):
    """Y[f][r][c] of one image from the definition, every entry a symbol; returns (Y, X, Wt, b)."""
    X = [[[sp.Symbol(f"x{q}_{r}_{c}") for c in range(W)] for r in range(H)] for q in range(C)]
    Wt = [[[[sp.Symbol(f"w{f}_{q}_{u}_{v}") for v in range(k)] for u in range(k)] for q in range(C)] for f in range(F)]
    b = [sp.Symbol(f"b{f}") for f in range(F)]

    def x_pad(q, r, c):                                      # zero outside the image
        r, c = r - padding, c - padding
        return X[q][r][c] if 0 <= r < H and 0 <= c < W else 0
    h_out, w_out = (H + 2 * padding - k) // stride + 1, (W + 2 * padding - k) // stride + 1
    Y = [[[b[f] + sum(Wt[f][q][u][v] * x_pad(q, stride * r + u, stride * c + v)
                      for q in range(C) for u in range(k) for v in range(k))
           for c in range(w_out)] for r in range(h_out)] for f in range(F)]
    return Y, X, Wt, b


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_forward_and_backward_match_sympy(stride, padding):
    C, F, k, H, W = 2, 2, 3, 5, 4
    Y_sym, X_sym, W_sym, b_sym = sympy_conv(C, F, k, H, W, stride, padding)
    flat = lambda nested: list(np.array(nested, dtype=object).ravel())  # noqa: E731
    xs, ws, bs = flat(X_sym), flat(W_sym), b_sym
    layer = conv_layer(C, F, k, stride, padding, seed=stride + 10 * padding)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(1, C, H, W))
    Y = layer.forward(X)
    values = [*X.ravel(), *layer.W.ravel(), *layer.b]
    expected = sympy_fn(flat(Y_sym), xs + ws + bs)(*values)                 # one lambdified list
    np.testing.assert_allclose(Y.ravel(), np.array(expected, dtype=float), rtol=1e-12, atol=1e-14)
    # backward: gradients of the scalar <U, Y> with respect to every symbol
    U = rng.integers(-3, 4, size=Y.shape)
    loss = sp.Add(*[int(u) * y for u, y in zip(U.ravel(), flat(Y_sym))])
    dX = layer.backward(U.astype(float))
    for grads, symbols in [(dX, xs), (layer.dW, ws), (layer.db, bs)]:
        exact = sympy_fn([sp.diff(loss, s) for s in symbols], xs + ws + bs)(*values)
        np.testing.assert_allclose(grads.ravel(), np.array(exact, dtype=float), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------- scipy oracle, sizes
@pytest.mark.parametrize("stride, padding", GEOMETRIES)
@pytest.mark.parametrize("k", [1, 2, 3])
def test_forward_matches_scipy_correlate2d(k, stride, padding):
    C, F = 3, 4
    layer = conv_layer(C, F, k, stride, padding, seed=k)
    X = np.random.default_rng(k).normal(size=(2, C, 7, 6))
    Y = layer.forward(X)
    for i in range(2):
        for f in range(F):
            expected = sum(correlate2d(np.pad(X[i, q], padding), layer.W[f, q], mode="valid")
                           for q in range(C))[::stride, ::stride] + layer.b[f]
            np.testing.assert_allclose(Y[i, f], expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("n", [1, 4, 7, 8, 28])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_output_size_counts_the_window_positions(n, k, stride, padding):
    if k > n + 2 * padding:
        with pytest.raises(ValueError, match="kernel_size"):
            output_size(n, k, stride, padding)
        return
    starts = range(0, n + 2 * padding - k + 1, stride)       # every window that fits
    assert output_size(n, k, stride, padding) == len(starts)


def test_pooling_forward_by_definition():
    X = np.random.default_rng(0).normal(size=(2, 3, 7, 5))
    for k, s in [(2, 2), (3, 2), (2, 1)]:
        Y_max, Y_avg = MaxPool2D(k, stride=s).forward(X), AvgPool2D(k, stride=s).forward(X)
        h, w = output_size(7, k, s), output_size(5, k, s)
        assert Y_max.shape == Y_avg.shape == (2, 3, h, w)
        for r in range(h):
            for c in range(w):
                window = X[:, :, s * r:s * r + k, s * c:s * c + k]
                np.testing.assert_array_equal(Y_max[:, :, r, c], window.max(axis=(2, 3)))
                np.testing.assert_allclose(Y_avg[:, :, r, c], window.mean(axis=(2, 3)), rtol=1e-14)


def test_maxpool_tie_sends_the_gradient_to_the_first_maximum():
    pool = MaxPool2D(2)
    X = np.array([[[[1.0, 1.0], [0.0, 1.0]]]])               # three tied maxima
    pool.forward(X)
    dX = pool.backward(np.array([[[[5.0]]]]))
    np.testing.assert_array_equal(dX, [[[[5.0, 0.0], [0.0, 0.0]]]])


def test_flatten_is_a_c_order_reshape():
    X = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    flat = Flatten()
    np.testing.assert_array_equal(flat.forward(X), X.reshape(2, 60))
    dA = np.tile(np.arange(60.0), (2, 1))
    np.testing.assert_array_equal(flat.backward(dA), dA.reshape(X.shape))
    assert flat.backward(dA)[1, 2, 3, 4] == 59.0                     # the last column goes to the last pixel


# ------------------------------------------------- finite differences
def layer_cases():
    return {
        **{f"conv s{s} p{p}": (lambda s=s, p=p: conv_layer(2, 3, 3, s, p, seed=s + p)) for s, p in GEOMETRIES},
        "conv k1": lambda: conv_layer(2, 3, 1, 1, 0),
        "maxpool 2": lambda: MaxPool2D(2), "maxpool 3 s2": lambda: MaxPool2D(3, stride=2),
        "avgpool 2": lambda: AvgPool2D(2), "avgpool 3 s1": lambda: AvgPool2D(3, stride=1),
        "flatten": Flatten,
    }


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", list(layer_cases()))
def test_input_gradient_matches_fd(name, seed):
    layer = layer_cases()[name]()
    X = np.random.default_rng(seed).normal(size=(2, 2, 7, 6))   # distinct values: no ties in max pooling

    def vjp(x, u):
        layer.forward(x)
        return layer.backward(u)
    assert_vjp_matches_fd(layer.forward, vjp, X, rtol=1e-7, seed=seed)


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_conv_parameter_gradients_match_fd(stride, padding):
    layer = conv_layer(2, 3, 3, stride, padding, seed=7)
    rng = np.random.default_rng(stride * 10 + padding)
    X = rng.normal(size=(3, 2, 6, 7))
    U = rng.normal(size=layer.forward(X).shape)
    layer.backward(U, need_input_grad=False)
    for p, g in zip(layer.parameters(), layer.gradients()):
        saved = p.copy()

        def loss(value, p=p):
            p[...] = value
            return np.sum(U * layer.forward(X))
        numeric = nnlib.numerical_gradient(loss, saved)
        p[...] = saved
        assert nnlib.relative_error(g, numeric) < 1e-7


def small_cnn(seed, dtype=np.float64, act=ReLU):
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, 4, 3, padding=1, rng=rng, dtype=dtype), act(), MaxPool2D(2),
                       Conv2D(4, 3, 2, stride=2, padding=1, rng=rng, dtype=dtype), Tanh(), AvgPool2D(2, stride=1),
                       Flatten(), Dense(3 * 2 * 2, 5, rng=rng, dtype=dtype)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_whole_cnn_passes_gradcheck(seed):
    model = small_cnn(seed, act=Tanh)                        # smooth: no kink within eps
    rng = np.random.default_rng(seed + 100)
    for p in model.parameters():
        p[...] = rng.normal(scale=0.5, size=p.shape)
    X, y = rng.normal(size=(4, 1, 8, 8)), rng.integers(0, 5, size=4)
    errors = nnlib.gradcheck(model, "softmax_cross_entropy", X, y)
    assert len(errors) == 6 and max(errors) < 1e-7


# ------------------------------------------------- dtypes and extremes
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(layer_cases()))
def test_dtype_is_kept_and_float32_agrees(name, dtype):
    layer64, layer = layer_cases()[name](), layer_cases()[name]()
    if isinstance(layer, Conv2D):
        layer = conv_layer(2, 3, layer.kernel_size, layer.stride, layer.padding, dtype=dtype,
                           seed=layer.stride + layer.padding if layer.kernel_size == 3 else 0)
    X = np.random.default_rng(0).normal(size=(2, 2, 7, 6))
    Y64, Y = layer64.forward(X), layer.forward(X.astype(dtype))
    U = np.random.default_rng(1).normal(size=Y.shape).astype(dtype)
    dX64, dX = layer64.backward(U.astype(np.float64)), layer.backward(U)
    assert Y.dtype == dX.dtype == dtype and all(g.dtype == dtype for g in layer.gradients())
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(Y, Y64, rtol=tol, atol=tol)
    np.testing.assert_allclose(dX, dX64, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(layer_cases()))
def test_stable_at_extremes(name, dtype):
    layer = layer_cases()[name]()
    if isinstance(layer, Conv2D):
        layer = conv_layer(2, 3, layer.kernel_size, layer.stride, layer.padding, dtype=dtype)
    X = (1e4 * np.sign(np.random.default_rng(0).normal(size=(2, 2, 7, 6)))).astype(dtype)
    Y = assert_no_fp_issue(layer.forward, X)
    assert_no_fp_issue(layer.backward, np.full(Y.shape, 1e4, dtype=dtype))


# ------------------------------------------------- Sequential and train
def test_train_takes_one_sgd_step_like_forward_backward():
    X = np.random.default_rng(0).normal(size=(6, 1, 8, 8))
    y = np.arange(6) % 5
    model, reference = small_cnn(0), small_cnn(0)
    train(model, X, y, loss="softmax_cross_entropy", optimizer=SGD(lr=0.1), epochs=1, batch_size=6, rng=0)
    out = reference.forward(X)
    reference.backward(nnlib.softmax_cross_entropy_grad(out, y))
    for p, g, p_trained in zip(reference.parameters(), reference.gradients(), model.parameters()):
        np.testing.assert_allclose(p_trained, p - 0.1 * g, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_train_learns_a_cnn(dtype):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 1, 8, 8)).astype(dtype)
    y = (X[:, 0, :4].sum(axis=(1, 2)) > X[:, 0, 4:].sum(axis=(1, 2))).astype(int)   # top half brighter
    model = small_cnn(1, dtype=dtype)
    history = train(model, X, y, loss="softmax_cross_entropy", optimizer=SGD(lr=0.05, momentum=0.9),
                    epochs=30, batch_size=16, rng=0)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert all(p.dtype == dtype for p in model.parameters())


# ------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, exc, match", [
    ({"stride": 2.0}, TypeError, "stride"),
    ({"stride": 0}, ValueError, "stride"),
    ({"padding": -1}, ValueError, "padding"),
    ({"padding": 1.5}, TypeError, "padding"),
    ({"dtype": np.int32}, TypeError, "dtype"),
    ({"init": "nope"}, ValueError, "init"),
])
def test_conv_rejects_bad_settings(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Conv2D(1, 2, 3, rng=0, **kwargs)


@pytest.mark.parametrize("args, exc, match", [((0, 2, 3), ValueError, "in_channels"),
                                              ((1, 2.0, 3), TypeError, "out_channels"),
                                              ((1, 2, 0), ValueError, "kernel_size")])
def test_conv_rejects_bad_sizes(args, exc, match):
    with pytest.raises(exc, match=match):
        Conv2D(*args, rng=0)


@pytest.mark.parametrize("X, match", [
    (np.zeros((2, 1, 2, 2)), "kernel_size=5 is larger than the padded input"),   # 2 + 2*1 < 5
    (np.zeros((2, 3, 8, 8)), "1 channel"),
    (np.zeros((1, 8, 8)), "4-dimensional"),
    (np.full((1, 1, 8, 8), np.nan).tolist(), "finite"),   # a list is converted with the full check
])
def test_conv_forward_rejects_bad_input(X, match):
    with pytest.raises(ValueError, match=match):
        Conv2D(1, 2, 5, padding=1, rng=0).forward(X)


def test_bad_backward_calls():
    layer = Conv2D(1, 2, 3, rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.zeros((1, 2, 6, 6)))
    layer.forward(np.zeros((1, 1, 8, 8)))
    with pytest.raises(ValueError, match="dY"):
        layer.backward(np.zeros((1, 2, 8, 8)))
    for pool in (MaxPool2D(2), AvgPool2D(2)):
        with pytest.raises(RuntimeError, match="forward"):
            pool.backward(np.zeros((1, 1, 2, 2)))
        pool.forward(np.zeros((1, 1, 4, 4)))
        with pytest.raises(ValueError, match="dY"):
            pool.backward(np.zeros((1, 1, 3, 3)))


@pytest.mark.parametrize("make, X, exc, match", [
    (lambda: MaxPool2D(3), np.zeros((1, 1, 2, 2)), ValueError, "kernel_size"),
    (lambda: AvgPool2D(2), np.zeros((4, 4)), ValueError, "4-dimensional"),
    (lambda: MaxPool2D(2, stride=1.5), None, TypeError, "stride"),
    (lambda: AvgPool2D(0), None, ValueError, "kernel_size"),
    (lambda: Flatten(), np.zeros(3), ValueError, "X"),
])
def test_pooling_and_flatten_reject_bad_input(make, X, exc, match):
    with pytest.raises(exc, match=match):
        make().forward(X)


def test_train_reports_wrong_channels_clearly():
    model = small_cnn(0)
    with pytest.raises(ValueError, match="channel"):
        train(model, np.zeros((4, 3, 8, 8)), np.zeros(4, dtype=int), loss="softmax_cross_entropy",
              optimizer=SGD(lr=0.1), epochs=1, batch_size=2, rng=0)
