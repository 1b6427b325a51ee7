"""The number reader scored against the labelled sentences (tests/figures/labelled.jsonl)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "figures" / "labelled.jsonl"
KINDS = ("amount", "count", "percent", "change", "rank", "quantity")


def _score_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_figures", ROOT / "bench" / "score_figures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def score():  # type: ignore[no-untyped-def]
    if not LABELLED.exists():
        pytest.skip("labelled set not written yet")
    module = _score_module()
    return module.score(module.load(LABELLED))


def test_overall_strict_f1(score) -> None:  # type: ignore[no-untyped-def]
    assert score.prf()[2] >= 0.97


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_f1(score, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert score.prf(kind)[2] >= 0.93


def test_no_facts_invented_in_sentences_without_facts(score) -> None:  # type: ignore[no-untyped-def]
    assert score.invented == 0
