"""Tests of nnlib.recurrent, nnlib.sequence and nnlib.optim.clip_grad_norm (chapter 9).

BPTT against SymPy on a scalar RNN with T = 3, central differences for every layer and
a whole model (float64), dtypes, T = 1000 stability, bad input, and PyTorch's LSTM
layout when PyTorch happens to be installed.
"""
import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib import (LSTM, RNN, SGD, Dense, LastStep, Sequential, TimeDistributed, clip_grad_norm,
                   numerical_gradient, relative_error, sequence_cross_entropy, sequence_cross_entropy_grad,
                   softmax_with_temperature, train)
from oracles import assert_no_fp_issue

LAYERS = [RNN, LSTM]


def _random_layer(cls, n_in, n_hidden, seed, scale=0.5):
    layer = cls(n_in, n_hidden, rng=seed)
    rng = np.random.default_rng(seed + 100)
    for p in layer.parameters():
        p[...] = rng.normal(scale=scale, size=p.shape)
    return layer


def _random_state(cls, m, n_hidden, rng):
    h = rng.normal(size=(m, n_hidden))
    return h if cls is RNN else (h, rng.normal(size=(m, n_hidden)))


# ------------------------------------------------------------ SymPy BPTT oracle
def test_bptt_matches_sympy_on_scalar_rnn_with_three_steps():
    """h_t = tanh(w x_t + u h_{t-1} + b), L = sum_t y_t h_t + h_3^2 / 2: nnlib's BPTT = sp.diff."""
    w, u, b, h0 = sp.symbols("w u b h_0", real=True)
    xs, ys = sp.symbols("x_1:4", real=True), sp.symbols("y_1:4", real=True)
    h, hs = h0, []
    for x in xs:
        h = sp.tanh(w * x + u * h + b)
        hs.append(h)
    loss = sum(y * h for y, h in zip(ys, hs)) + hs[-1] ** 2 / 2
    symbols = [w, u, b, h0, *xs, *ys]
    grads = [sp.lambdify(symbols, sp.diff(loss, s)) for s in (w, u, b, h0, *xs)]
    rng = np.random.default_rng(0)
    for _ in range(5):
        values = rng.normal(size=len(symbols))
        layer = RNN(1, 1, rng=0)
        layer.W_x[...], layer.W_h[...], layer.b[...] = values[0], values[1], values[2]
        X, dH = values[4:7].reshape(1, 3, 1), values[7:10].reshape(1, 3, 1)
        H, hT = layer.forward(X, values[3].reshape(1, 1), return_state=True)
        dX = layer.backward(dH, dstate=hT)
        ours = [layer.dW_x.item(), layer.dW_h.item(), layer.db.item(), layer.dstate0.item(), *dX.ravel()]
        expected = [g(*values) for g in grads]
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------- finite differences
@pytest.mark.parametrize("cls", LAYERS)
@pytest.mark.parametrize("seed", [0, 1])
def test_layer_gradients_match_central_differences(cls, seed):
    rng = np.random.default_rng(seed)
    layer = _random_layer(cls, 3, 4, seed)
    X, U = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    state, V = _random_state(cls, 2, 4, rng), rng.normal(size=(2, 4))

    def loss(X=X, state=state):                     # <U, H> + <V, final h> (+ <V, final c>)
        H, final = layer.forward(X, state, return_state=True)
        return np.sum(U * H) + (np.sum(V * final) if cls is RNN else np.sum(V * final[0]) + np.sum(V * final[1]))

    loss()
    dX = layer.backward(U, dstate=V if cls is RNN else (V, V))
    for p, g in zip(layer.parameters(), [g.copy() for g in layer.gradients()]):
        saved = p.copy()

        def at(value, p=p):
            p[...] = value
            return loss()
        assert relative_error(g, numerical_gradient(at, saved)) < 1e-7
        p[...] = saved
    assert relative_error(dX, numerical_gradient(lambda x: loss(X=x), X)) < 1e-7
    if cls is RNN:
        assert relative_error(layer.dstate0, numerical_gradient(lambda h: loss(state=h), state)) < 1e-7
    else:
        dh0, dc0 = layer.dstate0
        assert relative_error(dh0, numerical_gradient(lambda h: loss(state=(h, state[1])), state[0])) < 1e-7
        assert relative_error(dc0, numerical_gradient(lambda c: loss(state=(state[0], c)), state[1])) < 1e-7


