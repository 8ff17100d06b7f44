"""Checkers of the exercises about what a network computes (chapters 1, 4 and 8), and their templates.

Each checker calls the student's function on random inputs (fixed seeds, several shapes) and
compares the network it describes with the one the exercise gives, or a network's decisions
with the region it should carve out. It raises ``WrongAnswer`` with a message that says where
the result differs, never the formula. ``T_...`` is the answer cell's template of each part.
"""
import numpy as np

import nnlib as nn

from ._errors import WrongAnswer
from ._functions import as_array, call, compare, parts


T_TO_ROWS = '''def to_rows(U, c, v, d):
    """U (5, 3), c (5,), v (5,), d a number -> W1, b1, W2, b2 of the book's notation."""
    W1, b1, W2, b2 = ..., ..., ..., ...
    return W1, b1, W2, b2'''


def check_to_rows(f, what):
    rng = np.random.default_rng(11)
    for m in (7, 1):
        U, c, v, d = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=5), rng.normal()
        X = rng.normal(size=(m, 3))
        W1, b1, W2, b2 = parts(call(f, U, c, v, d, what=what), 4, what, ["W1", "b1", "W2", "b2"])
        theirs = np.array([[v @ np.tanh(U @ x + c) + d] for x in X])            # (m, 1)
        try:
            ours = np.tanh(X @ as_array(W1, "W1") + as_array(b1, "b1")) @ as_array(W2, "W2") + as_array(b2, "b2")
        except ValueError as error:
            raise WrongAnswer(f"{what}: the shapes do not fit X @ W1 + b1, A1 @ W2 + b2: {error}") from None
        if ours.shape != (m, 1):
            raise WrongAnswer(f"{what}: tanh(X W1 + b1) W2 + b2 has shape {ours.shape} for a batch of {m}; "
                              "a network with one output unit gives (m, 1)")
        compare(ours, theirs, f"{what}: the batch output")


T_COLLAPSE = '''def collapse(W1, b1, W2, b2):
    """Two identity layers (X W1 + b1) W2 + b2 -> the single layer's W, b."""
    W, b = ..., ...
    return W, b'''


def _check_affine(f, what, sizes, seed):
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)]
    W, b = parts(call(f, *params, what=what), 2, what, ["W", "b"])
    W, b = as_array(W, "W"), as_array(b, "b")
    if W.shape != (sizes[0], sizes[-1]) or b.shape != (sizes[-1],):
        raise WrongAnswer(f"{what}: W has shape {W.shape} and b {b.shape}; a layer from {sizes[0]} inputs "
                          f"to {sizes[-1]} outputs has W ({sizes[0]}, {sizes[-1]}) and b ({sizes[-1]},)")
    X = rng.normal(size=(9, sizes[0]))
    deep = X
    for i in range(0, len(params), 2):
        deep = deep @ params[i] + params[i + 1]
    compare(X @ W + b, deep, f"{what}: X W + b")


def check_collapse(f, what):
    for seed, sizes in enumerate([(3, 4, 2), (2, 1, 3), (5, 5, 5)]):
        _check_affine(f, what, sizes, seed)


T_COLLAPSE3 = '''def collapse3(W1, b1, W2, b2, W3, b3):
    """Three identity layers -> the single Dense layer's W, b."""
    W, b = ..., ...
    return W, b'''


def check_collapse3(f, what):
    for seed, sizes in enumerate([(2, 8, 8, 1), (3, 2, 4, 2)]):
        _check_affine(f, what, sizes, 10 + seed)


T_TO_SIGMOID = '''def to_sigmoid(W, b):
    """A two-unit softmax layer W (n, 2), b (2,) -> the one-unit sigmoid layer's w (n,), c (a number)
    whose output equals the softmax's FIRST output."""
    w, c = ..., ...
    return w, c'''


def check_to_sigmoid(f, what):
    rng = np.random.default_rng(3)
    for n in (3, 1, 6):
        W, b, A = rng.normal(size=(n, 2)), rng.normal(size=2), rng.normal(size=(8, n))
        w, c = parts(call(f, W, b, what=what), 2, what, ["w", "c"])
        w = as_array(w, "w").reshape(-1)
        if w.shape != (n,):
            raise WrongAnswer(f"{what}: w should hold {n} numbers, one per hidden activation")
        compare(nn.sigmoid(A @ w + as_array(c, "c").reshape(())), nn.softmax(A @ W + b)[:, 0],
                 f"{what}: the sigmoid output")


