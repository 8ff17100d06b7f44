"""Write the reader edition: ``python tools/reader_edition.py [--build _build] [SRC] [DST]``.

The chapters are MyST notebooks: their Markdown holds roles (``{glue:text}``, ``{eq}``,
``{ref}``, ``{cite:p}``, ...), directives (exercises, solutions, theorems, admonitions,
tables) and labels that only Sphinx and myst-nb understand. Jupyter front ends (JupyterLab,
Notebook 7, Colab, VS Code, GitHub's viewer) show them as raw markup. This script writes,
for every executed chapter in SRC (default ``chapters``), a plain notebook into DST
(default ``_notebooks/chapters``) whose Markdown uses only CommonMark, MathJax and a little
HTML that all of them render:

* glued values are substituted, formatted as myst-nb's ``{glue:text}`` formats them;
* code cells tagged ``remove-cell`` (the ``glue`` calls, hidden on the website) are dropped;
* ``{eq}`` becomes the equation's number "(7.3)" linked to the website, and a labelled
  display equation ``$$ ... $$ (label)`` carries its number as ``\\tag{7.3}``;
* ``{ref}``, ``{numref}``, ``{doc}``, ``{prf:ref}`` become text linked to the website;
* ``{term}`` becomes its text linked to the term's entry in the website's glossary;
* ``{py:func}``, ``{py:class}``, ``{py:meth}``, ``{py:mod}``, ``{py:attr}`` (and ``{py:data}``,
  ``{py:exc}``, ``{py:obj}``) become inline code linked to the object's entry in the API
  reference, shown as Sphinx shows them (``~`` keeps the last component, functions and
  methods get ``()``);
* ``{index}`` becomes its text (the index entry itself lives on the website);
* citations become author-year text linked to the website's bibliography;
* admonitions, exercises, theorems, proofs and algorithms become titled ``<blockquote>``s,
  numbered as on the site; solutions go into ``<details class="solution">`` (closed);
  gated solutions (``{solution-start}`` ... ``{solution-end}``) hide their code cells,
  which are tagged ``solution`` like the book's other solution self-checks;
* tables get their numbered caption; figures made by a code cell get theirs in a
  Markdown cell after it; headings get their section numbers; ``(label)=`` lines go.

Code cells and their outputs are copied unchanged. Every number and anchor is read from
the Sphinx environment of a completed build (``BUILD/.doctrees/environment.pickle``, after
``make book``), never recomputed; the website's address comes from ``_config.yml``'s
``repository: url:``. Anything the converter does not know (a role, a directive, a glue
key, a label) is an error, so a new construct cannot slip through as raw markup.
"""
import argparse
import ast
import copy
import dataclasses
import html
import pathlib
import pickle
import posixpath
import re
import shutil
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from set_repo_url import URL_RE, current_url  # noqa: E402


class ConversionError(ValueError):
    """A construct in a chapter that the reader edition cannot represent."""


def site_url(repo_url):
    """https://github.com/OWNER/REPO -> https://OWNER.github.io/REPO/ (the deployed book)."""
    match = URL_RE.match(repo_url)
    if match is None:
        raise ValueError(f"repository url must look like https://github.com/OWNER/REPO, got {repo_url!r}")
    return f"https://{match.group(1)}.github.io/{match.group(2)}/"


