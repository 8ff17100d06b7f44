"""Tests of nnlib.gru.GRU (chapter 9): PyTorch's nn.GRU values, finite differences, dtypes,
stability, bad input.

PyTorch is not a dependency of the book. ``tools/gru_torch_reference.py`` ran ``nn.GRU`` once
on fixed seeded weights and inputs and stored everything in ``tests/nnlib/data/gru_torch_reference.npz``;
the comparison with that file runs on every test run, at 1e-10 in float64.
"""
import pathlib

import numpy as np
import pytest

from nnlib import GRU, LSTM, RNN, Dense, Sequential, TimeDistributed, numerical_gradient, relative_error
from nnlib import sequence_cross_entropy, sequence_cross_entropy_grad
from oracles import assert_no_fp_issue

REFERENCE = pathlib.Path(__file__).parent / "data" / "gru_torch_reference.npz"


def _from_torch(ref):
    """An nnlib GRU holding PyTorch's weights: W = weight.T, biases merged where they add."""
    H = ref["weight_hh"].shape[1]
    layer = GRU(ref["weight_ih"].shape[1], H, rng=0)
    layer.W_x[...], layer.W_h[...] = ref["weight_ih"].T, ref["weight_hh"].T
    layer.b[...] = ref["bias_ih"] + np.r_[ref["bias_hh"][:2 * H], np.zeros(H)]
    layer.b_hn[...] = ref["bias_hh"][2 * H:]
    return layer


def test_gru_equals_pytorch_to_1e_10():
    ref = np.load(REFERENCE)
    H = ref["weight_hh"].shape[1]
    layer = _from_torch(ref)
    out, h_T = layer.forward(ref["X"], ref["h0"], return_state=True)
    np.testing.assert_allclose(out, ref["H"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(h_T, ref["h_T"], rtol=0, atol=1e-10)
    dX = layer.backward(ref["dH"], dstate=ref["dstate"])
    expected = {
        "dX": (dX, ref["dX"]),
        "dh0": (layer.dstate0, ref["dh0"]),
        "dW_x": (layer.dW_x, ref["dweight_ih"].T),
        "dW_h": (layer.dW_h, ref["dweight_hh"].T),
        "db": (layer.db, ref["dbias_ih"]),
        "db (r, z) = PyTorch's dbias_hh there": (layer.db[:2 * H], ref["dbias_hh"][:2 * H]),
        "db_hn": (layer.db_hn, ref["dbias_hh"][2 * H:]),
    }
    for name, (ours, theirs) in expected.items():
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10, err_msg=name)
    assert np.abs(ref["dweight_hh"]).max() > 0.1    # the comparison is not of zeros


def test_the_reference_file_changes_the_output_when_perturbed():
    """The 1e-10 comparison can fail: a reset gate applied before the product differs."""
    ref = np.load(REFERENCE)
    H = ref["weight_hh"].shape[1]
    X, h = ref["X"], ref["h0"]
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    W_ih, W_hh, b_ih, b_hh = ref["weight_ih"], ref["weight_hh"], ref["bias_ih"], ref["bias_hh"]
    for t in range(X.shape[1]):                     # Cho et al.: r applied to h before W_hn
        gx, gh = X[:, t] @ W_ih.T + b_ih, h @ W_hh.T + b_hh
        r, z = sig(gx[:, :H] + gh[:, :H]), sig(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gx[:, 2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])
        h = (1 - z) * n + z * h
    assert np.abs(h - ref["h_T"]).max() > 1e-3


def _random_gru(n_in, n_hidden, seed):
    layer = GRU(n_in, n_hidden, rng=seed)
    rng = np.random.default_rng(seed + 100)
    for p in layer.parameters():
        p[...] = rng.normal(scale=0.5, size=p.shape)
    return layer


@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_central_differences(seed):
    rng = np.random.default_rng(seed)
    layer = _random_gru(3, 4, seed)
    X, U = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    state, V = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))

    def loss(X=X, state=state):                     # <U, H> + <V, final h>
        H, final = layer.forward(X, state, return_state=True)
        return np.sum(U * H) + np.sum(V * final)

    loss()
    dX = layer.backward(U, dstate=V)
    assert len(layer.parameters()) == len(layer.gradients()) == 4
    for p, g in zip(layer.parameters(), [g.copy() for g in layer.gradients()]):
        saved = p.copy()

        def at(value, p=p):
            p[...] = value
            return loss()
        assert relative_error(g, numerical_gradient(at, saved)) < 1e-7
        p[...] = saved
    assert relative_error(dX, numerical_gradient(lambda x: loss(X=x), X)) < 1e-7
    assert relative_error(layer.dstate0, numerical_gradient(lambda h: loss(state=h), state)) < 1e-7


