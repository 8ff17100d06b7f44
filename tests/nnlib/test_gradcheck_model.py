"""Unit tests of nnlib.backprop_check.gradcheck: backpropagation checked entry by entry.

Oracles: central differences of the batch-mean loss (float64) for every entry of
every parameter, through networks with smooth activations and every loss; a
deliberately broken backward must be caught; parameters must come back bit for bit.
"""
import numpy as np
import pytest

from nnlib.backprop_check import gradcheck
from nnlib.layers import Dense, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh

LOSSES = ["softmax_cross_entropy", "binary_cross_entropy_with_logits", "mse"]


def net_and_data(seed, hidden=(Tanh, Sigmoid), n_in=3, width=4, K=3, m=6, loss="mse", dtype=np.float64):
    rng = np.random.default_rng(seed)
    layers, n = [], n_in
    for act in hidden:
        layers += [Dense(n, width, rng=rng, dtype=dtype), act()]
        n = width
    net = Sequential(layers + [Dense(n, K, rng=rng, dtype=dtype)])
    for p in net.parameters():                                   # nonzero biases too
        p[...] = rng.normal(scale=0.7, size=p.shape)
    X = rng.normal(size=(m, n_in))
    if loss == "softmax_cross_entropy":
        y = rng.integers(0, K, size=m)
    elif loss == "binary_cross_entropy_with_logits":
        y = rng.integers(0, 2, size=(m, K)).astype(float)
    else:
        y = rng.normal(size=(m, K))
    return net, X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("hidden", [(Tanh,), (Sigmoid,), (Tanh, Sigmoid), (Sigmoid, Sigmoid, Tanh)],
                         ids=lambda h: "-".join(c.__name__ for c in h))
@pytest.mark.parametrize("loss", LOSSES)
def test_backprop_matches_central_differences(loss, hidden, seed):
    net, X, y = net_and_data(seed, hidden, loss=loss)
    errors = gradcheck(net, loss, X, y)
    assert len(errors) == len(net.parameters()) == 2 * (len(hidden) + 1)
    assert all(isinstance(e, float) for e in errors)
    assert max(errors) < 1e-7, errors


@pytest.mark.parametrize("loss", LOSSES)
def test_single_output_and_linear_model(loss):
    net, X, y = net_and_data(3, hidden=(), K=2 if loss == "softmax_cross_entropy" else 1, loss=loss)
    assert max(gradcheck(net, loss, X, y if y.ndim == 1 or loss == "softmax_cross_entropy" else y[:, 0])) < 1e-7


def test_relu_and_leaky_relu_nets_away_from_kinks():
    for act in (ReLU, LeakyReLU):
        net, X, y = net_and_data(4, hidden=(act,), loss="softmax_cross_entropy")
        assert np.min(np.abs(net[0].forward(X))) > 1e-3, "a pre-activation sits on the kink"
        assert max(gradcheck(net, "softmax_cross_entropy", X, y)) < 1e-7


@pytest.mark.parametrize("loss", LOSSES)
def test_parameters_are_restored_bit_for_bit(loss):
    net, X, y = net_and_data(5, loss=loss)
    params = net.parameters()
    before = [p.copy() for p in params]
    out_before = net.forward(X).copy()
    gradcheck(net, loss, X, y)
    assert all(p is q for p, q in zip(params, net.parameters()))
    assert all(np.array_equal(p, q) for p, q in zip(params, before))
    assert np.array_equal(net.forward(X), out_before)


def wrong_activation_backward(layer):
    """A backward that forgets the activation's derivative (a classic bug)."""
    return lambda dA, need_input_grad=True: dA


def wrong_dense_backward(layer):
    """A backward whose dW is twice X^T dZ (a wrong constant)."""
    original = layer.backward

    def backward(dZ, need_input_grad=True):
        dX = original(dZ, need_input_grad)
        layer.dW *= 2
        return dX
    return backward


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("bug, index, bad_params", [(wrong_activation_backward, 1, [0, 1]),
                                                     (wrong_dense_backward, 2, [2]),
                                                     (wrong_dense_backward, 0, [0])],
                         ids=["activation", "dense-2", "dense-0"])
def test_a_broken_backward_is_detected(monkeypatch, loss, bug, index, bad_params):
    net, X, y = net_and_data(6, hidden=(Tanh,), loss=loss)
    assert max(gradcheck(net, loss, X, y)) < 1e-7
    monkeypatch.setattr(net[index], "backward", bug(net[index]))
    errors = gradcheck(net, loss, X, y)
    assert all(errors[i] > 1e-2 for i in bad_params), errors
    assert all(errors[i] < 1e-7 for i in range(len(errors)) if i not in bad_params), errors


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda a: {**a, "model": Dense(3, 3, rng=0)}, TypeError, "model"),
        (lambda a: {**a, "loss": "cross_entropy"}, ValueError, "loss"),
        (lambda a: {**a, "loss": None}, ValueError, "loss"),
        (lambda a: {**a, "X": a["X"][:, :2]}, ValueError, r"\bX\b"),
        (lambda a: {**a, "X": np.full_like(a["X"], np.nan)}, ValueError, r"\bX\b"),
        (lambda a: {**a, "y": a["y"] + 3}, ValueError, r"\by\b"),
        (lambda a: {**a, "y": a["y"].astype(float)}, ValueError, r"\by\b"),
        (lambda a: {**a, "y": a["y"][:-1]}, ValueError, r"\by\b"),
        (lambda a: {**a, "eps": 0.0}, ValueError, "eps"),
        (lambda a: {**a, "model": net_and_data(0, dtype=np.float32)[0]}, TypeError, "model"),
    ],
    ids=["not-sequential", "bad-loss", "loss-none", "X-width", "X-nan", "labels-range", "labels-float",
         "y-length", "eps", "float32"],
)
def test_bad_input(change, error, match):
    net, X, y = net_and_data(0, loss="softmax_cross_entropy")
    args = change({"model": net, "loss": "softmax_cross_entropy", "X": X, "y": y, "eps": 1e-6})
    with pytest.raises(error, match=match):
        gradcheck(**args)
