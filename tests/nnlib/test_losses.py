"""Unit tests of nnlib.losses (chapter 5, *Loss functions*).

Oracles: SymPy (each loss written as the chapter writes it, for a small symbolic
batch, lambdified; its gradient by ``sp.diff``), SymPy at 50 digits for extreme
logits, central differences, and scikit-learn. Then labels, stability at the
extremes, fused vs unfused forms, and bad input.
"""
import numpy as np
import pytest
import sympy as sp
from oracles import assert_no_fp_issue, sympy_fn
from sklearn.metrics import log_loss, mean_squared_error

import nnlib
from nnlib.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    mse,
    mse_grad,
    one_hot,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

LOSSES = {
    "mse": (mse, mse_grad),
    "bce": (binary_cross_entropy, binary_cross_entropy_grad),
    "bce_logits": (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad),
    "ce": (cross_entropy, cross_entropy_grad),
    "softmax_ce": (softmax_cross_entropy, softmax_cross_entropy_grad),
}
CATEGORICAL = ["ce", "softmax_ce"]
DTYPES = [np.float32, np.float64]


# ------------------------------------------------------------ data
def make_case(name, shape, seed=0, dtype=np.float64):
    """A prediction and a target for loss ``name``; categorical targets as integer labels."""
    rng = np.random.default_rng(seed)
    m, k = shape[0], (shape[1] if len(shape) == 2 else None)
    if name == "mse":
        return rng.normal(size=shape).astype(dtype), rng.normal(size=shape)
    if name == "bce":
        return rng.uniform(0.05, 0.95, size=shape).astype(dtype), rng.integers(0, 2, size=shape)
    if name == "bce_logits":
        return rng.normal(scale=3, size=shape).astype(dtype), rng.uniform(0, 1, size=shape)  # soft labels
    logits = rng.normal(scale=2, size=(m, k))
    labels = rng.integers(0, k, size=m)
    return (nnlib.softmax(logits) if name == "ce" else logits).astype(dtype), labels


def dense_targets(name, pred, y):
    return one_hot(y, pred.shape[1]) if name in CATEGORICAL else np.asarray(y, dtype=np.float64)


# ------------------------------------------------------------ SymPy oracle
def sympy_loss(name, shape):
    """The loss as the chapter writes it, over symbolic predictions P and targets T."""
    m = shape[0]
    rows, cols = (m, shape[1]) if len(shape) == 2 else (m, 1)
    P = sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"p_{i}{j}", real=True))
    T = sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"t_{i}{j}", real=True))
    pairs = [(P[i, j], T[i, j]) for i in range(rows) for j in range(cols)]
    if name == "mse":
        total = sum((p - t) ** 2 for p, t in pairs)
    elif name == "bce":
        total = -sum(t * sp.log(p) + (1 - t) * sp.log(1 - p) for p, t in pairs)
    elif name == "bce_logits":
        sig = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
        total = -sum(t * sp.log(sig(z)) + (1 - t) * sp.log(1 - sig(z)) for z, t in pairs)
    elif name == "ce":
        total = -sum(t * sp.log(p) for p, t in pairs)
    else:  # softmax_ce: softmax written out, then the categorical cross-entropy
        total = 0
        for i in range(rows):
            denom = sum(sp.exp(P[i, c]) for c in range(cols))
            total -= sum(T[i, c] * sp.log(sp.exp(P[i, c]) / denom) for c in range(cols))
    return total / m, list(P), list(T)


