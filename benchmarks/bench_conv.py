"""Time nnlib's Conv2D (forward + backward, float64) against direct loops and PyTorch.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_conv.py``); it is not
a test. Each time is the best of N repeats (``time.perf_counter``), the contenders of
a setting alternating in blocks (see ``best_times``) so that a busy neighbour slows them alike;
what matters is the printed *ratios*, measured in the same run. See
benchmarks/README.md ("Convolution").

Settings (m, C_in, H = W, C_out), 3 x 3 kernel, stride 1, padding 1, float64.
One "pass" is a forward pass and a backward pass that computes dW, db and dX.

Contenders
  loops    the direct loops of chapter 8: a Python loop over the output positions,
           each position one tensordot over (C, k, k) for the whole batch and all
           filters (forward), and the same loops for dW and dX (backward).
  nnlib    nnlib.conv.Conv2D.forward + .backward (im2col with sliding_window_view
           and one matrix product each way, col2im by k^2 slice-adds).
  torch    torch.nn.functional.conv2d + autograd backward on the CPU, float64, when
           PyTorch is installed (it is optional and never in requirements.txt).

Both numpy (its BLAS, through threadpoolctl) and torch run with the same number of
threads, ``--threads`` (default: the number of cores).
"""
import argparse
import datetime
import os
import platform
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nnlib.conv import Conv2D

SETTINGS = [(32, 1, 8, 16), (64, 1, 28, 8), (64, 8, 28, 16)]
K, PAD = 3, 1

try:
    import torch
except ImportError:                                    # optional: say so in the output
    torch = None


def loops_pass(X, W, b, dY, p=PAD):
    """Forward and backward by direct loops over the output positions (stride 1)."""
    m, C, H, Wd = X.shape
    F, _, k, _ = W.shape
    Xp = np.zeros((m, C, H + 2 * p, Wd + 2 * p))
    Xp[:, :, p:p + H, p:p + Wd] = X
    h_out, w_out = H + 2 * p - k + 1, Wd + 2 * p - k + 1
    Y = np.empty((m, F, h_out, w_out))
    for r in range(h_out):
        for c in range(w_out):
            Y[:, :, r, c] = np.tensordot(Xp[:, :, r:r + k, c:c + k], W, axes=([1, 2, 3], [1, 2, 3])) + b
    dW, db, dXp = np.zeros_like(W), dY.sum(axis=(0, 2, 3)), np.zeros_like(Xp)
    for r in range(h_out):
        for c in range(w_out):
            g = dY[:, :, r, c]                                        # (m, F)
            dW += np.tensordot(g, Xp[:, :, r:r + k, c:c + k], axes=([0], [0]))
            dXp[:, :, r:r + k, c:c + k] += np.tensordot(g, W, axes=([1], [0]))
    return Y, dW, db, dXp[:, :, p:p + H, p:p + Wd]


def nnlib_pass(layer, X, dY):
    Y = layer.forward(X)
    return Y, layer.dW, layer.db, layer.backward(dY)


def torch_pass(Xt, Wt, bt, dYt):
    for t in (Xt, Wt, bt):
        t.grad = None
    Y = torch.nn.functional.conv2d(Xt, Wt, bt, padding=PAD)
    Y.backward(dYt)
    return Y, Wt.grad, bt.grad, Xt.grad


def best_times(contenders, repeats, rounds=3):
    """Best wall-clock time of each contender: ``rounds`` rounds, each a block of ``repeats`` calls per contender.

    Blocks, not single calls, alternate: NumPy's OpenBLAS and PyTorch's OpenMP keep their
    worker threads spinning for a while after a call, and a call of the other library in that
    window competes with them for the cores. A pause before each block lets them go idle.
    """
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            time.sleep(0.2)
            run()                                                     # warm-up, not timed
            for _ in range(max(1, repeats // rounds)):
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def run_setting(m, C, H, F, repeats, loop_repeats):
    rng = np.random.default_rng(0)
    X, dY = rng.normal(size=(m, C, H, H)), rng.normal(size=(m, F, H, H))
    layer = Conv2D(C, F, K, padding=PAD, rng=1)
    layer.b[...] = rng.normal(size=F)
    ours, ref = nnlib_pass(layer, X, dY), loops_pass(X, layer.W, layer.b, dY)
    for a, b in zip(ours, ref):                                       # same numbers before timing
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    contenders = {"nnlib": lambda: nnlib_pass(layer, X, dY)}
    if torch is not None:
        Xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (X, layer.W, layer.b))
        dYt = torch.tensor(dY)
        for a, b in zip(ours, torch_pass(Xt, Wt, bt, dYt)):
            np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-10)
        contenders["torch"] = lambda: torch_pass(Xt, Wt, bt, dYt)
    result = best_times(contenders, repeats)
    result.update(best_times({"loops": lambda: loops_pass(X, layer.W, layer.b, dY)}, loop_repeats, rounds=1))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="repeats of nnlib and torch (best of N)")
    parser.add_argument("--loop-repeats", type=int, default=3, help="repeats of the direct loops")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for BLAS and torch")
    args = parser.parse_args()
    blas = ", ".join(f"{i['internal_api']} {i.get('version', '')}" for i in threadpool_info())
    print(f"# {datetime.date.today()}  {platform.machine()}  {os.cpu_count()} cores  numpy {np.__version__} "
          f"({blas})  {args.threads} thread(s) for numpy and torch")
    if torch is None:
        print("# PyTorch is not installed: the torch column and the ratios to it are skipped "
              "(optional: pip install torch).")
    else:
        torch.set_num_threads(args.threads)
        print(f"# torch {torch.__version__}")
    print("# Conv2D 3x3, padding 1, float64; one forward + backward pass (dW, db, dX); best of N, times in ms")
    header = f"{'m':>4} {'C_in':>4} {'H=W':>4} {'C_out':>5} | {'loops':>9} {'nnlib':>8} {'torch':>8} | " \
             f"{'loops/nnlib':>11} {'nnlib/torch':>11}"
    print(header)
    print("-" * len(header))
    with threadpool_limits(limits=args.threads):
        for m, C, H, F in SETTINGS:
            t = run_setting(m, C, H, F, args.repeats, args.loop_repeats)
            torch_ms = f"{1e3 * t['torch']:8.2f}" if "torch" in t else f"{'absent':>8}"
            ratio = f"{t['nnlib'] / t['torch']:11.2f}" if "torch" in t else f"{'-':>11}"
            print(f"{m:>4} {C:>4} {H:>4} {F:>5} | {1e3 * t['loops']:9.1f} {1e3 * t['nnlib']:8.2f} {torch_ms} | "
                  f"{t['loops'] / t['nnlib']:11.1f} {ratio}")


if __name__ == "__main__":
    main()
