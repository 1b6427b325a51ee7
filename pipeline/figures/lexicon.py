"""The jieba tokenizer of the number reader, with its own user dictionary.

The dictionary (``userdict.txt``: ``word [freq] tag``) teaches jieba indicator
terms and measure words, and its tags tell the metric reader which words never
begin or end a metric (``s``), which leading verbs to drop (``v``), which
prepositions start the measured phrase (``p``), which verbs stay before a count
of the things they act on (``g``) and which verbs make an application that a
counted noun is counted for (``a``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import accumulate, islice
from typing import Any

import jieba
from jieba import finalseg

# found through the package, not __file__: a module compiled by mypyc is given a wrong __file__
USERDICT = files("pipeline.figures") / "userdict.txt"


@dataclass(frozen=True)
class Lexicon:
    """A private jieba tokenizer and the reader's word tags."""

    tokenizer: jieba.Tokenizer
    tags: dict[str, str]
    # the tokenizer's FREQ as the C helper's compact table (``_segment.Words``), made by
    # ``lexicon()`` once its dictionary is complete; used while FREQ keeps its size and total
    words: Any = None

    def tokenize(self, text: str, offset: int = 0, *, hmm: bool = True) -> list[tuple[str, int, int]]:
        """(word, start, end) for each jieba word of ``text``, offsets shifted by ``offset``.

        jieba's ``Tokenizer.tokenize`` (default mode, HMM on unless ``hmm`` is False): its
        ``cut`` splits the text with jieba's own patterns, as here; each block of Chinese,
        letters and digits goes through ``__cut_DAG`` (``__cut_DAG_NO_HMM``), which the C
        helper takes in one call where it is built (``_segment.cut_block``: the same graph,
        route and walk, jieba's HMM for unknown runs).
        """
        if _segment is None:
            return [(w, s + offset, e + offset) for w, s, e in self.tokenizer.tokenize(text, HMM=hmm)]
        tokenizer = self.tokenizer
        tokenizer.check_initialized()
        freq: Any = tokenizer.FREQ
        logtotal = math.log(tokenizer.total)
        table = self.words
        if table is not None and table.size == len(freq) and table.logtotal == logtotal:
            freq = table  # the same lookups, in the compact table
        words: list[str] = []
        for block in _RE_HAN.split(text):
            if not block:
                continue
            if _RE_HAN.match(block):
                words.extend(_segment.cut_block(block, freq, logtotal, hmm_cut if hmm else None))
                continue
            for piece in _RE_SKIP.split(block):
                if _RE_SKIP.match(piece):
                    words.append(piece)
                else:
                    words.extend(piece)  # each character
        bounds = list(accumulate(map(len, words), initial=offset))  # each word's start, then the end
        return list(zip(words, bounds, islice(bounds, 1, None), strict=False))  # bounds: one more, an end


try:  # jieba's graph, route, walk and HMM in C (pipeline/figures/_segment.c), built at install if it can be
    from pipeline.figures import _segment
except ImportError:  # no compiler at install: jieba's own Python, the same words
    _segment = None  # type: ignore[assignment]
# jieba's own patterns for its default cut: blocks to segment, and blanks between them
_RE_HAN = jieba.re_han_default
_RE_SKIP = jieba.re_skip_default


def hmm_cut(sentence: str) -> list[str]:
    """``jieba.finalseg.cut``: its HMM's words for a run of characters jieba does not know.

    Its own patterns split the run; each block of Chinese characters goes through its
    viterbi and ``__cut`` in one call to the C helper (``_segment.hmm_block``, over the
    model's own tables), the rest as it splits them; a word in ``Force_Split_Words`` is
    given character by character, as there.
    """
    if finalseg.re_han.fullmatch(sentence):  # one block of Chinese, as the reader's runs mostly are
        return _hmm_words(sentence)
    words: list[str] = []
    for block in finalseg.re_han.split(sentence):
        if finalseg.re_han.match(block):
            words.extend(_hmm_words(block))
        else:
            words.extend(piece for piece in finalseg.re_skip.split(block) if piece)
    return words


def _hmm_words(block: str) -> list[str]:
    """finalseg's words of one block of Chinese: its viterbi (in C), a word it must not give
    whole (``Force_Split_Words``) character by character."""
    words = _segment.hmm_block(block, finalseg.start_P, finalseg.trans_P, _emissions())
    force = finalseg.Force_Split_Words
    if not force or force.isdisjoint(words):
        return words
    return [piece for word in words for piece in (word if word in force else (word,))]


# finalseg's emission tables as the C helper's compact table (``_segment.Emissions``), with
# the emit_P it was made from: made again if the model's tables are replaced
_EMISSIONS: tuple[Any, Any] | None = None


def _emissions() -> Any:
    """``_segment.Emissions`` of finalseg's ``emit_P``, made once."""
    global _EMISSIONS
    if _EMISSIONS is None or _EMISSIONS[0] is not finalseg.emit_P:
        _EMISSIONS = (finalseg.emit_P, _segment.Emissions(finalseg.emit_P))
    return _EMISSIONS[1]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Build the tokenizer once, on first use (the only I/O of the reader)."""
    jieba.setLogLevel(logging.WARNING)  # jieba prints its cache notes at INFO
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tags: dict[str, str] = {}
    for line in USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or line.startswith("#"):
            continue
        word, tag = parts[0], parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else ""
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        if freq is not None:
            tokenizer.add_word(word, freq)
        elif word not in tokenizer.FREQ:
            tokenizer.add_word(word)
        if tag:
            tags[word] = tag
    words = None
    if _segment is not None:
        words = _segment.Words(tokenizer.FREQ, math.log(tokenizer.total))
        _emissions()  # made here too, before the readers fork, to be shared
    return Lexicon(tokenizer, tags, words)

