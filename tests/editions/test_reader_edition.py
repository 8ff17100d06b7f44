"""The reader edition (tools/reader_edition.py): plain notebooks without MyST syntax.

These tests convert small synthetic notebooks against a hand-made index of a book, so
they run in well under a second; test_reader_edition_built.py checks the real edition.
"""
import copy
import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402
import reader_edition as re_  # noqa: E402
import reader_roles  # noqa: E402
from reader_index import BookIndex, ConversionError, site_url  # noqa: E402

SITE = "https://owner.github.io/book/"
DOC = "chapters/01_first"
BOOK = BookIndex(
    site=SITE,
    titles={DOC: "First steps", "chapters/02_second": "Second steps", "bibliography": "Bibliography"},
    labels={
        "sec-one": (DOC, "sec-one", "A section"),
        "ex-one": (DOC, "ex-one", "Exercise"),
        "ex-two": (DOC, "ex-two", "Exercise"),
        "fig-one": (DOC, "fig-one", "A figure"),
        "tab-one": (DOC, "tab-one", "A table"),
    },
    fignumbers={DOC: {
        "displaymath": {"equation-eq-one": (1, 1), "equation-eq-two": (1, 2)},
        "figure": {"fig-one": (1, 1)},
        "table": {"tab-one": (1, 1), "tab-two": (1, 2)},
        "exercise": {"ex-one": (1, 1), "ex-two": (1, 2)},
        "theorem": {"thm-one": (1, 1)},
    }},
    secnumbers={DOC: [(1,), (1, 1), (1, 2)]},
    equations={"eq-one": (DOC, "equation-eq-one"), "eq-two": (DOC, "equation-eq-two")},
    proofs={"thm-one": (DOC, "theorem")},
    citations={
        "lin1976": ("bibliography", "id3", ["Linnainmaa"], "1976", 2),
        "gw2008": ("bibliography", "id7", ["Griewank", "Walther"], "2008", 1),
        "rhw1986": ("bibliography", "id8", ["Rumelhart", "Hinton", "Williams"], "1986", 3),
    },
    numfig_format={"figure": "Fig. %s", "table": "Table %s"},
    terms={
        "gradient descent": ("appendices/glossary", "term-gradient-descent"),
        "BPTT": ("appendices/glossary", "term-BPTT"),
    },
    py_objects={
        "nnlib.activations": ("appendices/api", "module-nnlib.activations", "module"),
        "nnlib.activations.sigmoid": ("appendices/api", "nnlib.activations.sigmoid", "function"),
        "nnlib.layers.Dense": ("appendices/api", "nnlib.layers.Dense", "class"),
        "nnlib.layers.Dense.forward": ("appendices/api", "nnlib.layers.Dense.forward", "method"),
        "nnlib.layers.Dense.W": ("appendices/api", "nnlib.layers.Dense.W", "attribute"),
    },
)
URL = SITE + DOC + ".html"
GLOSSARY = SITE + "appendices/glossary.html"
API = SITE + "appendices/api.html"


def glue_output(key, text):
    """An output as myst_nb.glue(key, value, display=False) records it."""
    return nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": text},
        metadata={"scrapbook": {"name": key, "mime_prefix": "application/papermill.record/"}},
    )


def notebook(*cells, glue=None):
    """A notebook from ("md", text) / ("code", source, outputs) cells; glue goes in a first code cell."""
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("import nnlib")
    setup.outputs = [glue_output(k, v) for k, v in (glue or {}).items()]
    built = [nbformat.v4.new_markdown_cell("# First steps"), setup]
    for cell in cells:
        if cell[0] == "md":
            built.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            code = nbformat.v4.new_code_cell(cell[1])
            code.outputs = cell[2] if len(cell) > 2 else []
            if len(cell) > 3:
                code.metadata.update(cell[3])
            built.append(code)
    nb.cells = built
    return nb