SHAPES = {
    "mse": [(4,), (3, 2)],
    "bce": [(4,), (3, 2)],
    "bce_logits": [(4,), (3, 2)],
    "ce": [(3, 3)],
    "softmax_ce": [(3, 3), (2, 4)],
}
CASES = [(name, shape) for name in LOSSES for shape in SHAPES[name]]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name, shape", CASES)
def test_loss_and_gradient_match_sympy(name, shape, seed):
    loss, grad = LOSSES[name]
    pred, y = make_case(name, shape, seed)
    target = dense_targets(name, pred, y)
    expr, P, T = sympy_loss(name, shape)
    args = [*pred.ravel(), *target.ravel()]
    np.testing.assert_allclose(loss(pred, y), sympy_fn(expr, P + T)(*args), rtol=1e-12)
    expected_grad = [sympy_fn(sp.diff(expr, p), P + T)(*args) for p in P]  # derived, not typed
    np.testing.assert_allclose(grad(pred, y), np.reshape(expected_grad, pred.shape), rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_cross_entropy_matches_50_digit_sympy_at_huge_logits(dtype):
    logits = np.array([[1e4, 0, -1e4], [1e3, 1e3 - 2, -5e3], [-1e4, -1e4 + 30, 9e3], [800, 799, 801]], dtype=dtype)
    labels = np.array([0, 1, 0, 1])
    exact = 0
    for row, c in zip(logits, labels):
        z = [sp.Float(float(v), 50) for v in row]
        exact += sp.log(sum(sp.exp(v) for v in z)) - z[c]
    exact = float((exact / len(labels)).evalf(50))
    out = assert_no_fp_issue(softmax_cross_entropy, logits, labels)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, exact, rtol={np.float32: 1e-6, np.float64: 1e-14}[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_with_logits_matches_50_digit_sympy_at_huge_logits(dtype):
    z = np.array([1e4, -1e4, 700, -700, 40, -40, 1e-3], dtype=dtype)
    y = np.array([0, 0, 1, 1, 0.25, 0.5, 1], dtype=dtype)
    exact = sum(
        sp.log(1 + sp.exp(sp.Float(float(zi), 50))) - sp.Float(float(zi), 50) * sp.Float(float(yi), 50)
        for zi, yi in zip(z, y)
    )
    exact = float((exact / len(z)).evalf(50))
    out = assert_no_fp_issue(binary_cross_entropy_with_logits, z, y)
    np.testing.assert_allclose(out, exact, rtol={np.float32: 1e-6, np.float64: 1e-14}[dtype])


def test_sigmoid_bce_gradient_is_p_minus_y_in_sympy():
    z, y = sp.symbols("z y", real=True)
    sig = 1 / (1 + sp.exp(-z))
    loss = -(y * sp.log(sig) + (1 - y) * sp.log(1 - sig))
    assert sp.simplify(sp.diff(loss, z) - (sig - y)) == 0
    assert sp.simplify(loss - (sp.log(1 + sp.exp(z)) - z * y)) == 0   # the softplus form


def test_softmax_ce_gradient_is_p_minus_y_in_sympy():
    zs, ys = sp.symbols("z1:4", real=True), sp.symbols("y1:3", real=True)
    Y = [ys[0], ys[1], 1 - ys[0] - ys[1]]                       # a row on the simplex
    denom = sum(sp.exp(z) for z in zs)
    loss = -sum(Yc * sp.log(sp.exp(z) / denom) for Yc, z in zip(Y, zs))
    for c in range(3):
        assert sp.simplify(sp.diff(loss, zs[c]) - (sp.exp(zs[c]) / denom - Y[c])) == 0


# -------------------------------------------------------- finite differences
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name, shape", [c for c in CASES if c[0] != "ce"])
def test_gradient_matches_finite_differences(name, shape, seed):
    loss, grad = LOSSES[name]
    pred, y = make_case(name, shape, seed)
    numeric = nnlib.numerical_gradient(lambda x: loss(x, y), pred)
    assert nnlib.relative_error(grad(pred, y), numeric) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_entropy_grad_matches_finite_differences_on_the_simplex(seed):
    """probs must stay on the simplex: differentiate along a basis of its tangent space."""
    probs, y = make_case("ce", (3, 4), seed)
    basis = []                                                  # e_ic - e_iK, zero row sums
    for i in range(3):
        for c in range(3):
            v = np.zeros_like(probs)
            v[i, c], v[i, 3] = 1.0, -1.0
            basis.append(v)
    basis = np.array(basis)                                     # (9, m, K)
    numeric = nnlib.numerical_gradient(lambda t: cross_entropy(probs + np.tensordot(t, basis, 1), y), np.zeros(9))
    analytic = np.tensordot(basis, cross_entropy_grad(probs, y), axes=([1, 2], [0, 1]))
    assert nnlib.relative_error(analytic, numeric) < 1e-7


# ------------------------------------------------------------ scikit-learn
@pytest.mark.parametrize("shape", [(20,), (20, 3)])
def test_mse_is_k_times_sklearns_mean_squared_error(shape):
    y_hat, y = make_case("mse", shape)
    k = 1 if len(shape) == 1 else shape[1]
    np.testing.assert_allclose(mse(y_hat, y), k * mean_squared_error(y, y_hat), rtol=1e-13)


@pytest.mark.parametrize("seed", [0, 1])
def test_cross_entropy_matches_log_loss(seed):
    probs, y = make_case("ce", (30, 4), seed)
    np.testing.assert_allclose(cross_entropy(probs, y), log_loss(y, probs, labels=range(4)), rtol=1e-13)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_matches_log_loss_including_clipping(dtype):
    p = np.array([0.0, 1.0, 0.3, 0.9, 1.0, 0.0], dtype=dtype)
    y = np.array([0, 0, 1, 1, 1, 1])
    np.testing.assert_allclose(binary_cross_entropy(p, y), log_loss(y, p), rtol=1e-6)


# ------------------------------------------------------------ labels
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", CATEGORICAL)
@pytest.mark.parametrize("which", [0, 1])
def test_integer_and_one_hot_labels_give_identical_results(name, which, dtype):
    fn = LOSSES[name][which]
    pred, y = make_case(name, (7, 5), dtype=dtype)
    np.testing.assert_array_equal(fn(pred, y), fn(pred, one_hot(y, 5)))


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0.0]]))


