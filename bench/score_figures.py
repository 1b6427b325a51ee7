"""Score the number reader against the labelled sentences, clean and noisy.

Usage: python bench/score_figures.py [--path tests/figures/labelled.jsonl] [--noisy]
                                     [--all] [--min-f1 0.97]

Every set is scored twice: as labelled (clean) and in its noisy variant
(tests/figures/make_noisy.py: spaces between number and unit and before numbers,
ASCII punctuation, line breaks in words, as real PDF text layers have). The table
has both columns; --noisy shows the misses of the noisy variant, --all prints the
two overall F1 of every set in tests/figures.

Facts are paired with gold facts by span overlap; a pair is a STRICT match when
kind, value_std, unit_std and approx are all equal. Prints precision, recall
and F1 per kind and overall, metric accuracy (exact and loose), facts invented
in sentences without facts, and every miss. Exit code 0 unless --min-f1 fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.figures import text_to_facts  # noqa: E402
from pipeline.figures.metric import metrics_agree  # noqa: E402

FIGURES = ROOT / "tests" / "figures"
DEFAULT_PATH = FIGURES / "labelled.jsonl"
SETS = ("labelled", "heldout", "heldout2", "heldout3", "heldout4")
KINDS = ("amount", "count", "percent", "change", "rank", "quantity")
STRICT_KEYS = ("kind", "value_std", "value_max", "unit_std", "approx")


@dataclass
class Score:
    """Counts of one scoring run, and the misses to show."""

    tp: Counter[str] = field(default_factory=Counter)  # by gold kind
    fp: Counter[str] = field(default_factory=Counter)  # by predicted kind
    fn: Counter[str] = field(default_factory=Counter)  # by gold kind
    metric_exact: int = 0
    metric_loose: int = 0
    invented: int = 0
    no_fact_sentences: int = 0
    sentences: int = 0
    misses: list[str] = field(default_factory=list)

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        """Precision, recall and F1 for one kind, or overall when kind is None."""
        tp = sum(self.tp.values()) if kind is None else self.tp[kind]
        fp = sum(self.fp.values()) if kind is None else self.fp[kind]
        fn = sum(self.fn.values()) if kind is None else self.fn[kind]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load(path: Path) -> list[dict[str, Any]]:
    """The labelled records, one JSON object per line."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def noisy(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The noisy variant of a set (tests/figures/make_noisy.py)."""
    spec = importlib.util.spec_from_file_location("make_noisy", FIGURES / "make_noisy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.noisy_set(records)  # type: ignore[no-any-return]


def _same(gold: dict[str, Any], pred: dict[str, Any], key: str) -> bool:
    g, p = gold.get(key), pred.get(key)
    if isinstance(g, int | float) and isinstance(p, int | float):
        return Decimal(str(g)) == Decimal(str(p))
    return bool(g == p)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _show(f: dict[str, Any]) -> str:
    keys = (
        "kind",
        "value",
        "unit",
        "value_std",
        "unit_std",
        "approx",
        "basis",
        "previous",
        "total",
    )
    return f"{f['text']!r} " + " ".join(f"{k}={f.get(k)}" for k in keys if f.get(k) is not None)


def score(records: list[dict[str, Any]]) -> Score:
    """Run the reader over every record and compare with the gold facts."""
    s = Score()
    for rec in records:
        s.sentences += 1
        sentence = rec["sentence"]
        gold = rec["facts"]
        pred = [f.to_json() for f in text_to_facts(sentence)]
        if not gold:
            s.no_fact_sentences += 1
            s.invented += len(pred)
        pairs: list[tuple[int, int]] = []
        used: set[int] = set()
        for gi, g in enumerate(gold):
            gspan = (g["start"], g["start"] + len(g["text"]))
            best, best_ov = None, 0
            for pi, p in enumerate(pred):
                ov = _overlap(gspan, tuple(p["span"]))  # type: ignore[arg-type]
                if pi not in used and ov > best_ov:
                    best, best_ov = pi, ov
            if best is None:
                s.fn[g["kind"]] += 1
                s.misses.append(f"MISSED   {rec['id']}: {_show(g)}\n         in {sentence}")
                continue
            used.add(best)
            pairs.append((gi, best))
        for pi, p in enumerate(pred):
            if pi not in used:
                s.fp[p["kind"]] += 1
                s.misses.append(f"SPURIOUS {rec['id']}: {_show(p)}\n         in {sentence}")
        for gi, pi in pairs:
            g, p = gold[gi], pred[pi]
            if all(_same(g, p, k) for k in STRICT_KEYS):
                s.tp[g["kind"]] += 1
                if g.get("metric") == p.get("metric"):
                    s.metric_exact += 1
                if metrics_agree(g.get("metric"), p.get("metric")):
                    s.metric_loose += 1
            else:
                s.fn[g["kind"]] += 1
                s.fp[p["kind"]] += 1
                s.misses.append(
                    f"WRONG    {rec['id']}:\n         gold {_show(g)}\n         read {_show(p)}\n"
                    f"         in {sentence}"
                )
    return s


def report(s: Score, other: Score | None = None, *, label: str = "noisy") -> str:
    """The printed report: table (with ``other``'s F1 as a second column), misses of ``s``."""
    lines = [f"sentences: {s.sentences} ({s.no_fact_sentences} without facts)", ""]
    extra = f"{'F1 ' + label:>12}" if other is not None else ""
    lines.append(f"{'kind':<10}{'gold':>6}{'read':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}{extra}")
    for kind in (*KINDS, None):
        tp = sum(s.tp.values()) if kind is None else s.tp[kind]
        fp = sum(s.fp.values()) if kind is None else s.fp[kind]
        fn = sum(s.fn.values()) if kind is None else s.fn[kind]
        p, r, f1 = s.prf(kind)
        name = kind or "OVERALL"
        col = f"{other.prf(kind)[2]:>12.3f}" if other is not None else ""
        lines.append(f"{name:<10}{tp + fn:>6}{tp + fp:>6}{tp:>6}{p:>8.3f}{r:>8.3f}{f1:>8.3f}{col}")
    tp_all = sum(s.tp.values()) or 1
    lines += [
        "",
        f"metric accuracy on strict matches: exact {s.metric_exact}/{tp_all} = {s.metric_exact / tp_all:.3f}, "
        f"loose {s.metric_loose}/{tp_all} = {s.metric_loose / tp_all:.3f}",
        f"facts invented in no-fact sentences: {s.invented}",
        "",
        f"misses ({len(s.misses)}):",
        *s.misses,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="labelled JSON Lines file")
    parser.add_argument(
        "--min-f1", type=float, default=None, help="exit 1 when overall strict F1 is below this"
    )
    parser.add_argument("--noisy", action="store_true", help="show the noisy variant's misses")
    parser.add_argument("--all", action="store_true", help="clean and noisy F1 of every set")
    args = parser.parse_args(argv)
    if args.all:
        return _all_sets(args.min_f1)
    records = load(args.path)
    clean, dirty = score(records), score(noisy(records))
    if args.noisy:
        print(report(dirty, clean, label="clean"))
    else:
        print(report(clean, dirty))
    f1 = min(clean.prf()[2], dirty.prf()[2])
    if args.min_f1 is not None and f1 < args.min_f1:
        print(f"\noverall strict F1 {f1:.3f} is below --min-f1 {args.min_f1}", file=sys.stderr)
        return 1
    return 0


def _all_sets(min_f1: float | None) -> int:
    print(f"{'set':<12}{'sentences':>10}{'facts':>7}{'F1 clean':>10}{'F1 noisy':>10}")
    worst = 1.0
    for name in SETS:
        path = FIGURES / f"{name}.jsonl"
        if not path.exists():
            continue
        records = load(path)
        clean, dirty = score(records), score(noisy(records))
        facts = sum(len(r["facts"]) for r in records)
        c, d = clean.prf()[2], dirty.prf()[2]
        worst = min(worst, c, d)
        print(f"{name:<12}{len(records):>10}{facts:>7}{c:>10.3f}{d:>10.3f}")
    if min_f1 is not None and worst < min_f1:
        print(f"\nlowest strict F1 {worst:.3f} is below --min-f1 {min_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
