"""Checkers of the exercises whose answer is a derivative or a backward pass (chapters 3, 5 and 7).

Each checker compares the student's function with nnlib's own derivative (the softmax's
Jacobian, a layer's backward pass) or with finite differences, on random inputs, extreme
inputs (``|z|`` up to 1e4) and both float32 and float64 where that matters. It raises
``WrongAnswer`` with a message that says where the result differs, never the formula.
``T_...`` is the answer cell's template of each part.
"""
import numpy as np

import nnlib as nn

from ._errors import WrongAnswer
from ._functions import call, compare, parts


T_JACOBIAN = '''def jacobian(z, tau):
    """The Jacobian of softmax(z / tau) with respect to z; z (K,) -> (K, K)."""
    return ...'''


def check_temperature_jacobian(f, what):
    rng = np.random.default_rng(4)
    for K, tau, scale in [(4, 0.5, 1.0), (3, 3.0, 2.0), (6, 1.0, 0.5), (2, 10.0, 5.0)]:
        z = rng.normal(scale=scale, size=K)
        want = nn.softmax_jacobian(z / tau) / tau
        compare(call(f, z, tau, what=what), want, f"{what} at tau = {tau:g}", rtol=1e-6, atol=1e-12)


T_LOG_SOFTMAX = '''def log_softmax(z):
    """log(softmax(z)) along the last axis, stable for any finite z; z (..., K) -> same shape."""
    return ...'''


def check_log_softmax(f, what):
    rng = np.random.default_rng(5)
    cases = [rng.normal(size=5), rng.normal(size=(4, 5)), rng.normal(scale=30, size=(3, 7)),
             rng.uniform(-1e4, 1e4, size=(6, 3)), np.array([0.0, -1000.0]), np.array([[1e4, -1e4, 0.0]])]
    for z in cases:
        for dtype in (np.float64, np.float32):
            zd = z.astype(dtype)
            z2 = zd.astype(float).reshape(-1, z.shape[-1])
            want = -np.array([[nn.softmax_cross_entropy(row[None], [c]) for c in range(row.size)]
                              for row in z2]).reshape(z.shape)       # nnlib's own, in float64
            tol = 1e-10 if dtype == np.float64 else 1e-4
            scale = max(1.0, float(np.max(np.abs(z))))
            compare(call(f, zd, what=what), want, f"{what}({dtype.__name__} z of shape {z.shape}, "
                     f"|z| up to {scale:.0e})", rtol=tol, atol=tol * scale)


T_MSE_SOFTMAX = '''def grad(z, y):
    """d/dz of ||softmax(z) - y||^2 for each row; z, y (m, K) -> (m, K)."""
    return ...'''


def check_mse_softmax_grad(f, what):
    rng = np.random.default_rng(6)
    for m, K, scale in [(1, 3, 1.0), (5, 4, 2.0), (3, 6, 10.0)]:
        z, y = rng.normal(scale=scale, size=(m, K)), nn.one_hot(rng.integers(0, K, size=m), K)
        p = nn.softmax(z)
        compare(call(f, z, y, what=what), nn.softmax_vjp(z, 2 * (p - y)), what, rtol=1e-7, atol=1e-12)


T_TANH_MSE = '''def gradients(X, Y, W1, b1, W2, b2):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 for L = sum((tanh(X W1 + b1) W2 + b2 - Y)**2) / m."""
    dW1, db1, dW2, db2 = ..., ..., ..., ...
    return dW1, db1, dW2, db2'''


def check_tanh_mse(f, what):
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2)]
    out = parts(call(f, X, Y, *params, what=what), 4, what, ["dW1", "db1", "dW2", "db2"])
    for i, name in enumerate(["dW1", "db1", "dW2", "db2"]):
        def loss(value, i=i):
            p = [value if j == i else q for j, q in enumerate(params)]
            return np.sum((np.tanh(X @ p[0] + p[1]) @ p[2] + p[3] - Y) ** 2) / len(X)
        compare(out[i], nn.numerical_gradient(loss, params[i]), f"{what}: {name}", rtol=1e-6, atol=1e-8)


T_RESIDUAL = '''def residual_backward(X, W, b, G):
    """Y = X + tanh(X W + b); G = dL/dY -> dL/dW, dL/db, dL/dX."""
    dW, db, dX = ..., ..., ...
    return dW, db, dX'''


def check_residual(f, what):
    rng = np.random.default_rng(9)
    for m, n in [(6, 5), (1, 3)]:
        X, G, W, b = rng.normal(size=(m, n)), rng.normal(size=(m, n)), rng.normal(size=(n, n)), rng.normal(size=n)
        block = nn.Sequential([nn.Dense.from_weights(W, b), nn.Tanh()])
        block.forward(X)
        dX = G + block.backward(G, need_input_grad=True)               # identity path + the path through f
        dW, db = block.gradients()[:2]
        out = parts(call(f, X, W, b, G, what=what), 3, what, ["dW", "db", "dX"])
        for got, want, name in zip(out, (dW, db, dX), ("dW", "db", "dX")):
            compare(got, want, f"{what}: {name}")


T_STORED = '''def stored_numbers(sizes, m):
    """How many numbers the layers of Dense / ReLU network `sizes` keep for backward, batch m."""
    return ...'''


def check_stored_numbers(f, what):
    rng = np.random.default_rng(10)
    for sizes, m in [([64, 64, 10], 32), ([3, 5], 4), ([4, 7, 6, 2], 9)]:
        stack = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            stack += [nn.Dense(n_in, n_out, rng=rng)] + ([nn.ReLU()] if i < len(sizes) - 2 else [])
        nn.Sequential(stack).forward(rng.normal(size=(m, sizes[0])))
        held = sum(getattr(layer, "_X", None).size if isinstance(layer, nn.Dense) else layer._Z.size
                   for layer in stack)                                  # the caches nnlib's layers hold
        got = call(f, sizes, m, what=what)
        if not np.isscalar(got) or got != held:
            raise WrongAnswer(f"{what}({sizes}, m={m}) does not match the arrays the layers hold")
