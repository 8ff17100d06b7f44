"""tools/myst.py, the one MyST reader: blocks, inline tokens, directives and their options."""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402

TEXT = """(sec-a)=
# Title {eq}`e` ##

% a comment
Text with `{eq}`code`` and $a_{b}$.

$$
x = 1
$$ (eq-x)

:::{note} A note
:class: tip
Body with {ref}`sec-a`.
:::

````{exercise} Sizes
:label: ex-a

```python
print(1)
```
````
"""


def test_blocks_are_found_with_their_line_ranges():
    found = [(b.kind, b.start, b.end, b.name, b.arg) for b in myst.blocks(TEXT)]
    assert found == [("label", 0, 1, "sec-a", ""), ("heading", 1, 2, "#", "Title {eq}`e`"),
                     ("comment", 3, 4, "", ""), ("math", 6, 9, "eq-x", ""),
                     ("directive", 10, 14, "note", "A note"), ("directive", 15, 22, "exercise", "Sizes")]


def test_directives_nested_fences_and_options():
    found = list(myst.directives(TEXT))
    assert [(d.name, d.options) for d in found] == [("note", {"class": "tip"}), ("exercise", {"label": "ex-a"})]
    [fence] = [b for b in myst.all_blocks(TEXT) if b.kind == "fence"]
    assert (fence.arg, fence.body) == ("python", ["print(1)"])
    assert myst.directive_options(["---", "label: x", "class: y", "---", "body"]) == ({"label": "x", "class": "y"},
                                                                                    ["body"])


def test_inline_tokens_know_code_from_roles():
    text = "See {eq}`e` and `{eq}`x`` and $a\nb$."
    tokens = [(t.kind, t.name, text[t.start:t.end]) for t in myst.inline(text)]
    assert tokens == [("role", "eq", "{eq}`e`"), ("code", "", "`{eq}`"), ("math", "", "$a\nb$")]
    assert myst.roles(TEXT) == [("eq", "e"), ("ref", "sec-a")]
    assert myst.split_explicit("the text <target>") == ("the text", "target")
    assert myst.split_explicit(" target ") == (None, "target")


def test_list_table_rows():
    assert myst.list_table_rows("* - a\n  - b\n    c\n* - d\n  -") == [["a", "b c"], ["d", ""]]
    with pytest.raises(myst.MystError, match="empty"):
        myst.list_table_rows("")
    with pytest.raises(myst.MystError, match="cannot read"):
        myst.list_table_rows("not a list")


@pytest.mark.parametrize("text, match", [
    ("```{note}\nnever closed", "unclosed fence"),
    ("```{list-table} The `x` table\n* - a\n```", "colon fence"),
])
def test_markdown_the_website_would_misread_is_an_error(text, match):
    with pytest.raises(myst.MystError, match=match):
        myst.blocks(text)


def test_every_chapter_parses():
    import nbformat

    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        assert len(myst.notebook_directives(nbformat.read(path, as_version=4), "exercise")) >= 4, path.name
