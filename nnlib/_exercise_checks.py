"""Checkers of the exercises whose answer is a function (chapters 1 to 10), and their templates.

Each checker calls the student's function on random inputs (fixed seeds, several shapes,
extreme values, float32 and float64 where it matters) and compares the result with nnlib,
with finite differences or with the property that the exercise states. It raises
``WrongAnswer`` with a message that says where the result differs, never the formula.
"""
import numpy as np

import nnlib as nn
from ._exercise_kinds import NotAnsweredError, WrongAnswer


def _call(f, *args, what="it"):
    if not callable(f):
        raise WrongAnswer(f"{what} should be a function (def ...), got {type(f).__name__}")
    try:
        with np.errstate(all="ignore"):
            out = f(*args)
    except NotAnsweredError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the student's code is a wrong answer
        raise WrongAnswer(f"{what} raised {type(error).__name__}: {error}") from None
    if out is Ellipsis or (isinstance(out, tuple) and any(o is Ellipsis for o in out)):
        raise NotAnsweredError(f"{what} still returns ...")
    return out


def _parts(out, n, what, names):
    if not isinstance(out, (tuple, list)) or len(out) != n:
        raise WrongAnswer(f"{what} should return {n} values ({', '.join(names)})")
    return out


def _array(x, what):
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(f"{what} should be an array of numbers, got {type(x).__name__}") from None


def _compare(got, want, what, rtol=1e-7, atol=1e-10):
    """Compare arrays; the message names the first wrong entry and how it is off, not the value."""
    got, want = _array(got, what), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        if got.size == want.size and np.allclose(got.reshape(want.shape), want, rtol=rtol, atol=atol):
            raise WrongAnswer(f"{what} has the right numbers but shape {got.shape}: check the layout")
        raise WrongAnswer(f"{what} has shape {got.shape}, which is not the shape the exercise needs")
    if not np.all(np.isfinite(got)):
        i = tuple(np.argwhere(~np.isfinite(got))[0])
        raise WrongAnswer(f"{what} is not finite at entry {list(i)} (inf or nan: an overflow?)")
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if not bad.any():
        return
    i = tuple(np.argwhere(bad)[0])
    nonzero = np.abs(want) > atol
    ratio = got[nonzero] / want[nonzero]
    if ratio.size and np.allclose(ratio, ratio.flat[0], rtol=1e-6) and np.allclose(got[~nonzero], 0, atol=atol):
        raise WrongAnswer(f"{what} is {ratio.flat[0]:.4g} times the right value everywhere: a factor is off")
    how = "has the wrong sign" if np.sign(got[i]) != np.sign(want[i]) else "is off"
    raise WrongAnswer(f"{what}: {bad.sum()} of {bad.size} entries are wrong; entry {list(i)} {how} "
                      f"(relative error {abs(got[i] - want[i]) / max(abs(want[i]), atol):.2g})")


T_TO_ROWS = '''def to_rows(U, c, v, d):
    """U (5, 3), c (5,), v (5,), d a number -> W1, b1, W2, b2 of the book's notation."""
    W1, b1, W2, b2 = ..., ..., ..., ...
    return W1, b1, W2, b2'''


def check_to_rows(f, what):
    rng = np.random.default_rng(11)
    for m in (7, 1):
        U, c, v, d = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=5), rng.normal()
        X = rng.normal(size=(m, 3))
        W1, b1, W2, b2 = _parts(_call(f, U, c, v, d, what=what), 4, what, ["W1", "b1", "W2", "b2"])
        theirs = np.array([[v @ np.tanh(U @ x + c) + d] for x in X])            # (m, 1)
        try:
            ours = np.tanh(X @ _array(W1, "W1") + _array(b1, "b1")) @ _array(W2, "W2") + _array(b2, "b2")
        except ValueError as error:
            raise WrongAnswer(f"{what}: the shapes do not fit X @ W1 + b1, A1 @ W2 + b2: {error}") from None
        if ours.shape != (m, 1):
            raise WrongAnswer(f"{what}: tanh(X W1 + b1) W2 + b2 has shape {ours.shape} for a batch of {m}; "
                              "a network with one output unit gives (m, 1)")
        _compare(ours, theirs, f"{what}: the batch output")


T_COLLAPSE = '''def collapse(W1, b1, W2, b2):
    """Two identity layers (X W1 + b1) W2 + b2 -> the single layer's W, b."""
    W, b = ..., ...
    return W, b'''


