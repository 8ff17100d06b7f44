"""Unit tests of nnlib.init: the variance formulas, checked in SymPy and statistically.

The statistical tests draw N = n_in * n_out >= 20,000 weights and compare the sample
variance with the formula. For normal weights the sample variance has relative
standard deviation sqrt(2 / N); for uniform weights sqrt(0.8 / N) (the uniform
distribution's kurtosis is 1.8, and Var(s^2) / sigma^4 = (kurtosis - 1) / N). The
tolerance is 5 of those standard deviations, so a correct initialiser fails with
probability below 1e-6 per test, while a wrong constant (a factor 2 or sqrt 2) is
off by many tolerances. The seeds are fixed, so the tests are deterministic anyway.
"""
import numpy as np
import pytest
import sympy as sp
from sympy import stats

from nnlib import init

SIZES = [(256, 128), (1000, 20), (30, 800)]
SEEDS = [0, 1, 2]
NAMES = ["glorot_uniform", "glorot_normal", "he_normal", "lecun_normal"]
VARIANCE = {
    "glorot_uniform": lambda a, b: 2 / (a + b),
    "glorot_normal": lambda a, b: 2 / (a + b),
    "he_normal": lambda a, b: 2 / a,
    "lecun_normal": lambda a, b: 1 / a,
}
REL_SD = {"glorot_uniform": np.sqrt(0.8), "glorot_normal": np.sqrt(2.0),
          "he_normal": np.sqrt(2.0), "lecun_normal": np.sqrt(2.0)}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_in, n_out", SIZES)
@pytest.mark.parametrize("name", NAMES)
def test_sample_variance_and_mean_match_the_formula(name, n_in, n_out, seed):
    W = getattr(init, name)(n_in, n_out, np.random.default_rng(seed))
    N, var = W.size, VARIANCE[name](n_in, n_out)
    assert W.shape == (n_in, n_out) and W.dtype == np.float64
    assert abs(W.var() / var - 1) < 5 * REL_SD[name] / np.sqrt(N)
    assert abs(W.mean()) < 5 * np.sqrt(var / N)


@pytest.mark.parametrize("n_in, n_out", SIZES)
def test_glorot_uniform_stays_inside_its_limit(n_in, n_out):
    W = init.glorot_uniform(n_in, n_out, 0)
    limit = np.sqrt(6 / (n_in + n_out))
    assert np.all(np.abs(W) <= limit) and np.max(np.abs(W)) > 0.99 * limit


def test_uniform_limit_gives_the_glorot_variance_in_sympy():
    a, b, r = sp.symbols("n_in n_out r", positive=True)
    w = stats.Uniform("w", -r, r)
    assert sp.simplify(stats.variance(w) - r**2 / 3) == 0
    assert sp.simplify(stats.variance(w).subs(r, sp.sqrt(6 / (a + b))) - 2 / (a + b)) == 0


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith("normal")])
def test_normal_weights_are_gaussian_in_the_tails(name):
    W = getattr(init, name)(400, 100, 4)
    z = (W / np.sqrt(VARIANCE[name](400, 100))).ravel()
    # P(|z| > 2) = 0.0455 for a standard normal; 40,000 draws: sd of the fraction ~ 0.001
    assert abs(np.mean(np.abs(z) > 2) - 0.0455) < 0.005


@pytest.mark.parametrize("name", NAMES)
def test_int_seed_is_reproducible_and_generator_is_used(name):
    fn = getattr(init, name)
    np.testing.assert_array_equal(fn(5, 4, 11), fn(5, 4, np.random.default_rng(11)))
    rng = np.random.default_rng(0)
    assert not np.array_equal(fn(5, 4, rng), fn(5, 4, rng))


@pytest.mark.parametrize("rng, error", [(None, TypeError), (True, TypeError), ("0", TypeError),
                                        (1.5, TypeError), (-1, ValueError)])
@pytest.mark.parametrize("name", NAMES)
def test_rng_must_be_explicit(name, rng, error):
    with pytest.raises(error, match="rng"):
        getattr(init, name)(3, 2, rng)


@pytest.mark.parametrize("n_in, n_out, error, match", [(0, 2, ValueError, "n_in"), (2, 0, ValueError, "n_out"),
                                                       (2.0, 2, TypeError, "n_in"), (2, "3", TypeError, "n_out")])
@pytest.mark.parametrize("name", NAMES)
def test_bad_sizes(name, n_in, n_out, error, match):
    with pytest.raises(error, match=match):
        getattr(init, name)(n_in, n_out, 0)
