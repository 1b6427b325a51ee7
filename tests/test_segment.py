"""The C cut (``pipeline.figures._segment``) is jieba's, step for step.

The reader's ``Lexicon.tokenize`` cuts each block in one call to the C helper when it is
built (``_segment.cut_block``: jieba's graph, route and walk; ``_segment.hmm_block``: its
HMM for unknown characters). Here they are held to jieba's own Python on random strings
(hypothesis) and on the text of every fixture form, word by word, and their tie-breaks to
``max``'s.
"""

from __future__ import annotations

import math
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import read_document
from pipeline.figures.lexicon import lexicon

ROOT = Path(__file__).resolve().parents[1]
LEX = lexicon()
# characters the dictionary's words are made of, and what sentences hold besides
WORD_CHARS = sorted({ch for word in list(LEX.tokenizer.FREQ)[:20000:7] for ch in word})
ALPHABET = st.sampled_from(WORD_CHARS + list("0123456789.%，。、；（）亿万元个家 ab-"))


def test_the_helper_is_built_and_in_use() -> None:
    # `pip install -e .` builds it where gcc and the Python headers are
    from pipeline.figures import lexicon as module

    assert module._segment is not None, "pipeline.figures._segment is not built: run `pip install -e .` again"


def _fixture_sentences() -> list[str]:
    """Every line of every fixture form's text, as the readers give it (UTF-8 or GB18030)."""
    paths = sorted((ROOT / "tests" / "fixtures" / "forms").glob("*.txt"))
    texts = [read_document(path).text for path in paths]
    return [line for text in texts for line in text.splitlines() if line.strip()]


def _plain() -> jieba.Tokenizer:
    """A jieba tokenizer on the reader's dictionary, with none of the C helper's methods."""
    plain = jieba.Tokenizer()
    plain.FREQ, plain.total, plain.initialized = LEX.tokenizer.FREQ, LEX.tokenizer.total, True
    return plain


PLAIN = _plain()


def test_words_equal_jiebas_on_every_fixture_line() -> None:
    lines = _fixture_sentences()
    assert len(lines) > 100
    for line in lines:
        assert LEX.tokenize(line) == list(PLAIN.tokenize(line)), line  # cut_block, one call per block
        assert LEX.tokenize(line, hmm=False) == list(PLAIN.tokenize(line, HMM=False)), line


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(ALPHABET, st.sampled_from(list("\r\n\t　+#&._%-ÀΩ😀"))), max_size=60),
       st.integers(0, 500))
def test_the_readers_tokens_equal_jiebas_on_random_text(sentence: str, offset: int) -> None:
    expected = [(w, s + offset, e + offset) for w, s, e in PLAIN.tokenize(sentence)]
    assert LEX.tokenize(sentence, offset) == expected
    without_hmm = [(w, s + offset, e + offset) for w, s, e in PLAIN.tokenize(sentence, HMM=False)]
    assert LEX.tokenize(sentence, offset, hmm=False) == without_hmm


HMM_TEXT = st.text(st.one_of(ALPHABET, st.sampled_from(list("乂乃乄丌丟丶丷丹为主丼丽举乇么义乌乍乎乏乐乒乓乔乖乗乘乙"))),
                   max_size=40)


@settings(max_examples=400, deadline=None)
@given(HMM_TEXT)
def test_the_hmm_words_equal_jiebas_finalseg_on_random_text(sentence: str) -> None:
    from jieba import finalseg

    from pipeline.figures.lexicon import hmm_cut

    assert hmm_cut(sentence) == list(finalseg.cut(sentence))


def test_the_hmm_words_equal_jiebas_finalseg_on_every_fixture_line() -> None:
    from jieba import finalseg

    from pipeline.figures.lexicon import hmm_cut

    for line in _fixture_sentences():
        assert hmm_cut(line) == list(finalseg.cut(line)), line


