"""Unit tests of nnlib.regularization (penalties, dropout) and of the estimators' alpha,
solver and early stopping (chapter 10).

Oracles: the penalties written in SymPy and their gradients by central
differences; dropout's expectation E[X * M] = X measured over many masks; its
backward against finite differences with a fixed mask; scikit-learn's meaning of
``alpha`` (the penalty alpha / (2 m) ||W||^2 of a batch of m examples) checked on
one full-batch step.
"""
import numpy as np
import pytest
import sympy as sp
from oracles import sympy_fn

import nnlib
from nnlib.layers import Dense, ReLU, Sequential
from nnlib.mlp import MLPClassifier, MLPRegressor
from nnlib.optim import SGD
from nnlib.dropout_layer import Dropout, dropout, dropout_mask
from nnlib.regularization import (
    l1_penalty,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
)
from nnlib.training import train


def test_penalties_match_sympy_and_finite_differences():
    w = sp.symbols("w0:5", real=True)
    alpha = sp.Rational(3, 10)
    l2 = alpha / 2 * sum(x**2 for x in w)
    l1 = alpha * sum(sp.Abs(x) for x in w)
    values = np.random.default_rng(0).normal(size=5)
    params = [values[:2], values[2:].reshape(3, 1)]
    assert np.isclose(l2_penalty(params, 0.3), sympy_fn(l2, w)(*values), rtol=1e-14)
    assert np.isclose(l1_penalty(params, 0.3), sympy_fn(l1, w)(*values), rtol=1e-14)
    grad_l2 = np.concatenate([g.ravel() for g in l2_penalty_grad(params, 0.3)])
    np.testing.assert_allclose(grad_l2, [float(sp.diff(l2, x).subs(dict(zip(w, values)))) for x in w], rtol=1e-14)
    for penalty, grad in ((l2_penalty, l2_penalty_grad), (l1_penalty, l1_penalty_grad)):
        numeric = nnlib.numerical_gradient(lambda v: penalty([v], 0.3), values.copy())
        assert nnlib.relative_error(grad([values], 0.3)[0], numeric) < 1e-7


def test_l1_subgradient_is_zero_at_zero_and_keeps_dtype():
    p = np.array([-2.0, 0.0, 3.0], dtype=np.float32)
    (g,) = l1_penalty_grad([p], 0.5)
    np.testing.assert_array_equal(g, [-0.5, 0.0, 0.5])
    assert g.dtype == np.float32 and l2_penalty_grad([p], 0.5)[0].dtype == np.float32


