"""Blocks of a chapter's Markdown, rewritten as plain Markdown for the reader edition.

Admonitions, exercises, theorems, proofs and algorithms become titled ``<blockquote>``s,
numbered as on the site; solutions go into ``<details class="solution">`` (closed);
gated solutions (``{solution-start}`` ... ``{solution-end}``) are opened here and closed
by tools/reader_edition.py, which hides their code cells; tables get their numbered
caption; headings get their section numbers; a labelled display equation carries its
number as ``\tag{7.3}``; ``(label)=`` lines and ``%`` comments go. Which lines are which
block comes from tools/myst.py; the roles inside are rewritten by tools/reader_roles.py.
"""
import re

from myst import MystError, blocks, directive_options, list_table_rows
from reader_index import ConversionError
from reader_roles import RoleConverter

ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also",
}
PROOF_TYPES = {
    "theorem", "lemma", "definition", "algorithm", "corollary", "proposition", "conjecture",
    "remark", "example", "axiom", "criterion", "observation", "property", "assumption",
}


class Converter(RoleConverter):
    """Converts the Markdown cells of one chapter, given the book's index and its glue."""

    def markdown(self, text, top=True):
        """Convert one Markdown text (a cell, or a directive's body)."""
        lines = text.split("\n")
        try:
            found = {block.start: block for block in blocks(text)}
        except MystError as exc:
            raise ConversionError(f"{self.docname}: {exc}") from None
        out, run, i = [], [], 0

        def flush():
            if run:
                out.append(self.inline("\n".join(run)))
                run.clear()

        while i < len(lines):
            block = found.get(i)
            kind = block.kind if block else None
            if kind in ("directive", "fence", "math") or (kind == "heading" and top):
                flush()
                if kind == "directive":  # blank lines around: HTML blocks and tables must end
                    out.append(f"\n{self.directive(block.name, block.arg, block.body)}\n")
                elif kind == "fence":  # an ordinary code block: copied verbatim
                    out.append("\n".join(lines[i:block.end]))
                elif kind == "math":
                    out.append(self.display_math(lines[i:block.end], block.name))
                else:
                    out.append(self.heading(block.name, block.arg))
                i = block.end
            elif kind in ("label", "comment"):
                self._count({"label": "label (x)=", "comment": "comment %"}[kind])
                i = block.end
            else:
                run.append(lines[i])
                i += 1
        flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")

    def display_math(self, lines, label):
        """A ``$$ ... $$`` block; numbered with ``\tag`` if it has a label."""
        text = "\n".join(lines).strip()
        tex = text[2:text.rindex("$$")].strip("\n")
        if label:
            number, _url = self.book.equation(label)
            tex = f"{tex}\n\\tag{{{number}}}"
            self._count("labelled equation $$ (x)")
        return f"$$\n{tex}\n$$"

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
        try:
            options, body = directive_options(body)
        except MystError as exc:
            raise ConversionError(f"{self.docname}: {exc}") from None
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
            return self._caption("table", options, arg) + self._list_table(content, options)
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

    def _list_table(self, content, options):
        """A MyST list-table (a list of rows, each a list of cells) as a pipe table."""
        try:
            rows = list_table_rows(content)
        except MystError as exc:
            raise ConversionError(f"{self.docname}: {exc}") from None
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
