"""Passages (task goals and outcomes, free-text fields) cut into words for the search index.

The same segmentation serves the index and the query, so a word is found exactly as jieba
cut it: ``化工园区`` is one word (the user dictionary knows it) and ``化工`` does not match it.
Rows are built from the rows the loader writes (``reading_to_rows``) or, for a warehouse
loaded before the index existed, from the same tables read back.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.figures.lexicon import lexicon
from pipeline.privacy import CONTACT_KEYS, mask_text, needle_ranges, personal_needles
from pipeline.warehouse.schema import has_table

Row = dict[str, Any]

# The free-text fields of contract/FIELDS.md worth searching (names and URLs are not prose).
FREE_TEXT_KEYS = (
    "incomplete_reason", "institutional_measures", "adjustments_note", "management_rules",
    "other_rules", "work_measures", "social_benefit",
)
SEARCH_TABLES = ("search_passages", "search_words")
SEGMENTED = "_search_words"  # a reading's texts cut in the reader process (not part of OUTPUT.md)


def normal_word(word: str) -> str:
    """How a word is stored and looked up: NFKC (full-width to half-width), lower case."""
    return unicodedata.normalize("NFKC", word).lower()


def _is_word(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def text_to_words(text: str) -> list[tuple[int, str, int, int]]:
    """(position, normal word, start, end) of each word of ``text``.

    Punctuation is not a word but takes a position, so a phrase never runs across a comma;
    spaces take none (PDF text layers put them inside words and phrases).
    """
    words, position = [], 0
    # Dictionary words only (no HMM guesses): a word cuts the same alone in a query as inside
    # a passage, whatever stands around it — and it is a third faster.
    for token, start, end in lexicon().tokenize(text, hmm=False):
        if _is_word(token):
            words.append((position, normal_word(token), start, end))
        elif token.isspace():
            continue
        position += 1
    return words


Segmented = dict[str, list[tuple[int, str, int, int]]]


def _passage(submission_id: str, part: str, task_no: int | None, text: str | None,
             start: int | None, end: int | None, segmented: Segmented) -> tuple[Row, list[Row]] | None:
    if not text or not text.strip():
        return None
    passage_id = f"{submission_id}:{part if task_no is None else f'{part}-{task_no}'}"
    cut = segmented.get(text)
    words = [
        {"passage_id": passage_id, "position": i, "word": w, "word_start": s, "word_end": e}
        for i, w, s, e in (cut if cut is not None else text_to_words(text))
    ]
    row = {"passage_id": passage_id, "submission_id": submission_id, "task_no": task_no, "part": part,
           "text": text, "span_start": start, "span_end": end, "word_count": len(words)}
    return row, words


def rows_to_search_rows(rows: dict[str, list[Row]], segmented: Segmented | None = None) -> dict[str, list[Row]]:
    """The index rows of one submission, from its ``tasks`` and ``fields`` rows.

    ``segmented`` holds texts already cut (by ``segment_reading`` in a reader process), so the
    one writer does not spend its time in jieba; any other text is cut here.
    """
    found, segmented = [], segmented or {}
    # a contact's name or phone quoted in free text is blotted out here too, as in `documents`
    contacts = [value for row in rows.get("contacts", []) for key, value in row.items() if key in CONTACT_KEYS]
    needles = personal_needles(contacts)  # looked for in every passage: found once

    def masked(text: str | None) -> str | None:
        return mask_text(text, needle_ranges(text, needles)) if text and needles else text

    for task in rows.get("tasks", []):
        for part in ("goal", "outcome"):
            found.append(_passage(task["submission_id"], part, task["task_no"], masked(task[part]),
                                  task[f"{part}_span_start"], task[f"{part}_span_end"], segmented))
    for field in rows.get("fields", []):
        if field["key"] in FREE_TEXT_KEYS:
            text = field.get("text") or field.get("value_text")
            found.append(_passage(field["submission_id"], field["key"], None, masked(text),
                                  field["span_start"] if field.get("text") else None,
                                  field["span_end"] if field.get("text") else None, segmented))
    passages = [p for p in found if p is not None]
    return {
        "search_passages": [row for row, _ in passages],
        "search_words": [word for _, words in passages for word in words],
    }


def _reading_texts(reading: dict[str, Any]) -> list[str]:
    texts = [task.get(part) for task in reading.get("tasks") or [] for part in ("goal", "outcome")]
    fields = reading.get("fields") or {}
    for key in FREE_TEXT_KEYS:
        entry = fields.get(key)
        if isinstance(entry, dict):
            texts.append(entry.get("text") or (str(entry["value"]) if entry.get("value") is not None else None))
    return [t for t in texts if t]


def segment_reading(reading: dict[str, Any]) -> dict[str, Any]:
    """The reading with its passages already cut into words (under ``SEGMENTED``), for the loader."""
    reading[SEGMENTED] = {text: text_to_words(text) for text in _reading_texts(reading)}
    return reading


@dataclass(frozen=True)
class Segmenting:
    """An extractor whose readings come with their words cut: jieba runs in the reader processes.

    A plain (picklable) object, so the batch hands it to its reader processes like the extractor.
    """

    extractor: Callable[..., dict[str, Any]]

    def __call__(self, path: Any, **options: Any) -> dict[str, Any]:
        reading = self.extractor(path, **options)
        # Only once the reader has loaded jieba (the number reader does, for every form): loading
        # it here would spend a second of the file's time limit; the loader cuts what is left.
        return segment_reading(reading) if lexicon.cache_info().currsize else reading


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Row]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def index_loaded(con: duckdb.DuckDBPyConnection, insert: Any) -> int:
    """Index every submission already in the warehouse that has no passages yet; how many.

    For a warehouse loaded before the index existed: run once, when the migration creates it.
    ``insert(table, rows)`` is the loader's bulk insert.
    """
    ids = [r[0] for r in con.execute(
        "select submission_id from submissions anti join search_passages using (submission_id) order by 1"
    ).fetchall()]
    for submission_id in ids:
        rows = {
            "tasks": _fetch(con, "select * from tasks where submission_id = ?", [submission_id]),
            "fields": _fetch(con, "select submission_id, key, text, value_text, span_start, span_end "
                                  "from fields where submission_id = ?", [submission_id]),
            # they may live in a file of their own; an old warehouse's wait in contacts_to_move (004)
            "contacts": [row for table in ("contacts", "contacts_to_move") if has_table(con, table)
                         for row in _fetch(con, f"select * from {table} where submission_id = ?", [submission_id])],
        }
        for table, table_rows in rows_to_search_rows(rows).items():
            insert(table, table_rows)
    return len(ids)
