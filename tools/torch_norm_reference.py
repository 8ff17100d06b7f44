"""Write PyTorch's values and gradients of its normalisation layers to tests/nnlib/data/torch_norm_reference.npz.

The unit test tests/test_normalization.py compares nnlib's ``BatchNorm`` and
``LayerNorm`` with this file to 1e-10 in float64, without needing PyTorch: the file
is committed, and this script (which needs ``pip install torch``, kept out of the
lock) regenerates it. Inputs are fixed, seeded float64 arrays; each case stores
them beside PyTorch's outputs, so the test feeds nnlib exactly the same numbers.

Cases (PyTorch defaults unless said): ``nn.BatchNorm1d`` on (m, n) and
``nn.BatchNorm2d`` on (m, C, H, W), each for three training steps (batch statistics,
running statistics with momentum and the unbiased running variance) then one step
in evaluation mode, with eps and momentum at the defaults and at other values;
``nn.LayerNorm`` on (m, n) and (m, T, n). The gradient of each step is that of
``sum(Y * dY)`` for a random ``dY``, so it is ``dY`` pulled back through the layer.

Usage: python tools/torch_norm_reference.py [--out tests/nnlib/data/torch_norm_reference.npz]
"""
import argparse
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "nnlib" / "data" / "torch_norm_reference.npz"


def _step(layer, X, dY, out, prefix):
    """Run ``layer`` on ``X`` and back from ``dY``; store Y, dX, dgamma, dbeta under ``prefix``."""
    for p in layer.parameters():
        p.grad = None
    x = torch.tensor(X, requires_grad=True)
    y = layer(x)
    (y * torch.tensor(dY)).sum().backward()
    out[prefix + "X"], out[prefix + "dY"] = X, dY
    out[prefix + "Y"], out[prefix + "dX"] = y.detach().numpy(), x.grad.numpy()
    out[prefix + "dgamma"], out[prefix + "dbeta"] = layer.weight.grad.numpy(), layer.bias.grad.numpy()


def _batch_norm(rng, out, name, shape, eps, momentum):
    n = shape[1]
    layer = (torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d)(
        n, eps=eps, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():                           # gamma, beta away from 1, 0
        layer.weight.copy_(torch.tensor(rng.normal(1.0, 0.5, n)))
        layer.bias.copy_(torch.tensor(rng.normal(0.0, 0.5, n)))
    out[name + "/gamma"], out[name + "/beta"] = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    out[name + "/eps"], out[name + "/momentum"] = np.float64(eps), np.float64(momentum)
    layer.train()
    for step in range(3):                           # the mean and scale differ per feature
        X = rng.normal(rng.normal(0, 3, (1, n) + (1,) * (len(shape) - 2)), 2.0, shape)
        _step(layer, X, rng.normal(size=shape), out, f"{name}/train{step}/")
        out[f"{name}/train{step}/running_mean"] = layer.running_mean.numpy().copy()
        out[f"{name}/train{step}/running_var"] = layer.running_var.numpy().copy()
    layer.eval()
    _step(layer, rng.normal(0, 2.0, shape), rng.normal(size=shape), out, f"{name}/eval/")


def _layer_norm(rng, out, name, shape, eps):
    n = shape[-1]
    layer = torch.nn.LayerNorm(n, eps=eps, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(rng.normal(1.0, 0.5, n)))
        layer.bias.copy_(torch.tensor(rng.normal(0.0, 0.5, n)))
    out[name + "/gamma"], out[name + "/beta"] = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    out[name + "/eps"] = np.float64(eps)
    X = rng.normal(rng.normal(0, 3, shape[:-1] + (1,)), 2.0, shape)
    _step(layer, X, rng.normal(size=shape), out, name + "/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng, out = np.random.default_rng(2026_11), {}
    _batch_norm(rng, out, "bn1d", (8, 5), 1e-5, 0.1)
    _batch_norm(rng, out, "bn1d_custom", (3, 4), 1e-3, 0.3)
    _batch_norm(rng, out, "bn2d", (4, 3, 5, 5), 1e-5, 0.1)
    _batch_norm(rng, out, "bn2d_custom", (2, 2, 3, 4), 1e-2, 0.25)
    _layer_norm(rng, out, "ln2d", (6, 7), 1e-5)
    _layer_norm(rng, out, "ln3d", (2, 3, 5), 1e-3)
    out["torch_version"] = np.array(torch.__version__)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(f"wrote {len(out)} arrays from PyTorch {torch.__version__} to {args.out}")


if __name__ == "__main__":
    main()
