"""Rank passages for words, BM25 in SQL over the word index; each hit with its marks and facts.

Each argument is a phrase: cut into words as the index was, it matches where those words stand
one after another in a passage. A passage's score adds the BM25 weight of every phrase found
in it (term frequency = the phrase's occurrences), over the latest submissions (of a year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.search.index import text_to_words
from pipeline.warehouse.errors import WarehouseError

K1, B = 1.2, 0.75  # the usual BM25 constants
MARK_OPEN, MARK_CLOSE = "【", "】"


class SearchIndexMissing(WarehouseError):
    """The warehouse was published before the word index existed."""

    error_code = "search_index_missing"
    sentence_zh = "这个数据仓库还没有检索词表，请用新版本的 jixiao 运行一次 jixiao ingest。"


@dataclass(frozen=True)
class Hit:
    """One passage found: where it is, its score, the words found in it and the facts inside it."""

    unit_name: str | None
    year: int | None
    task_no: int | None
    part: str
    passage_id: str
    submission_id: str
    text: str
    score: float
    marks: tuple[tuple[int, int], ...]
    fact_ids: tuple[str, ...]

    def marked(self, opening: str = MARK_OPEN, closing: str = MARK_CLOSE) -> str:
        """The passage with every occurrence of the words put in marks, overlaps merged."""
        merged: list[list[int]] = []
        for start, end in sorted(self.marks):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out, at = [], 0
        for start, end in merged:
            out += [self.text[at:start], opening, self.text[start:end], closing]
            at = end
        return "".join(out + [self.text[at:]])


def words_to_phrases(words: Sequence[str]) -> list[list[str]]:
    """Each argument cut into its (normal) words; arguments with no word at all are dropped."""
    phrases = [[w for _, w, _, _ in text_to_words(arg)] for arg in words]
    return [p for p in phrases if p]


def _occurrences(index: int, phrase: list[str]) -> tuple[str, list[Any]]:
    # the phrase's words at consecutive positions of one passage: one join per further word
    # (a phrase with punctuation inside, 化工园区，建设, never matches: punctuation is no word)
    joins = "".join(
        f" join search_words as w{i} on w{i}.passage_id = w0.passage_id"
        f" and w{i}.position = w0.position + {i} and w{i}.word = ?"
        for i in range(1, len(phrase))
    )
    last = len(phrase) - 1
    sql = (f"select {index} as phrase, w0.passage_id, w0.word_start as s, w{last}.word_end as e "
           f"from search_words as w0{joins} where w0.word = ?")
    return sql, [*phrase[1:], phrase[0]]


def _sql(phrases: list[list[str]], year: int | None, all_phrases: bool) -> tuple[str, list[Any]]:
    parts = [_occurrences(i, p) for i, p in enumerate(phrases)]
    params: list[Any] = [year] if year is not None else []
    for _, part_params in parts:
        params += part_params
    occurrences = "\n        union all\n        ".join(sql for sql, _ in parts)
    return f"""
    with corpus as (
        select p.passage_id, p.word_count, s.unit_name, s.year
        from search_passages as p
        inner join submissions as s on s.submission_id = p.submission_id
        where s.is_latest {'and s.year = ?' if year is not None else ''}
    ),
    stats as (select count(*) as n, avg(word_count) as avgdl from corpus),
    hits as (
        select * from (
        {occurrences}
        ) semi join corpus using (passage_id)
    ),
    tf as (select phrase, passage_id, count(*) as tf from hits group by phrase, passage_id),
    df as (select phrase, count(*) as df from tf group by phrase),
    scored as (
        select
            tf.passage_id,
            count(*) as phrases,
            sum(ln(1 + (st.n - df.df + 0.5) / (df.df + 0.5))
                * tf.tf * {K1 + 1} / (tf.tf + {K1} * (1 - {B} + {B} * c.word_count / st.avgdl))) as score
        from tf
        inner join df on df.phrase = tf.phrase
        inner join corpus as c on c.passage_id = tf.passage_id
        cross join stats as st
        group by tf.passage_id
    ),
    final as (
        select
            c.unit_name, c.year, p.task_no, p.part, p.passage_id, p.submission_id, p.text, s.score,
            (select list([h.s, h.e] order by h.s) from hits as h where h.passage_id = p.passage_id) as marks,
            (select list(f.fact_id order by f.span_start) from facts as f
             where f.submission_id = p.submission_id
               and f.span_start >= p.span_start and f.span_end <= p.span_end) as fact_ids
        from scored as s
        inner join search_passages as p on p.passage_id = s.passage_id
        inner join corpus as c on c.passage_id = s.passage_id
        {'where s.phrases = ' + str(len(phrases)) if all_phrases else ''}
    )
    select * from final order by score desc, unit_name, passage_id limit ?
    """, params


def search(
    con: duckdb.DuckDBPyConnection, words: Sequence[str], *, year: int | None = None,
    limit: int = 20, all_phrases: bool = False,
) -> list[Hit]:
    """The passages of the latest submissions that contain the words, best first.

    Each of ``words`` is a phrase; a passage needs one of them (all with ``all_phrases``).
    """
    phrases = words_to_phrases(words)
    if not phrases:
        return []
    sql, params = _sql(phrases, year, all_phrases)
    try:
        rows = con.execute(sql, [*params, limit]).fetchall()
    except duckdb.CatalogException as exc:
        if "search_" not in str(exc):
            raise
        raise SearchIndexMissing("the warehouse has no word index yet; run jixiao ingest with this jixiao") from None
    return [
        Hit(unit_name, year_, task_no, part, passage_id, submission_id, text, float(score),
            tuple((int(s), int(e)) for s, e in marks or []), tuple(fact_ids or []))
        for unit_name, year_, task_no, part, passage_id, submission_id, text, score, marks, fact_ids in rows
    ]