def convert(*cells, glue=None, headings=1):
    """Markdown of the converted cells after the title, note and setup cells."""
    book = copy.deepcopy(BOOK)
    book.secnumbers[DOC] = book.secnumbers[DOC][:headings]
    nb, _ = re_.reader_notebook(notebook(*cells, glue=glue), book, DOC)
    return nb


def md(text, **kw):
    nb = convert(("md", text), **kw)
    return nb.cells[3].source


# --- glue ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "role, stored, expected",
    [
        ("{glue:text}`acc`", "0.9321", "0.9321"),
        ("{glue:text}`acc:.1f`", "0.9321", "0.9"),
        ("{glue:text}`acc:.1%`", "0.9321", "93.2%"),
        ("{glue:text}`acc`", "'4,810'", "4,810"),           # a glued str: quotes removed
        ("{glue:text}`acc:d`", "4810", "4810"),
        ("{glue:text}`acc:.2e`", "1.5e-10", "1.50e-10"),
    ],
)
def test_glue_text_is_substituted_and_formatted(role, stored, expected):
    assert md(f"The value is {role}.", glue={"acc": stored}) == f"The value is {expected}."


@pytest.mark.parametrize("text", ["0.9321", "'abc'", "4810", "[1, 2]", "not python"])
@pytest.mark.parametrize("spec", ["", "s"])
def test_glue_formatting_agrees_with_myst_nb(text, spec):
    from myst_nb.core.variables import format_plain_text

    assert reader_roles.format_glue_text(text, spec) == format_plain_text(text, spec)


@pytest.mark.parametrize("spec", [".3f", ".1%", ".2e", "g"])
def test_glue_number_formats_agree_with_myst_nb(spec):
    from myst_nb.core.variables import format_plain_text

    assert reader_roles.format_glue_text("0.123456", spec) == format_plain_text("0.123456", spec)


def test_glue_value_is_escaped_as_plain_text():
    assert md("{glue:text}`v`", glue={"v": "'a_b*c'"}) == r"a\_b\*c"


def test_unknown_glue_key_is_an_error_not_a_blank():
    with pytest.raises(ConversionError, match="unknown glue key 'missing'"):
        md("{glue:text}`missing`", glue={"acc": "1"})


# --- equations and references ---------------------------------------------------------
def test_eq_becomes_the_number_linked_to_the_site():
    assert md("By {eq}`eq-two`.") == f"By [(1.2)]({URL}#equation-eq-two)."


def test_labelled_display_equation_carries_its_number_as_a_tag():
    out = md("Text\n\n$$\na = b\n$$ (eq-one)\n\n$$\nc = d\n$$\n\nmore")
    assert "$$\na = b\n\\tag{1.1}\n$$" in out
    assert "$$\nc = d\n$$" in out  # unlabelled: unnumbered, as on the site
    assert "(eq-one)" not in out


def test_unknown_equation_label_is_an_error():
    with pytest.raises(ConversionError, match="unknown equation label"):
        md("{eq}`eq-nowhere`")


@pytest.mark.parametrize(
    "source, expected",
    [
        ("{ref}`sec-one`", f"[A section]({URL}#sec-one)"),
        ("{ref}`this part <sec-one>`", f"[this part]({URL}#sec-one)"),
        ("{ref}`ex-one`", f"[Exercise 1.1]({URL}#ex-one)"),  # as sphinx-exercise shows it
        ("{numref}`fig-one`", f"[Fig. 1.1]({URL}#fig-one)"),
        ("{numref}`tab-one`", f"[Table 1.1]({URL}#tab-one)"),
        ("{numref}`Figure %s <fig-one>`", f"[Figure 1.1]({URL}#fig-one)"),
        ("{doc}`02_second`", f"[Second steps]({SITE}chapters/02_second.html)"),
        ("{doc}`../bibliography`", f"[Bibliography]({SITE}bibliography.html)"),
        ("{prf:ref}`thm-one`", f"[Theorem 1.1]({URL}#thm-one)"),
    ],
)
def test_cross_references_become_text_linked_to_the_site(source, expected):
    assert md(source) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("{cite:t}`rhw1986`", f"[Rumelhart et al. (1986)]({SITE}bibliography.html#id8)"),
        ("{cite:p}`rhw1986`", f"([Rumelhart et al., 1986]({SITE}bibliography.html#id8))"),
        ("{cite:t}`gw2008`", f"[Griewank and Walther (2008)]({SITE}bibliography.html#id7)"),
        # several keys: in the bibliography's order, as sphinxcontrib-bibtex lists them
        ("{cite:p}`lin1976,gw2008`",
         f"([Griewank and Walther, 2008]({SITE}bibliography.html#id7); "
         f"[Linnainmaa, 1976]({SITE}bibliography.html#id3))"),
    ],
)
def test_citations_become_author_year_text_linked_to_the_bibliography(source, expected):
    assert md(source) == expected


