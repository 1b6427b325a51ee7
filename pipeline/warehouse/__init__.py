"""The DuckDB warehouse of contract/WAREHOUSE.md: schema, loading, publishing.

``schema`` applies the numbered migrations and the analyst views, ``load`` turns one reading
into rows in one transaction, ``publish`` builds a night in a working copy and swaps it in.
"""

from __future__ import annotations

from pipeline.warehouse.errors import (
    ChecksFailed,
    EngineUnavailable,
    IngestAlreadyRunning,
    ReaderStartFailed,
    SourceDirNotFound,
    WarehouseError,
    WarehouseNotFound,
    WarehouseTooNew,
)

DEFAULT_DB = "data/warehouse/jixiao.duckdb"

__all__ = [
    "DEFAULT_DB",
    "ChecksFailed",
    "EngineUnavailable",
    "IngestAlreadyRunning",
    "ReaderStartFailed",
    "SourceDirNotFound",
    "WarehouseError",
    "WarehouseNotFound",
    "WarehouseTooNew",
]
