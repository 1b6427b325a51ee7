"""Speed of the number reader next to jieba alone, on the labelled sentences.

Usage: python bench/bench_figures.py [--seconds 2]

Prints sentences per second for text_to_facts and for jieba.lcut over the same
sentences in the same run, and their ratio (the target is within 3x).
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

from pipeline.figures import text_to_facts  # noqa: E402

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
    sentences = [
        json.loads(line)["sentence"]
        for line in args.path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    jieba.setLogLevel(60)
    # warm both dictionaries so loading is not timed
    jieba.lcut(sentences[0])
    text_to_facts(sentences[0])
    reader = rate(text_to_facts, sentences, args.seconds)
    plain = rate(jieba.lcut, sentences, args.seconds)
    print(f"sentences: {len(sentences)}")
    print(f"text_to_facts: {reader:10.0f} sentences/s")
    print(f"jieba.lcut:    {plain:10.0f} sentences/s")
    print(f"ratio (reader time / jieba time): {plain / reader:.2f}x  (target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