@pytest.mark.parametrize("source", ["{ref}`nowhere`", "{cite:p}`nobody2000`", "{doc}`99_missing`",
                                    "{prf:ref}`thm-missing`", "{numref}`sec-missing`"])
def test_unknown_targets_are_errors(source):
    with pytest.raises(ConversionError):
        md(source)


# --- glossary terms, API references and index entries -------------------------------------
@pytest.mark.parametrize(
    "source, expected",
    [
        ("{term}`gradient descent`", f"[gradient descent]({GLOSSARY}#term-gradient-descent)"),
        # Sphinx matches a term exactly first, then ignoring case; the text is shown as written
        ("{term}`Gradient descent`", f"[Gradient descent]({GLOSSARY}#term-gradient-descent)"),
        ("{term}`bptt`", f"[bptt]({GLOSSARY}#term-BPTT)"),
        ("{term}`descends the gradient <gradient descent>`",
         f"[descends the gradient]({GLOSSARY}#term-gradient-descent)"),
        ("{term}`BPTT`", f"[BPTT]({GLOSSARY}#term-BPTT)"),
    ],
)
def test_term_becomes_its_text_linked_to_the_glossary_entry(source, expected):
    assert md(source) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        # as Sphinx shows them: ~ keeps the last component, functions and methods get ()
        ("{py:func}`~nnlib.activations.sigmoid`", f"[`sigmoid()`]({API}#nnlib.activations.sigmoid)"),
        ("{py:func}`nnlib.activations.sigmoid`",
         f"[`nnlib.activations.sigmoid()`]({API}#nnlib.activations.sigmoid)"),
        ("{py:func}`nnlib.activations.sigmoid()`",
         f"[`nnlib.activations.sigmoid()`]({API}#nnlib.activations.sigmoid)"),
        ("{py:func}`the sigmoid <nnlib.activations.sigmoid>`",
         f"[`the sigmoid`]({API}#nnlib.activations.sigmoid)"),
        ("{py:class}`~nnlib.layers.Dense`", f"[`Dense`]({API}#nnlib.layers.Dense)"),
        ("{py:class}`nnlib.layers.Dense`", f"[`nnlib.layers.Dense`]({API}#nnlib.layers.Dense)"),
        ("{py:meth}`~nnlib.layers.Dense.forward`", f"[`forward()`]({API}#nnlib.layers.Dense.forward)"),
        ("{py:meth}`Dense.forward <nnlib.layers.Dense.forward>`",
         f"[`Dense.forward`]({API}#nnlib.layers.Dense.forward)"),
        ("{py:mod}`nnlib.activations`", f"[`nnlib.activations`]({API}#module-nnlib.activations)"),
        ("{py:mod}`~nnlib.activations`", f"[`activations`]({API}#module-nnlib.activations)"),
        ("{py:attr}`~nnlib.layers.Dense.W`", f"[`W`]({API}#nnlib.layers.Dense.W)"),
        # a leading dot searches by suffix; ! shows the code without a link
        ("{py:class}`.Dense`", f"[`Dense`]({API}#nnlib.layers.Dense)"),
        ("{py:func}`!nnlib.nowhere`", "`nnlib.nowhere()`"),
    ],
)
def test_api_references_become_inline_code_linked_to_the_api_reference(source, expected):
    assert md(source) == expected


