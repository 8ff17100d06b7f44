"""Unit tests of nnlib.perceptron, the claims of chapter 2 in executable form.

Oracles: the learning rule derived in SymPy (negative gradient of the perceptron
criterion) and central differences of that criterion; the truth tables of AND, OR,
NAND; Novikoff's bound (R / gamma)^2 on random separable data; XOR's
non-separability; and scikit-learn's Perceptron under the matched configuration.
"""
import numpy as np
import pytest
import sympy as sp
from oracles import sympy_fn
from sklearn.base import clone
from sklearn.linear_model import Perceptron as SkPerceptron

import nnlib
from nnlib.base import NotFittedError
from nnlib.perceptron import Perceptron

X_BOOL = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}
SEEDS = range(8)


def separable(seed, m=60, n=3, gap=0.1):
    """Random data separated by a random hyperplane with margin ``gap`` (augmented, unit normal)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=n)
    u = np.r_[w, -w @ rng.uniform(-0.5, 0.5, size=n)]        # through a point inside the cube
    u /= np.linalg.norm(u)                                   # unit normal in augmented space
    X = rng.uniform(-1, 1, size=(4 * m, n))
    margin = np.c_[X, np.ones(len(X))] @ u
    keep = np.abs(margin) >= gap
    X, margin = X[keep][:m], margin[keep][:m]
    return X, (margin > 0).astype(int), u


def novikoff_bound(X, y, u):
    Xa = np.c_[X, np.ones(len(X))]                           # bias as a constant input
    R = np.linalg.norm(Xa, axis=1).max()
    gamma = np.min((2 * y - 1) * (Xa @ u))
    return (R / gamma) ** 2


# ------------------------------------------------------------ what it learns
@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("shuffle", [False, True])
def test_learns_boolean_gates_exactly(gate, shuffle):
    p = Perceptron(shuffle=shuffle, random_state=0).fit(X_BOOL, GATES[gate])
    assert p.converged_ and p.mistakes_per_epoch_[-1] == 0
    np.testing.assert_array_equal(p.predict(X_BOOL), GATES[gate])
    assert p.score(X_BOOL, GATES[gate]) == 1.0


def test_and_weights_by_hand():
    p = Perceptron(shuffle=False).fit(X_BOOL, GATES["AND"])
    np.testing.assert_array_equal(p.coef_, [2.0, 1.0])
    assert p.intercept_ == -3.0
    np.testing.assert_array_equal(p.mistakes_per_epoch_, [2, 3, 3, 2, 1, 0])


@pytest.mark.parametrize("seed", SEEDS)
def test_converges_within_novikoff_bound(seed):
    X, y, u = separable(seed)
    p = Perceptron(lr=1.0, max_epochs=10_000, random_state=seed).fit(X, y)
    assert p.converged_
    assert p.score(X, y) == 1.0
    assert p.mistakes_per_epoch_.sum() <= novikoff_bound(X, y, u)


@pytest.mark.parametrize("shuffle", [False, True])
def test_xor_never_converges(shuffle):
    p = Perceptron(max_epochs=100, shuffle=shuffle, random_state=0).fit(X_BOOL, [0, 1, 1, 0])
    assert not p.converged_ and p.n_iter_ == 100
    assert np.all(p.mistakes_per_epoch_ >= 1)
    assert p.score(X_BOOL, [0, 1, 1, 0]) <= 0.75


@pytest.mark.parametrize("lr", [0.01, 0.5, 3.0])
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_lr_only_scales_the_weights_from_zero(lr, seed):
    X, y, _ = separable(seed)
    ref = Perceptron(lr=1.0, random_state=seed).fit(X, y)
    p = Perceptron(lr=lr, random_state=seed).fit(X, y)
    np.testing.assert_array_equal(p.mistakes_per_epoch_, ref.mistakes_per_epoch_)
    np.testing.assert_allclose(p.coef_, lr * ref.coef_, rtol=1e-12)


# ------------------------------------------------------------ the rule is the SymPy gradient
def test_update_is_negative_gradient_of_perceptron_criterion():
    w1, w2, b, x1, x2, y = sp.symbols("w1 w2 b x1 x2 y", real=True)
    L = -y * (w1 * x1 + w2 * x2 + b)                          # criterion of one mistaken example
    step = [-sp.diff(L, v) for v in (w1, w2, b)]
    assert step == [y * x1, y * x2, y]
    X = np.array([[0.5, -1.5], [2.0, 1.0]])                  # first example: label 0, a mistake at w = 0
    p = Perceptron(lr=0.7, max_epochs=1, shuffle=False).fit(X, [0, 1])
    values = {w1: 0, w2: 0, b: 0, x1: X[0, 0], x2: X[0, 1], y: -1}
    after_first = 0.7 * np.array([float(s.subs(values)) for s in step])
    z2 = X[1] @ after_first[:2] + after_first[2]
    expected = after_first + (0.7 * np.r_[X[1], 1.0] if z2 < 0 else 0)
    np.testing.assert_allclose(np.r_[p.coef_, p.intercept_], expected, rtol=1e-15)


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_update_matches_finite_differences_of_criterion(seed):
    rng = np.random.default_rng(seed)
    x, y_pm = rng.normal(size=3), rng.choice([-1.0, 1.0])
    criterion = lambda wb: -y_pm * (x @ wb[:3] + wb[3])       # noqa: E731
    numeric = nnlib.numerical_gradient(criterion, rng.normal(size=4))
    assert nnlib.relative_error(y_pm * np.r_[x, 1.0], -numeric) < 1e-7


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_decision_function_is_affine_and_matches_sympy(seed):
    X, y, _ = separable(seed)
    p = Perceptron(random_state=seed).fit(X, y)
    np.testing.assert_allclose(p.decision_function(X), X @ p.coef_ + p.intercept_, rtol=1e-15)
    xs = sp.symbols("x1:4", real=True)
    expr = sum(float(w) * xi for w, xi in zip(p.coef_, xs)) + p.intercept_
    np.testing.assert_allclose(p.decision_function(X), sympy_fn(expr, xs)(*X.T), rtol=1e-12)
    np.testing.assert_array_equal(p.predict(X), p.classes_[(p.decision_function(X) >= 0).astype(int)])


def test_step_convention_at_zero_predicts_positive_class():
    p = Perceptron(shuffle=False).fit(X_BOOL, GATES["OR"])
    p.coef_, p.intercept_ = np.zeros(2), 0.0                  # every z is exactly 0
    np.testing.assert_array_equal(p.predict(X_BOOL), [1, 1, 1, 1])
    np.testing.assert_array_equal(p.predict(X_BOOL), nnlib.step(p.decision_function(X_BOOL)))


# ------------------------------------------------------------ conventions
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_deterministic_given_random_state(seed):
    X, y, _ = separable(seed)
    a = Perceptron(random_state=seed).fit(X, y)
    b = Perceptron(random_state=seed).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.mistakes_per_epoch_, b.mistakes_per_epoch_)


@pytest.mark.parametrize(
    "labels", [(-1, 1), (0, 1), (1, 2), ("cat", "dog"), (False, True), (2.0, -7.0)], ids=str
)
def test_labels_round_trip_through_classes(labels):
    X, y01, _ = separable(0)
    y = np.array(labels, dtype=object)[y01].astype(np.asarray(labels).dtype)
    p = Perceptron(random_state=0).fit(X, y)
    np.testing.assert_array_equal(p.classes_, np.sort(np.asarray(labels)))
    np.testing.assert_array_equal(p.predict(X), y)
    assert p.predict(X).dtype == np.asarray(labels).dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_input_dtypes(dtype):
    X, y, _ = separable(1)
    X = (10 * X).astype(dtype)
    p = Perceptron(random_state=1).fit(X, y)
    assert p.coef_.dtype == np.float64 and p.coef_.shape == (3,)
    assert isinstance(p.intercept_, float) and p.n_features_in_ == 3
    ref = Perceptron(random_state=1).fit(X.astype(np.float64), y)
    np.testing.assert_array_equal(p.coef_, ref.coef_)
    assert p.decision_function(X).shape == (len(X),)


def test_fitted_attributes():
    X, y, _ = separable(2)
    p = Perceptron(max_epochs=2, random_state=0).fit(X, y)
    assert p.n_iter_ == len(p.mistakes_per_epoch_) <= 2
    assert p.mistakes_per_epoch_.dtype == np.int64
    assert isinstance(p.converged_, (bool, np.bool_))


def test_get_set_params_and_clone():
    p = Perceptron(lr=0.5, random_state=3)
    assert p.get_params() == {"lr": 0.5, "max_epochs": 100, "shuffle": True, "random_state": 3}
    assert p.set_params(max_epochs=7, shuffle=False) is p and p.max_epochs == 7
    q = clone(p)
    assert q.get_params() == p.get_params()
    X, y, _ = separable(0)
    np.testing.assert_array_equal(q.fit(X, y).coef_, p.fit(X, y).coef_)


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"lr": np.nan}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"max_epochs": 0}, ValueError, "max_epochs"),
        ({"max_epochs": 2.5}, TypeError, "max_epochs"),
        ({"shuffle": "yes"}, TypeError, "shuffle"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_bad_hyperparameters_raise_at_fit(kwargs, error, match):
    p = Perceptron(**kwargs)                                   # sklearn style: __init__ stores only
    with pytest.raises(error, match=match):
        p.fit(X_BOOL, GATES["AND"])


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.zeros(4), [0, 1, 0, 1], ValueError, "X must be 2-dimensional"),
        (np.zeros((4, 2, 1)), [0, 1, 0, 1], ValueError, "X must be 2-dimensional"),
        (np.array([[0, np.nan], [1, 1]]), [0, 1], ValueError, "X must contain only finite"),
        (np.array([["a", "b"], ["c", "d"]]), [0, 1], TypeError, "X"),
        (X_BOOL, [0, 1, 2, 1], ValueError, "Only binary classification is supported. y must hold exactly 2 classes"),
        (X_BOOL, [1, 1, 1, 1], ValueError, "y must hold exactly 2 classes, got 1 class"),
        (X_BOOL, [0, 1, 1], ValueError, "same number of rows"),
        (X_BOOL, [[0, 1], [1, 0], [1, 0], [0, 1]], ValueError, "y must be 1-dimensional"),
        (X_BOOL, [0.0, 1.0, 0.5, 1.0], ValueError, "Unknown label type: continuous"),
        (X_BOOL, None, ValueError, "Perceptron requires y to be passed"),
        (X_BOOL[:, :0], [0, 1, 1, 0], ValueError, r"X has 0 feature\(s\)"),
        (X_BOOL + 1j, [0, 1, 1, 0], ValueError, "Complex data not supported"),
    ],
)
def test_bad_data_raise(X, y, error, match):
    with pytest.raises(error, match=match):
        Perceptron().fit(X, y)


def test_predict_before_fit_and_wrong_width():
    with pytest.raises(NotFittedError, match="not fitted"):
        Perceptron().predict(X_BOOL)
    with pytest.raises(NotFittedError):
        Perceptron().decision_function(X_BOOL)
    p = Perceptron().fit(X_BOOL, GATES["OR"])
    with pytest.raises(ValueError, match="X has 3 features, but Perceptron is expecting 2 features"):
        p.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="X must contain only finite"):
        p.predict(np.array([[np.inf, 0.0]]))


def test_column_vector_y_warns_and_fits_as_1d():
    with pytest.warns(UserWarning, match="column-vector y"):
        col = Perceptron(shuffle=False).fit(X_BOOL, np.array(GATES["AND"])[:, None])
    flat = Perceptron(shuffle=False).fit(X_BOOL, GATES["AND"])
    np.testing.assert_array_equal(col.coef_, flat.coef_)
    assert col.intercept_ == flat.intercept_


def test_object_array_of_numbers_is_numeric():
    p = Perceptron(shuffle=False).fit(X_BOOL.astype(object), GATES["AND"])
    np.testing.assert_array_equal(p.coef_, [2.0, 1.0])


def test_declared_binary_by_sklearn_tags():
    from sklearn.utils import get_tags

    tags = get_tags(Perceptron())
    assert tags.estimator_type == "classifier" and not tags.classifier_tags.multi_class


# ------------------------------------------------------------ scikit-learn
def negative_first(X, y):
    """Reorder so that the first example has label 0: then no tie z = 0 ever meets a positive example."""
    i0 = np.flatnonzero(y == 0)[0]
    order = np.r_[i0, np.delete(np.arange(len(y)), i0)]
    return X[order], y[order]


def sklearn_matched(max_epochs):
    return SkPerceptron(penalty=None, eta0=1.0, tol=None, shuffle=False, max_iter=max_epochs,
                        fit_intercept=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_agrees_exactly_with_sklearn_when_first_example_is_negative(seed):
    X, y = negative_first(*separable(seed)[:2])
    ours = Perceptron(lr=1.0, max_epochs=500, shuffle=False).fit(X, y)
    theirs = sklearn_matched(500).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, theirs.coef_[0])
    assert ours.intercept_ == theirs.intercept_[0]
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_sklearn_differs_only_by_the_tie_at_zero():
    X = np.array([[1.0, 2.0], [-1.0, -1.0]])                  # first example positive: z = 0 at w = 0
    y = np.array([1, 0])
    ours = Perceptron(max_epochs=1, shuffle=False).fit(X, y)
    theirs = sklearn_matched(1).fit(X, y)
    # nnlib: H(0) = 1 is correct for label 1, no update; then (-1, -1) gives z = 0 -> mistake.
    np.testing.assert_array_equal(np.r_[ours.coef_, ours.intercept_], [1.0, 1.0, -1.0])
    # scikit-learn updates on y z <= 0, so it moves on the first example; then y z = 2 > 0.
    np.testing.assert_array_equal(np.r_[theirs.coef_[0], theirs.intercept_], [1.0, 2.0, 1.0])
