"""nnlib's own errors and warnings, made instances of scikit-learn's once scikit-learn is loaded.

Part of the estimator plumbing introduced in chapter 2, *The perceptron* (see
:mod:`nnlib.base`). nnlib never imports scikit-learn; but code written for scikit-learn
catches ``sklearn.exceptions.NotFittedError`` or filters ``DataConversionWarning``, and
its conformance suite expects them. So when ``sklearn.exceptions`` is already imported,
nnlib raises a class that is both its own and scikit-learn's.
"""
import functools
import sys


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
