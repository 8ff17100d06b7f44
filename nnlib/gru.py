r"""The gated recurrent unit, ``GRU``, as PyTorch's ``torch.nn.GRU`` defines it.

Derived in chapter 9, *Recurrent networks*, with the interface and conventions of
:mod:`nnlib.recurrent` (batch first; time-major inside; the state is ``h``, ``(m, n_hidden)``).
The reset gate multiplies the recurrent product *after* it is taken,
:math:`\mathbf r \odot (\mathbf h_{t-1} W_h^n + \mathbf b_h^n)`, as in PyTorch (Cho et al.'s
original applies it before: :math:`(\mathbf r \odot \mathbf h_{t-1}) W_h^n`). That is why the
candidate keeps a recurrent bias ``b_hn`` of its own: inside the product with
:math:`\mathbf r` it cannot be merged with the input bias.
"""
import numpy as np

from .recurrent import _Recurrent


class GRU(_Recurrent):
    r"""Gated recurrent unit, gates in PyTorch's order r, z, n (reset, update, candidate).

    .. math:: \mathbf r = \sigma(\mathbf x_t W_x^r + \mathbf h_{t-1} W_h^r + \mathbf b^r), \quad
              \mathbf z = \sigma(\mathbf x_t W_x^z + \mathbf h_{t-1} W_h^z + \mathbf b^z),

    .. math:: \mathbf n = \tanh\bigl(\mathbf x_t W_x^n + \mathbf b^n
              + \mathbf r \odot (\mathbf h_{t-1} W_h^n + \mathbf b_h^n)\bigr), \qquad
              \mathbf h_t = (1 - \mathbf z) \odot \mathbf n + \mathbf z \odot \mathbf h_{t-1}.

    Backward, with :math:`\bar{\mathbf h}_t` the total gradient at :math:`\mathbf h_t`:
    :math:`\bar Z^n = \bar{\mathbf h}_t \odot (1 - \mathbf z) \odot (1 - \mathbf n^2)`,
    :math:`\bar Z^z = \bar{\mathbf h}_t \odot (\mathbf h_{t-1} - \mathbf n) \odot \mathbf z(1 - \mathbf z)`,
    :math:`\bar Z^r = \bar Z^n \odot (\mathbf h_{t-1} W_h^n + \mathbf b_h^n) \odot \mathbf r(1 - \mathbf r)`,
    and :math:`\bar{\mathbf h}_{t-1} = \bar{\mathbf h}_t \odot \mathbf z
    + [\bar Z^r\ \bar Z^z\ \bar Z^n \odot \mathbf r]\, W_h^\top`: the first term is the additive
    path, scaled only by the update gate.

    Layout: ``W_x`` ``(n_in, 3H)`` and ``W_h`` ``(H, 3H)``, column blocks r, z, n; PyTorch's
    ``weight_ih_l0`` is ``W_x.T`` and ``weight_hh_l0`` is ``W_h.T``; ``b`` is
    ``bias_ih_l0`` plus, in the r and z blocks only, ``bias_hh_l0``; ``b_hn`` is the n block
    of ``bias_hh_l0``. ``W_x`` starts Glorot-uniform, ``W_h`` orthogonal (per block), the
    biases at zero. Shapes: ``X (m, T, n_in) -> H (m, T, n_hidden)``.
    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    n_in, n_hidden : int
        Features per step :math:`n_\text{in}` and hidden units :math:`n_h`, each >= 1.
    rng : numpy.random.Generator or int
        Source of the initial weights (required).
    dtype : numpy.float32 or numpy.float64
        Dtype of the parameters; input is cast to it.
    """

    n_gates = 3

    def __init__(self, n_in, n_hidden, *, rng=None, dtype=np.float64):
        super().__init__(n_in, n_hidden, rng=rng, dtype=dtype)
        self.b_hn = np.zeros(self.n_hidden, dtype=self.dtype)
        self.db_hn = np.zeros_like(self.b_hn)

    def forward(self, X, state=None, return_state=False):
        """Hidden states ``(m, T, n_hidden)`` of ``X`` ``(m, T, n_in)``, from ``state`` (zeros if None).

        With ``return_state``, also the final state ``(m, n_hidden)``.
        """
        X = self._check_X(X)
        m, T, _ = X.shape
        H = self.n_hidden
        Zx, Xt = self._project(X)                         # (T, m, 3H): x_t W_x + b
        Hs = np.empty((T + 1, m, H), self.dtype)
        Hs[0] = self._check_h(state, m, "state")          # h_0
        gates = np.empty((T, m, 3 * H), self.dtype)       # r, z, n of every step
        Hn = np.empty((T, m, H), self.dtype)              # h_{t-1} W_h^n + b_hn
        for t in range(T):
            zh = Hs[t] @ self.W_h                         # (m, 3H)
            np.add(zh[:, 2 * H:], self.b_hn, out=Hn[t])
            rz = gates[t][:, :2 * H]
            np.add(Zx[t][:, :2 * H], zh[:, :2 * H], out=rz)
            rz *= 0.5
            np.tanh(rz, out=rz)
            rz += 1
            rz *= 0.5                                     # sigma(a) = (1 + tanh(a/2)) / 2
            r, z, n = rz[:, :H], rz[:, H:], gates[t][:, 2 * H:]
            np.tanh(Zx[t][:, 2 * H:] + r * Hn[t], out=n)  # reset after the product
            np.multiply(z, Hs[t], out=Hs[t + 1])
            Hs[t + 1] += (1 - z) * n                      # h_t = z h_{t-1} + (1 - z) n
        self._cache = (X, Xt, Hs, gates, Hn)
        out = np.ascontiguousarray(Hs[1:].transpose(1, 0, 2))  # (m, T, H)
        return (out, Hs[T].copy()) if return_state else out

    def backward(self, dH, need_input_grad=True, dstate=None):
        """Backpropagation through time: store the parameter gradients and ``dstate0``; return ``dX``.

        ``dH`` ``(m, T, n_hidden)``, ``dstate`` the gradient at the final state (or None);
        returns ``(m, T, n_in)``, or None when ``need_input_grad`` is False.
        """
        dH = self._check_dH(dH)                           # (T, m, H)
        X, Xt, Hs, gates, Hn = self._cache
        T, m, H = dH.shape
        dh = self._check_h(dstate, m, "dstate").copy()    # dL/dh_T from beyond the sequence
        dZx = np.empty((T, m, 3 * H), self.dtype)         # at x_t W_x + b
        dZh = np.empty((T, m, 3 * H), self.dtype)         # at h_{t-1} W_h (+ b_hn)
        for t in range(T - 1, -1, -1):
            r, z, n = (gates[t][:, k * H:(k + 1) * H] for k in range(3))
            dh += dH[t]
            dn = dh * (1 - z) * (1 - n * n)               # candidate, pre-activation
            dzx = dZx[t]
            np.multiply(dn * Hn[t], r * (1 - r), out=dzx[:, :H])       # reset gate
            np.multiply(dh * (Hs[t] - n), z * (1 - z), out=dzx[:, H:2 * H])  # update
            dzx[:, 2 * H:] = dn
            dZh[t][:, :2 * H] = dzx[:, :2 * H]
            np.multiply(dn, r, out=dZh[t][:, 2 * H:])     # the reset gate scales this block
            dh = dh * z + dZh[t] @ self.W_h.T             # additive path + through the gates
        self.dstate0 = dh
        dZx2, dZh2 = dZx.reshape(T * m, -1), dZh.reshape(T * m, -1)
        self.dW_x[...] = Xt.T @ dZx2                      # (n_in, 3H)
        self.dW_h[...] = Hs[:-1].reshape(T * m, H).T @ dZh2  # (H, 3H)
        self.db[...] = dZx2.sum(axis=0)
        self.db_hn[...] = dZh2[:, 2 * H:].sum(axis=0)
        if need_input_grad:
            return (dZx2 @ self.W_x.T).reshape(T, m, self.n_in).transpose(1, 0, 2)
        return None

    def parameters(self):
        """``[W_x, W_h, b, b_hn]``, updated in place by an optimiser."""
        return [self.W_x, self.W_h, self.b, self.b_hn]

    def gradients(self):
        """``[dW_x, dW_h, db, db_hn]``, overwritten in place by ``backward``."""
        return [self.dW_x, self.dW_h, self.db, self.db_hn]

    @property
    def n_params(self):
        r"""The number of parameters, :math:`3(n_\text{in} n_h + n_h^2 + n_h) + n_h`."""
        return self.W_x.size + self.W_h.size + self.b.size + self.b_hn.size