def test_the_hmm_ties_go_to_the_later_state_as_max_has_it() -> None:
    from pipeline.figures import _segment

    flat = {y: {} for y in "BMES"}  # every emission MIN_FLOAT: the transitions alone decide
    even = {y: {z: 0.0 for z in "BMES"} for y in "BMES"}
    start = dict.fromkeys("BMES", 0.0)
    from jieba.finalseg import viterbi

    for block in ("甲", "甲乙", "甲乙丙丁"):
        _prob, states = viterbi(block, "BMES", start, even, flat)
        expected, begin, nexti = [], 0, 0
        for i, state in enumerate(states):
            if state == "B":
                begin = i
            elif state in "ES":
                expected.append(block[begin if state == "E" else i: i + 1])
                nexti = i + 1
        if nexti < len(block):
            expected.append(block[nexti:])
        assert _segment.hmm_block(block, start, even, flat) == expected


def test_a_tie_goes_to_the_later_end_as_jiebas_max_has_it() -> None:
    from pipeline.figures import _segment

    plain = jieba.Tokenizer()
    plain.FREQ, plain.total, plain.initialized = {"a": 1, "b": 1, "ab": 1}, 1, True
    # log(1) - log(1) = 0 for every word: "a" then "b", or "ab", tie; jieba takes "ab"
    assert [w for w, _, _ in plain.tokenize("ab")] == ["ab"]
    assert _segment.cut_block("ab", plain.FREQ, 0.0, list) == ["ab"]


def test_a_word_added_later_is_seen() -> None:
    from pipeline.figures.lexicon import Lexicon

    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(LEX.tokenizer.FREQ), LEX.tokenizer.total, True
    reader = Lexicon(tokenizer, {})
    sentence = "绩效自评奇异词组测试"
    before = [w for w, _, _ in reader.tokenize(sentence)]
    tokenizer.add_word("奇异词组测试", 10_000)
    after = [w for w, _, _ in reader.tokenize(sentence)]
    assert "奇异词组测试" in after and "奇异词组测试" not in before
    assert after == [w for w, _, _ in tokenizer.tokenize(sentence)]
    assert math.isfinite(math.log(tokenizer.total))
    tokenizer.add_word("自评奇", 10_000_000)
    assert [w for w, _, _ in reader.tokenize(sentence)] == [w for w, _, _ in tokenizer.tokenize(sentence)]


def test_the_helper_refuses_what_jieba_would_fail_on() -> None:
    from pipeline.figures import _segment

    with pytest.raises(TypeError):
        _segment.cut_block("ab", {}, 1.0, 5)  # "ab" is an unknown run: the HMM is called
    with pytest.raises(TypeError):
        _segment.cut_block("ab", {"a": "x"}, 1.0, list)  # a count that is no number


def test_the_compact_table_holds_every_word_of_the_dictionary() -> None:
    """``_segment.Words`` gives each FREQ key its truthiness and calc's log(count) - logtotal."""
    from pipeline.figures import _segment

    assert LEX.words is not None and LEX.words.size == len(LEX.tokenizer.FREQ)
    logtotal = math.log(LEX.tokenizer.total)
    assert LEX.words.logtotal == logtotal
    for word, count in LEX.tokenizer.FREQ.items():
        assert LEX.words.get(word) == (bool(count), math.log(count) - logtotal if count else 0.0), word
    for absent in ("", "绩效自评奇异词组", "😀", "a😀", "x" * 300, "二〇二三年度整体绩效自评基础数据"):
        assert absent in LEX.tokenizer.FREQ or LEX.words.get(absent) is None
    small = _segment.Words({"中": 2, "中国": 0, "😀": 1, "长" * 6: 3}, 1.5)
    assert small.get("中国") == (False, 0.0) and small.get("😀") == (True, -1.5) and small.get("长" * 6)[0]
    assert small.get("国") is None and small.get("长" * 5) is None


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(ALPHABET, st.sampled_from(list("+#&._%-ÀΩ😀"))), max_size=60))
def test_the_cut_with_the_compact_table_is_the_cut_with_the_dict(sentence: str) -> None:
    from pipeline.figures import _segment
    from pipeline.figures.lexicon import hmm_cut

    logtotal = math.log(LEX.tokenizer.total)
    for block in filter(None, jieba.re_han_default.split(sentence)):
        for hmm in (hmm_cut, None):
            assert _segment.cut_block(block, LEX.words, logtotal, hmm) == _segment.cut_block(
                block, LEX.tokenizer.FREQ, logtotal, hmm)


