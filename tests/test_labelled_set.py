"""CI guard for the labelled figure set tests/figures/labelled.jsonl."""

from __future__ import annotations

import importlib.util
from pathlib import Path

FIGURES = Path(__file__).resolve().parent / "figures"


def _checker():
    spec = importlib.util.spec_from_file_location("check_labelled", FIGURES / "check_labelled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _checker()


def test_labelled_set_is_valid():
    errors, _ = check.check_file(FIGURES / "labelled.jsonl")
    assert errors == [], "\n".join(errors[:50])


def test_labelled_set_coverage():
    _, stats = check.check_file(FIGURES / "labelled.jsonl")
    assert stats["sentences"] >= 420
    assert stats["no_fact_sentences"] >= 90
    assert set(stats["domains"]) == set(check.DOMAINS)
    assert min(stats["domains"].values()) >= 30
    assert set(stats["kinds"]) == set(check.KINDS)


def test_std_rules():
    from decimal import Decimal as D

    assert check.std_of("amount", D("16.4"), "亿元") == (D("1640000000"), "元")
    assert check.std_of("amount", D("2860"), "万美元") == (D("28600000"), "美元")
    assert check.std_of("count", D("1.36"), "万人次") == (D("13600"), "人次")
    assert check.std_of("quantity", D("51.26"), "万亩") == (D("512600"), "亩")
    assert check.std_of("change", D("0.3"), "个百分点") == (D("0.3"), "pp")
    assert check.std_of("change", D("3"), "成") == (D("30"), "%")


def test_numeral_reader():
    read = check.read_numbers
    assert read("三千四百万元") == [(3400, "万")]
    assert read("3万4000元") == [(34000, "")]
    assert read("25万6千人") == [(256000, "")]
    assert read("约100多亿元") == [(100, "亿")]
    assert read("1万-5万元") == [(1, "万"), (5, "万")]
    assert read("百分之九十八") == [(98, "")]
    assert read("82，225.00元") == [(check.Decimal("82225.00"), "")]
    assert read("１２３名") == [(123, "")]
