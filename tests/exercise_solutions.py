"""Reference answers to the self-checking exercises, kept OUTSIDE nnlib.

``tools/exercise_fingerprints.py`` turns the numbers, arrays, expressions and choices here into
the fingerprints of ``nnlib/exercises/fingerprints.json``; ``tests/test_exercises.py`` checks that
every answer here passes ``nnlib.exercises.check`` (the functions too) and that the package holds
none of these values in plain form. Each answer follows the chapter's solution.
"""
import math

import numpy as np

import nnlib
from nnlib.layers import Dense, Sequential, Step


def sigma(z):
    return 1 / (1 + np.exp(-z))


# --- functions (the answers whose kind is "function") --------------------------------------
def to_rows(U, c, v, d):
    return U.T, c, v.reshape(-1, 1), np.array([d])


def collapse(W1, b1, W2, b2):
    return W1 @ W2, b1 @ W2 + b2


def collapse3(W1, b1, W2, b2, W3, b3):
    return W1 @ W2 @ W3, (b1 @ W2 + b2) @ W3 + b3


def to_sigmoid(W, b):
    return W[:, 0] - W[:, 1], b[0] - b[1]


def pocket(X, t, epochs):
    w, b, y = np.zeros(X.shape[1]), 0.0, 2.0 * t - 1
    best = (np.mean(nnlib.step(X @ w + b) == t), w.copy(), b)
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            if (x_i @ w + b >= 0) != (y_i > 0):
                w, b = w + y_i * x_i, b + y_i
                accuracy = np.mean(nnlib.step(X @ w + b) == t)
                if accuracy > best[0]:
                    best = (accuracy, w.copy(), b)
    return best[1], best[2]


def jacobian(z, tau):
    p = nnlib.softmax(z / tau)
    return (np.diag(p) - np.outer(p, p)) / tau


def log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


triangle = Sequential([Dense.from_weights([[1, 0, -1], [0, 1, -1]], [0, 0, 2]), Step(),
                       Dense.from_weights([[1], [1], [1]], [-2.5]), Step()])
_W2 = np.zeros((7, 2))
_W2[:3, 0], _W2[3:, 1] = 1, 1
union = Sequential([Dense.from_weights([[1, 0, -1, 1, -1, 0, 0], [0, 1, -1, 0, 0, 1, -1]], [0, 0, 2, -3, 4, 0, 1]),
                    Step(), Dense.from_weights(_W2, [-2.5, -3.5]), Step(),
                    Dense.from_weights([[1], [1]], [-0.5]), Step()])


def relu_coefficients(f, N):
    t = np.linspace(0, 1, N + 1)
    slopes = N * np.diff(f(t))
    return f(t[0]), np.diff(slopes, prepend=0.0)


def relu_interp_slope():
    def f_target(x):
        return np.sin(2 * np.pi * x) + 0.5 * x
    x, widths, errs = np.linspace(0, 1, 4001), [4, 8, 16, 32, 64, 128, 256, 512], []
    for N in widths:
        c, v = relu_coefficients(f_target, N)
        g = c + nnlib.relu(x[:, None] - np.linspace(0, 1, N + 1)[None, :-1]) @ v
        errs.append(np.max(np.abs(g - f_target(x))))
    return np.polyfit(np.log(widths), np.log(errs), 1)[0]


def grad(z, y):
    p = nnlib.softmax(z)
    d = p - y
    return 2 * p * (d - np.sum(p * d, axis=1, keepdims=True))


def nesterov_matrix(lam, eta, mu):
    a = 1 - eta * lam
    return np.array([[(1 + mu) * a, -mu * a], [1.0, 0.0]])


def gradients(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    delta2 = 2 / len(X) * (A1 @ W2 + b2 - Y)
    delta1 = (delta2 @ W2.T) * (1 - A1 * A1)
    return X.T @ delta1, delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)


def residual_backward(X, W, b, G):
    delta = G * (1 - np.tanh(X @ W + b) ** 2)
    return X.T @ delta, delta.sum(axis=0), G + delta @ W.T


def stored_numbers(sizes, m):
    return m * (sum(sizes[:-1]) + sum(sizes[1:-1]))


def dense_from_conv(W, b):
    return W[:, :, 0, 0].T, b


def power(k):
    return 0.5**k * np.eye(2) + k * 0.5 ** (k - 1) * np.array([[0, 10.0], [0, 0]])


def ista(X, y, lam, eta, n_steps):
    w = np.zeros(X.shape[1])
    for _ in range(n_steps):
        v = w - eta * X.T @ (X @ w - y)
        w = np.sign(v) * np.maximum(np.abs(v) - eta * lam, 0)
    return w


def _window(w):
    r = np.sqrt(1 - 4 / w)
    return 2 / w * np.log((1 + r) / (1 - r))


_ws = np.linspace(4.001, 100, 200_001)
_W_BEST = float(_ws[np.argmax(_window(_ws))])
_Z1, _DSIG = 1.0, sigma(1.0) * (1 - sigma(1.0))
_DELTA2 = 2 * sigma(1.0)
_DELTA_Z = np.exp(-10) / (1 + 2 * np.exp(-10))
_Z_WRONG = np.array([[10.0, 0.0, 0.0]])
_MLP_TOTAL = 3073 * 512 + 513 * 256 + 257 * 10

