"""Layouts: the shapes one printed report takes as text, each with exact character spans.

A report reaches nianbao as whatever some converter made of a Word table or a web page: one cell per
line with tab indents (seed 000), ``0 | 0 | |`` pipes (seed 003), pandoc's markdown, w3m's box tables,
``pdftotext -layout`` columns, or a scraped page with every cell glued together (data/real-unlabelled).
Every layout here turns the same ``PrintedReport`` (paragraphs and tables of tagged ``Piece``s) into
``(text, spans)``; ``STYLES`` maps a style name to its function.

Styles named after a real converter run it (pandoc, w3m, lynx): each tagged piece is wrapped in a pair
of private-use sentinel characters before conversion, and the sentinels are found and blanked after, so
spans stay exact whatever the converter does to the layout.  The ``office_*`` styles have LibreOffice
make a PDF, DOCX or web page of it, which keeps no sentinels: their pieces are found again by alignment
(``training.office``).
"""
from __future__ import annotations

import html
import io
import random
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from training import noise
from training.noise import Span


@dataclass
class Piece:
    """A run of printed text; ``kind``/``key`` tag it for the spans (untagged pieces get none)."""

    text: str
    kind: str | None = None  # "value", "row", "column", "section", "block"
    key: str | None = None


@dataclass
class TableCell:
    pieces: list[Piece]
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass
class Covered:
    """The place of a cell merged into one above (a rowspan), as Word keeps it: converters that print
    cell by cell print it as an empty cell (seed 000's lone tab lines)."""

    colspan: int = 1


@dataclass
class Table:
    section: str
    rows: list[list[TableCell | Covered]]


@dataclass
class Paragraph:
    pieces: list[Piece]


@dataclass
class PrintedReport:
    """A report as printed on paper, before any converter: what every style lays out."""

    blocks: list[Paragraph | Table]
    running_header: str | None = None  # what a paged PDF repeats at the top of each page


class ConverterMissing(RuntimeError):
    """A style needs an external converter that is not installed."""