# --------------------------------------------------------------------------------------
# What a completed build knows: numbers, anchors, titles, citations.
# --------------------------------------------------------------------------------------
@dataclasses.dataclass
class BookIndex:
    """The numbers and anchors of a built book, as plain data (tests build small ones by hand).

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
    py_objects: ``{full name: (docname, anchor, objtype)}`` (the Python domain: modules,
    classes, functions, methods, attributes documented in the API reference).
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
    def from_build(cls, build_dir, site):
        """Read the index from ``build_dir/.doctrees/environment.pickle``."""
        pickled = pathlib.Path(build_dir) / ".doctrees" / "environment.pickle"
        if not pickled.exists():
            raise FileNotFoundError(f"{pickled} does not exist: build the book first (make book)")
        with open(pickled, "rb") as handle:
            env = pickle.load(handle)
        from docutils.nodes import make_id

        equations = {}
        for label, (docname, _number) in env.domaindata["math"]["objects"].items():
            equations[label] = (docname, "equation-" + make_id(label))
        citations = {}
        for order, cit in enumerate(env.domaindata["cite"]["citations"]):
            persons = cit.entry.persons.get("author") or cit.entry.persons.get("editor") or []
            authors = [_latex_to_text(" ".join(p.prelast_names + p.last_names)) for p in persons]
            year = cit.entry.fields.get("year", "n.d.")
            citations.setdefault(
                cit.key, (cit.bibliography_key.docname, cit.citation_id, authors, year, order)
            )
        numfig_format = {"figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s"}
        numfig_format.update(env.config.numfig_format or {})
        std = env.domaindata["std"]
        terms = {name: tuple(v) for (kind, name), v in std["objects"].items() if kind == "term"}
        py_objects = {name: (entry[0], entry[1], entry[2])
                      for name, entry in env.domaindata["py"]["objects"].items()}
        return cls(
            site=site,
            titles={doc: title.astext() for doc, title in env.titles.items()},
            labels={k: tuple(v) for k, v in env.domaindata["std"]["labels"].items()},
            fignumbers={doc: {t: dict(v) for t, v in d.items()} for doc, d in env.toc_fignumbers.items()},
            secnumbers={doc: list(d.values()) for doc, d in env.toc_secnumbers.items()},
            equations=equations,
            proofs={k: (v["docname"], v["realtype"]) for k, v in env.proof_list.items()},
            citations=citations,
            numfig_format=numfig_format,
            terms=terms,
            py_objects=py_objects,
            add_function_parentheses=bool(env.config.add_function_parentheses),
        )

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
        return self.labels[label]

    def equation(self, label):
        if label not in self.equations:
            raise ConversionError(f"unknown equation label {label!r}")
        docname, anchor = self.equations[label]
        return self.number(docname, "displaymath", anchor), self.url(docname, anchor)

    def term(self, name):
        """(docname, anchor) of a glossary term: exact name first, then ignoring case, as Sphinx."""
        if name in self.terms:
            return self.terms[name]
        folded = {key.lower(): value for key, value in self.terms.items()}
        if name.lower() in folded:
            return folded[name.lower()]
        raise ConversionError(f"unknown glossary term {name!r}")

    def py_object(self, target, specific=False):
        """(docname, anchor) of a documented Python object; ``specific``: a ``.name`` suffix search."""
        if target in self.py_objects:
            return self.py_objects[target][:2]
        if specific:
            found = [name for name in self.py_objects if name.endswith("." + target)]
            if len(found) == 1:
                return self.py_objects[found[0]][:2]
        raise ConversionError(f"unknown Python object {target!r} (not in the API reference)")

    def numbered_kind(self, docname, anchor):
        for kind, numbers in self.fignumbers.get(docname, {}).items():
            if anchor in numbers:
                return kind
        raise ConversionError(f"{anchor!r} in {docname!r} has no number (is it a figure or table?)")


def _latex_to_text(text):
    """Render BibTeX's LaTeX (accents, braces) as plain Unicode text, as pybtex does."""
    from pybtex.richtext import Text

    return Text.from_latex(text).render_as("text")


# --------------------------------------------------------------------------------------
# Glue: the values code cells recorded with myst_nb.glue.
# --------------------------------------------------------------------------------------
def glue_data(nb):
    """``{key: text/plain}`` of every value glued by the notebook's code cells."""
    data = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            bundle = {k[len(prefix):]: v for k, v in output.get("data", {}).items()}
            if "text/plain" in bundle:
                data[meta["name"]] = bundle["text/plain"]
    return data


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


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")


