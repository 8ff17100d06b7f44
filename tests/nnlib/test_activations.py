"""Unit tests of nnlib.activations: the model every later test file follows.

Oracles (tests/oracles.py): SymPy (the formula the book derives, lambdified, or
evaluated to 50 digits) and central differences. Then stability at extremes,
conventions at kinks, bad input and shapes, each parametrised.
"""
import numpy as np
import pytest
import sympy as sp
from oracles import (
    assert_grad_matches_fd,
    assert_matches_sympy,
    assert_matches_sympy_exact,
    assert_no_fp_issue,
    assert_vjp_matches_fd,
    sympy_fn,
)

import nnlib

z = sp.Symbol("z", real=True)
ALPHA = 0.01

# The formulas the chapter starts from, written the way the text writes them.
SYMPY = {
    "step": sp.Heaviside(z, 1),
    "sigmoid": 1 / (1 + sp.exp(-z)),
    "tanh": (sp.exp(z) - sp.exp(-z)) / (sp.exp(z) + sp.exp(-z)),
    "relu": sp.Max(0, z),
    "leaky_relu": sp.Piecewise((z, z > 0), (sp.Float(ALPHA) * z, True)),
}
FORWARD = {name: getattr(nnlib, name) for name in SYMPY}
GRAD = {
    "sigmoid": nnlib.sigmoid_grad,
    "tanh": nnlib.tanh_grad,
    "relu": nnlib.relu_grad,
    "leaky_relu": nnlib.leaky_relu_grad,
}
KINKED = {"step", "relu", "leaky_relu"}  # not differentiable at z = 0
# tanh_grad = 1 - tanh^2 is accurate in absolute, not relative, terms (see its docstring).
GRAD_ATOL = {"sigmoid": 0.0, "tanh": 1e-15, "relu": 0.0, "leaky_relu": 0.0}

RNG_POINTS = np.random.default_rng(0).normal(scale=4.0, size=40)
POINTS = np.concatenate([RNG_POINTS, [-30, -15, -3, -0.5, -1e-3, 1e-3, 0.5, 3, 15, 30]])
EXTREMES = np.array([-1e4, -1e3, -100, -40, 0, 40, 100, 1e3, 1e4])
DTYPES = [np.float32, np.float64]


def elementwise_functions():
    return [*FORWARD.values(), *GRAD.values()]


# ---------------------------------------------------------------- SymPy oracle
@pytest.mark.parametrize("name", SYMPY)
def test_forward_matches_sympy(name):
    assert_matches_sympy(FORWARD[name], SYMPY[name], z, POINTS, rtol=1e-13)


@pytest.mark.parametrize("name", GRAD)
def test_derivative_matches_sympy(name):
    derivative = sp.diff(SYMPY[name], z)  # derived here, not typed in
    assert_matches_sympy(GRAD[name], derivative, z, POINTS, rtol=1e-12, atol=GRAD_ATOL[name])


def test_step_derivative_is_zero_away_from_zero():
    derivative = sp.diff(SYMPY["step"], z)
    assert derivative == sp.DiracDelta(z)
    assert all(derivative.subs(z, p) == 0 for p in POINTS)  # POINTS avoids 0
    numeric = nnlib.numerical_gradient(lambda x: np.sum(nnlib.step(x)), POINTS)
    assert np.all(numeric == 0)


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (sp.diff(SYMPY["sigmoid"], z), SYMPY["sigmoid"] * (1 - SYMPY["sigmoid"])),
        (sp.diff(SYMPY["tanh"], z), 1 - SYMPY["tanh"] ** 2),
        (SYMPY["tanh"], 2 * SYMPY["sigmoid"].subs(z, 2 * z) - 1),
        (1 - SYMPY["sigmoid"], SYMPY["sigmoid"].subs(z, -z)),
        (sp.exp(z) / (sp.exp(z) + sp.exp(0)), SYMPY["sigmoid"]),  # softmax([z, 0])[0]
    ],
    ids=["sigmoid'", "tanh'", "tanh-via-sigmoid", "1-sigmoid", "softmax-K2"],
)
def test_identities_the_chapter_states(lhs, rhs):
    assert sp.simplify(lhs - rhs) == 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad"])
