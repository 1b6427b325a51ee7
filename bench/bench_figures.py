"""Speed of the number reader next to jieba alone, on the labelled sentences.

Usage: python bench/bench_figures.py [--seconds 2]

Prints the best sentences per second (passes interleaved, so the ratios hold on a loaded
machine) for text_to_facts and for jieba.lcut over the same
sentences in the same run, and their ratio (the target is within 3x); the same on the
noisy variant of the sentences (tests/figures/make_noisy.py: PDF spacing, ASCII
punctuation, line breaks in words), and what normalisation alone costs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.figures import normalise, text_to_facts  # noqa: E402

LABELLED = ROOT / "tests" / "figures" / "labelled.jsonl"


def one_pass(fn: Callable[[str], object], sentences: list[str]) -> float:
    """Sentences per CPU second of one pass of ``fn`` over the set.

    CPU time of this process, not wall time: on a shared machine other processes take
    the cores for a while, which wall time would count against whoever ran then.
    """
    start = time.process_time()
    for sentence in sentences:
        fn(sentence)
    return len(sentences) / max(time.process_time() - start, 1e-9)


def rates(
    fns: dict[str, Callable[[str], object]], sentences: list[str], seconds: float
) -> dict[str, float]:
    """The best sentences per second of each function, their passes interleaved.

    On a shared, loaded machine the load changes from second to second; passes of the
    functions taken in turn, timed in CPU seconds, and the best of each kept give ratios
    that hold under load.
    """
    best = dict.fromkeys(fns, 0.0)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds * len(fns):
        for name, fn in fns.items():
            best[name] = max(best[name], one_pass(fn, sentences))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", type=Path, default=LABELLED)
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each side")
    args = parser.parse_args(argv)
    records = [
        json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    sentences = [r["sentence"] for r in records]
    noisy = [r["sentence"] for r in _noisy(records)]
    jieba.setLogLevel(60)
    # warm both dictionaries so loading is not timed
    jieba.lcut(sentences[0])
    text_to_facts(sentences[0])
    print(f"sentences: {len(sentences)}")
    for label, texts in (("clean", sentences), ("noisy", noisy)):
        best = rates(
            {"reader": text_to_facts, "jieba": jieba.lcut, "normalise": normalise},
            texts,
            args.seconds,
        )
        reader, plain, norm = best["reader"], best["jieba"], best["normalise"]
        print(f"\n{label}:")
        print(f"  text_to_facts: {reader:10.0f} sentences/s")
        print(f"  jieba.lcut:    {plain:10.0f} sentences/s")
        print(f"  normalise:     {norm:10.0f} sentences/s ({reader / norm:.1%} of the reader's time)")
        print(f"  ratio (reader time / jieba time): {plain / reader:.2f}x  (target <= 3x)")
    return 0


def _noisy(records: list[dict[str, object]]) -> list[dict[str, object]]:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_noisy", ROOT / "tests" / "figures" / "make_noisy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.noisy_set(records)  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit(main())
