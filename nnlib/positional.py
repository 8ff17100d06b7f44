r"""Sinusoidal positional encodings: where a token is, as a vector.

Derived in chapter 12, *Attention and transformers*. Self-attention without
positions is permutation-equivariant: it cannot tell "dog bites man" from "man
bites dog". Adding a vector that depends on the position breaks the symmetry.
The sinusoidal code of Vaswani et al. (2017) pairs a sine and a cosine of each
frequency, so that moving by :math:`k` positions rotates every pair by the
angle :math:`k\omega_i`: a relative offset is a linear map, the same at every
position.
"""
import numpy as np

from ._validation import check_positive_int


def sinusoidal_positional_encoding(T, d_model, base=10000.0):
    r"""The sinusoidal positional encodings of positions :math:`0, \ldots, T-1`.

    .. math:: \omega_i = \text{base}^{-2i/d}, \qquad
              PE_{t, 2i} = \sin(t\,\omega_i), \qquad PE_{t, 2i+1} = \cos(t\,\omega_i)

    and the relative-offset property, a rotation of every pair by :math:`k\omega_i`:

    .. math:: \begin{pmatrix} PE_{t+k, 2i} \\ PE_{t+k, 2i+1} \end{pmatrix}
              = \begin{pmatrix} \cos k\omega_i & \sin k\omega_i \\ -\sin k\omega_i & \cos k\omega_i \end{pmatrix}
              \begin{pmatrix} PE_{t, 2i} \\ PE_{t, 2i+1} \end{pmatrix}

    For odd ``d_model`` the last column is the sine of the last frequency.
    Shapes: ``(T, d_model)``, float64.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    T : int
        Number of positions, >= 1.
    d_model : int
        Width of the encoding, >= 1.
    base : float
        The longest wavelength is :math:`2\pi\,\text{base}` (10000 in the original).

    Returns
    -------
    numpy.ndarray
        ``PE`` of shape ``(T, d_model)``, entries in [-1, 1].
    """
    T, d_model = check_positive_int(T, "T"), check_positive_int(d_model, "d_model")
    if isinstance(base, (bool, np.bool_)) or not isinstance(base, (int, float, np.integer, np.floating)):
        raise TypeError(f"base must be a real number, got {type(base).__name__}")
    if not (np.isfinite(base) and base > 1):
        raise ValueError(f"base must be a finite number > 1, got {base}")
    omega = float(base) ** (-np.arange(0, d_model, 2) / d_model)    # (ceil(d/2),)
    angle = np.arange(T)[:, None] * omega                            # (T, ceil(d/2))
    PE = np.empty((T, d_model))
    PE[:, 0::2] = np.sin(angle)
    PE[:, 1::2] = np.cos(angle[:, :d_model // 2])
    return PE