SOLUTIONS = {
    "ex-ch1-by-hand": dict(z=-2.5, a_step=0, a_relu=0, a_sigmoid=1 / (1 + np.exp(2.5)), changes={"sigmoid"}),
    "ex-ch1-count": dict(per_layer=[785 * 128, 129 * 64, 65 * 10], first_share=785 * 128 / 109_386, h=126),
    "ex-ch1-convert": dict(to_rows=to_rows),
    "ex-ch1-linear": dict(collapse=collapse),
    "ex-ch1-redundant": dict(to_sigmoid=to_sigmoid),
    "ex-ch2-hand": dict(w_epoch1=[1, 1], b_epoch1=0, w_epoch2=[2, 1], b_epoch2=-1, mistakes=[2, 3]),
    "ex-ch2-xor-net": dict(hidden=[[0, 1], [1, 1], [1, 1], [1, 0]], n_layers=2),
    "ex-ch2-augment": dict(misread_bound=1.0, updates=2, correct_bound=lambda eps: (1 + eps**2) / eps**2),
    "ex-ch2-pocket": dict(pocket=pocket, can_be_lower="no"),
    "ex-act-tanh-grad": dict(accurate="sigmoid_grad"),
    "ex-act-temperature": dict(jacobian=jacobian),
    "ex-act-log-softmax": dict(log_softmax=log_softmax),
    "ex-act-window": dict(width=_window, w_best=_W_BEST, width_max=float(_window(_W_BEST))),
    "ex-mlp-count": dict(total=_MLP_TOTAL, first_share=3073 * 512 / _MLP_TOTAL),
    "ex-mlp-linear": dict(collapse3=collapse3),
    "ex-mlp-region": dict(triangle=triangle, union=union),
    "ex-mlp-xor-skip": dict(weights=(1.0, 1.0, -1.5, 1.0, 1.0, -2.0, -0.5)),
    "ex-mlp-relu-interp": dict(relu_coefficients=relu_coefficients, slope=relu_interp_slope()),
    "ex-ch5-laplace": dict(mse_constant="mean", mae_constant="median"),
    "ex-ch5-mse-softmax": dict(grad=grad, norm_saturated=float(np.linalg.norm(grad(_Z_WRONG, nnlib.one_hot([1], 3))))),
    "ex-ch5-smoothing": dict(gap=lambda K, eps: np.log(1 + K * (1 - eps) / eps)),
    "ex-ch6-1d": dict(best_lr=lambda a, b: 1 / a),
    "ex-ch6-abs": dict(settles_at=0.05),
    "ex-ch6-rescale": dict(kappa_scaled=lambda s: s**2, kappa_correlated=lambda r: (1 + r) / (1 - r)),
    "ex-ch6-nesterov": dict(nesterov_matrix=nesterov_matrix),
    "ex-bp-by-hand": dict(z1=_Z1, a1=sigma(1.0), z2=_DELTA2, loss=_DELTA2**2 / 2, delta2=_DELTA2,
                          delta1=_DELTA2 * 2 * _DSIG, dw1=_DELTA2 * 2 * _DSIG, db1=_DELTA2 * 2 * _DSIG,
                          dw2=_DELTA2 * sigma(1.0), db2=_DELTA2),
    "ex-bp-tanh-mse": dict(gradients=gradients),
    "ex-bp-weight-decay": dict(decay_factor=lambda eta, lam: 1 - eta * lam),
    "ex-bp-symmetry": dict(effective_units=1),
    "ex-bp-residual": dict(residual_backward=residual_backward),
    "ex-bp-memory": dict(stored_numbers=stored_numbers, first_m=26),
    "ex-conv-sizes": dict(out_shape=(10, 8, 16, 16), n_params=8 * (3 * 25 + 1), mult_adds=10 * 8 * 16 * 16 * 3 * 25,
                          dense_params=(3 * 32 * 32 + 1) * 8 * 16 * 16),
    "ex-conv-1x1": dict(dense_from_conv=dense_from_conv),
    "ex-conv-overlap": dict(pooled=[3, 3, 3], grad_first=[[0, 11, 100, 0], [0, 0, 0, 0]],
                            grad_even=[[0, 6, 105, 0], [0, 0, 0, 0]]),
    "ex-rnn-gru-count": dict(n_params=lambda n, H: 3 * (n * H + H**2 + H), lm_params=19584, torch_params=19776),
    "ex-rnn-bound": dict(power=power),
    "ex-reg-adagrad": dict(step_size=lambda eta, t: eta / np.sqrt(t)),
    "ex-reg-bias": dict(first_step_factor=0.1 / np.sqrt(0.001), limit_factor=1.0),
    "ex-reg-early-stopping": dict(alpha=lambda h, k, eta: h * (1 - eta * h) ** k / (1 - (1 - eta * h) ** k),
                                  trend="decreases"),
    "ex-reg-ista": dict(ista=ista),
    "ex-deep-factor": dict(factor=lambda n, s2: n * s2 / 2, ratio=0.5**49, s2_he=lambda n: 2 / n),
    "ex-deep-bn-bias": dict(grad_b=0.0, redundant=64),
    "ex-deep-fold": dict(scale=lambda gamma, v, eps: gamma / np.sqrt(v + eps),
                         shift=lambda b, mu, gamma, v, eps, beta: (b - mu) * gamma / np.sqrt(v + eps) + beta),
    "ex-deep-paths": dict(n_paths=lambda L, k: math.comb(int(L), int(k)), mean_length=lambda L: L / 2,
                          fraction=sum(math.comb(54, k) for k in range(19, 36)) / 2**54),
    "ex-att-variance": dict(variance=lambda d, s2: d * s2**2, scale=lambda d, s2: 1 / (s2 * np.sqrt(d)), std_64=8.0),
    "ex-att-params": dict(mha=lambda d, h: 4 * d**2 + 4 * d,
                          block=lambda d, h, dff: 4 * d**2 + 2 * d * dff + 9 * d + dff, gpt2_blocks=85_054_464),
    "ex-att-crossover": dict(T_attention=lambda d: 2 * d, T_block=lambda d: 6 * d, fraction=1024 / (6 * 768 + 1024)),
}
