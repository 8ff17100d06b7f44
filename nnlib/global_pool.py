r"""Global average pooling: ``GlobalAvgPool2D`` averages each feature map to one number.

Derived in chapter 11, *Deep networks*. It replaces ``Flatten`` between the last
convolution and the classifier of a modern CNN: the classifier then sees one
value per channel, whatever the image size, and has :math:`C` inputs instead of
:math:`CHW`.
"""
import numpy as np

from ._validation import as_float_array


class GlobalAvgPool2D:
    r"""Mean of every channel over its positions, :math:`Y_{i,c} = \frac{1}{HW}\sum_{r,s} X_{i,c,r,s}`.

    .. math:: \frac{\partial \mathcal L}{\partial X_{i,c,r,s}} = \frac{1}{HW}\,
              \frac{\partial \mathcal L}{\partial Y_{i,c}}

    Shapes: ``X (m, C, H, W) -> Y (m, C)``. No parameters.
    Derived in chapter 11, *Deep networks*.
    """

    def __init__(self):
        self._shape = None

    def forward(self, X):
        """``Y`` ``(m, C)``: the mean of each ``(H, W)`` map of ``X`` ``(m, C, H, W)``."""
        X = as_float_array(X, "X", allow_nonfinite=True)         # O(1): no scan for NaN
        if X.ndim != 4:
            raise ValueError(f"X must be 4-dimensional (m, C, H, W), got shape {X.shape}")
        self._shape = X.shape
        return X.mean(axis=(2, 3))

    def backward(self, dY, need_input_grad=True):
        """``dX`` ``(m, C, H, W)``: each ``dY[i, c] / (H W)`` spread over its map (or None)."""
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        dY = as_float_array(dY, "dY", allow_nonfinite=True)
        m, C, H, W = self._shape
        if dY.shape != (m, C):
            raise ValueError(f"dY must have shape {(m, C)}, got {dY.shape}")
        if not need_input_grad:
            return None
        dX = np.empty(self._shape, dtype=dY.dtype)               # a new array (callers may write to it)
        dX[...] = (dY / (H * W))[:, :, None, None]
        return dX

    def parameters(self):
        """``[]``: no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []

    n_params = 0

    def __repr__(self):
        return "GlobalAvgPool2D()"
