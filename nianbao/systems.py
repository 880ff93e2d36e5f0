"""The systems a report can be parsed with, and what a batch asks of one before its first file: is it
installed whole, and what version of it parses (the key a resumed batch keeps records by).

Apart from ``nianbao.pipeline`` so that asking costs neither the parser's nor torch's import: the batch
process only asks, and its workers parse.
"""
from __future__ import annotations

from model.checkpoint_files import check_checkpoint, checkpoint_version
from nianbao.confidence import load_calibration
from nianbao.provenance import parser_version

SYSTEMS = ("rules", "model", "hybrid")


def system_version(system: str, labeller=None) -> str:
    """A string that changes whenever the output of ``system`` may change: the parser's code and data
    (``provenance.parser_version``), and every file of the checkpoint in use (``labeller``'s, by default the
    installed one): weights, config, tokenizer and calibration.

    Raises FileNotFoundError for a model-based system when no checkpoint is installed.
    """
    if system == "rules":
        return f"rules-{parser_version()}"
    version = labeller.version if labeller is not None else checkpoint_version()
    if version == "no-model":
        raise FileNotFoundError("no model checkpoint installed in model/checkpoint (run `nianbao train`)")
    return f"{system}-{parser_version()}-{version}"


def check_system(system: str) -> None:
    """Raise ValueError naming what is damaged in the installed model or calibration ``system`` would use.

    A batch calls it before its first file, so a broken install is one error, not one per file.
    """
    load_calibration()
    if system != "rules":
        check_checkpoint()
