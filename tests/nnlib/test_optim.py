"""Unit tests of nnlib.optim: SGD (plain and heavy-ball momentum) and gradient_descent.

Oracles: the update formulas written in SymPy (exact rationals for hand-checkable
steps, lambdified for random arrays), the linear-algebra theory of gradient descent
on a quadratic f(w) = 1/2 w^T A w - b^T w (chapter 6): convergence exactly when
0 < lr < 2 / lambda_max, per-step contraction max_i |1 - lr lambda_i|, and the
heavy-ball speed-up on an ill-conditioned problem.
"""
import numpy as np
import pytest
import sympy as sp
from oracles import sympy_fn

import nnlib
from nnlib.optim import SGD, gradient_descent

DTYPES = [np.float32, np.float64]
SEEDS = [0, 1, 2, 3]


def spd_matrix(seed, d=4, lam_min=1.0, lam_max=10.0):
    """A random symmetric positive definite (d, d) matrix with the given extreme eigenvalues."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.concatenate([[lam_min, lam_max], rng.uniform(lam_min, lam_max, size=d - 2)])
    return (Q * lam) @ Q.T, lam


def quadratic(seed, d=4, lam_min=1.0, lam_max=10.0):
    A, lam = spd_matrix(seed, d, lam_min, lam_max)
    rng = np.random.default_rng(seed + 100)
    b = rng.normal(size=d)
    w_star = np.linalg.solve(A, b)
    return A, b, w_star, lam, rng.normal(size=d)


def errors(trajectory, w_star):
    return np.linalg.norm(trajectory - w_star, axis=1)


# ------------------------------------------------------ the update formulas
def test_plain_step_matches_hand_computed_values():
    p = [np.array([1.0, -2.0]), np.array([[0.5]])]
    opt = SGD(lr=0.25)
    opt.step(p, [np.array([2.0, 4.0]), np.array([[-1.0]])])     # 1 - 0.5, -2 - 1, 0.5 + 0.25
    np.testing.assert_array_equal(p[0], [0.5, -3.0])
    np.testing.assert_array_equal(p[1], [[0.75]])
    opt.step(p, [np.array([1.0, 0.0]), np.array([[2.0]])])
    np.testing.assert_array_equal(p[0], [0.25, -3.0])
    np.testing.assert_array_equal(p[1], [[0.25]])


def test_momentum_steps_match_hand_computed_values():
    p = [np.array([1.0])]
    opt = SGD(lr=0.5, momentum=0.5)
    opt.step(p, [np.array([2.0])])   # v = -1,                p = 0
    np.testing.assert_array_equal(p[0], [0.0])
    opt.step(p, [np.array([2.0])])   # v = 0.5 * -1 - 1 = -1.5, p = -1.5
    np.testing.assert_array_equal(p[0], [-1.5])
    opt.step(p, [np.array([-4.0])])  # v = -0.75 + 2 = 1.25,  p = -0.25
    np.testing.assert_array_equal(p[0], [-0.25])
    np.testing.assert_array_equal(opt.velocities[0], [1.25])


P0, G0, G1, G2, ETA, MU = sp.symbols("p0 g0 g1 g2 eta mu", real=True)


def heavy_ball_sympy(n_steps):
    """p_n after n steps of v <- mu v - eta g_k, p <- p + v, from p0 and v = 0."""
    p, v = P0, sp.Integer(0)
    for g in (G0, G1, G2)[:n_steps]:
        v = MU * v - ETA * g
        p = p + v
    return p


def test_sympy_two_step_momentum_recurrence():
    """The velocity form equals the two-term recurrence p2 = p1 - eta g1 + mu (p1 - p0)."""
    p1, p2 = heavy_ball_sympy(1), heavy_ball_sympy(2)
    assert sp.expand(p1 - (P0 - ETA * G0)) == 0
    assert sp.expand(p2 - (p1 - ETA * G1 + MU * (p1 - P0))) == 0
    assert sp.expand(p2 - (P0 - ETA * (1 + MU) * G0 - ETA * G1)) == 0


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("seed", SEEDS)
def test_three_steps_match_lambdified_sympy(momentum, seed):
    rng = np.random.default_rng(seed)
    shapes = [(3, 2), (2,), ()]
    params = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(3)]
    expected_fn = sympy_fn(heavy_ball_sympy(3).subs(MU, momentum), [P0, G0, G1, G2, ETA])
    expected = [expected_fn(p, grads[0][i], grads[1][i], grads[2][i], 0.1) for i, p in enumerate(params)]
    opt = SGD(lr=0.1, momentum=momentum)
    for g in grads:
        opt.step(params, g)
    for actual, want in zip(params, expected):
        np.testing.assert_allclose(actual, want, rtol=1e-14, atol=1e-15)


def test_small_plain_step_decreases_a_smooth_function_as_taylor_predicts():
    """f(w - lr g) = f(w) - lr |g|^2 + O(lr^2), with g from central differences."""
    def f(w):
        return float(np.sum(np.log1p(np.exp(w))) + np.sum(w[:-1] * w[1:]) ** 2)

    w = np.array([0.3, -1.2, 0.7, 2.0])
    g = nnlib.numerical_gradient(f, w)
    for lr in [1e-2, 1e-3, 1e-4]:
        w_new = w.copy()
        SGD(lr=lr).step([w_new], [g])
        decrease = f(w) - f(w_new)
        assert decrease > 0
        assert abs(decrease / (lr * g @ g) - 1) < 50 * lr


# ---------------------------------------------------------- in place, dtypes
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_step_updates_in_place(momentum):
    W, b = np.ones((3, 2)), np.zeros(2)
    params = [W, b]
    SGD(lr=0.1, momentum=momentum).step(params, [np.ones((3, 2)), np.ones(2)])
    assert params[0] is W and params[1] is b
    np.testing.assert_allclose(W, 0.9)
    np.testing.assert_allclose(b, -0.1)


def test_tuples_are_accepted():
    W = np.ones(2)
    SGD(lr=0.5).step((W,), (np.ones(2),))
    np.testing.assert_array_equal(W, [0.5, 0.5])


@pytest.mark.parametrize("grad_dtype", DTYPES)
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_float32_params_stay_float32(momentum, grad_dtype):
    W = np.ones((2, 2), dtype=np.float32)
    opt = SGD(lr=0.1, momentum=momentum)
    for _ in range(3):
        opt.step([W], [np.full((2, 2), 0.5, dtype=grad_dtype)])
    assert W.dtype == np.float32
    if momentum:
        assert opt.velocities[0].dtype == np.float32


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradient_descent_trajectory_shape_dtype_and_first_row(dtype):
    w0 = np.array([1.0, -1.0, 2.0], dtype=dtype)
    traj = gradient_descent(lambda w: 2 * w, w0, lr=0.1, n_steps=5)
    assert traj.shape == (6, 3) and traj.dtype == dtype
    np.testing.assert_array_equal(traj[0], w0)
    np.testing.assert_allclose(traj[-1], w0 * 0.8**5, rtol=1e-6)
    np.testing.assert_array_equal(w0, np.array([1.0, -1.0, 2.0], dtype=dtype))  # w0 untouched


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_descent_follows_the_heavy_ball_recurrence(seed):
    A, b, _, _, w0 = quadratic(seed)
    lr, mu = 0.05, 0.7
    traj = gradient_descent(lambda w: A @ w - b, w0, lr=lr, n_steps=20, momentum=mu)
    previous = np.vstack([traj[:1], traj[:-2]])           # w_{k-1}, with w_{-1} = w_0
    expected = traj[:-1] - lr * (traj[:-1] @ A - b) + mu * (traj[:-1] - previous)
    np.testing.assert_allclose(traj[1:], expected, rtol=1e-12, atol=1e-12)


# --------------------------------------------------- theory on a quadratic
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("lam_max", [4.0, 10.0, 50.0])
def test_converges_below_two_over_lambda_max_and_diverges_above(seed, lam_max):
    A, b, w_star, lam, w0 = quadratic(seed, lam_max=lam_max)
    limit = 2 / lam.max()
    e0 = np.linalg.norm(w0 - w_star)
    below = gradient_descent(lambda w: A @ w - b, w0, lr=0.95 * limit, n_steps=2000)
    above = gradient_descent(lambda w: A @ w - b, w0, lr=1.05 * limit, n_steps=400)
    assert errors(below, w_star)[-1] < 1e-9 * e0
    assert errors(above, w_star)[-1] > 1e6 * e0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fraction", [0.05, 0.25, 0.5, 10 / 11, 0.95, 0.98])  # of 2 / lambda_max
def test_measured_rate_matches_max_abs_one_minus_lr_lambda(seed, fraction):
    A, b, w_star, lam, w0 = quadratic(seed)          # lambda in [1, 10]
    lr = fraction * 2 / lam.max()
    rate = np.max(np.abs(1 - lr * lam))
    n = int(np.ceil(np.log(1e-8) / np.log(rate)))    # error ~ 1e-8 at the end
    e = errors(gradient_descent(lambda w: A @ w - b, w0, lr=lr, n_steps=n), w_star)
    measured = (e[n] / e[n // 2]) ** (1 / (n - n // 2))
    np.testing.assert_allclose(measured, rate, rtol=2e-3)


def iterations_to(tolerance, e):
    return int(np.argmax(e <= tolerance * e[0]))


@pytest.mark.parametrize("seed", SEEDS)
def test_momentum_is_much_faster_on_an_ill_conditioned_quadratic(seed):
    A, b, w_star, lam, w0 = quadratic(seed, lam_min=1.0, lam_max=100.0)
    kappa = lam.max() / lam.min()
    lr_gd = 2 / (lam.min() + lam.max())
    lr_hb = 4 / (np.sqrt(lam.max()) + np.sqrt(lam.min())) ** 2
    mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    grad = lambda w: A @ w - b  # noqa: E731
    e_gd = errors(gradient_descent(grad, w0, lr=lr_gd, n_steps=2000), w_star)
    e_hb = errors(gradient_descent(grad, w0, lr=lr_hb, n_steps=2000, momentum=mu), w_star)
    k_gd, k_hb = iterations_to(1e-6, e_gd), iterations_to(1e-6, e_hb)
    assert 0 < k_hb < k_gd / 5
    assert e_gd[k_gd] <= 1e-6 * e_gd[0] and e_hb[k_hb] <= 1e-6 * e_hb[0]


def test_heavy_ball_spectral_radius_is_sqrt_mu_at_the_optimal_parameters():
    lam_min, lam_max = 1.0, 100.0
    kappa = lam_max / lam_min
    lr = 4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2
    mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    for lam in np.linspace(lam_min, lam_max, 50):
        T = np.array([[1 + mu - lr * lam, -mu], [1.0, 0.0]])
        np.testing.assert_allclose(np.max(np.abs(np.linalg.eigvals(T))), np.sqrt(mu), rtol=1e-6)


# ------------------------------------------------------------ state
def test_reset_forgets_the_velocity():
    W1, W2 = np.zeros(2), np.zeros(2)
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step([W1], [np.ones(2)])
    opt.step([W1], [np.ones(2)])
    opt.reset()
    assert opt.velocities is None
    opt.step([W2], [np.ones(2)])
    np.testing.assert_allclose(W2, -0.1)          # a first step again: no old velocity


def test_changed_shapes_raise_with_advice_to_reset():
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(2), np.zeros(1)], [np.ones(2), np.ones(1)])


def test_velocity_is_kept_per_position():
    a, b = np.zeros(1), np.zeros(1)
    opt = SGD(lr=1.0, momentum=0.5)
    opt.step([a, b], [np.array([1.0]), np.array([-2.0])])
    opt.step([a, b], [np.array([0.0]), np.array([0.0])])
    np.testing.assert_array_equal(a, [-1.5])
    np.testing.assert_array_equal(b, [3.0])


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -0.1}, ValueError, "lr"),
        ({"lr": np.nan}, ValueError, "lr"),
        ({"lr": "0.1"}, TypeError, "lr"),
        ({"lr": [0.1, 0.2]}, ValueError, "lr"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"momentum": -0.1}, ValueError, "momentum"),
        ({"momentum": np.inf}, ValueError, "momentum"),
    ],
)
def test_bad_hyper_parameters_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        SGD(**kwargs)


@pytest.mark.parametrize(
    "params, grads, error, match",
    [
        (np.zeros(2), [np.zeros(2)], TypeError, "params"),
        ([np.zeros(2)], np.zeros(2), TypeError, "grads"),
        ([np.zeros(2)], [np.zeros(2), np.zeros(2)], ValueError, "params and grads"),
        ([np.zeros(2)], [np.zeros(3)], ValueError, r"grads\[0\]"),
        ([np.zeros(2)], [[0.0, 0.0]], TypeError, r"grads\[0\]"),           # step checks O(1): arrays only
        ([np.zeros(2)], [np.zeros(2, dtype=int)], TypeError, r"grads\[0\]"),
        ([np.zeros(2)], [np.array(["a", "b"])], TypeError, r"grads\[0\]"),
        ([np.zeros(2, dtype=int)], [np.zeros(2)], TypeError, r"params\[0\]"),
        ([[0.0, 0.0]], [np.zeros(2)], TypeError, r"params\[0\]"),
    ],
)
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_bad_params_or_grads_raise(params, grads, error, match, momentum):
    with pytest.raises(error, match=match):
        SGD(lr=0.1, momentum=momentum).step(params, grads)


def test_read_only_params_raise():
    W = np.zeros(2)
    W.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[0\]"):
        SGD().step([W], [np.ones(2)])


def test_failed_step_changes_nothing():
    W, b = np.ones(2), np.ones(2)
    with pytest.raises(ValueError, match=r"grads\[1\]"):
        SGD(lr=0.1).step([W, b], [np.ones(2), np.zeros(3)])
    np.testing.assert_array_equal(W, 1.0)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (("not callable", np.zeros(2)), {"lr": 0.1, "n_steps": 3}, TypeError, "grad"),
        ((lambda w: w, np.zeros((2, 2))), {"lr": 0.1, "n_steps": 3}, ValueError, "w0"),
        ((lambda w: w, np.zeros(2)), {"lr": 0.1, "n_steps": 0}, ValueError, "n_steps"),
        ((lambda w: w, np.zeros(2)), {"lr": 0.1, "n_steps": 2.5}, TypeError, "n_steps"),
        ((lambda w: w, np.zeros(2)), {"lr": -1.0, "n_steps": 3}, ValueError, "lr"),
        ((lambda w: w, np.zeros(2)), {"lr": 0.1, "n_steps": 3, "momentum": 1.0}, ValueError, "momentum"),
        ((lambda w: w[:1], np.zeros(2)), {"lr": 0.1, "n_steps": 3}, ValueError, "grads"),
        ((lambda w: w + np.inf, np.zeros(2)), {"lr": 0.1, "n_steps": 3}, ValueError, "diverged"),
    ],
)
def test_gradient_descent_bad_input_raises(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        gradient_descent(*args, **kwargs)
