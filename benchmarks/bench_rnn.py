"""Time nnlib's LSTM (forward + backward through time) against a per-example loop and PyTorch.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_rnn.py``); it is not a test.
The setting is the one of issue 11: float64, batch 32, T = 50 steps, 32 inputs, 64 hidden
units; one "call" is a forward pass over the whole batch of sequences and the backward
pass (BPTT) from a random gradient of the outputs, parameter gradients and input gradient.

Contenders, interleaved round by round; each time is the best of N:
  nnlib        nnlib.lstm.LSTM.forward + backward on the batch (vectorised over it).
  per-example  the same layer called once per sequence (m = 1), 32 times: what a loop
               over the examples costs.
  torch        torch.nn.LSTM(batch_first=True) in float64 on the CPU, forward and
               backward (autograd), same weights (checked to give the same outputs and
               gradients first). PyTorch is optional: never in requirements.txt; when it
               is absent this column says so.
Both libraries use the same number of threads (``--threads``, default 1: NumPy's BLAS via
threadpoolctl, PyTorch via torch.set_num_threads).
"""
import argparse
import datetime
import os
import platform
import time

import numpy as np
from threadpoolctl import threadpool_limits

from nnlib.lstm import LSTM

M, T, N_IN, N_HIDDEN = 32, 50, 32, 64


def nnlib_call(layer, X, dH):
    layer.forward(X)
    layer.backward(dH)


def per_example_call(layer, X, dH):
    for i in range(len(X)):
        layer.forward(X[i:i + 1])
        layer.backward(dH[i:i + 1])


def torch_setup(layer, X, dH):
    """A torch.nn.LSTM with the layer's weights, or None when PyTorch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    net = torch.nn.LSTM(N_IN, N_HIDDEN, batch_first=True).double()
    with torch.no_grad():                             # same gate order i, f, g, o; W transposed
        net.weight_ih_l0.copy_(torch.from_numpy(layer.W_x.T.copy()))
        net.weight_hh_l0.copy_(torch.from_numpy(layer.W_h.T.copy()))
        net.bias_ih_l0.copy_(torch.from_numpy(layer.b.copy()))
        net.bias_hh_l0.zero_()
    Xt, dHt = torch.from_numpy(X.copy()).requires_grad_(True), torch.from_numpy(dH.copy())

    def call():
        net.zero_grad(set_to_none=True)
        Xt.grad = None
        out, _ = net(Xt)
        out.backward(dHt)
        return out

    out = call()                                      # same numbers as nnlib?
    H = layer.forward(X)
    dX = layer.backward(dH)
    assert np.allclose(out.detach().numpy(), H, rtol=1e-10, atol=1e-12)
    assert np.allclose(Xt.grad.numpy(), dX, rtol=1e-9, atol=1e-12)
    assert np.allclose(net.weight_hh_l0.grad.numpy(), layer.dW_h.T, rtol=1e-9, atol=1e-12)
    return torch, call


def best_of(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="best of N")
    parser.add_argument("--threads", type=int, default=1, help="threads for NumPy's BLAS and for PyTorch")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    layer = LSTM(N_IN, N_HIDDEN, rng=rng)
    X, dH = rng.standard_normal((M, T, N_IN)), rng.standard_normal((M, T, N_HIDDEN))
    with threadpool_limits(limits=args.threads, user_api="blas"):
        torch_part = torch_setup(layer, X, dH)
        if torch_part is not None:
            torch_part[0].set_num_threads(args.threads)
        best = {"nnlib": np.inf, "per-example": np.inf, "torch": np.inf}
        for _ in range(args.repeats):                 # interleaved: a busy neighbour hits everyone
            best["nnlib"] = min(best["nnlib"], best_of(lambda: nnlib_call(layer, X, dH), 1))
            best["per-example"] = min(best["per-example"], best_of(lambda: per_example_call(layer, X, dH), 1))
            if torch_part is not None:
                best["torch"] = min(best["torch"], best_of(torch_part[1], 1))
    print(f"# {datetime.date.today()}  {platform.processor() or platform.machine()}  {os.cpu_count()} cores  "
          f"numpy {np.__version__}  {args.threads} thread(s)  best of {args.repeats}, times in ms")
    print(f"LSTM float64 forward+backward, batch {M}, T = {T}, {N_IN} inputs, {N_HIDDEN} hidden units")
    print(f"  nnlib        {1e3 * best['nnlib']:8.2f}")
    print(f"  per-example  {1e3 * best['per-example']:8.2f}   per-example / nnlib = "
          f"{best['per-example'] / best['nnlib']:.1f}")
    if torch_part is None:
        print("  torch        PyTorch is not installed: no comparison (it is optional, see benchmarks/README.md)")
    else:
        print(f"  torch        {1e3 * best['torch']:8.2f}   nnlib / torch = {best['nnlib'] / best['torch']:.2f} "
              f"(target <= 3), torch {torch_part[0].__version__}; outputs and gradients agree")


if __name__ == "__main__":
    main()