@pytest.mark.parametrize("cls", LAYERS)
def test_whole_language_model_gradient(cls):
    """Recurrent layer -> TimeDistributed(Dense) -> sequence cross-entropy, every parameter."""
    rng = np.random.default_rng(3)
    model = Sequential([_random_layer(cls, 5, 4, 3), TimeDistributed(Dense(4, 5, rng=rng))])
    X, y = rng.normal(size=(3, 6, 5)), rng.integers(0, 5, size=(3, 6))
    model.backward(sequence_cross_entropy_grad(model.forward(X), y))
    for p, g in zip(model.parameters(), [g.copy() for g in model.gradients()]):
        saved = p.copy()

        def at(value, p=p):
            p[...] = value
            return sequence_cross_entropy(model.forward(X), y)
        assert relative_error(g, numerical_gradient(at, saved)) < 1e-7
        p[...] = saved


def test_last_step_classifier_gradient():
    rng = np.random.default_rng(4)
    model = Sequential([_random_layer(LSTM, 2, 3, 4), LastStep(), Dense(3, 2, rng=rng)])
    X, y = rng.normal(size=(4, 7, 2)), rng.integers(0, 2, size=4)
    model.backward(nnlib.softmax_cross_entropy_grad(model.forward(X), y))
    W = model.parameters()[1]
    saved = W.copy()

    def at(value):
        W[...] = value
        return nnlib.softmax_cross_entropy(model.forward(X), y)
    assert relative_error(model.gradients()[1], numerical_gradient(at, saved)) < 1e-7


def test_sequence_cross_entropy_is_the_mean_over_positions():
    rng = np.random.default_rng(5)
    logits, y = rng.normal(size=(3, 4, 6)), rng.integers(0, 6, size=(3, 4))
    logp = logits - np.log(np.exp(logits).sum(axis=2, keepdims=True))
    expected = -np.mean(np.take_along_axis(logp, y[..., None], axis=2))
    assert np.isclose(sequence_cross_entropy(logits, y), expected, rtol=1e-13)
    numeric = numerical_gradient(lambda z: sequence_cross_entropy(z, y), logits)
    assert relative_error(sequence_cross_entropy_grad(logits, y), numeric) < 1e-8


# ------------------------------------------------------------------- dtypes
@pytest.mark.parametrize("cls", LAYERS)
def test_float32_stays_float32_and_agrees_with_float64(cls):
    rng = np.random.default_rng(6)
    l64 = _random_layer(cls, 3, 5, 6)
    l32 = cls(3, 5, rng=0, dtype=np.float32)
    for p32, p64 in zip(l32.parameters(), l64.parameters()):
        p32[...] = p64
    X, dH = rng.normal(size=(4, 8, 3)), rng.normal(size=(4, 8, 5))
    H32, H64 = l32.forward(X.astype(np.float32)), l64.forward(X)
    dX32, dX64 = l32.backward(dH.astype(np.float32)), l64.backward(dH)
    assert H32.dtype == dX32.dtype == np.float32 and all(g.dtype == np.float32 for g in l32.gradients())
    np.testing.assert_allclose(H32, H64, atol=1e-5)
    np.testing.assert_allclose(dX32, dX64, atol=1e-4)
    for g32, g64 in zip(l32.gradients(), l64.gradients()):
        np.testing.assert_allclose(g32, g64, atol=1e-4 * max(1, np.abs(g64).max()))


