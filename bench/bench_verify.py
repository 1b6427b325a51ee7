"""`jixiao verify` speed: the threaded, streamed sweep against a plain serial loop, same run.

Writes N source files of SIZE MiB into a temporary warehouse's submissions (no reading: the
sweep only hashes), then times ``verify_sources`` and a serial ``hashlib`` loop over the same
files, each after one warm-up pass so both read from the page cache. Prints the ratio.

    .venv/bin/python bench/bench_verify.py [--files N] [--mib SIZE] [--threads T]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path

import duckdb

from pipeline.verify import verify_sources
from pipeline.warehouse import schema


def _warehouse(root: Path, files: int, mib: int) -> tuple[Path, list[Path]]:
    db = root / "jixiao.duckdb"
    con = schema.open_for_write(db)
    paths = []
    for i in range(files):
        path = root / f"source_{i:04d}.pdf"
        path.write_bytes(os.urandom(mib << 20))
        paths.append(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        con.execute("insert into submissions (submission_id, sha256, source_path, version, is_latest, run_id, "
                    "ingested_at, year) values (?, ?, ?, 1, true, 'bench', now(), 2023)",
                    [digest[:16], digest, str(path)])
    con.close()
    return db, paths


def _serial(paths: list[Path]) -> None:
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)


def _sweep(db: Path, threads: int | None) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        assert all(check.ok for check in verify_sources(con, threads=threads))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=48)
    parser.add_argument("--mib", type=int, default=4)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, paths = _warehouse(Path(tmp), args.files, args.mib)
        timings = {}
        for name, run in (("serial loop", lambda: _serial(paths)), ("verify_sources", lambda: _sweep(db, args.threads))):
            run()  # warm the page cache
            start = time.perf_counter()
            run()
            timings[name] = time.perf_counter() - start
        total = args.files * args.mib
        for name, seconds in timings.items():
            print(f"{name:15s} {seconds:7.3f} s  {total / seconds:8.1f} MiB/s")
        print(f"ratio serial / sweep: {timings['serial loop'] / timings['verify_sources']:.2f}x "
              f"({os.cpu_count()} cores, {args.files} files of {args.mib} MiB)")


if __name__ == "__main__":
    main()
