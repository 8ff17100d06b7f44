r"""Layers of a feed-forward network: ``Dense``, activation layers and ``Sequential``.

Derived in chapter 4, *Multi-layer perceptrons and forward propagation*; the
backpropagation chapter derives the ``backward`` methods.

Every layer maps a batch to a batch (batch first: ``X`` has shape ``(m, n_in)``)
and has the same small interface:

* ``forward(X)`` returns the layer's output and caches what ``backward`` needs;
* ``backward(dA, need_input_grad=True)`` takes :math:`\partial \mathcal L / \partial A`, the
  gradient of the loss with respect to the layer's last output, stores the
  gradients of the layer's parameters and returns :math:`\partial \mathcal L / \partial X`
  (or ``None`` when ``need_input_grad`` is False: the first layer of a network
  has no use for the gradient with respect to the data, so it skips that work);
* ``parameters()`` and ``gradients()`` return lists of arrays in the same order.
  They are the layer's own arrays: an optimiser updates ``parameters()`` in place,
  and ``backward`` overwrites ``gradients()`` in place, so the lists can be fetched
  once and reused.

Convention: the gradient passed to ``backward`` is that of the **mean** loss over
the batch, so it already contains the factor :math:`1/m`; layers sum over the
batch and never divide by :math:`m`.

Checks: ``forward`` and ``backward`` check types, shapes and dtypes, in O(1) time
(``nnlib._validation.check_batch``), but not the values: NaN and inf are caught
where data enters the library (``train``, the estimators, ``gradcheck``, the pure
functions). This is the only path: :func:`nnlib.training.train` calls exactly these
methods. The activation layers are in :mod:`nnlib.activation_layers`.
"""
import numpy as np

from ._buffers import ones
from ._validation import as_float_array, check_batch, check_positive_int
from .activation_layers import (  # noqa: F401 (importable from here, as in chapter 4)
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
)
from .init import _check_dtype, _initial_weights, as_generator


