"""Transformer layers (chapter 12): finite differences, causality, equivariance, training, bad input.

MultiHeadAttention, TransformerBlock, Embedding and PositionalEncoding, each on
the layer protocol that nnlib.training.train runs.
"""
import warnings

import numpy as np
import pytest

import nnlib
from nnlib import (Adam, Dense, Embedding, LayerNorm, MultiHeadAttention, PositionalEncoding, Sequential,
                   TimeDistributed, TransformerBlock)


def _randomise(layer, rng, scale=0.5):
    """Parameters away from their start (biases 0, LayerNorm's gamma 1), so every term is tested."""
    for p in layer.parameters():
        p[...] = rng.normal(1.0 if p.ndim == 1 and np.all(p == 1) else 0.0, scale, p.shape)
    return layer


def _fd_check(layer, X, rtol=1e-7, seed=0, input_grad=True):
    """Every gradient of ``layer`` (input and parameters) against central differences of <u, layer(X)>."""
    u = np.random.default_rng(seed).standard_normal(layer.forward(X).shape)
    dX = layer.backward(u)
    analytic = [g.copy() for g in layer.gradients()]
    numeric = []
    for p in layer.parameters():
        saved = p.copy()

        def f(value, p=p):
            p[...] = value
            return np.sum(u * layer.forward(X))
        numeric.append(nnlib.numerical_gradient(f, saved))
        p[...] = saved
    if input_grad:
        analytic.append(dX)
        numeric.append(nnlib.numerical_gradient(lambda x: np.sum(u * layer.forward(x)), X.copy()))
    assert len(analytic) == len(layer.parameters()) + input_grad
    for a, n in zip(analytic, numeric):
        if np.abs(n).max() < 1e-7:             # a gradient that is 0 (the key bias's, below)
            assert np.abs(a).max() < 1e-12
        else:
            assert nnlib.relative_error(a, n) < rtol


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_gradients_match_finite_differences(causal):
    rng = np.random.default_rng(0)
    layer = _randomise(MultiHeadAttention(8, 2, causal=causal, rng=1), rng)
    _fd_check(layer, rng.normal(size=(2, 5, 8)))
    # b_k adds q.b_k to a whole row of scores, and softmax ignores a shift: its gradient is 0
    assert np.abs(layer.db_k).max() < 1e-12 and np.abs(layer.db_q).max() > 1e-3


@pytest.mark.parametrize("causal", [False, True])
def test_transformer_block_gradients_match_finite_differences(causal):
    rng = np.random.default_rng(1)
    block = _randomise(TransformerBlock(6, 3, 10, causal=causal, rng=2), rng)
    _fd_check(block, rng.normal(size=(2, 4, 6)), rtol=1e-6)


def test_embedding_gradient_is_a_scatter_add_and_matches_finite_differences():
    rng = np.random.default_rng(2)
    emb = Embedding(6, 3, rng=0)
    X = np.array([[0, 1, 1, 5], [5, 0, 2, 1]])
    _fd_check(emb, X, input_grad=False)
    dY = rng.normal(size=(2, 4, 3))
    emb.forward(X)
    assert np.array_equal(emb.backward(dY), np.zeros((2, 4)))
    np.testing.assert_allclose(emb.dW[1], dY[0, 1] + dY[0, 2] + dY[1, 3], rtol=1e-15)
    np.testing.assert_array_equal(emb.dW[[3, 4]], 0)      # tokens that do not occur
    np.testing.assert_array_equal(emb.forward(X.astype(float)), emb.W[X])   # train passes floats


@pytest.mark.parametrize("kind", ["sinusoidal", "learned"])
def test_positional_encoding_gradients_and_values(kind):
    rng = np.random.default_rng(3)
    layer = PositionalEncoding(7, 4, kind=kind, rng=0)
    X = rng.normal(size=(2, 5, 4))
    _fd_check(layer, X)
    np.testing.assert_allclose(layer.forward(X) - X, np.broadcast_to(layer.P[:5], X.shape), atol=1e-15)
    if kind == "sinusoidal":
        assert layer.parameters() == [] and layer.n_params == 0
        np.testing.assert_array_equal(layer.P, nnlib.sinusoidal_positional_encoding(7, 4))
    else:
        np.testing.assert_array_equal(layer.dP[5:], 0)     # positions never seen get no gradient


