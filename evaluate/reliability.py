"""Reliability of confidences: within each confidence band, how often the value was right.

A confidence means something when, say, the fields given ≥ 0.99 are right at least 99% of the time.
"""
from __future__ import annotations

BANDS = (0.0, 0.5, 0.9, 0.95, 0.99, 1.0)


def reliability_table(confidences: list[float], correct: list[bool], bands=BANDS) -> list[dict]:
    """One row per band [low, high): fields, share right, mean confidence (the last band includes 1.0)."""
    rows = []
    for index, (low, high) in enumerate(zip(bands, bands[1:])):
        last = index == len(bands) - 2
        inside = [ok for conf, ok in zip(confidences, correct) if low <= conf < high or (last and conf == high)]
        inside_conf = [conf for conf in confidences if low <= conf < high or (last and conf == high)]
        rows.append({"band": f"[{low:.2f}, {high:.2f}{']' if last else ')'}", "fields": len(inside),
                     "accuracy": sum(inside) / len(inside) if inside else None,
                     "mean_confidence": sum(inside_conf) / len(inside_conf) if inside_conf else None})
    return rows


def at_least(confidences: list[float], correct: list[bool], threshold: float) -> tuple[int, float | None]:
    """(fields with confidence ≥ threshold, their accuracy)."""
    chosen = [ok for conf, ok in zip(confidences, correct) if conf >= threshold]
    return len(chosen), (sum(chosen) / len(chosen) if chosen else None)


def render_reliability(system: str, confidences: list[float], correct: list[bool]) -> str:
    lines = [f"{system}: {len(correct)} fields, {sum(correct) / max(len(correct), 1):.2%} right",
             f"  {'confidence':<14}{'fields':>8}{'right':>10}{'mean conf':>11}"]
    for row in reliability_table(confidences, correct):
        accuracy = f"{row['accuracy']:.2%}" if row["accuracy"] is not None else "-"
        mean = f"{row['mean_confidence']:.3f}" if row["mean_confidence"] is not None else "-"
        lines.append(f"  {row['band']:<14}{row['fields']:>8}{accuracy:>10}{mean:>11}")
    count, accuracy = at_least(confidences, correct, 0.99)
    lines.append(f"  confidence ≥ 0.99: {count} fields, "
                 + (f"{accuracy:.2%} right" if accuracy is not None else "none"))
    return "\n".join(lines)
