"""Time nnlib's MLP training against the GEMM floor, a plain NumPy loop and scikit-learn.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_mlp.py``); it is not
a test. Every time is the best of N repeats (``time.perf_counter``), the contenders
of a setting interleaved round by round so that a busy neighbour slows all of them
alike; what matters is the printed *ratios*, measured in the same run. See
benchmarks/README.md for how to read them.

Settings
  digits   scikit-learn's digits (1797 x 64, standardised), 64-64-10 ReLU, float64 and
           float32, at batch 1 (2 epochs), 32 (30 epochs) and 256 (30 epochs).
  large    synthetic 60000 x 784 (standard normal, labels from a random linear
           teacher), 784-128-10 ReLU, batch 128, one epoch, float64.
  cliffs   nnlib's MLPClassifier on the digits at batch 32 (30 epochs): alpha=1e-4
           against alpha=0, and solver="adam" against plain SGD (momentum 0.9), each
           fit on the same data, interleaved.

Contenders (same lr = 0.01, heavy-ball momentum 0.9, same shuffling rule, same
batch sizes including the last partial batch)
  floor    only the five matrix products one SGD step needs (X W1, H W2, H^T dZ2,
           dZ2 W2^T, X^T dZ1) on preallocated arrays of the right shapes.
  numpy    a plain NumPy training loop written here by hand: forward, softmax
           cross-entropy (loss and gradient), backward, momentum update.
  np-fused the same loop hand-fused: in place, preallocated, flat parameters, the
           fewest NumPy calls we know (about 25 per step besides the GEMMs). Not a
           requirement, a yardstick: roughly the fastest a NumPy loop can be, so
           nnlib/np-fused is the price of the layered API.
  nnlib    nnlib.mlp.MLPClassifier.fit (validation, initialisation, train()'s loop; it
           also records the per-epoch loss and accuracy).
  sklearn  sklearn.neural_network.MLPClassifier(solver="sgd", momentum=0.9,
           nesterovs_momentum=False, alpha=0, no early stopping, learning rate
           constant), max_iter = epochs.
"""
import argparse
import datetime
import os
import platform
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLP

from nnlib.mlp import MLPClassifier

LR, MOMENTUM = 0.01, 0.9
#: the clock of every timing: wall clock, or CPU time with --cpu (time.process_time)
CLOCK = time.perf_counter


def batch_sizes(m, batch_size):
    return [min(batch_size, m - s) for s in range(0, m, batch_size)]


def gemm_floor(X, n_hidden, n_out, batch_size, epochs):
    """Only the five GEMMs of every step, on preallocated arrays (exact batch sizes)."""
    d, dtype = X.shape[1], X.dtype
    W1, W2 = np.ones((d, n_hidden), dtype), np.ones((n_hidden, n_out), dtype)
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    bufs = {}
    for b in set(batch_sizes(len(X), batch_size)):
        bufs[b] = (np.ascontiguousarray(X[:b]), np.empty((b, n_hidden), dtype),
                   np.empty((b, n_out), dtype), np.empty((b, n_hidden), dtype))
    sizes = batch_sizes(len(X), batch_size) * epochs
    start = CLOCK()
    for b in sizes:
        Xb, H, Z2, dH = bufs[b]
        np.matmul(Xb, W1, out=H)
        np.matmul(H, W2, out=Z2)
        np.matmul(H.T, Z2, out=dW2)
        np.matmul(Z2, W2.T, out=dH)
        np.matmul(Xb.T, dH, out=dW1)
    return CLOCK() - start


def numpy_loop(X, y, n_hidden, n_out, batch_size, epochs, seed=0):
    """A plain NumPy training loop, the way one writes it by hand (allocating, unchecked)."""
    rng, (m, d), dtype = np.random.default_rng(seed), X.shape, X.dtype
    W1 = (rng.normal(size=(d, n_hidden)) * np.sqrt(2 / d)).astype(dtype)
    W2 = (rng.normal(size=(n_hidden, n_out)) * np.sqrt(2 / (n_hidden + n_out))).astype(dtype)
    b1, b2 = np.zeros(n_hidden, dtype), np.zeros(n_out, dtype)
    params = [W1, b1, W2, b2]
    velocities = [np.zeros_like(p) for p in params]
    Y = np.eye(n_out, dtype=dtype)[y]
    start = CLOCK()
    for _ in range(epochs):
        order, total = rng.permutation(m), 0.0
        for s in range(0, m, batch_size):
            idx = order[s:s + batch_size]
            Xb, Yb = X[idx], Y[idx]
            Z1 = Xb @ W1 + b1
            H = np.maximum(Z1, 0)
            Z2 = H @ W2 + b2
            Z2 -= Z2.max(axis=1, keepdims=True)
            E = np.exp(Z2)
            S = E.sum(axis=1, keepdims=True)
            total += float(np.sum(np.log(S)) - np.sum(Z2 * Yb))
            dZ2 = (E / S - Yb) / len(idx)
            dH = (dZ2 @ W2.T) * (Z1 > 0)
            grads = [Xb.T @ dH, dH.sum(axis=0), H.T @ dZ2, dZ2.sum(axis=0)]
            for p, g, v in zip(params, grads, velocities):
                v *= MOMENTUM
                v -= LR * g
                p += v
    return CLOCK() - start


