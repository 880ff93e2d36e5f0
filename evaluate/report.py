"""Render evaluation results for a person (terminal table, HTML page) and for a program (JSON).

One run scores one or several systems on the same reports, so every renderer takes ``Results``: a single
system is a comparison with one column.  All three views are built from the same ``figure_rows``, so the
terminal, the JSON and the HTML page can never disagree on a figure.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from evaluate import span_scores
from evaluate.scoring import META_KEYS, SECTIONS, SURE, Context, Evaluation, Mismatch, ReportScore, Tally


@dataclass
class Unavailable:
    """A system that could not run at all (e.g. no model checkpoint), and why."""

    reason: str


@dataclass
class Results:
    """What one ``nianbao evaluate`` run produced, ready to render."""

    gold_dir: str
    systems: dict[str, Evaluation | Unavailable]
    skipped: list[str] = field(default_factory=list)  # inputs without a gold file, with a note each
    grouped_by: str | None = None  # what the group labels are, e.g. "style"
    spans: dict[str, span_scores.SpanScores] = field(default_factory=dict)  # systems scored on gold spans

    @property
    def scored(self) -> dict[str, Evaluation]:
        return {name: result for name, result in self.systems.items() if isinstance(result, Evaluation)}


def figure_rows(evaluation: Evaluation, grouped_by: str | None) -> list[tuple[str, str, Tally]]:
    """(heading, label, tally) for every figure: the four headline ones, then per section and per group."""
    summary = evaluation.summary
    rows = [("figures", "field accuracy", summary.fields),
            ("figures", "non-zero field accuracy", summary.nonzero),
            ("figures", "report exact match", summary.exact)]
    rows += [("figures", f"metadata {key}", summary.meta[key]) for key in META_KEYS]
    rows.append(("figures", "metadata title (not one of the three)", summary.meta["title"]))
    if summary.ambiguous.total:
        rows.append(("figures", "ambiguous fields (in no figure above)", summary.ambiguous))
    rows.append(("figures", f"fields with confidence ≥ {SURE}", summary.sure))
    rows += [("by section", f"{section} fields", summary.sections[section]) for section in SECTIONS]
    heading = f"by {grouped_by or 'group'}"
    for label, group in evaluation.groups.items():
        rows += [(heading, f"{label}: fields", group.fields), (heading, f"{label}: non-zero", group.nonzero),
                 (heading, f"{label}: exact match", group.exact)]
        rows += [(heading, f"{label}: metadata {key}", group.meta[key]) for key in META_KEYS if key != "template"]
        rows.append((heading, f"{label}: confidence ≥ {SURE}", group.sure))
    return rows


def comparison_rows(results: Results) -> list[tuple[str, str, dict[str, Tally | None], set[str]]]:
    """(heading, label, tally per system, systems with the best rate) over every scored system.

    A system that lacks a row (a group it had no report in) gets None there; ties share the best mark, and a
    row where all systems score the same marks none.
    """
    merged: dict[tuple[str, str], dict[str, Tally | None]] = {}
    for name, evaluation in results.scored.items():
        for heading, label, tally in figure_rows(evaluation, results.grouped_by):
            merged.setdefault((heading, label), dict.fromkeys(results.scored))[name] = tally
    rows = []
    for (heading, label), tallies in merged.items():
        rates = {name: t.rate for name, t in tallies.items() if t is not None and t.rate is not None}
        differ = len(set(rates.values())) > 1
        best = {name for name, rate in rates.items() if rate == max(rates.values())} if differ else set()
        rows.append((heading, label, tallies, best))
    return rows


def _show(value) -> str:
    return "null" if value is None else str(value)


def _mismatch_line(mismatch: Mismatch) -> str:
    predicted = "(missing)" if mismatch.missing else _show(mismatch.predicted)
    raw = f" raw {mismatch.raw!r}" if mismatch.raw is not None else ""
    return f"{mismatch.stem}  {mismatch.key}: gold {_show(mismatch.gold)}, predicted {predicted}{raw}"


def _context_line(context: Context) -> str:
    flat = [part.replace("\n", "⏎") for part in context]
    return f"…{flat[0]}⟦{flat[1]}⟧{flat[2]}…"


def meta_mismatches(evaluation: Evaluation) -> list[tuple[str, str, object, object]]:
    """(stem, meta key, gold, predicted) for every wrong metadata item, title included."""
    return [(report.stem, key, report.gold_meta.get(key), report.predicted_meta.get(key))
            for report in evaluation.reports for key, ok in report.meta.items() if not ok]


def render_terminal(results: Results, max_mismatches: int = 20) -> str:
    """A compact plain-text report: the figures table, then each system's mismatches with their context."""
    names = list(results.scored)
    lines = [f"gold: {results.gold_dir}"]
    for name, result in results.systems.items():
        if isinstance(result, Unavailable):
            lines.append(f"system {name}: unavailable ({result.reason})")
    if names:
        reports = results.scored[names[0]].summary.reports
        lines.append(f"{reports} report{'s' * (reports != 1)} scored")
        rows = comparison_rows(results)
        label_width = max(len(label) for _, label, _, _ in rows) + 4
        cells = {(label, name): "" if tally is None else str(tally) + (" *" if name in best else "")
                 for _, label, tallies, best in rows for name, tally in tallies.items()}
        widths = {name: max([len(name)] + [len(cells[label, name]) for _, label, _, _ in rows]) + 2
                  for name in names}
        heading = None
        for row_heading, label, _, _ in rows:
            if row_heading != heading:
                heading = row_heading
                lines.append("")
                lines.append((heading.ljust(label_width) + "".join(name.ljust(widths[name]) for name in names)).rstrip())
            lines.append((("  " + label).ljust(label_width)
                          + "".join(cells[label, name].ljust(widths[name]) for name in names)).rstrip())
        if len(names) > 1:
            lines.append("(* best of the systems compared)")
    lines += span_scores.terminal_lines(results.spans)
    for name in names:
        evaluation = results.scored[name]
        mismatches = evaluation.mismatches
        shown = mismatches[:max_mismatches]
        of_system = f" of {name}" if len(names) > 1 else ""
        lines.append("")
        lines.append(f"field mismatches{of_system}: {len(mismatches)}"
                     + (f" (first {len(shown)} shown)" if len(shown) < len(mismatches) else ""))
        for mismatch in shown:
            lines.append("  " + _mismatch_line(mismatch))
            if mismatch.context:
                lines.append("      " + _context_line(mismatch.context))
        wrong_meta = meta_mismatches(evaluation)
        if wrong_meta:
            lines.append(f"metadata mismatches{of_system}: {len(wrong_meta)}")
            lines.extend(f"  {stem}  meta.{key}: gold {_show(gold)}, predicted {_show(predicted)}"
                         for stem, key, gold, predicted in wrong_meta)
        notes = [f"  {report.stem}: {report.note}" for report in evaluation.reports if report.note]
        if notes:
            lines.append(f"notes{of_system}:")
            lines.extend(notes)
    if results.skipped:
        lines.append("")
        lines.append(f"skipped (no gold file): {len(results.skipped)}")
        lines.extend("  " + note for note in results.skipped)
    return "\n".join(lines) + "\n"


