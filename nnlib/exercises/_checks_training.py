"""Checkers of the exercises about learning algorithms and their dynamics (chapters 2, 6, 9 and 10).

The pocket algorithm against the perceptron's own epochs, Nesterov's step against its
definition, a matrix power against NumPy, and ISTA against the lasso's optimality conditions.
Each raises ``WrongAnswer`` with a message that says where the result differs, never the
answer. ``T_...`` is the answer cell's template of each part.
"""
import numpy as np

import nnlib as nn

from ._errors import WrongAnswer
from ._functions import as_array, call, compare, parts


T_POCKET = '''def pocket(X, t, epochs):
    """Gallant's pocket algorithm, in the order of the data, learning rate 1, H(0) = 1.
    X (m, n), t (m,) in {0, 1} -> the pocket's weights w (n,) and bias b."""
    w, b = ..., ...
    return w, b'''


def check_pocket(f, what):
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(-0.6, 1.0, size=(40, 2)), rng.normal(0.6, 1.0, size=(40, 2))])
    t = np.repeat([0, 1], 40)
    order = rng.permutation(80)
    X, t = X[order], t[order]
    w, b = parts(call(f, X, t, 10, what=what), 2, what, ["w", "b"])
    accuracy = np.mean(nn.step(X @ as_array(w, "w").reshape(-1) + float(as_array(b, "b").reshape(()))) == t)
    best_epoch_end = max(nn.Perceptron(lr=1.0, max_epochs=k, shuffle=False).fit(X, t).score(X, t)
                         for k in range(1, 11))
    if accuracy < best_epoch_end - 1e-12:
        raise WrongAnswer(f"{what}: on overlapping blobs its weights score {accuracy:.3f}, below the perceptron's "
                          "weights at the end of one of the epochs, which the pocket must have seen")


T_NESTEROV = '''def nesterov_matrix(lam, eta, mu):
    """The 2 x 2 matrix T_N with (c_{k+1}, c_k) = T_N (c_k, c_{k-1}) for the eigenvalue lam."""
    return ...'''


def check_nesterov(f, what):
    rng = np.random.default_rng(7)
    for lam, eta, mu in [(1.0, 0.01, 0.8), (100.0, 0.01, 0.818), (3.0, 0.1, 0.5)]:
        T = as_array(call(f, lam, eta, mu, what=what), what)
        if T.shape != (2, 2):
            raise WrongAnswer(f"{what} should be a 2 x 2 array, got shape {T.shape}")
        c_prev, c = rng.normal(size=2)
        v = c - c_prev                                                   # the momentum of the last step
        v_next = mu * v - eta * lam * (c + mu * v)                       # gradient at the look-ahead point
        compare(T @ [c, c_prev], [c + v_next, c], f"{what} (lam = {lam:g}, eta = {eta:g}, mu = {mu:g}) "
                 "applied to (c_k, c_{k-1})", rtol=1e-9, atol=1e-12)


T_POWER = '''def power(k):
    """W_h^k in closed form for W_h = [[0.5, 10], [0, 0.5]]: a 2 x 2 array."""
    return ...'''


def check_power(f, what):
    W = np.array([[0.5, 10.0], [0.0, 0.5]])
    for k in (1, 2, 3, 7, 20, 39):
        compare(call(f, k, what=what), np.linalg.matrix_power(W, k), f"{what}({k})", rtol=1e-10, atol=1e-300)


T_ISTA = '''def ista(X, y, lam, eta, n_steps):
    """ISTA for 1/2 ||X w - y||^2 + lam ||w||_1 from w = 0: n_steps proximal gradient steps -> w."""
    return ...'''


def check_ista(f, what):
    H = np.array([[1.0]])
    for _ in range(5):
        H = np.block([[H, H], [H, -H]])
    rng = np.random.default_rng(13)
    designs = [H[:, 1:21] / np.sqrt(32), rng.normal(size=(40, 10)) / np.sqrt(40)]
    for X in designs:
        w_true = np.zeros(X.shape[1])
        w_true[:3] = [2.0, -1.5, 1.0]
        y = X @ w_true + 0.1 * rng.normal(size=len(X))
        lam, eta = 0.2, 1 / np.linalg.norm(X, 2) ** 2
        w = as_array(call(f, X, y, lam, eta, 3000, what=what), what).reshape(-1)
        if w.shape != (X.shape[1],):
            raise WrongAnswer(f"{what} should return one coefficient per column of X ({X.shape[1]})")
        g = X.T @ (y - X @ w)                                            # optimality: g in lam * subgradient
        active, zero = w != 0, w == 0
        if np.any(np.abs(g[active] - lam * np.sign(w[active])) > 1e-6):
            j = np.flatnonzero(active)[np.argmax(np.abs(g[active] - lam * np.sign(w[active])))]
            raise WrongAnswer(f"{what}: coefficient {j} is {'small but not exactly 0' if abs(w[j]) < 2 * eta * lam else 'off'}; the "
                              "result is not the lasso's minimiser (the optimality conditions fail there)")
        if np.any(np.abs(g[zero]) > lam + 1e-6):
            raise WrongAnswer(f"{what}: a coefficient is 0 that should not be (the optimality conditions fail)")
