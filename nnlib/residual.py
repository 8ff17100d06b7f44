r"""Residual connections: ``Residual(block)`` computes :math:`y = x + f(x)`.

Derived in chapter 11, *Deep networks*. The identity shortcut adds the block's
input to its output, so the block's Jacobian :math:`J_f` becomes :math:`I + J_f`
and the gradient through :math:`L` blocks is a product of factors :math:`I + J`
instead of :math:`J`. The block is any layer or ``Sequential``, used only through
the layer interface (``forward``, ``backward``, ``parameters``, ``gradients``).
"""
import numpy as np


def _set_training(layer, mode):
    """Set ``training`` on ``layer`` and, through ``layers``, on every layer inside it."""
    if hasattr(layer, "training"):
        layer.training = mode
    for inner in getattr(layer, "layers", ()):
        _set_training(inner, mode)


class Residual:
    r"""A residual block around any layer or ``Sequential`` ``f``: :math:`y = x + f(x)`.

    .. math:: y = x + f(x), \qquad
              \frac{\partial \mathcal L}{\partial x} = \frac{\partial \mathcal L}{\partial y}
              + \frac{\partial \mathcal L}{\partial y} J_f(x)

    (batch first, so the row vector of each example's gradient multiplies
    :math:`I + J_f`). The parameters and gradients are the block's own arrays.

    Shapes: ``X (m, ...) -> (m, ...)``, the same shape: ``f`` must preserve it
    (a dense block ``n -> h -> n``, or convolutions with same padding).
    Derived in chapter 11, *Deep networks*.

    Parameters
    ----------
    block : object
        :math:`f`: a layer or a ``Sequential``, anything with ``forward``,
        ``backward(dA, need_input_grad)``, ``parameters`` and ``gradients``.
    """

    def __init__(self, block):
        missing = [a for a in ("forward", "backward", "parameters", "gradients")
                   if not callable(getattr(block, a, None))]
        if missing:
            raise TypeError(f"block must be a layer or Sequential (forward, backward, parameters, "
                            f"gradients); {type(block).__name__} has no {', '.join(missing)}")
        self.block = block
        self._training = True
        self._shape = None

    @property
    def training(self):
        """Whether the layers inside ``block`` are in training mode (bool).

        Setting it sets ``training`` on every layer inside ``block`` that has one
        (``BatchNorm``, ``Dropout``), so :func:`nnlib.training.train` reaches them.
        """
        return self._training

    @training.setter
    def training(self, mode):
        self._training = bool(mode)
        _set_training(self.block, self._training)

    def forward(self, X):
        r""":math:`x + f(x)`; ``f`` must return ``X``'s shape."""
        X = np.asarray(X)
        F = self.block.forward(X)
        if np.shape(F) != X.shape:
            raise ValueError(f"block must preserve the shape of its input for y = x + f(x): X has shape "
                             f"{X.shape}, block(X) has shape {np.shape(F)}")
        self._shape = X.shape
        return X + F

    def backward(self, dY, need_input_grad=True):
        r"""The block's gradients, and :math:`\partial \mathcal L/\partial y + (\partial \mathcal L/\partial y) J_f` (or None)."""
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        dY = np.asarray(dY)
        if dY.shape != self._shape:
            raise ValueError(f"dY must have the shape of the last input, {self._shape}, got {dY.shape}")
        dF = self.block.backward(dY, need_input_grad=need_input_grad)
        return dY + dF if need_input_grad else None          # the shortcut adds dY itself

    def parameters(self):
        """The block's parameter arrays."""
        return self.block.parameters()

    def gradients(self):
        """The block's gradient arrays, in the order of ``parameters()``."""
        return self.block.gradients()

    @property
    def n_params(self):
        """Number of parameters of the block (the shortcut has none)."""
        return sum(p.size for p in self.parameters())

    def __repr__(self):
        inner = repr(self.block).replace("\n", "\n  ")
        return f"Residual(\n  {inner}\n)"
