"""Roles in a chapter's Markdown, rewritten as plain Markdown for the reader edition.

``{glue:text}`` becomes the glued value formatted as myst-nb formats it; ``{eq}`` the
equation's number linked to the website; ``{ref}``, ``{numref}``, ``{doc}``, ``{prf:ref}``
text linked to the website; ``{term}`` its text linked to the glossary; ``{py:func}`` and
the other Python roles inline code linked to the API reference, shown as Sphinx shows
them (``~`` keeps the last component, functions and methods get ``()``); ``{index}`` its
text; citations author-year text linked to the bibliography. Where the roles are, and
which backticks are code spans or ``$`` math instead, comes from tools/myst.py.
"""
import ast
import posixpath
import re

from myst import inline as inline_tokens
from myst import split_explicit
from reader_index import ConversionError

PY_ROLES = {f"py:{kind}" for kind in ("func", "class", "meth", "mod", "attr", "data", "exc", "obj")}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")


def _escape(text):
    """Plain text as Markdown that shows exactly this text (no emphasis, math or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def format_glue_text(text, fmt_spec):
    """Format a glued text/plain value exactly as myst-nb's ``{glue:text}`` does."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    type_char = fmt_spec[-1]
    if type_char == "s":
        value = str(value)
    elif type_char in ("b", "c", "d", "o", "x", "X"):
        value = int(value)
    elif type_char in ("e", "E", "f", "F", "g", "G", "n", "%"):
        value = float(value)
    return format(value, fmt_spec)