def test_smooth_functions_match_50_digit_sympy_at_extremes(name, dtype):
    base = name.removesuffix("_grad")
    expr = SYMPY[base] if name == base else sp.diff(SYMPY[base], z)
    points = np.concatenate([EXTREMES, [-700, -20, -1e-8, 1e-8, 20, 700]])
    rtol = {np.float32: 1e-6, np.float64: 1e-14}[dtype]
    # tanh_grad: absolute accuracy only (1 - tanh^2 cancels in the tails).
    atol = np.finfo(dtype).eps if name == "tanh_grad" else np.finfo(dtype).tiny
    assert_matches_sympy_exact(getattr(nnlib, name), expr, z, points, dtype, rtol=rtol, atol=atol)


# -------------------------------------------------------- finite differences
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", GRAD)
def test_derivative_matches_finite_differences(name, seed):
    points = np.random.default_rng(seed).normal(scale=3.0, size=(4, 5))
    points = np.where(np.abs(points) < 1e-3, 0.5, points)  # stay away from the kink at 0
    assert_grad_matches_fd(FORWARD[name], GRAD[name], points, rtol=1e-7, seed=seed)


@pytest.mark.parametrize("alpha", [0.0, 0.2, 1.0])
def test_leaky_relu_grad_matches_finite_differences_for_other_alpha(alpha):
    points = np.array([-3.0, -0.2, 0.2, 3.0])
    assert_grad_matches_fd(
        lambda x: nnlib.leaky_relu(x, alpha=alpha), lambda x: nnlib.leaky_relu_grad(x, alpha=alpha), points
    )


# ----------------------------------------------------- conventions at the kinks
@pytest.mark.parametrize(
    "fn, expected",
    [
        (nnlib.step, 1.0),
        (nnlib.relu, 0.0),
        (nnlib.relu_grad, 0.0),
        (nnlib.leaky_relu, 0.0),
        (nnlib.leaky_relu_grad, ALPHA),
        (nnlib.sigmoid, 0.5),
        (nnlib.sigmoid_grad, 0.25),
        (nnlib.tanh, 0.0),
        (nnlib.tanh_grad, 1.0),
    ],
)
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_value_at_zero(fn, expected, zero):
    assert fn(zero) == expected


@pytest.mark.parametrize("slope", [0.0, 0.3, 1.0])
def test_every_slope_in_0_1_is_a_subgradient_of_relu_at_0(slope):
    x = np.linspace(-5, 5, 101)
    assert np.all(nnlib.relu(x) >= nnlib.relu(0.0) + slope * x)


@pytest.mark.parametrize("slope", [-0.1, 1.1])
def test_slopes_outside_0_1_are_not_subgradients(slope):
    x = np.linspace(-5, 5, 101)
    assert not np.all(nnlib.relu(x) >= nnlib.relu(0.0) + slope * x)


def test_relu_grad_at_zero_is_a_subgradient():
    x = np.linspace(-5, 5, 101)
    assert np.all(nnlib.relu(x) >= nnlib.relu(0.0) + nnlib.relu_grad(0.0) * x)


@pytest.mark.parametrize("fn", [nnlib.relu, nnlib.relu_grad])
def test_relu_is_leaky_relu_with_alpha_zero(fn):
    leaky = nnlib.leaky_relu if fn is nnlib.relu else nnlib.leaky_relu_grad
    x = np.concatenate([POINTS, [0.0]])
    np.testing.assert_array_equal(fn(x), leaky(x, alpha=0.0))


