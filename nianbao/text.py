"""Bytes -> text -> normalised text, keeping a map from every normalised character to the reader's text.

Parsers (rules and model) read ``Document.norm``: digits and brackets at half width, traditional
characters simplified, stray converter markers such as ``[bookmark: _GoBack]`` removed.  Every output
offset is mapped back through ``Document.offsets`` so that ``start``/``end`` point into ``Document.text``,
the text the user has.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import charset_normalizer
import opencc

from nianbao.errors import InputError
from nianbao.schema import load_schema

# The characters converters draw between table cells: ASCII pipe, box-drawing verticals (w3m, pdftotext of
# a ruled table), broken bar.  The rule layer splits cells at them and the model reads a line holding one as
# a table line, so both must know the same set.
CELL_BORDERS = "|│┃¦"

# Characters that carry nothing for parsing: BOM, zero-width spaces and joiners.
_DROPPED = {"\ufeff", "\u200b", "\u200c", "\u200d", "\u2060"}
# A carriage return ends a line: before a line feed it is dropped, alone (old Mac line ends, which crawled
# text from Hebei's sites has: "规范性文件\r\r\r16\r\r\r16") it is the line feed.
_CR_BEFORE_LF = r"\r(?=\n)"
# Control characters (Unicode category Cc) that no text file holds; tab, line and form feeds are text.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass
class Document:
    """A report as the parsers see it."""

    source: str
    text: str  # what the reader produced (the decoded file, or text extracted from HTML/DOCX/PDF)
    norm: str  # the normalised text the parsers read
    offsets: list[int]  # offsets[i] = index in ``text`` of ``norm[i]``; one extra entry = len(text)
    warnings: list[str] = field(default_factory=list)  # what the reader had to repair (bytes not UTF-8...)

    def text_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``text`` that produced ``norm[start:end]``."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[str, str]:
    """Single-character traditional -> simplified table from OpenCC's dictionary (1:1, so offsets survive)."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
            table[parts[0]] = parts[1]
    return table


@lru_cache(maxsize=None)
def _normalise_char(char: str) -> str:
    if char in _DROPPED:
        return ""
    if char == "\r":
        return "\n"
    char = unicodedata.normalize("NFKC", char)
    if len(char) == 1:
        char = _traditional_to_simplified().get(char, char)
        if char == "\u3000" or char == "\xa0":
            char = " "
    return char


@lru_cache(maxsize=1)
def _stray_markers() -> re.Pattern:
    return re.compile("|".join(load_schema()["stray_markers"]))


def normalise(source: str, text: str) -> Document:
    """Build the normalised view of ``text`` with its offset map.

    Most characters map to exactly one character, so the text is translated in runs; only stray markers
    and characters that vanish or expand (a BOM, "㈠" -> "(一)") break a run and are handled one by one.
    A run is translated by substituting only the few characters that change (full-width digits,
    traditional forms), three times faster than ``str.translate`` looking up every character.
    """
    table = {}
    uneven = []
    for char in set(text):
        out = _normalise_char(char)
        if len(out) == 1:
            if out != char:
                table[char] = out
        else:
            uneven.append(re.escape(char))
    changing = re.compile("[" + "".join(map(re.escape, table)) + "]") if table else None

    def translate(run: str) -> str:
        return changing.sub(lambda match: table[match.group()], run) if changing else run

    breaks = [_stray_markers().pattern, _CR_BEFORE_LF] + (["[" + "".join(uneven) + "]"] if uneven else [])
    pieces, offsets, position = [], [], 0
    for match in re.finditer("|".join(breaks), text):
        pieces.append(translate(text[position:match.start()]))
        offsets.extend(range(position, match.start()))
        # A lone CR goes through the table (to "\n"): a CR matched here is one before a line feed.
        dropped = match.group() == "\r" or _stray_markers().fullmatch(match.group())
        if match.end() - match.start() == 1 and not dropped:
            out = _normalise_char(match.group())
            pieces.append(out)
            offsets.extend([match.start()] * len(out))
        position = match.end()
    pieces.append(translate(text[position:]))
    offsets.extend(range(position, len(text)))
    offsets.append(len(text))
    return Document(source, text, "".join(pieces), offsets)


def decode(source: str, data: bytes) -> str:
    """Decode a text file of unknown encoding (UTF-8 with or without BOM, GB18030/GBK, UTF-16, Big5...).

    Bytes that decode only into control characters (a NUL-filled file, an image, an archive) are not
    text: they raise ``InputError`` rather than reach the parsers as noise.
    """
    return decode_text(source, data)[0]


def decode_text(source: str, data: bytes) -> tuple[str, list[str]]:
    """``decode``, and a warning for every repair: a report in UTF-8 with a stray byte or a NUL in it (a
    bad copy, a transfer cut and joined) is text, its few bad bytes read as U+FFFD."""
    if not data.strip():
        raise InputError(source, "the file is empty")
    text, warnings = _nearly_utf8(data)
    if text is None:
        text = _decode_bytes(source, data)
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or controls > len(text) * 0.01:
        raise InputError(source, f"binary data, not text ({controls} control characters in {len(text)})")
    return text, warnings


# At most this share of a file's characters may be bad bytes or NULs for it to be read as UTF-8 text.
_REPAIRABLE_SHARE = 0.001


def _nearly_utf8(data: bytes) -> tuple[str | None, list[str]]:
    """The text of UTF-8 ``data`` with a few undecodable bytes or NULs, each read as U+FFFD; None when
    the data is not that (valid UTF-8 without NULs is left to ``_decode_bytes``, as are other encodings)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None, []
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    nuls = text.count("\x00")
    if not bad and not nuls or bad + nuls > max(1, len(text) * _REPAIRABLE_SHARE):
        return None, []
    return text.replace("\x00", "\ufffd"), [
        f"the file is UTF-8 but for {bad} undecodable byte sequence(s) and {nuls} NUL byte(s), read as U+FFFD"]


def _decode_bytes(source: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        text = data.decode("utf-8")
        if "\x00" not in text:  # NULs in valid UTF-8: likely UTF-16 without a BOM, or binary
            return text
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(source, "binary data, not text (no text encoding fits its bytes)")
    encoding = best.encoding
    if encoding in ("gb2312", "gbk"):  # GB18030 is the superset; decode with it to keep rare characters
        encoding = "gb18030"
    return data.decode(encoding, errors="replace")
