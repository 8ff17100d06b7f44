r"""Recurrent layers: the Elman ``RNN`` here, the ``LSTM`` in :mod:`nnlib.lstm`; whole sequences at once.

Derived in chapter 9, *Recurrent networks*.

Batch first: a batch of sequences ``X`` has shape ``(m, T, n_in)`` (``m`` sequences,
``T`` time steps, ``n_in`` features per step) and the layer returns every hidden state,
``(m, T, n_hidden)``. The interface is that of ``nnlib.layers``:

* ``forward(X, state=None, return_state=False)`` runs the recurrence from ``state``
  (zeros when ``None``; an ``(m, n_hidden)`` array for ``RNN``, a pair ``(h, c)`` for
  ``LSTM``) and returns the hidden states, plus the final state if ``return_state``;
* ``backward(dH, need_input_grad=True, dstate=None)`` is backpropagation through time:
  it takes :math:`\partial \mathcal L/\partial H` ``(m, T, n_hidden)`` and, optionally, the
  gradient with respect to the final state, stores the parameter gradients, sets
  ``dstate0`` (the gradient with respect to the initial state) and returns
  :math:`\partial \mathcal L/\partial X`;
* ``parameters()`` and ``gradients()``: ``[W_x, W_h, b]``, updated and overwritten in place.

The input projections of all steps are one matrix product before the loop, and the
weight gradients one matrix product after it; only :math:`H_{t-1} W_h` runs per step.
Inside, arrays are time-major ``(T, m, ...)`` so that each step reads a contiguous block.
"""
import numpy as np

from ._validation import check_batch, check_positive_int
from .init import _check_dtype, _initial_weights, as_generator


def orthogonal(n, rng):
    r"""A random orthogonal ``(n, n)`` matrix (QR of a Gaussian matrix, signs fixed): :math:`Q^\top Q = I`.

    Its singular values are all 1, the recurrent initialisation of Saxe, McClelland and Ganguli (2014).
    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    n : int
        Size, >= 1.
    rng : numpy.random.Generator or int
        Source of the Gaussian matrix (required).

    Returns
    -------
    numpy.ndarray
        float64 :math:`Q` of shape ``(n, n)``.
    """
    n = check_positive_int(n, "n")
    Q, R = np.linalg.qr(as_generator(rng).standard_normal((n, n)))
    return Q * np.where(np.diag(R) < 0, -1.0, 1.0)   # unique Q: diag(R) > 0


class _Recurrent:
    """What ``RNN`` and ``LSTM`` share: weights, input checks, the parameter lists."""

    n_gates = 1

    def __init__(self, n_in, n_hidden, *, rng=None, dtype=np.float64):
        self.n_in, self.n_hidden = check_positive_int(n_in, "n_in"), check_positive_int(n_hidden, "n_hidden")
        self.dtype = _check_dtype(dtype)
        rng, k, H = as_generator(rng), self.n_gates, self.n_hidden
        self.W_x = np.hstack([_initial_weights("glorot_uniform", n_in, H, rng) for _ in range(k)]).astype(self.dtype)
        self.W_h = np.hstack([orthogonal(H, rng) for _ in range(k)]).astype(self.dtype)
        self.b = np.zeros(k * H, dtype=self.dtype)
        self.dW_x, self.dW_h, self.db = (np.zeros_like(p) for p in (self.W_x, self.W_h, self.b))
        self._cache, self.dstate0 = None, None

    def _check_X(self, X):
        X = check_batch(X, "X", dtype=self.dtype)
        if X.ndim != 3 or X.shape[2] != self.n_in or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have shape (m, T, {self.n_in}) with m, T >= 1 (batch first), got {X.shape}")
        return X

    def _check_h(self, h, m, name):
        if h is None:
            return np.zeros((m, self.n_hidden), dtype=self.dtype)
        h = check_batch(h, name, dtype=self.dtype)
        if h.shape != (m, self.n_hidden):
            raise ValueError(f"{name} must have shape ({m}, {self.n_hidden}), got {h.shape}")
        return h

    def _check_dH(self, dH):
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        dH = check_batch(dH, "dH", dtype=self.dtype)
        shape = self._cache[0].shape[:2] + (self.n_hidden,)
        if dH.shape != shape:
            raise ValueError(f"dH must have shape {shape}, got {dH.shape}")
        return dH.transpose(1, 0, 2)                    # (T, m, H), a view

    def _project(self, X):
        """All input projections at once: ``X_t W_x + b`` for every t, time-major ``(T, m, kH)``."""
        m, T, _ = X.shape
        Xt = np.ascontiguousarray(X.transpose(1, 0, 2)).reshape(T * m, self.n_in)
        return (Xt @ self.W_x + self.b).reshape(T, m, -1), Xt

    def _weight_grads(self, Xt, Hprev, dZ, need_input_grad):
        """The three parameter gradients as single products over all steps; ``dX`` batch first."""
        T, m, kH = dZ.shape
        dZ2 = dZ.reshape(T * m, kH)
        self.dW_x[...] = Xt.T @ dZ2                     # (n_in, kH): sums over batch and time
        self.dW_h[...] = Hprev.reshape(T * m, -1).T @ dZ2  # (H, kH)
        self.db[...] = dZ2.sum(axis=0)                  # (kH,)
        if need_input_grad:
            return (dZ2 @ self.W_x.T).reshape(T, m, self.n_in).transpose(1, 0, 2)  # (m, T, n_in)
        return None

    def parameters(self):
        """``[W_x, W_h, b]``, updated in place by an optimiser."""
        return [self.W_x, self.W_h, self.b]

    def gradients(self):
        """``[dW_x, dW_h, db]``, overwritten in place by ``backward``."""
        return [self.dW_x, self.dW_h, self.db]

    @property
    def n_params(self):
        """Number of parameters."""
        return self.W_x.size + self.W_h.size + self.b.size

    def __repr__(self):
        return f"{type(self).__name__}({self.n_in} -> {self.n_hidden}, {self.n_params} parameters)"


