"""LibreOffice as the producer of a report: an HTML page converted to PDF or DOCX the way a body's
office exports its Word file (``soffice --headless --convert-to``), and the character alignment that
finds each tagged piece of the page again in the text a reader takes from the result.

A PDF keeps no trace of the sentinels ``styles`` puts around pieces, and its readers reorder, split
and space text (``2021 年``, a merged cell's label on the middle row), so pieces are found by aligning
the page's text with the read text, whitespace ignored (``rapidfuzz``'s longest-common-subsequence
alignment): a piece is found when every one of its characters is matched, in one run.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Indel

SOFFICE = "soffice"


@lru_cache(maxsize=1)
def _profile() -> str:
    """A LibreOffice user profile of this process's own: two soffice processes sharing one block each
    other.  Made on first use (LibreOffice fills it), removed at exit."""
    folder = Path(tempfile.gettempdir()) / f"nianbao-soffice-{os.getpid()}"
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder.as_uri()


def convert(data: bytes, suffix: str, target: str, timeout: float = 120) -> bytes:
    """The bytes LibreOffice makes of a ``suffix`` file (".html") converted to ``target`` ("pdf", "docx")."""
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as folder:
        source = Path(folder) / f"report{suffix}"
        source.write_bytes(data)
        out = Path(folder) / "out"
        # opened as a Writer document (not Writer/Web), so the export filters are Word's: PDF, DOCX
        result = subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={_profile()}",
                                 "--infilter=HTML (StarWriter)", "--convert-to", target, "--outdir", str(out),
                                 str(source)],
                                capture_output=True, timeout=timeout)
        made = list(out.glob(f"report.{target.split(':')[0]}")) if out.is_dir() else []
        if result.returncode != 0 or not made:
            raise RuntimeError(f"soffice could not convert {suffix} to {target}: "
                               f"{result.stderr.decode('utf-8', 'replace').strip() or 'no output file'}")
        return made[0].read_bytes()


def _comparable(char: str) -> str:
    """A character as compared: NFKC folds the Kangxi radicals and compatibility forms some PDF
    fonts map CJK characters to (⾏ for 行)."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def align(source: str, ranges: list[tuple[int, int]], text: str,
          anchored: list[bool] | None = None) -> list[tuple[int, int] | None]:
    """For each ``(start, end)`` range of ``source``, its ``(start, end)`` in ``text`` (from its first
    matched character to just after its last), or None when not all of its characters are matched
    in one unbroken run of ``text`` (moved elsewhere, or changed).  Callers that can use part of a
    range (a number whose unit a PDF reader moved) ask for ranges that end earlier.

    Ranges not ``anchored`` take no part in the alignment: each is looked for afterwards, as the
    longest start of it found between its neighbours' places.  That is how a label wrapped around its
    row's numbers is found (``pdftotext -layout`` prints the values on the label's middle line): in
    the alignment it would outweigh the numbers.
    """
    anchored = anchored or [True] * len(ranges)
    loose = {i for start, end in (r for r, a in zip(ranges, anchored) if not a) for i in range(start, end)}
    source_at = [i for i, char in enumerate(source) if not char.isspace() and i not in loose]
    text_at = [i for i, char in enumerate(text) if not char.isspace()]
    squeezed_of = {position: index for index, position in enumerate(source_at)}
    matched = [-1] * len(source_at)
    opcodes = Indel.opcodes("".join(_comparable(source[i]) for i in source_at),
                            "".join(_comparable(text[i]) for i in text_at))
    for op in opcodes:
        if op.tag == "equal":
            for k in range(op.src_end - op.src_start):
                matched[op.src_start + k] = op.dest_start + k
    found: list[tuple[int, int] | None] = []
    for (start, end), fixed in zip(ranges, anchored):
        run = [matched[squeezed_of[i]] for i in range(start, end) if i in squeezed_of] if fixed else []
        whole = bool(run) and run[0] >= 0 and run == list(range(run[0], run[0] + len(run)))
        found.append((text_at[run[0]], text_at[run[-1]] + 1) if whole else None)
    for index, fixed in enumerate(anchored):
        if not fixed:
            found[index] = _between(source[slice(*ranges[index])], text, found, index)
    return found


def _between(piece: str, text: str, found: list, index: int) -> tuple[int, int] | None:
    """The longest start of ``piece`` (two characters at least, whitespace ignored) in ``text``
    between the places found for the ranges before and after ``index``."""
    low = max((where[1] for where in found[:index] if where), default=0)
    high = min((where[0] for where in found[index + 1:] if where), default=len(text))
    at = [i for i in range(low, high) if not text[i].isspace()]
    window = "".join(_comparable(text[i]) for i in at)
    wanted = "".join(_comparable(char) for char in piece if not char.isspace())
    for length in range(len(wanted), min(2, len(wanted)) - 1, -1):
        position = window.find(wanted[:length])
        if length and position >= 0:
            return at[position], at[position + length - 1] + 1
    return None
