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

    The model is one neuron with the step activation (:math:`H(0) = 1`),

    .. math:: \hat{t} = H(\mathbf{w}^\top \mathbf{x} + b),

    and the learning rule visits the examples one at a time and, after each
    *mistake* (:math:`\hat{t} \ne t`), moves the weights towards the example:

    .. math:: \mathbf{w} \leftarrow \mathbf{w} + \eta\,(t - \hat{t})\,\mathbf{x}, \qquad
              b \leftarrow b + \eta\,(t - \hat{t}),

    with targets :math:`t \in \{0, 1\}`. Internally the labels are
    :math:`y = 2t - 1 \in \{-1, +1\}`, for which the same rule reads
    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta\, y\, \mathbf{x}`,
    :math:`b \leftarrow b + \eta\, y` on a mistake. ``classes_[1]`` is the
    positive class (:math:`t = 1`, :math:`y = +1`), as in scikit-learn.

    The loop over the examples of an epoch is the algorithm itself, not an
    implementation detail: the perceptron is an *online* algorithm, each update
    changes the weights the next example sees, so it cannot be vectorised over
    the batch (the rest of nnlib trains on whole batches).

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
    coef_ : ndarray of shape (n_features,)
        The weights :math:`\mathbf{w}` (float64). scikit-learn's is (1, n_features).
    intercept_ : float
        The bias :math:`b`.
    classes_ : ndarray of shape (2,)
        The two labels, sorted; ``classes_[1]`` is predicted where :math:`z \ge 0`.
    n_iter_ : int
        Number of epochs run.
    mistakes_per_epoch_ : ndarray of int, shape (n_iter_,)
        Number of updates made in each epoch.
    converged_ : bool
        Whether the last epoch made no mistake (the training data are then
        separated). There is no warning when ``max_epochs`` is reached.
    n_features_in_ : int
        Number of features seen by ``fit``.

    Shapes: ``X`` (m, n_features), ``y`` (m,). Derived in chapter 2, *The perceptron*.
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
        """Learn ``coef_`` and ``intercept_`` from ``X`` (m, n_features) and binary ``y`` (m,)."""
        lr, max_epochs, rng = self._check_params()
        X, y = check_X_y(X, y)
        self.classes_, t = np.unique(y, return_inverse=True)  # t in {0, 1}
        if len(self.classes_) != 2:
            raise ValueError(f"y must hold exactly 2 distinct labels (binary), got {len(self.classes_)}")
        X = X.astype(np.float64)
        y_pm = 2.0 * t - 1.0                                   # (m,): labels in {-1, +1}
        w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
        for _ in range(max_epochs):
            order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            n_mistakes = 0
            for x_i, y_i in zip(X[order], y_pm[order]):       # online: one example at a time
                if (x_i @ w + b >= 0) != (y_i > 0):            # a mistake: H(z) != t
                    w += lr * y_i * x_i                        # = lr (t - t_hat) x
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
        r"""The pre-activation :math:`z = X\mathbf{w} + b`, one number per example.

        Its sign gives the class; :math:`z / \lVert\mathbf{w}\rVert` is the signed
        distance to the decision boundary. Shapes: (m, n_features) -> (m,).
        """
        check_is_fitted(self, "coef_")
        X = check_X(X, n_features=self.n_features_in_)
        return X @ self.coef_ + self.intercept_                # (m,)

    def predict(self, X):
        r"""Predicted labels: ``classes_[1]`` where :math:`z \ge 0` (:math:`H(0) = 1`), else ``classes_[0]``.

        Shapes: (m, n_features) -> (m,).
        """
        z = self.decision_function(X)
        return self.classes_[(z >= 0).astype(np.intp)]
