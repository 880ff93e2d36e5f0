"""Model labelling and hybrid parsing throughput (reports/s, tokens/s) and peak memory.

Times ``parse_document(doc, "model")`` (the model's cells, glued rows re-cut by their sums, mapping,
checks) and ``parse_document(doc, "hybrid")`` (model and rules reconciled: what ``nianbao parse`` does
per report) on the seeds and on generated reports; reading and normalising happen before the clock
starts.  Torch uses the threads it picks on this machine.  Tokens are the report's tokens (prose lines
the Labeller skips included), so tokens/s compares across tokenizers.  Peak memory is the process's
maximum resident set size.

Run: .venv/bin/python benchmarks/bench_model.py [--model model/checkpoint] [--generated 40] [--seconds 10]
"""
import argparse
import random
import resource
import time

from model.encoding import encode_text
from model.inference import Labeller
from nianbao.paths import MODEL_DIR, SEEDS_DIR
from nianbao.pipeline import parse_document
from nianbao.text import decode, normalise


def generated_documents(count: int, seed: int) -> list:
    """``count`` generated reports, every layout style in turn."""
    from training.generator import generate_example
    from training.styles import STYLES

    rng, styles = random.Random(seed), sorted(STYLES)
    return [normalise(f"generated-{index}", generate_example(rng, style=styles[index % len(styles)])["text"])
            for index in range(count)]


def measure(work, labeller: Labeller, docs: list, seconds: float) -> tuple[int, float, int]:
    """Run ``work(doc)`` over ``docs`` round after round for at least ``seconds``: (reports, elapsed, their tokens)."""
    sizes = [len(encode_text(labeller.tokenizer, doc.norm).ids) for doc in docs]
    done, tokens, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for doc, size in zip(docs, sizes):
            work(doc)
            done += 1
            tokens += size
    return done, time.perf_counter() - started, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(MODEL_DIR), help="checkpoint folder (default: the shipped model)")
    parser.add_argument("--generated", type=int, default=28, help="generated reports to time (default: 28)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the generated reports")
    parser.add_argument("--seconds", type=float, default=10.0, help="minimum timing per set (default: 10)")
    parser.add_argument("--batch-size", type=int, default=8, help="windows per forward pass (default: 8)")
    parser.add_argument("--stride", type=int, help="tokens between window starts (default: the Labeller's)")
    args = parser.parse_args()

    labeller = Labeller.load(args.model, batch_size=args.batch_size, stride=args.stride)
    sets = {"seeds": [normalise(p.name, decode(p.name, p.read_bytes())) for p in sorted(SEEDS_DIR.glob("*.txt"))]}
    if args.generated:
        sets["generated"] = generated_documents(args.generated, args.seed)
    labeller.label(sets["seeds"][0])  # warm-up outside the timing
    print(f"model {args.model}: window {labeller.max_length}, stride {labeller.stride}, batch {labeller.batch_size}")
    work = {system: (lambda doc, system=system: parse_document(doc, system, labeller)) for system in ("model", "hybrid")}
    for name, docs in sets.items():
        for system, label in work.items():
            done, elapsed, tokens = measure(label, labeller, docs, args.seconds)
            print(f"{name:10s} {system:7s} {done} reports in {elapsed:.1f}s = {done / elapsed:.1f} reports/s, "
                  f"{tokens / elapsed / 1000:.1f}k tokens/s (mean {tokens / done:.0f} tokens a report)")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"peak memory (max RSS): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
