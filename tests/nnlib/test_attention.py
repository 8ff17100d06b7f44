"""Attention (chapter 12): SymPy, finite differences, masks, extremes, bad input.

PyTorch's numbers are compared in tests/test_attention_torch.py; the layers
(MultiHeadAttention, TransformerBlock, Embedding, PositionalEncoding) in
tests/test_transformer.py.
"""
import warnings

import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib import causal_mask, scaled_dot_product_attention, scaled_dot_product_attention_grad


def _qkv(rng, shape_q=(2, 3, 4), shape_k=(2, 5, 4), d_v=3, scale=1.0):
    return (scale * rng.normal(size=shape_q), scale * rng.normal(size=shape_k),
            rng.normal(size=shape_k[:-1] + (d_v,)))


def test_attention_equals_a_sympy_derivation_values_and_gradients():
    """O = softmax(Q K^T / sqrt(d_k)) V and d<U, O>/d(Q, K, V), symbol by symbol, on a 2x3 case."""
    Tq, Tk, dk, dv = 2, 3, 2, 2
    Q, K, V, U = (sp.Matrix(r, c, lambda i, j, s=s: sp.Symbol(f"{s}{i}{j}")) for s, r, c in
                  (("q", Tq, dk), ("k", Tk, dk), ("v", Tk, dv), ("u", Tq, dv)))
    S = Q * K.T / sp.sqrt(dk)
    P = sp.Matrix(Tq, Tk, lambda i, j: sp.exp(S[i, j]) / sum(sp.exp(S[i, l]) for l in range(Tk)))
    O = P * V
    loss = sum(U[i, j] * O[i, j] for i in range(Tq) for j in range(dv))
    syms = [*Q, *K, *V, *U]
    grads = [[sp.diff(loss, x) for x in M] for M in (Q, K, V)]
    rng = np.random.default_rng(1)
    q, k, v, u = (rng.normal(size=(r, c)) for r, c in ((Tq, dk), (Tk, dk), (Tk, dv), (Tq, dv)))
    values = [*q.ravel(), *k.ravel(), *v.ravel(), *u.ravel()]
    expected_O = np.array(sp.lambdify(syms, O)(*values), dtype=float)
    np.testing.assert_allclose(scaled_dot_product_attention(q, k, v), expected_O, rtol=1e-13)
    for got, g, shape in zip(scaled_dot_product_attention_grad(q, k, v, u), grads, (q.shape, k.shape, v.shape)):
        want = np.array(sp.lambdify(syms, g)(*values), dtype=float).reshape(shape)
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)


def _fd(Q, K, V, dO, mask=None):
    f = [lambda q: np.sum(dO * scaled_dot_product_attention(q, K, V, mask)),
         lambda k: np.sum(dO * scaled_dot_product_attention(Q, k, V, mask)),
         lambda v: np.sum(dO * scaled_dot_product_attention(Q, K, v, mask))]
    return [nnlib.numerical_gradient(fi, A.copy()) for fi, A in zip(f, (Q, K, V))]


@pytest.mark.parametrize("masked", ["none", "causal", "random"])
def test_gradients_match_finite_differences(masked):
    rng = np.random.default_rng(2)
    T = 5
    Q, K, V = _qkv(rng, (2, T, 4), (2, T, 4))
    mask = {"none": None, "causal": causal_mask(T), "random": rng.random((T, T)) < 0.5}[masked]
    if mask is not None:
        mask[:, 0] = True
    dO = rng.normal(size=(2, T, 3))
    for got, want in zip(scaled_dot_product_attention_grad(Q, K, V, dO, mask), _fd(Q, K, V, dO, mask)):
        assert nnlib.relative_error(got, want) < 1e-8


def test_broadcast_batch_axes_get_summed_gradients():
    """K, V shared by every head of a batch: their gradients sum over the broadcast axis."""
    rng = np.random.default_rng(3)
    Q, K, V = rng.normal(size=(3, 2, 4, 5)), rng.normal(size=(2, 6, 5)), rng.normal(size=(1, 6, 2))
    dO = rng.normal(size=(3, 2, 4, 2))
    got = scaled_dot_product_attention_grad(Q, K, V, dO)
    assert [g.shape for g in got] == [Q.shape, K.shape, V.shape]
    for g, w in zip(got, _fd(Q, K, V, dO)):
        assert nnlib.relative_error(g, w) < 1e-8


def test_weights_are_a_softmax_and_masked_entries_are_exactly_zero():
    rng = np.random.default_rng(4)
    Q, K, V = _qkv(rng, (6, 4), (6, 4))
    O, P = scaled_dot_product_attention(Q, K, V, causal_mask(6), return_weights=True)
    np.testing.assert_allclose(P.sum(axis=-1), 1, rtol=1e-15)
    assert np.all(P[~causal_mask(6)] == 0) and np.all(P[causal_mask(6)] > 0)
    np.testing.assert_allclose(O, P @ V, rtol=1e-15)
    assert np.array_equal(causal_mask(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]])