def _jsonable(value):
    """Dataclasses and named tuples as plain dicts, tallies with their rate, for ``json.dump``."""
    if isinstance(value, Tally):
        return {"right": value.right, "total": value.total, "rate": value.rate}
    if isinstance(value, Context):
        return value._asdict()
    if dataclasses.is_dataclass(value):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, ReportScore):
            data["exact"] = value.exact
        return data
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def to_json(results: Results) -> dict:
    """The whole run as a JSON-ready dict: every system's summary, groups, per-report scores and mismatches."""
    return {
        "gold_dir": results.gold_dir,
        "grouped_by": results.grouped_by,
        "systems": {name: ({"unavailable": result.reason} if isinstance(result, Unavailable) else
                           {"summary": _jsonable(result.summary), "groups": _jsonable(result.groups),
                            "reports": _jsonable(result.reports)})
                    for name, result in results.systems.items()},
        "skipped": list(results.skipped),
        "spans": span_scores.to_json(results.spans),
    }


_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent),
                                  autoescape=True, undefined=jinja2.StrictUndefined)


def render_html(results: Results, title: str = "nianbao evaluation") -> str:
    """A self-contained HTML page: figures side by side (best per row marked), per-report scores, mismatches."""
    return _ENVIRONMENT.get_template("report.html.j2").render(
        title=title, results=results, rows=comparison_rows(results), names=list(results.scored),
        unavailable={name: r.reason for name, r in results.systems.items() if isinstance(r, Unavailable)},
        meta_mismatches=meta_mismatches, show=_show, span_rows=span_scores.rows(results.spans))
