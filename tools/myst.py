"""The book's one reader of MyST Markdown, built on markdown-it-py and mdit-py-plugins.

myst-parser parses the chapters for the website with markdown-it-py and these plugins;
every tool and test that needs the structure of a chapter's Markdown (directives and
their options, roles, labels, display math, headings) asks this module, so that none
of them matches MyST with a regular expression of its own.

- ``blocks(text)``: the top-level blocks of a Markdown text (a cell, or a directive's
  body), each with its line range, in order; lines in no block are ordinary text.
- ``inline(text)``: the roles, code spans and inline math of a run of text, each with
  its character range; ``split_explicit(content)``: a role's ``text <target>``.
- ``directives(text)`` / ``notebook_directives(nb)``: every directive, nested ones too;
  ``all_blocks(text)`` and ``roles(text)`` likewise look inside directives.
- ``leftovers(text)``: MyST constructs left in text meant for plain Markdown front ends.
"""
import dataclasses
import re

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin


class MystError(ValueError):
    """Markdown that MyST (and so the website) would not read as the author meant."""


def _parser():
    md = (MarkdownIt("commonmark", {"html": True})
          .use(myst_role_plugin).use(myst_block_plugin).use(colon_fence_plugin).use(amsmath_plugin)
          .use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True,
               double_inline=False)
          .enable("table"))
    for name in ("myst_role", "backticks", "math_inline"):  # record where each token came from
        md.inline.ruler.at(name, _located(md.inline.ruler.__rules__[md.inline.ruler.__find__(name)].fn))
    return md


def _located(rule):
    def wrapped(state, silent):
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent and len(state.tokens) > count:
            state.tokens[-1].meta = {**(state.tokens[-1].meta or {}), "span": (start, state.pos)}
        return found
    return wrapped


MD = _parser()
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}(?P<arg>.*)$", re.S)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


@dataclasses.dataclass
class Block:
    """One top-level block: lines ``start`` to ``end`` (exclusive) of the text.

    kind: ``directive`` (name, arg, body lines), ``fence`` (a code block: arg = its info
    string, body = its lines), ``label`` (``(name)=``), ``comment`` (``%``), ``break``
    (``+++``), ``math`` (``$$ ... $$``, name = its label or ""), ``amsmath``
    (``\\begin{align}`` ...), ``heading`` (name = the ``#``s, arg = the title's source).
    """

    kind: str
    start: int
    end: int
    name: str = ""
    arg: str = ""
    body: list = dataclasses.field(default_factory=list)
    fence: str = ""


def blocks(text):
    """The blocks of ``text`` that are not plain Markdown, top level only, in order."""
    lines, found, nesting = text.split("\n"), [], 0
    for token in MD.parse(text):
        if nesting == 0 and token.map is not None:
            start, end = token.map
            if token.type in ("fence", "colon_fence"):
                found.append(_fence_block(token, lines, start, end))
            elif token.type == "myst_target":
                found.append(Block("label", start, end, name=token.content))
            elif token.type == "myst_line_comment":
                found.append(Block("comment", start, end))
            elif token.type == "myst_block_break":
                found.append(Block("break", start, end))
            elif token.type in ("math_block", "math_block_label"):
                found.append(Block("math", start, end, name=token.info if token.type == "math_block_label" else ""))
            elif token.type == "paragraph_open" and re.match(r"^`{3,}\{", lines[start].strip()):
                raise MystError(f"a backtick in the argument of {lines[start].strip()[:60]!r}...: CommonMark "
                                "then does not see a fence, and the website shows the directive as raw "
                                "text. Open it with a colon fence (:::{name} ... :::) instead.")
            elif token.type == "amsmath":
                found.append(Block("amsmath", start, end))
            elif token.type == "heading_open" and token.markup.startswith("#"):
                found.append(Block("heading", start, end, name=token.markup, arg=None))
        if token.type == "inline" and found and found[-1].kind == "heading" and found[-1].arg is None:
            found[-1].arg = token.content
        nesting += token.nesting
    for block in found:
        block.arg = "" if block.arg is None else block.arg  # a heading without a title
    return found


def _fence_block(token, lines, start, end):
    opening = lines[start].strip()
    fence = re.match(r"^(`{3,}|~{3,}|:{3,})", opening).group(1)
    match = DIRECTIVE_INFO.match(token.info.strip())
    closed = end - 1 > start and lines[end - 1].strip().startswith(fence[0] * len(fence))
    body = lines[start + 1:end - 1 if closed else end]
    if not closed:
        raise MystError(f"unclosed fence {fence!r} opened by {opening!r}")
    if match is None:
        return Block("fence", start, end, arg=token.info.strip(), body=body, fence=fence)
    return Block("directive", start, end, name=match["name"], arg=match["arg"].strip(), body=body, fence=fence)


