"""``OUT_DIR/summary.html``: a batch at a glance, written at the end of every ``nianbao parse``.

The page says how many reports were parsed and how many failed (grouped by reason), how many have failing
checks, how sure the parser was (each report's least confident printed field), what the reports count
(applications by year and outcome) and, first of all, which reports a person should look at: the ones with
the most failed checks and the least confident fields, each linked to where its review page goes
(``OUT_DIR/review/<name>.html``, written by the ``nianbao review`` command shown beside it).

Each record is boiled down to a small digest (``digest``) where it is written, in the worker that parsed
it, and the batch adds the digests up as they come (``BatchPage``): only the aggregates and the shortlist
are kept, so the page costs the same memory and nearly the same time for a million reports as for ten.
The plots are matplotlib SVG put inline: the page has no script and loads nothing, so it opens offline.
Its bytes depend on the records alone (no date, fixed SVG ids), so two runs over the same files write the
same page.
"""
from __future__ import annotations

import heapq
import importlib
import io
import json
import threading
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from nianbao.writers import printable_path, write_text

SUMMARY_FILE = "summary.html"
REVIEW_FOLDER = "review"
SHORTLIST = 15  # reports listed for a person to look at first
# Each report's least confident printed field falls into one of these bins (lower edges).
CONFIDENCE_BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
# How the 依申请公开 table's results are grouped in the plot, by the row key's prefix (``requests.<row>.total``).
OUTCOMES = (("granted", ("granted",)), ("partly granted", ("partial",)), ("denied", ("denied_",)),
            ("unable to provide", ("unable_",)), ("not processed", ("rejected_",)), ("other", ("other",)),
            ("carried forward", ("carry_forward",)))
OUTCOME_COLOURS = ("#2e7d32", "#81c784", "#c62828", "#f9a825", "#6d4c41", "#9e9e9e", "#1565c0")


def outcome_of(key: str) -> str | None:
    """The outcome group of a field key, for the request table's total column only."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "requests" or parts[2] != "total":
        return None
    return next((label for label, prefixes in OUTCOMES if parts[1].startswith(prefixes)), None)


def digest(name: str, record: dict) -> dict:
    """What the page keeps of one record (``Report.to_json``) named ``name``: its failed checks, its least
    confident printed field, how many fields are doubtful, its year's requests, and what names it."""
    failed = [check["rule"] for check in record["checks"] if check["ok"] is False]
    printed = [(parsed["confidence"], key) for key, parsed in record["fields"].items() if parsed["raw"] is not None]
    lowest, lowest_key = min(printed) if printed else (1.0, None)
    outcomes = Counter()
    for key, parsed in record["fields"].items():
        if parsed["value"] is not None and (outcome := outcome_of(key)) is not None:
            outcomes[outcome] += parsed["value"]
    return {"name": printable_path(name), "source": printable_path(record["source"]),
            "agency": record["meta"].get("agency"), "year": record["meta"].get("year"), "failed": failed,
            "lowest": lowest, "lowest_key": lowest_key,
            "doubtful": sum(1 for confidence, _ in printed if confidence < 0.9),
            "received": record["fields"].get("requests.new.total", {}).get("value"),
            "outcomes": dict(outcomes), "warnings": len(record["warnings"])}


class BatchPage:
    """The aggregates of a batch, added to one record's ``digest`` at a time."""

    def __init__(self):
        self.reports = 0
        self.with_failing_checks = 0
        self.confidence = Counter()  # lower bin edge -> reports
        self.received = Counter()  # year -> requests.new.total summed
        self.outcomes = defaultdict(Counter)  # year -> outcome -> applications
        self.shortlist: list[tuple] = []  # a heap of the SHORTLIST reports most in need of a person

    def add(self, digest: dict) -> None:
        self.reports += 1
        failed = digest["failed"]
        self.with_failing_checks += bool(failed)
        self.confidence[max(edge for edge in CONFIDENCE_BINS if digest["lowest"] >= edge)] += 1
        year = digest["year"]
        if year is not None:
            if digest["received"] is not None:
                self.received[year] += digest["received"]
            self.outcomes[year].update(digest["outcomes"])
        entry = ((len(failed), -digest["lowest"], digest["doubtful"], digest["name"]), {
            "name": digest["name"], "source": digest["source"], "agency": digest["agency"], "year": year,
            "failed_count": len(failed), "failed": [f"{rule} ×{n}" if n > 1 else rule
                                                    for rule, n in Counter(failed).items()],
            "lowest": digest["lowest"], "lowest_key": digest["lowest_key"], "doubtful": digest["doubtful"],
            "warnings": digest["warnings"]})
        if len(self.shortlist) < SHORTLIST:
            heapq.heappush(self.shortlist, entry)
        else:
            heapq.heappushpop(self.shortlist, entry)

    def years(self) -> list[int]:
        return sorted(set(self.outcomes) | set(self.received))

    def most_in_need(self) -> list[dict]:
        """The shortlist, most failed checks first, then the least confident."""
        return [item for _, item in sorted(self.shortlist, key=lambda entry: entry[0], reverse=True)]


