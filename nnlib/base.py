r"""A tiny scikit-learn-compatible base for nnlib's estimators.

Introduced in chapter 2, *The perceptron*, and reused by every estimator of the
book (``Perceptron``, later ``MLPClassifier`` and ``MLPRegressor``). It copies
scikit-learn's conventions without importing scikit-learn (nnlib depends on NumPy
and Matplotlib only), closely enough that scikit-learn's own conformance suite,
``sklearn.utils.estimator_checks.check_estimator``, passes:

* hyper-parameters are exactly the arguments of ``__init__``, stored unchanged
  under the same names; :meth:`BaseEstimator.get_params` reads them from the
  signature, so ``sklearn.base.clone`` and ``cross_val_score`` work;
* ``fit`` learns attributes whose names end in ``_`` (``coef_``, ``classes_``,
  ``n_features_in_``); using the estimator before ``fit`` raises
  :class:`NotFittedError`;
* input is checked with scikit-learn's rules and messages (:func:`check_X`,
  :func:`check_X_y`): a dense, real, finite 2-D ``X``; sparse matrices and complex
  numbers are refused, object arrays of numbers converted, a column vector ``y`` of
  shape (m, 1) flattened with a warning;
* classifiers get ``score`` (accuracy) from :class:`ClassifierMixin`.

scikit-learn is imported only when scikit-learn itself asks for an estimator's
tags (``__sklearn_tags__``, scikit-learn >= 1.6). The errors and warnings raised
here are nnlib's own classes; when scikit-learn is already imported they are also
instances of scikit-learn's ``NotFittedError`` and ``DataConversionWarning``, so
code (and tests) written for scikit-learn catch them too.

This module holds the base classes; the input checks (``check_X``, ``check_X_y``) are
written in the private module ``nnlib._input_checks`` and exported from here, so that
``from nnlib.base import check_X`` is their public path.
"""
import inspect

import numpy as np

# mlp.py imports the two private helpers from here too: one set of input rules for every estimator
from ._input_checks import _as_real_array, _check_y_given, check_X, check_X_y  # noqa: F401
from ._sklearn_compat import _sklearn_compatible

__all__ = ["BaseEstimator", "ClassifierMixin", "NotFittedError", "check_X", "check_X_y", "check_is_fitted"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit``.

    Like scikit-learn's, it is both a ``ValueError`` and an ``AttributeError``. Once
    scikit-learn is imported, the errors nnlib raises are also instances of
    ``sklearn.exceptions.NotFittedError``.
    """


class BaseEstimator:
    """Hyper-parameters from the ``__init__`` signature: ``get_params``, ``set_params``, ``repr``.

    A subclass's ``__init__`` only stores its arguments, unchanged, under the same
    names; ``fit`` checks them. Derived in chapter 2, *The perceptron*.
    """

    @classmethod
    def _param_names(cls):
        params = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in params if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """Return the hyper-parameters as a dict ``{name: value}``.

        Parameters
        ----------
        deep : bool
            Also include the parameters of nested estimators, as ``"name__param"``,
            as in scikit-learn.

        Returns
        -------
        dict
        """
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
        return out

    def set_params(self, **params):
        """Set hyper-parameters by name (``"name__param"`` for a nested estimator).

        Parameters
        ----------
        **params
            New values, by name.

        Returns
        -------
        BaseEstimator
            ``self``.

        Raises
        ------
        ValueError
            If a name is not a parameter of the estimator.
        """
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
        """Tags for scikit-learn >= 1.6: dense real 2-D input (the defaults), no target yet.

        Only scikit-learn calls this, so importing it here is safe; subclasses refine the tags.
        """
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

        Parameters
        ----------
        X : array_like
            Shape ``(m, n_features)``.
        y : array_like
            Shape ``(m,)``. The true labels.

        Returns
        -------
        float
            In [0, 1].
        """
        X, y = check_X_y(X, y, estimator=self)
        return float(np.mean(self.predict(X) == y))

    def __sklearn_tags__(self):
        """Tags of a classifier that needs ``y``; multi-class unless a subclass says otherwise."""
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        return tags


def check_is_fitted(estimator, attribute):
    """Raise :class:`NotFittedError` unless ``estimator`` has the fitted ``attribute``.

    Parameters
    ----------
    estimator : object
    attribute : str
        A fitted attribute that ``fit`` sets, e.g. ``"coef_"``.

    Raises
    ------
    NotFittedError
        Also a ``sklearn.exceptions.NotFittedError`` when scikit-learn is imported.
    """
    if not hasattr(estimator, attribute):
        error = _sklearn_compatible(NotFittedError, "NotFittedError")
        raise error(f"This {type(estimator).__name__} instance is not fitted yet: "
                    "call 'fit' with appropriate arguments before using it")