# ---------------------------------------------------------------- stability
@pytest.mark.parametrize("cls", LAYERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_thousand_steps_stay_finite(cls, dtype, scale):
    rng = np.random.default_rng(7)
    layer = cls(2, 8, rng=7, dtype=dtype)
    layer.W_h *= 3                                   # an exploding regime, on purpose
    X = (scale * rng.normal(size=(2, 1000, 2))).astype(dtype)
    H = assert_no_fp_issue(layer.forward, X)
    assert H.shape == (2, 1000, 8) and H.dtype == dtype and np.all(np.abs(H) <= 1)
    dX = assert_no_fp_issue(layer.backward, np.ones_like(H))
    assert all(np.all(np.isfinite(g)) for g in layer.gradients())
    assert dX.dtype == dtype


# ------------------------------------------------------------ clip_grad_norm
def test_clip_grad_norm_caps_the_norm_and_keeps_the_direction():
    rng = np.random.default_rng(8)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    before = [g.copy() for g in grads]
    norm = clip_grad_norm(grads, 0.5)
    assert np.isclose(norm, np.sqrt(sum(np.sum(g ** 2) for g in before)))
    assert np.isclose(np.sqrt(sum(np.sum(g ** 2) for g in grads)), 0.5)
    for g, g0 in zip(grads, before):
        np.testing.assert_allclose(g, g0 * 0.5 / norm)
    unchanged = [g.copy() for g in grads]
    assert np.isclose(clip_grad_norm(grads, 10.0), 0.5)
    assert all(np.array_equal(a, b) for a, b in zip(grads, unchanged))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_of_huge_gradients_is_finite(dtype):
    big = np.finfo(dtype).max / 4
    grads = [np.full(10, big, dtype=dtype)]
    assert_no_fp_issue(lambda: np.array(clip_grad_norm(grads, 1.0)))
    assert grads[0].dtype == dtype and np.isclose(np.linalg.norm(grads[0].astype(np.float64)), 1.0, rtol=1e-5)
    assert clip_grad_norm([np.zeros(3)], 1.0) == 0.0


# ----------------------------------------------------------------- training
def test_train_on_sequences_lowers_the_loss():
    rng = np.random.default_rng(9)
    X = np.eye(3)[rng.integers(0, 3, size=(16, 6))]
    y = X.argmax(axis=2)                             # predict the current symbol: learnable
    model = Sequential([RNN(3, 8, rng=rng), TimeDistributed(Dense(8, 3, rng=rng))])
    history = train(model, X, y, loss="sequence_cross_entropy", optimizer=SGD(lr=0.5, momentum=0.9),
                    epochs=20, batch_size=8, rng=rng, clip=5.0)
    assert history.loss[-1] < 0.2 * history.loss[0]
    assert history.accuracy[-1] > history.accuracy[0] and history.accuracy[-1] > 0.9   # per position


def test_softmax_with_temperature():
    z = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(softmax_with_temperature(z, 1.0), nnlib.softmax(z))
    assert softmax_with_temperature(z, 1e-3)[0, 2] > 0.999
    np.testing.assert_allclose(softmax_with_temperature(z, 1e6), 1 / 3, rtol=1e-5)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("cls", LAYERS)
def test_bad_input_is_refused_clearly(cls):
    layer = cls(3, 4, rng=0)
    with pytest.raises(RuntimeError, match="forward before backward"):
        layer.backward(np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match=r"X must have shape \(m, T, 3\)"):
        layer.forward(np.zeros((2, 3)))                       # wrong rank
    with pytest.raises(ValueError, match=r"X must have shape \(m, T, 3\)"):
        layer.forward(np.zeros((2, 5, 4)))                    # wrong feature size
    with pytest.raises(ValueError, match="finite"):
        layer.forward(np.full((2, 5, 3), np.nan).tolist())   # converted: the full check
    with pytest.raises(TypeError, match="X must be a real numeric array"):
        layer.forward(np.zeros((2, 5, 3), dtype=complex))
    bad_h = np.zeros((2, 5))
    with pytest.raises(ValueError, match=r"state.* must have shape \(2, 4\)"):
        layer.forward(np.zeros((2, 5, 3)), bad_h if cls is RNN else (bad_h, np.zeros((2, 4))))
    layer.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"dH must have shape \(2, 5, 4\)"):
        layer.backward(np.zeros((2, 4, 4)))
    with pytest.raises(TypeError, match="rng"):
        cls(3, 4)
    with pytest.raises(ValueError, match="n_hidden"):
        cls(3, 0, rng=0)
    with pytest.raises(TypeError, match="dtype"):
        cls(3, 4, rng=0, dtype=np.int64)


