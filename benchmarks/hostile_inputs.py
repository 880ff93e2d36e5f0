"""Hostile inputs, each in a batch beside the five seed reports: does the batch survive, and is the input named?

Rebuilds the inputs of issue 16 (empty and junk files, truncated and damaged DOCX/PDF, other encodings,
XXE, pickles, path traversal, symlink loops, FIFOs, devices, unreadable files and folders, files of
hundreds of megabytes, single lines of 10 MB, DOCX of millions of paragraphs, DOCX and PDF bombs, a
3,000-page PDF, HTML nested 1,000 deep, NUL and 0xFF bytes, counts too wide for 64 bits, a damaged
calibration and a checkpoint without weights).  Every batch is ``python -m nianbao parse`` in a process
of its own; its peak memory is the largest resident set of it and its workers (``wait4``).

A batch survives when the five seed records are written, no traceback is printed, and the hostile input
is either parsed or listed in ``errors.jsonl`` with its reason (a damaged calibration or checkpoint is
one error before any file: the batch is refused up front, which is the point).

Run: .venv/bin/python benchmarks/hostile_inputs.py [--system hybrid] [--only NAME...] [--scratch DIR]
It takes minutes and builds about 350 MB of files.
"""
from __future__ import annotations

import argparse
import html
import io
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx

from nianbao.paths import MODEL_DIR, ROOT, SEEDS_DIR

SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
SEED_TEXT = SEEDS[0].read_text(encoding="utf-8")


@dataclass
class Hostile:
    name: str
    build: object  # build(folder) -> extra INPUTs (beyond the folder), or None
    prelude: str = ""  # Python run before the CLI in the batch process (to point it at a damaged install)


def _write(folder: Path, name: str, data: bytes | str) -> None:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(pages: list[list[str]], encrypt: str | None = None) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt)
    for lines in pages:
        page.setFont("STSong-Light", 8)
        for row, line in enumerate(lines):
            page.drawString(30, 800 - 12 * row, line.replace("\t", "    "))
        page.showPage()
    page.save()
    return buffer.getvalue()


def _seed_pdf() -> bytes:
    lines = SEED_TEXT.splitlines()
    return _pdf_bytes([lines[i:i + 60] for i in range(0, len(lines), 60)])


