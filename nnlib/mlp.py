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

Chapter 10, *Generalisation, regularisation and adaptive optimisers*, adds the L2
penalty ``alpha``, the choice of optimiser ``solver`` and early stopping on a
held-out ``validation_fraction``, with scikit-learn's meanings. The network
construction and training loop they share live in ``nnlib/_mlp_base.py``.
"""
import numpy as np

from ._mlp_base import ACTIVATIONS, SOLVERS, _BaseMLP  # noqa: F401  (ACTIVATIONS, SOLVERS: public before the split)
from .activations import softmax
from .base import ClassifierMixin, _as_real_array, _check_y_given, check_X, check_X_y
class MLPClassifier(ClassifierMixin, _BaseMLP):
    r"""Multi-layer perceptron classifier: softmax cross-entropy on the logits, SGD with momentum.

    .. math:: P(y = c \mid \mathbf x) = \operatorname{softmax}\bigl(f(\mathbf x; \theta)\bigr)_c,
              \qquad \mathcal L = \frac{1}{m}\sum_{i=1}^{m} -\log P(y_i \mid \mathbf x_i)

    where :math:`f(\mathbf x; \theta) \in \mathbb R^K` are the logits of the network
    (:math:`K` classes) and :math:`\mathcal L` is minimised by ``solver`` over batches
    of ``batch_size`` examples (plus the ``alpha`` penalty).

    Labels may be any values (numbers, strings); ``classes_`` holds them sorted and
    the network has one output per class. A binary problem uses the same softmax
    with two outputs; scikit-learn uses one sigmoid output instead. Both describe
    the same models, because :math:`\operatorname{softmax}(z)_1 = \sigma(z_1 - z_0)`:
    the two-output version merely has redundant parameters.

    Shapes: ``y`` (m,) labels; ``classes_`` of shape (K,), the sorted labels, is a
    fitted attribute too. Float labels must be whole numbers (otherwise ``y`` is a
    regression target, refused with "Unknown label type: continuous").
    """
    __doc__ = __doc__.rstrip() + "\n\n" + _BaseMLP.__doc__.split("\n", 2)[2]

    def fit(self, X, y):
        """Learn the weights from ``X`` and labels ``y``; return ``self``.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.
        y : array_like
            Shape ``(m,)``. At least two classes, labels of any type (a column
            ``(m, 1)`` is flattened with a warning).

        Returns
        -------
        MLPClassifier
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``y`` holds fewer than 2 classes, or ``X``, ``y`` or a hyper-parameter is
            invalid (``TypeError`` for a wrong type).
        """
        X, y = check_X_y(X, y, estimator=self)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y must hold at least 2 classes, got {len(self.classes_)} class")
        return self._fit(X, codes.astype(np.intp), len(self.classes_), "softmax_cross_entropy")

    def _validation_score(self, X, codes):
        return float(np.mean(np.argmax(self.model_.forward(X), axis=1) == codes))

    def predict_proba(self, X):
        """Class probabilities, the softmax of the logits; rows sum to 1.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.

        Returns
        -------
        ndarray
            Shape ``(m, K)``. Column ``c`` is the probability of the label ``classes_[c]``.

        Raises
        ------
        NotFittedError
            Before ``fit``; ``ValueError`` if ``X`` has the wrong number of features.
        """
        return softmax(self._output(X))

    def predict(self, X):
        r"""The most probable label per row, :math:`\operatorname{argmax}_c f(\mathbf x)_c`.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.

        Returns
        -------
        ndarray
            Shape ``(m,)``. Labels of the type of ``classes_``.
        """
        logits = self._output(X)
        return self.classes_[np.argmax(logits, axis=1)]


class MLPRegressor(_BaseMLP):
    r"""Multi-layer perceptron regressor: mean squared error on a linear output layer.

    .. math:: \hat{\mathbf y} = f(\mathbf x; \theta), \qquad
              \mathcal L = \frac{1}{m}\sum_{i=1}^{m} \lVert \hat{\mathbf y}_i - \mathbf y_i \rVert^2

    (:func:`nnlib.losses.mse`, without the factor :math:`\tfrac12`), minimised by
    ``solver`` over batches of ``batch_size`` examples (plus the ``alpha`` penalty).

    ``score`` is the coefficient of determination :math:`R^2`, as in scikit-learn.

    Shapes: ``y`` (m,) or (m, k); ``predict`` returns (m,) when there is one output
    (``n_outputs_ == 1``, as in scikit-learn), else (m, k). ``n_outputs_`` is a fitted
    attribute too.
    """
    __doc__ = __doc__.rstrip() + "\n\n" + _BaseMLP.__doc__.split("\n", 2)[2]
    _estimator_type = "regressor"                      # scikit-learn < 1.6 reads this

    def fit(self, X, y):
        """Learn the weights from ``X`` and targets ``y``; return ``self``.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.
        y : array_like
            Shape ``(m,)`` or ``(m, k)``. Real, finite targets.

        Returns
        -------
        MLPRegressor
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``X``, ``y`` or a hyper-parameter is invalid (``TypeError`` for a wrong type).
        """
        X = check_X(X)
        _check_y_given(y, self)
        y = _as_real_array(y, "y")
        if y.ndim not in (1, 2) or len(y) != len(X):
            raise ValueError(f"y must have shape ({len(X)},) or ({len(X)}, k), got {y.shape}")
        Y = y.reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        return self._fit(X, Y, self.n_outputs_, "mse")

    def _validation_score(self, X, Y):
        residual, total = ((Y - self.model_.forward(X)) ** 2).sum(axis=0), ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        return float(np.mean(1 - residual / np.where(total > 0, total, 1)))

    def predict(self, X):
        r"""Predictions :math:`\hat{\mathbf y} = f(\mathbf x; \theta)`, the linear output layer.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.

        Returns
        -------
        ndarray
            ``(m,)`` with one output, else ``(m, k)``.

        Raises
        ------
        NotFittedError
            Before ``fit``; ``ValueError`` if ``X`` has the wrong number of features, or
            if training diverged (the weights are not finite).
        """
        out = self._output(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def score(self, X, y):
        r"""Coefficient of determination, averaged over the outputs, as in scikit-learn.

        .. math:: R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.
        y : array_like
            Shape ``(m,)`` or ``(m, k)``.

        Returns
        -------
        float
            At most 1; 0 for predicting the mean.
        """
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        residual = ((y - self.predict(X).reshape(y.shape)) ** 2).sum(axis=0)
        total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
        return float(np.mean(1 - residual / np.where(total > 0, total, 1)))

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags

        tags = super().__sklearn_tags__()
        tags.estimator_type, tags.regressor_tags = "regressor", RegressorTags()
        tags.target_tags.required = tags.target_tags.multi_output = True
        return tags
