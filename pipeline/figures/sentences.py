"""The sentences of a text as the number reader sees them: spans, jieba words, and doubts.

One ``Sentences`` per text read: sentence spans, the jieba words of each sentence
(tokenised on demand, once), the word-boundary questions the reader asks, and the figures
it left out because it could not read them with confidence.
"""

from __future__ import annotations

import bisect
from operator import itemgetter

from pipeline.figures.lexicon import Lexicon
from pipeline.figures.metric import Token
from pipeline.figures.patterns import SENTENCE_BREAK

_START, _END = itemgetter(1), itemgetter(2)


class Sentences:
    """Sentence spans of a text and their jieba words, tokenized on demand."""

    def __init__(self, text: str, lex: Lexicon) -> None:
        self.text = text
        self.lex = lex
        ends = [m.end() for m in SENTENCE_BREAK.finditer(text)]
        if not ends or ends[-1] != len(text):
            ends.append(len(text))
        self.ends = ends
        self._tokens: dict[int, list[Token]] = {}
        self._bounds: dict[int, tuple[set[int], set[int]]] = {}
        self.doubts: list[tuple[int, int, str]] = []  # figures left out: span and why

    def doubt(self, start: int, end: int, why: str) -> None:
        """Leave a figure out, and say so (FACTS.md: a gap, never a wrong number)."""
        if (start, end, why) not in self.doubts:
            self.doubts.append((start, end, why))

    def span(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.ends, pos)
        i = min(i, len(self.ends) - 1)
        return (self.ends[i - 1] if i else 0), self.ends[i]

    def tokens(self, pos: int) -> list[Token]:
        lo, hi = self.span(pos)
        if lo not in self._tokens:
            tokens = self._tokens[lo] = self.lex.tokenize(self.text[lo:hi], lo)
            self._bounds[lo] = (set(map(_START, tokens)), set(map(_END, tokens)))
        return self._tokens[lo]

    def is_word_start(self, pos: int) -> bool:
        self.tokens(pos)
        return pos in self._bounds[self.span(pos)[0]][0]

    def is_word_end(self, pos: int, inside: int) -> bool:
        self.tokens(inside)
        return pos in self._bounds[self.span(inside)[0]][1]

    def is_number_start(self, pos: int) -> bool:
        """A word starts at ``pos``, or only a word jieba guessed runs across it (`达二` of 达二万亩)."""
        if self.is_word_start(pos):
            return True
        freq = self.lex.tokenizer.FREQ
        return not any(lo < pos < hi and freq.get(w) for w, lo, hi in self.tokens(pos))

    def starts_long_word(self, pos: int) -> bool:
        """A dictionary word of two characters or more starts at ``pos`` (分钟, 角色)."""
        freq = self.lex.tokenizer.FREQ
        return any(lo == pos and hi - lo > 1 and freq.get(w) for w, lo, hi in self.tokens(pos))

    def ends_word(self, start: int, end: int) -> bool:
        """A dictionary word runs from before ``start`` to ``end`` (签约 of 签约3个, 最近)."""
        freq = self.lex.tokenizer.FREQ
        return any(lo < start and hi == end and freq.get(w) for w, lo, hi in self.tokens(start))

    def is_unit_end(self, pos: int, inside: int) -> bool:
        """A word ends at ``pos``, or only a word jieba guessed runs across it.

        jieba's HMM joins single characters it does not know into a word
        (`92个立档单位` → `个立`); such a guess is no evidence that the measure
        word belongs to the next word, as a dictionary word is (`80周岁`).
        """
        if self.is_word_end(pos, inside):
            return True
        freq = self.lex.tokenizer.FREQ
        for word, start, end in self.tokens(inside):
            if start < pos < end:
                return not freq.get(word)
        return False