def test_function_parentheses_follow_the_sphinx_option():
    book = copy.deepcopy(BOOK)
    book.secnumbers[DOC] = book.secnumbers[DOC][:1]
    book.add_function_parentheses = False
    nb, _ = re_.reader_notebook(notebook(("md", "{py:meth}`~nnlib.layers.Dense.forward()`")), book, DOC)
    assert nb.cells[3].source == f"[`forward`]({API}#nnlib.layers.Dense.forward)"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("{index}`gradient`", "gradient"),
        ("{index}`!gradient`", "gradient"),
        ("{index}`the gradient <single: gradient; of a loss>`", "the gradient"),
        ("{index}`a_b`", r"a\_b"),
    ],
)
def test_index_role_becomes_its_text(source, expected):
    assert md(source) == expected


@pytest.mark.parametrize(
    "source, match",
    [
        ("{term}`no such term`", "unknown glossary term"),
        ("{py:func}`nnlib.activations.nowhere`", "unknown Python object"),
        ("{py:class}`Dense`", "unknown Python object"),   # not a full name, and no leading dot
        ("{py:class}`.nowhere`", "unknown Python object"),
        ("{index}`!`", "empty"),
    ],
)
def test_unknown_terms_and_api_targets_are_errors(source, match):
    with pytest.raises(ConversionError, match=match):
        md(source)


def test_unsupported_role_and_directive_are_errors():
    with pytest.raises(ConversionError, match="unsupported MyST role"):
        md("{kbd}`Ctrl`")
    with pytest.raises(ConversionError, match="unsupported MyST role"):
        md("{py:foo}`nnlib.activations.sigmoid`")
    with pytest.raises(ConversionError, match="unsupported MyST directive"):
        md("```{figure} a.png\n:name: f\n```")


def test_backtick_in_a_directive_argument_is_an_error():
    # CommonMark ends the info string at a backtick: the website shows such a directive raw
    with pytest.raises(ConversionError, match="colon fence"):
        md("```{list-table} The `init` table\n:name: tab-one\n\n* - a\n```")


def test_code_spans_math_and_code_blocks_are_left_alone():
    text = "Use `x = {1: 2}` and $a_{b}$.\n\n```python\n# not a heading\nprint('$x$')\n```"
    assert md(text) == text


# --- blocks ----------------------------------------------------------------------------
def test_headings_get_the_section_numbers_of_the_build_and_labels_go():
    nb = convert(("md", "(sec-one)=\n## A section\n\ntext\n\n## Another"), headings=3)
    assert nb.cells[0].source == "# 1. First steps"
    assert nb.cells[3].source == "## 1.1. A section\n\ntext\n\n## 1.2. Another"


def test_more_headings_than_sections_is_an_error():
    with pytest.raises(ConversionError, match="headings"):
        convert(("md", "## A section"), headings=1)


def test_admonition_becomes_a_titled_blockquote():
    out = md("```{admonition} Learning objectives\n:class: tip\nYou can **do** $x$.\n```\nAfter.")
    assert out == "<blockquote>\n\n**Learning objectives**\n\nYou can **do** $x$.\n\n</blockquote>\n\nAfter."
    assert md("```{note}\nCareful.\n```").startswith("<blockquote>\n\n**Note**\n\nCareful.")


EXERCISE = (
    "````{exercise} Chain rule\n:label: ex-two\n\nDerive {eq}`eq-one`.\n````\n\n"
    "````{solution} ex-two\n:class: dropdown\n\nIt follows.\n\n```python\nassert 1 + 1 == 2\n```\n````"
)


