r"""Rosenblatt's perceptron, a linear classifier with a step activation.

Derived in chapter 2, *The perceptron*: the neuron, the learning rule, where the
rule comes from (stochastic subgradient descent on the perceptron criterion),
Novikoff's bound on the number of mistakes, and why XOR cannot be learned.
"""
import numpy as np

from ._validation import as_float_array, check_positive_int
from .base import BaseEstimator, ClassifierMixin, check_is_fitted, check_X, check_X_y


class Perceptron(ClassifierMixin, BaseEstimator):
    r"""Binary perceptron trained with Rosenblatt's rule, scikit-learn style.

    The model is one neuron with the Heaviside step activation :math:`H`
    (:math:`H(z) = 1` for :math:`z \ge 0`, else 0),

    .. math:: \hat{y} = H(\mathbf{w}^\top \mathbf{x} + b),

    and the learning rule visits the examples one at a time and, after each
    *mistake* (:math:`\hat{y} \ne y`), moves the weights towards the example:

    .. math:: \mathbf{w} \leftarrow \mathbf{w} + \eta\,(y - \hat{y})\,\mathbf{x}, \qquad
              b \leftarrow b + \eta\,(y - \hat{y}),

    with targets :math:`y \in \{0, 1\}`. Internally the labels are
    :math:`\tilde y = 2y - 1 \in \{-1, +1\}`, for which the same rule reads
    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta\, \tilde y\, \mathbf{x}`,
    :math:`b \leftarrow b + \eta\, \tilde y` on a mistake. ``classes_[1]`` is the
    positive class (:math:`y = 1`, :math:`\tilde y = +1`), as in scikit-learn.

    The loop over the examples of an epoch is the algorithm itself, not an
    implementation detail: the perceptron is an *online* algorithm, each update
    changes the weights the next example sees, so it cannot be vectorised over
    the batch (the rest of nnlib trains on whole batches).

    The perceptron is binary by design: ``fit`` refuses more than two classes with
    scikit-learn's message, and the estimator declares it to scikit-learn through
    its tags (``classifier_tags.multi_class = False``), so that
    ``sklearn.utils.estimator_checks.check_estimator`` passes.

    Derived in chapter 2, *The perceptron*.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`. With zero initial weights it only scales
        the weights, never changes the predictions (chapter 2, exercises).
    max_epochs : int
        Maximum number of passes over the data (>= 1). Training stops early at
        the first epoch without a mistake.
    shuffle : bool
        Visit the examples in a new random order each epoch.
    random_state : None, int or numpy.random.Generator
        Seed of ``np.random.default_rng`` for the shuffling.

    Attributes
    ----------
    coef_ : ndarray
        Shape ``(n_features,)``, float64. The weights :math:`\mathbf{w}`
        (scikit-learn's ``coef_`` has shape ``(1, n_features)``).
    intercept_ : float
        The bias :math:`b`.
    classes_ : ndarray
        Shape ``(2,)``. The two labels, sorted; ``classes_[1]`` is predicted where
        :math:`z \ge 0`.
    n_iter_ : int
        Number of epochs run.
    mistakes_per_epoch_ : ndarray
        Shape ``(n_iter_,)``, int64. Number of updates made in each epoch.
    converged_ : bool
        Whether the last epoch made no mistake (the training data are then
        separated). There is no warning when ``max_epochs`` is reached.
    n_features_in_ : int
        Number of features seen by ``fit``.

    Notes
    -----
    Shapes: ``X`` (m, n_features), ``y`` (m,).
    """

    def __init__(self, lr=1.0, max_epochs=100, shuffle=True, random_state=None):
        self.lr = lr
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.random_state = random_state

    def _check_params(self):
        lr = float(as_float_array(self.lr, "lr", ndim=0))
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be a bool, got {type(self.shuffle).__name__}")
        try:
            rng = np.random.default_rng(self.random_state)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"random_state must be None, an int or a Generator: {exc}") from None
        return lr, check_positive_int(self.max_epochs, "max_epochs"), rng

    def fit(self, X, y):
        """Learn ``coef_`` and ``intercept_`` with Rosenblatt's rule; return ``self``.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``. Real, finite, dense training inputs.
        y : array_like
            Shape ``(m,)``. Two class labels of any type; ``classes_[1]`` is the
            positive class.

        Returns
        -------
        Perceptron
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``y`` does not hold exactly 2 classes, or ``X`` or ``y`` is malformed.
        TypeError
            If ``X`` is not a real numeric array, or is sparse.
        """
        lr, max_epochs, rng = self._check_params()
        X, y = check_X_y(X, y, estimator=self)
        self.classes_, y01 = np.unique(y, return_inverse=True)  # the book's y, in {0, 1}
        if len(self.classes_) != 2:
            raise ValueError("Only binary classification is supported. "
                             f"y must hold exactly 2 classes, got {len(self.classes_)} class(es)")
        X = X.astype(np.float64)
        y_pm = 2.0 * y01 - 1.0                                 # (m,): y~ = 2y - 1 in {-1, +1}
        w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
        for _ in range(max_epochs):
            order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            n_mistakes = 0
            for x_i, y_i in zip(X[order], y_pm[order]):       # online: one example at a time
                if (x_i @ w + b >= 0) != (y_i > 0):            # a mistake: H(z) != y
                    w += lr * y_i * x_i                        # = lr (y - y_hat) x
                    b += lr * y_i
                    n_mistakes += 1
            mistakes.append(n_mistakes)
            if n_mistakes == 0:
                break
        self.coef_, self.intercept_ = w, float(b)
        self.mistakes_per_epoch_ = np.array(mistakes, dtype=np.int64)
        self.n_iter_, self.converged_ = len(mistakes), mistakes[-1] == 0
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        r"""The pre-activation :math:`\mathbf z = X\mathbf{w} + b`, one number per example.

        Its sign gives the class; :math:`z / \lVert\mathbf{w}\rVert` is the signed
        distance to the decision boundary.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.

        Returns
        -------
        ndarray
            Shape ``(m,)``.

        Raises
        ------
        NotFittedError
            Before ``fit``; ``ValueError`` if ``X`` has the wrong number of features.
        """
        check_is_fitted(self, "coef_")
        X = check_X(X, n_features=self.n_features_in_, estimator=self)
        return X @ self.coef_ + self.intercept_                # (m,)

    def predict(self, X):
        r"""Predicted labels: ``classes_[1]`` where :math:`z \ge 0` (:math:`H(0) = 1`), else ``classes_[0]``.

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.

        Returns
        -------
        ndarray
            Shape ``(m,)``. Labels of the type of ``classes_``.
        """
        z = self.decision_function(X)
        return self.classes_[(z >= 0).astype(np.intp)]

    def __sklearn_tags__(self):
        """scikit-learn's tags: a binary classifier by design (one output unit, two classes)."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