def write_summary(out_dir: Path, page: BatchPage, errors: list[dict], counts) -> Path:
    """Write ``OUT_DIR/summary.html`` from the batch's records (``page``), its errors and its counts
    (``nianbao.batch.Summary``); the path written."""
    reasons = defaultdict(list)
    for error in errors:
        reasons[error["reason"].split(":", 1)[0]].append(dict(error, source=printable_path(error["source"])))
    html = _environment().get_template("summary.html.j2").render(
        counts=counts, page=page, reasons=sorted(reasons.items(), key=lambda item: (-len(item[1]), item[0])),
        bins=[(edge, CONFIDENCE_BINS[i + 1] if i + 1 < len(CONFIDENCE_BINS) else 1.0, page.confidence[edge])
              for i, edge in enumerate(CONFIDENCE_BINS)],
        confidence_plot=confidence_svg(page), requests_plot=requests_svg(page), shortlist=page.most_in_need(),
        outcome_labels=[label for label, _ in OUTCOMES],
        years=[(year, page.received[year], [page.outcomes[year][label] for label, _ in OUTCOMES])
               for year in page.years()],
        review_folder=REVIEW_FOLDER, out_dir=printable_path(str(out_dir)))
    path = Path(out_dir) / SUMMARY_FILE
    write_text(path, html)
    return path


def record_digest(name: str, path: Path) -> dict:
    """The ``digest`` of a record file already written (one a resumed batch keeps)."""
    return digest(name, json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _environment():
    """The page's template environment, made when the first page is written: a worker computing digests
    never needs jinja2."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("nianbao", "."), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def load_plotting_in_background() -> None:
    """Start importing the plotting library in a thread of its own.

    matplotlib takes most of a second to import, more than a short batch takes to parse; a batch calls
    this before its first file, so the import runs while the workers parse.
    """
    threading.Thread(target=importlib.import_module, args=("matplotlib.figure",), name="load-plotting",
                     daemon=True).start()


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({"svg.hashsalt": "nianbao", "svg.fonttype": "none", "font.size": 10})
    return Figure(figsize=(width, height))


def _svg(figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, no date)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def confidence_svg(page: BatchPage) -> str:
    figure = _figure(4.4, 2.6)
    axes = figure.subplots()
    labels = [f"≥ {edge:g}" for edge in CONFIDENCE_BINS]
    heights = [page.confidence[edge] for edge in CONFIDENCE_BINS]
    colours = ["#c62828", "#ef6c00", "#f9a825", "#9ccc65", "#66bb6a", "#2e7d32"]
    bars = axes.bar(labels, heights, color=colours)
    axes.bar_label(bars, padding=2)
    axes.set_xlabel("least confident printed field of the report")
    axes.set_ylabel("reports")
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.15)
    return _svg(figure)


def requests_svg(page: BatchPage) -> str | None:
    """Stacked bars: each year's applications by outcome, with the applications received marked."""
    years = page.years()
    if not years:
        return None
    figure = _figure(5.6, 2.8)
    axes = figure.subplots()
    positions = range(len(years))
    bottom = [0.0] * len(years)
    for (label, _), colour in zip(OUTCOMES, OUTCOME_COLOURS):
        heights = [page.outcomes[year][label] for year in years]
        axes.bar(positions, heights, bottom=bottom, color=colour, label=label, width=0.6)
        bottom = [b + h for b, h in zip(bottom, heights)]
    axes.plot(positions, [page.received[year] for year in years], "k_", markersize=28, markeredgewidth=2.5,
              label="received (new)")
    axes.set_xticks(list(positions), [str(year) for year in years])
    axes.set_ylabel("applications")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return _svg(figure)