class _Builder:
    """Accumulates text and the spans of tagged pieces."""

    def __init__(self):
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[Span] = []

    def add(self, text: str, kind: str | None = None, key: str | None = None) -> None:
        if kind is not None and text:
            self.spans.append({"start": self._length, "end": self._length + len(text), "kind": kind, "key": key})
        self._parts.append(text)
        self._length += len(text)

    def add_pieces(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            self.add(piece.text, piece.kind, piece.key)

    def result(self) -> tuple[str, list[Span]]:
        return "".join(self._parts), self.spans


def _write_paragraph(builder: _Builder, block: Paragraph, indent: str, end: str = "\n") -> None:
    builder.add(indent)
    builder.add_pieces(block.pieces)
    builder.add(end)


# --- cell-by-cell layouts (Word tables through simple converters) --------------------------------


def tab_lines(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """One cell per line, each indented by a tab, a blank line after each row (seed 000, 001, 004)."""
    builder, indent = _Builder(), rng.choice(["", "", "　　", " "])
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _write_paragraph(builder, block, indent)
            continue
        for row in block.rows:
            for cell in row:
                builder.add("\t")
                if isinstance(cell, TableCell):
                    builder.add_pieces(cell.pieces)
                builder.add("\n")
            builder.add("\n")
        builder.add("\n" * rng.randint(0, 4))
    return builder.result()


def cell_lines(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """One cell per line, no indent, merged cells gone, blank cells as empty lines (docx2txt-like)."""
    builder = _Builder()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _write_paragraph(builder, block, "")
            continue
        for row in block.rows:
            for cell in row:
                if isinstance(cell, TableCell):
                    builder.add_pieces(cell.pieces)
                    builder.add("\n")
        builder.add("\n")
    return builder.result()


def pipe_cells(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """Cells closed by " |", one per line or a row of numbers on one line, merged cells as a trailing
    " |" each (seed 003: "行政事业性收费 |\\n0 |\\n0 | |")."""
    builder = _Builder()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _write_paragraph(builder, block, "")
            continue
        for row in block.rows:
            cells = [c for c in row if isinstance(c, TableCell)]
            numbers_inline = rng.random() < 0.4
            for index, cell in enumerate(cells):
                is_value = all(p.kind == "value" or not p.text.strip() for p in cell.pieces)
                if index and not (numbers_inline and is_value):
                    builder.add("\n")
                elif index:
                    builder.add(" ")
                builder.add_pieces(cell.pieces)
                builder.add(" |")
            builder.add(" |" * (len(row) - len(cells) + rng.randint(0, 1)) + "\n")
    return builder.result()


def tsv(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """One row per line, cells separated by tabs, empty and merged cells as empty fields."""
    builder = _Builder()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _write_paragraph(builder, block, "")
            continue
        for row in block.rows:
            for index, cell in enumerate(row):
                if index:
                    builder.add("\t")
                if isinstance(cell, TableCell):
                    builder.add_pieces([Piece(p.text.replace("\n", ""), p.kind, p.key) for p in cell.pieces])
            builder.add("\n")
    return builder.result()


def spaces(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """One row per line, cells separated by runs of spaces; blank cells vanish, so some rows are
    ambiguous (as copying a table out of a PDF viewer gives)."""
    builder, gap = _Builder(), rng.choice([" ", "  ", "   ", "\u3000"])
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _write_paragraph(builder, block, rng.choice(["", "    "]))
            continue
        for row in block.rows:
            cells = [c for c in row if isinstance(c, TableCell) and c.text.strip()]
            for index, cell in enumerate(cells):
                if index:
                    builder.add(gap * rng.randint(1, 3) if gap != "\u3000" else gap)
                builder.add_pieces([Piece(p.text.replace("\n", ""), p.kind, p.key) for p in cell.pieces])
            builder.add("\n")
        builder.add("\n")
    return builder.result()


def glued(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """A scraped web page: line breaks gone, cells glued with no separator, blank cells dropped
    (data/real-unlabelled: "规章000规范性文件101077第二十条第（五）项…")."""
    builder, joint = _Builder(), rng.choice(["", "　　", " "])
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            builder.add(joint)
            builder.add_pieces([Piece(p.text.replace("\n", ""), p.kind, p.key) for p in block.pieces])
            continue
        for row in block.rows:
            for cell in row:
                if isinstance(cell, TableCell):
                    builder.add_pieces([Piece(p.text.replace("\n", "").strip(), p.kind, p.key) for p in cell.pieces])
    return builder.result()


def html_text(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """Text pulled out of HTML table markup: one row per line with cells split by spaces or tabs, and
    long labels broken mid-label where the page wrapped them ("（二）部分公开（区分处理的，只\\n计这一情形…")."""
    builder, sep = _Builder(), rng.choice([" ", "\t", "  "])
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _write_paragraph(builder, block, "", "\n\n" if rng.random() < 0.3 else "\n")
            continue
        for row in block.rows:
            cells = [c for c in row if isinstance(c, TableCell)]
            for index, cell in enumerate(cells):
                if index:
                    builder.add(sep)
                for piece in cell.pieces:
                    text = piece.text.replace("\n", "")
                    if piece.kind in ("row", "block") and len(text) > 10 and rng.random() < 0.6:
                        cut = rng.randint(4, len(text) - 3)
                        text = text[:cut] + "\n" + text[cut:]
                    builder.add(text, piece.kind, piece.key)
            builder.add("\n")
        builder.add("\n")
    return builder.result()


# --- pdftotext -layout emulation -----------------------------------------------------------------


@lru_cache(maxsize=None)
def _char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _width(text: str) -> int:
    """Display width: CJK characters take two columns, as in a terminal or a PDF's text layer."""
    return sum(map(_char_width, text))


def _wrap(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """Wrap tagged pieces into lines of at most ``width`` display columns, splitting a piece where a
    line ends (each part keeps the piece's tag, so a wrapped label gives one span per line)."""
    lines: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        part = ""
        for char in piece.text:
            if char == "\n" or (used and used + _width(char) > width):
                if part:
                    lines[-1].append(Piece(part, piece.kind, piece.key))
                lines.append([])
                part, used = "", 0
                if char == "\n":
                    continue
            part += char
            used += _width(char)
        if part:
            lines[-1].append(Piece(part, piece.kind, piece.key))
    return [line for line in lines if line] or [[]]


def _place(builder: _Builder, placed: list[tuple[int, list[Piece]]]) -> None:
    """Write one output line of pieces at display columns, padding with spaces."""
    column = 0
    for x, pieces in sorted(placed, key=lambda item: item[0]):
        if column and x <= column:
            x = column + 1
        builder.add(" " * (x - column))
        builder.add_pieces(pieces)
        column = x + sum(_width(p.text) for p in pieces)
    builder.add("\n")


def _layout_table(builder: _Builder, table: Table, rng: random.Random, margin: int) -> None:
    grid = []  # (row, start column, cell)
    for row_index, row in enumerate(table.rows):
        column = 0
        for cell in row:
            if isinstance(cell, TableCell):
                grid.append((row_index, column, cell))
            column += cell.colspan
    columns = max(column + cell.colspan for _, column, cell in grid)
    label_cap, header_cap, gap = rng.randint(14, 30), rng.randint(8, 14), rng.choice([2, 2, 3, 4])

    def cap(cell: TableCell) -> int:
        kinds = {p.kind for p in cell.pieces}
        natural = max((_width(line) for line in cell.text.split("\n")), default=0)
        if "value" in kinds:
            return natural
        return min(natural, header_cap if "column" in kinds else label_cap)

    widths = [1] * columns
    for _, column, cell in grid:
        if cell.colspan == 1:
            widths[column] = max(widths[column], cap(cell))
    for _, column, cell in grid:
        if cell.colspan > 1:
            span = sum(widths[column:column + cell.colspan]) + gap * (cell.colspan - 1)
            widths[column + cell.colspan - 1] += max(0, cap(cell) - span)
    starts = [margin + sum(widths[:j]) + gap * j for j in range(columns)]
    right_align = rng.random() < 0.5
    blank_between = rng.random() < 0.4

    by_row = [[] for _ in table.rows]
    for row_index, column, cell in grid:
        by_row[row_index].append((column, cell))
    for row_cells in by_row:
        wrapped = []
        for column, cell in row_cells:
            span = sum(widths[column:column + cell.colspan]) + gap * (cell.colspan - 1)
            lines = _wrap(cell.pieces, max(span, 2))
            wrapped.append((column, cell, span, lines))
        height = max((len(lines) for *_, lines in wrapped), default=1)
        out = [[] for _ in range(height)]
        for column, cell, span, lines in wrapped:
            is_value = any(p.kind == "value" for p in cell.pieces)
            # pdftotext prints a one-line cell on the middle line of a tall row (values beside a
            # wrapped label land between its lines)
            top = (height - len(lines)) // 2 if is_value or len(lines) == 1 else 0
            for offset, line in enumerate(lines):
                used = sum(_width(p.text) for p in line)
                x = starts[column]
                if is_value and right_align:
                    x += span - used
                elif any(p.kind == "column" for p in line):
                    x += max(0, (span - used) // 2)
                out[top + offset].append((x, line))
        for placed in out:
            _place(builder, placed)
        if blank_between:
            builder.add("\n")


def pdf_layout(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """``pdftotext -layout`` output: whitespace-aligned columns, labels wrapped over several lines,
    values on the middle line of their row, paragraphs wrapped at the page width."""
    builder = _Builder()
    margin, page_width = rng.randint(0, 8), rng.randint(68, 90)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            indent = [Piece("　　")] if rng.random() < 0.6 else []
            for line in _wrap(indent + block.pieces, page_width):
                _place(builder, [(margin, line)])
            continue
        builder.add("\n")
        _layout_table(builder, block, rng, margin)
        builder.add("\n")
    return builder.result()


def paged(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """``pdf_layout`` cut into pages: page numbers ("— 3 —"), form feeds and running headers fall
    between any two lines, tables included."""
    text, spans = pdf_layout(doc, rng)
    text = noise.add_page_breaks(rng, text, spans, doc.running_header, rng.randint(30, 55))
    return text, spans


def traditional(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """A simple layout printed in traditional characters (one for one, so spans keep their offsets)."""
    text, spans = STYLES[rng.choice(["tab_lines", "spaces", "pdf_layout"])](doc, rng)
    return noise.to_traditional(text), spans


# --- layouts made by real converters from HTML ---------------------------------------------------

_OPEN, _CLOSE, _MAX_TAGS = 0xE000, 0xEC00, 0xC00


def _to_html(doc: PrintedReport, merged_cells: bool = True, line_break: str = "<br>") -> tuple[str, list[Piece]]:
    """The report as an HTML page (Word's table structure: colspan/rowspan), each tagged piece wrapped
    in a pair of private-use sentinels numbered by its index in the returned list.  Without
    ``merged_cells`` every merged cell becomes a cell followed by empty ones (pandoc writes merged
    cells as raw HTML, flattened ones as a pipe table); ``line_break`` replaces a break inside a cell
    (a pipe-table cell cannot hold one, so pandoc would write a raw ``<br/>``)."""
    tagged: list[Piece] = []

    def marked(pieces: list[Piece]) -> str:
        parts = []
        for piece in pieces:
            text = html.escape(piece.text).replace("\n", line_break)
            if piece.kind is not None and piece.text:
                if len(tagged) >= _MAX_TAGS:
                    raise ValueError(f"more than {_MAX_TAGS} tagged pieces in one report")
                text = chr(_OPEN + len(tagged)) + text + chr(_CLOSE + len(tagged))
                tagged.append(piece)
            parts.append(text)
        return "".join(parts)

    out = ['<html><head><meta charset="utf-8"></head><body>']
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(f"<p>{marked(block.pieces)}</p>")
            continue
        out.append('<table border="1">')
        for row in block.rows:
            out.append("<tr>")
            for cell in row:
                if not merged_cells:
                    content = marked(cell.pieces) if isinstance(cell, TableCell) else ""
                    out.append(f"<td>{content}</td>" + "<td></td>" * (cell.colspan - 1))
                elif isinstance(cell, TableCell):
                    spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + \
                            (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
                    # a number cell is never wrapped (w3m would otherwise break "37宗" before 宗)
                    nowrap = " nowrap" if any(p.kind == "value" for p in cell.pieces) else ""
                    out.append(f"<td{spans}{nowrap}>{marked(cell.pieces)}</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out), tagged


def _trim(text: str, start: int, end: int, piece: Piece) -> Span | None:
    """The span of a converted piece, without the padding a converter put inside it.  A label the
    converter wrapped inside a table cell keeps only its first line up to the cell's border: the rest
    of that span would run across the neighbouring cells."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if piece.kind == "value" and "\n" in text[start:end]:
        raise ValueError(f"a converter broke the value {piece.text!r} over lines")
    if piece.kind != "value":
        for stop in ("\n", "│", "├", "┤", "|", "  "):
            if stop in text[start:end]:
                end = text.index(stop, start)
        while end > start and text[end - 1].isspace():
            end -= 1
    if end <= start:
        return None
    return {"start": start, "end": end, "kind": piece.kind, "key": piece.key}


def _require(program: str, package: str | None = None) -> None:
    """ConverterMissing unless ``program`` is installed (from the Debian ``package``, by default its name)."""
    if shutil.which(program) is None:
        raise ConverterMissing(f"this style needs {program!r}: install it (apt-get install {package or program})")


def _without_sentinels(text: str, blank: bool) -> tuple[str, dict[int, tuple[int, int]]]:
    """``text`` without the sentinels ``_to_html`` put around tagged pieces, and the range each tagged
    piece (by its index) covers in what is left, in the order the pieces close.  With ``blank`` each
    sentinel becomes a space, which keeps a converter's column alignment."""
    chars, starts, ranges = [], {}, {}
    for char in text:
        code = ord(char)
        if _OPEN <= code < _OPEN + _MAX_TAGS:
            if blank:
                chars.append(" ")
            starts[code - _OPEN] = len(chars)
        elif _CLOSE <= code < _CLOSE + _MAX_TAGS:
            ranges[code - _CLOSE] = (starts.pop(code - _CLOSE), len(chars))
            if blank:
                chars.append(" ")
        else:
            chars.append(char)
    return "".join(chars), ranges


def _converted(doc: PrintedReport, command: list[str], merged_cells: bool = True,
               line_break: str = "<br>") -> tuple[str, list[Span]]:
    _require(command[0])
    page, tagged = _to_html(doc, merged_cells, line_break)
    result = subprocess.run(command, input=page.encode("utf-8"), capture_output=True, check=True, timeout=60)
    text, ranges = _without_sentinels(result.stdout.decode("utf-8"), blank=True)
    spans = [span for index, (start, end) in ranges.items() if (span := _trim(text, start, end, tagged[index]))]
    return text, spans


def markdown(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """Pipe tables as pandoc writes GitHub markdown from the HTML page (merged cells flattened)."""
    return _converted(doc, ["pandoc", "-f", "html", "-t", "gfm", "--wrap=none"], merged_cells=False, line_break="")


def pandoc_plain(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """pandoc's plain-text writer: dashed rules and space-aligned columns."""
    return _converted(doc, ["pandoc", "-f", "html", "-t", "plain", f"--columns={rng.choice([80, 120, 200])}"])


def ascii_box(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """Box-drawing tables as ``w3m -dump`` prints them, labels wrapped inside narrow cells."""
    return _converted(doc, ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8",
                            "-cols", str(rng.choice([100, 140, 200]))])


def lynx_rows(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """``lynx -dump``: one table row per line, cells separated by runs of spaces."""
    return _converted(doc, ["lynx", "-dump", "-stdin", "-nolist", "-assume_charset=utf-8",
                            "-display_charset=utf-8", f"-width={rng.choice([120, 200, 300])}"])


# --- layouts LibreOffice makes from the page, read back by a PDF or DOCX reader -----------------------


# An item number before a row label ("1.属于国家秘密", "2、"), not a decimal ("1.5").
_ITEM_NUMBER = re.compile(r"(?<!\d)\d{1,2}[.、．](?=[^\d\s])")


def _office(doc: PrintedReport, target: str, read) -> tuple[str, list[Span]]:
    """The page converted by LibreOffice to ``target`` and read back by ``read(bytes) -> text``; each
    tagged piece found again by alignment (``office.align``).  A value the reader moved or changed
    fails the draw (ValueError): its cell would be taught as no cell."""
    from bs4 import BeautifulSoup

    from training import office

    _require(office.SOFFICE, "libreoffice-writer-nogui")
    page, tagged = _to_html(doc)
    plain, found = _without_sentinels(BeautifulSoup(page, "lxml").get_text("\n"), blank=False)
    ranges = [found.get(index, (0, 0)) for index in range(len(tagged))]
    text = read(office.convert(_without_sentinels(page, blank=False)[0].encode("utf-8"), ".html", target))
    places = office.align(plain, ranges, text)
    if any(where is None and piece.kind == "value" for piece, where in zip(tagged, places)):
        # labels left out of the alignment: their item numbers ("1.本机关…") must not take a value's place
        unnumbered = _ITEM_NUMBER.sub(lambda m: " " * len(m.group()), text)
        places = office.align(plain, ranges, unnumbered, [piece.kind == "value" for piece in tagged])
    # a number whose unit the reader put on a line of its own ("83" / "人": pdfplumber cuts a wrapped
    # cell into two rows) is found without its unit
    unitless = [(start, _number_end(plain, start, end)) for start, end in ranges]
    retry = [i for i, (piece, where) in enumerate(zip(tagged, places))
             if where is None and piece.kind == "value" and unitless[i][1] < ranges[i][1]]
    for i, where in zip(retry, office.align(plain, [unitless[i] for i in retry], text)):
        places[i] = where
    spans = []
    for piece, where in zip(tagged, places):
        if where is None:
            if piece.kind == "value":
                raise ValueError(f"the reader moved or changed the value {piece.text!r}")
            continue
        if span := _trim(text, *where, piece):
            spans.append(span)
    return text, spans


def _number_end(text: str, start: int, end: int) -> int:
    """Where the number printed in ``text[start:end]`` ends (before a unit such as 人 or 万元)."""
    stop = start
    for index in range(start, end):
        if text[index].isdigit():
            stop = index + 1
    return stop if stop > start else end


def _with_file(data: bytes, suffix: str, read):
    with tempfile.TemporaryDirectory(prefix="nianbao-read-") as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(data)
        return read(path)


def _pdftotext(data: bytes) -> str:
    return _with_file(data, ".pdf", lambda path: subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8"))


def _pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def office_pdf(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """A PDF exported by LibreOffice, as ``nianbao parse`` reads a PDF (pdfplumber: ruled tables cell
    by cell, the rest as lines)."""
    from nianbao.readers import pdf_text

    return _office(doc, "pdf", lambda data: _with_file(data, ".pdf", lambda path: pdf_text("generated", path)))


def office_pdf_text(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """The text layer of a LibreOffice PDF as others extract it and publish the text: pypdf (a row's
    cells on one line, spaced) or ``pdftotext -layout`` (columns, values on a wrapped label's middle
    line).  Plain ``pdftotext`` is left out: it takes the cells of a row out of order."""
    read = rng.choice([_pypdf, _pdftotext])
    return _office(doc, "pdf", read)


def office_docx(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """The page saved as DOCX by LibreOffice, as ``nianbao parse`` reads a DOCX (python-docx)."""
    from nianbao.readers import docx_text

    return _office(doc, "docx", lambda data: _with_file(data, ".docx", lambda path: docx_text("generated", path)))


def office_html(doc: PrintedReport, rng: random.Random) -> tuple[str, list[Span]]:
    """The document saved as a web page by the office suite (LibreOffice's HTML export, as Word's "save
    as web page" makes them for a CMS), as ``nianbao parse`` reads an HTML page."""
    from nianbao.readers import html_text

    return _office(doc, "html:HTML (StarWriter)", lambda data: html_text("generated", data))


STYLES = {
    "tab_lines": tab_lines,
    "cell_lines": cell_lines,
    "pipe_cells": pipe_cells,
    "tsv": tsv,
    "spaces": spaces,
    "glued": glued,
    "html_text": html_text,
    "pdf_layout": pdf_layout,
    "paged": paged,
    "traditional": traditional,
    "markdown": markdown,
    "pandoc_plain": pandoc_plain,
    "ascii_box": ascii_box,
    "lynx_rows": lynx_rows,
    "office_pdf": office_pdf,
    "office_pdf_text": office_pdf_text,
    "office_docx": office_docx,
    "office_html": office_html,
}

# The styles that run an external program, and which one.
CONVERTERS = {"markdown": "pandoc", "pandoc_plain": "pandoc", "ascii_box": "w3m", "lynx_rows": "lynx",
              "office_pdf": "soffice", "office_pdf_text": "soffice", "office_docx": "soffice", "office_html": "soffice"}


def missing_converter(style: str) -> str | None:
    """The converter a style needs and is not installed, or None."""
    program = CONVERTERS.get(style)
    return program if program and shutil.which(program) is None else None
