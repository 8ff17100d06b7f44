"""Sphinx extension: write the book's numbers and anchors to ``book_index.json`` when a build ends.

The reader edition (tools/reader_edition.py) shows equation, figure, table, exercise and
theorem numbers, section numbers, glossary terms, API entries and citations as the website
shows them. It reads them from this file, written beside the builder's output folder
(``_build/html`` -> ``_build/book_index.json``) at ``build-finished`` from Sphinx's public
API: the environment's titles, ``toc_fignumbers`` and ``toc_secnumbers``, and the domains'
own accessors (``std.labels``, ``std.objects``, ``math.equations``, ``py.objects``,
``cite.citations``) plus sphinx-proof's ``env.proof_list``. Never Sphinx's pickle, whose
layout changes between versions without notice.

The file is plain JSON (tuples become lists); ``reader_index.BookIndex.from_json`` reads it.
"""
import json
import pathlib

from docutils.nodes import make_id

FILE_NAME = "book_index.json"


def _latex_to_text(text):
    """BibTeX's LaTeX (accents, braces) as plain Unicode text, as pybtex renders it."""
    from pybtex.richtext import Text

    return Text.from_latex(text).render_as("text")


def _citations(env):
    """``{key: [docname, anchor, authors, year, order]}`` in the bibliography's order."""
    out = {}
    for order, cit in enumerate(env.get_domain("cite").citations):
        persons = cit.entry.persons.get("author") or cit.entry.persons.get("editor") or []
        authors = [_latex_to_text(" ".join(p.prelast_names + p.last_names)) for p in persons]
        year = cit.entry.fields.get("year", "n.d.")
        out.setdefault(cit.key, [cit.bibliography_key.docname, cit.citation_id, authors, year, order])
    return out


def book_index(app):
    """The index as plain data (see ``reader_index.BookIndex`` for each field)."""
    env = app.env
    std, py = env.get_domain("std"), env.get_domain("py")
    numfig_format = {"figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s"}
    numfig_format.update({k: str(v) for k, v in (app.config.numfig_format or {}).items()})  # lazy translations
    proofs = getattr(env, "proof_list", {})  # sphinx-proof's store of theorems, lemmas, ...
    return {
        "titles": {doc: title.astext() for doc, title in env.titles.items()},
        "labels": {name: list(v) for name, v in std.labels.items()},
        "fignumbers": {doc: {kind: {a: list(n) for a, n in d.items()} for kind, d in kinds.items()}
                       for doc, kinds in env.toc_fignumbers.items()},
        "secnumbers": {doc: [list(n) for n in d.values()] for doc, d in env.toc_secnumbers.items()},
        "equations": {label: [doc, "equation-" + make_id(label)]
                      for label, (doc, _number) in env.get_domain("math").equations.items()},
        "proofs": {label: [v["docname"], v["realtype"]] for label, v in proofs.items()},
        "citations": _citations(env),
        "numfig_format": numfig_format,
        "terms": {name: list(v) for (kind, name), v in std.objects.items() if kind == "term"},
        "py_objects": {name: [e.docname, e.node_id, e.objtype] for name, e in py.objects.items()},
        "add_function_parentheses": bool(app.config.add_function_parentheses),
    }


def write_index(app, exception):
    """build-finished: write ``book_index.json`` beside the output folder (not on a failed build)."""
    if exception is not None:
        return
    path = pathlib.Path(app.outdir).parent / FILE_NAME
    path.write_text(json.dumps(book_index(app), indent=1, default=str), encoding="utf-8")


def setup(app):
    app.connect("build-finished", write_index)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