T_TRIANGLE = '''# A network (nnlib Sequential of Dense.from_weights and Step layers) or a function of points
# P (m, 2) -> labels (m,) in {0, 1}, for the triangle (0, 0), (2, 0), (0, 2).
triangle = ...'''
T_UNION = '''# The same for the union of the triangle and the square [3, 4] x [0, 1].
union = ...'''


def _region_check(net, what, region):
    P = np.random.default_rng(0).uniform([-1, -1], [5, 3], size=(20_000, 2))
    if hasattr(net, "forward"):
        net = net.forward
    labels = as_array(call(net, P, what=what), what).reshape(len(P), -1)[:, 0]
    wrong = labels != region(P)
    if wrong.mean() > 1e-3:
        x = P[np.argmax(wrong)]
        raise WrongAnswer(f"{what} misclassifies {100 * wrong.mean():.1f}% of random points of "
                          f"[-1, 5] x [-1, 3], for example ({x[0]:.2f}, {x[1]:.2f})")


def _in_triangle(P):
    return (P[:, 0] > 0) & (P[:, 1] > 0) & (P[:, 0] + P[:, 1] < 2)


def check_triangle(net, what):
    _region_check(net, what, _in_triangle)


def check_union(net, what):
    _region_check(net, what, lambda P: _in_triangle(P) | ((P[:, 0] > 3) & (P[:, 0] < 4)
                                                          & (P[:, 1] > 0) & (P[:, 1] < 1)))


T_XOR_SKIP = '''weights = ...  # a tuple of the seven numbers (w1, w2, b, v1, v2, u, c)'''


def check_xor_skip(weights, what):
    values = as_array(weights, what).reshape(-1)
    if values.size != 7:
        raise WrongAnswer(f"{what} should be seven numbers (w1, w2, b, v1, v2, u, c)")
    w1, w2, b, v1, v2, u, c = values
    X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    h = nn.step(X4 @ [w1, w2] + b)
    y = nn.step(X4 @ [v1, v2] + u * h + c)
    if not np.array_equal(y, [0, 1, 1, 0]):
        raise WrongAnswer(f"{what} give {y.astype(int).tolist()} at (0,0), (0,1), (1,0), (1,1); XOR is [0, 1, 1, 0]")


T_RELU_INTERP = '''def relu_coefficients(f, N):
    """c and v = (v_0, ..., v_{N-1}) such that c + sum_j v_j ReLU(x - j / N) interpolates f
    at the points j / N, j = 0..N, on [0, 1]."""
    c, v = ..., ...
    return c, v'''


def check_relu_interp(f, what):
    for target, N in [(lambda x: np.sin(2 * np.pi * x) + x / 2, 8), (np.exp, 5), (lambda x: x**3 - x, 1)]:
        c, v = parts(call(f, target, N, what=what), 2, what, ["c", "v"])
        v = as_array(v, "v").reshape(-1)
        if v.shape != (N,):
            raise WrongAnswer(f"{what}: v should hold N = {N} numbers, one per hidden unit")
        t = np.linspace(0, 1, N + 1)
        x = np.concatenate([t, (t[:-1] + t[1:]) / 2])
        g = float(as_array(c, "c").reshape(())) + nn.relu(x[:, None] - t[None, :-1]) @ v
        interpolant = np.interp(x, t, target(t))
        compare(g, interpolant, f"{what}: the network at the knots and midpoints (N = {N})", rtol=1e-9, atol=1e-9)


T_1X1 = '''def dense_from_conv(W, b):
    """A Conv2D's kernel W (F, C, 1, 1) and bias b (F,) -> the Dense layer's V (C, F) and bias (F,)."""
    V, c = ..., ...
    return V, c'''


def check_1x1(f, what):
    rng = np.random.default_rng(12)
    for C, F in [(5, 3), (1, 4), (3, 3)]:
        layer = nn.Conv2D(C, F, 1, rng=rng)
        layer.b[...] = rng.normal(size=F)
        X = rng.normal(size=(2, C, 4, 6))
        V, c = parts(call(f, layer.W.copy(), layer.b.copy(), what=what), 2, what, ["V", "c"])
        pixels = X.transpose(0, 2, 3, 1).reshape(-1, C)
        try:
            per_pixel = pixels @ as_array(V, "V") + as_array(c, "c")
        except ValueError as error:
            raise WrongAnswer(f"{what}: the shapes do not fit pixels (n, C) @ V + c: {error}") from None
        got = per_pixel.reshape(2, 4, 6, -1).transpose(0, 3, 1, 2) if per_pixel.size == 2 * 4 * 6 * F else per_pixel
        compare(got, layer.forward(X), f"{what}: the dense layer applied at every pixel (C = {C}, F = {F})")
