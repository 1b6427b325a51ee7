"""NormalText: the normal text of the number reader and its map back to the original.

Spans round-trip: every normal span maps to an original span whose characters, normalised
the same way, are that normal span; and the facts of a noisy text slice the original.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.figures import normalise, read_figures

_PIECES = st.sampled_from(
    ["预算", "总额", "512.30", "万元", "41", "人", "同比", "增长", "5.2", "%", "，", "。", ",", ":",
     "：", ";", "（含）", "(含)", " ", "  ", "\n", "\u3000", "\t", "１２", "ｋｍ", "％", "萬", "2、",
     "8:30", "1,234", "GDP", "PM", "2.5", "m", "离", "退休", "-", "负"]
)  # fmt: skip
_FULL = {(",", "，"), (":", "："), (";", "；"), ("萬", "万"), ("億", "亿")}
TEXTS = st.lists(st.one_of(_PIECES, st.text(max_size=2)), max_size=16).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.data())
def test_every_normal_span_maps_back_to_its_characters(text: str, data: st.DataObject) -> None:
    normal = normalise(text)
    n = len(normal.text)
    start = data.draw(st.integers(min_value=0, max_value=n))
    end = data.draw(st.integers(min_value=start, max_value=n))
    lo, hi = normal.to_original(start, end)
    assert 0 <= lo <= hi <= len(text)
    if start < end:
        # the original characters behind the span normalise to the span itself (within them,
        # deleted characters are deleted and replaced ones replaced the same way)
        inner = [i for i in range(lo, hi) if normal.origin is None or i in normal.origin]
        assert len(inner) == end - start
        assert normal.original_text(start, end) == text[lo:hi]
        assert normal.to_original(start, start + 1)[0] == lo
        assert normal.to_original(end - 1, end)[1] == hi


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_the_map_is_increasing_and_characters_map_to_themselves(text: str) -> None:
    normal = normalise(text)
    origin = normal.origin if normal.origin is not None else tuple(range(len(text)))
    assert len(origin) == len(normal.text)
    assert list(origin) == sorted(set(origin))
    for ch, at in zip(normal.text, origin, strict=True):
        source = text[at]
        assert ch == source or unicodedata.normalize("NFKC", source) == ch or (source, ch) in _FULL


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_facts_of_any_text_slice_the_original(text: str) -> None:
    reading = read_figures(text)
    for fact in reading.facts:
        assert text[fact.start : fact.end] == fact.text
        assert text[fact.sentence_start : fact.sentence_start + len(fact.sentence)] == fact.sentence


def test_clean_text_is_its_own_normal_text() -> None:
    normal = normalise("地区生产总值770.25亿元，同比增长0.9%")
    assert normal.origin is None and normal.text == normal.original


def test_what_normalisation_does() -> None:
    normal = normalise("预算总额 512.30 万元,同比增长 5.2 %;离\n退休 12人，8:30开门，1,234元")
    assert normal.text == "预算总额512.30万元，同比增长5.2%；离退休12人，8:30开门，1,234元"
    assert normalise("3万元（含）至5万元").text == "3万元至5万元"
    assert normalise("500万元（含本数）以上，5万元( 不含 )以下").text == "500万元以上，5万元以下"
    assert normalise("１２．５ｋｍ，萬").text == "12．5km，万"


def test_what_normalisation_keeps() -> None:
    # two ASCII words, two numbers, a list item on its own line, the end of a sentence
    assert normalise("GDP 5.2%").text == "GDP 5.2%"
    assert normalise("2023 12").text == "2023 12"
    assert normalise("收入792万元\n2、支出615万元").text == "收入792万元\n2、支出615万元"
    assert normalise("完成。\n下一步").text == "完成。\n下一步"


def test_a_span_across_deleted_space_keeps_it() -> None:
    text = "预算总额 512.30 万元"
    normal = normalise(text)
    start = normal.text.index("512")
    lo, hi = normal.to_original(start, len(normal.text))
    assert text[lo:hi] == "512.30 万元"
