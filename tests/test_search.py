"""`jixiao search`: jieba decides what a word is, hits carry fact ids, BM25 ranks them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from search_fixtures import build_warehouse, department_reading, read_only, sha_of

from pipeline.cli import cli
from pipeline.search.index import text_to_words
from pipeline.search.query import Hit, search
from pipeline.warehouse import schema
from pipeline.warehouse.load import submission_id_for

A, B, C, D, E = "甲区工业和信息化局", "乙区发展和改革局", "丙区交通运输局", "丁区应急管理局", "戊区工业和信息化局"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("search") / "jixiao.duckdb")


@pytest.fixture(scope="module")
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = read_only(db)
    yield connection
    connection.close()


def units(hits: list[Hit]) -> list[str | None]:
    return [h.unit_name for h in hits]


def test_jieba_cuts_the_words_with_the_project_dictionary() -> None:
    assert [w for _, w, _, _ in text_to_words("推进化工园区建设")] == ["推进", "化工园区", "建设"]
    # punctuation takes a position (no phrase across it), spaces do not; ASCII is lower-cased
    assert [(p, w) for p, w, _, _ in text_to_words("石化工业，氯碱 化工厂 GDP")] == [
        (0, "石化工业"), (2, "氯碱"), (3, "化工厂"), (4, "gdp")]


def test_a_word_is_found_as_a_word_and_the_most_mentions_rank_first(con: duckdb.DuckDBPyConnection) -> None:
    hits = search(con, ["化工园区"])
    # 甲 says it three times, 乙 and 戊 once (戊 in 2022: every year unless --year)
    assert units(hits)[0] == A and set(units(hits)) == {A, B, E} and len(hits) == 3
    assert hits[0].score > hits[1].score >= hits[2].score
    assert hits[0].marked().count("【化工园区】") == 3


def test_a_shorter_word_does_not_match_inside_another(con: duckdb.DuckDBPyConnection) -> None:
    # 化工 stands alone only at 丁 (化工 产业); 化工园区, 石化工业, 化工厂, 化工企业 are words of their own
    hits = search(con, ["化工"])
    assert units(hits) == [D]
    assert hits[0].marked() == "开展化工企业安全检查，加快【化工】产业发展，检查企业20家。"


def test_hits_carry_department_year_task_and_the_facts_inside(con: duckdb.DuckDBPyConnection) -> None:
    top = search(con, ["化工园区"], year=2023)[0]
    assert (top.unit_name, top.year, top.task_no, top.part) == (A, 2023, 1, "outcome")
    assert top.fact_ids == (f"{sha_of(A)[:12]}-f1",)
    assert top.submission_id == submission_id_for(sha_of(A))
    # task 2 of 甲 has no fact: none is claimed for it
    second = search(con, ["高新技术企业"])[0]
    assert (second.task_no, second.fact_ids) == (2, ())


def test_year_and_limit(con: duckdb.DuckDBPyConnection) -> None:
    assert E not in units(search(con, ["化工园区"], year=2023))
    assert units(search(con, ["化工园区"], year=2022)) == [E]
    assert len(search(con, ["化工园区"], limit=1)) == 1


def test_a_phrase_matches_as_a_phrase(con: duckdb.DuckDBPyConnection) -> None:
    # 化工园区建设 = 化工园区 + 建设, one after the other: 甲 and 戊, not 乙 (化工园区规划)
    hits = search(con, ["化工园区建设"])
    assert set(units(hits)) == {A, E}
    assert "【化工园区建设】" in hits[0].marked()
    assert search(con, ["建设化工园区"]) == []


def test_several_phrases_any_or_all(con: duckdb.DuckDBPyConnection) -> None:
    any_of = search(con, ["化工园区", "石化工业"], year=2023)
    assert units(any_of)[0] == B and set(units(any_of)) == {A, B, C}  # 乙 has both
    assert units(search(con, ["化工园区", "石化工业"], all_phrases=True)) == [B]


def test_the_index_is_a_table_analysts_can_query(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute("""
        select distinct s.unit_name from search_words as w
        join search_passages as p using (passage_id) join submissions as s using (submission_id)
        where w.word = '高新技术企业'""").fetchall()
    assert got == [(A,)]
    passages = con.execute("select text, span_start, span_end, submission_id from search_passages").fetchall()
    documents = dict(con.execute("select submission_id, text from documents").fetchall())
    for text, start, end, submission_id in passages:
        if start is not None:
            assert documents[submission_id][start:end] == text


def test_a_warehouse_loaded_before_the_index_gets_one_when_upgraded(tmp_path: Path) -> None:
    db = build_warehouse(tmp_path / "old.duckdb")
    with duckdb.connect(str(db)) as old:  # as a warehouse of schema 2 would be: no table of 3 or later
        old.execute("drop table search_words; drop table search_passages; drop table labels; "
                    "drop table reading_coverage")
        old.execute("delete from schema_migrations where version >= 3")
    schema.open_for_write(db).close()
    with read_only(db) as upgraded:
        assert units(search(upgraded, ["化工园区"], year=2023)) == [A, B]


def test_cli_search_prints_department_year_task_passage_and_facts(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "化工园区", "--year", "2023", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"1. {A} 2023 任务1 完成情况")
    assert "【化工园区】" in lines[1] and f"{sha_of(A)[:12]}-f1" in lines[2]
    none = CliRunner().invoke(cli, ["search", "火星基地", "--db", str(db)])
    assert none.exit_code == 0 and "没有找到" in none.output


def test_reading_fixture_is_consistent() -> None:
    reading = department_reading(A)
    for task in reading["tasks"]:
        start, end = task["outcome_span"]
        assert reading["text"][start:end] == task["outcome"]


def test_words_cut_in_the_reader_process_give_the_same_index() -> None:
    import pickle

    from warehouse_fixtures import fake_extract

    from pipeline.search.index import (
        FREE_TEXT_KEYS,
        SEGMENTED,
        Segmenting,
        rows_to_search_rows,
        segment_reading,
    )
    from pipeline.warehouse.load import reading_to_rows

    reading = department_reading(A)
    rows = reading_to_rows(reading, "s")
    cut = segment_reading(dict(reading))
    assert set(cut[SEGMENTED]) == {t[p] for t in reading["tasks"] for p in ("goal", "outcome")} | {
        e.get("text") or e.get("value") for k, e in reading["fields"].items()
        if k in FREE_TEXT_KEYS and (e.get("text") or e.get("value"))}
    assert rows_to_search_rows(rows, cut[SEGMENTED]) == rows_to_search_rows(rows)
    # the batch hands it to spawned reader processes: it must pickle
    assert pickle.loads(pickle.dumps(Segmenting(fake_extract))).extractor is fake_extract


def test_free_text_fields_are_searched_too(con: duckdb.DuckDBPyConnection) -> None:
    hits = search(con, ["国有资产管理制度"], year=2023)
    assert hits and all(h.task_no is None for h in hits)
    assert {h.part for h in hits} <= {"institutional_measures", "management_rules", "other_rules", "work_measures"}
    assert "【国有资产管理制度】" in hits[0].marked()


def test_no_personal_value_reaches_the_index() -> None:
    from pipeline.search.index import rows_to_search_rows
    from pipeline.warehouse.load import reading_to_rows

    reading = department_reading(A)
    contact = reading["fields"]["contact_person"]["value"]
    phone = reading["fields"]["contact_phone"]["value"]
    reading["tasks"][0]["outcome"] += f"（联系人{contact}，电话{phone}）"
    index = rows_to_search_rows(reading_to_rows(reading, "s"))
    text = " ".join(p["text"] for p in index["search_passages"]) + " ".join(w["word"] for w in index["search_words"])
    assert contact and phone and contact not in text and phone not in text
    assert "（联系人" in text  # the passage is kept, the values blotted out