def _check_affine(f, what, sizes, seed):
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)]
    W, b = _parts(_call(f, *params, what=what), 2, what, ["W", "b"])
    W, b = _array(W, "W"), _array(b, "b")
    if W.shape != (sizes[0], sizes[-1]) or b.shape != (sizes[-1],):
        raise WrongAnswer(f"{what}: W has shape {W.shape} and b {b.shape}; a layer from {sizes[0]} inputs "
                          f"to {sizes[-1]} outputs has W ({sizes[0]}, {sizes[-1]}) and b ({sizes[-1]},)")
    X = rng.normal(size=(9, sizes[0]))
    deep = X
    for i in range(0, len(params), 2):
        deep = deep @ params[i] + params[i + 1]
    _compare(X @ W + b, deep, f"{what}: X W + b")


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
        w, c = _parts(_call(f, W, b, what=what), 2, what, ["w", "c"])
        w = _array(w, "w").reshape(-1)
        if w.shape != (n,):
            raise WrongAnswer(f"{what}: w should hold {n} numbers, one per hidden activation")
        _compare(nn.sigmoid(A @ w + _array(c, "c").reshape(())), nn.softmax(A @ W + b)[:, 0],
                 f"{what}: the sigmoid output")


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
    w, b = _parts(_call(f, X, t, 10, what=what), 2, what, ["w", "b"])
    accuracy = np.mean(nn.step(X @ _array(w, "w").reshape(-1) + float(_array(b, "b").reshape(()))) == t)
    best_epoch_end = max(nn.Perceptron(lr=1.0, max_epochs=k, shuffle=False).fit(X, t).score(X, t)
                         for k in range(1, 11))
    if accuracy < best_epoch_end - 1e-12:
        raise WrongAnswer(f"{what}: on overlapping blobs its weights score {accuracy:.3f}, below the perceptron's "
                          "weights at the end of one of the epochs, which the pocket must have seen")


T_JACOBIAN = '''def jacobian(z, tau):
    """The Jacobian of softmax(z / tau) with respect to z; z (K,) -> (K, K)."""
    return ...'''


def check_temperature_jacobian(f, what):
    rng = np.random.default_rng(4)
    for K, tau, scale in [(4, 0.5, 1.0), (3, 3.0, 2.0), (6, 1.0, 0.5), (2, 10.0, 5.0)]:
        z = rng.normal(scale=scale, size=K)
        want = nn.softmax_jacobian(z / tau) / tau
        _compare(_call(f, z, tau, what=what), want, f"{what} at tau = {tau:g}", rtol=1e-6, atol=1e-12)


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
            _compare(_call(f, zd, what=what), want, f"{what}({dtype.__name__} z of shape {z.shape}, "
                     f"|z| up to {scale:.0e})", rtol=tol, atol=tol * scale)


T_TRIANGLE = '''# A network (nnlib Sequential of Dense.from_weights and Step layers) or a function of points
# P (m, 2) -> labels (m,) in {0, 1}, for the triangle (0, 0), (2, 0), (0, 2).
triangle = ...'''
T_UNION = '''# The same for the union of the triangle and the square [3, 4] x [0, 1].
union = ...'''


def _region_check(net, what, region):
    P = np.random.default_rng(0).uniform([-1, -1], [5, 3], size=(20_000, 2))
    if hasattr(net, "forward"):
        net = net.forward
    labels = _array(_call(net, P, what=what), what).reshape(len(P), -1)[:, 0]
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
    values = _array(weights, what).reshape(-1)
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
        c, v = _parts(_call(f, target, N, what=what), 2, what, ["c", "v"])
        v = _array(v, "v").reshape(-1)
        if v.shape != (N,):
            raise WrongAnswer(f"{what}: v should hold N = {N} numbers, one per hidden unit")
        t = np.linspace(0, 1, N + 1)
        x = np.concatenate([t, (t[:-1] + t[1:]) / 2])
        g = float(_array(c, "c").reshape(())) + nn.relu(x[:, None] - t[None, :-1]) @ v
        interpolant = np.interp(x, t, target(t))
        _compare(g, interpolant, f"{what}: the network at the knots and midpoints (N = {N})", rtol=1e-9, atol=1e-9)


T_MSE_SOFTMAX = '''def grad(z, y):
    """d/dz of ||softmax(z) - y||^2 for each row; z, y (m, K) -> (m, K)."""
    return ...'''


