"""Time nnlib's BatchNorm and LayerNorm (forward + backward, float64) against PyTorch on the CPU.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_norm.py``); it is not
a test. Each time is the best of N repeats (wall clock, ``time.perf_counter``, or with
``--cpu`` the process's CPU time, ``time.process_time``, which on a shared machine does
not count the time other processes held the core; meaningful with ``--threads 1``), the
contenders alternating in blocks (as ``best_times`` of bench_conv.py) so that a busy
neighbour slows them alike; what matters is the printed *ratio* nnlib/torch, measured
in the same run.

Threads: one by default, for NumPy's BLAS and for torch alike (``--threads`` to change it).
NumPy's element-wise operations and ``einsum``, which are all of nnlib's normalisation,
run on one core whatever the setting, while torch's kernels use every thread they are
given: with two threads the comparison is one core against two.

One "pass" is a forward pass in training mode (batch statistics, running statistics
updated) and a backward pass that computes dgamma, dbeta and dX.

Contenders
  nnlib    nnlib.BatchNorm / nnlib.LayerNorm .forward + .backward.
  torch    torch.nn.BatchNorm1d/2d / torch.nn.LayerNorm (training mode) + autograd
           backward, float64, when PyTorch is installed (optional, never in
           requirements.txt). Without it the script says so and prints nnlib's times.
  before   with ``--before TREE``: the same layers from another source tree of nnlib
           (e.g. ``git archive OLD nnlib | tar -x -C /tmp/old``), imported in the same
           process under another name, so that a change is measured in the same run.

Before timing, both give the same numbers (1e-10): tests/test_normalization.py
checks that too, against a file of PyTorch's numbers.

A last row times the training of a residual network (chapter 11) on the digits:
``nnlib.train`` on ``Dense(64, 32)``, four ``Residual`` blocks ``[ReLU, Dense, ReLU,
Dense]`` of width 32, ``ReLU``, ``Dense(32, 10)`` (plain SGD, batch 32, softmax
cross-entropy), against the same training written by hand in NumPy (allocating,
no validation), from the same initial weights and shuffles; both end with the same
weights (checked) before they are timed.
"""
import argparse
import datetime
import importlib.util
import os
import platform
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import nnlib
from nnlib import SGD, Dense, ReLU, Residual, Sequential, train

try:
    import torch
except ImportError:                                    # optional: say so in the output
    torch = None

# (layer, input shape): BatchNorm over (m, n) and (m, C, H, W); LayerNorm over (m, n) and (m, T, n).
SETTINGS = [("BatchNorm", (256, 512)), ("BatchNorm", (64, 32, 16, 16)),
            ("LayerNorm", (256, 512)), ("LayerNorm", (32, 64, 256))]