def test_exercise_is_numbered_and_its_solution_hidden_in_details():
    out = md(EXERCISE)
    assert out.startswith(f"<blockquote>\n\n**Exercise 1.2 (Chain rule)**\n\nDerive [(1.1)]({URL}#equation-eq-one).")
    details = re.search(r'<details class="solution">\n<summary>(.*?)</summary>\n\n(.*?)\n\n</details>', out, re.S)
    assert details is not None, out
    assert details.group(1) == "Solution to Exercise 1.2"
    assert details.group(2) == "It follows.\n\n```python\nassert 1 + 1 == 2\n```"
    assert "<details open" not in out


def test_theorem_and_proof_are_titled_as_on_the_site():
    out = md("```{prf:theorem} Convergence\n:label: thm-one\nIt converges.\n```\n\n```{prf:proof}\nBy induction.\n```")
    assert "**Theorem 1.1 (Convergence)**\n\nIt converges." in out
    assert "**Proof.**\n\nBy induction." in out


def test_list_table_becomes_a_captioned_pipe_table():
    out = md(":::{list-table} Shapes of $W$.\n:header-rows: 1\n:name: tab-two\n\n* - name\n  - shape\n"
             "* - $W$\n  - {eq}`eq-one`\n:::")
    assert out == (f"**Table 1.2** Shapes of $W$.\n\n| name | shape |\n| --- | --- |\n"
                   f"| $W$ | [(1.1)]({URL}#equation-eq-one) |")


def test_figure_caption_of_a_code_cell_follows_it_numbered():
    meta = {"mystnb": {"figure": {"name": "fig-one", "caption": "Loss against {eq}`eq-one`."}}}
    nb = convert(("code", "plt.show()", [], meta), ("md", "After."))
    assert nb.cells[3].source == "plt.show()"
    assert nb.cells[4].source == f"**Fig. 1.1** Loss against [(1.1)]({URL}#equation-eq-one)."


def test_gated_solution_hides_its_code_cells():
    out = nbformat.v4.new_output("stream", text="ok\n")
    nb = convert(
        ("md", "```{exercise} Gated\n:label: ex-one\nDo it.\n```\n\n```{solution-start} ex-one\n:class: dropdown\n```\nFirst part."),
        ("code", "print('ok')", [out]),
        ("md", "Second part.\n\n```{solution-end}\n```\n\nAfter the solution."),
    )
    first, code, second = nb.cells[3], nb.cells[4], nb.cells[5]
    assert '<details class="solution">\n<summary>Solution to Exercise 1.1</summary>\n\nFirst part.\n\n</details>' in first.source
    assert code.source == "print('ok')" and code.outputs == [out]
    assert "solution" in code.metadata["tags"] and code.metadata["jupyter"]["source_hidden"] is True
    assert second.source.startswith('<details class="solution">\n<summary>Solution to Exercise 1.1 (continued)</summary>\n\nSecond part.')
    assert second.source.count("<details") == second.source.count("</details>") == 1
    assert second.source.endswith("</details>\n\nAfter the solution.")


def test_unclosed_gated_solution_is_an_error():
    with pytest.raises(ConversionError, match="unclosed"):
        convert(("md", "```{solution-start} ex-one\n```\nText."))


def test_code_cells_and_outputs_are_kept_unchanged():
    outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=3)]
    src = notebook(("md", "Text {eq}`eq-one`."), ("code", "6 * 7", outputs))
    book = copy.deepcopy(BOOK)
    book.secnumbers[DOC] = book.secnumbers[DOC][:1]
    reader, _ = re_.reader_notebook(src, book, DOC)
    assert code_cells(reader) == code_cells(src)


def test_glue_records_are_dropped_and_their_values_are_in_the_text():
    outputs = [nbformat.v4.new_output("stream", text="trained\n")]
    src = notebook(("md", "Accuracy {glue:text}`acc:.1%`."), ("code", "print('trained')", outputs),
                   glue={"acc": "0.9321"})
    assert sum(len(c.outputs) for c in src.cells if c.cell_type == "code") == 2
    book = copy.deepcopy(BOOK)
    book.secnumbers[DOC] = book.secnumbers[DOC][:1]
    reader, counts = re_.reader_notebook(src, book, DOC)
    assert reader.cells[3].source == "Accuracy 93.2%."
    assert [c.outputs for c in reader.cells if c.cell_type == "code"] == [[], outputs]
    assert "papermill" not in nbformat.writes(reader) and counts["glue record removed"] == 1