def test_output_at_t_does_not_depend_on_later_positions():
    rng = np.random.default_rng(5)
    Q, K, V = _qkv(rng, (7, 4), (7, 4))
    O = scaled_dot_product_attention(Q, K, V, causal_mask(7))
    Q2, K2, V2 = Q.copy(), K.copy(), V.copy()
    Q2[4:], K2[4:], V2[4:] = 100.0, -50.0, 1e3           # change the future only
    O2 = scaled_dot_product_attention(Q2, K2, V2, causal_mask(7))
    np.testing.assert_allclose(O2[:4], O[:4], rtol=1e-14, atol=0)
    assert not np.allclose(O2[4:], O[4:])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("causal", [False, True])
def test_scores_of_size_1e4_stay_finite_and_warning_free(dtype, causal):
    rng = np.random.default_rng(6)
    Q, K, V = (A.astype(dtype) for A in _qkv(rng, (5, 4), (5, 4), scale=100.0))   # scores ~ 1e4
    mask = causal_mask(5) if causal else None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        O, P = scaled_dot_product_attention(Q, K, V, mask, return_weights=True)
        grads = scaled_dot_product_attention_grad(Q, K, V, np.ones_like(O), mask)
    S = Q.astype(np.float64) @ K.T.astype(np.float64) / 2
    assert np.abs(S).max() > 5e3
    assert O.dtype == dtype and all(g.dtype == dtype for g in grads)
    assert np.all(np.isfinite(O)) and all(np.all(np.isfinite(g)) for g in grads)
    np.testing.assert_allclose(P.sum(axis=-1), 1, rtol=1e-6)
    # at such scores each row's weight sits (almost) entirely on its largest allowed score
    S = np.where(causal_mask(5), S, -np.inf) if causal else S
    np.testing.assert_allclose(P.argmax(axis=-1), S.argmax(axis=-1))


def test_bad_input_gets_a_clear_error():
    rng = np.random.default_rng(7)
    Q, K, V = _qkv(rng, (3, 4), (5, 4))
    with pytest.raises(ValueError, match="K must have the width"):
        scaled_dot_product_attention(Q, K[:, :3], V)
    with pytest.raises(ValueError, match="V must have as many rows"):
        scaled_dot_product_attention(Q, K, V[:4])
    with pytest.raises(ValueError, match="mask must have shape"):
        scaled_dot_product_attention(Q, K, V, np.ones((3, 4), dtype=bool))
    with pytest.raises(ValueError, match="broadcastable to the scores"):
        scaled_dot_product_attention(Q, K, V, np.ones((2, 3, 5), dtype=bool))
    with pytest.raises(ValueError, match="broadcastable to the scores"):
        scaled_dot_product_attention(Q[None], K[None], V[None], np.ones((2, 3, 5), dtype=bool))
    with pytest.raises(TypeError, match="mask must be a boolean"):
        scaled_dot_product_attention(Q, K, V, np.ones((3, 5)))
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    with pytest.raises(ValueError, match="fully masked row"):
        scaled_dot_product_attention(Q, K, V, mask)
    with pytest.raises(ValueError, match="fully masked row"):
        scaled_dot_product_attention_grad(Q, K, V, np.ones((3, 3)), mask)
    with pytest.raises(ValueError, match="dO must have the output's shape"):
        scaled_dot_product_attention_grad(Q, K, V, np.ones((3, 4)))
    with pytest.raises(ValueError, match="Q must contain only finite"):
        scaled_dot_product_attention(np.full_like(Q, np.nan), K, V)
    with pytest.raises(ValueError, match="Q must have at least 2"):
        scaled_dot_product_attention(Q[0], K, V)
    with pytest.raises(ValueError, match="broadcastable batch axes"):
        scaled_dot_product_attention(np.ones((2, 3, 4)), np.ones((3, 5, 4)), np.ones((3, 5, 2)))
    with pytest.raises(ValueError, match="T must be >= 1"):
        causal_mask(0)


def test_sinusoid_values_and_relative_offset_rotation():
    T, d = 50, 16
    PE = nnlib.sinusoidal_positional_encoding(T, d)
    t, i = np.arange(T)[:, None], np.arange(d // 2)[None, :]
    omega = 10000.0 ** (-2 * i / d)
    np.testing.assert_allclose(PE[:, 0::2], np.sin(t * omega), rtol=0, atol=1e-15)
    np.testing.assert_allclose(PE[:, 1::2], np.cos(t * omega), rtol=0, atol=1e-15)
    for k in (1, 3, 17):                                 # PE[t + k] = R(k omega) PE[t], for every t
        c, s = np.cos(k * omega[0]), np.sin(k * omega[0])
        sin_t, cos_t = PE[:T - k, 0::2], PE[:T - k, 1::2]
        np.testing.assert_allclose(PE[k:, 0::2], c * sin_t + s * cos_t, atol=1e-12)
        np.testing.assert_allclose(PE[k:, 1::2], -s * sin_t + c * cos_t, atol=1e-12)
    odd = nnlib.sinusoidal_positional_encoding(4, 5)
    np.testing.assert_array_equal(odd[:, :4], nnlib.sinusoidal_positional_encoding(4, 5)[:, :4])
    np.testing.assert_allclose(odd[:, 4], np.sin(np.arange(4) * 10000.0 ** (-4 / 5)))
    for bad, exc in [((0, 4), ValueError), ((3, 2.0), TypeError)]:
        with pytest.raises(exc, match="T must|d_model must"):
            nnlib.sinusoidal_positional_encoding(*bad)
    with pytest.raises(ValueError, match="base must be"):
        nnlib.sinusoidal_positional_encoding(3, 4, base=1.0)
