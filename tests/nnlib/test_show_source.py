"""nnlib.notebook.show_source: the chapters print nnlib's code with shortened docstrings."""
import inspect

import pytest

import nnlib
from nnlib.notebook import show_source


def _printed(capsys, *args, **kwargs):
    show_source(*args, **kwargs)
    return capsys.readouterr().out


def test_a_function_keeps_its_code_and_the_first_paragraph_of_its_docstring(capsys):
    out = _printed(capsys, nnlib.sigmoid)
    summary = inspect.getdoc(nnlib.sigmoid).split("\n\n")[0]
    assert summary + ' […]"""' in out
    assert "Parameters" not in out and "Returns" not in out      # the rest of the docstring
    body = inspect.getsource(nnlib.sigmoid).split('"""')[-1]       # the code after the docstring
    assert body.strip() in out


def test_every_docstring_of_a_class_is_shortened_and_full_prints_them(capsys):
    short = _printed(capsys, nnlib.Dense)
    full = _printed(capsys, nnlib.Dense, full=True)
    assert full == inspect.getsource(nnlib.Dense) + "\n"
    assert short.count("[…]") >= 1 and "----------" not in short
    # the code lines are the same: only docstring lines went
    code = [line for line in full.splitlines() if line.strip() and '"""' not in line]
    assert all(line in short.splitlines() for line in code if line.lstrip().startswith(("def ", "return", "self.")))


def test_start_and_stop_select_a_slice(capsys):
    out = _printed(capsys, nnlib.Conv2D, start="def forward", stop="def backward")
    assert out.lstrip().startswith("def forward") and "def backward" not in out


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(obj=3), TypeError, "obj must be a function, class or method"),
        (dict(obj=nnlib.sigmoid, full="yes"), TypeError, "full must be a bool"),
        (dict(obj=nnlib.sigmoid, start=1), TypeError, "start must be a str or None"),
        (dict(obj=nnlib.sigmoid, start="no such line"), ValueError, "start='no such line'"),
        (dict(obj=nnlib.sigmoid, stop="no such line"), ValueError, "stop='no such line'"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        show_source(**kwargs)