# ------------------------------------------------------------ stability
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn", elementwise_functions(), ids=lambda f: f.__name__)
def test_extremes_are_finite_warning_free_and_keep_dtype(fn, dtype):
    out = assert_no_fp_issue(fn, EXTREMES.astype(dtype))
    assert out.dtype == dtype and out.shape == EXTREMES.shape


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "fn, at_minus, at_plus",
    [
        (nnlib.step, 0, 1),
        (nnlib.sigmoid, 0, 1),
        (nnlib.sigmoid_grad, 0, 0),
        (nnlib.tanh, -1, 1),
        (nnlib.tanh_grad, 0, 0),
        (nnlib.relu, 0, 1e4),
        (nnlib.relu_grad, 0, 1),
        (nnlib.leaky_relu, -1e4 * ALPHA, 1e4),
        (nnlib.leaky_relu_grad, ALPHA, 1),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_limits_at_plus_minus_1e4(fn, at_minus, at_plus, dtype):
    out = assert_no_fp_issue(fn, np.array([-1e4, 1e4], dtype=dtype))
    np.testing.assert_allclose(out, np.array([at_minus, at_plus], dtype=dtype), rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    "naive, z_big",
    [
        (lambda z: 1 / (1 + np.exp(-z)), np.float64(-1e3)),
        (lambda z: 1 / (1 + np.exp(-z)), np.float32(-100)),
        (lambda z: np.exp(z) / np.sum(np.exp(z)), np.array([1e3, 0.0])),
        (lambda z: np.exp(z) / np.sum(np.exp(z)), np.array([100, 0], dtype=np.float32)),
    ],
)
def test_the_naive_formulas_overflow_at_these_extremes(naive, z_big):
    """The stability tests above can fail: the textbook formulas overflow here."""
    with pytest.raises(FloatingPointError, match="overflow"), np.errstate(over="raise"):
        naive(z_big)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "fn",
    [nnlib.softmax, nnlib.softmax_jacobian, lambda z: nnlib.softmax_vjp(z, np.linspace(-1, 1, z.size, dtype=z.dtype).reshape(z.shape))],
    ids=["softmax", "softmax_jacobian", "softmax_vjp"],
)
def test_softmax_family_at_extremes(fn, dtype):
    logits = np.array([[1e4, 0, -1e4], [-1e4, -1e4, -1e4], [1e3, 1e3, -40], [100, -100, 40]], dtype=dtype)
    out = assert_no_fp_issue(fn, logits)
    assert out.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_extreme_values(dtype):
    logits = np.array([[1e4, 0, -1e4], [-1e4, -1e4, -1e4], [1e3, 1e3, -1e3]], dtype=dtype)
    expected = np.array([[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0]], dtype=dtype)
    np.testing.assert_allclose(assert_no_fp_issue(nnlib.softmax, logits), expected, rtol=1e-6, atol=0)


# -------------------------------------------------------------- softmax
K = 3
ZS = sp.symbols(f"z1:{K + 1}", real=True)
SOFTMAX = sp.Matrix([sp.exp(zi) for zi in ZS]) / sum(sp.exp(zj) for zj in ZS)


def random_logits(shape, seed=0, dtype=np.float64):
    return (np.random.default_rng(seed).normal(scale=3.0, size=shape)).astype(dtype)


@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_matches_sympy(seed):
    logits = random_logits((6, K), seed)                        # (m, K)
    expected = np.stack(sympy_fn(list(SOFTMAX), ZS)(*logits.T), axis=-1)
    np.testing.assert_allclose(nnlib.softmax(logits), expected, rtol=1e-13)


def test_softmax_jacobian_in_sympy_is_diag_p_minus_p_pT():
    jacobian = SOFTMAX.jacobian(ZS)
    closed_form = sp.diag(*SOFTMAX) - SOFTMAX * SOFTMAX.T
    assert sp.simplify(jacobian - closed_form) == sp.zeros(K, K)


@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_jacobian_matches_sympy(seed):
    logits = random_logits((5, K), seed)                        # (m, K)
    jac_fn = sympy_fn(SOFTMAX.jacobian(ZS), ZS)
    expected = np.stack([jac_fn(*row) for row in logits])       # (m, K, K)
    np.testing.assert_allclose(nnlib.softmax_jacobian(logits), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 2, 5])