def directive_options(body):
    """Split a directive's body lines into ``({option: value}, content lines)``.

    Options are ``:key: value`` lines at the top, or a YAML block between ``---`` lines.
    """
    options, i = {}, 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is None:
            raise MystError("unclosed --- option block in a directive")
        import yaml  # noqa: PLC0415 (only for this form of options)

        return yaml.safe_load("\n".join(body[1:end])) or {}, body[end + 1:]
    while i < len(body):
        match = re.match(r"^:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$", body[i].strip())
        if not match:
            break
        options[match["key"]] = (match["value"] or "").strip()
        i += 1
    return options, body[i:]


def list_table_rows(content):
    """The rows of a ``{list-table}``'s content (a list of rows, each a list of cells) as text.

    A cell's lines are joined with spaces; an empty table or text outside the list is an error.
    """
    rows, lines, depth = [], content.split("\n"), 0  # depth 1: rows, 2: cells
    for token in MD.parse(content):
        if token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            depth -= 1
        elif token.type == "list_item_open" and depth == 1:
            rows.append([])
        elif token.type == "list_item_open" and depth == 2:
            rows[-1].append("")
        elif token.type == "inline" and depth == 2:
            joined = " ".join(line.strip() for line in token.content.split("\n"))
            rows[-1][-1] = (rows[-1][-1] + " " + joined).strip()
        elif depth == 0 and token.map is not None and token.nesting >= 0:
            raise MystError(f"cannot read list-table line {lines[token.map[0]]!r}")
    if not rows:
        raise MystError("an empty list-table")
    return rows


@dataclasses.dataclass
class Inline:
    """A role (name, content), a code span or inline math in a run of text: ``text[start:end]``."""

    kind: str
    start: int
    end: int
    name: str = ""
    content: str = ""


def inline(text):
    """The roles, code spans and inline math of ``text`` (read as one paragraph), in order."""
    found = []
    for token in MD.parseInline(text)[0].children or []:
        span = (token.meta or {}).get("span")
        if span is None:
            continue
        kind = {"myst_role": "role", "code_inline": "code", "math_inline": "math"}.get(token.type)
        if kind:
            found.append(Inline(kind, *span, name=(token.meta or {}).get("name", ""), content=token.content))
    return found


def split_explicit(content):
    """A role's content ``text <target>`` as ``(text, target)``; ``(None, target)`` without text."""
    match = EXPLICIT.match(content)
    if match and match["text"]:
        return match["text"], match["target"].strip()
    return None, content.strip()


@dataclasses.dataclass
class Directive:
    """A directive anywhere in a text, with its options and content lines."""

    name: str
    arg: str
    options: dict
    content: list
    start: int
    end: int


def directives(text, offset=0):
    """Every directive in ``text``, nested ones after their parent; lines counted from ``offset``."""
    lines = text.split("\n")
    for block in blocks(text):
        if block.kind == "directive":
            options, content = directive_options(block.body)
            yield Directive(block.name, block.arg, options, content, offset + block.start, offset + block.end)
            first = block.start + 1 + len(block.body) - len(content)
            yield from directives("\n".join(lines[first:block.end - 1]), offset + first)


def all_blocks(text):
    """The blocks of ``text`` and, recursively, of its directives' content (the content's lines
    counted from the content's first line)."""
    for block in blocks(text):
        yield block
        if block.kind == "directive":
            yield from all_blocks("\n".join(directive_options(block.body)[1]))


def roles(text):
    """``[(name, content)]`` of every role in a Markdown document, directives' content included."""
    found = [(child.meta["name"], child.content) for token in MD.parse(text) if token.type == "inline"
             for child in token.children or [] if child.type == "myst_role"]
    for block in blocks(text):
        if block.kind == "directive":
            found += roles("\n".join(directive_options(block.body)[1]))
    return found


def notebook_directives(nb, name=None):
    """``[(cell index, Directive)]`` of a notebook's Markdown cells (cells as dicts or nbformat nodes)."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            found += [(index, d) for d in directives(source) if name in (None, d.name)]
    return found


# --- what must not survive in plain Markdown: tests/editions plants an example of each --------
LEFTOVER_PATTERNS = {
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
MATH = re.compile(r"\$\$.*?\$\$|(?<!\\)\$(?:\\.|[^$\\])+\$", re.DOTALL)


def leftovers(text):
    """``[(pattern name, matched text), ...]`` for every MyST construct left in ``text``.

    Deliberately a search for fragments, not a parse: it must also catch broken markup
    that a parser would read as plain text.
    """
    found = []
    outside_math = MATH.sub(" ", text)  # TeX braces such as {{a}} are not substitutions
    for name, pattern in LEFTOVER_PATTERNS.items():
        scanned = outside_math if name.startswith("substitution") else text
        found += [(name, m.group(0)) for m in pattern.finditer(scanned)]
    return found
