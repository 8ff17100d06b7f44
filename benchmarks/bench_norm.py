"""Time nnlib's BatchNorm and LayerNorm (forward + backward, float64) against PyTorch on the CPU.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_norm.py``); it is not
a test. Each time is the best of N repeats (``time.perf_counter``), the contenders
alternating in blocks (``best_times`` of bench_conv.py) so that a busy neighbour slows
them alike; what matters is the printed *ratio* nnlib/torch, measured in the same run.

One "pass" is a forward pass in training mode (batch statistics, running statistics
updated) and a backward pass that computes dgamma, dbeta and dX.

Contenders
  nnlib    nnlib.BatchNorm / nnlib.LayerNorm .forward + .backward.
  torch    torch.nn.BatchNorm1d/2d / torch.nn.LayerNorm (training mode) + autograd
           backward, float64, when PyTorch is installed (optional, never in
           requirements.txt). Without it the script says so and prints nnlib's times.

Before timing, both give the same numbers (1e-10): tests/test_normalization.py
checks that too, against a file of PyTorch's numbers.
"""
import argparse
import datetime
import os
import platform

import numpy as np
from bench_conv import best_times
from threadpoolctl import threadpool_info, threadpool_limits

from nnlib import BatchNorm, LayerNorm

try:
    import torch
except ImportError:                                    # optional: say so in the output
    torch = None

# (layer, input shape): BatchNorm over (m, n) and (m, C, H, W); LayerNorm over (m, n) and (m, T, n).
SETTINGS = [("BatchNorm", (256, 512)), ("BatchNorm", (64, 32, 16, 16)),
            ("LayerNorm", (256, 512)), ("LayerNorm", (32, 64, 256))]


def nnlib_pass(layer, X, dY):
    Y = layer.forward(X)
    return Y, layer.backward(dY), layer.dgamma, layer.dbeta


def torch_pass(layer, Xt, dYt):
    Xt.grad, layer.weight.grad, layer.bias.grad = None, None, None
    Y = layer(Xt)
    Y.backward(dYt)
    return Y, Xt.grad, layer.weight.grad, layer.bias.grad


def run_setting(name, shape, repeats):
    rng = np.random.default_rng(0)
    X, dY = rng.normal(1, 2, shape), rng.normal(size=shape)
    n = shape[1] if name == "BatchNorm" else shape[-1]
    layer = BatchNorm(n) if name == "BatchNorm" else LayerNorm(n)
    contenders = {"nnlib": lambda: nnlib_pass(layer, X, dY)}
    if torch is not None:
        if name == "BatchNorm":
            ref = (torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d)(n, dtype=torch.float64)
        else:
            ref = torch.nn.LayerNorm(n, dtype=torch.float64)
        Xt, dYt = torch.tensor(X, requires_grad=True), torch.tensor(dY)
        for a, b in zip(nnlib_pass(layer, X, dY), torch_pass(ref, Xt, dYt)):
            np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-10)
        contenders["torch"] = lambda: torch_pass(ref, Xt, dYt)
    return best_times(contenders, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="repeats of each contender (best of N)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for BLAS and torch")
    args = parser.parse_args()
    blas = ", ".join(f"{i['internal_api']} {i.get('version', '')}" for i in threadpool_info())
    print(f"# {datetime.date.today()}  {platform.machine()}  {os.cpu_count()} cores  numpy {np.__version__} "
          f"({blas})  {args.threads} thread(s) for numpy and torch")
    if torch is None:
        print("# PyTorch is not installed: the torch column and the ratio are skipped (optional: pip install torch).")
    else:
        torch.set_num_threads(args.threads)
        print(f"# torch {torch.__version__}")
    print("# float64, training mode; one forward + backward pass (dX, dgamma, dbeta); best of N, times in ms")
    header = f"{'layer':>9} {'shape':>16} | {'nnlib':>8} {'torch':>8} | {'nnlib/torch':>11}"
    print(header)
    print("-" * len(header))
    with threadpool_limits(limits=args.threads):
        for name, shape in SETTINGS:
            t = run_setting(name, shape, args.repeats)
            torch_ms = f"{1e3 * t['torch']:8.2f}" if "torch" in t else f"{'absent':>8}"
            ratio = f"{t['nnlib'] / t['torch']:11.2f}" if "torch" in t else f"{'-':>11}"
            print(f"{name:>9} {str(shape):>16} | {1e3 * t['nnlib']:8.2f} {torch_ms} | {ratio}")


if __name__ == "__main__":
    main()