def test_lstm_state_must_be_a_pair():
    with pytest.raises(TypeError, match=r"state must be a pair \(h, c\)"):
        LSTM(3, 4, rng=0).forward(np.zeros((2, 5, 3)), np.zeros((2, 4)))


def test_bad_input_to_the_sequence_helpers():
    with pytest.raises(ValueError, match=r"y must be integer labels of shape \(2, 3\)"):
        sequence_cross_entropy(np.zeros((2, 3, 4)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="logits must be 3-dimensional"):
        sequence_cross_entropy(np.zeros((2, 3)), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_grad_norm([np.ones(2)], 0)
    with pytest.raises(TypeError, match="grads must be a list"):
        clip_grad_norm(np.ones(2), 1.0)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        softmax_with_temperature(np.zeros(3), 0.0)
    model = Sequential([RNN(2, 3, rng=0), LastStep(), Dense(3, 2, rng=0)])
    with pytest.raises(ValueError, match="loss must be one of"):
        train(model, np.zeros((4, 3, 2)), np.zeros(4, int), loss="hinge", optimizer=SGD(),
              epochs=1, batch_size=2, rng=0)
    with pytest.raises(ValueError, match="clip must be None or > 0"):
        train(model, np.zeros((4, 3, 2)), np.zeros(4, int), loss="softmax_cross_entropy",
              optimizer=SGD(), epochs=1, batch_size=2, rng=0, clip=-1)
    with pytest.raises(ValueError, match=r"y must hold integer class labels of shape \(4, 3\)"):
        train(Sequential([RNN(2, 3, rng=0), TimeDistributed(Dense(3, 2, rng=0))]), np.zeros((4, 3, 2)),
              np.zeros(4, int), loss="sequence_cross_entropy", optimizer=SGD(), epochs=1, batch_size=2, rng=0)
    with pytest.raises(TypeError, match="layer must be a layer"):
        TimeDistributed(object())


# ------------------------------------------------------------- PyTorch layout
def test_lstm_layout_matches_pytorch():
    torch = pytest.importorskip("torch")
    layer = _random_layer(LSTM, 3, 4, 10)
    net = torch.nn.LSTM(3, 4, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(layer.W_x.T.copy()))
        net.weight_hh_l0.copy_(torch.from_numpy(layer.W_h.T.copy()))
        net.bias_ih_l0.copy_(torch.from_numpy(layer.b.copy()))
        net.bias_hh_l0.zero_()
    X = np.random.default_rng(10).normal(size=(2, 5, 3))
    out, (h, c) = net(torch.from_numpy(X))
    H, (hT, cT) = layer.forward(X, return_state=True)
    np.testing.assert_allclose(out.detach().numpy(), H, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c.detach().numpy()[0], cT, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("n", [1, 4, 16])
def test_orthogonal_has_unit_singular_values(n):
    Q = nnlib.orthogonal(n, np.random.default_rng(n))
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 1.0, atol=1e-12)
    with pytest.raises(ValueError, match="n must be >= 1"):
        nnlib.orthogonal(0, 0)


def test_last_step_and_time_distributed_shapes():
    X = np.random.default_rng(11).normal(size=(2, 5, 3))
    last = LastStep()
    np.testing.assert_array_equal(last.forward(X), X[:, -1])
    dX = last.backward(np.ones((2, 3)))
    assert dX.shape == X.shape and np.all(dX[:, :-1] == 0) and np.all(dX[:, -1] == 1)
    with pytest.raises(ValueError, match=r"dY must have shape \(2, 3\)"):
        last.backward(np.ones((2, 4)))
    td = TimeDistributed(Dense(3, 4, rng=0))
    Y = td.forward(X)
    np.testing.assert_allclose(Y[:, 2], td.layer.forward(X[:, 2]))
    with pytest.raises(ValueError, match=r"dY must have shape \(2, 5, k\)"):
        td.backward(np.ones((2, 4, 4)))
