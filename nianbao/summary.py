"""``OUT_DIR/summary.html``: a batch at a glance, written at the end of every ``nianbao parse``.

The page says how many reports were parsed and how many failed (grouped by reason), how many have failing
checks, how sure the parser was (each report's least confident printed field), what the reports count
(applications by year and outcome) and, first of all, which reports a person should look at: the ones with
the most failed checks and the least confident fields, each linked to where its review page goes
(``OUT_DIR/review/<name>.html``, written by the ``nianbao review`` command shown beside it).

Each record is boiled down to a small digest (``digest``) where it is written, in the worker that parsed
it, and the batch adds the digests up as they come (``BatchPage``): only the aggregates and the shortlist
are kept, so the page costs the same memory and nearly the same time for a million reports as for ten.
The two bar charts are inline SVG laid out here (``Chart``) and drawn by the template: the page has no
script and loads nothing, so it opens offline, and its bytes depend on the records alone, so two runs over
the same files write the same page.  They were matplotlib figures; importing and drawing with it cost a
batch about half a second of CPU (350 ms importing beside the workers, 120 ms drawing, the rest at
exit), a third of a 300-report rules batch, for two charts of a few dozen rectangles.
"""
from __future__ import annotations

import heapq
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
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
LEGEND_WIDTH = 142  # pixels right of a chart's plot area that hold its legend
CONFIDENCE_COLOURS = ("#c62828", "#ef6c00", "#f9a825", "#9ccc65", "#66bb6a", "#2e7d32")


@lru_cache(maxsize=None)  # asked for every field of every record
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
        confidence_chart=confidence_chart(page), requests_chart=requests_chart(page), shortlist=page.most_in_need(),
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


@dataclass
class Bar:
    """One rectangle of a chart, in the chart's pixels, with what it shows on hover (``title``)."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Chart:
    """A bar chart laid out for ``summary.html.j2``: the plot area, the y axis's ticks, bars, labels."""

    width: int
    height: int
    left: int = 56  # room for the y axis's numbers
    top: int = 14
    bottom: int = 42  # room for the categories and the x axis's title
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y in pixels, label)
    bars: list[Bar] = field(default_factory=list)
    categories: list[tuple[float, str]] = field(default_factory=list)  # (x of the centre, label)
    values: list[tuple[float, float, str]] = field(default_factory=list)  # a number over a bar: (x, y, text)
    marks: list[tuple[float, float, float, str]] = field(default_factory=list)  # a level line: (x1, x2, y, title)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    x_title: str = ""
    y_title: str = ""

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def right(self) -> int:
        """The plot area's right edge: a margin, and the legend's column to the right of it if there is one."""
        return self.width - 8 - (LEGEND_WIDTH if self.legend else 0)

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    def scale(self, largest: float) -> Callable[[float], float]:
        """Set the ticks for values up to ``largest`` (1, 2 or 5 times a power of ten apart); value -> y."""
        step = _tick_step(largest)
        top = step * max(1, math.ceil(largest * 1.1 / step))

        def y(value: float) -> float:
            return self.top + self.plot_height * (1 - value / top)

        self.ticks = [(y(step * i), f"{step * i:,.0f}") for i in range(round(top / step) + 1)]
        return y


def _tick_step(largest: float) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts ``0..largest`` into at most five parts."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest / 5))
    return next(power * factor for factor in (1, 2, 5, 10) if largest / (power * factor) <= 5)


def confidence_chart(page: BatchPage) -> Chart:
    """Reports by the bin of their least confident printed field."""
    chart = Chart(width=440, height=230, x_title="least confident printed field of the report", y_title="reports")
    counts = [page.confidence[edge] for edge in CONFIDENCE_BINS]
    y = chart.scale(max(counts))
    slot = chart.plot_width / len(counts)
    for index, (edge, count, colour) in enumerate(zip(CONFIDENCE_BINS, counts, CONFIDENCE_COLOURS)):
        x = chart.left + slot * index + slot * 0.15
        label = f"≥ {edge:g}"
        chart.bars.append(Bar(x, y(count), slot * 0.7, y(0) - y(count), colour, f"{label}: {count} reports"))
        chart.categories.append((x + slot * 0.35, label))
        chart.values.append((x + slot * 0.35, y(count) - 4, str(count)))
    return chart


def requests_chart(page: BatchPage) -> Chart | None:
    """Stacked bars: each year's applications by outcome, with the applications received marked."""
    years = page.years()
    if not years:
        return None
    chart = Chart(width=560, height=250, y_title="applications", legend=list(zip(OUTCOME_COLOURS, [
        label for label, _ in OUTCOMES])))
    totals = [sum(page.outcomes[year][label] for label, _ in OUTCOMES) for year in years]
    y = chart.scale(max([*totals, *(page.received[year] for year in years)]))
    slot = chart.plot_width / len(years)
    for index, year in enumerate(years):
        x, width, stacked = chart.left + slot * index + slot * 0.2, slot * 0.6, 0.0
        for (label, _), colour in zip(OUTCOMES, OUTCOME_COLOURS):
            value = page.outcomes[year][label]
            if value:
                chart.bars.append(Bar(x, y(stacked + value), width, y(stacked) - y(stacked + value), colour,
                                      f"{year} {label}: {value:,g}"))
                stacked += value
        chart.categories.append((x + width / 2, str(year)))
        chart.marks.append((x - 4, x + width + 4, y(page.received[year]),
                            f"{year} received (new): {page.received[year]:,g}"))
    chart.legend.append(("#000", "received (new)"))
    return chart
