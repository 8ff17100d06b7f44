"""Unit tests of nnlib.gradient_check: the finite-difference oracle every chapter relies on."""
import numpy as np
import pytest

import nnlib


def rng(seed):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 2, 2)])
def test_gradient_of_sum_of_cubes(shape, seed):
    x = rng(seed).normal(size=shape)
    numeric = nnlib.numerical_gradient(lambda x: np.sum(x**3), x)
    assert numeric.shape == x.shape
    assert nnlib.relative_error(numeric, 3 * x**2) < 1e-8


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_of_a_quadratic_form(seed):
    A = rng(seed).normal(size=(4, 4))                              # (n, n), not symmetric
    x = rng(seed + 10).normal(size=4)                              # (n,)
    numeric = nnlib.numerical_gradient(lambda x: x @ A @ x, x)
    assert nnlib.relative_error(numeric, (A + A.T) @ x) < 1e-8


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_with_respect_to_a_weight_matrix(seed):
    X = rng(seed).normal(size=(5, 3))                              # (m, n_in)
    W = rng(seed + 1).normal(size=(3, 2))                          # (n_in, n_out)
    numeric = nnlib.numerical_gradient(lambda W: 0.5 * np.sum((X @ W) ** 2), W)
    assert nnlib.relative_error(numeric, X.T @ (X @ W)) < 1e-8     # (n_in, n_out)


def test_central_differences_are_second_order():
    x = np.array([0.3, 1.1, -0.7])
    errors = [np.max(np.abs(nnlib.numerical_gradient(lambda x: np.sum(np.sin(x)), x, eps=eps) - np.cos(x)))
              for eps in (1e-2, 1e-3)]
    assert 80 < errors[0] / errors[1] < 120                        # eps / 10  ->  error / 100


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_works_in_float64_and_leaves_x_untouched(dtype):
    x = np.array([1, 2, 3], dtype=dtype)
    before = x.copy()
    seen = []
    numeric = nnlib.numerical_gradient(lambda x: seen.append(x.dtype) or float(np.sum(x**2)), x)
    assert numeric.dtype == np.float64 and set(seen) == {np.dtype(np.float64)}
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(numeric, 2 * before, rtol=1e-9)


@pytest.mark.parametrize("result", [np.float64(2.0), np.array(2.0), np.array([2.0]), 2, 2.0])
def test_scalar_like_results_are_accepted(result):
    assert nnlib.numerical_gradient(lambda x: result, np.ones(2)).tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(f="not callable", x=np.ones(2)), TypeError, r"\bf\b"),
        (dict(f=np.sum, x="abc"), TypeError, r"\bx\b"),
        (dict(f=np.sum, x=np.array([1.0, np.nan])), ValueError, r"\bx\b"),
        (dict(f=np.sum, x=np.array([1 + 1j])), TypeError, r"\bx\b"),
        (dict(f=np.sum, x=np.ones(2), eps=0.0), ValueError, "eps"),
        (dict(f=np.sum, x=np.ones(2), eps=-1e-6), ValueError, "eps"),
        (dict(f=np.sum, x=np.ones(2), eps=[1e-6, 1e-6]), ValueError, "eps"),
        (dict(f=lambda x: x, x=np.ones(2)), ValueError, r"f\(x\).*scalar"),
        (dict(f=lambda x: np.nan, x=np.ones(2)), ValueError, r"f\(x\)"),
        (dict(f=lambda x: "a", x=np.ones(2)), TypeError, r"f\(x\)"),
    ],
)
def test_numerical_gradient_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        nnlib.numerical_gradient(**kwargs)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([1.0, 2.0], [1.0, 2.0], 0.0),
        ([1.0, 2.0], [1.0, 2.5], 0.5 / 4.5),                        # max|a-b| / max(|a|+|b|)
        ([1.0, -2.0], [-1.0, 2.0], 1.0),                            # opposite signs: the maximum
        ([0.0, 100.0], [1e-3, 100.0], 1e-3 / 200.0),                # small entries judged by the largest
        ([0.0, 0.0], [0.0, 0.0], 0.0),
        ([0.0], [1e-13], 1e-13 / 1e-12),                            # the floor takes over
        (3.0, 3.5, 0.5 / 6.5),                                      # 0-d
    ],
)
def test_relative_error_formula(a, b, expected):
    assert nnlib.relative_error(a, b) == pytest.approx(expected, rel=1e-12, abs=0)
    assert nnlib.relative_error(b, a) == pytest.approx(expected, rel=1e-12, abs=0)  # symmetric


@pytest.mark.parametrize("seed", range(5))
def test_relative_error_is_between_0_and_1(seed):
    a, b = rng(seed).normal(size=(2, 3, 4))
    assert 0.0 <= nnlib.relative_error(a, b) <= 1.0


def test_relative_error_custom_floor():
    assert nnlib.relative_error([0.0], [1e-3], floor=1.0) == pytest.approx(1e-3)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([1.0, 2.0], [1.0]), {}, ValueError, "a and b must have the same shape"),
        (("x", [1.0]), {}, TypeError, r"\ba\b"),
        (([1.0], [np.inf]), {}, ValueError, r"\bb\b"),
        (([1.0], [1.0]), dict(floor=0.0), ValueError, "floor"),
        (([1.0], [1.0]), dict(floor="big"), TypeError, "floor"),
    ],
)
def test_relative_error_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        nnlib.relative_error(*args, **kwargs)
