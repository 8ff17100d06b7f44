"""Write the reader edition: ``python tools/reader_edition.py [--build _build] [SRC] [DST]``.

The chapters are MyST notebooks: their Markdown holds roles, directives and labels that
only Sphinx and myst-nb understand, and Jupyter front ends (JupyterLab, Notebook 7, Colab,
VS Code, GitHub's viewer) show them as raw markup. This script writes, for every executed
chapter in SRC (default ``chapters``), a plain notebook into DST (default
``_notebooks/chapters``) whose Markdown uses only CommonMark, MathJax and a little HTML that
all of them render. tools/reader_blocks.py and tools/reader_roles.py say what becomes of
each construct; tools/myst.py reads the MyST.

Code cells are copied unchanged, except that the glue records (the
``application/papermill.record/*`` outputs of ``myst_nb.glue``, which no front end but
Sphinx renders) are removed: their values are already in the Markdown. A figure's alt text
(the cell's ``mystnb.image.alt``, which the website puts on its ``<img>``) travels with the
picture: no front end reads alt text from metadata, so each PNG output also gets a
``text/html`` form, an ``<img>`` with that ``alt`` (every front end prefers HTML to PNG; a
re-run replaces both with the plain PNG). Gated solutions' code cells are tagged
``solution`` and hidden. Every number and anchor comes from
``BUILD/book_index.json`` (written by ``make book``, tools/sphinx_book_index.py), never
recomputed; the website's address comes from ``_config.yml``'s ``repository: url:``.
Anything the converter does not know (a role, a directive, a glue key, a label) is an
error, so a new construct cannot slip through as raw markup.
"""
import argparse
import copy
import html
import pathlib
import shutil
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402
from reader_blocks import Converter  # noqa: E402
from reader_index import BookIndex, ConversionError, site_url  # noqa: E402
from set_repo_url import current_url  # noqa: E402

GLUE_MIME = "application/papermill."
MATH_RE = myst.MATH  # inline and display math in plain Markdown (tests/browser counts them)


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



def drop_glue_records(nb):
    """Remove the glue records from the code cells' outputs; return how many went."""
    removed = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            kept = [o for o in cell.get("outputs", [])
                    if not any(key.startswith(GLUE_MIME) for key in o.get("data", {}))]
            removed += len(cell.get("outputs", [])) - len(kept)
            cell.outputs = kept
    return removed


def carry_alt_text(cell):
    """Give each PNG output of a figure cell an HTML form with the cell's alt text; count them."""
    alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    if not alt:
        return 0
    carried = 0
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data and "text/html" not in data:
            png = "".join(data["image/png"]).replace("\n", "")
            data["text/html"] = (f'<img src="data:image/png;base64,{png}" '
                                 f'alt="{html.escape(" ".join(alt.split()))}"/>')
            carried += 1
    return carried


def reader_notebook(nb, book, docname, other_glue=None, glue=None):
    """Return (reader notebook, counts of the constructs converted)."""
    nb = copy.deepcopy(nbformat.from_dict(nb))
    conv = Converter(book, docname, glue_data(nb) if glue is None else glue, other_glue)
    conv._count("glue record removed", drop_glue_records(nb))
    hidden = [c for c in nb.cells if "remove-cell" in c.metadata.get("tags", [])]
    conv._count("hidden cell dropped", len(hidden))     # the glue cells: read above, not shown
    cells = []
    for cell in (c for c in nb.cells if "remove-cell" not in c.metadata.get("tags", [])):
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
            if conv.gated:  # code of a gated solution: hidden, and tagged like a solution
                tags = cell.metadata.setdefault("tags", [])
                if "solution" not in tags:
                    tags.append("solution")
                conv._count("gated solution code cell")
            if "solution" in cell.metadata.get("tags", []):
                cell.metadata["jupyter"] = {"source_hidden": True}
            conv._count("figure alt text carried", carry_alt_text(cell))
            cells.append(cell)
            figure = cell.metadata.get("mystnb", {}).get("figure")
            if figure:
                caption = nbformat.v4.new_markdown_cell(conv.figure_caption(figure))
                caption.id = f"{cell.get('id', len(cells))}-caption"[-64:]  # the same in every run
                cells.append(caption)
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
    note.id = "reader-edition-note"
    nb.cells = cells[:1] + [note] + cells[1:]
    drop_new_ids(nb)
    for cell in nb.cells:
        leftovers = cell.cell_type == "markdown" and myst.leftovers(cell.source)
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


def docname_of(src, path):
    """The Sphinx docname of the notebook ``path`` in the folder ``src`` (``chapters/01_x``)."""
    src = pathlib.Path(src).resolve()
    rel = src.relative_to(ROOT) if src.is_relative_to(ROOT) else pathlib.Path(src.name)
    return (rel / pathlib.Path(path).stem).as_posix()


def convert_book(src, dst, build_dir, site):
    """Convert every chapter in ``src`` into ``dst``; return the total counts."""
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    book = BookIndex.from_json(build_dir, site)
    notebooks = {p: nbformat.read(p, as_version=4) for p in sorted(src.glob("*.ipynb"))}
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {src}")

    def other_glue(doc):
        path = (src / doc).with_suffix(".ipynb")
        if path not in notebooks:
            raise ConversionError(f"glue from unknown notebook {doc!r}")
        return glue_data(notebooks[path])

    dst.mkdir(parents=True, exist_ok=True)
    totals = {}
    for path, nb in notebooks.items():
        docname = docname_of(src, path)
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
