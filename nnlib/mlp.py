r"""Multi-layer perceptrons as scikit-learn-style estimators, trained by backpropagation.

Derived in chapter 7, *Backpropagation*: :class:`MLPClassifier` and
:class:`MLPRegressor` build a ``Sequential`` of ``Dense`` and activation layers
(chapter 4) and train it with :func:`nnlib.training.train`'s loop and
:class:`nnlib.optim.SGD` (chapter 6) on the losses of chapter 5. ``fit`` checks
``X`` and ``y`` itself (``check_X_y``), so it runs the loop directly rather than
through ``train``, which would check a possibly large ``X`` a second time.

Conventions (scikit-learn's, through :mod:`nnlib.base`): the hyper-parameters are
the ``__init__`` arguments, checked at ``fit``; fitted attributes end in ``_``;
``clone``, ``cross_val_score`` and grid searches work.
"""
import numpy as np

from ._validation import as_float_array, check_positive_int
from .activations import softmax
from .base import BaseEstimator, ClassifierMixin, check_is_fitted, check_X, check_X_y
from .layers import Dense, ReLU, Sequential, Sigmoid, Tanh
from .optim import SGD
from .training import _pack, _train_checked

#: activation name -> (layer class, initialiser of the Dense layer before it)
ACTIVATIONS = {"relu": (ReLU, "he_normal"), "tanh": (Tanh, "glorot_uniform"),
               "sigmoid": (Sigmoid, "glorot_uniform")}


class _BaseMLP(BaseEstimator):
    r"""Hyper-parameters, network construction and training shared by both estimators.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
        Width of each hidden layer, e.g. ``(64,)``; ``()`` gives a linear model.
    activation : {"relu", "tanh", "sigmoid"}
        Hidden activation. ReLU layers get He-normal initial weights, tanh and
        sigmoid layers Glorot-uniform; the output layer is Glorot-uniform.
    lr, momentum : float
        :class:`~nnlib.optim.SGD`'s learning rate (> 0) and heavy-ball momentum in [0, 1).
    batch_size, epochs : int
        Examples per step (capped at the number of examples) and passes over the data.
    random_state : None, int or numpy.random.Generator
        Seeds ``np.random.default_rng`` for the initial weights, then the shuffling.
    dtype : {"float64", "float32"}
        Precision of the parameters and of all training arithmetic.

    Attributes
    ----------
    model_ : nnlib.layers.Sequential
        The trained network; its output layer is a ``Dense`` (logits or predictions).
    history_ : nnlib.training.History
        Per-epoch training (and no validation) metrics.
    loss_curve_ : list of float
        ``history_.loss``, the mean training loss per epoch, as in scikit-learn.
    n_features_in_, n_iter_ : int
        Number of input features; number of epochs run (``epochs``).

    Shapes: ``X`` (m, n_features). Derived in chapter 7, *Backpropagation*.
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", lr=0.01, momentum=0.9,
                 batch_size=32, epochs=30, random_state=None, dtype="float64"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.lr = lr
        self.momentum = momentum
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state
        self.dtype = dtype

    def _check_params(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, (int, np.integer)) or not isinstance(sizes, (tuple, list)) or not all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be a tuple of positive ints, got {sizes!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {self.activation!r}")
        if not any(self.dtype is d or (isinstance(self.dtype, str) and self.dtype == np.dtype(d).name)
                   for d in (np.float32, np.float64, np.dtype(np.float32), np.dtype(np.float64))):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        try:
            rng = np.random.default_rng(self.random_state)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"random_state must be None, an int or a Generator: {exc}") from None
        optimizer = SGD(lr=self.lr, momentum=self.momentum)  # checks lr and momentum
        return tuple(int(s) for s in sizes), np.dtype(self.dtype), rng, optimizer

    def _build(self, n_in, n_out, sizes, dtype, rng):
        layer_class, init = ACTIVATIONS[self.activation]
        layers, width = [], n_in
        for size in sizes:
            layers += [Dense(width, size, init=init, rng=rng, dtype=dtype), layer_class()]
            width = size
        output = Dense(width, n_out, init="glorot_uniform", rng=rng, dtype=dtype)
        return _pack(Sequential(layers + [output]))   # flat parameters: a faster SGD step

    def _fit(self, X, y, n_out, loss):
        """Build and train the network on checked ``X`` (m, n) and ``y`` (labels or (m, n_out) targets)."""
        sizes, dtype, rng, optimizer = self._check_params()
        epochs = check_positive_int(self.epochs, "epochs")
        batch_size = check_positive_int(self.batch_size, "batch_size")
        self.model_ = self._build(X.shape[1], n_out, sizes, dtype, rng)
        y = y.astype(dtype) if y.dtype.kind == "f" else y
        self.history_ = _train_checked(self.model_, X.astype(dtype, copy=False), y, loss, optimizer,
                                       epochs, batch_size, rng, None)
        self.loss_curve_ = list(self.history_.loss)
        self.n_features_in_, self.n_iter_ = X.shape[1], len(self.loss_curve_)
        return self

    def _output(self, X):
        """The network's output (logits or predictions) for ``X``, in the fitted dtype."""
        check_is_fitted(self, "model_")
        X = check_X(X, n_features=self.n_features_in_)
        return self.model_.forward(X.astype(self.model_.layers[0].dtype, copy=False))


