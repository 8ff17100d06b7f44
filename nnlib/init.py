r"""Weight initialisers: random starting weights whose variance keeps signals alive.

Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

A unit of a dense layer computes :math:`z = \sum_{i=1}^{n_\text{in}} w_i a_i`. When
the weights are independent of the inputs, have mean zero and variance
:math:`\operatorname{Var} w`, then

.. math:: \operatorname{Var} z = n_\text{in} \operatorname{Var}(w)\, \mathbb{E}[a^2],

so the variance of the weights must shrink like :math:`1/n_\text{in}` for the
signal to keep its size from layer to layer. Each initialiser below picks the
constant differently:

=================  ======================================  =======================
initialiser        :math:`\operatorname{Var} w`            designed for
=================  ======================================  =======================
``lecun_normal``   :math:`1/n_\text{in}`                   tanh, SELU (LeCun 1998)
``glorot_*``       :math:`2/(n_\text{in}+n_\text{out})`    tanh (Glorot 2010)
``he_normal``      :math:`2/n_\text{in}`                   ReLU (He 2015)
=================  ======================================  =======================

Glorot's argument assumes an activation that is zero-centred with :math:`\phi'(0) = 1`,
as tanh is; the logistic sigmoid is neither (:math:`\sigma(0) = \tfrac12`,
:math:`\sigma'(0) = \tfrac14`), so the variance it prescribes is not derived for it.

Every initialiser takes an explicit ``rng`` (a ``numpy.random.Generator`` or an
int seed): nothing here touches NumPy's global random state. All return float64
arrays of shape ``(n_in, n_out)``; a layer casts them to its own dtype. The
normal initialisers sample a plain (untruncated) normal distribution.
"""
import numpy as np

from ._validation import as_float_array, check_positive_int


def as_generator(rng):
    """Return ``rng`` as a ``numpy.random.Generator``; an int is a seed. ``None`` is refused.

    Used by every nnlib function or class that draws random numbers (chapter 4 on).

    Parameters
    ----------
    rng : numpy.random.Generator or int
        A generator (returned as it is) or a seed >= 0.

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative int seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be a numpy.random.Generator or an int seed (randomness is always explicit "
        f"in nnlib), got {type(rng).__name__}"
    )


def _sizes(n_in, n_out):
    return check_positive_int(n_in, "n_in"), check_positive_int(n_out, "n_out")


def glorot_uniform(n_in, n_out, rng):
    r"""Glorot (Xavier) uniform weights: :math:`U(-r, r)` with :math:`r = \sqrt{6/(n_\text{in}+n_\text{out})}`.

    .. math:: \operatorname{Var} w = \frac{r^2}{3} = \frac{2}{n_\text{in} + n_\text{out}}

    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer, each >= 1.
    rng : numpy.random.Generator or int
        Source of the draw (required).

    Returns
    -------
    numpy.ndarray
        float64 weights of shape ``(n_in, n_out)``.
    """
    n_in, n_out = _sizes(n_in, n_out)
    limit = np.sqrt(6.0 / (n_in + n_out))
    return as_generator(rng).uniform(-limit, limit, size=(n_in, n_out))


def glorot_normal(n_in, n_out, rng):
    r"""Glorot (Xavier) normal weights.

    .. math:: w \sim \mathcal{N}\!\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right)

    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer, each >= 1.
    rng : numpy.random.Generator or int
        Source of the draw (required).

    Returns
    -------
    numpy.ndarray
        float64 weights of shape ``(n_in, n_out)``.
    """
    n_in, n_out = _sizes(n_in, n_out)
    std = np.sqrt(2.0 / (n_in + n_out))
    return as_generator(rng).normal(0.0, std, size=(n_in, n_out))


def he_normal(n_in, n_out, rng):
    r"""He (Kaiming) normal weights, for ReLU layers.

    .. math:: w \sim \mathcal{N}\!\left(0, \frac{2}{n_\text{in}}\right)

    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer, each >= 1.
    rng : numpy.random.Generator or int
        Source of the draw (required).

    Returns
    -------
    numpy.ndarray
        float64 weights of shape ``(n_in, n_out)``.
    """
    n_in, n_out = _sizes(n_in, n_out)
    return as_generator(rng).normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


def lecun_normal(n_in, n_out, rng):
    r"""LeCun normal weights.

    .. math:: w \sim \mathcal{N}\!\left(0, \frac{1}{n_\text{in}}\right)

    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer, each >= 1.
    rng : numpy.random.Generator or int
        Source of the draw (required).

    Returns
    -------
    numpy.ndarray
        float64 weights of shape ``(n_in, n_out)``.
    """
    n_in, n_out = _sizes(n_in, n_out)
    return as_generator(rng).normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))


#: The initialisers ``Dense(init=...)`` accepts by name.
INITIALISERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
}


def _check_dtype(dtype):
    if dtype not in (np.float32, np.float64, np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64, got {dtype!r}")
    return np.dtype(dtype)


def _initial_weights(init, n_in, n_out, rng):
    """Weights from an initialiser given by name or as a callable ``init(n_in, n_out, rng)``."""
    if isinstance(init, str):
        if init not in INITIALISERS:
            raise ValueError(f"init must be one of {sorted(INITIALISERS)} or a callable, got {init!r}")
        init = INITIALISERS[init]
    elif not callable(init):
        raise TypeError(f"init must be a str or a callable, got {type(init).__name__}")
    W = as_float_array(init(n_in, n_out, rng), "init(n_in, n_out, rng)", ndim=2)
    if W.shape != (n_in, n_out):
        raise ValueError(f"init(n_in, n_out, rng) must return shape {(n_in, n_out)}, got {W.shape}")
    return W