def best_times(contenders, repeats, rounds=3, clock=time.perf_counter):
    """Best time of each contender (``clock``): ``rounds`` rounds, each a block of ``repeats // rounds`` calls per contender.

    As ``best_times`` of bench_conv.py, with a choice of clock: blocks alternate, each after
    a pause that lets the other library's worker threads go idle.
    """
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            time.sleep(0.2)
            run()                                                     # warm-up, not timed
            for _ in range(max(1, repeats // rounds)):
                start = clock()
                run()
                times[name].append(clock() - start)
    return {name: min(t) for name, t in times.items()}


def load_tree(tree):
    """The ``nnlib`` package of source tree ``tree``, imported as ``nnlib_before``."""
    init = os.path.join(os.path.abspath(tree), "nnlib", "__init__.py")
    spec = importlib.util.spec_from_file_location("nnlib_before", init,
                                                  submodule_search_locations=[os.path.dirname(init)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["nnlib_before"] = module
    spec.loader.exec_module(module)
    return module


def make_layer(lib, name, shape):
    n = shape[1] if name == "BatchNorm" else shape[-1]
    return lib.BatchNorm(n) if name == "BatchNorm" else lib.LayerNorm(n)


def nnlib_pass(layer, X, dY):
    Y = layer.forward(X)
    return Y, layer.backward(dY), layer.dgamma, layer.dbeta


def torch_pass(layer, Xt, dYt):
    Xt.grad, layer.weight.grad, layer.bias.grad = None, None, None
    Y = layer(Xt)
    Y.backward(dYt)
    return Y, Xt.grad, layer.weight.grad, layer.bias.grad


def run_setting(name, shape, repeats, before=None, clock=time.perf_counter):
    rng = np.random.default_rng(0)
    X, dY = rng.normal(1, 2, shape), rng.normal(size=shape)
    n = shape[1] if name == "BatchNorm" else shape[-1]
    layer = make_layer(nnlib, name, shape)
    contenders = {"nnlib": lambda: nnlib_pass(layer, X, dY)}
    if before is not None:
        old = make_layer(before, name, shape)
        for a, b in zip(nnlib_pass(layer, X, dY), nnlib_pass(old, X, dY)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
        contenders["before"] = lambda: nnlib_pass(old, X, dY)
    if torch is not None:
        if name == "BatchNorm":
            ref = (torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d)(n, dtype=torch.float64)
        else:
            ref = torch.nn.LayerNorm(n, dtype=torch.float64)
        Xt, dYt = torch.tensor(X, requires_grad=True), torch.tensor(dY)
        for a, b in zip(nnlib_pass(layer, X, dY), torch_pass(ref, Xt, dYt)):
            np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-10)
        contenders["torch"] = lambda: torch_pass(ref, Xt, dYt)
    return best_times(contenders, repeats, clock=clock)


def residual_model(rng=0, width=32, n_blocks=4):
    rng = np.random.default_rng(rng)
    blocks = [Residual(Sequential([ReLU(), Dense(width, width, init="he_normal", rng=rng), ReLU(),
                                   Dense(width, width, init="he_normal", rng=rng)])) for _ in range(n_blocks)]
    return Sequential([Dense(64, width, rng=rng)] + blocks + [ReLU(), Dense(width, 10, rng=rng)])


def numpy_train(params, X, y, epochs, batch_size, lr, seed):
    """The residual network's training by hand: forward, backward and SGD in plain NumPy."""
    p = [q.copy() for q in params]                         # [W0, b0, (W1, b1, W2, b2) per block, Wo, bo]
    W0, b0, Wo, bo = p[0], p[1], p[-2], p[-1]
    blocks = [tuple(p[i:i + 4]) for i in range(2, len(p) - 2, 4)]
    Y, rng = np.eye(10)[y], np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            Xb, Yb, B = X[idx], Y[idx], len(idx)
            H, cache = Xb @ W0 + b0, []
            for W1, b1, W2, b2 in blocks:                  # H <- H + W2 relu(W1 relu(H))
                A1 = np.maximum(H, 0)
                Z1 = A1 @ W1 + b1
                A2 = np.maximum(Z1, 0)
                cache.append((H, A1, Z1, A2))
                H = H + A2 @ W2 + b2
            A = np.maximum(H, 0)
            Z = A @ Wo + bo
            P = np.exp(Z - Z.max(axis=1, keepdims=True))
            dZ = (P / P.sum(axis=1, keepdims=True) - Yb) / B
            grads = [(A.T @ dZ, dZ.sum(axis=0))]
            dH = (dZ @ Wo.T) * (H > 0)
            for (W1, b1, W2, b2), (H_in, A1, Z1, A2) in zip(reversed(blocks), reversed(cache)):
                dZ1 = (dH @ W2.T) * (Z1 > 0)
                grads.append((A1.T @ dZ1, dZ1.sum(axis=0), A2.T @ dH, dH.sum(axis=0)))
                dH = dH + (dZ1 @ W1.T) * (H_in > 0)
            grads.append((Xb.T @ dH, dH.sum(axis=0)))
            for p, g in zip([W0, b0] + [q for blk in blocks for q in blk] + [Wo, bo],
                            [g for grp in reversed(grads) for g in grp]):
                p -= lr * g
    return [W0, b0] + [q for blk in blocks for q in blk] + [Wo, bo]


def run_training(repeats, epochs=2, batch_size=32, lr=0.05, clock=time.perf_counter):
    from sklearn.datasets import load_digits
    digits = load_digits()
    X = (digits.data - digits.data.mean(axis=0)) / np.maximum(digits.data.std(axis=0), 1e-12)
    y = digits.target
    start = [p.copy() for p in residual_model().parameters()]

    def nnlib_run():
        model = residual_model()
        train(model, X, y, loss="softmax_cross_entropy", optimizer=SGD(lr=lr), epochs=epochs,
              batch_size=batch_size, rng=1)
        return model.parameters()

    def numpy_run():
        return numpy_train(start, X, y, epochs, batch_size, lr, seed=1)

    for a, b in zip(nnlib_run(), numpy_run()):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    return best_times({"nnlib": nnlib_run, "numpy": numpy_run}, repeats, clock=clock)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="repeats of each contender (best of N)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for BLAS and torch (default 1: NumPy's element-wise operations and einsum "
                             "run on one core whatever this says, so 1 compares the implementations)")
    parser.add_argument("--cpu", action="store_true", help="CPU time (time.process_time) instead of wall clock")
    parser.add_argument("--before", metavar="TREE", help="also time the layers of nnlib in source tree TREE")
    parser.add_argument("--no-training", action="store_true", help="skip the residual-network row")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    before = load_tree(args.before) if args.before else None
    blas = ", ".join(f"{i['internal_api']} {i.get('version', '')}" for i in threadpool_info())
    print(f"# {datetime.date.today()}  {platform.machine()}  {os.cpu_count()} cores  numpy {np.__version__} "
          f"({blas})  {args.threads} thread(s) for numpy and torch")
    if torch is None:
        print("# PyTorch is not installed: the torch column and the ratio are skipped (optional: pip install torch).")
    else:
        torch.set_num_threads(args.threads)
        print(f"# torch {torch.__version__}")
    if before is not None:
        print(f"# before: nnlib of {os.path.abspath(args.before)}")
    print(f"# float64, training mode; one forward + backward pass (dX, dgamma, dbeta); best of {args.repeats}, "
          f"{'CPU' if args.cpu else 'wall-clock'} times in ms")
    header = f"{'layer':>9} {'shape':>16} | {'nnlib':>8} {'torch':>8} | {'nnlib/torch':>11}"
    if before is not None:
        header += f" | {'before':>8} {'before/torch':>12} {'nnlib/before':>12}"
    print(header)
    print("-" * len(header))
    with threadpool_limits(limits=args.threads):
        for name, shape in SETTINGS:
            t = run_setting(name, shape, args.repeats, before, clock)
            torch_ms = f"{1e3 * t['torch']:8.2f}" if "torch" in t else f"{'absent':>8}"
            ratio = f"{t['nnlib'] / t['torch']:11.2f}" if "torch" in t else f"{'-':>11}"
            line = f"{name:>9} {str(shape):>16} | {1e3 * t['nnlib']:8.2f} {torch_ms} | {ratio}"
            if before is not None:
                old_ratio = f"{t['before'] / t['torch']:12.2f}" if "torch" in t else f"{'-':>12}"
                line += f" | {1e3 * t['before']:8.2f} {old_ratio} {t['nnlib'] / t['before']:12.2f}"
            print(line)
        if args.no_training:
            return
        t = run_training(max(3, args.repeats // 10), clock=clock)
        print("# residual network 64-32-(4 residual blocks of 2 x Dense 32)-10 on the digits, 2 epochs, "
              "batch 32, plain SGD; times in ms")
        print(f"{'nnlib.train':>12} {1e3 * t['nnlib']:9.1f} | {'NumPy by hand':>13} {1e3 * t['numpy']:9.1f} | "
              f"nnlib/numpy {t['nnlib'] / t['numpy']:.2f}")


if __name__ == "__main__":
    main()