class RNN(_Recurrent):
    r"""Elman recurrent layer with tanh: one weight set shared by every time step.

    .. math:: \mathbf h_t = \tanh(\mathbf x_t W_x + \mathbf h_{t-1} W_h + \mathbf b), \qquad
              \delta_t = \Bigl(\frac{\partial \mathcal L}{\partial \mathbf h_t} + \delta_{t+1} W_h^\top\Bigr)
              \odot (1 - \mathbf h_t^2)

    and :math:`\partial \mathcal L/\partial W_x = \sum_t \mathbf x_t^\top \delta_t`,
    :math:`\partial \mathcal L/\partial W_h = \sum_t \mathbf h_{t-1}^\top \delta_t`,
    :math:`\partial \mathcal L/\partial \mathbf b = \sum_t \mathbf 1^\top \delta_t`,
    :math:`\partial \mathcal L/\partial \mathbf x_t = \delta_t W_x^\top`.

    ``W_x`` starts Glorot-uniform, ``W_h`` orthogonal, ``b`` at zero; ``rng`` is required.
    Shapes: ``X (m, T, n_in) -> H (m, T, n_hidden)``; ``W_x (n_in, n_hidden)``,
    ``W_h (n_hidden, n_hidden)``, ``b (n_hidden,)``; state ``(m, n_hidden)``.
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

    def forward(self, X, state=None, return_state=False):
        """Hidden states ``(m, T, n_hidden)`` of ``X`` ``(m, T, n_in)``, from ``state`` (zeros if None).

        With ``return_state``, also the final state ``(m, n_hidden)``.
        """
        X = self._check_X(X)
        m, T, _ = X.shape
        Z, Xt = self._project(X)                         # (T, m, H): x_t W_x + b
        Hs = np.empty((T + 1, m, self.n_hidden), self.dtype)
        Hs[0] = self._check_h(state, m, "state")         # h_0
        for t in range(T):
            Z[t] += Hs[t] @ self.W_h
            np.tanh(Z[t], out=Hs[t + 1])                 # h_t
        self._cache = (X, Xt, Hs)
        H = np.ascontiguousarray(Hs[1:].transpose(1, 0, 2))  # (m, T, H)
        return (H, Hs[T].copy()) if return_state else H

    def backward(self, dH, need_input_grad=True, dstate=None):
        """Backpropagation through time: store the parameter gradients and ``dstate0``; return ``dX``.

        ``dH`` ``(m, T, n_hidden)``, ``dstate`` the gradient at the final state (or None);
        returns ``(m, T, n_in)``, or None when ``need_input_grad`` is False.
        """
        dH = self._check_dH(dH)                          # (T, m, H)
        X, Xt, Hs = self._cache
        T, m = dH.shape[:2]
        dZ = np.empty((T, m, self.n_hidden), self.dtype)
        dh = self._check_h(dstate, m, "dstate").copy()   # dL/dh_T from beyond the sequence
        for t in range(T - 1, -1, -1):
            dh += dH[t]
            np.multiply(dh, 1 - Hs[t + 1] ** 2, out=dZ[t])  # delta_t
            dh = dZ[t] @ self.W_h.T                      # dL/dh_{t-1} through the recurrence
        self.dstate0 = dh
        return self._weight_grads(Xt, Hs[:-1], dZ, need_input_grad)
