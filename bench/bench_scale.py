"""Beyond one machine: the local and Ray engines on the same files, and a night's cost at scale.

    .venv/bin/python bench/bench_scale.py [--files 1000] [--warehouse 50000] [--night 10]
                                          [--skip-engines] [--skip-night] [--keep DIR]

1. Engines: ``--files`` submissions made from the fixture forms (text, Word and PDF in turn),
   ingested into an empty warehouse once with ``--engine local`` and once with ``--engine ray``
   (a local Ray cluster started for the run, as ``jixiao ingest --engine ray`` does); files/s
   for each, and the Ray cluster's own start-up measured alone.
2. A night at scale: a folder of ``--warehouse`` submissions already loaded into a generated
   warehouse of as many submissions (rows copied from one real reading, so the file has a
   real warehouse's tables and size), then ``--night`` new files. The whole run and its parts
   (scan, hash, working copy, read and load, checks, publish) against the baseline: the same
   new files as a night of an empty warehouse and a folder holding only them.
Each run is a fresh process. The machine may be shared: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

EXAMPLE = ROOT / "tests" / "fixtures" / "forms" / "zetdz_jmkj_2023.txt"
EXAMPLE_UNIT = "湛江经济技术开发区经济贸易和科技局"
CHUNK = 10_000


# --- phases, each run in a child process -------------------------------------------------

def phase_ingest(raw: Path, db: Path, engine: str) -> dict[str, Any]:
    """One ingest through the library, as the nightly batch runs it."""
    from pipeline.batch import ingest

    started = time.perf_counter()
    report = ingest(raw, db, timeout=120, engine=engine)
    return {"seconds": time.perf_counter() - started, "seen": report.seen, "new": report.new,
            "changed": report.changed, "unchanged": report.unchanged, "rejected": len(report.rejects),
            "parts": report.parts}


def phase_ray_start() -> dict[str, Any]:
    """A local Ray cluster started and shut down, nothing else: the engine's fixed cost."""
    import logging

    import ray

    started = time.perf_counter()
    ray.init(include_dashboard=False, object_store_memory=256 * 1024 * 1024, log_to_driver=False,
             logging_level=logging.WARNING)
    ray.get(ray.remote(lambda: 1).remote())
    ray.shutdown()
    return {"seconds": time.perf_counter() - started}


def _run_phase(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True, capture_output=True,
                         text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- a generated warehouse of many submissions ---------------------------------------------

def write_old_submissions(raw: Path, n: int) -> list[tuple[Path, str, str]]:
    """``n`` text submissions with distinct bytes (the example form, department renamed):
    (path, sha256, department) each. They are loaded already, so no run reads them."""
    text = EXAMPLE.read_text(encoding="utf-8")
    made = []
    for i in range(n):
        unit = f"{EXAMPLE_UNIT}{i:06d}"
        data = text.replace(EXAMPLE_UNIT, unit).encode("utf-8")
        path = raw / "old" / f"{i // 1000:03d}" / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        # an old file: the scan lists files oldest first, the night's after these
        os.utime(path, ns=(1_600_000_000_000_000_000 + i, 1_600_000_000_000_000_000 + i))
        made.append((path.resolve(), hashlib.sha256(data).hexdigest(), unit))
    return made


def generate_warehouse(db: Path, old: list[tuple[Path, str, str]]) -> None:
    """A warehouse holding every old submission: one real reading loaded, its rows copied."""
    import pandas as pd

    from pipeline.extract import extract_file, sha256_file
    from pipeline.warehouse import schema
    from pipeline.warehouse.load import Loader, submission_id_for

    con = schema.open_for_write(db)
    sha = sha256_file(EXAMPLE)
    template = submission_id_for(sha)
    run_id = "00000000T000000-bench"
    con.execute("insert into runs (run_id, started_at, finished_at, status, source_dir, jixiao_version) "
                "values (?, now(), now(), 'completed', 'generated', 'bench')", [run_id])
    Loader(con).load_reading(extract_file(EXAMPLE, sha256=sha), sha256=sha, source_path=str(EXAMPLE),
                             run_id=run_id)
    # every table of a submission's rows: by submission_id, or by passage_id (submission_id:part)
    tables = [t for (t,) in con.execute(
        "select distinct table_name from information_schema.columns where column_name in "
        "('submission_id', 'passage_id') and table_name <> 'submissions' and table_schema = 'main' and "
        "table_name in (select table_name from information_schema.tables where table_type = 'BASE TABLE') "
        "order by 1").fetchall()]
    columns = {t: [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
        [t]).fetchall()] for t in [*tables, "submissions"]}

    def of_template(table: str, alias: str) -> str:
        if "submission_id" in columns[table]:
            return f"{alias}.submission_id = ?"
        return f"starts_with({alias}.passage_id, ? || ':')"

    def select_list(table: str) -> str:
        replaced = {
            "submission_id": "g.sid", "fact_id": "g.sid || '-' || t.fact_no", "sha256": "g.sha",
            "source_path": "g.path", "unit_name": "g.unit", "run_id": f"'{run_id}'",
            # a text of its own per submission (as big as a real one), every span still inside it
            "text": "t.text || chr(10) || g.unit" if table == "documents" else "t.text",
            "value_text": "case when t.key = 'unit_name' then g.unit else t.value_text end",
            "passage_id": "g.sid || substr(t.passage_id, 17)",
        }
        return ", ".join(f'{replaced.get(c, "t." + c)} as "{c}"' for c in columns[table])

    for start in range(0, len(old), CHUNK):
        chunk = old[start:start + CHUNK]
        gen = pd.DataFrame({"sid": [submission_id_for(s) for _, s, _ in chunk], "sha": [s for _, s, _ in chunk],
                            "path": [str(p) for p, _, _ in chunk], "unit": [u for _, _, u in chunk]})
        con.register("gen", gen)
        con.execute("begin transaction")
        for table in [*tables, "submissions"]:
            con.execute(f'insert into {table} ({", ".join(chr(34) + c + chr(34) for c in columns[table])}) '
                        f"select {select_list(table)} from {table} t, gen g where {of_template(table, 't')}",
                        [template])
        con.execute("commit")
        con.unregister("gen")
    # the template itself is not one of the folder's files: drop it, so every row is an old file's
    for table in [*tables, "submissions"]:
        con.execute(f"delete from {table} where {of_template(table, table)}", [template])
    con.execute("checkpoint")
    con.close()


