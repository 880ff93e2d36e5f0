"""Files -> ``Document``: one reader per format, all giving the parsers plain text with table rows kept.

Reports are published as plain text, HTML pages, Word files and PDFs.  Whatever the format, a table row
comes out as one line with its cells separated by ``" | "`` (``行政许可 | 187 | 0 | 4677``), so the rule
layer and the model see the row structure the printed table had; everything else comes out as lines of
text in reading order.  ``Document.text`` is exactly what a reader extracted and every offset indexes it.

Every failure is an ``InputError`` naming the file and the reason, so a batch can list it and go on.
The format libraries (BeautifulSoup, python-docx, pdfplumber) are imported when a file of their format
is read, so a batch of text files does not pay for loading them.
"""
from __future__ import annotations

import logging
import re
import zipfile
import zlib
from pathlib import Path

from nianbao.errors import InputError
from nianbao.text import Document, decode, decode_text, normalise

CELL_SEPARATOR = " | "
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
# Formats reports are also published in that need a converter nianbao does not ship.
UNSUPPORTED_SUFFIXES = {
    ".doc": "a Word 97-2003 file: save it as .docx (or export it as PDF) and parse that",
    ".wps": "a WPS Office file: save it as .docx (or export it as PDF) and parse that",
}
# Suffixes a folder given as input is searched for (the unsupported ones too, so each is listed with its
# reason rather than passed over); a file named explicitly is read whatever its suffix.
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES + tuple(UNSUPPORTED_SUFFIXES)

# What a report file can hold, at most: a long report is a few MB of XML and a hundred pages.
DOCX_MAX_UNPACKED_MB = 256
DOCX_MAX_TAGS = 2_000_000
PDF_MAX_PAGES = 1000
PDF_MAX_STREAM_MB = 64

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def read_document(path: str | Path) -> Document:
    """Read one report file of any known format (unknown suffixes are read as text if they decode as text)."""
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise InputError(source, "no such file")
    if not path.is_file():
        raise InputError(source, "not a regular file")
    if path.stat().st_size == 0:
        raise InputError(source, "the file is empty")
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        raise InputError(source, UNSUPPORTED_SUFFIXES[suffix])
    warnings: list[str] = []
    kind = ("HTML page" if suffix in HTML_SUFFIXES else "DOCX" if suffix in DOCX_SUFFIXES
            else "PDF" if suffix in PDF_SUFFIXES else "text file")
    try:
        if suffix in HTML_SUFFIXES:
            text = html_text(source, path.read_bytes())
        elif suffix in DOCX_SUFFIXES:
            text = docx_text(source, path)
        elif suffix in PDF_SUFFIXES:
            text = pdf_text(source, path)
        else:
            text, warnings = decode_text(source, path.read_bytes())
    except (InputError, MemoryError, RecursionError):
        raise
    except Exception as error:  # noqa: BLE001 - a format library tripping on a damaged file, named as such
        raise InputError(source, f"damaged {kind}: {type(error).__name__}: {_describe(error)}") from error
    if not text.strip():
        raise InputError(source, "no text in the file")
    document = normalise(source, text)
    document.warnings.extend(warnings)
    return document


def join_cell_lines(pieces: list[str]) -> str:
    """One table cell's text on one line.

    A cell wrapped over lines (``本年新`` / ``制作数量``) is one phrase: its pieces are joined directly
    between two Chinese characters and with a space otherwise, so two numbers never run together.
    """
    out = ""
    for piece in (_SPACES.sub(" ", p).strip() for p in pieces):
        if not piece:
            continue
        if out and not (_CJK.match(out[-1]) and _CJK.match(piece[0])):
            out += " "
        out += piece
    return out


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as text: one line per row, cells separated by ``CELL_SEPARATOR``; empty rows dropped."""
    return [CELL_SEPARATOR.join(row) for row in rows if any(cell.strip() for cell in row)]


def _describe(error: BaseException) -> str:
    """A library's error as a reason: its message, or its type when it has none."""
    return str(error) or type(error).__name__


def _tidy(lines: list[str]) -> str:
    """Trailing spaces off every line and runs of blank lines cut to one."""
    text = "\n".join(line.rstrip() for line in lines)
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


# ---------------------------------------------------------------------------------------------- HTML