@pytest.mark.parametrize("fn", [l2_penalty, l2_penalty_grad, l1_penalty, l1_penalty_grad])
def test_penalties_reject_bad_input(fn):
    with pytest.raises(ValueError, match="alpha"):
        fn([np.ones(2)], -0.1)
    with pytest.raises(TypeError, match="params"):
        fn(np.ones(2), 0.1)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_values_and_expectation(p):
    mask = dropout_mask((400, 500), p, rng=0)
    assert set(np.unique(mask)) <= {0.0, 1 / (1 - p)}
    n = mask.size                                       # each entry: mean 1, variance p / (1 - p)
    assert abs(mask.mean() - 1) < 5 * np.sqrt(p / (1 - p) / n)
    assert abs(np.mean(mask == 0) - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_dropout_layer_expectation_and_eval_mode():
    X = np.random.default_rng(1).normal(size=(4, 6))
    layer = Dropout(0.5, rng=2)
    outputs = np.array([layer.forward(X) for _ in range(20000)])
    sd = np.abs(X) / np.sqrt(20000)                     # sd of the mean: |x| sqrt(p / (1 - p) / n)
    assert np.all(np.abs(outputs.mean(axis=0) - X) < 5 * sd)
    layer.training = False
    assert layer.forward(X) is X or np.array_equal(layer.forward(X), X)
    dA = np.ones_like(X)
    np.testing.assert_array_equal(layer.backward(dA), dA)
    assert Dropout(0.0, rng=0).forward(X) is not None and np.array_equal(Dropout(0.0, rng=0).forward(X), X)


def test_dropout_backward_matches_finite_differences_with_a_fixed_mask():
    rng = np.random.default_rng(3)
    X, C = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    mask = dropout_mask(X.shape, 0.3, rng=4)
    numeric = nnlib.numerical_gradient(lambda Z: np.sum(C * dropout(Z, mask)), X)
    assert nnlib.relative_error(dropout(C, mask), numeric) < 1e-9      # dL/dX = C * mask
    layer = Dropout(0.3, rng=5)
    A, mask = layer.forward(X), layer._mask
    assert set(np.unique(mask)) == {0.0, 1 / 0.7}
    np.testing.assert_array_equal(A, X * mask)
    np.testing.assert_array_equal(layer.backward(C), C * mask)


def test_dropout_bad_input():
    with pytest.raises(TypeError):
        Dropout(0.5)                                    # rng is required
    with pytest.raises(TypeError, match="rng"):
        Dropout(0.5, rng=None)
    for p in (-0.1, 1.0):
        with pytest.raises(ValueError, match="p"):
            Dropout(p, rng=0)
    with pytest.raises(ValueError, match="mask"):
        dropout(np.ones((2, 2)), np.ones(3))


def test_train_switches_dropout_to_evaluation_mode():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(np.intp)
    drop = Dropout(0.5, rng=1)
    model = Sequential([Dense(3, 8, rng=2), ReLU(), drop, Dense(8, 2, rng=3)])
    history = train(model, X, y, loss="softmax_cross_entropy", optimizer=SGD(lr=0.1), epochs=3,
                    batch_size=10, rng=4, X_val=X, y_val=y)
    assert drop.training is False
    np.testing.assert_array_equal(model.forward(X), model.forward(X))   # deterministic in evaluation
    # the validation loss (evaluation mode) is the clean network's loss on the same data
    assert np.isclose(history.val_loss[-1], nnlib.softmax_cross_entropy(model.forward(X), y))


# ------------------------------------------------------------------ estimators
def digits_subset():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X[:400] / 16.0, y[:400]


def test_alpha_is_scikit_learns_penalty_on_one_full_batch_step():
    X, y = digits_subset()
    kw = dict(hidden_layer_sizes=(8,), lr=0.1, momentum=0.0, batch_size=len(X), epochs=1, random_state=0)
    plain, penalised = MLPClassifier(**kw).fit(X, y), MLPClassifier(**kw, alpha=2.0).fit(X, y)
    init = MLPClassifier(**{**kw, "lr": 1e-300}).fit(X, y)          # a step of ~0: the initial weights
    for layer in (0, 2):
        W_init = init.model_.layers[layer].W
        expected = plain.model_.layers[layer].W - 0.1 * 2.0 / len(X) * W_init
        np.testing.assert_allclose(penalised.model_.layers[layer].W, expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(penalised.model_.layers[layer].b, plain.model_.layers[layer].b)


def test_alpha_shrinks_the_weights():
    X, y = digits_subset()
    norms = [np.linalg.norm(MLPClassifier(hidden_layer_sizes=(16,), alpha=a, epochs=10, random_state=0)
                            .fit(X, y).model_.layers[0].W) for a in (0.0, 3.0)]
    assert norms[1] < 0.8 * norms[0]


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adagrad"])
def test_solvers_learn(solver):
    X, y = digits_subset()
    clf = MLPClassifier(hidden_layer_sizes=(16,), solver=solver, lr={"sgd": 0.05, "adagrad": 0.1}.get(solver, 0.01),
                        epochs=15, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.9


def test_early_stopping_stops_and_keeps_the_best_epoch():
    X, y = digits_subset()
    clf = MLPClassifier(hidden_layer_sizes=(16,), early_stopping=True, n_iter_no_change=3, tol=0.0,
                        epochs=300, random_state=0).fit(X, y)
    assert clf.n_iter_ < 300 and len(clf.validation_scores_) == clf.n_iter_ == len(clf.loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    best = int(np.argmax(clf.validation_scores_))
    assert clf.n_iter_ - 1 - best > 3                  # more than n_iter_no_change epochs without progress
    reg = MLPRegressor(hidden_layer_sizes=(8,), early_stopping=True, epochs=50, random_state=0, lr=0.01)
    reg.fit(X[:, :20], X[:, 20])
    assert reg.best_validation_score_ == max(reg.validation_scores_)


@pytest.mark.parametrize("kwargs, name", [({"alpha": -1.0}, "alpha"), ({"solver": "lbfgs"}, "solver"),
                                          ({"validation_fraction": 1.0}, "validation_fraction"),
                                          ({"tol": -1.0}, "tol"), ({"beta_1": 1.0}, "beta1"),
                                          ({"n_iter_no_change": 0}, "n_iter_no_change"),
                                          ({"solver": "adam", "lr": -0.1}, "lr")])
def test_estimator_bad_hyper_parameters(kwargs, name):
    X, y = digits_subset()
    with pytest.raises(ValueError, match=name):
        MLPClassifier(solver=kwargs.pop("solver", "adam" if name == "beta1" else "sgd"), **kwargs).fit(X, y)


def test_new_hyper_parameters_are_get_params_and_clone_aware():
    from sklearn.base import clone

    clf = MLPClassifier(alpha=0.1, solver="adam", early_stopping=True, validation_fraction=0.2)
    params = clone(clf).get_params()
    assert params["alpha"] == 0.1 and params["solver"] == "adam" and params["validation_fraction"] == 0.2
