"""The C word graph and route (``pipeline.figures._segment``) are jieba's, step for step.

The number reader's tokenizer takes ``get_DAG`` and ``calc`` from the C helper when it is
built (``pipeline.figures.lexicon.accelerate``). Here both are held to jieba's own Python
methods on random strings (hypothesis) and on the text of every fixture form, graph by
graph, route by route (floats equal, not close), and word by word.
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


def _python_route(sentence: str) -> tuple[dict[int, list[int]], dict[int, tuple[float, int]]]:
    dag = jieba.Tokenizer.get_DAG(LEX.tokenizer, sentence)  # the class's own, not the C one
    route: dict[int, tuple[float, int]] = {}
    jieba.Tokenizer.calc(LEX.tokenizer, sentence, dag, route)
    return dag, route


def _c_route(sentence: str) -> tuple[dict[int, list[int]], dict[int, tuple[float, int]]]:
    dag = LEX.tokenizer.get_DAG(sentence)
    route: dict[int, tuple[float, int]] = {}
    LEX.tokenizer.calc(sentence, dag, route)
    return dag, route


def test_the_helper_is_built_and_in_use() -> None:
    # `pip install -e .` builds it where gcc and the Python headers are
    assert LEX.tokenizer.get_DAG.__qualname__.startswith("accelerate."), (
        "pipeline.figures._segment is not built: run `pip install -e .` again")


@settings(max_examples=400, deadline=None)
@given(st.text(ALPHABET, max_size=60))
def test_graph_and_route_equal_jiebas_on_random_text(sentence: str) -> None:
    assert _c_route(sentence) == _python_route(sentence)


def _fixture_sentences() -> list[str]:
    """Every line of every fixture form's text, as the readers give it (UTF-8 or GB18030)."""
    paths = sorted((ROOT / "tests" / "fixtures" / "forms").glob("*.txt"))
    texts = [read_document(path).text for path in paths]
    return [line for text in texts for line in text.splitlines() if line.strip()]


def test_words_equal_jiebas_on_every_fixture_line() -> None:
    lines = _fixture_sentences()
    assert len(lines) > 100
    plain = jieba.Tokenizer()
    plain.FREQ, plain.total, plain.initialized = LEX.tokenizer.FREQ, LEX.tokenizer.total, True
    for line in lines:
        assert list(LEX.tokenizer.tokenize(line)) == list(plain.tokenize(line)), line
        assert _c_route(line) == _python_route(line)


def test_a_word_added_later_is_seen() -> None:
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(LEX.tokenizer.FREQ), LEX.tokenizer.total, True
    from pipeline.figures.lexicon import accelerate

    assert accelerate(tokenizer)
    sentence = "绩效自评奇异词组测试"
    before = [w for w, _, _ in tokenizer.tokenize(sentence)]
    tokenizer.add_word("奇异词组测试", 10_000)
    after = [w for w, _, _ in tokenizer.tokenize(sentence)]
    assert "奇异词组测试" in after and "奇异词组测试" not in before
    assert math.isfinite(math.log(tokenizer.total))


def test_the_helper_refuses_what_jieba_would_fail_on() -> None:
    from pipeline.figures import _segment

    with pytest.raises(KeyError):
        _segment.calc("ab", {0: [0]}, {}, {}, 1.0)  # no graph entry for position 1
    with pytest.raises(ValueError):
        _segment.calc("ab", {0: [5], 1: [1]}, {}, {}, 1.0)  # an end past the sentence