PNG = "iVBORw0KGgo=\n"  # the first bytes of a PNG, base64, with the line end Jupyter writes


def test_a_figure_carries_its_alt_text_into_an_html_form_of_its_picture():
    alt = 'Two curves, "loss" & accuracy,\n  falling'
    figure = {"mystnb": {"figure": {"caption": "Loss.", "name": "fig-one"},
                         "image": {"alt": alt}}}
    png = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    plain = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    src = notebook(("code", "plot()", png, figure), ("code", "plot()", plain))
    book = copy.deepcopy(BOOK)
    book.secnumbers[DOC] = book.secnumbers[DOC][:1]
    reader, counts = re_.reader_notebook(src, book, DOC)
    with_alt, without = [c for c in reader.cells if c.cell_type == "code"][1:]
    data = with_alt.outputs[0]["data"]
    assert data["image/png"] == PNG and data["text/plain"] == "<Figure>"
    assert data["text/html"] == ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="Two curves, '
                                 '&quot;loss&quot; &amp; accuracy, falling"/>')
    assert "text/html" not in without.outputs[0]["data"]  # no alt text, nothing to carry
    assert counts["figure alt text carried"] == 1
    assert "text/html" not in png[0]["data"]  # the source notebook is not modified


def code_cells(nb):
    """Source, outputs (without glue records) and count of each code cell a reader sees.

    The reader edition drops the glue records and the cells tagged ``remove-cell`` (the glue
    calls, which the site hides too), and gives a figure's PNG an HTML form with its alt text
    (idempotent, so applying it to the reader edition again changes nothing)."""
    nb = copy.deepcopy(nb)
    re_.drop_glue_records(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            re_.carry_alt_text(cell)
    return [(c.source, c.outputs, c.get("execution_count")) for c in nb.cells
            if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])]


# --- the list of MyST patterns, each with a planted example it catches ---------------------
PLANTED = {
    "role": "see {eq}`eq-one` here",
    "directive (backtick fence)": "```{exercise} Title\ntext\n```",
    "directive (colon fence)": ":::{note}\ntext\n:::",
    "label line (label)=": "(sec-one)=\n## A section",
    "equation label $$ (label)": "$$\na = b\n$$ (eq-one)",
    "directive option line :key:": "text\n:class: dropdown\nmore",
    "substitution {{ name }}": "the {{ nnlib }} package",
    "comment line %": "% a MyST comment\ntext",
    "block break +++": "text\n+++\nmore",
    "glue or eq marker": "a stray {glue} marker",
    "glossary term marker {term}": "a {term} role split from its text",
    "API marker {py:...}": "see {py:func} for details",
    "index marker {index}": "an {index} marker",
}


def test_every_pattern_has_a_planted_example():
    assert set(PLANTED) == set(myst.LEFTOVER_PATTERNS)


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_pattern_catches_its_planted_example(name):
    assert any(found == name for found, _ in myst.leftovers(PLANTED[name])), name
    # and the same text planted in a converted chapter would be reported
    clean = md(EXERCISE)
    assert myst.leftovers(clean) == []
    assert name in {n for n, _ in myst.leftovers(clean + "\n\n" + PLANTED[name])}


def test_math_braces_are_not_mistaken_for_substitutions():
    assert myst.leftovers(r"$\frac{{a}}{b}$ and $x^{{2}}$ and {a}") == []


# --- site URL ----------------------------------------------------------------------------
def test_site_url_from_the_repository_url():
    assert site_url("https://github.com/Some-Org/nn-math-book") == "https://Some-Org.github.io/nn-math-book/"
    with pytest.raises(ValueError):
        site_url("https://gitlab.com/a/b")


