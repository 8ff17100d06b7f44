r"""The long short-term memory layer, ``LSTM``, forward and backward over whole sequences.

Derived in chapter 9, *Recurrent networks*, with the interface and conventions of
:mod:`nnlib.recurrent` (batch first; time-major inside; ``state`` the pair ``(h, c)``).
The sigmoid gates are computed as :math:`\sigma(z) = (1 + \tanh(z/2))/2`, an identity,
so that one ``tanh`` call per step evaluates all four gates.
"""
import numpy as np

from ._validation import as_float_array
from .recurrent import _Recurrent


class LSTM(_Recurrent):
    r"""Long short-term memory layer (no peepholes), gates in PyTorch's order i, f, g, o.

    .. math:: [\,Z^i\ Z^f\ Z^g\ Z^o\,] = \mathbf x_t W_x + \mathbf h_{t-1} W_h + \mathbf b, \quad
              \mathbf i, \mathbf f, \mathbf o = \sigma(Z^{i,f,o}), \ \mathbf g = \tanh(Z^g),

    .. math:: \mathbf c_t = \mathbf f \odot \mathbf c_{t-1} + \mathbf i \odot \mathbf g, \qquad
              \mathbf h_t = \mathbf o \odot \tanh(\mathbf c_t).

    Backward, with :math:`\bar{\mathbf c}_t = \bar{\mathbf h}_t \odot \mathbf o \odot (1 - \tanh^2 \mathbf c_t)
    + \mathbf f_{t+1} \odot \bar{\mathbf c}_{t+1}`: :math:`\bar Z^i = \bar{\mathbf c}_t \odot \mathbf g \odot \mathbf i(1-\mathbf i)`,
    :math:`\bar Z^f = \bar{\mathbf c}_t \odot \mathbf c_{t-1} \odot \mathbf f(1-\mathbf f)`,
    :math:`\bar Z^g = \bar{\mathbf c}_t \odot \mathbf i \odot (1-\mathbf g^2)`,
    :math:`\bar Z^o = \bar{\mathbf h}_t \odot \tanh \mathbf c_t \odot \mathbf o(1-\mathbf o)`.

    Layout: ``W_x`` is ``(n_in, 4H)`` and ``W_h`` ``(H, 4H)``, column blocks i, f, g, o;
    PyTorch's ``weight_ih_l0`` is ``W_x.T`` and ``weight_hh_l0`` is ``W_h.T``, and its two
    biases add up to ``b``. The forget bias starts at ``forget_bias`` (1 by default), the
    others at 0. State: the pair ``(h, c)``, each ``(m, H)``.
    Shapes: ``X (m, T, n_in) -> H (m, T, n_hidden)``. Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    n_in, n_hidden : int
        Features per step :math:`n_\text{in}` and hidden units :math:`n_h`, each >= 1.
    rng : numpy.random.Generator or int
        Source of the initial weights (required).
    dtype : numpy.float32 or numpy.float64
        Dtype of the parameters; input is cast to it.
    forget_bias : float
        Initial bias of the forget gate.
    """

    n_gates = 4

    def __init__(self, n_in, n_hidden, *, rng=None, dtype=np.float64, forget_bias=1.0):
        super().__init__(n_in, n_hidden, rng=rng, dtype=dtype)
        self.b[self.n_hidden:2 * self.n_hidden] = float(as_float_array(forget_bias, "forget_bias", ndim=0))

    def _check_state(self, state, m, name):
        if state is None:
            return self._check_h(None, m, name), self._check_h(None, m, name)
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(f"{name} must be a pair (h, c) of ({m}, {self.n_hidden}) arrays, got {type(state).__name__}")
        return self._check_h(state[0], m, f"{name}[0] (h)"), self._check_h(state[1], m, f"{name}[1] (c)")

    def forward(self, X, state=None, return_state=False):
        """Hidden states ``(m, T, n_hidden)`` of ``X`` ``(m, T, n_in)``, from ``state`` (zeros if None).

        With ``return_state``, also the final state, the pair ``(h, c)``.
        """
        X = self._check_X(X)
        m, T, _ = X.shape
        H = self.n_hidden
        Z, Xt = self._project(X)                          # (T, m, 4H), becomes the gates
        Hs, Cs = np.empty((2, T + 1, m, H), self.dtype)
        Hs[0], Cs[0] = self._check_state(state, m, "state")
        tanh_C = np.empty((T, m, H), self.dtype)
        half = np.full(4 * H, 0.5, self.dtype)            # sigma(z) = (1 + tanh(z/2)) / 2 for i, f, o;
        half[2 * H:3 * H] = 1                             # g = tanh(z): one tanh call for all gates
        shift = (half == 0.5) * half                      # 0.5 for i, f, o; 0 for g
        for t in range(T):
            z = Z[t]
            z += Hs[t] @ self.W_h
            z *= half
            np.tanh(z, out=z)
            z *= half
            z += shift                                    # now [i, f, g, o]
            i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
            np.multiply(f, Cs[t], out=Cs[t + 1])
            Cs[t + 1] += i * g                            # c_t = f c_{t-1} + i g
            np.tanh(Cs[t + 1], out=tanh_C[t])
            np.multiply(o, tanh_C[t], out=Hs[t + 1])      # h_t = o tanh(c_t)
        self._cache = (X, Xt, Hs, Cs, Z, tanh_C)
        out = np.ascontiguousarray(Hs[1:].transpose(1, 0, 2))  # (m, T, H)
        return (out, (Hs[T].copy(), Cs[T].copy())) if return_state else out

    def backward(self, dH, need_input_grad=True, dstate=None):
        """Backpropagation through time: store the parameter gradients and ``dstate0``; return ``dX``.

        ``dH`` ``(m, T, n_hidden)``, ``dstate`` the gradient at the final state (or None);
        returns ``(m, T, n_in)``, or None when ``need_input_grad`` is False.
        """
        dH = self._check_dH(dH)                          # (T, m, H)
        X, Xt, Hs, Cs, gates, tanh_C = self._cache
        T, m, H = dH.shape
        dh, dc = (a.copy() for a in self._check_state(dstate, m, "dstate"))
        dZ = np.empty((T, m, 4 * H), self.dtype)
        g_cols = np.zeros(4 * H, self.dtype)
        g_cols[2 * H:3 * H] = 1
        slopes = (1 - gates) * (gates + g_cols)           # (T, m, 4H): a(1 - a) for i, f, o; 1 - g^2 for g
        dh_dc = gates[:, :, 3 * H:] * (1 - tanh_C ** 2)   # (T, m, H): o (1 - tanh^2 c_t)
        for t in range(T - 1, -1, -1):
            i, f, g = (gates[t][:, k * H:(k + 1) * H] for k in range(3))
            dh += dH[t]
            dc += dh * dh_dc[t]                           # through h_t = o tanh(c_t)
            dz = dZ[t]
            np.multiply(dc, g, out=dz[:, :H])             # input gate
            np.multiply(dc, Cs[t], out=dz[:, H:2 * H])    # forget gate
            np.multiply(dc, i, out=dz[:, 2 * H:3 * H])    # candidate
            np.multiply(dh, tanh_C[t], out=dz[:, 3 * H:])  # output gate
            dz *= slopes[t]
            dc *= f                                       # the additive path: dc_{t-1} = f dc_t
            dh = dz @ self.W_h.T                          # (m, H)
        self.dstate0 = (dh, dc)
        return self._weight_grads(Xt, Hs[:-1], dZ, need_input_grad)
