"""Time nnlib's multi-head self-attention and a transformer-block training step against PyTorch on the CPU.

Run with ``.venv/bin/python benchmarks/bench_attention.py``; it is not a test. Each
time is the best of N repeats (``time.perf_counter``), the contenders alternating in
blocks (``best_times`` of bench_conv.py) so that a busy neighbour slows them alike;
what matters is the printed *ratio* nnlib/torch, measured in the same run.

Rows
  MHA pass    ``nnlib.MultiHeadAttention(64, 4)`` forward + backward (dX and the 8
              parameter gradients) on a batch (32, 64, 64), against
              ``torch.nn.MultiheadAttention(64, 4, batch_first=True)`` forward + autograd
              backward with the same weights, float64 and float32, without and with
              the causal mask. Goal of issue 22: nnlib/torch <= 1.5.
  block step  one training step of a causal pre-LN ``nnlib.TransformerBlock(64, 4, 256)``
              on (32, 64, 64): forward, mean squared error to a fixed target, backward,
              an Adam step; against the same block written with torch.nn
              (LayerNorm, MultiheadAttention, Linear, ReLU) and ``torch.optim.Adam``.

PyTorch is optional (never in requirements.txt): without it the script says so and
prints nnlib's times. Before timing, both give the same numbers (float64, 1e-10);
tests/test_attention_torch.py checks that too, against a file of PyTorch's numbers.
"""
import argparse
import datetime
import os
import platform

import numpy as np
from bench_conv import best_times
from threadpoolctl import threadpool_info, threadpool_limits

from nnlib import Adam, MultiHeadAttention, TransformerBlock

try:
    import torch
except ImportError:                                    # optional: say so in the output
    torch = None

M, T, D, H, D_FF = 32, 64, 64, 4, 256


def _torch_mha(layer, dtype):
    """A torch.nn.MultiheadAttention holding ``layer``'s weights (PyTorch multiplies x W^T)."""
    ref = torch.nn.MultiheadAttention(layer.d_model, layer.n_heads, batch_first=True, dtype=dtype)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.tensor(np.concatenate([layer.W_q.T, layer.W_k.T, layer.W_v.T])))
        ref.in_proj_bias.copy_(torch.tensor(np.concatenate([layer.b_q, layer.b_k, layer.b_v])))
        ref.out_proj.weight.copy_(torch.tensor(layer.W_o.T))
        ref.out_proj.bias.copy_(torch.tensor(layer.b_o))
    return ref


def _causal(T):
    return torch.triu(torch.ones(T, T, dtype=torch.bool), 1)       # True = masked, in torch


def run_mha(dtype, causal, repeats):
    rng = np.random.default_rng(0)
    X, dY = rng.normal(size=(M, T, D)).astype(dtype), rng.normal(size=(M, T, D)).astype(dtype)
    layer = MultiHeadAttention(D, H, causal=causal, rng=1, dtype=dtype)
    for b in (layer.b_q, layer.b_k, layer.b_v, layer.b_o):
        b[...] = rng.normal(0, 0.1, b.shape)

    def nnlib_pass():
        return layer.forward(X), layer.backward(dY)

    contenders = {"nnlib": nnlib_pass}
    if torch is not None:
        ref = _torch_mha(layer, torch.float64 if dtype == np.float64 else torch.float32)
        Xt, dYt, mask = torch.tensor(X, requires_grad=True), torch.tensor(dY), _causal(T) if causal else None

        def torch_pass():
            Xt.grad = None
            for p in ref.parameters():
                p.grad = None
            Y, _ = ref(Xt, Xt, Xt, attn_mask=mask, need_weights=False)
            Y.backward(dYt)
            return Y, Xt.grad

        if dtype == np.float64:
            for a, b in zip(nnlib_pass(), torch_pass()):
                np.testing.assert_allclose(a, b.detach().numpy(), rtol=1e-10, atol=1e-10)
        contenders["torch"] = torch_pass
    return best_times(contenders, repeats)


class _TorchBlock(torch.nn.Module if torch is not None else object):
    """The pre-LN block of nnlib.TransformerBlock, in torch.nn, with the nnlib block's weights."""

    def __init__(self, block):
        super().__init__()
        f64 = torch.float64
        self.ln1, self.ln2 = torch.nn.LayerNorm(D, dtype=f64), torch.nn.LayerNorm(D, dtype=f64)
        self.attn = _torch_mha(block.attention, f64)
        self.fc1, self.fc2 = torch.nn.Linear(D, D_FF, dtype=f64), torch.nn.Linear(D_FF, D, dtype=f64)
        dense1, dense2 = block.layers[1].block.layers[1].layer, block.layers[1].block.layers[3].layer
        with torch.no_grad():
            for fc, dense in ((self.fc1, dense1), (self.fc2, dense2)):
                fc.weight.copy_(torch.tensor(dense.W.T))
                fc.bias.copy_(torch.tensor(dense.b))
        self.mask = _causal(T)

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=self.mask, need_weights=False)[0]
        return x + self.fc2(torch.relu(self.fc1(self.ln2(x))))


def run_block(repeats):
    rng = np.random.default_rng(2)
    X, target = rng.normal(size=(M, T, D)), rng.normal(size=(M, T, D))
    block = TransformerBlock(D, H, D_FF, causal=True, rng=3)
    params, grads, opt = block.parameters(), block.gradients(), Adam(lr=1e-3)

    def nnlib_step():
        Y = block.forward(X)
        block.backward((Y - target) * (2 / Y.size), need_input_grad=False)   # mean squared error
        opt.step(params, grads)
        return Y

    contenders = {"nnlib": nnlib_step}
    if torch is not None:
        ref = _TorchBlock(block)
        Xt, Tt = torch.tensor(X), torch.tensor(target)
        topt = torch.optim.Adam(ref.parameters(), lr=1e-3)

        def torch_step():
            topt.zero_grad()
            Y = ref(Xt)
            ((Y - Tt) ** 2).mean().backward()
            topt.step()
            return Y

        Y = block.forward(X)                                         # same numbers before timing
        np.testing.assert_allclose(Y, ref(Xt).detach().numpy(), rtol=1e-10, atol=1e-10)
        contenders["torch"] = torch_step
    return best_times(contenders, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="repeats of each contender (best of N)")
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
    print(f"# batch {M}, T = {T}, d = {D}, {H} heads; best of N, times in ms")
    header = f"{'row':>28} | {'nnlib':>8} {'torch':>8} | {'nnlib/torch':>11}"
    print(header)
    print("-" * len(header))
    with threadpool_limits(limits=args.threads):
        rows = [(f"MHA pass {np.dtype(dt).name}{' causal' if c else ''}", lambda dt=dt, c=c: run_mha(dt, c, args.repeats))
                for dt in (np.float64, np.float32) for c in (False, True)]
        rows.append((f"block step float64 d_ff={D_FF}", lambda: run_block(args.repeats)))
        for name, run in rows:
            t = run()
            torch_ms = f"{1e3 * t['torch']:8.2f}" if "torch" in t else f"{'absent':>8}"
            ratio = f"{t['nnlib'] / t['torch']:11.2f}" if "torch" in t else f"{'-':>11}"
            print(f"{name:>28} | {1e3 * t['nnlib']:8.2f} {torch_ms} | {ratio}")


if __name__ == "__main__":
    main()