class MLPClassifier(ClassifierMixin, _BaseMLP):
    r"""Multi-layer perceptron classifier: softmax cross-entropy on the logits, SGD with momentum.

    .. math:: P(y = c \mid \mathbf x) = \operatorname{softmax}\bigl(f(\mathbf x; \theta)\bigr)_c,
              \qquad L = \frac{1}{m}\sum_i -\log P(y_i \mid \mathbf x_i)

    Labels may be any values (numbers, strings); ``classes_`` holds them sorted and
    the network has one output per class. A binary problem uses the same softmax
    with two outputs; scikit-learn uses one sigmoid output instead. Both describe
    the same models, because :math:`\operatorname{softmax}(z)_1 = \sigma(z_1 - z_0)`:
    the two-output version merely has redundant parameters.

    Shapes: ``y`` (m,) labels; ``classes_`` (n_classes,) is a fitted attribute too.
    """
    __doc__ = __doc__.rstrip() + "\n\n" + _BaseMLP.__doc__.split("\n", 2)[2]

    def fit(self, X, y):
        """Learn the weights from ``X`` (m, n_features) and labels ``y`` (m,); return ``self``."""
        X, y = check_X_y(X, y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y must hold at least 2 distinct labels, got {len(self.classes_)}")
        return self._fit(X, codes.astype(np.intp), len(self.classes_), "softmax_cross_entropy")

    def predict_proba(self, X):
        """Class probabilities, the softmax of the logits; rows sum to 1.

        Shapes: (m, n_features) -> (m, n_classes).
        """
        return softmax(self._output(X))

    def predict(self, X):
        """The most probable label per row. Shapes: (m, n_features) -> (m,)."""
        logits = self._output(X)
        return self.classes_[np.argmax(logits, axis=1)]


class MLPRegressor(_BaseMLP):
    r"""Multi-layer perceptron regressor: mean squared error on a linear output layer.

    .. math:: \hat{\mathbf y} = f(\mathbf x; \theta), \qquad
              L = \frac{1}{m}\sum_i \lVert \hat{\mathbf y}_i - \mathbf y_i \rVert^2

    ``score`` is the coefficient of determination :math:`R^2`, as in scikit-learn.

    Shapes: ``y`` (m,) or (m, k); ``predict`` returns (m,) when there is one output
    (``n_outputs_ == 1``, as in scikit-learn), else (m, k).
    """
    __doc__ = __doc__.rstrip() + "\n\n" + _BaseMLP.__doc__.split("\n", 2)[2]
    _estimator_type = "regressor"                      # scikit-learn < 1.6 reads this

    def fit(self, X, y):
        """Learn the weights from ``X`` (m, n_features) and targets ``y`` (m,) or (m, k)."""
        X = check_X(X)
        y = np.asarray(y)
        if y.dtype.kind not in "biuf" or y.ndim not in (1, 2) or len(y) != len(X):
            raise ValueError(f"y must be numeric of shape ({len(X)},) or ({len(X)}, k), "
                             f"got dtype {y.dtype}, shape {y.shape}")
        Y = as_float_array(y, "y").reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        return self._fit(X, Y, self.n_outputs_, "mse")

    def predict(self, X):
        """Predictions: ``(m,)`` with one output, else ``(m, k)``."""
        out = self._output(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def score(self, X, y):
        r"""Coefficient of determination :math:`R^2 = 1 - \sum (y - \hat y)^2 / \sum (y - \bar y)^2`,
        averaged over the outputs."""
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        residual = ((y - self.predict(X).reshape(y.shape)) ** 2).sum(axis=0)
        total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
        return float(np.mean(1 - residual / np.where(total > 0, total, 1)))

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags

        tags = super().__sklearn_tags__()
        tags.estimator_type, tags.regressor_tags = "regressor", RegressorTags()
        tags.target_tags.required = True
        return tags
