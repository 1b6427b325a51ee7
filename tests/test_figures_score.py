"""The number reader scored against the labelled sentence sets, clean and noisy.

labelled.jsonl is the tuning set; heldout.jsonl, heldout2.jsonl and heldout3.jsonl were
written blind and scored once (0.970, 0.984 and 0.984, recorded in HELDOUT*.md) before
the reader was fixed on their misses; heldout4.jsonl, in the style of real PDF and Word
text, was written blind for issue #9 and scored 0.974 at first (HELDOUT4.md). Here they
guard against regressions, no longer measure: a new blind set is needed for an honest
measurement.

Every set is also scored in its noisy variant (tests/figures/make_noisy.py: spaces
between number and unit and before numbers, ASCII punctuation, line breaks in words), which
must score within 0.01 of the clean one.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETS = ("labelled.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl")
KINDS = ("amount", "count", "percent", "change", "rank", "quantity")
MIN_F1 = 0.98  # issue #9: strict F1 on every set, clean and noisy
MAX_NOISY_GAP = 0.01


def _score_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_figures", ROOT / "bench" / "score_figures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=SETS)
def scores(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    module = _score_module()
    records = module.load(ROOT / "tests" / "figures" / request.param)
    return module.score(records), module.score(module.noisy(records))


def test_overall_strict_f1(scores: tuple[Any, Any]) -> None:
    clean, noisy = scores
    assert clean.prf()[2] >= MIN_F1
    assert noisy.prf()[2] >= MIN_F1


def test_noisy_text_scores_like_clean_text(scores: tuple[Any, Any]) -> None:
    clean, noisy = scores
    assert clean.prf()[2] - noisy.prf()[2] <= MAX_NOISY_GAP


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_f1(scores: tuple[Any, Any], kind: str) -> None:
    clean, noisy = scores
    assert clean.prf(kind)[2] >= 0.93
    assert noisy.prf(kind)[2] >= 0.93


def test_no_facts_invented_in_sentences_without_facts(scores: tuple[Any, Any]) -> None:
    clean, noisy = scores
    assert clean.invented == 0
    assert noisy.invented == 0


def test_the_noisy_variant_is_noisy_and_keeps_its_gold_spans() -> None:
    module = _score_module()
    records = module.load(ROOT / "tests" / "figures" / "labelled.jsonl")
    noisy = module.noisy(records)
    changed = sum(a["sentence"] != b["sentence"] for a, b in zip(records, noisy, strict=True))
    assert changed > 0.9 * len(records)
    spaced = sum(" " in f["text"] or "\n" in f["text"] for r in noisy for f in r["facts"])
    assert spaced > 100
    for rec in noisy:
        for fact in rec["facts"]:
            assert (
                rec["sentence"][fact["start"] : fact["start"] + len(fact["text"])] == fact["text"]
            )
