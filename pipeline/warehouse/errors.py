"""Why the warehouse or the nightly run could not do its job: one class per reason.

Each carries a sentence an operator can act on; the CLI prints it as is. These are about the
run itself, not about one bad submission (those are ``extractors.errors`` and become rejects).
"""

from __future__ import annotations

from extractors.errors import JixiaoError


class WarehouseError(JixiaoError):
    """The warehouse could not be opened, upgraded, loaded or published."""

    error_code = "warehouse_error"
    sentence_zh = "数据仓库无法打开、升级、写入或发布。"


class WarehouseTooNew(WarehouseError):
    """The database was written by a newer jixiao than this one."""

    error_code = "warehouse_too_new"
    sentence_zh = "数据仓库由更新版本的 jixiao 写入，请先升级 jixiao。"


class WarehouseNotFound(WarehouseError):
    """There is no warehouse file at the given path."""

    error_code = "warehouse_not_found"
    sentence_zh = "找不到数据仓库：请先运行 jixiao ingest，或用 --db（或环境变量 JIXIAO_DB）指定。"


class IngestAlreadyRunning(WarehouseError):
    """Another ingest holds the warehouse's lock."""

    error_code = "ingest_running"
    sentence_zh = "另一次导入正在写这个数据仓库，请等它结束后再运行。"


class SourceDirNotFound(WarehouseError):
    """The folder to ingest does not exist or is not a folder."""

    error_code = "source_dir_not_found"
    sentence_zh = "找不到要导入的文件夹，请给出存放报送文件的文件夹。"


class ReaderStartFailed(WarehouseError):
    """The reader processes die before reading anything: the run cannot go on."""

    error_code = "reader_start_failed"
    sentence_zh = "读取进程无法启动，本次导入未能进行。"


class ChecksFailed(WarehouseError):
    """A data check in sql/checks returned rows: the night is not published."""

    error_code = "checks_failed"
    sentence_zh = "数据检查未通过，本次导入未发布，数据仓库保持上一次的状态。"

    def __init__(self, message: str, failures: dict[str, int]) -> None:
        super().__init__(message)
        self.failures = failures


class WarehouseDamaged(WarehouseError):
    """The published warehouse (or its contacts file) cannot be read: it is left as it is."""

    error_code = "warehouse_damaged"
    sentence_zh = "数据仓库文件（或其联系人文件）已损坏，无法读取，未作任何改动；请从备份恢复后重新运行。"


class DiskFull(WarehouseError):
    """The disk holding the warehouse filled up during the run: nothing was published."""

    error_code = "disk_full"
    sentence_zh = "存放数据仓库的磁盘已满，本次导入未发布，数据仓库保持上一次的状态。"
