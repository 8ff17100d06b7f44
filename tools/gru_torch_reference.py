"""Write tests/nnlib/data/gru_torch_reference.npz: PyTorch's nn.GRU on fixed seeded inputs.

``tests/test_gru.py`` compares ``nnlib.gru.GRU`` with these values (outputs, final state
and every gradient, float64) at 1e-10, on every run and without PyTorch installed. Run
this script again, where PyTorch is installed, only to regenerate the file:

    python tools/gru_torch_reference.py

The weights and inputs are drawn by NumPy from fixed seeds and stored in the file, so the
test rebuilds the same layer; PyTorch only computes. The loss is
``sum(dH * H) + sum(dstate * h_T)``, so the gradients it returns are the vector-Jacobian
products with the stored ``dH`` and ``dstate``.
"""
import pathlib

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "nnlib" / "data" / "gru_torch_reference.npz"
M, T, N_IN, H = 3, 7, 4, 5


def main():
    rng = np.random.default_rng(20261204)
    data = {
        "weight_ih": rng.normal(scale=0.5, size=(3 * H, N_IN)),
        "weight_hh": rng.normal(scale=0.5, size=(3 * H, H)),
        "bias_ih": rng.normal(scale=0.5, size=3 * H),
        "bias_hh": rng.normal(scale=0.5, size=3 * H),
        "X": rng.normal(size=(M, T, N_IN)),
        "h0": rng.normal(scale=0.5, size=(M, H)),
        "dH": rng.normal(size=(M, T, H)),
        "dstate": rng.normal(size=(M, H)),
    }
    gru = torch.nn.GRU(N_IN, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(gru, f"{name}_l0").copy_(torch.from_numpy(data[name]))
    X = torch.from_numpy(data["X"]).requires_grad_(True)
    h0 = torch.from_numpy(data["h0"])[None].clone().requires_grad_(True)  # (1, m, H)
    out, h_T = gru(X, h0)
    loss = (out * torch.from_numpy(data["dH"])).sum() + (h_T[0] * torch.from_numpy(data["dstate"])).sum()
    loss.backward()
    data.update(
        H=out.detach().numpy(), h_T=h_T[0].detach().numpy(),
        dX=X.grad.numpy(), dh0=h0.grad[0].numpy(),
        **{f"d{name}": getattr(gru, f"{name}_l0").grad.numpy()
           for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")},
    )
    data["torch_version"] = np.array(torch.__version__)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUT, **data)
    print(f"wrote {OUT} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
