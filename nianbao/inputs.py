"""What ``nianbao parse INPUT...`` means by an INPUT, and the output name each report file gets.

An INPUT is a file, a folder (searched recursively for report files), a glob pattern (``reports/**/*.pdf``)
or ``@list.txt`` (a file naming one INPUT per line).  An INPUT that names nothing is an error of its own;
the other INPUTs still go on.

Only regular files are read.  A path is listed as an error of its own, and never opened, when it is a
FIFO, a device or a socket (a FIFO would block the batch forever, ``/dev/zero`` would fill the memory),
a symlink to one of those, a symlink to another symlink (a symlink is followed once), a symlink loop,
or a folder that cannot be listed.
"""
from __future__ import annotations

import errno
import glob
import os
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import InputError
from nianbao.readers import KNOWN_SUFFIXES
from nianbao.text import decode


@dataclass
class Inputs:
    """The report files the INPUTs name, in order and without repeats, and the INPUTs that named none."""

    files: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)


def expand_inputs(specs: list[str]) -> Inputs:
    """Resolve every INPUT to report files; a file named twice (or by two INPUTs) is kept once."""
    result = Inputs()
    seen: set[Path] = set()

    def add(spec: str, relative_to: Path | None = None) -> None:
        if relative_to is not None and not Path(spec).is_absolute():
            spec = str(relative_to / spec)
        try:
            paths = _expand_one(spec, result.errors)
        except ValueError as error:
            result.errors.append((spec, str(error)))
            return
        for path in paths:
            problem = file_problem(path)
            if problem is not None:
                result.errors.append((str(path), problem))
                continue
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                result.files.append(path)

    for spec in specs:
        if spec.startswith("@"):
            list_path = Path(spec[1:])
            try:
                lines = decode(spec, list_path.read_bytes()).splitlines()
            except OSError as error:
                result.errors.append((spec, f"cannot read the list: {error.strerror}"))
                continue
            except InputError as error:
                result.errors.append((spec, f"cannot read the list: {error.reason}"))
                continue
            for line in lines:
                if line.strip() and not line.lstrip().startswith("#"):
                    add(line.strip(), relative_to=list_path.parent)  # a list's paths are relative to it
        else:
            add(spec)
    return result


def file_problem(path: Path) -> str | None:
    """Why ``path`` is not read as a report file (module docstring), or None for a regular file."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = os.path.join(os.path.dirname(path), os.readlink(path))
            info = os.lstat(target)
            if stat.S_ISLNK(info.st_mode):
                os.stat(path)  # raises for a loop
                return "a symlink to a symlink: a symlink is followed once, not along a chain"
    except FileNotFoundError:
        return "no such file (or a symlink to nothing)"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symlink loop"
        return f"cannot read the file: {error.strerror}"
    if stat.S_ISREG(info.st_mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode)
            or stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "a folder"
            if stat.S_ISDIR(info.st_mode) else "not a file")
    return f"not a regular file ({kind}): only regular files are read"


def _expand_one(spec: str, errors: list[tuple[str, str]]) -> list[Path]:
    """The files of one INPUT (not a list); folders that cannot be listed are added to ``errors``."""
    path = Path(spec)
    if os.path.lexists(path) and not path.is_dir():
        return [path]  # a file, or something that is not one: ``file_problem`` says which
    if path.is_dir():
        before = len(errors)
        files = _report_files(path, errors)
        if not files and len(errors) == before:
            raise ValueError(f"no report files ({', '.join(KNOWN_SUFFIXES)}) in the folder")
        return files
    if glob.has_magic(str(path)):
        matches = sorted(glob.glob(str(path), recursive=True))
        files = [f for match in matches for f in ([Path(match)] if not os.path.isdir(match)
                                                   else _report_files(Path(match), errors))]
        if not files:
            raise ValueError("no file matches the pattern")
        return files
    raise ValueError("no such file or folder")


def _report_files(folder: Path, errors: list[tuple[str, str]]) -> list[Path]:
    """Report files under ``folder``, sorted; hidden files and folders (``.git``, output state) are skipped.

    A folder that cannot be listed (no permission) is added to ``errors`` and the walk goes on.
    Symlinked folders are not entered, so a symlink loop of folders cannot make the walk endless.
    """
    def unlisted(error: OSError) -> None:
        errors.append((error.filename if error.filename is not None else str(folder),
                       f"cannot list the folder: {error.strerror}"))

    found = []
    for root, dirs, files in os.walk(folder, onerror=unlisted):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / name for name in sorted(files)
                     if not name.startswith(".") and Path(name).suffix.lower() in KNOWN_SUFFIXES)
    return found


def output_names(files: list[Path]) -> tuple[list[str], list[str]]:
    """An output name (no suffix) per file, and a note for every group of files whose stems collide.

    A file is named by its stem.  Files sharing a stem (``2020/report.pdf``, ``2021/report.pdf``) are
    named by their path below the folder they have in common, folders joined with ``__`` and the suffix
    kept (``2020__report_pdf``), so the names do not depend on the order of the INPUTs.
    """
    by_stem: dict[str, list[int]] = defaultdict(list)
    for index, path in enumerate(files):
        by_stem[path.stem].append(index)
    names = [path.stem for path in files]
    notes = []
    for stem, indices in by_stem.items():
        if len(indices) < 2:
            continue
        resolved = [files[i].resolve() for i in indices]
        common = Path(os.path.commonpath([str(p.parent) for p in resolved]))
        for i, full in zip(indices, resolved):
            relative = full.relative_to(common)
            names[i] = "__".join([*relative.parent.parts, relative.stem + "_" + relative.suffix.lstrip(".")])
        shown = ", ".join(f"{files[i]} -> {names[i]}" for i in indices)
        notes.append(f"{len(indices)} files share the name {stem!r}; named by their paths: {shown}")
    return _unique(names), notes


def _unique(names: list[str]) -> list[str]:
    """Number the rare names still repeated after disambiguation (``x``, ``x-2``...), first come first served."""
    taken: set[str] = set()
    out = []
    for name in names:
        candidate, number = name, 1
        while candidate in taken:
            number += 1
            candidate = f"{name}-{number}"
        taken.add(candidate)
        out.append(candidate)
    return out
