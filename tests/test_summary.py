"""``OUT_DIR/summary.html``: written at the end of a batch, with the counts, the failures by reason, the
reports to look at first linked to their review pages, and plots that need nothing from the network."""
from __future__ import annotations

import re
import shutil

import pytest

from bs4 import BeautifulSoup

from nianbao.cli import main
from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR


def test_the_summary_page_of_a_batch(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for path in [*SEEDS_DIR.glob("*.txt"), REAL_DEV_DIR / "reports" / "pingtan-2020.txt"]:
        shutil.copy(path, reports / path.name)
    (reports / "empty.txt").write_bytes(b"")
    (reports / "cut.docx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    assert main(["parse", str(reports), "--out", str(out), "--system", "rules", "--no-progress"]) == 1
    page = (out / "summary.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "lxml")

    cards = {card.get_text(" ", strip=True) for card in soup.select(".card")}
    assert {"6 reports parsed", "2 files failed", "1 reports with failing checks"} <= cards
    reasons = [row.get_text("|", strip=True) for row in soup.find(string="Files that failed")
               .find_next("table").find_all("tr")[1:]]
    assert sorted(reasons) == ["not a valid DOCX|1", "the file is empty|1"]

    # pingtan-2020 prints results that do not add up (two failed checks): it is the first to look at
    first = soup.find(string="Look at these first").find_next("table").find_all("tr")[1]
    link = first.find("a")
    assert link.get_text() == "pingtan-2020" and link["href"] == "review/pingtan-2020.html"
    assert "requests_results_sum ×2" in first.get_text()
    assert len(soup.find(string="Look at these first").find_next("table").find_all("tr")) == 1 + 6

    years = soup.find(string="Applications by year").find_next("table").find_all("tr")
    assert [row.find("td").get_text() for row in years[1:]] == ["2020"]
    assert len(soup.find_all("svg")) == 2
    assert not soup.find_all("script") and not re.search(r"(src|href)=\"https?:", page)


def test_the_charts_bars_are_to_scale():
    from nianbao.summary import BatchPage, confidence_chart, requests_chart

    page = BatchPage()
    page.confidence.update({0.0: 3, 0.99: 12})
    page.outcomes[2023].update({"granted": 40, "denied": 10})
    page.received[2023] = 55
    chart = confidence_chart(page)
    heights = {bar.title: bar.height for bar in chart.bars}
    assert heights["≥ 0.99: 12 reports"] == pytest.approx(4 * heights["≥ 0: 3 reports"]) and heights["≥ 0: 3 reports"] > 0
    assert [label for _, label in chart.ticks] == ["0", "5", "10", "15"]  # 1, 2 or 5 times a power of ten
    stacked = requests_chart(page)
    granted, denied = stacked.bars
    assert granted.height == pytest.approx(4 * denied.height) and denied.y + denied.height == pytest.approx(granted.y)
    (_, _, received, _), = stacked.marks
    assert received < denied.y  # 55 received, above the 50 answered
    assert requests_chart(BatchPage()) is None