def test_binary_is_categorical_with_two_classes():
    z, y = make_case("bce_logits", (10,))
    y = (y > 0.5).astype(int)
    pairs = np.stack([np.zeros_like(z), z], axis=1)             # softmax([0, z]) = (1 - sigma, sigma)
    np.testing.assert_allclose(binary_cross_entropy_with_logits(z, y), softmax_cross_entropy(pairs, y), rtol=1e-13)
    p = nnlib.sigmoid(z)
    np.testing.assert_allclose(binary_cross_entropy(p, y), cross_entropy(np.stack([1 - p, p], 1), y), rtol=1e-13)


# ------------------------------------------------------- fused vs unfused
@pytest.mark.parametrize("seed", [0, 1])
def test_fused_and_unfused_forms_agree_on_moderate_logits(seed):
    logits, labels = make_case("softmax_ce", (6, 4), seed)
    probs = nnlib.softmax(logits)
    np.testing.assert_allclose(softmax_cross_entropy(logits, labels), cross_entropy(probs, labels), rtol=1e-13)
    chained = nnlib.softmax_vjp(logits, cross_entropy_grad(probs, labels))     # chain rule through softmax
    np.testing.assert_allclose(softmax_cross_entropy_grad(logits, labels), chained, atol=1e-15)
    z, y = make_case("bce_logits", (8,), seed)
    np.testing.assert_allclose(binary_cross_entropy_with_logits(z, y), binary_cross_entropy(nnlib.sigmoid(z), y), rtol=1e-12)
    chained = binary_cross_entropy_grad(nnlib.sigmoid(z), y) * nnlib.sigmoid_grad(z)
    np.testing.assert_allclose(binary_cross_entropy_with_logits_grad(z, y), chained, rtol=1e-10)


