"""Write PyTorch's values and gradients of attention to tests/nnlib/data/torch_attention_reference.npz.

The unit test tests/test_attention_torch.py compares nnlib's
``scaled_dot_product_attention`` (and its gradient) and ``MultiHeadAttention`` with
this file to 1e-10 in float64, without needing PyTorch: the file is committed, and
this script (which needs ``pip install torch``, kept out of the lock) regenerates
it. Inputs are fixed, seeded float64 arrays, stored beside PyTorch's outputs.

Cases: ``F.scaled_dot_product_attention`` on (m, h, T, d_k) with no mask, with
``is_causal=True``, and with a boolean ``attn_mask`` (True = may attend), and on
queries and keys of different lengths; ``nn.MultiheadAttention(d, h,
batch_first=True)`` as self-attention without a mask and with the causal mask
(``attn_mask`` True above the diagonal = masked, PyTorch's convention there).
The gradients are those of ``sum(O * dO)`` for a random ``dO``.

Usage: python tools/torch_attention_reference.py [--out tests/nnlib/data/torch_attention_reference.npz]
"""
import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "nnlib" / "data" / "torch_attention_reference.npz"


def _sdpa(rng, out, name, shape_q, shape_k, d_v, *, causal=False, mask=False):
    Q, K = rng.normal(size=shape_q), rng.normal(size=shape_k)
    V = rng.normal(size=shape_k[:-1] + (d_v,))
    M = None
    if mask:
        M = rng.random((shape_q[-2], shape_k[-2])) < 0.6
        M[:, 0] = True                                   # no fully masked row
        out[name + "/mask"] = M
    q, k, v = (torch.tensor(A, requires_grad=True) for A in (Q, K, V))
    o = F.scaled_dot_product_attention(q, k, v, attn_mask=None if M is None else torch.tensor(M),
                                       is_causal=causal)
    dO = rng.normal(size=tuple(o.shape))
    (o * torch.tensor(dO)).sum().backward()
    out.update({name + "/Q": Q, name + "/K": K, name + "/V": V, name + "/dO": dO,
                name + "/O": o.detach().numpy(), name + "/dQ": q.grad.numpy(),
                name + "/dK": k.grad.numpy(), name + "/dV": v.grad.numpy()})


def _mha(rng, out, name, m, T, d, h, causal):
    layer = torch.nn.MultiheadAttention(d, h, batch_first=True, dtype=torch.float64)
    with torch.no_grad():                               # every weight from the seeded NumPy generator
        layer.in_proj_weight.copy_(torch.tensor(rng.uniform(-0.6, 0.6, (3 * d, d))))
        layer.out_proj.weight.copy_(torch.tensor(rng.uniform(-0.6, 0.6, (d, d))))
        layer.in_proj_bias.copy_(torch.tensor(rng.normal(0, 0.5, 3 * d)))   # away from PyTorch's zeros
        layer.out_proj.bias.copy_(torch.tensor(rng.normal(0, 0.5, d)))
    X = rng.normal(size=(m, T, d))
    x = torch.tensor(X, requires_grad=True)
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1) if causal else None
    y, w = layer(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=False)
    dY = rng.normal(size=(m, T, d))
    (y * torch.tensor(dY)).sum().backward()
    out.update({name + "/X": X, name + "/dY": dY, name + "/Y": y.detach().numpy(),
                name + "/weights": w.detach().numpy(), name + "/dX": x.grad.numpy(),
                name + "/in_proj_weight": layer.in_proj_weight.detach().numpy(),
                name + "/in_proj_bias": layer.in_proj_bias.detach().numpy(),
                name + "/out_proj_weight": layer.out_proj.weight.detach().numpy(),
                name + "/out_proj_bias": layer.out_proj.bias.detach().numpy(),
                name + "/d_in_proj_weight": layer.in_proj_weight.grad.numpy(),
                name + "/d_in_proj_bias": layer.in_proj_bias.grad.numpy(),
                name + "/d_out_proj_weight": layer.out_proj.weight.grad.numpy(),
                name + "/d_out_proj_bias": layer.out_proj.bias.grad.numpy(),
                name + "/n_heads": np.int64(h)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng, out = np.random.default_rng(2026_12), {}
    _sdpa(rng, out, "sdpa", (2, 3, 5, 4), (2, 3, 5, 4), 6)
    _sdpa(rng, out, "sdpa_causal", (2, 3, 5, 4), (2, 3, 5, 4), 6, causal=True)
    _sdpa(rng, out, "sdpa_mask", (2, 4, 3), (2, 6, 3), 2, mask=True)
    _sdpa(rng, out, "sdpa_cross", (3, 2, 5), (3, 7, 5), 4)
    _mha(rng, out, "mha", 2, 5, 8, 2, False)
    _mha(rng, out, "mha_causal", 3, 6, 12, 3, True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(f"wrote {len(out)} arrays to {args.out} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