def bench_night(work: Path, size: int, night: int) -> None:
    from warehouse_fixtures import copy_corpus

    from pipeline.warehouse import schema

    raw, db = work / "night" / "raw", work / "night" / "warehouse" / "jixiao.duckdb"
    started = time.perf_counter()
    old = write_old_submissions(raw, size)
    generate_warehouse(db, old)
    with schema.open_read_only(db) as con:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # type: ignore[index]
                  for t in ("submissions", "facts", "fields", "documents")}
    print(f"\ngenerated a warehouse of {counts['submissions']:,} submissions ({counts['facts']:,} facts, "
          f"{counts['fields']:,} fields), {db.stat().st_size / 2**20:.0f} MB, and their {size:,} files, "
          f"in {time.perf_counter() - started:.0f} s")
    new = copy_corpus(raw / "tonight", night)
    base_raw, base_db = work / "base" / "raw", work / "base" / "warehouse" / "jixiao.duckdb"
    copy_corpus(base_raw, night)  # the same new files, alone
    baseline = _run_phase("ingest", str(base_raw), str(base_db), "local")
    tonight = _run_phase("ingest", str(raw), str(db), "local")
    assert tonight["new"] + tonight["changed"] == len(new), tonight
    print(f"\na night of {night} new files (local engine)   {'':>3}{'baseline':>10}{'at scale':>10}{'ratio':>8}")
    print(f"  {'files seen':<40}{baseline['seen']:>10,}{tonight['seen']:>10,}")
    print(f"  {'files loaded':<40}{baseline['new'] + baseline['changed']:>10}"
          f"{tonight['new'] + tonight['changed']:>10}")
    for part in (*tonight["parts"], "whole run"):
        a = baseline["seconds"] if part == "whole run" else baseline["parts"].get(part, 0.0)
        b = tonight["seconds"] if part == "whole run" else tonight["parts"].get(part, 0.0)
        ratio = f"{b / a:>7.1f}x" if a >= 0.005 else f"{'':>8}"
        print(f"  {part + ' (s)':<40}{a:>10.2f}{b:>10.2f}{ratio}")


def bench_engines(work: Path, n: int) -> None:
    from warehouse_fixtures import copy_corpus

    raw = work / "engines" / "raw"
    files = copy_corpus(raw, n)
    formats = {s: sum(1 for f in files if f.suffix == s) for s in (".txt", ".docx", ".pdf")}
    print(f"{len(files)} submissions: " + ", ".join(f"{k} {s[1:]}" for s, k in formats.items()))
    local = _run_phase("ingest", str(raw), str(work / "engines" / "local" / "jixiao.duckdb"), "local")
    on_ray = _run_phase("ingest", str(raw), str(work / "engines" / "ray" / "jixiao.duckdb"), "ray")
    start = _run_phase("ray-start")
    print(f"\n{'engine':<36}{'seconds':>9}{'files/s':>9}{'loaded':>8}{'rejected':>9}")
    for label, run in (("local (processes, one per core)", local), ("ray (local cluster, one per core)", on_ray)):
        print(f"{label:<36}{run['seconds']:>9.1f}{run['seen'] / run['seconds']:>9.1f}"
              f"{run['new'] + run['changed']:>8}{run['rejected']:>9}")
    print(f"ray / local files/s: {local['seconds'] / on_ray['seconds']:.2f}; "
          f"of the Ray run, {start['seconds']:.1f} s is starting and stopping the cluster alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="submissions for the engines (default 1000)")
    parser.add_argument("--warehouse", type=int, default=50_000, help="submissions already loaded (default 50000)")
    parser.add_argument("--night", type=int, default=10, help="new files of the night (default 10)")
    parser.add_argument("--skip-engines", action="store_true")
    parser.add_argument("--skip-night", action="store_true")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # a child: run one phase and print its numbers
        name, *rest = args.phase
        result = phase_ray_start() if name == "ray-start" else phase_ingest(Path(rest[0]), Path(rest[1]), rest[2])
        print(json.dumps(result))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="jixiao-scale-"))
    print(f"working in {work}; {os.cpu_count()} cores")
    if not args.skip_engines:
        bench_engines(work, args.files)
    if not args.skip_night:
        bench_night(work, args.warehouse, args.night)


if __name__ == "__main__":
    main()