class RoleConverter:
    """Rewrites the roles of one chapter's Markdown, given the book's index and its glue."""

    def __init__(self, book, docname, glue, other_glue=None):
        self.book, self.docname, self.glue = book, docname, glue
        self.other_glue = other_glue or (lambda doc: {})
        self.counts = {}
        self.gated = None  # the exercise label of an open gated solution
        self.headings = 0

    def _count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def _link(self, text, url):
        return f"[{text}]({url})"

    def _split_explicit(self, content):
        return split_explicit(content)

    # -- roles -----------------------------------------------------------------------
    def role(self, name, content):
        self._count(f"role {{{name}}}")
        if name == "glue:text":
            return self._glue_text(content)
        if name == "eq":
            number, url = self.book.equation(content.strip())
            return self._link(f"({number})", url)
        if name == "ref":
            text, target = self._split_explicit(content)
            docname, anchor, title = self.book.label(target)
            if not text and anchor in self.book.fignumbers.get(docname, {}).get("exercise", {}):
                # sphinx-exercise shows a reference to an exercise as its number
                text = f"Exercise {self.book.number(docname, 'exercise', anchor)}"
            return self._link(_escape(text or title), self.book.url(docname, anchor))
        if name == "numref":
            text, target = self._split_explicit(content)
            docname, anchor, _title = self.book.label(target)
            kind = self.book.numbered_kind(docname, anchor)
            number = self.book.number(docname, kind, anchor)
            fmt = text if text else self.book.numfig_format.get(kind, kind.capitalize() + " %s")
            shown = fmt.replace("%s", number).replace("{number}", number)
            return self._link(_escape(shown), self.book.url(docname, anchor))
        if name == "doc":
            text, target = self._split_explicit(content)
            base = "" if target.startswith("/") else posixpath.dirname(self.docname)
            docname = posixpath.normpath(posixpath.join(base, target.lstrip("/")))
            if docname not in self.book.titles:
                raise ConversionError(f"{{doc}} target {target!r} is not a document of the book")
            return self._link(_escape(text or self.book.titles[docname]), self.book.url(docname))
        if name == "prf:ref":
            text, target = self._split_explicit(content)
            if target not in self.book.proofs:
                raise ConversionError(f"unknown {{prf:ref}} target {target!r}")
            docname, kind = self.book.proofs[target]
            shown = text or f"{kind.capitalize()} {self.book.number(docname, kind, target)}"
            return self._link(_escape(shown), self.book.url(docname, target))
        if name in ("cite:t", "cite:p", "cite"):
            return self._cite(name, content)
        if name == "term":
            text, target = self._split_explicit(content)
            docname, anchor = self.book.term(target)
            return self._link(_escape(text or target), self.book.url(docname, anchor))
        if name in PY_ROLES:
            return self._py(name[3:], content)
        if name == "index":
            return self._index(content)
        raise ConversionError(f"unsupported MyST role {{{name}}} (in {self.docname})")

    def _glue_text(self, content):
        # myst-nb: "<key>" or "<key>:<format spec>", key optionally "<docpath>::<key>"
        key_format = content.rsplit(":", 1)
        key, fmt_spec = (key_format if len(key_format) == 2 else (key_format[0], "s"))
        store = self.glue
        if "::" in key:
            doc, key = key.split("::", 1)
            store = self.other_glue(doc)
        if key not in store:
            raise ConversionError(f"unknown glue key {key!r} in {self.docname}")
        try:
            return _escape(format_glue_text(store[key], fmt_spec))
        except (ValueError, TypeError) as exc:
            raise ConversionError(f"glue key {key!r}: cannot format with {fmt_spec!r}: {exc}") from None

    def _py(self, kind, content):
        """A Python cross-reference as Sphinx shows it: inline code, linked to the API reference."""
        content = content.strip()
        linked = not content.startswith("!")
        content = content.lstrip("!")
        text, target = self._split_explicit(content)
        explicit = text is not None
        title = text if explicit else target
        if kind in ("func", "meth") and not explicit:  # Sphinx's fix_parens
            title = title[:-2] if title.endswith("()") else title
            if self.book.add_function_parentheses:
                title += "()"
        target = target[:-2] if target.endswith("()") else target
        if not explicit:
            title = title.lstrip(".")
            target = target.lstrip("~")
            if title.startswith("~"):  # show only the last component
                title = title[1:].rsplit(".", 1)[-1]
        specific = target.startswith(".")
        target = target.lstrip(".")
        code = f"`{title}`"
        if not linked:
            return code
        docname, anchor = self.book.py_object(target, specific)
        return self._link(code, self.book.url(docname, anchor))

    def _index(self, content):
        """``{index}`entry``, ``{index}`!entry``, ``{index}`text <single: entry>``: the text shown."""
        text, target = self._split_explicit(content)
        if text is None:
            text = target[1:] if target.startswith("!") else target
        if not text.strip():
            raise ConversionError(f"an empty {{index}} role in {self.docname}")
        return _escape(text)

    def _cite(self, name, content):
        keys = [k.strip() for k in content.split(",") if k.strip()]
        unknown = [k for k in keys if k not in self.book.citations]
        if not keys or unknown:
            raise ConversionError(f"unknown citation key(s) {unknown or content!r} in {self.docname}")
        # as sphinxcontrib-bibtex does: the keys in the order of the bibliography
        keys.sort(key=lambda k: self.book.citations[k][4])
        parts = []
        for key in keys:
            docname, anchor, authors, year, _order = self.book.citations[key]
            if len(authors) == 0:
                who = key
            elif len(authors) == 1:
                who = authors[0]
            elif len(authors) == 2:
                who = f"{authors[0]} and {authors[1]}"
            else:
                who = f"{authors[0]} et al."
            text = f"{who} ({year})" if name == "cite:t" else f"{who}, {year}"
            parts.append(self._link(_escape(text), self.book.url(docname, anchor)))
        if name == "cite:t":
            return ", ".join(parts)
        return "(" + "; ".join(parts) + ")"

    def inline(self, text):
        """Rewrite the roles of a run of Markdown text; code spans and math stay as they are."""
        out, pos = [], 0
        for token in inline_tokens(text):
            if token.kind == "code":
                continue
            out.append(text[pos:token.start])
            source = text[token.start:token.end]
            if token.kind == "role":
                out.append(self.role(token.name, token.content))
            elif "\n" in source:
                # inline math on one line: some Markdown renderers (nbconvert's mistune)
                # only see $...$ within a line and would read its _ and * as emphasis
                self._count("inline math joined onto one line")
                out.append(re.sub(r"[ \t]*\n[ \t]*", " ", source))
            else:
                out.append(source)
            pos = token.end
        return "".join(out) + text[pos:]
