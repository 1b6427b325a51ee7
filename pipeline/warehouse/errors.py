"""Why the warehouse or the nightly run could not do its job: one class per reason.

Each carries a sentence an operator can act on; the CLI prints it as is. These are about the
run itself, not about one bad submission (those are ``extractors.errors`` and become rejects).
"""

from __future__ import annotations


class WarehouseError(Exception):
    """The warehouse could not be opened, upgraded, loaded or published."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WarehouseTooNew(WarehouseError):
    """The database was written by a newer jixiao than this one."""


class WarehouseNotFound(WarehouseError):
    """There is no warehouse file at the given path."""


class IngestAlreadyRunning(WarehouseError):
    """Another ingest holds the warehouse's lock."""


class SourceDirNotFound(WarehouseError):
    """The folder to ingest does not exist or is not a folder."""


class ReaderStartFailed(WarehouseError):
    """The reader processes die before reading anything: the run cannot go on."""


class ChecksFailed(WarehouseError):
    """A data check in sql/checks returned rows: the night is not published."""

    def __init__(self, message: str, failures: dict[str, int]) -> None:
        super().__init__(message)
        self.failures = failures