def _escape(text):
    """Plain text as Markdown that shows exactly this text (no emphasis, math or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


# --------------------------------------------------------------------------------------
# Inline conversion: roles.
# --------------------------------------------------------------------------------------
ROLE_RE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}`(?P<content>[^`\n]*)`")
# An inline token is a role, a code span or inline math; only roles are rewritten.
INLINE_RE = re.compile(
    r"(?P<role>\{[A-Za-z][\w:.-]*\}`[^`\n]*`)"
    r"|(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).)+?(?P=ticks))"
    r"|(?P<math>(?<!\\)\$(?:\\.|[^$\\])+\$)",
    re.DOTALL,
)
EXPLICIT_RE = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also",
}
PY_ROLES = {f"py:{kind}" for kind in ("func", "class", "meth", "mod", "attr", "data", "exc", "obj")}
PROOF_TYPES = {
    "theorem", "lemma", "definition", "algorithm", "corollary", "proposition", "conjecture",
    "remark", "example", "axiom", "criterion", "observation", "property", "assumption",
}


class Converter:
    """Converts the Markdown cells of one chapter, given the book's index and its glue."""

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
        match = EXPLICIT_RE.match(content)
        if match and match.group("text"):
            return match.group("text"), match.group("target").strip()
        return None, content.strip()

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

        def replace(match):
            if match.group("role"):
                role = ROLE_RE.fullmatch(match.group("role"))
                return self.role(role.group("name"), role.group("content"))
            if match.group("math") and "\n" in match.group("math"):
                # inline math on one line: some Markdown renderers (nbconvert's mistune)
                # only see $...$ within a line and would read its _ and * as emphasis
                self._count("inline math joined onto one line")
                return re.sub(r"[ \t]*\n[ \t]*", " ", match.group("math"))
            return match.group(0)

        return INLINE_RE.sub(replace, text)

    # -- blocks ----------------------------------------------------------------------
    def markdown(self, text, top=True):
        """Convert one Markdown text (a cell, or a directive's body)."""
        lines = text.split("\n")
        out, run, i = [], [], 0

        def flush():
            if run:
                out.append(self.inline("\n".join(run)))
                run.clear()

        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            directive = DIRECTIVE_RE.match(stripped)
            if directive and directive.group("fence")[0] == "`" and "`" in directive.group("arg"):
                raise ConversionError(
                    f"{self.docname}: a backtick in the argument of {stripped[:60]!r}...: CommonMark "
                    "then does not see a fence, and the website shows the directive as raw text. "
                    "Open it with a colon fence (:::{name} ... :::) instead."
                )
            fence = FENCE_RE.match(stripped)
            if directive:
                flush()
                end = _closing(lines, i, directive.group("fence"))
                body = lines[i + 1:end]
                converted = self.directive(directive.group("name"), directive.group("arg").strip(), body)
                out.append(f"\n{converted}\n")  # blank lines: HTML blocks and tables must end
                i = end + 1
                continue
            if fence:  # an ordinary code block: copied verbatim
                flush()
                end = _closing(lines, i, fence.group("fence"))
                out.append("\n".join(lines[i:end + 1]))
                i = end + 1
                continue
            if LABEL_RE.match(line):
                self._count("label (x)=")
                i += 1
                continue
            if line.startswith("%"):  # a MyST comment
                self._count("comment %")
                i += 1
                continue
            if stripped.startswith("$$"):
                flush()
                i = self.display_math(lines, i, out)
                continue
            heading = HEADING_RE.match(line)
            if heading and top:
                flush()
                out.append(self.heading(heading.group(1), heading.group(2)))
                i += 1
                continue
            run.append(line)
            i += 1
        flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")

    def display_math(self, lines, i, out):
        """Copy a ``$$ ... $$`` block starting at line i; number it if it has a label."""
        first = lines[i].strip()[2:]
        block, j = [], i
        rest = first
        while True:
            close = rest.find("$$")
            if close >= 0:
                block.append(rest[:close])
                after = rest[close + 2:].strip()
                break
            block.append(rest)
            j += 1
            if j >= len(lines):
                raise ConversionError(f"unclosed $$ in {self.docname}")
            rest = lines[j]
        tex = "\n".join(block).strip("\n")
        if after:
            label = re.fullmatch(r"\((?P<label>[^()\s]+)\)", after)
            if label is None:
                raise ConversionError(f"text after a display equation's $$: {after!r} in {self.docname}")
            number, _url = self.book.equation(label.group("label"))
            tex = f"{tex}\n\\tag{{{number}}}"
            self._count("labelled equation $$ (x)")
        out.append(f"$$\n{tex}\n$$")
        return j + 1

    def heading(self, hashes, title):
        numbers = self.book.secnumbers.get(self.docname)
        title = self.inline(title)
        if numbers is None:  # an unnumbered document
            return f"{hashes} {title}"
        if self.headings >= len(numbers):
            raise ConversionError(f"{self.docname}: more headings than the build has sections")
        number = ".".join(map(str, numbers[self.headings]))
        self.headings += 1
        self._count("numbered heading")
        return f"{hashes} {number}. {title}"

    def _blockquote(self, title, body):
        return f"<blockquote>\n\n{title}\n\n{body.strip()}\n\n</blockquote>"

    def directive(self, name, arg, body):
        options, body = _options(body)
        self._count(f"directive {{{name}}}")
        content = self.markdown("\n".join(body), top=False)
        if name == "admonition":
            return self._blockquote(f"**{self.inline(arg)}**", content)
        if name in ADMONITIONS:
            title = f"{ADMONITIONS[name]}: {self.inline(arg)}" if arg else ADMONITIONS[name]
            return self._blockquote(f"**{title}**", content)
        if name == "exercise":
            return self._blockquote(f"**{self._numbered('exercise', options, arg)}**", content)
        if name.startswith("prf:") and name[4:] in PROOF_TYPES:
            return self._blockquote(f"**{self._numbered(name[4:], options, arg)}**", content)
        if name == "prf:proof":
            return self._blockquote("**Proof.**", content + "\n\n<p align=\"right\">&#8718;</p>")
        if name == "solution":
            summary = f"Solution to {self._exercise_name(arg)}"
            return f"<details class=\"solution\">\n<summary>{summary}</summary>\n\n{content.strip()}\n\n</details>"
        if name == "solution-start":
            self.gated = arg
            return f"<details class=\"solution\">\n<summary>Solution to {self._exercise_name(arg)}</summary>\n\n{content}"
        if name == "solution-end":
            if self.gated is None:
                raise ConversionError(f"{{solution-end}} without {{solution-start}} in {self.docname}")
            self.gated = None
            return f"{content}\n\n</details>"
        if name == "list-table":
            return self._caption("table", options, arg) + _list_table(content, options)
        if name == "table":
            return self._caption("table", options, arg) + content
        raise ConversionError(f"unsupported MyST directive {{{name}}} (in {self.docname})")

    def _numbered(self, kind, options, title):
        """'Exercise 7.2 (title)' as the site titles it."""
        label = options.get("label")
        title = self.inline(title)
        shown = kind.capitalize()
        if label and "nonumber" not in options:
            shown += " " + self.book.number(self.docname, kind, label)
        elif "nonumber" not in options:
            raise ConversionError(f"a numbered {kind} needs a :label: in {self.docname}")
        return f"{shown} ({title})" if title else shown

    def _exercise_name(self, label):
        docname, anchor, _title = self.book.label(label)
        return f"Exercise {self.book.number(docname, 'exercise', anchor)}"

    def _caption(self, kind, options, caption):
        name = options.get("name")
        if name is None:
            return (f"**{self.inline(caption)}**\n\n" if caption else "")
        number = self.book.number(self.docname, kind, name)
        shown = self.book.numfig_format.get(kind, kind.capitalize() + " %s").replace("%s", number)
        return f"**{shown}** {self.inline(caption)}\n\n"

    def figure_caption(self, figure):
        """The Markdown cell shown below a code cell that myst-nb turns into a figure."""
        name, caption = figure.get("name"), figure.get("caption", "")
        self._count("figure caption")
        if name is None:
            return self.inline(caption)
        number = self.book.number(self.docname, "figure", name)
        shown = self.book.numfig_format.get("figure", "Fig. %s").replace("%s", number)
        return f"**{shown}** {self.inline(caption)}"


