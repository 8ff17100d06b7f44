"""The numbers and anchors of a built book, as the reader edition looks them up.

``make book`` writes them to ``_build/book_index.json`` (tools/sphinx_book_index.py, from
Sphinx's public API at the end of the build); ``BookIndex.from_json`` reads that file.
Tests build small indexes by hand. Every lookup of an unknown target raises
``ConversionError``, so that a broken reference cannot reach a reader as raw markup.
"""
import dataclasses
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from set_repo_url import URL_RE  # noqa: E402


class ConversionError(ValueError):
    """A construct in a chapter that the reader edition cannot represent."""


def site_url(repo_url):
    """https://github.com/OWNER/REPO -> https://OWNER.github.io/REPO/ (the deployed book)."""
    match = URL_RE.match(repo_url)
    if match is None:
        raise ValueError(f"repository url must look like https://github.com/OWNER/REPO, got {repo_url!r}")
    return f"https://{match.group(1)}.github.io/{match.group(2)}/"


@dataclasses.dataclass
class BookIndex:
    """The numbers and anchors of a built book, as plain data.

    site: base URL of the website, ending in ``/``.
    titles: ``{docname: title}``.
    labels: ``{label: (docname, anchor, title)}`` (Sphinx's std domain labels).
    fignumbers: ``{docname: {type: {anchor: number tuple}}}`` (figures, tables, equations
    under ``displaymath``, exercises, theorems, ...).
    secnumbers: ``{docname: [number tuple, ...]}``, the document's sections in order.
    equations: ``{label: (docname, anchor)}``.
    proofs: ``{label: (docname, type)}`` (sphinx-proof's theorems, algorithms, ...).
    citations: ``{key: (docname, anchor, authors, year, order)}``.
    numfig_format: ``{type: "Fig. %s", ...}``.
    terms: ``{term: (docname, anchor)}`` (glossary terms, as written in the glossary).
    py_objects: ``{full name: (docname, anchor, objtype)}`` (the Python domain).
    add_function_parentheses: Sphinx's option of that name (``func()`` shown with ``()``).
    """

    site: str
    titles: dict
    labels: dict
    fignumbers: dict
    secnumbers: dict
    equations: dict
    proofs: dict
    citations: dict
    numfig_format: dict
    terms: dict = dataclasses.field(default_factory=dict)
    py_objects: dict = dataclasses.field(default_factory=dict)
    add_function_parentheses: bool = True

    @classmethod
    def from_json(cls, build_dir, site):
        """Read ``build_dir/book_index.json``, written by ``make book``."""
        path = pathlib.Path(build_dir) / "book_index.json"
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: build the book first (make book)")
        data = json.loads(path.read_text(encoding="utf-8"))
        fields = {f.name for f in dataclasses.fields(cls)} - {"site"}
        if set(data) != fields:
            raise ValueError(f"{path} has fields {sorted(data)}, expected {sorted(fields)}: rebuild the book")
        data["secnumbers"] = {doc: [tuple(n) for n in numbers] for doc, numbers in data["secnumbers"].items()}
        return cls(site=site, **data)

    # -- lookups (each raises ConversionError for an unknown target) --------------------
    def url(self, docname, anchor=None):
        return self.site + docname + ".html" + (f"#{anchor}" if anchor else "")

    def number(self, docname, kind, anchor):
        try:
            return ".".join(map(str, self.fignumbers[docname][kind][anchor]))
        except KeyError:
            raise ConversionError(f"no {kind} number for {anchor!r} in {docname!r}") from None

    def label(self, label):
        if label not in self.labels:
            raise ConversionError(f"unknown label {label!r}")
        return tuple(self.labels[label])

    def equation(self, label):
        if label not in self.equations:
            raise ConversionError(f"unknown equation label {label!r}")
        docname, anchor = self.equations[label]
        return self.number(docname, "displaymath", anchor), self.url(docname, anchor)

    def term(self, name):
        """(docname, anchor) of a glossary term: exact name first, then ignoring case, as Sphinx."""
        if name in self.terms:
            return tuple(self.terms[name])
        folded = {key.lower(): value for key, value in self.terms.items()}
        if name.lower() in folded:
            return tuple(folded[name.lower()])
        raise ConversionError(f"unknown glossary term {name!r}")

    def py_object(self, target, specific=False):
        """(docname, anchor) of a documented Python object; ``specific``: a ``.name`` suffix search."""
        if target in self.py_objects:
            return tuple(self.py_objects[target][:2])
        if specific:
            found = [name for name in self.py_objects if name.endswith("." + target)]
            if len(found) == 1:
                return tuple(self.py_objects[found[0]][:2])
        raise ConversionError(f"unknown Python object {target!r} (not in the API reference)")

    def numbered_kind(self, docname, anchor):
        for kind, numbers in self.fignumbers.get(docname, {}).items():
            if anchor in numbers:
                return kind
        raise ConversionError(f"{anchor!r} in {docname!r} has no number (is it a figure or table?)")
