"""nianbao as a spaCy pipeline component: a report's fields as spans on the ``Doc``.

After ``pip install nianbao`` spaCy finds the factory through the ``spacy_factories`` entry point::

    nlp = spacy.blank("zh")
    nlp.add_pipe("nianbao", config={"system": "hybrid"})
    doc = nlp(text)
    doc.spans["nianbao"]   # one Span per field read, label = field key
    doc._.nianbao          # the record, as ``nianbao parse`` writes it

The component runs the project's pipeline (``nianbao.pipeline.parse_document``) on the Doc's text and
puts the record on the Doc; it parses nothing itself.  Each span has ``span._.value``, ``._.raw``,
``._.confidence`` and ``._.by``, read from ``doc._.nianbao`` by the span's label, so they survive
``Doc.to_bytes`` (and so ``nlp.pipe(n_process=...)``) with the record and cannot collide where two fields
were read from the same characters.

Spans are char-exact whatever the tokenizer.  ``spacy.blank("zh")`` segments by character (its default,
needing no download), so every cell boundary is a token boundary.  A tokenizer that keeps a glued run of
digits as one token (``申请数量21710000218`` under ``spacy.blank("xx")``, or a word segmenter) has that
token split at the cell boundaries with spaCy's retokenizer before the spans are made, so
``span.text`` is always the printed cell.
"""
from __future__ import annotations

import os
import shutil
import sys
from functools import lru_cache, partial

from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from nianbao.pipeline import default_labeller, found_report, parse_document
from nianbao.systems import SYSTEMS
from nianbao.text import normalise

SPANS_KEY = "nianbao"
SPAN_ATTRIBUTES = ("value", "raw", "confidence", "by")  # each a span extension, read from the record
CHECKPOINT_FOLDER = "checkpoint"  # where ``to_disk`` saves the model inside the component's folder


def _field_attribute(name: str, span: Span):
    record = span.doc._.nianbao
    field = record["fields"].get(span.label_) if record else None
    return field[name] if field else None


def _register_extensions() -> None:
    if not Doc.has_extension("nianbao"):
        Doc.set_extension("nianbao", default=None)
    for name in SPAN_ATTRIBUTES:
        if not Span.has_extension(name):
            Span.set_extension(name, getter=partial(_field_attribute, name))


@Language.factory("nianbao", default_config={"system": "hybrid", "checkpoint": None},
                  assigns=["doc.spans", "doc._.nianbao"], retokenizes=True,
                  default_score_weights={f"spans_{SPANS_KEY}_f": 1.0, f"spans_{SPANS_KEY}_p": 0.0,
                                         f"spans_{SPANS_KEY}_r": 0.0})
def make_nianbao(nlp: Language, name: str, system: str, checkpoint: str | None) -> "NianbaoComponent":
    """The component; ``checkpoint`` is a model folder (null: the shipped model); ``system`` as in ``parse``."""
    return NianbaoComponent(name, system, checkpoint)