def _raw_pdf(content: bytes) -> bytes:
    """A one-page PDF whose content stream is ``content`` (already Flate-compressed), with a true xref."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _zeros_deflated(megabytes: int) -> bytes:
    compressor, block = zlib.compressobj(9), bytes(2**20)
    return b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()


def _docx_bomb(folder: Path) -> None:
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(_docx_bytes(SEED_TEXT.splitlines()))) as seed:
            for member in seed.infolist():
                archive.writestr(member, seed.read(member))
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as padding:
            block = bytes(2**20)
            for _ in range(1024):  # 1 GB of zeros, about 1 MB on disk
                padding.write(block)


def _million_paragraphs(folder: Path) -> None:
    """A DOCX of 6 million empty paragraphs: under a megabyte on disk."""
    with zipfile.ZipFile(io.BytesIO(_docx_bytes(["一、总体情况"]))) as seed:
        members = {member.filename: seed.read(member) for member in seed.infolist()}
    body = members["word/document.xml"]
    at = body.index(b"<w:body>") + len(b"<w:body>")
    members["word/document.xml"] = body[:at] + b"<w:p/>" * 6_000_000 + body[at:]
    with zipfile.ZipFile(folder / "paragraphs.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _xxe_docx(folder: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(_docx_bytes(SEED_TEXT.splitlines()))) as seed:
        members = {member.filename: seed.read(member) for member in seed.infolist()}
    body = members["word/document.xml"]
    head = body.index(b"?>") + 2
    members["word/document.xml"] = (body[:head] + b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                    + body[head:].replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", 1))
    with zipfile.ZipFile(folder / "xxe.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _mutated(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(40):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _seed_with(old: str, new: str) -> str:
    """The seed with the first printed cell ``old`` (a line of its own) replaced by ``new``."""
    lines = SEED_TEXT.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip() == old)
    lines[at] = lines[at].replace(old, new)
    return "\n".join(lines)


def _unreadable_folder(folder: Path) -> None:
    (folder / "locked").mkdir()
    shutil.copy(SEEDS[0], folder / "locked" / "hidden.txt")
    (folder / "locked").chmod(0)


def _bad_install(kind: str) -> str:
    """A prelude that points the batch at a copy of the checkpoint damaged one way (the shipped one stays)."""
    return (f"import atexit, shutil, tempfile, pathlib, nianbao.confidence as c, model.inference as m\n"
            f"d = pathlib.Path(tempfile.mkdtemp(prefix='nianbao-install-'))\n"
            f"atexit.register(shutil.rmtree, d, True)\n"
            f"shutil.copytree({str(MODEL_DIR)!r}, d, dirs_exist_ok=True)\n"
            + ("(d / 'calibration.json').write_text('{\"systems\": {\"hybrid\": {\"coef\": [1,')\n" if kind == "calibration"
               else "(d / 'model.safetensors').unlink()\n")
            + "c.MODEL_DIR = m.MODEL_DIR = d\n")


HOSTILE = [
    Hostile("empty file", lambda f: _write(f, "empty.txt", b"")),
    Hostile("whitespace only", lambda f: _write(f, "blank.txt", b" \n\t\n" * 100)),
    Hostile("random bytes .txt", lambda f: _write(f, "junk.txt", random.Random(1).randbytes(50_000))),
    Hostile("random bytes .pdf", lambda f: _write(f, "junk.pdf", random.Random(2).randbytes(50_000))),
    Hostile("random bytes .docx", lambda f: _write(f, "junk.docx", random.Random(3).randbytes(50_000))),
    Hostile("truncated DOCX", lambda f: _write(f, "cut.docx", _docx_bytes(SEED_TEXT.splitlines())[:6000])),
    Hostile("truncated PDF", lambda f: _write(f, "cut.pdf", _seed_pdf()[:4000])),
    Hostile("byte-mutated PDF", lambda f: _write(f, "mutated.pdf", _mutated(_seed_pdf(), 4))),
    Hostile("byte-mutated DOCX", lambda f: _write(f, "mutated.docx", _mutated(_docx_bytes(SEED_TEXT.splitlines()), 5))),
    Hostile("GBK text", lambda f: _write(f, "gbk.txt", SEED_TEXT.encode("gbk", errors="replace"))),
    Hostile("Big5 text", lambda f: _write(f, "big5.txt", SEED_TEXT.encode("big5", errors="replace"))),
    Hostile("UTF-16 text", lambda f: _write(f, "utf16.txt", SEED_TEXT.encode("utf-16"))),
    Hostile("unreadable file (chmod 0)", lambda f: (_write(f, "secret.txt", SEED_TEXT), (f / "secret.txt").chmod(0))),
    Hostile("XXE in a DOCX", _xxe_docx),
    Hostile("XXE in HTML", lambda f: _write(f, "xxe.html", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                                              '"file:///etc/passwd">]><html><body><p>&x;</p></body></html>')),
    Hostile("a pickle named .txt", lambda f: _write(f, "model.txt", pickle.dumps({"weights": list(range(5000))}))),
    Hostile("a pickle named .docx", lambda f: _write(f, "model.docx", pickle.dumps(list(range(5000))))),
    Hostile("path traversal in an @list", lambda f: (_write(f.parent, "list.txt", "../../../../../../etc/hostname\n"),
                                                     [f"@{f.parent / 'list.txt'}"])[1]),
    Hostile("old Word .doc", lambda f: _write(f, "old.doc", b"\xd0\xcf\x11\xe0" + bytes(2000))),
    Hostile("WPS file", lambda f: _write(f, "office.wps", b"\xd0\xcf\x11\xe0" + bytes(2000))),
    Hostile("a news page, no report", lambda f: _write(f, "news.html", "<html><body><h1>新闻</h1><p>今天召开会议。</p></body></html>")),
    Hostile("PDF without a text layer", lambda f: _write(f, "scan.pdf", _pdf_bytes([[]]))),
    Hostile("password-protected PDF", lambda f: _write(f, "locked.pdf", _pdf_bytes([SEED_TEXT.splitlines()[:60]], "pw"))),
    Hostile("PNG named .txt", lambda f: _write(f, "image.txt", b"\x89PNG\r\n\x1a\n" + random.Random(6).randbytes(5000))),
    Hostile("ZIP without a Word body", lambda f: _write(f, "empty.docx", _zip({"a.txt": b"x"}))),
    Hostile("symlink loop", lambda f: (os.symlink("b.txt", f / "a.txt"), os.symlink("a.txt", f / "b.txt"))),
    Hostile("file name not UTF-8", lambda f: _write(f, os.fsdecode(b"\xff\xfe-report.txt"), SEED_TEXT)),
    Hostile("unreadable subfolder", _unreadable_folder),
    Hostile("FIFO named .txt", lambda f: os.mkfifo(f / "pipe.txt")),
    Hostile("symlink to /dev/zero", lambda f: os.symlink("/dev/zero", f / "zero.txt")),
    Hostile("symlink to /dev/urandom", lambda f: os.symlink("/dev/urandom", f / "random.txt")),
    Hostile("10 MB single line of prose", lambda f: _write(f, "prose.txt", SEED_TEXT + "政府信息公开工作" * 437_000 + "\n")),
    Hostile("10 MB single line of cells", lambda f: _write(f, "cells.txt", SEED_TEXT + " | ".join(["12"] * 2_000_000) + "\n")),
    Hostile("200 MB text", lambda f: _write(f, "huge.txt", SEED_TEXT * (200_000_000 // len(SEED_TEXT.encode())))),
    Hostile("50 MB HTML", lambda f: _write(f, "huge.html", "<html><body>" + "".join(
        f"<p>{html.escape(line)}</p>" for line in SEED_TEXT.splitlines()) * 2_000 + "</body></html>")),
    Hostile("DOCX of 6 million paragraphs", _million_paragraphs),
    Hostile("DOCX bomb (1 GB inside)", _docx_bomb),
    Hostile("PDF bomb (1 GB content stream)", lambda f: _write(f, "bomb.pdf", _raw_pdf(_zeros_deflated(1024)))),
    Hostile("3,000-page PDF", lambda f: _write(f, "long.pdf", _pdf_bytes([["政府信息公开", str(n)] for n in range(3000)]))),
    Hostile("HTML nested 1,000 deep", lambda f: _write(f, "deep.html", "<html><body>" + "<div>" * 1000 + "".join(
        f"<p>{html.escape(line)}</p>" for line in SEED_TEXT.splitlines()) + "</div>" * 1000 + "</body></html>")),
    Hostile("one NUL byte in UTF-8", lambda f: _write(f, "nul.txt", SEED_TEXT[:3000].encode() + b"\x00" + SEED_TEXT[3000:].encode())),
    Hostile("one 0xFF byte in UTF-8", lambda f: _write(f, "ff.txt", SEED_TEXT[:3000].encode() + b"\xff" + SEED_TEXT[3000:].encode())),
    Hostile("a count >= 2**63 (--format csv)", lambda f: _write(f, "wide.txt", _seed_with("30", "92233720368547758080"))),
    Hostile("a 17-digit count (--format parquet)", lambda f: _write(f, "long-count.txt", _seed_with("30", "12345678901234567"))),
    Hostile("unreadable folder given by name", lambda f: (_unreadable_folder(f), [str(f / "locked")])[1]),
    Hostile("damaged calibration.json", lambda f: None, prelude=_bad_install("calibration")),
    Hostile("checkpoint without model.safetensors", lambda f: None, prelude=_bad_install("weights")),
]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def run_one(hostile: Hostile, scratch: Path, system: str) -> dict:
    """Build one hostile input beside the seeds, parse the folder, and judge the batch."""
    case = scratch / "".join(ch if ch.isalnum() else "-" for ch in hostile.name)
    shutil.rmtree(case, ignore_errors=True)
    folder, out = case / "in", case / "out"
    folder.mkdir(parents=True)
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    extra = hostile.build(folder) or []
    extra = extra if isinstance(extra, list) else []
    output_format = "csv" if "csv" in hostile.name else "parquet" if "parquet" in hostile.name else "json"
    argv = ["parse", str(folder), *extra, "--out", str(out), "--system", system, "--format", output_format]
    code = (hostile.prelude + "import sys\nfrom nianbao.cli import main\n"
            f"sys.exit(main({argv!r}))\n")
    started = time.perf_counter()
    with open(case / "stdout", "wb") as stdout, open(case / "stderr", "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=stdout, stderr=stderr)
        # wait4, not Popen.wait: its usage holds the largest resident set of the batch and its workers.
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    peak = usage.ru_maxrss / 1024
    stderr_text = (case / "stderr").read_bytes().decode("utf-8", errors="replace")
    seed_records = _seed_records(out, output_format)
    listed = _listed(out)
    hostile_listed = [entry for entry in listed if not any(seed.stem in entry["source"] for seed in SEEDS)]
    traceback = "Traceback" in stderr_text
    if returncode == 2 and not traceback:
        outcome, reason = "refused up front", stderr_text.strip().splitlines()[-1] if stderr_text.strip() else ""
    elif traceback or seed_records < len(SEEDS):
        outcome, reason = "LOST", (stderr_text.strip().splitlines() or ["?"])[-1]
    elif hostile_listed:
        outcome, reason = "listed", "; ".join(entry["reason"] for entry in hostile_listed)
    else:
        outcome, reason = "parsed", ""
    for path in case.rglob("*"):  # make the unreadable parts removable again
        if not path.is_symlink():
            path.chmod(0o700)
    shutil.rmtree(case, ignore_errors=True)
    return {"input": hostile.name, "outcome": outcome, "reason": reason, "seeds": seed_records,
            "exit": returncode, "peak_mb": peak, "seconds": seconds}


def _seed_records(out: Path, output_format: str) -> int:
    records = out if output_format == "json" else out / ".nianbao-records"
    return sum((records / f"{seed.stem}.json").is_file() for seed in SEEDS)


def _listed(out: Path) -> list[dict]:
    path = out / "errors.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", default="hybrid", help="rules, model or hybrid (default: hybrid, the default)")
    parser.add_argument("--only", nargs="+", metavar="TEXT", help="only the inputs whose name contains TEXT")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/nianbao-hostile"), help="folder for the inputs")
    args = parser.parse_args()
    chosen = [h for h in HOSTILE if not args.only or any(text in h.name for text in args.only)]
    print(f"{len(chosen)} hostile inputs, each beside the {len(SEEDS)} seeds, system {args.system}")
    print("| input | outcome | reason | seeds written | peak MB | seconds |\n|---|---|---|---|---|---|")
    survived = 0
    for hostile in chosen:
        result = run_one(hostile, args.scratch, args.system)
        survived += result["outcome"] != "LOST"
        reason = result["reason"].replace("|", "/")
        reason = reason if len(reason) < 150 else reason[:147] + "..."
        print(f"| {result['input']} | {result['outcome']} | {reason} | {result['seeds']}/{len(SEEDS)} | "
              f"{result['peak_mb']:.0f} | {result['seconds']:.1f} |", flush=True)
    print(f"\n{survived}/{len(chosen)} batches survived")


if __name__ == "__main__":
    main()
