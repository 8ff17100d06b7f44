"""Sphinx extension for the API reference (appendices/api.md): links nnlib back to the book.

nnlib's docstrings say where their formula is derived in words, "Derived in chapter 3,
*Activation functions*.", which reads well in ``help()`` and in the chapters that print
the source. When autodoc renders a docstring, this extension turns each "chapter N" into
a link to chapter N (the notebook ``chapters/NN_*.ipynb``), so every entry of the
reference links back to the text, without roles in the docstrings themselves.

Before napoleon reads a docstring, it moves a shape written in a numpydoc type
(``X : array_like, shape (m, n)``) into the description, where it is literal text rather
than words napoleon would try to link as class names.

It also hides the value of module-level data whose repr names functions by address
(``LOSSES = {"mse": (<function mse at 0x7f...>, ...)}``): the address changes from
build to build and says nothing; the entry's comment says what the mapping holds.
"""
import pathlib
import re

from sphinx.ext.autodoc import DataDocumenter

CHAPTER = re.compile(r"\b([Cc]hapter) (\d{1,2})\b(?!`)")


def _chapters(srcdir):
    """{chapter number: docname} from the notebooks' file names (``chapters/03_x.ipynb``)."""
    found = {}
    for path in sorted(pathlib.Path(srcdir, "chapters").glob("[0-9][0-9]_*.ipynb")):
        found[int(path.name[:2])] = f"/chapters/{path.stem}"
    return found


def link_chapters(app, what, name, obj, options, lines):
    """autodoc-process-docstring: "chapter N" -> :doc:`chapter N </chapters/NN_...>` (nnlib only)."""
    if not name.startswith("nnlib"):
        return
    chapters = app.env.nnlib_chapters if hasattr(app.env, "nnlib_chapters") else None
    if chapters is None:
        chapters = app.env.nnlib_chapters = _chapters(app.srcdir)

    def replace(match):
        doc = chapters.get(int(match.group(2)))
        return f":doc:`{match.group(0)} <{doc}>`" if doc else match.group(0)

    in_math = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(".. math::"):
            in_math = True
            continue
        if in_math and stripped and not line.startswith((" ", "\t")):
            in_math = False
        if not in_math:                             # outside math and ``literals``
            parts = line.split("``")
            parts[::2] = [CHAPTER.sub(replace, part) for part in parts[::2]]
            lines[i] = "``".join(parts)


FIELD_SECTIONS = ("Parameters", "Other Parameters", "Returns", "Yields", "Attributes")
SHAPE_IN_TYPE = re.compile(r"(?:,\s*|\s+of\s+)shape\s+(?P<shape>.+?)(?P<tail>,\s*(?:optional|default.*))?$")


def shapes_out_of_types(app, what, name, obj, options, lines):
    """autodoc-process-docstring, before napoleon: ``X : array_like, shape (m, n)`` -> ``X : array_like``
    with "Shape ``(m, n)``." opening the description.

    numpydoc allows a shape in the type, but napoleon would turn each word of it into a
    cross-reference to a class ("shape (m", "n)"); as literal text in the description it
    reads the same and refers to nothing.
    """
    if not name.startswith("nnlib"):
        return
    section, i = None, 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not line.startswith(" ") and re.fullmatch(r"-{3,}", nxt.strip() or "x"):
            section = line.strip()
            i += 2
            continue
        match = SHAPE_IN_TYPE.search(line) if section in FIELD_SECTIONS and line and not line.startswith(" ") else None
        if match:
            lines[i] = line[:match.start()] + (match.group("tail") or "")
            body = nxt[:len(nxt) - len(nxt.lstrip())] if nxt.startswith(" ") else "    "
            lines.insert(i + 1, f"{body}Shape ``{match.group('shape').strip()}``.")
            i += 1
        i += 1


class DataWithoutAddresses(DataDocumenter):
    """autodata that leaves out a value whose repr contains memory addresses."""

    def should_suppress_value_header(self):
        if " at 0x" in repr(self.object):
            return True
        return super().should_suppress_value_header()


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_autodocumenter(DataWithoutAddresses, override=True)
    app.connect("autodoc-process-docstring", shapes_out_of_types, priority=400)  # before napoleon
    app.connect("autodoc-process-docstring", link_chapters)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