def test_softmax_jacobian_matches_finite_differences(k, seed):
    logits = random_logits((k,), seed)
    numeric = np.stack(
        [nnlib.numerical_gradient(lambda x, i=i: nnlib.softmax(x)[i], logits) for i in range(k)]
    )                                                           # row i = gradient of p_i
    assert nnlib.relative_error(nnlib.softmax_jacobian(logits), numeric) < 1e-7


@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_jacobian_is_symmetric_with_zero_row_sums(seed):
    jac = nnlib.softmax_jacobian(random_logits((4, 6), seed))  # (m, K, K)
    np.testing.assert_allclose(jac, np.swapaxes(jac, -1, -2), atol=1e-16)
    np.testing.assert_allclose(jac.sum(axis=-1), 0, atol=1e-15)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_softmax_jvp_and_vjp_equal_the_jacobian_products(shape, seed):
    logits, v = random_logits(shape, seed), random_logits(shape, seed + 10)
    jac = nnlib.softmax_jacobian(logits)                        # (..., K, K)
    np.testing.assert_allclose(nnlib.softmax_jvp(logits, v), np.einsum("...ij,...j->...i", jac, v), atol=1e-14)
    np.testing.assert_allclose(nnlib.softmax_vjp(logits, v), np.einsum("...i,...ij->...j", v, jac), atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_softmax_vjp_matches_finite_differences_along_any_axis(axis, seed):
    logits = random_logits((2, 3, 4), seed)
    assert_vjp_matches_fd(
        lambda x: nnlib.softmax(x, axis=axis), lambda x, u: nnlib.softmax_vjp(x, u, axis=axis), logits, seed=seed
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_softmax_sums_to_one_along_axis_and_agrees_with_last_axis(axis, dtype):
    logits = random_logits((2, 3, 4), dtype=dtype)
    probs = nnlib.softmax(logits, axis=axis)
    assert probs.dtype == dtype and probs.shape == logits.shape
    np.testing.assert_allclose(probs.sum(axis=axis), 1, rtol=1e-6 if dtype == np.float32 else 1e-14)
    moved = np.moveaxis(nnlib.softmax(np.moveaxis(logits, axis, -1)), -1, axis)
    np.testing.assert_allclose(probs, moved, rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("c", [-500.0, -3.0, 7.5, 500.0])
def test_softmax_is_shift_invariant(c):
    logits = random_logits((5, 4))
    np.testing.assert_allclose(nnlib.softmax(logits + c), nnlib.softmax(logits), rtol=1e-10)


@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_of_z_and_0_is_the_sigmoid(seed):
    zz = random_logits((10,), seed)
    pairs = np.stack([zz, np.zeros_like(zz)], axis=-1)         # (m, 2)
    np.testing.assert_allclose(nnlib.softmax(pairs)[:, 0], nnlib.sigmoid(zz), rtol=1e-14)


def test_tanh_is_a_rescaled_sigmoid():
    np.testing.assert_allclose(nnlib.tanh(POINTS), 2 * nnlib.sigmoid(2 * POINTS) - 1, atol=1e-15)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4)])
def test_softmax_jacobian_shapes(shape):
    assert nnlib.softmax_jacobian(random_logits(shape)).shape == shape + shape[-1:]


# ------------------------------------------------------------ shapes & dtypes
@pytest.mark.parametrize(
    "in_dtype, out_dtype",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64), (np.bool_, np.float64)],
)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("fn", elementwise_functions(), ids=lambda f: f.__name__)
def test_elementwise_shape_and_dtype(fn, shape, in_dtype, out_dtype):
    x = random_logits(shape).astype(in_dtype)
    before = x.copy()
    out = fn(x)
    assert np.shape(out) == shape and out.dtype == out_dtype
    np.testing.assert_array_equal(x, before)  # input untouched


