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
"""
import functools
import inspect
import sys
import warnings

import numpy as np

from ._validation import as_float_array


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit``.

    Like scikit-learn's, it is both a ``ValueError`` and an ``AttributeError``. Once
    scikit-learn is imported, the errors nnlib raises are also instances of
    ``sklearn.exceptions.NotFittedError``.
    """


def _sklearn_compatible(ours, name):
    """``ours``, or, if ``sklearn.exceptions`` is already imported, a class that is also its ``name``.

    Never imports scikit-learn: code can only catch scikit-learn's class after importing it.
    """
    theirs = getattr(sys.modules.get("sklearn.exceptions"), name, None)
    if theirs is None or issubclass(ours, theirs):
        return ours
    return theirs if issubclass(theirs, ours) else _both(ours, theirs)


@functools.cache
def _both(ours, theirs):
    def __reduce__(self):                          # pickles (e.g. to a joblib worker) as nnlib's own class
        return ours, self.args

    return type(theirs.__name__, (ours, theirs),
                {"__module__": ours.__module__, "__doc__": ours.__doc__, "__reduce__": __reduce__})


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


def _as_real_array(x, name):
    """``x`` as a finite real float array (any number of dimensions), or raise.

    Stricter and looser than :func:`nnlib._validation.as_float_array` in scikit-learn's
    ways: a scipy sparse matrix raises ``TypeError`` (nnlib is dense), complex numbers
    raise ``ValueError`` ("Complex data not supported"), and an object array of numbers
    is converted to float64 (one holding anything else raises ``TypeError``).
    """
    sparse = sys.modules.get("scipy.sparse")       # a sparse matrix implies scipy.sparse is loaded
    if sparse is not None and sparse.issparse(x):
        raise TypeError(f"{name} is a sparse {type(x).__name__}, but sparse input is not supported: "
                        f"nnlib's estimators are dense; pass {name}.toarray()")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError):                # ragged nested lists: as_float_array explains
        return as_float_array(x, name)
    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has dtype {arr.dtype}, "
                         "but nnlib's estimators need real numbers")
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a real numeric array: {exc}") from None
    return as_float_array(arr, name)


def check_X(X, name="X", n_features=None, estimator=None):
    """Return ``X`` as a finite, real, dense 2-D float array with at least one row and column.

    The checks and messages are scikit-learn's (``check_array``), so that its
    conformance suite recognises them.

    Parameters
    ----------
    X : array_like
        Shape ``(m, n_features)``. Numbers: a list, an ndarray (float32 and
        float64 are kept, other real types become float64), or an object array of
        numbers.
    name : str
        The argument's name, for messages.
    n_features : int, optional
        ``n_features_in_`` of a fitted estimator: ``X`` must have that many columns.
    estimator : object, optional
        The estimator, named in the message about ``n_features``.

    Returns
    -------
    ndarray
        Shape ``(m, n_features)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, is empty, holds NaN, inf or complex numbers, or has the
        wrong number of columns.
    TypeError
        If ``X`` is not numeric, or is a scipy sparse matrix (nnlib is dense).
    """
    X = _as_real_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (m, n_features), got shape {X.shape}. "
                         "Reshape your data: X.reshape(-1, 1) if it holds one feature, "
                         "X.reshape(1, -1) if it holds one example")
    if X.shape[0] < 1:
        raise ValueError(f"{name} must have at least one row, got shape {X.shape}")
    if X.shape[1] < 1:
        raise ValueError(f"{name} has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if n_features is not None and X.shape[1] != n_features:
        who = "the estimator" if estimator is None else type(estimator).__name__
        raise ValueError(f"{name} has {X.shape[1]} features, but {who} is expecting "
                         f"{n_features} features as input")
    return X


def _check_y_given(y, estimator):
    """Raise scikit-learn's ``ValueError`` for ``fit(X, None)``."""
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target y is None")


def check_X_y(X, y, estimator=None):
    """Validate ``X`` with :func:`check_X` and ``y`` as class labels of the same length.

    Parameters
    ----------
    X : array_like
        Shape ``(m, n_features)``.
    y : array_like
        Shape ``(m,)``. Labels of any type (numbers, strings). A column vector
        ``(m, 1)`` is flattened with a warning (scikit-learn's ``DataConversionWarning`` once scikit-learn is
        imported), as scikit-learn does.
    estimator : object, optional
        The estimator being fitted, named in the message when ``y`` is None.

    Returns
    -------
    X : ndarray
        Shape ``(m, n_features)``.
    y : ndarray
        Shape ``(m,)``.

    Raises
    ------
    ValueError
        If ``y`` is None, not 1-D, of another length than ``X``, holds NaN, inf or
        complex numbers, or floats that are not whole numbers: a continuous
        (regression) target, "Unknown label type: continuous" as scikit-learn says.
    """
    X = check_X(X)
    _check_y_given(y, estimator)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected. Please change "
                      "the shape of y to (m,), for example using ravel().",
                      _sklearn_compatible(UserWarning, "DataConversionWarning"), stacklevel=3)
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}")
    if y.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: y has dtype {y.dtype}")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError("y must contain only finite values (no NaN or inf)")
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError("Unknown label type: continuous. y must hold class labels, but it holds "
                         f"non-integer floats such as {y[y != np.round(y)][0]!r}")
    return X, y


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
