r"""The machinery shared by :class:`~nnlib.mlp.MLPClassifier` and :class:`~nnlib.mlp.MLPRegressor`.

Derived in chapter 7, *Backpropagation* (chapter 10 adds ``alpha``, ``solver`` and
early stopping): checking the hyper-parameters, building the network, and the
training loop with its L2 penalty and early stopping. Split from :mod:`nnlib.mlp`
to keep both modules short enough to read whole.
"""
import numpy as np

from ._buffers import pack
from ._validation import check_positive_int
from .activation_layers import ReLU, Sigmoid, Tanh
from .adaptive import AdaGrad, Adam, RMSProp
from .base import BaseEstimator, check_is_fitted, check_X
from .layers import Dense, Sequential
from .optim import SGD
from .regularization import l2_penalty_grad
from .training import train

#: activation name -> (layer class, initialiser of the Dense layer before it)
ACTIVATIONS = {"relu": (ReLU, "he_normal"), "tanh": (Tanh, "glorot_uniform"),
               "sigmoid": (Sigmoid, "glorot_uniform")}
#: solver name -> the optimiser it builds from the estimator's hyper-parameters
SOLVERS = {"sgd": lambda e: SGD(lr=e.lr, momentum=e.momentum),
           "adam": lambda e: Adam(lr=e.lr, beta1=e.beta_1, beta2=e.beta_2, eps=e.epsilon),
           "rmsprop": lambda e: RMSProp(lr=e.lr, eps=e.epsilon), "adagrad": lambda e: AdaGrad(lr=e.lr)}


def _l2_hook(alpha):
    """``train``'s grad_hook for the penalty alpha / (2 m) sum ||W||^2 of a batch of m examples."""
    weights = []                                         # (W, dW) pairs: found at the first step

    def add_penalty_gradient(params, grads, m):
        if not weights:                                  # train passes the same arrays every step
            weights.extend((p, g) for p, g in zip(params, grads) if p.ndim == 2)   # not the biases
        penalty = l2_penalty_grad.unchecked([p for p, _ in weights], alpha / m)
        for (_, g), dg in zip(weights, penalty):
            g += dg                                      # g <- g + (alpha / m) W
    return add_penalty_gradient