@pytest.mark.parametrize("fn", elementwise_functions(), ids=lambda f: f.__name__)
def test_python_scalars_and_lists_are_accepted(fn):
    assert np.shape(fn(1.5)) == ()
    np.testing.assert_array_equal(fn([-1.0, 2.0]), fn(np.array([-1.0, 2.0])))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn", [nnlib.softmax_jvp, nnlib.softmax_vjp])
def test_jvp_vjp_keep_dtype(fn, dtype):
    logits = random_logits((3, 4), dtype=dtype)
    assert fn(logits, np.ones_like(logits)).dtype == dtype


# ------------------------------------------------------------ bad input
BAD_Z = [
    ("abc", TypeError),
    (b"abc", TypeError),
    (np.array(["1.0", "2.0"]), TypeError),
    (np.array([1.0, "a"], dtype=object), TypeError),
    (np.array([1 + 2j, 3.0]), TypeError),
    ([[1.0, 2.0], [3.0]], TypeError),
    (np.array([1.0, np.nan]), ValueError),
    (np.array([1.0, np.inf]), ValueError),
    (np.array([-np.inf, 1.0]), ValueError),
]


def softmax_jvp_of_ones(z, axis=-1):
    return nnlib.softmax_jvp(z, np.ones(2), axis=axis)  # z is validated before v's shape


def softmax_vjp_of_ones(z, axis=-1):
    return nnlib.softmax_vjp(z, np.ones(2), axis=axis)


SOFTMAX_FAMILY = [nnlib.softmax, nnlib.softmax_jacobian, softmax_jvp_of_ones, softmax_vjp_of_ones]


@pytest.mark.parametrize(
    "bad, error", BAD_Z, ids=["str", "bytes", "str-array", "object-array", "complex", "ragged", "nan", "inf", "-inf"]
)
@pytest.mark.parametrize("fn", elementwise_functions() + SOFTMAX_FAMILY, ids=lambda f: f.__name__)
def test_bad_z_raises_naming_z(fn, bad, error):
    with pytest.raises(error, match=r"\bz\b"):
        fn(bad)


@pytest.mark.parametrize("fn", SOFTMAX_FAMILY)
def test_softmax_needs_at_least_one_dimension(fn):
    with pytest.raises(ValueError, match=r"\bz\b"):
        fn(np.float64(1.0))


@pytest.mark.parametrize(
    "axis, error", [(1, ValueError), (-2, ValueError), (0.5, TypeError), (True, TypeError), ("0", TypeError)]
)
@pytest.mark.parametrize("fn", [nnlib.softmax, softmax_jvp_of_ones, softmax_vjp_of_ones], ids=lambda f: f.__name__)
def test_bad_axis_raises_naming_axis(fn, axis, error):
    with pytest.raises(error, match="axis"):
        fn(np.array([1.0, 2.0]), axis=axis)


@pytest.mark.parametrize("fn, name", [(nnlib.softmax_jvp, "v"), (nnlib.softmax_vjp, "u")])
@pytest.mark.parametrize(
    "other, error",
    [(np.ones(4), ValueError), (np.ones((2, 3)), ValueError), (np.array([1.0, np.nan, 0.0]), ValueError), ("x", TypeError)],
)
def test_bad_vector_raises_naming_it(fn, name, other, error):
    with pytest.raises(error, match=rf"\b{name}\b"):
        fn(np.array([1.0, 2.0, 3.0]), other)


@pytest.mark.parametrize(
    "alpha, error", [("0.1", TypeError), ([0.1, 0.2], ValueError), (np.nan, ValueError), (1j, TypeError)]
)
@pytest.mark.parametrize("fn", [nnlib.leaky_relu, nnlib.leaky_relu_grad])
def test_bad_alpha_raises_naming_alpha(fn, alpha, error):
    with pytest.raises(error, match="alpha"):
        fn(np.array([1.0, -1.0]), alpha=alpha)