@pytest.mark.parametrize("make", [lambda: MultiHeadAttention(8, 4, causal=True, rng=0),
                                  lambda: TransformerBlock(8, 2, 16, causal=True, rng=0)])
def test_causal_output_at_t_does_not_depend_on_later_positions(make):
    rng = np.random.default_rng(4)
    layer, X = _randomise(make(), rng), rng.normal(size=(3, 9, 8))
    Y = layer.forward(X)
    for t in (0, 4, 7):
        X2 = X.copy()
        X2[:, t + 1:] = rng.normal(0, 10, X2[:, t + 1:].shape)
        Y2 = layer.forward(X2)
        np.testing.assert_allclose(Y2[:, :t + 1], Y[:, :t + 1], rtol=1e-12, atol=1e-13)
        assert not np.allclose(Y2[:, t + 1:], Y[:, t + 1:])
    layer.forward(X)                                      # and backwards: a loss at t reaches only <= t
    dY = np.zeros_like(X)
    dY[:, 4] = 1.0
    dX = layer.backward(dY)
    assert np.all(dX[:, 5:] == 0) and np.all(np.abs(dX[:, :5]).sum(axis=(0, 2)) > 0)


@pytest.mark.parametrize("make", [lambda: MultiHeadAttention(8, 2, rng=0),
                                  lambda: TransformerBlock(8, 2, 16, rng=0)])
def test_without_positions_self_attention_is_permutation_equivariant(make):
    rng = np.random.default_rng(5)
    layer, X = _randomise(make(), rng), rng.normal(size=(2, 6, 8))
    perm = rng.permutation(6)
    np.testing.assert_allclose(layer.forward(X[:, perm]), layer.forward(X)[:, perm], rtol=1e-12, atol=1e-13)
    with_positions = Sequential([PositionalEncoding(6, 8), layer])   # positions break the symmetry
    assert not np.allclose(with_positions.forward(X[:, perm]), with_positions.forward(X)[:, perm])


