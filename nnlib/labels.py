r"""Class labels as one-hot rows.

Derived in chapter 5, *Loss functions*: the categorical losses take integer labels
or rows on the simplex, and a label :math:`c` is the row :math:`\mathbf e_c`.
"""
import numpy as np

from ._validation import check_positive_int


def one_hot(y, n_classes):
    r"""One-hot encode integer class labels.

    .. math:: Y_{ic} = [\,y_i = c\,], \qquad c = 0, \ldots, K - 1

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    y : array_like of int
        Class labels, shape ``(m,)``, in ``[0, n_classes)``.
    n_classes : int
        :math:`K \ge 1`.

    Returns
    -------
    numpy.ndarray
        :math:`Y`, float64 of shape ``(m, n_classes)``.
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.ndim != 1:
        raise ValueError(f"y must have shape (m,), got shape {y.shape}")
    if np.any(y < 0) or np.any(y >= n_classes):
        raise ValueError(f"y must hold labels in [0, {n_classes}), got values in [{y.min()}, {y.max()}]")
    return (y[:, None] == np.arange(n_classes)).astype(np.float64)
