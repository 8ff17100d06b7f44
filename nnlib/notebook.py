"""Helpers for running the book's chapters as notebooks.

``glue`` hands a computed value to the book's prose (myst-nb's ``{glue:text}``
role), so that no number in the text is typed by hand. When the chapter runs
outside the book's toolchain (Colab, a bare JupyterHub) myst-nb may be missing;
then ``glue`` simply displays the value (or does nothing when ``display=False``),
so every chapter still runs top to bottom.
"""


def glue(name, value, display=True):
    """Record ``value`` under ``name`` for the book's prose; see the module docstring.

    Parameters
    ----------
    name : str
        Key used by ``{glue:text}`name``` in the chapter's Markdown.
    value : object
        The value; numbers are best rounded before they are glued.
    display : bool
        Whether to also show the value in the notebook's output.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    try:
        from myst_nb import glue as _myst_glue
    except ModuleNotFoundError:
        if display:
            from IPython.display import display as _display

            _display(value)
        return
    _myst_glue(name, value, display=display)
