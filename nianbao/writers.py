"""Output files of ``nianbao parse``: one JSON record per report, or collections of them (JSONL, CSV, Parquet).

Every file is written atomically (a temporary file in the same folder, ``os.replace``), so a run killed at
any moment leaves each output either whole or absent, never half-written.  The temporary files a kill
leaves behind are hidden (``.<name>.<pid>.nianbao-tmp``) and removed by the next run.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from nianbao.schema import all_field_keys, field_spec

if TYPE_CHECKING:  # pandas takes 0.3 s to import, and only the CSV and Parquet outputs need it
    import pandas as pd

FORMATS = ("json", "jsonl", "csv", "parquet")
META_COLUMNS = ("meta.year", "meta.agency", "meta.title")
TEMP_SUFFIX = ".nianbao-tmp"


def atomic_write(path: Path, write: Callable[[Path], None], durable: bool = True) -> None:
    """Call ``write(temporary_path)``, make the bytes durable, then move them to ``path`` in one step.

    With ``durable`` the data is fsynced before the rename, so even a power cut cannot leave a renamed
    file with missing bytes.  The folder is not fsynced after it (that fsync would cost more than parsing
    a report): a power cut may undo the last renames, leaving the previous file or none, whole either way.
    A local batch's per-report records are written without (``durable=False``; an fsync each cost a tenth
    of a rule parse): the batch syncs them all once at its end, and a resumed batch parses again a record
    that does not read back (``batch._kept``).
    """
    path = Path(path)
    temporary = path.parent / f".{path.name}.{os.getpid()}{TEMP_SUFFIX}"
    try:
        write(temporary)
        if durable:
            with open(temporary, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> int:
    """Delete the temporary files a killed run left in ``folder``; how many there were."""
    stale = list(Path(folder).glob(f".*{TEMP_SUFFIX}"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def write_text(path: Path, text: str, errors: str = "strict") -> None:
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8", errors=errors))


# A file name that is not UTF-8 reaches Python with its stray bytes as lone surrogates ("\udcff"), which
# UTF-8 cannot encode.  In JSON they are written as the escape "\udcff", which reads back as the same
# string, and so as the same file name (``os.fsencode``).
_JSON_ERRORS = "backslashreplace"


def write_json(path: Path, data, durable: bool = True) -> None:
    """One JSON document, UTF-8 with Chinese kept readable, indented by two spaces.

    orjson writes it (the same bytes as ``json.dumps(data, ensure_ascii=False, indent=2)``, in a thirtieth
    of the time: the standard library's indented encoder is pure Python and took a fifth of a rule
    parse); what orjson refuses, a lone surrogate of a file name or an integer past 64 bits, the standard
    library writes.
    """
    try:
        encoded = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson.JSONEncodeError is one
        encoded = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8", errors=_JSON_ERRORS)
    atomic_write(path, lambda temporary: temporary.write_bytes(encoded), durable)


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    write_text(path, "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
               errors=_JSON_ERRORS)


def printable_path(path: str) -> str:
    """A file name as text any file format holds: the bytes of a name that is not UTF-8 as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def reports_table(records: list[dict]) -> pd.DataFrame:
    """One row per report: source, template, metadata, then the value of every field key of both templates.

    Columns follow the schema order; a field the report's template lacks is missing (NA).  Counts are
    nullable integers and amounts nullable decimals, so the table loads into pandas as numbers.
    """
    import pandas as pd

    keys = all_field_keys()
    rows = []
    for record in records:
        fields = record["fields"]
        row = {"source": printable_path(record["source"]), "template": record["template"]}
        row.update({column: record["meta"].get(column.split(".", 1)[1]) for column in META_COLUMNS})
        row.update({key: fields[key]["value"] if key in fields else None for key in keys})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["source", "template", *META_COLUMNS, *keys], dtype=object)
    dtypes = {"meta.year": "Int64"}
    dtypes.update({key: "Int64" if field_spec(key).kind == "count" else "Float64" for key in keys})
    return frame.astype({column: _exact_dtype(frame[column], dtype) for column, dtype in dtypes.items()})


def fields_long_table(records: list[dict]) -> pd.DataFrame:
    """One row per (report, field) with the printed text beside the value: the table to audit a batch by."""
    import pandas as pd

    rows = [{"report": printable_path(record["source"]), "field": key, "value": parsed["value"], "raw": parsed["raw"],
             "confidence": parsed["confidence"], "by": parsed["by"]}
            for record in records for key, parsed in record["fields"].items()]
    frame = pd.DataFrame(rows, columns=["report", "field", "value", "raw", "confidence", "by"], dtype=object)
    return frame.astype({"value": _exact_dtype(frame["value"], "Float64"), "confidence": "float64"})


def _exact_dtype(column: pd.Series, dtype: str) -> str:
    """``dtype`` ("Int64" or "Float64"), or "string" when a value of ``column`` does not fit it exactly.

    A count printed with 17 digits is not exact as a float, nor one of 2**63 or more as an Int64; such a
    column is written as the numbers' text, so no value is changed or refused on its way to the table.
    """
    def fits(value) -> bool:
        if value is None or isinstance(value, float):
            return dtype == "Float64" or value is None
        return -2**63 <= value < 2**63 if dtype == "Int64" else abs(value) <= 2**53

    return dtype if all(fits(value) for value in column) else "string"


def write_collection(out_dir: Path, records: list[dict], output_format: str) -> list[Path]:
    """Write the collection files of ``output_format`` (not ``json``) for ``records``; the paths written."""
    out_dir = Path(out_dir)
    if output_format == "jsonl":
        path = out_dir / "reports.jsonl"
        write_jsonl(path, records)
        return [path]
    if output_format not in ("csv", "parquet"):
        raise ValueError(f"no collection file for format {output_format!r}")
    written = []
    for name, frame in (("reports", reports_table(records)), ("fields_long", fields_long_table(records))):
        path = out_dir / f"{name}.{output_format}"
        if output_format == "csv":
            # UTF-8 with a BOM: pandas reads it as it is, and spreadsheet programs then show the Chinese.
            atomic_write(path, lambda temporary, frame=frame: frame.to_csv(temporary, index=False,
                                                                              encoding="utf-8-sig"))
        else:
            atomic_write(path, lambda temporary, frame=frame: frame.to_parquet(temporary, index=False))
        written.append(path)
    return written