DIRECTIVE_RE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<arg>.*)$")
FENCE_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?!.*`)[^{]*$")
LABEL_RE = re.compile(r"^\s*\([^()\s]+\)=\s*$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
OPTION_RE = re.compile(r"^:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")


def _closing(lines, start, fence):
    """Index of the line closing the fence opened at ``start`` (same character, as long or longer)."""
    char, n = fence[0], len(fence)
    pattern = re.compile(rf"^{re.escape(char)}{{{n},}}\s*$")
    for j in range(start + 1, len(lines)):
        if pattern.match(lines[j].strip()):
            return j
    raise ConversionError(f"unclosed fence {fence!r} opened by {lines[start].strip()!r}")


def _options(body):
    """Split a directive's ``:key: value`` option lines (or a --- YAML block) from its body."""
    options, i = {}, 0
    if body and body[0].strip() == "---":
        import yaml

        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is None:
            raise ConversionError("unclosed --- option block in a directive")
        options = yaml.safe_load("\n".join(body[1:end])) or {}
        i = end + 1
    else:
        while i < len(body) and OPTION_RE.match(body[i].strip()) and body[i].strip():
            match = OPTION_RE.match(body[i].strip())
            options[match.group("key")] = (match.group("value") or "").strip()
            i += 1
    return options, body[i:]


def _list_table(content, options):
    """A MyST list-table (a list of rows, each a list of cells) as a pipe table."""
    rows, cell = [], None
    for line in content.split("\n"):
        if not line.strip():
            continue
        row_start = re.match(r"^[*-] - (.*)$", line)
        cell_start = re.match(r"^\s+[*-] (.*)$", line)
        if row_start:
            rows.append([row_start.group(1).strip()])
        elif cell_start and rows:
            rows[-1].append(cell_start.group(1).strip())
        elif rows:
            rows[-1][-1] += " " + line.strip()
        else:
            raise ConversionError(f"cannot read list-table line {line!r}")
    if not rows:
        raise ConversionError("an empty list-table")
    width = max(len(r) for r in rows)
    for row in rows:
        for value in row:
            if "|" in value:
                raise ConversionError(f"a '|' inside a list-table cell cannot go into a pipe table: {value!r}")
        row.extend([""] * (width - len(row)))
    header_rows = int(options.get("header-rows", 0) or 0)
    header = rows[0] if header_rows else [""] * width
    body = rows[1:] if header_rows else rows

    def line(cells):
        return "| " + " | ".join(cells) + " |"

    return "\n".join([line(header), line(["---"] * width), *map(line, body)])


# --------------------------------------------------------------------------------------
# What must not survive: MyST syntax that plain Jupyter front ends show as raw text.
# tests/test_reader_edition.py plants an example of each and checks it is caught.
# --------------------------------------------------------------------------------------
MYST_PATTERNS = {
    "role": re.compile(r"\{[A-Za-z][\w:.-]*\}`"),
    "directive (backtick fence)": re.compile(r"^\s*`{3,}\s*\{[\w:.-]+\}", re.MULTILINE),
    "directive (colon fence)": re.compile(r"^\s*:{3,}", re.MULTILINE),
    "label line (label)=": re.compile(r"^\s*\([^()\s]+\)=\s*$", re.MULTILINE),
    "equation label $$ (label)": re.compile(r"\$\$[ \t]*\([^()\s]+\)"),
    "directive option line :key:": re.compile(r"^\s*:[\w-]+:(?:\s|$)", re.MULTILINE),
    "substitution {{ name }}": re.compile(r"(?<!\\)\{\{\s*[A-Za-z_][\w.-]*\s*\}\}(?!\})"),
    "comment line %": re.compile(r"^%", re.MULTILINE),
    "block break +++": re.compile(r"^\+\+\+", re.MULTILINE),
    "glue or eq marker": re.compile(r"\{(?:glue|eq|numref|doc|prf|cite)\b[^}]*\}"),
    "glossary term marker {term}": re.compile(r"\{term\}"),
    "API marker {py:...}": re.compile(r"\{py:[a-z]+\}"),
    "index marker {index}": re.compile(r"\{index\}"),
}


