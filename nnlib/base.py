r"""A tiny scikit-learn-compatible base for nnlib's estimators.

Introduced in chapter 2, *The perceptron*, and reused by every estimator of the
book (``Perceptron``, later ``MLPClassifier``). It copies scikit-learn's
conventions without importing scikit-learn (nnlib depends on NumPy and
Matplotlib only):

* hyper-parameters are exactly the arguments of ``__init__``, stored unchanged
  under the same names; :meth:`BaseEstimator.get_params` reads them from the
  signature, so ``sklearn.base.clone`` and ``cross_val_score`` work;
* ``fit`` learns attributes whose names end in ``_`` (``coef_``, ``classes_``);
  using the estimator before ``fit`` raises :class:`NotFittedError`;
* classifiers get ``score`` (accuracy) from :class:`ClassifierMixin`.

Only when scikit-learn itself asks for an estimator's tags
(``__sklearn_tags__``, scikit-learn >= 1.6) is scikit-learn imported, lazily.
"""
import inspect

import numpy as np

from ._validation import as_float_array


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit``; like scikit-learn's, it is both
    a ``ValueError`` and an ``AttributeError``."""


class BaseEstimator:
    """Hyper-parameters from the ``__init__`` signature: ``get_params``, ``set_params``, ``repr``."""

    @classmethod
    def _param_names(cls):
        params = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """Return the hyper-parameters as a dict ``{name: value}``.

        With ``deep=True``, parameters of nested estimators are included as
        ``"name__param"``, as in scikit-learn.
        """
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
        return out

    def set_params(self, **params):
        """Set hyper-parameters by name and return ``self``; an unknown name raises ``ValueError``."""
        valid = self._param_names()
        for name, value in params.items():
            head, _, rest = name.partition("__")
            if head not in valid:
                raise ValueError(f"{name!r} is not a parameter of {type(self).__name__}; "
                                 f"valid parameters are {valid}")
            if rest:
                getattr(self, head).set_params(**{rest: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self):
        """``ClassName(param=value, ...)`` listing only the parameters that differ from the default."""
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [f"{k}={v!r}" for k, v in self.get_params(deep=False).items()
                   if not _same(v, defaults[k].default)]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        """Tags for scikit-learn >= 1.6; only scikit-learn calls this, so importing it is safe."""
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False),
                    transformer_tags=None, regressor_tags=None, classifier_tags=None)


def _same(a, b):
    try:
        return bool(a is b or a == b)
    except (TypeError, ValueError):  # e.g. arrays, whose == is elementwise
        return False


class ClassifierMixin:
    """``score`` (accuracy) for classifiers; put it before :class:`BaseEstimator` in the bases."""

    _estimator_type = "classifier"  # scikit-learn < 1.6 reads this instead of tags

    def score(self, X, y):
        r"""Accuracy: the fraction of examples whose predicted label equals ``y``.

        .. math:: \operatorname{acc} = \frac{1}{m} \sum_{i=1}^{m} [\hat{y}_i = y_i]

        Shapes: ``X`` (m, n_features), ``y`` (m,) -> float.
        """
        X, y = check_X_y(X, y)
        return float(np.mean(self.predict(X) == y))

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        return tags


def check_X(X, name="X", n_features=None):
    """Return ``X`` as a finite 2-D float array with at least one row, or raise.

    If ``n_features`` is given, ``X`` must have exactly that many columns.
    """
    X = as_float_array(X, name, ndim=2)
    if X.shape[0] < 1:
        raise ValueError(f"{name} must have at least one row, got shape {X.shape}")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features, but the estimator was fitted "
                         f"with {n_features}")
    return X


def check_X_y(X, y):
    """Validate ``X`` with :func:`check_X` and ``y`` as a 1-D array of the same length.

    ``y`` may hold labels of any type (numbers, strings); it is returned as an ndarray.
    """
    X = check_X(X)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError("y must contain only finite values (no NaN or inf)")
    return X, y


def check_is_fitted(estimator, attribute):
    """Raise :class:`NotFittedError` unless ``estimator`` has the fitted ``attribute``."""
    if not hasattr(estimator, attribute):
        raise NotFittedError(f"This {type(estimator).__name__} instance is not fitted yet: "
                             "call 'fit' with appropriate arguments before using it")
