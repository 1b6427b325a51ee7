"""Label matching tries only the labels that can begin with the character where it looks.

``match_label`` takes its candidates from each label's first characters, read from the
parsed pattern (``_CANDIDATES``). Here it is held to the plain definition — every label
tried, the longest match winning, the earlier label on a tie — at every place of every
cell of every fixture form, and on random strings made of label text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import labels
from pipeline.extract import read_document
from pipeline.labels import LABELS, CompactText, LabelMatch, match_label

ROOT = Path(__file__).resolve().parents[1]
FORMS = sorted(p for p in (ROOT / "tests" / "fixtures" / "forms").iterdir()
               if p.suffix in (".pdf", ".docx", ".txt"))


def _every_label(compact: CompactText, index: int) -> LabelMatch | None:
    """The definition: every label tried; the longest match, the earlier label on a tie."""
    best: tuple[int, labels.Label, re.Match[str]] | None = None
    for label in LABELS:
        found = label.pattern.match(compact.compact, index)
        if found and (best is None or found.end() > best[0]):
            best = (found.end(), label, found)
    if best is None:
        return None
    end, label, found = best
    return LabelMatch(label, compact.to_original(index), compact.to_original(end, end=True),
                      found.groupdict().get("unit"), end)


def test_every_label_has_plain_first_characters() -> None:
    # a label whose start the parse cannot see is tried everywhere: correct, but slower
    assert labels._ANY_START == ()
    assert {label.name for group in labels._CANDIDATES.values() for label in group} == {
        label.name for label in LABELS}


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_the_same_label_as_trying_every_label_everywhere_in_a_form(path: Path) -> None:
    texts = {cell.text for cell in read_document(path).cells}
    tried = matched = 0
    for text in texts:
        compact = CompactText(text)
        for index in range(len(compact.compact) + 1):
            tried += 1
            expected = _every_label(compact, index)
            matched += expected is not None
            assert match_label(compact, index) == expected, (text, index)
    assert matched > 10 and tried > matched


PIECES = sorted({name for label in LABELS for name in (label.name, label.name[:2], label.name[-2:])}
                | {"（万元）", "(%)", "：", " ", "其中", "原值", "合计", "123", "E-mail", "“", "”"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=6), st.integers(0, 30))
def test_the_same_label_as_trying_every_label_on_random_text(pieces: list[str], index: int) -> None:
    compact = CompactText("".join(pieces))
    index = min(index, len(compact.compact))
    assert match_label(compact, index) == _every_label(compact, index)


def test_first_characters_are_read_through_groups_repeats_and_branches() -> None:
    def first(pattern: str) -> tuple[set[str], bool] | None:
        from re import _parser  # type: ignore[attr-defined]
        return labels._first_chars(list(_parser.parse(pattern)))

    assert first("(?:部门)?整体") == ({"部", "整"}, False)
    assert first('["“]?三公') == ({'"', "“", "三"}, False)
    assert first("[Ee]-?[Mm]ail") == ({"E", "e"}, False)
    assert first("填[报表]日期|手机") == ({"填", "手"}, False)
    assert first("(?:a|)b") == ({"a", "b"}, False)
    assert first("a?") == ({"a"}, True)  # can match nothing: tried everywhere
    assert first(r"\w+") is None and first("[^a]b") is None and first(".b") is None


def test_a_label_text_is_kept_and_a_value_text_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "_KNOWN_TEXTS", {})
    monkeypatch.setattr(labels, "_KNOWN_MATCHES", {})
    label_text, value_text = "单位名称：", "某某市生态环境局"
    first = labels.match_label(labels.compact_text(label_text), 0)
    assert first is not None and first == labels._match_label(CompactText(label_text), 0)
    assert labels.compact_text(label_text) is labels.compact_text(label_text)  # kept: the same object
    assert labels.match_label(labels.compact_text(label_text), 0) is first
    assert labels.match_label(labels.compact_text(value_text), 0) is None
    assert labels.compact_text(value_text) is not labels.compact_text(value_text)  # read anew
    assert list(labels._KNOWN_TEXTS) == [label_text]


def test_the_kept_labels_are_forgotten_past_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "_KNOWN_TEXTS", {})
    monkeypatch.setattr(labels, "_KNOWN_MATCHES", {})
    monkeypatch.setattr(labels, "_KNOWN_MAX", 3)
    texts = [f"单位名称{'：' * n}" for n in range(5)]
    for text in texts:
        assert labels.match_label(CompactText(text), 0) is not None
        assert len(labels._KNOWN_MATCHES) <= 3 and len(labels._KNOWN_TEXTS) <= 3
    assert labels._KNOWN_TEXTS and texts[0] not in labels._KNOWN_TEXTS