MATH_RE = re.compile(r"\$\$.*?\$\$|(?<!\\)\$(?:\\.|[^$\\])+\$", re.DOTALL)


def myst_leftovers(text):
    """``[(pattern name, matched text), ...]`` for every MyST construct left in ``text``."""
    found = []
    outside_math = MATH_RE.sub(" ", text)  # TeX braces such as {{a}} are not substitutions
    for name, pattern in MYST_PATTERNS.items():
        scanned = outside_math if name.startswith("substitution") else text
        found += [(name, m.group(0)) for m in pattern.finditer(scanned)]
    return found


# --------------------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------------------
def reader_notebook(nb, book, docname, other_glue=None):
    """Return (reader notebook, counts of the constructs converted)."""
    nb = copy.deepcopy(nbformat.from_dict(nb))
    conv = Converter(book, docname, glue_data(nb), other_glue)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            was_gated = conv.gated
            text = conv.markdown(cell.source)
            if was_gated:  # a Markdown cell inside a gated solution: its own <details>
                text = (f"<details class=\"solution\">\n<summary>Solution to "
                        f"{conv._exercise_name(was_gated)} (continued)</summary>\n\n{text}")
            if conv.gated:  # the solution goes on in the next cells: close this cell's part
                text += "\n\n</details>"
            cell.source = text
            cells.append(cell)
        elif cell.cell_type == "code":
            if "remove-cell" in cell.metadata.get("tags", []):
                conv._count("removed code cell (glue)")  # its values are in glue_data
                continue
            if conv.gated:  # code of a gated solution: hidden, and tagged like a solution
                tags = cell.metadata.setdefault("tags", [])
                if "solution" not in tags:
                    tags.append("solution")
                conv._count("gated solution code cell")
            if "solution" in cell.metadata.get("tags", []):
                cell.metadata["jupyter"] = {"source_hidden": True}
            cells.append(cell)
            figure = cell.metadata.get("mystnb", {}).get("figure")
            if figure:
                cells.append(nbformat.v4.new_markdown_cell(conv.figure_caption(figure)))
        else:
            cells.append(cell)
    if conv.gated is not None:
        raise ConversionError(f"unclosed {{solution-start}} {conv.gated!r} in {docname}")
    expected = len(book.secnumbers.get(docname, []))
    if docname in book.secnumbers and conv.headings != expected:
        raise ConversionError(f"{docname}: {conv.headings} headings, but the build has {expected} sections")
    note = nbformat.v4.new_markdown_cell(
        f"*Reader edition of this chapter for Jupyter, Colab and VS Code. The "
        f"[website version]({book.url(docname)}) has the same text; links to equations, "
        f"sections, other chapters and the bibliography open it.*"
    )
    nb.cells = cells[:1] + [note] + cells[1:]
    drop_new_ids(nb)
    for cell in nb.cells:
        leftovers = cell.cell_type == "markdown" and myst_leftovers(cell.source)
        if leftovers:
            raise ConversionError(f"{docname}: MyST syntax left after conversion: {leftovers}")
    nbformat.validate(nb)
    return nb, conv.counts