def numpy_fused(X, y, n_hidden, n_out, batch_size, epochs, seed=0):
    """The loop above hand-fused: in place, preallocated, flat parameters; no layers. A yardstick."""
    rng, (m, d), dtype = np.random.default_rng(seed), X.shape, X.dtype
    sizes = [d * n_hidden, n_hidden, n_hidden * n_out, n_out]
    flat_p, flat_g, flat_v = (np.zeros(sum(sizes), dtype) for _ in range(3))
    cut = np.cumsum([0] + sizes)
    W1, b1, W2, b2 = (flat_p[a:b] for a, b in zip(cut, cut[1:]))
    dW1, db1, dW2, db2 = (flat_g[a:b] for a, b in zip(cut, cut[1:]))
    W1, dW1 = W1.reshape(d, n_hidden), dW1.reshape(d, n_hidden)
    W2, dW2 = W2.reshape(n_hidden, n_out), dW2.reshape(n_hidden, n_out)
    W1[...] = rng.normal(size=W1.shape) * np.sqrt(2 / d)
    W2[...] = rng.normal(size=W2.shape) * np.sqrt(2 / (n_hidden + n_out))
    Y, ones_k, lr_g = np.eye(n_out, dtype=dtype)[y], np.ones(n_out, dtype), np.empty_like(flat_g)
    buffers = {b: (np.empty((b, d), dtype), np.empty((b, n_hidden), dtype), np.empty((b, n_hidden), bool),
                   np.empty((b, n_out), dtype), np.empty(b, dtype), np.empty((b, n_hidden), dtype),
                   np.ones(b, dtype), np.empty(b, np.intp), np.arange(b))
               for b in set(batch_sizes(m, batch_size))}
    start = CLOCK()
    for _ in range(epochs):
        order, total = rng.permutation(m), 0.0
        Y_epoch = Y[order]
        for s in range(0, m, batch_size):
            stop = min(s + batch_size, m)
            Xb, Z1, mask, Z2, lse, dH, ones, pred, rows = buffers[stop - s]
            X.take(order[s:stop], axis=0, out=Xb, mode="clip")
            Yb = Y_epoch[s:stop]
            np.matmul(Xb, W1, out=Z1)
            Z1 += b1
            np.greater(Z1, 0, out=mask)
            H = np.maximum(Z1, 0, out=Z1)
            np.matmul(H, W2, out=Z2)
            Z2 += b2
            Z2.argmax(axis=1, out=pred)
            Z2 -= Z2[rows, pred][:, None]
            total -= float(np.vdot(Z2, Yb))
            np.exp(Z2, out=Z2)
            np.matmul(Z2, ones_k, out=lse)
            Z2 /= lse[:, None]
            total += float(np.log(lse, out=lse).sum())
            Z2 -= Yb
            Z2 *= 1 / (stop - s)
            np.matmul(H.T, Z2, out=dW2)
            np.matmul(ones, Z2, out=db2)
            np.matmul(Z2, W2.T, out=dH)
            np.multiply(dH, mask, out=dH)
            np.matmul(Xb.T, dH, out=dW1)
            np.matmul(ones, dH, out=db1)
            np.multiply(flat_g, LR, out=lr_g)
            flat_v *= MOMENTUM
            flat_v -= lr_g
            flat_p += flat_v
    return CLOCK() - start


def nnlib_fit(X, y, n_hidden, n_out, batch_size, epochs, seed=0, **options):
    clf = MLPClassifier(hidden_layer_sizes=(n_hidden,), activation="relu", lr=LR, momentum=MOMENTUM,
                        batch_size=batch_size, epochs=epochs, random_state=seed, dtype=X.dtype.name,
                        **options)
    start = CLOCK()
    clf.fit(X, y)
    return CLOCK() - start


def sklearn_fit(X, y, n_hidden, n_out, batch_size, epochs, seed=0):
    clf = SkMLP(hidden_layer_sizes=(n_hidden,), activation="relu", solver="sgd", learning_rate="constant",
                learning_rate_init=LR, momentum=MOMENTUM, nesterovs_momentum=False, alpha=0.0,
                batch_size=batch_size, max_iter=epochs, shuffle=True, tol=0.0, n_iter_no_change=10**9,
                early_stopping=False, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = CLOCK()
        clf.fit(X, y)
        return CLOCK() - start


CONTENDERS = {"floor": None, "numpy": numpy_loop, "np-fused": numpy_fused, "nnlib": nnlib_fit,
              "sklearn": sklearn_fit}


def run(X, y, n_hidden, n_out, batch_size, epochs, repeats):
    best = dict.fromkeys(CONTENDERS, np.inf)
    for _ in range(repeats):                        # interleaved: a busy neighbour hits everyone
        for _ in range(3):                          # the floor is short and cheap: sample it more
            best["floor"] = min(best["floor"], gemm_floor(X, n_hidden, n_out, batch_size, epochs))
        for name in ("numpy", "np-fused", "nnlib", "sklearn"):
            best[name] = min(best[name], CONTENDERS[name](X, y, n_hidden, n_out, batch_size, epochs))
    return best


def digits():
    X, y = load_digits(return_X_y=True)
    return (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1), y


def synthetic(m=60000, d=784, k=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, d))
    return X, (X @ rng.standard_normal((d, k))).argmax(axis=1)


