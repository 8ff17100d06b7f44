"""Oracles shared by nnlib's unit tests: one call compares nnlib with an independent answer.

In the style of tinygrad's ``helper_test_op``: a test states *what* is compared
(nnlib against SymPy, a derivative against finite differences) and this file says
*how*, once, with explicit tolerances. Later chapters reuse it for losses, layers,
optimizers: anything with a SymPy formula or a gradient.

* :func:`assert_matches_sympy`   nnlib vs a lambdified SymPy expression (float64).
* :func:`assert_matches_sympy_exact` nnlib vs SymPy evaluated to 50 digits, then rounded
  (for extreme inputs where a lambdified formula would overflow).
* :func:`assert_grad_matches_fd`  an elementwise derivative vs central differences.
* :func:`assert_vjp_matches_fd`   any array map's vector-Jacobian product vs central differences.
* :func:`assert_no_fp_issue`     call under ``np.errstate(all="raise")`` with warnings as errors.
"""
import warnings

import numpy as np
import sympy as sp

import nnlib


def sympy_fn(expr, symbols):
    """Lambdify ``expr`` with the NumPy backend (``symbols``: one Symbol or a sequence)."""
    return sp.lambdify(symbols, expr, modules="numpy")


def assert_matches_sympy(nn_fn, sympy_expr, symbol, points, rtol=1e-12, atol=0.0):
    """Assert ``nn_fn(points)`` equals the lambdified ``sympy_expr`` at ``points``, in float64."""
    points = np.asarray(points, dtype=np.float64)
    expected = np.broadcast_to(sympy_fn(sympy_expr, symbol)(points), points.shape)
    np.testing.assert_allclose(nn_fn(points), expected, rtol=rtol, atol=atol)


def assert_matches_sympy_exact(nn_fn, sympy_expr, symbol, points, dtype=np.float64, rtol=1e-14, atol=None):
    """Assert ``nn_fn`` agrees with ``sympy_expr`` evaluated to 50 digits and rounded to ``dtype``.

    ``atol`` defaults to the smallest normal number of ``dtype``: below it (subnormals)
    relative accuracy is not defined.
    """
    points = np.asarray(points, dtype=dtype)
    expected = [float(sympy_expr.subs(symbol, sp.Float(float(p), 50)).evalf(50)) for p in points.ravel()]
    expected = np.asarray(expected).astype(dtype).reshape(points.shape)  # 0.0 where dtype underflows
    actual = nn_fn(points)
    assert actual.dtype == dtype
    atol = np.finfo(dtype).tiny if atol is None else atol
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def assert_grad_matches_fd(fn, grad_fn, z, rtol=1e-7, seed=0):
    """Assert the elementwise derivative ``grad_fn(z)`` matches central differences of ``fn``.

    Differentiates the scalar ``sum(w * fn(z))`` with random weights ``w``: its
    gradient is ``w * grad_fn(z)``, and the random ``w`` makes a wrong entry
    unable to hide behind a sum.
    """
    z = np.asarray(z, dtype=np.float64)
    w = np.random.default_rng(seed).uniform(0.5, 1.5, size=z.shape)
    numeric = nnlib.numerical_gradient(lambda x: np.sum(w * fn(x)), z)
    err = nnlib.relative_error(w * grad_fn(z), numeric)
    assert err < rtol, f"relative error {err:.2e} >= {rtol:.0e}"


def assert_vjp_matches_fd(fn, vjp_fn, z, rtol=1e-7, seed=0):
    """Assert ``vjp_fn(z, u)`` (u^T J of the map ``fn``) matches central differences of ``<u, fn(z)>``."""
    z = np.asarray(z, dtype=np.float64)
    u = np.random.default_rng(seed).standard_normal(np.shape(fn(z)))
    numeric = nnlib.numerical_gradient(lambda x: np.sum(u * fn(x)), z)
    err = nnlib.relative_error(vjp_fn(z, u), numeric)
    assert err < rtol, f"relative error {err:.2e} >= {rtol:.0e}"


def assert_no_fp_issue(fn, *args, **kwargs):
    """Call ``fn`` with every floating-point exception raising and warnings as errors; return its result.

    The result must be finite. (nnlib lets *underflow* to zero through on purpose:
    it is the correctly rounded answer, see ``nnlib/activations.py``.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            out = fn(*args, **kwargs)
    assert np.all(np.isfinite(out)), f"{getattr(fn, '__name__', fn)} returned non-finite values"
    return out