def test_the_compact_table_is_refused_for_another_total_or_dictionary() -> None:
    from pipeline.figures import _segment

    words = _segment.Words({"ab": 1, "a": 1}, 0.0)
    assert _segment.cut_block("ab", words, 0.0, list) == ["ab"]
    with pytest.raises(ValueError, match="another dictionary total"):
        _segment.cut_block("ab", words, 1.0, list)
    with pytest.raises(ValueError, match="not a str"):
        _segment.Words({1: 1}, 0.0)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="not a str"):
        _segment.Words({"长" * 256: 1}, 0.0)
    with pytest.raises(TypeError, match="dict or Words"):
        _segment.cut_block("ab", [], 0.0, list)  # type: ignore[arg-type]


def test_a_word_added_after_the_compact_table_is_made_is_seen() -> None:
    from pipeline.figures import _segment
    from pipeline.figures.lexicon import Lexicon

    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(LEX.tokenizer.FREQ), LEX.tokenizer.total, True
    reader = Lexicon(tokenizer, {}, _segment.Words(tokenizer.FREQ, math.log(tokenizer.total)))
    sentence = "绩效自评奇异词组测试"
    assert reader.tokenize(sentence) == list(tokenizer.tokenize(sentence))
    tokenizer.add_word("奇异词组测试", 10_000)  # the table no longer fits the dictionary: the dict is used
    assert "奇异词组测试" in [w for w, _, _ in reader.tokenize(sentence)]
    assert reader.tokenize(sentence) == list(tokenizer.tokenize(sentence))


def test_a_word_finalseg_must_split_is_given_character_by_character(monkeypatch: pytest.MonkeyPatch) -> None:
    from jieba import finalseg

    from pipeline.figures.lexicon import hmm_cut

    for sentence in ("绩效自评奇异词组测试", "丹为主丼, 丽举乇么", "郑州市金水区经开区"):
        words = list(finalseg.cut(sentence))
        longest = max(words, key=len)
        assert len(longest) > 1
        monkeypatch.setattr(finalseg, "Force_Split_Words", {longest})
        assert hmm_cut(sentence) == list(finalseg.cut(sentence)) != words
        monkeypatch.setattr(finalseg, "Force_Split_Words", set())


@settings(max_examples=200, deadline=None)
@given(HMM_TEXT.filter(lambda text: all("\u4e00" <= ch <= "\u9fd5" for ch in text)))
def test_the_viterbi_over_the_compact_emissions_is_the_viterbi_over_the_dicts(block: str) -> None:
    from jieba import finalseg

    from pipeline.figures import _segment

    emissions = _segment.Emissions(finalseg.emit_P)
    assert _segment.hmm_block(block, finalseg.start_P, finalseg.trans_P, emissions) == _segment.hmm_block(
        block, finalseg.start_P, finalseg.trans_P, finalseg.emit_P)


def test_the_compact_emissions_follow_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from jieba import finalseg

    from pipeline.figures import _segment
    from pipeline.figures import lexicon as module

    start = dict.fromkeys("BMES", 0.0)
    even = {y: dict.fromkeys("BMES", 0.0) for y in "BMES"}
    # a key of two characters is never looked up; a character one state lacks is MIN_FLOAT there
    emit = {"B": {"甲": -1.0, "甲乙": 5.0}, "M": {}, "E": {"乙": -1.0}, "S": {"甲": -9.0, "丙": -0.5}}
    for block in ("甲乙", "甲乙丙", "丙丙", "丁"):
        assert _segment.hmm_block(block, start, even, _segment.Emissions(emit)) == _segment.hmm_block(
            block, start, even, emit)
    with pytest.raises(TypeError, match="must be a dict"):
        _segment.Emissions({"B": [], "M": {}, "E": {}, "S": {}})
    with pytest.raises(KeyError):
        _segment.Emissions({"B": {}})
    made = module._emissions()
    assert module._emissions() is made  # made once
    monkeypatch.setattr(finalseg, "emit_P", {y: dict(table) for y, table in finalseg.emit_P.items()})
    assert module._emissions() is not made  # the model's tables replaced: made again