class _BaseMLP(BaseEstimator):
    r"""Hyper-parameters, network construction and training shared by both estimators.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
        Width of each hidden layer, e.g. ``(64,)``; ``()`` gives a linear model.
    activation : str
        Hidden activation: ``"relu"``, ``"tanh"`` or ``"sigmoid"``. ReLU layers get
        He-normal initial weights, tanh and sigmoid layers Glorot-uniform; the output
        layer is Glorot-uniform.
    lr, momentum : float
        The learning rate (> 0) of every solver, and :class:`~nnlib.optim.SGD`'s
        heavy-ball momentum in [0, 1).
    alpha : float
        L2 penalty :math:`\frac{\alpha}{2m}\sum_l \lVert W^{[l]}\rVert_F^2` on the weights
        (not the biases) of each batch of :math:`m` examples, as in scikit-learn; 0 = none.
        ``loss_curve_`` holds the data loss, without the penalty.
    solver : str
        ``"sgd"``, ``"adam"``, ``"rmsprop"`` or ``"adagrad"``: the optimiser
        (:class:`~nnlib.optim.SGD` or :mod:`nnlib.adaptive`).
    beta_1, beta_2, epsilon : float
        Adam's decays and :math:`\epsilon` (``epsilon`` also for RMSProp).
    early_stopping : bool
        Hold out ``validation_fraction`` of the training data (stratified for the
        classifier), score it after every epoch (accuracy, or :math:`R^2`), stop when the
        score has not improved by at least ``tol`` for ``n_iter_no_change`` epochs,
        and keep the weights of the best epoch.
    validation_fraction, n_iter_no_change, tol : float, int, float
        See ``early_stopping``; ``epochs`` is then the maximum number of epochs.
    batch_size, epochs : int
        Examples per step (capped at the number of examples) and passes over the data.
    random_state : None, int or numpy.random.Generator
        Seeds ``np.random.default_rng`` for the initial weights, then the shuffling.
    dtype : str
        ``"float64"`` or ``"float32"``: precision of the parameters and of all
        training arithmetic.

    Attributes
    ----------
    model_ : nnlib.layers.Sequential
        The trained network; its output layer is a ``Dense`` (logits or predictions).
    history_ : nnlib.training.History
        Per-epoch training (and no validation) metrics.
    loss_curve_ : list of float
        ``history_.loss``, the mean training loss per epoch, as in scikit-learn.
    n_features_in_ : int
        Number of input features.
    n_iter_ : int
        Number of epochs run (``epochs`` unless stopped early).
    validation_scores_ : list of float
        With ``early_stopping``: the validation score after every epoch.
    best_validation_score_ : float
        With ``early_stopping``: the best of them, whose weights are kept.

    Notes
    -----
    Shapes: ``X`` (m, n_features). Input is checked as scikit-learn checks it (dense,
    real, finite, 2-D; see :func:`nnlib.base.check_X`), and the estimators pass
    scikit-learn's ``check_estimator``. Derived in chapter 7, *Backpropagation*.
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", lr=0.01, momentum=0.9,
                 batch_size=32, epochs=30, random_state=None, dtype="float64", alpha=0.0, solver="sgd",
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, tol=1e-4):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.lr = lr
        self.momentum = momentum
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state
        self.dtype = dtype
        self.alpha, self.solver, self.beta_1, self.beta_2, self.epsilon = alpha, solver, beta_1, beta_2, epsilon
        self.early_stopping, self.validation_fraction = early_stopping, validation_fraction
        self.n_iter_no_change, self.tol = n_iter_no_change, tol

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
        if not isinstance(self.solver, str) or self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {sorted(SOLVERS)}, got {self.solver!r}")
        optimizer = SOLVERS[self.solver](self)        # checks lr, momentum, betas, epsilon
        for name in ("alpha", "tol"):
            if not isinstance(getattr(self, name), (int, float, np.number)) or not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {getattr(self, name)!r}")
        if not isinstance(self.early_stopping, (bool, np.bool_)):
            raise TypeError(f"early_stopping must be a bool, got {type(self.early_stopping).__name__}")
        if not isinstance(self.validation_fraction, (float, np.floating)) or not 0 < self.validation_fraction < 1:
            raise ValueError(f"validation_fraction must be a float in (0, 1), got {self.validation_fraction!r}")
        check_positive_int(self.n_iter_no_change, "n_iter_no_change")
        return tuple(int(s) for s in sizes), np.dtype(self.dtype), rng, optimizer

    def _build(self, n_in, n_out, sizes, dtype, rng):
        layer_class, init = ACTIVATIONS[self.activation]
        layers, width = [], n_in
        for size in sizes:
            layers += [Dense(width, size, init=init, rng=rng, dtype=dtype), layer_class()]
            width = size
        output = Dense(width, n_out, init="glorot_uniform", rng=rng, dtype=dtype)
        return pack(Sequential(layers + [output]))    # one buffer: one optimiser update per step

    def _fit(self, X, y, n_out, loss):
        """Build and train the network on checked ``X`` (m, n) and ``y`` (labels or (m, n_out) targets)."""
        sizes, dtype, rng, optimizer = self._check_params()
        epochs = check_positive_int(self.epochs, "epochs")
        batch_size = check_positive_int(self.batch_size, "batch_size")
        self.model_ = self._build(X.shape[1], n_out, sizes, dtype, rng)
        hook = _l2_hook(float(self.alpha)) if self.alpha > 0 else None
        callback = None
        if self.early_stopping:
            X, y, callback = self._early_stopping(X, y, rng)
        self.history_ = train(self.model_, X, y, loss=loss, optimizer=optimizer, epochs=epochs,
                              batch_size=batch_size, rng=rng, grad_hook=hook, callback=callback)
        if self.early_stopping:
            for p, saved in zip(self.model_.parameters(), self._best_params):
                p[...] = saved                           # the best epoch's weights
            del self._best_params
        self.loss_curve_ = list(self.history_.loss)
        self.n_features_in_, self.n_iter_ = X.shape[1], len(self.loss_curve_)
        return self

    def _early_stopping(self, X, y, rng):
        """Split off a validation set; return the rest and ``train``'s callback (scikit-learn's rule)."""
        groups = [np.flatnonzero(y == c) for c in np.unique(y)] if y.ndim == 1 else [np.arange(len(y))]
        val = np.concatenate([rng.permutation(g)[:max(1, round(self.validation_fraction * len(g)))] for g in groups])
        fit = np.setdiff1d(np.arange(len(y)), val)
        X_val, y_val = X[val].astype(self.model_.parameters()[0].dtype), y[val]
        self.validation_scores_, self.best_validation_score_, stall = [], None, [0]

        def stop(epoch, history):
            score = self._validation_score(X_val, y_val)
            self.validation_scores_.append(score)
            best = self.best_validation_score_
            stall[0] = 0 if best is None or score >= best + self.tol else stall[0] + 1
            if best is None or score > best:
                self.best_validation_score_ = score
                self._best_params = [p.copy() for p in self.model_.parameters()]
            return stall[0] > self.n_iter_no_change
        return X[fit], y[fit], stop

    def _output(self, X):
        """The network's output (logits or predictions) for ``X``, in the fitted dtype."""
        check_is_fitted(self, "model_")
        X = check_X(X, n_features=self.n_features_in_, estimator=self)
        if not all(np.all(np.isfinite(p)) for p in self.model_.parameters()):
            raise ValueError(f"{type(self).__name__}'s weights are not finite: training diverged "
                             "(see loss_curve_); refit with a smaller lr, or standardise X and y")
        return self.model_.forward(X.astype(self.model_.layers[0].dtype, copy=False))
