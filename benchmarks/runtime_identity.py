"""Whether ONNX Runtime (the default) and torch parse the same: every record of the seeds, real-dev and the
gate's held-out generated set, by the model and the hybrid, read on both runtimes and compared.

A record's fields (value, raw, start, end, by), checks and warnings must be equal; confidences are
floats from two implementations of the same arithmetic and may differ in the last digits, so their
largest difference is printed.  Also times the network's forward passes on each runtime (one thread).

Run: .venv/bin/python benchmarks/runtime_identity.py [--per-style 10]
"""
import argparse
import time

from model.inference import CellsOnce, Labeller
from nianbao import pipeline
from nianbao.paths import REAL_DEV_DIR, SEEDS_DIR
from nianbao.readers import read_document
from nianbao.text import normalise
from training.corpus import iter_examples
from training.gate import GATE_SEED, REPORTS_PER_STYLE
from training.styles import STYLES


def report_sets(per_style: int):
    """``(name, [Document])`` for the seeds, real-dev and the gate's generated set."""
    yield "seeds", [read_document(path) for path in sorted(SEEDS_DIR.iterdir())]
    yield "real-dev", [read_document(path) for path in sorted((REAL_DEV_DIR / "reports").iterdir())]
    styles = sorted(STYLES)
    yield f"generated ({per_style}/style, seed {GATE_SEED})", [
        normalise(stem, example["text"]) for stem, example in iter_examples(per_style * len(styles), styles, GATE_SEED)]


class Timed:
    """A network that adds up the time of its forward passes."""

    def __init__(self, network):
        self.network, self.seconds = network, 0.0
        self.id2label, self.max_length = network.id2label, network.max_length

    def __call__(self, input_ids, attention_mask):
        started = time.perf_counter()
        try:
            return self.network(input_ids, attention_mask)
        finally:
            self.seconds += time.perf_counter() - started


def without_confidences(record: dict) -> dict:
    return {**record, "fields": {key: {**field, "confidence": None} for key, field in record["fields"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-style", type=int, default=REPORTS_PER_STYLE, help="generated reports per style")
    args = parser.parse_args()
    labellers = {runtime: Labeller.load(runtime=runtime, threads=1) for runtime in ("onnx", "torch")}
    for labeller in labellers.values():
        labeller.network = Timed(labeller.network)
    for name, docs in report_sets(args.per_style):
        differing, fields, largest = [], 0, 0.0
        for doc in docs:
            records = {}
            for runtime, labeller in labellers.items():
                once = CellsOnce(labeller)
                records[runtime] = {system: pipeline.parse_document(doc, system, once).to_json()
                                    for system in ("model", "hybrid")}
            for system in ("model", "hybrid"):
                onnx, torch = records["onnx"][system], records["torch"][system]
                fields += len(onnx["fields"])
                if without_confidences(onnx) != without_confidences(torch):
                    differing.append(f"{doc.source} ({system})")
                largest = max([largest, *(abs(onnx["fields"][key]["confidence"] - torch["fields"][key]["confidence"])
                                          for key in onnx["fields"] if key in torch["fields"])])
        print(f"{name}: {len(docs)} reports x 2 systems, {fields} fields: "
              f"{len(differing)} records differ{': ' + ', '.join(differing) if differing else ''}; "
              f"largest confidence difference {largest:.2g}")
    print("forward passes, one thread: " + ", ".join(f"{runtime} {labeller.network.seconds:.1f}s"
                                                     for runtime, labeller in labellers.items()))


if __name__ == "__main__":
    main()