# Elements that start a new line in a browser; tables are handled on their own.
_HTML_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "section", "summary", "ul",
}
_HTML_DROPPED = {"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "title"}


def html_text(source: str, data: bytes) -> str:
    """The visible text of an HTML page; nothing is fetched (no scripts, styles, frames or images)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(source, data), "lxml")
    for element in soup.find_all(_HTML_DROPPED):
        element.decompose()
    lines = [""]
    _html_walk(soup, lines)
    text = _tidy(lines)
    if not text.strip():
        raise InputError(source, "the HTML page has no text")
    return text


def _html_walk(node, lines: list[str]) -> None:
    """Append ``node``'s text to ``lines`` (the last entry is the line being built).

    The walk keeps its own stack of open elements rather than recursing, so a page nested a thousand
    elements deep is read like any other.
    """
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString  # comments, doctypes, CDATA, processing instructions

    stack = [(iter(node.children), False)]  # (children still to read, whether the element is a block)
    while stack:
        children, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                _end_line(lines)
        elif isinstance(child, PreformattedString):
            continue
        elif isinstance(child, NavigableString):
            piece = _SPACES.sub(" ", child.replace("\n", " "))
            lines[-1] += piece if lines[-1] else piece.lstrip()  # source indentation is not text
        elif isinstance(child, Tag):
            name = child.name.lower()
            if name == "br":
                lines.append("")
            elif name == "pre":
                _end_line(lines)
                lines[-1:] = [*child.get_text().split("\n"), ""]
            elif name == "table":
                _end_line(lines)
                lines[-1:] = [*table_lines(_html_table_rows(child)), ""]
            else:
                if name in _HTML_BLOCKS:
                    _end_line(lines)
                stack.append((iter(child.children), name in _HTML_BLOCKS))


def _end_line(lines: list[str]) -> None:
    """Make the current (last) line a fresh empty one: a block opens or closes a line, once."""
    if lines[-1].strip():
        lines.append("")
    else:
        lines[-1] = ""


def _html_table_rows(table) -> list[list[str]]:
    """The rows of ``table`` itself, laid out like a Word table's (see ``_docx_table_rows``).

    A ``colspan`` cell is one cell; a row under a ``rowspan`` cell gets an empty cell in its place, so
    the values of every row stay in their columns.  A nested table is flattened into its cell.
    """
    rows = []
    spans: dict[int, tuple[int, int]] = {}  # grid column -> (rows still covered, columns wide)
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        cells, column = [], 0
        for cell in row.find_all(["td", "th"], recursive=False):
            column = _cover_spans(spans, cells, column)
            pieces = [""]
            _html_walk(cell, pieces)
            cells.append(join_cell_lines(pieces))
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            if height > 1:
                spans[column] = (height - 1, width)
            column += width
        _cover_spans(spans, cells, column, to_row_end=True)
        rows.append(cells)
    return rows


def _cover_spans(spans: dict, cells: list[str], column: int, to_row_end: bool = False) -> int:
    """Put an empty cell for each rowspan covering ``column`` (or any column after it, at a row's end)."""
    while True:
        starts = [start for start in spans if start >= column] if to_row_end else [column] * (column in spans)
        if not starts:
            return column
        start = min(starts)
        left, width = spans.pop(start)
        if left > 1:
            spans[start] = (left - 1, width)
        cells.append("")
        column = start + width


def _span(cell, attribute: str) -> int:
    """A cell's ``colspan``/``rowspan`` (1 when absent or not a number, as browsers read it)."""
    match = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    return max(1, min(int(match.group(1)), 1000)) if match else 1


# ---------------------------------------------------------------------------------------------- DOCX

def docx_text(source: str, path: Path) -> str:
    """Paragraphs and tables of a Word file in document order; a merged cell's text appears once."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    if not zipfile.is_zipfile(path):
        raise InputError(source, "not a valid DOCX: not a ZIP archive (truncated, or an old .doc renamed)")
    _check_docx_size(source, path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError, EOFError) as error:
        raise InputError(source, f"not a valid DOCX: {_describe(error)}") from error
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(table_lines(_docx_table_rows(block)))
        else:
            lines.append(block.text)
    return _tidy(lines)


def _check_docx_size(source: str, path: Path) -> None:
    """Refuse a DOCX that would unpack past ``DOCX_MAX_UNPACKED_MB`` (a zip bomb) or whose body holds more
    than ``DOCX_MAX_TAGS`` XML tags (millions of empty paragraphs), before a byte of it is inflated into
    memory: python-docx builds the whole document tree, hundreds of bytes per tag.

    The sizes are the ones the archive declares, which bound what ``zipfile`` will inflate; the body's
    tags are counted as it is streamed, stopping at the cap.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > DOCX_MAX_UNPACKED_MB * 2**20:
                raise InputError(source, f"the DOCX unpacks to {unpacked / 2**20:.0f} MB, over the "
                                         f"{DOCX_MAX_UNPACKED_MB} MB a report can take (a zip bomb?)")
            if "word/document.xml" in archive.namelist():
                tags = 0
                with archive.open("word/document.xml") as body:
                    while block := body.read(2**20):
                        tags += block.count(b"<")
                        if tags > DOCX_MAX_TAGS:
                            raise InputError(source, f"the DOCX body has over {DOCX_MAX_TAGS:,} XML elements, "
                                                     "far more than a report (millions of empty paragraphs?)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise InputError(source, f"not a valid DOCX: {_describe(error)}") from error


def _docx_table_rows(table) -> list[list[str]]:
    """Cells as Word stores them: a horizontal span is one cell; a cell continuing a vertical span is empty.

    ``python-docx``'s ``row.cells`` repeats a merged cell once per grid column and row it covers; the
    repeats would print a row label such as ``三、本年度办理结果`` on every row it spans.
    """
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    rows = []
    for row in table.rows:
        cells = []
        for tc in row._tr.tc_lst:
            if tc.vMerge == "continue":
                cells.append("")
            else:
                cells.append(join_cell_lines([Paragraph(p, table).text for p in tc.iter(qn("w:p"))]))
        rows.append(cells)
    return rows


# ----------------------------------------------------------------------------------------------- PDF

def pdf_text(source: str, path: Path) -> str:
    """The text layer of a PDF, page by page; ruled tables come out one row per line.

    ``pdfplumber`` finds ruled tables; their cells are read as cells and the rest of the page as text
    lines, and both are put back in order from the top of the page.  A PDF without characters is a
    scan and needs OCR, which nianbao does not do.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs every oddity of a damaged file ("Could not get FontBBox...") to stderr, hundreds of
    # lines in a batch; what matters is said once, as this reader's InputError.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages = []
    chars = 0
    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > PDF_MAX_PAGES:
                raise InputError(source, f"the PDF has {len(pdf.pages):,} pages, over the {PDF_MAX_PAGES:,} "
                                         "a report can have")
            for page in pdf.pages:
                _check_content_streams(source, page)
                chars += len(page.chars)
                pages.append(_pdf_page_text(page))
                page.close()  # its parsed objects are not needed again: memory stays at one page
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
        if isinstance(cause, PDFPasswordIncorrect):
            raise InputError(source, "the PDF is password-protected") from error
        raise InputError(source, f"not a valid PDF: {_describe(cause)}") from error
    if chars == 0:
        raise InputError(source, "no text layer: needs OCR")
    return _tidy(pages)


def _check_content_streams(source: str, page) -> None:
    """Refuse a page whose content streams inflate past ``PDF_MAX_STREAM_MB`` (a PDF bomb), found by
    inflating each compressed stream only that far: pdfminer would inflate it whole, then parse it all.

    The ASCII encodings that may wrap the compression (reportlab writes ASCII85 around Flate) are
    decoded first; they only shrink the data.
    """
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import (LITERALS_ASCII85_DECODE, LITERALS_ASCIIHEX_DECODE, LITERALS_FLATE_DECODE,
                                   PDFStream, resolve1)

    cap = PDF_MAX_STREAM_MB * 2**20
    for stream in page.page_obj.contents:
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            continue
        data = stream.rawdata
        try:
            for name, _ in stream.get_filters():
                if name in LITERALS_ASCII85_DECODE:
                    data = ascii85decode(data)
                elif name in LITERALS_ASCIIHEX_DECODE:
                    data = asciihexdecode(data)
                else:
                    if name in LITERALS_FLATE_DECODE and len(zlib.decompressobj().decompress(data, cap + 1)) > cap:
                        raise InputError(source, f"a page of the PDF inflates to over {PDF_MAX_STREAM_MB} MB of "
                                                 "content (a PDF bomb?)")
                    break
        except (zlib.error, ValueError):
            continue  # damaged: pdfminer says so in its own words


def _pdf_page_text(page) -> str:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    blocks = [(line["top"], [line["text"]]) for line in page.filter(outside_tables).extract_text_lines()]
    for table in tables:
        rows = [[join_cell_lines((cell or "").split("\n")) for cell in row if cell is not None]
                for row in table.extract()]
        blocks.append((table.bbox[1], table_lines(rows)))
    blocks.sort(key=lambda block: block[0])
    return "\n".join(line for _, block_lines in blocks for line in block_lines)
