"""What the word index costs at load time and what a search costs, against simple baselines.

    .venv/bin/python bench/bench_search.py [--n 300] [--queries 20]

Loads N readings of the example form (each a different department) twice into fresh
warehouses: once with the index hook turned off, once with it, the words cut beforehand as
the reader processes cut them (``Segmenting``) — the ratio is what the index adds to the one
writer; the time to cut the words is printed apart (it runs in parallel, in the readers). Then times ``search`` (BM25 over the
index, marks and fact ids) against a plain ``like '%word%'`` scan of the task outcomes, which
finds substrings (化工 inside 化工园区) and ranks nothing: a floor, not a rival.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from warehouse_fixtures import make_reading  # noqa: E402

import pipeline.warehouse.load as load  # noqa: E402
from pipeline.search.index import segment_reading  # noqa: E402
from pipeline.search.query import search  # noqa: E402
from pipeline.warehouse import schema  # noqa: E402

WORDS = ["地区生产总值", "高新技术企业", "招商引资", "固定资产投资"]


def readings(n: int) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i in range(n):
        sha = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        out.append((sha, make_reading(unit_name=f"第{i}局", sha256=sha)))
    return out


def load_all(path: Path, batch: list[tuple[str, dict[str, Any]]], with_index: bool) -> float:
    con = schema.open_for_write(path)
    con.execute("insert into runs (run_id, started_at, status) values ('r', now(), 'completed')")
    hook = load.rows_to_search_rows
    if not with_index:
        load.rows_to_search_rows = lambda rows, segmented=None: {}  # type: ignore[assignment]
    loader = load.Loader(con)
    try:
        started = time.perf_counter()
        for sha, reading in batch:
            loader.load_reading(reading, sha256=sha, source_path=f"/raw/{sha[:8]}.txt", run_id="r")
        return time.perf_counter() - started
    finally:
        load.rows_to_search_rows = hook
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        load_all(Path(tmp) / "warm.duckdb", readings(5), True)  # jieba's dictionary, once
        plain = load_all(Path(tmp) / "plain.duckdb", readings(args.n), False)
        batch = readings(args.n)
        started = time.perf_counter()
        for _, reading in batch:  # what each reader process does (Segmenting), in parallel
            segment_reading(reading)
        cut = time.perf_counter() - started
        indexed = load_all(Path(tmp) / "indexed.duckdb", batch, True)
        each = 1000 / args.n
        print(f"the one writer, {args.n} readings: {plain * each:.1f} ms each without the index, "
              f"{indexed * each:.1f} ms with it (ratio {indexed / plain:.2f}); cutting the words "
              f"{cut * each:.1f} ms a reading in the reader processes")
        con = schema.open_read_only(Path(tmp) / "indexed.duckdb")
        words = con.execute("select count(*) from search_words").fetchone()
        started = time.perf_counter()
        found = [len(search(con, [WORDS[i % len(WORDS)]], limit=20)) for i in range(args.queries)]
        ranked = (time.perf_counter() - started) / args.queries
        started = time.perf_counter()
        for i in range(args.queries):
            con.execute("select submission_id, task_no, outcome from tasks where outcome like ? limit 20",
                        [f"%{WORDS[i % len(WORDS)]}%"]).fetchall()
        scan = (time.perf_counter() - started) / args.queries
        print(f"search over {words[0] if words else 0} indexed words: {ranked * 1000:.1f} ms a query "
              f"(BM25, marks, fact ids; {max(found)} hits at most) against {scan * 1000:.1f} ms for a like-scan "
              f"(ratio {ranked / scan:.1f})")
        con.close()


if __name__ == "__main__":
    main()