def test_weights_are_kept_and_heads_are_subspaces():
    rng = np.random.default_rng(6)
    layer = _randomise(MultiHeadAttention(6, 3, causal=True, rng=0), rng)
    X = rng.normal(size=(2, 4, 6))
    Y = layer.forward(X)
    assert layer.weights.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(layer.weights.sum(axis=-1), 1, rtol=1e-14)
    heads = [nnlib.scaled_dot_product_attention(X @ layer.W_q[:, h * 2:h * 2 + 2] + layer.b_q[h * 2:h * 2 + 2],
                                                X @ layer.W_k[:, h * 2:h * 2 + 2] + layer.b_k[h * 2:h * 2 + 2],
                                                X @ layer.W_v[:, h * 2:h * 2 + 2] + layer.b_v[h * 2:h * 2 + 2],
                                                nnlib.causal_mask(4)) for h in range(3)]
    np.testing.assert_allclose(Y, np.concatenate(heads, axis=-1) @ layer.W_o + layer.b_o, rtol=1e-12)
    assert layer.n_params == 4 * 36 + 4 * 6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_causal_language_model_trains_with_train(dtype):
    """Embedding, positions, a block, LayerNorm, a read-out: the loss of a periodic text falls."""
    text = np.arange(400) % 7
    X = np.stack([text[i:i + 8] for i in range(0, 380, 3)])
    y = np.stack([text[i + 1:i + 9] for i in range(0, 380, 3)])
    model = Sequential([Embedding(7, 16, rng=0, dtype=dtype), PositionalEncoding(8, 16, dtype=dtype),
                        TransformerBlock(16, 2, 32, causal=True, rng=1, dtype=dtype), LayerNorm(16, dtype=dtype),
                        TimeDistributed(Dense(16, 7, rng=2, dtype=dtype))])
    history = nnlib.train(model, X, y, loss="sequence_cross_entropy", optimizer=Adam(lr=0.01), epochs=10,
                          batch_size=16, rng=0)
    assert history.loss[0] > 0.5 and history.loss[-1] < 0.05 and history.accuracy[-1] == 1.0
    assert all(p.dtype == dtype for p in model.parameters())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_stay_finite_and_warning_free(dtype):
    rng = np.random.default_rng(7)
    layer = MultiHeadAttention(8, 2, causal=True, rng=0, dtype=dtype)
    X = rng.normal(0, 300, (2, 5, 8)).astype(dtype)        # scores of order 1e4 and more
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Y = layer.forward(X)
        dX = layer.backward(np.ones_like(Y))
    assert np.abs(layer._cache[4][np.isfinite(layer._cache[4])]).max() > 1e3
    assert Y.dtype == dtype and np.all(np.isfinite(Y)) and np.all(np.isfinite(dX))


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="d_model=10 must be divisible by n_heads=4"):
        MultiHeadAttention(10, 4, rng=0)
    with pytest.raises(ValueError, match="divisible"):
        TransformerBlock(10, 3, 8, rng=0)
    layer = MultiHeadAttention(8, 2, rng=0)
    with pytest.raises(ValueError, match="X must have 8 entries on its last axis"):
        layer.forward(np.ones((2, 3, 7)))
    with pytest.raises(ValueError, match="X must be 3-dimensional"):
        layer.forward(np.ones((3, 8)))
    with pytest.raises(RuntimeError, match="call forward before backward"):
        layer.backward(np.ones((2, 3, 8)))
    layer.forward(np.ones((2, 3, 8)))
    with pytest.raises(ValueError, match="dY must have the shape"):
        layer.backward(np.ones((2, 4, 8)))
    with pytest.raises(ValueError, match="X must have 8 entries"):
        TransformerBlock(8, 2, 16, rng=0).forward(np.ones((2, 3, 6)))
    with pytest.raises(TypeError, match="rng must be"):
        MultiHeadAttention(8, 2)
    emb = Embedding(5, 3, rng=0)
    with pytest.raises(ValueError, match=r"tokens in \[0, 5\)"):
        emb.forward(np.array([[0, 5]]))
    with pytest.raises(ValueError, match=r"tokens in \[0, 5\)"):
        emb.forward(np.array([[-1, 2]]))
    for bad in (np.array([[0.0, 1.5]]), np.array([[0.0, np.nan]])):
        with pytest.raises(ValueError, match="not whole numbers"):
            emb.forward(bad)
    with pytest.raises(ValueError, match=r"tokens in \[0, 5\)"):
        emb.forward(np.array([[0.0, np.inf]]))
    with pytest.raises(TypeError, match="X must hold integer tokens"):
        emb.forward(np.array([["a"]]))
    with pytest.raises(ValueError, match="more than max_len=4"):
        PositionalEncoding(4, 3).forward(np.ones((1, 5, 3)))
    with pytest.raises(ValueError, match="kind must be"):
        PositionalEncoding(4, 3, kind="rotary")


def test_gradcheck_of_a_whole_causal_language_model():
    """nnlib.gradcheck (chapter 7) on every parameter of embedding, positions, block, LayerNorm, read-out."""
    text = np.arange(60) % 7
    X = np.stack([text[i:i + 8] for i in range(0, 40, 5)])
    y = np.stack([text[i + 1:i + 9] for i in range(0, 40, 5)])
    block = TransformerBlock(8, 2, 16, causal=True, rng=1)
    model = Sequential([Embedding(7, 8, rng=0), PositionalEncoding(8, 8, kind="learned", rng=0), block,
                        LayerNorm(8), TimeDistributed(Dense(8, 7, rng=2))])
    errors = nnlib.gradcheck(model, "sequence_cross_entropy", X, y)
    key_bias = next(i for i, p in enumerate(model.parameters()) if p is block.attention.b_k)
    assert len(errors) == len(model.parameters())
    assert max(e for i, e in enumerate(errors) if i != key_bias) < 1e-7
    assert np.abs(block.attention.db_k).max() < 1e-15          # its true gradient is 0 (shift invariance)