class NianbaoComponent:
    """Parses each Doc's text as a report and sets ``doc._.nianbao`` and ``doc.spans["nianbao"]``.

    The model is loaded at the first Doc, not when the pipeline is built, so a rules-only pipeline never
    imports torch.  ``nlp.pipe(n_process=N)`` forks its workers; a worker forked from a process that
    has already run the model hangs at its first forward pass unless torch runs single-threaded in it
    (GNU OpenMP's thread pool does not survive a fork), so a forked worker reads with one thread: one
    core each (``_single_threaded_when_forked``).
    """

    def __init__(self, name: str, system: str, checkpoint: str | None = None):
        if system not in SYSTEMS:
            raise ValueError(f"nianbao component: unknown system {system!r}: expected one of {', '.join(SYSTEMS)}")
        _register_extensions()
        self.name, self.system, self.checkpoint = name, system, checkpoint
        self._labeller = None
        if system != "rules":
            _single_threaded_when_forked()

    def labeller(self):
        """The model this component reads with (None for ``rules``), loaded once."""
        if self.system == "rules":
            return None
        if self._labeller is None:
            if self.checkpoint is None:
                self._labeller = default_labeller()
            else:
                from model.inference import Labeller

                self._labeller = Labeller.load(self.checkpoint)
        return self._labeller

    def __call__(self, doc: Doc) -> Doc:
        report = parse_document(normalise("", doc.text), self.system, self.labeller())
        report.source = None  # a Doc has no file; ``nianbao parse`` writes the input path here
        set_record(doc, report.to_json() if found_report(report) else None)
        return doc

    def score(self, examples, **kwargs) -> dict:
        """Span precision, recall and F1 (``Scorer.score_spans``) of ``doc.spans["nianbao"]``, by field key."""
        return Scorer.score_spans(examples, f"spans_{SPANS_KEY}", getter=field_spans, allow_overlap=True)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        """Save the checkpoint the component reads with (safetensors weights, its exported graph and its
        calibration), so the saved pipeline reads with the same runtime and gives the same confidences."""
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        labeller = self.labeller()
        if labeller is None:
            return
        saved = path / CHECKPOINT_FOLDER
        if labeller.checkpoint is not None:  # its folder as it is: weights, exported graph, tokenizer, calibration
            shutil.rmtree(saved, ignore_errors=True)
            shutil.copytree(labeller.checkpoint, saved, ignore=shutil.ignore_patterns(".*"))
        else:
            labeller.network.model.save_pretrained(saved, safe_serialization=True)
            labeller.tokenizer.save_pretrained(saved)

    def from_disk(self, path, *, exclude=tuple()) -> "NianbaoComponent":
        """Read with the model ``to_disk`` saved (a rules-only component saved none)."""
        saved = ensure_path(path) / CHECKPOINT_FOLDER
        if self.system != "rules" and (saved / "config.json").is_file():
            from model.inference import Labeller

            self._labeller = Labeller.load(saved)
        return self


def _torch_single_threaded() -> None:
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


@lru_cache(maxsize=1)
def _single_threaded_when_forked() -> None:
    os.register_at_fork(after_in_child=_torch_single_threaded)


def field_spans(doc: Doc, attr: str = f"spans_{SPANS_KEY}") -> list[Span]:
    """The field spans of ``doc`` (the getter ``Scorer.score_spans`` reads them with)."""
    return list(doc.spans.get(SPANS_KEY, []))


def set_record(doc: Doc, record: dict | None) -> None:
    """Put a parsed record (``Report.to_json()``, what ``nianbao parse`` writes) on ``doc``:
    ``doc._.nianbao`` and one span per field read from the text.

    The record must be of ``doc.text`` (its start/end index it).  None (a text without report tables)
    leaves ``doc._.nianbao`` None and the span group empty.
    """
    _register_extensions()
    fields = record["fields"] if record else {}
    set_spans(doc, [(key, field["start"], field["end"]) for key, field in fields.items()
                    if field.get("start") is not None])
    doc._.nianbao = record


def set_spans(doc: Doc, located: list[tuple[str, int, int]]) -> None:
    """``doc.spans["nianbao"]``: a span labelled ``key`` over the characters ``start:end`` of each item,
    tokens split where a boundary falls inside one."""
    split_at(doc, {offset for _, start, end in located for offset in (start, end)})
    spans = []
    for key, start, end in located:
        span = doc.char_span(start, end, label=key, alignment_mode="strict")
        if span is None:  # only possible if a field began or ended inside a run of whitespace
            raise ValueError(f"nianbao component: field {key} at {start}:{end} ({doc.text[start:end]!r}) "
                             "does not fall on token boundaries")
        spans.append(span)
    doc.spans[SPANS_KEY] = spans


def split_at(doc: Doc, offsets: set[int]) -> None:
    """Split every token that one of ``offsets`` (character offsets into ``doc.text``) falls inside."""
    cuts = {}
    for token in doc:
        inside = sorted(offset - token.idx for offset in offsets if token.idx < offset < token.idx + len(token))
        if inside:
            bounds = [0, *inside, len(token)]
            cuts[token.i] = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for index, orths in cuts.items():
            token = doc[index]
            # each piece hangs from the first, which keeps the token's own head
            retokenizer.split(token, orths, heads=[token.head] + [(token, 0)] * (len(orths) - 1))

