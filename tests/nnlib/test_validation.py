"""Unit tests of nnlib/_validation.py: every branch of the checks all public functions use."""
import warnings

import numpy as np
import pytest

from nnlib._validation import as_float_array, check_axis, check_positive_int, check_same_shape


# ------------------------------------------------------------ as_float_array
@pytest.mark.parametrize(
    "x, dtype",
    [
        (np.array([1.0], dtype=np.float32), np.float32),
        (np.array([1.0], dtype=np.float64), np.float64),
        (np.array([1.0], dtype=np.float16), np.float64),
        (np.array([1], dtype=np.int32), np.float64),
        (np.array([1], dtype=np.uint8), np.float64),
        (np.array([True]), np.float64),
        ([1, 2], np.float64),
        (3, np.float64),
        (2.5, np.float64),
        (np.float32(2.5), np.float32),
    ],
)
def test_dtype_rule(x, dtype):
    out = as_float_array(x, "x")
    assert isinstance(out, np.ndarray) and out.dtype == dtype
    np.testing.assert_array_equal(out, np.asarray(x, dtype=dtype))


def test_float_input_is_not_copied():
    x = np.ones(3)
    assert as_float_array(x, "x") is x


@pytest.mark.parametrize(
    "x",
    [
        "1.0",
        b"1.0",
        np.array(["a", "b"]),
        np.array([1, "a"], dtype=object),
        np.array([1 + 0j]),
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        [[1.0, 2.0], [3.0]],
        None,
    ],
    ids=["str", "bytes", "str-array", "object-array", "complex", "datetime", "ragged", "None"],
)
def test_non_real_input_is_a_type_error_naming_the_argument(x):
    with pytest.raises(TypeError, match="^weights must be a real numeric array"):
        as_float_array(x, "weights")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_is_a_value_error_unless_allowed(bad):
    x = np.array([1.0, bad])
    with pytest.raises(ValueError, match="^weights must contain only finite values"):
        as_float_array(x, "weights")
    assert as_float_array(x, "weights", allow_nonfinite=True) is x


@pytest.mark.parametrize("shape, ndim, ok", [((3,), 1, True), ((3,), 2, False), ((), 0, True), ((2, 2), 1, False)])
def test_exact_ndim(shape, ndim, ok):
    if ok:
        assert as_float_array(np.zeros(shape), "X", ndim=ndim).shape == shape
    else:
        with pytest.raises(ValueError, match=f"^X must be {ndim}-dimensional, got shape"):
            as_float_array(np.zeros(shape), "X", ndim=ndim)


@pytest.mark.parametrize("shape, min_ndim, ok", [((3,), 1, True), ((), 1, False), ((2, 2), 2, True), ((2,), 2, False)])
def test_min_ndim(shape, min_ndim, ok):
    if ok:
        assert as_float_array(np.zeros(shape), "X", min_ndim=min_ndim).shape == shape
    else:
        with pytest.raises(ValueError, match=f"^X must have at least {min_ndim} dimension"):
            as_float_array(np.zeros(shape), "X", min_ndim=min_ndim)


# ------------------------------------------------------------ check_axis
@pytest.mark.parametrize("axis, ndim, expected", [(0, 1, 0), (-1, 1, 0), (-1, 3, 2), (1, 3, 1), (np.int64(-2), 3, 1)])
def test_check_axis_normalises(axis, ndim, expected):
    out = check_axis(axis, ndim)
    assert out == expected and type(out) is int


@pytest.mark.parametrize("axis, ndim", [(1, 1), (-2, 1), (3, 3), (-4, 3), (0, 0)])
def test_check_axis_out_of_range(axis, ndim):
    with pytest.raises(ValueError, match=f"^axis={axis} is out of range"):
        check_axis(axis, ndim)


@pytest.mark.parametrize("axis", [True, np.bool_(False), 1.0, "0", None, (0,)])
def test_check_axis_needs_an_int(axis):
    with pytest.raises(TypeError, match="^dim must be an int"):
        check_axis(axis, 2, name="dim")


# ------------------------------------------------------------ check_same_shape
def test_check_same_shape_passes():
    assert check_same_shape(np.zeros((2, 3)), np.ones((2, 3)), "a", "b") is None


@pytest.mark.parametrize("shape_b", [(3, 2), (2,), (2, 3, 1), ()])
def test_check_same_shape_names_both(shape_b):
    with pytest.raises(ValueError, match=r"^y_hat and y must have the same shape, got \(2, 3\) and"):
        check_same_shape(np.zeros((2, 3)), np.zeros(shape_b), "y_hat", "y")


# ------------------------------------------------------------ check_positive_int
@pytest.mark.parametrize("value", [1, 7, np.int32(3), np.int64(10**6)])
def test_check_positive_int_accepts(value):
    out = check_positive_int(value, "n")
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [0, -1, np.int64(-5)])
def test_check_positive_int_rejects_small(value):
    with pytest.raises(ValueError, match=f"^n_hidden must be >= 1, got {value}"):
        check_positive_int(value, "n_hidden")


@pytest.mark.parametrize("value", [True, np.bool_(True), 2.0, "3", None])
def test_check_positive_int_rejects_non_int(value):
    with pytest.raises(TypeError, match="^n_hidden must be a positive int"):
        check_positive_int(value, "n_hidden")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_check_survives_an_overflowing_sum(dtype):
    """The finiteness check sums first; a sum that overflows must not reject finite data."""
    huge = np.finfo(dtype).max
    ok = np.array([huge, huge, -huge], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert as_float_array(ok, "x").dtype == dtype
    for bad in ([huge, huge, np.inf], [huge, np.nan], [np.inf, -np.inf]):
        with pytest.raises(ValueError, match="x must contain only finite"):
            as_float_array(np.array(bad, dtype=dtype), "x")