def test_whole_language_model_gradient():
    rng = np.random.default_rng(3)
    model = Sequential([_random_gru(5, 4, 3), TimeDistributed(Dense(4, 5, rng=rng))])
    X, y = rng.normal(size=(3, 6, 5)), rng.integers(0, 5, size=(3, 6))
    model.backward(sequence_cross_entropy_grad(model.forward(X), y))
    for p, g in zip(model.parameters(), [g.copy() for g in model.gradients()]):
        saved = p.copy()

        def at(value, p=p):
            p[...] = value
            return sequence_cross_entropy(model.forward(X), y)
        assert relative_error(g, numerical_gradient(at, saved)) < 1e-7
        p[...] = saved


def test_parameter_count_between_rnn_and_lstm():
    n, H = 37, 64
    gru = GRU(n, H, rng=0)
    assert gru.n_params == 3 * (n * H + H * H + H) + H == 19_648
    assert RNN(n, H, rng=0).n_params * 3 < gru.n_params < LSTM(n, H, rng=0).n_params
    assert "GRU(37 -> 64, 19648 parameters)" == repr(gru)


def test_float32_stays_float32_and_agrees_with_float64():
    rng = np.random.default_rng(6)
    l64 = _random_gru(3, 5, 6)
    l32 = GRU(3, 5, rng=0, dtype=np.float32)
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_thousand_steps_stay_finite(dtype, scale):
    rng = np.random.default_rng(7)
    layer = GRU(2, 8, rng=7, dtype=dtype)
    layer.W_h *= 3
    X = (scale * rng.normal(size=(2, 1000, 2))).astype(dtype)
    H = assert_no_fp_issue(layer.forward, X)
    assert H.shape == (2, 1000, 8) and H.dtype == dtype and np.all(np.abs(H) <= 1)
    dX = assert_no_fp_issue(layer.backward, np.ones_like(H))
    assert all(np.all(np.isfinite(g)) for g in layer.gradients()) and dX.dtype == dtype


def test_the_update_gate_carries_the_state_unchanged():
    """z = 1 (large update bias): h_t = h_{t-1}, and dh_0 = dh_T exactly (the additive path)."""
    layer = GRU(2, 3, rng=0)
    layer.b[3:6] = 1e4                              # z = sigma(1e4) = 1
    rng = np.random.default_rng(0)
    h0, X = rng.normal(size=(1, 3)), rng.normal(size=(1, 50, 2))
    H, h_T = layer.forward(X, h0, return_state=True)
    np.testing.assert_array_equal(h_T, h0)
    layer.backward(np.zeros_like(H), dstate=np.ones((1, 3)))
    np.testing.assert_array_equal(layer.dstate0, np.ones((1, 3)))


def test_bad_input_is_refused_clearly():
    layer = GRU(3, 4, rng=0)
    with pytest.raises(RuntimeError, match="forward before backward"):
        layer.backward(np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match=r"X must have shape \(m, T, 3\)"):
        layer.forward(np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match="finite"):
        layer.forward(np.full((2, 5, 3), np.nan).tolist())
    with pytest.raises(ValueError, match=r"state must have shape \(2, 4\)"):
        layer.forward(np.zeros((2, 5, 3)), np.zeros((2, 5)))
    layer.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"dH must have shape \(2, 5, 4\)"):
        layer.backward(np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match=r"dstate must have shape \(2, 4\)"):
        layer.backward(np.zeros((2, 5, 4)), dstate=np.zeros(4))
    with pytest.raises(TypeError, match="rng"):
        GRU(3, 4)
    with pytest.raises(ValueError, match="n_hidden"):
        GRU(3, 0, rng=0)
