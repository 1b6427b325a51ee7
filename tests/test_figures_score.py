"""The number reader scored against the labelled sentence sets (tests/figures/*.jsonl).

labelled.jsonl is the tuning set; heldout.jsonl, heldout2.jsonl and heldout3.jsonl were
written blind and scored once (0.970, 0.984 and 0.984, recorded in HELDOUT*.md; the blind
score of heldout3 is recorded in HELDOUT3.md) before the reader was fixed on their misses,
so here they guard against regressions, no longer measure. A new blind set is needed for
an honest measurement.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETS = ("labelled.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl")
KINDS = ("amount", "count", "percent", "change", "rank", "quantity")


def _score_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_figures", ROOT / "bench" / "score_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=SETS)
def score(request: pytest.FixtureRequest) -> Any:
    module = _score_module()
    return module.score(module.load(ROOT / "tests" / "figures" / request.param))


def test_overall_strict_f1(score: Any) -> None:
    assert score.prf()[2] >= 0.97


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_f1(score: Any, kind: str) -> None:
    assert score.prf(kind)[2] >= 0.93


def test_no_facts_invented_in_sentences_without_facts(score: Any) -> None:
    assert score.invented == 0
