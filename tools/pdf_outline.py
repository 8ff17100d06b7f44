"""The PDF's bookmarks with the headings' own text (tools/build_pdf.py prints the PDF).

Chromium builds the outline from the tagged headings but garbles some titles (repeated
parts, math left out); ``fix_outline_titles`` gives each bookmark its heading's text again,
in an incremental update appended to the file.
"""
import io
import pathlib
import re


def _squash(text):
    return re.sub(r"\s+", "", text).lower()


def _common(short, long):
    """Length of the longest common subsequence of two strings."""
    row = [0] * (len(long) + 1)
    for a in short:
        prev = 0
        for j, b in enumerate(long, 1):
            prev, row[j] = row[j], prev + 1 if a == b else max(row[j], row[j - 1])
    return row[-1]


def fix_outline_titles(pdf_path, headings):
    """Give each bookmark its heading's text.

    Chromium builds the outline from the tagged headings, but repeats part of some titles
    ("4. 4. Multi-layer perceptrons andMulti-layer perceptrons and...") and leaves out math.
    The bookmarks come in the headings' order, so each takes the next printed heading whose
    text (without math, which the bookmark lacks) it contains. The corrected bookmarks are
    appended to the file as an incremental update (a few kB; the pages are not rewritten).
    Returns (number of bookmarks, number corrected).
    """
    from pypdf import PdfReader
    from pypdf.generic import NameObject, TextStringObject

    reader = PdfReader(str(pdf_path))
    items = []  # (object number, generation, dictionary)

    def walk(node):
        child = node.get_object().get("/First")
        while child is not None:
            items.append((child.idnum, child.generation, child.get_object()))
            walk(child)
            child = child.get_object().get("/Next")

    root = reader.trailer["/Root"]
    if "/Outlines" in root:
        walk(root["/Outlines"])
    wanted = [_squash(h) for h in headings]
    next_heading, changed = 0, {}
    for idnum, generation, item in items:
        title = str(item.get("/Title", ""))
        have = _squash(title)
        for k in range(next_heading, min(next_heading + 8, len(headings))):
            if wanted[k] and _common(wanted[k], have) >= 0.9 * len(wanted[k]):
                if title != headings[k]:
                    item[NameObject("/Title")] = TextStringObject(headings[k])
                    changed[idnum] = (generation, item)
                next_heading = k + 1
                break
    if changed:
        _append_update(pdf_path, reader, changed)
    return len(items), len(changed)


def _append_update(pdf_path, reader, objects):
    """Append ``objects`` ({number: (generation, object)}) to the PDF as an incremental update
    (PDF 1.7, section 7.5.6): the new objects, a cross-reference section for them, and a
    trailer that points to the previous one."""
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    data = pathlib.Path(pdf_path).read_bytes()
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = io.BytesIO()
    out.write(b"\n")
    offsets = {}
    for number, (generation, obj) in sorted(objects.items()):
        offsets[number] = len(data) + out.tell()
        out.write(f"{number} {generation} obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref = len(data) + out.tell()
    out.write(b"xref\n")
    for number, offset in sorted(offsets.items()):
        out.write(f"{number} 1\n{offset:010d} {objects[number][0]:05d} n \n".encode())
    trailer = DictionaryObject({NameObject("/Size"): NumberObject(reader.trailer["/Size"]),
                                NameObject("/Prev"): NumberObject(previous)})
    for key in ("/Root", "/Info", "/ID"):
        if key in reader.trailer:
            trailer[NameObject(key)] = reader.trailer.raw_get(key)
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    with open(pdf_path, "ab") as pdf:
        pdf.write(out.getvalue())