# ------------------------------------------------------------ stability
EXTREME_CASES = {
    "mse": (np.array([[1e4, -1e4], [0, 1]]), np.array([[-1e4, 1e4], [0, 0]])),
    "bce": (np.array([0.0, 1.0, 0.0, 1.0]), np.array([0, 0, 1, 1])),
    "bce_logits": (np.array([1e4, -1e4, 1e4, -1e4]), np.array([0, 0, 1, 1])),
    "ce": (np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([1, 1])),
    "softmax_ce": (np.array([[1e4, 0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]]), np.array([2, 1, 0])),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("which", [0, 1], ids=["loss", "grad"])
@pytest.mark.parametrize("name", LOSSES)
def test_extremes_are_finite_warning_free_and_keep_dtype(name, which, dtype):
    pred, y = EXTREME_CASES[name]
    out = assert_no_fp_issue(LOSSES[name][which], pred.astype(dtype), y)
    assert out.dtype == dtype
    if which == 1:
        assert out.shape == pred.shape


@pytest.mark.parametrize("dtype", DTYPES)
def test_clipping_caps_each_term_at_minus_log_eps(dtype):
    eps = np.finfo(dtype).eps
    out = binary_cross_entropy(np.array([0.0, 1.0], dtype=dtype), np.array([1, 0]))
    np.testing.assert_allclose(out, -np.log(eps), rtol=1e-6)


def test_confident_correct_logits_give_zero_loss():
    assert softmax_cross_entropy(np.array([[1e4, 0.0, -1e4]]), [0]) == 0
    assert binary_cross_entropy_with_logits(np.array([1e4, -1e4]), np.array([1, 0])) == 0


def test_the_naive_softmax_cross_entropy_fails_at_these_logits():
    logits = np.array([[1e3, 0.0, -1e3]])
    with np.errstate(all="ignore"):
        naive = -np.log(np.exp(logits[0, 0]) / np.sum(np.exp(logits)))
    assert not np.isfinite(naive)
    assert softmax_cross_entropy(logits, [0]) == 0


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("which", [0, 1])
def test_inputs_are_not_modified_and_losses_are_scalars(name, which):
    pred, y = make_case(name, (4, 3))
    before = pred.copy()
    out = LOSSES[name][which](pred, y)
    np.testing.assert_array_equal(pred, before)
    assert np.shape(out) == (() if which == 0 else pred.shape)


# ------------------------------------------------------------ bad input
PRED_NAME = {"mse": "y_hat", "bce": "p", "bce_logits": "z", "ce": "probs", "softmax_ce": "logits"}


def _all(names=LOSSES):
    return [(n, w) for n in names for w in (0, 1)]


@pytest.mark.parametrize("name, which", _all())
@pytest.mark.parametrize(
    "bad, error",
    [(np.array([[np.nan, 0.5, 0.5], [0.2, 0.3, 0.5]]), ValueError), ("abc", TypeError),
     (np.ones((2, 3, 1)), ValueError), (np.zeros((0, 3)), ValueError)],
    ids=["nan", "str", "3-d", "empty"],
)
def test_bad_prediction_raises_naming_it(name, which, bad, error):
    _, y = make_case(name, (2, 3))
    with pytest.raises(error, match=rf"\b{PRED_NAME[name]}\b"):
        LOSSES[name][which](bad, y)


@pytest.mark.parametrize("name, which", _all())
def test_shape_mismatch_raises_naming_y(name, which):
    pred, y = make_case(name, (4, 3))
    with pytest.raises(ValueError, match=r"\by\b"):
        LOSSES[name][which](pred, np.asarray(y)[:3])


@pytest.mark.parametrize("name, which", _all())
def test_nan_target_raises_naming_y(name, which):
    pred, y = make_case(name, (4, 3))
    y = dense_targets(name, pred, y)
    y[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"\by\b"):
        LOSSES[name][which](pred, y)


@pytest.mark.parametrize("name, which", _all(CATEGORICAL))
@pytest.mark.parametrize(
    "labels", [[0, 1, 3, 2], [0, -1, 1, 2], [0.0, 1.0, 2.0, 1.0], [0.5, 1, 2, 1], [True, False, True, True]],
    ids=["too-big", "negative", "float", "fractional", "bool"],
)
def test_bad_labels_raise_naming_y(name, which, labels):
    pred, _ = make_case(name, (4, 3))
    with pytest.raises(ValueError, match=r"\by\b"):
        LOSSES[name][which](pred, np.array(labels))


@pytest.mark.parametrize("name, which", _all(CATEGORICAL))
@pytest.mark.parametrize("rows", [[[0.5, 0.6, 0.0]], [[1.5, -0.5, 0.0]]], ids=["sum", "negative"])
def test_target_rows_off_the_simplex_raise_naming_y(name, which, rows):
    pred, _ = make_case(name, (1, 3))
    with pytest.raises(ValueError, match=r"\by\b"):
        LOSSES[name][which](pred, np.array(rows))


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("probs", [[[0.5, 0.6, 0.0]], [[1.2, -0.2, 0.0]]], ids=["sum", "negative"])
def test_probs_off_the_simplex_raise_naming_probs(which, probs):
    with pytest.raises(ValueError, match=r"\bprobs\b"):
        LOSSES["ce"][which](np.array(probs), [0])


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("p, y, name", [([1.2, 0.5], [1, 0], "p"), ([-0.1, 0.5], [1, 0], "p"),
                                        ([0.2, 0.5], [2, 0], "y"), ([0.2, 0.5], [-1, 0], "y")])
def test_binary_values_outside_0_1_raise(which, p, y, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        LOSSES["bce"][which](np.array(p), np.array(y))


@pytest.mark.parametrize("which", [0, 1])
def test_binary_logit_targets_outside_0_1_raise(which):
    with pytest.raises(ValueError, match=r"\by\b"):
        LOSSES["bce_logits"][which](np.array([0.3, -2.0]), np.array([1.0, 1.5]))


@pytest.mark.parametrize("name, which", _all(CATEGORICAL))
def test_categorical_losses_need_2d_predictions(name, which):
    with pytest.raises(ValueError, match=PRED_NAME[name]):
        LOSSES[name][which](np.array([0.5, 0.5]), [0, 1])


@pytest.mark.parametrize("y, n_classes, error, match", [
    ([0, 3], 3, ValueError, "y"), ([0.0, 1.0], 3, ValueError, "y"), ([[0, 1]], 3, ValueError, "y"),
    ([0, 1], 0, ValueError, "n_classes"), ([0, 1], 2.0, TypeError, "n_classes"),
])
def test_one_hot_bad_input(y, n_classes, error, match):
    with pytest.raises(error, match=rf"\b{match}\b"):
        one_hot(y, n_classes)


# ------------------------------------------------------------ value and gradient from one log-softmax
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("one_hot_rows", [False, True])
@pytest.mark.parametrize("shape", [(1, 3), (7, 4), (300, 10)])
def test_softmax_cross_entropy_and_grad_returns_exactly_its_two_halves(shape, one_hot_rows, dtype):
    logits, labels = make_case("softmax_ce", shape, seed=3, dtype=dtype)
    y = one_hot(labels, shape[1]) if one_hot_rows else labels
    value, grad = nnlib.softmax_cross_entropy_and_grad(logits, y)
    assert value == softmax_cross_entropy(logits, y) and value.dtype == dtype
    np.testing.assert_array_equal(grad, softmax_cross_entropy_grad(logits, y))
    assert grad.dtype == dtype and grad.shape == shape


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_cross_entropy_and_grad_is_warning_free_at_the_extremes(dtype):
    pred, y = EXTREME_CASES["softmax_ce"]
    for which in (0, 1):                      # each half under errstate(all="raise"), finite
        out = assert_no_fp_issue(lambda *a: nnlib.softmax_cross_entropy_and_grad(*a)[which], pred.astype(dtype), y)
        assert out.dtype == dtype


def test_softmax_cross_entropy_and_grad_checks_its_input():
    with pytest.raises(ValueError, match=r"\blogits\b"):
        nnlib.softmax_cross_entropy_and_grad(np.array([[np.nan, 0.0]]), [0])
    with pytest.raises(ValueError, match=r"\by\b"):
        nnlib.softmax_cross_entropy_and_grad(np.zeros((2, 3)), [0, 3])


def test_sequence_cross_entropy_and_grad_returns_exactly_its_two_halves():
    rng = np.random.default_rng(5)
    logits, y = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, size=(3, 4))
    value, grad = nnlib.sequence_cross_entropy_and_grad(logits, y)
    assert value == nnlib.sequence_cross_entropy(logits, y)
    np.testing.assert_array_equal(grad, nnlib.sequence_cross_entropy_grad(logits, y))
    with pytest.raises(ValueError, match=r"\by\b"):
        nnlib.sequence_cross_entropy_and_grad(logits, y[:, :3])
