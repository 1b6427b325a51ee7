"""Why the warehouse or the nightly run could not do its job: one class per reason.

Each carries a sentence an operator can act on; the CLI prints it as is. These are about the
run itself, not about one bad submission (those are ``extractors.errors`` and become rejects).
"""

from __future__ import annotations

from extractors.errors import JixiaoError


class WarehouseError(JixiaoError):
    """The warehouse could not be opened, upgraded, loaded or published."""

    error_code = "warehouse_error"


class WarehouseTooNew(WarehouseError):
    """The database was written by a newer jixiao than this one."""

    error_code = "warehouse_too_new"


class WarehouseNotFound(WarehouseError):
    """There is no warehouse file at the given path."""

    error_code = "warehouse_not_found"


class IngestAlreadyRunning(WarehouseError):
    """Another ingest holds the warehouse's lock."""

    error_code = "ingest_running"


class SourceDirNotFound(WarehouseError):
    """The folder to ingest does not exist or is not a folder."""

    error_code = "source_dir_not_found"


class ReaderStartFailed(WarehouseError):
    """The reader processes die before reading anything: the run cannot go on."""

    error_code = "reader_start_failed"


class ChecksFailed(WarehouseError):
    """A data check in sql/checks returned rows: the night is not published."""

    error_code = "checks_failed"

    def __init__(self, message: str, failures: dict[str, int]) -> None:
        super().__init__(message)
        self.failures = failures


class WarehouseDamaged(WarehouseError):
    """The published warehouse (or its contacts file) cannot be read: it is left as it is."""

    error_code = "warehouse_damaged"


class DiskFull(WarehouseError):
    """The disk holding the warehouse filled up during the run: nothing was published."""

    error_code = "disk_full"