def check_mse_softmax_grad(f, what):
    rng = np.random.default_rng(6)
    for m, K, scale in [(1, 3, 1.0), (5, 4, 2.0), (3, 6, 10.0)]:
        z, y = rng.normal(scale=scale, size=(m, K)), nn.one_hot(rng.integers(0, K, size=m), K)
        p = nn.softmax(z)
        _compare(_call(f, z, y, what=what), nn.softmax_vjp(z, 2 * (p - y)), what, rtol=1e-7, atol=1e-12)


T_NESTEROV = '''def nesterov_matrix(lam, eta, mu):
    """The 2 x 2 matrix T_N with (c_{k+1}, c_k) = T_N (c_k, c_{k-1}) for the eigenvalue lam."""
    return ...'''


def check_nesterov(f, what):
    rng = np.random.default_rng(7)
    for lam, eta, mu in [(1.0, 0.01, 0.8), (100.0, 0.01, 0.818), (3.0, 0.1, 0.5)]:
        T = _array(_call(f, lam, eta, mu, what=what), what)
        if T.shape != (2, 2):
            raise WrongAnswer(f"{what} should be a 2 x 2 array, got shape {T.shape}")
        c_prev, c = rng.normal(size=2)
        v = c - c_prev                                                   # the momentum of the last step
        v_next = mu * v - eta * lam * (c + mu * v)                       # gradient at the look-ahead point
        _compare(T @ [c, c_prev], [c + v_next, c], f"{what} (lam = {lam:g}, eta = {eta:g}, mu = {mu:g}) "
                 "applied to (c_k, c_{k-1})", rtol=1e-9, atol=1e-12)


T_TANH_MSE = '''def gradients(X, Y, W1, b1, W2, b2):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 for L = sum((tanh(X W1 + b1) W2 + b2 - Y)**2) / m."""
    dW1, db1, dW2, db2 = ..., ..., ..., ...
    return dW1, db1, dW2, db2'''


def check_tanh_mse(f, what):
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2)]
    out = _parts(_call(f, X, Y, *params, what=what), 4, what, ["dW1", "db1", "dW2", "db2"])
    for i, name in enumerate(["dW1", "db1", "dW2", "db2"]):
        def loss(value, i=i):
            p = [value if j == i else q for j, q in enumerate(params)]
            return np.sum((np.tanh(X @ p[0] + p[1]) @ p[2] + p[3] - Y) ** 2) / len(X)
        _compare(out[i], nn.numerical_gradient(loss, params[i]), f"{what}: {name}", rtol=1e-6, atol=1e-8)


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
        out = _parts(_call(f, X, W, b, G, what=what), 3, what, ["dW", "db", "dX"])
        for got, want, name in zip(out, (dW, db, dX), ("dW", "db", "dX")):
            _compare(got, want, f"{what}: {name}")


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
        got = _call(f, sizes, m, what=what)
        if not np.isscalar(got) or got != held:
            raise WrongAnswer(f"{what}({sizes}, m={m}) does not match the arrays the layers hold")


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
        V, c = _parts(_call(f, layer.W.copy(), layer.b.copy(), what=what), 2, what, ["V", "c"])
        pixels = X.transpose(0, 2, 3, 1).reshape(-1, C)
        try:
            per_pixel = pixels @ _array(V, "V") + _array(c, "c")
        except ValueError as error:
            raise WrongAnswer(f"{what}: the shapes do not fit pixels (n, C) @ V + c: {error}") from None
        got = per_pixel.reshape(2, 4, 6, -1).transpose(0, 3, 1, 2) if per_pixel.size == 2 * 4 * 6 * F else per_pixel
        _compare(got, layer.forward(X), f"{what}: the dense layer applied at every pixel (C = {C}, F = {F})")


T_POWER = '''def power(k):
    """W_h^k in closed form for W_h = [[0.5, 10], [0, 0.5]]: a 2 x 2 array."""
    return ...'''


def check_power(f, what):
    W = np.array([[0.5, 10.0], [0.0, 0.5]])
    for k in (1, 2, 3, 7, 20, 39):
        _compare(_call(f, k, what=what), np.linalg.matrix_power(W, k), f"{what}({k})", rtol=1e-10, atol=1e-300)


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
        w = _array(_call(f, X, y, lam, eta, 3000, what=what), what).reshape(-1)
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