SETTINGS = {   # key: (name, data, hidden, outputs, batch, epochs, dtype)
    "b1": ("digits 64-64-10 b=1 2 ep", "digits", 64, 10, 1, 2, np.float64),
    "b1-32": ("digits 64-64-10 b=1 2 ep", "digits", 64, 10, 1, 2, np.float32),
    "b32": ("digits 64-64-10 b=32 30 ep", "digits", 64, 10, 32, 30, np.float64),
    "b32-32": ("digits 64-64-10 b=32 30 ep", "digits", 64, 10, 32, 30, np.float32),
    "b256": ("digits 64-64-10 b=256 30 ep", "digits", 64, 10, 256, 30, np.float64),
    "b256-32": ("digits 64-64-10 b=256 30 ep", "digits", 64, 10, 256, 30, np.float32),
    "large": ("large 784-128-10 b=128 1 ep", "large", 128, 10, 128, 1, np.float64),
}
#: the cliff rows: (name, options of MLPClassifier, options of its baseline)
CLIFFS = [("alpha=1e-4 / alpha=0", {"alpha": 1e-4}, {"alpha": 0.0}),
          ("adam / sgd", {"solver": "adam"}, {"solver": "sgd"})]


def cliffs(X, y, repeats, batch_size=32, epochs=30):
    """Best-of-``repeats`` fit times of each cliff row's two estimators, interleaved."""
    rows = []
    for name, options, baseline in CLIFFS:
        best = [np.inf, np.inf]
        for _ in range(repeats):
            for i, opts in enumerate((baseline, options)):
                best[i] = min(best[i], nnlib_fit(X, y, 64, 10, batch_size, epochs, **opts))
        rows.append((name, *best))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="best of N for the digits settings")
    parser.add_argument("--repeats-large", type=int, default=3, help="best of N for the large setting")
    parser.add_argument("--only", default=",".join(SETTINGS) + ",cliffs",
                        help="comma-separated settings to run, of " + ", ".join(SETTINGS) + ", cliffs")
    parser.add_argument("--cpu", action="store_true",
                        help="CPU time (time.process_time) instead of wall-clock time")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    only = args.only.split(",")
    data = {"digits": digits()}
    if "large" in only:
        data["large"] = synthetic()
    print(f"# {datetime.date.today()}  {platform.processor() or platform.machine()}  {os.cpu_count()} cores  "
          f"numpy {np.__version__}  best of N, {'CPU' if args.cpu else 'wall-clock'} times in seconds")
    header = (f"{'setting':30s} {'dtype':7s} {'steps':>5s} {'floor':>6s} {'numpy':>6s} {'fused':>6s} "
              f"{'nnlib':>6s} {'sklearn':>7s} | {'nnlib/fused':>11s} {'nnlib/fl':>8s} {'numpy/fl':>8s} "
              f"{'fused/fl':>8s} {'skl/fl':>6s} {'skl/nnlib':>9s}")
    print(header)
    print("-" * len(header))
    for key in (k for k in SETTINGS if k in only):
        name, which, n_hidden, n_out, batch_size, epochs, dtype = SETTINGS[key]
        X, y = data[which]
        X = X.astype(dtype)
        repeats = args.repeats_large if which == "large" else args.repeats
        t = run(X, y, n_hidden, n_out, batch_size, epochs, repeats)
        steps = len(batch_sizes(len(X), batch_size)) * epochs
        r = {k: v / t["floor"] for k, v in t.items()}
        print(f"{name:30s} {np.dtype(dtype).name:7s} {steps:5d} {t['floor']:6.3f} {t['numpy']:6.3f} "
              f"{t['np-fused']:6.3f} {t['nnlib']:6.3f} {t['sklearn']:7.3f} | {t['nnlib'] / t['np-fused']:11.2f} "
              f"{r['nnlib']:8.2f} {r['numpy']:8.2f} {r['np-fused']:8.2f} {r['sklearn']:6.2f} "
              f"{t['sklearn'] / t['nnlib']:9.2f}", flush=True)
    if "cliffs" in only:
        print(f"\n{'nnlib MLPClassifier, digits b=32 30 ep float64':48s} {'baseline':>8s} {'variant':>8s} {'ratio':>6s}")
        for name, base, variant in cliffs(data["digits"][0], data["digits"][1], args.repeats):
            print(f"{name:48s} {base:8.3f} {variant:8.3f} {variant / base:6.2f}", flush=True)


if __name__ == "__main__":
    main()
