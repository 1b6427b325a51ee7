"""Speed of the number reader next to jieba alone, on the labelled sentences.

Usage: python bench/bench_figures.py [--seconds 2]

Prints sentences per second for text_to_facts and for jieba.lcut over the same
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


def rate(fn: Callable[[str], object], sentences: list[str], seconds: float) -> float:
    """Sentences per second of ``fn``, repeating the whole set for about ``seconds``."""
    done, start = 0, time.perf_counter()
    while True:
        for sentence in sentences:
            fn(sentence)
        done += len(sentences)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


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
        reader = rate(text_to_facts, texts, args.seconds)
        plain = rate(jieba.lcut, texts, args.seconds)
        norm = rate(normalise, texts, args.seconds / 2)
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