def copy_beside(src, dst):
    """Copy what the chapters read at run time (every non-notebook file or folder of src)."""
    copied = []
    for path in sorted(pathlib.Path(src).iterdir()):
        if path.suffix == ".ipynb" or path.name.startswith((".", "_")) or path.name == "__pycache__":
            continue
        target = pathlib.Path(dst) / path.name
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(path, target)
        copied.append(target)
    return copied


def drop_new_ids(nb):
    """Cells made with nbformat.v4 carry an id, which nbformat 4.0-4.4 notebooks may not have."""
    if nb.nbformat == 4 and nb.nbformat_minor < 5:
        for cell in nb.cells:
            cell.pop("id", None)


def convert_book(src, dst, build_dir, site):
    """Convert every chapter in ``src`` into ``dst``; return the total counts."""
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    book = BookIndex.from_build(build_dir, site)
    notebooks = {p: nbformat.read(p, as_version=4) for p in sorted(src.glob("*.ipynb"))}
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {src}")
    rel = src.resolve().relative_to(ROOT) if src.resolve().is_relative_to(ROOT) else pathlib.Path(src.name)

    def other_glue(doc):
        path = (src / doc).with_suffix(".ipynb")
        if path not in notebooks:
            raise ConversionError(f"glue from unknown notebook {doc!r}")
        return glue_data(notebooks[path])

    dst.mkdir(parents=True, exist_ok=True)
    totals = {}
    for path, nb in notebooks.items():
        docname = (rel / path.stem).as_posix()
        if docname not in book.titles:
            raise ConversionError(f"{path} is not in the build in {build_dir}: rebuild the book")
        reader, counts = reader_notebook(nb, book, docname, other_glue)
        nbformat.write(reader, dst / path.name)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        print("wrote", dst / path.name)
    for target in copy_beside(src, dst):
        print("copied", target)
    return totals


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", default="chapters")
    parser.add_argument("dst", nargs="?", default="_notebooks/chapters")
    parser.add_argument("--build", default="_build", help="build directory of a completed `make book`")
    parser.add_argument("--site", default=None, help="website URL (default: from _config.yml)")
    args = parser.parse_args(argv)
    site = args.site or site_url(current_url())
    totals = convert_book(args.src, args.dst, args.build, site)
    for key in sorted(totals):
        print(f"{totals[key]:6d}  {key}")


if __name__ == "__main__":
    main()