class Dense:
    r"""Fully connected (affine) layer.

    .. math:: Z = X W + \mathbf{b}, \qquad
              \frac{\partial \mathcal L}{\partial W} = X^\top \frac{\partial \mathcal L}{\partial Z}, \quad
              \frac{\partial \mathcal L}{\partial \mathbf{b}} = \mathbf{1}_m^\top \frac{\partial \mathcal L}{\partial Z}, \quad
              \frac{\partial \mathcal L}{\partial X} = \frac{\partial \mathcal L}{\partial Z} W^\top

    Shapes: ``X (m, n_in) -> Z (m, n_out)``; ``W (n_in, n_out)``, ``b (n_out,)``.
    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    n_in, n_out : int
        Numbers of inputs and of units, each >= 1.
    init : str or callable
        Initialiser of ``W``: a name from ``nnlib.init.INITIALISERS`` or a callable
        ``init(n_in, n_out, rng)``. ``b`` starts at zero.
    rng : numpy.random.Generator or int
        Source of the initial weights (required).
    dtype : numpy.float32 or numpy.float64
        Dtype of ``W`` and ``b``; input is cast to it.
    """

    def __init__(self, n_in, n_out, *, init="glorot_uniform", rng=None, dtype=np.float64):
        self.n_in, self.n_out = check_positive_int(n_in, "n_in"), check_positive_int(n_out, "n_out")
        self.dtype = _check_dtype(dtype)
        rng = as_generator(rng)
        self.W = _initial_weights(init, self.n_in, self.n_out, rng).astype(self.dtype)
        self.b = np.zeros(self.n_out, dtype=self.dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self._X = None

    @classmethod
    def from_weights(cls, W, b):
        """A layer with the given ``W`` (n_in, n_out) and ``b`` (n_out,), e.g. designed by hand."""
        W, b = as_float_array(W, "W", ndim=2), as_float_array(b, "b", ndim=1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"b must have shape ({W.shape[1]},) to match W of shape {W.shape}, got {b.shape}")
        layer = cls(*W.shape, init=lambda n_in, n_out, rng: W, rng=0, dtype=W.dtype)  # no random draw
        layer.b[...] = b
        return layer

    def forward(self, X):
        """``Z = X @ W + b``, ``(m, n_in) -> (m, n_out)``; keeps ``X`` for ``backward``."""
        X = check_batch(X, "X", dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(f"X must have shape (m, {self.n_in}), got {X.shape}")
        self._X = X                                 # (m, n_in), needed for dW
        Z = X @ self.W                              # (m, n_out)
        Z += self.b                                 # b added to every row, in place
        return Z

    def backward(self, dZ, need_input_grad=True):
        """Store ``dW``, ``db`` from ``dZ`` ``(m, n_out)``; return ``dX`` ``(m, n_in)`` (or None)."""
        if self._X is None:
            raise RuntimeError("call forward before backward")
        dZ = check_batch(dZ, "dZ", dtype=self.dtype)
        if dZ.shape != (self._X.shape[0], self.n_out):
            raise ValueError(f"dZ must have shape {(self._X.shape[0], self.n_out)}, got {dZ.shape}")
        np.matmul(self._X.T, dZ, out=self.dW)       # (n_in, n_out): sums over the batch
        np.matmul(ones(len(dZ), dZ.dtype), dZ, out=self.db)  # (n_out,): 1^T dZ
        return dZ @ self.W.T if need_input_grad else None  # (m, n_in)

    def parameters(self):
        """``[W, b]``: the layer's own arrays, which an optimiser updates in place."""
        return [self.W, self.b]

    def gradients(self):
        """``[dW, db]``, of the shapes of ``[W, b]``; ``backward`` overwrites them in place."""
        return [self.dW, self.db]

    @property
    def n_params(self):
        """Number of parameters, :math:`n_\text{in} n_\text{out} + n_\text{out}`."""
        return self.W.size + self.b.size

    def __repr__(self):
        return f"Dense({self.n_in} -> {self.n_out}, W {self.W.shape}, b {self.b.shape})"


class Sequential:
    r"""A network: layers applied one after the other.

    .. math:: A^{[l]} = f^{[l]}\bigl(A^{[l-1]}\bigr), \quad l = 1, \ldots, L, \qquad A^{[0]} = X

    ``backward`` visits the layers in reverse and, by default, tells the first
    layer that nobody needs the gradient with respect to ``X``.

    Shapes: ``X (m, n_0) -> (m, n_L)``.
    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    layers : list
        The layers, first to last (each with ``forward``, ``backward``, ``parameters``).
    """

    def __init__(self, layers):
        if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
            raise TypeError(f"layers must be a list of layers, got {type(layers).__name__}")
        if len(layers) == 0:
            raise ValueError("layers must contain at least one layer")
        width = None
        for i, layer in enumerate(layers):
            if not all(callable(getattr(layer, a, None)) for a in ("forward", "backward", "parameters")):
                raise TypeError(f"layers[{i}] must be a layer (forward/backward/parameters), got {layer!r}")
            if isinstance(layer, Dense):
                if width is not None and layer.n_in != width:
                    raise ValueError(f"layers[{i}] expects {layer.n_in} inputs, the layer before gives {width}")
                width = layer.n_out
        self.layers = list(layers)

    def forward(self, X):
        """Apply every layer in order: ``(m, n_0) -> (m, n_L)``."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dA, need_input_grad=False):
        """Backpropagate ``dA`` ``(m, n_L)`` through every layer in reverse; ``(m, n_0)`` or None."""
        for i, layer in reversed(list(enumerate(self.layers))):
            dA = layer.backward(dA, need_input_grad=need_input_grad if i == 0 else True)
        return dA

    def parameters(self):
        """All layers' parameter arrays, first layer first."""
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self):
        """All layers' gradient arrays, in the order of ``parameters()``."""
        return [g for layer in self.layers for g in layer.gradients()]

    @property
    def n_params(self):
        """Total number of parameters."""
        return sum(p.size for p in self.parameters())

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return Sequential(self.layers[index]) if isinstance(index, slice) else self.layers[index]

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + f"\n)  # {self.n_params} parameters"
