"""`jixiao export PATH`: the views as an Excel workbook, or every view and table as Parquet or CSV."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from extractors.errors import JixiaoError
from pipeline.cli.options import db_option, fail, open_warehouse
from pipeline.export.csv import write_csv
from pipeline.export.objects import export_objects
from pipeline.export.parquet import write_parquet

FORMATS = ("xlsx", "parquet", "csv")


@click.command(name="export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="xlsx (the default for a PATH ending in .xlsx): one workbook; parquet or csv: PATH is a "
                   "folder, one file per view and table.")
@click.option("--year", type=int, default=None, help="Only this year's rows (and charts).")
@db_option("The warehouse file to export from")
def command(path: Path, fmt: str | None, year: int | None, db: Path) -> None:
    """Write the analysts' views for people who do not write SQL.

    \b
    xlsx: one sheet per view with Chinese headers (units in brackets), numbers as numbers
      (元 with thousands separators, rates as percent), the header row frozen and filters on,
      a 说明 sheet naming every column (Chinese label, column, unit, meaning) and a 图表 sheet
      of native Excel charts: 三公经费 and 公用经费 control rates by department, disclosure,
      the metrics most departments report.
    parquet / csv: PATH is a folder; one file per view and table, named after it
      (v_departments.parquet). CSV is UTF-8 with a BOM so Excel opens it, booleans 是/否,
      headers the column names (labels.csv gives their Chinese names).

    \b
    Examples:
      jixiao export 绩效.xlsx --year 2023
      jixiao export out/ --format parquet
    Every column is described in docs/reference/warehouse.md.
    """
    if fmt is None:
        if path.suffix.lower() != ".xlsx":
            raise click.UsageError("给出 --format parquet 或 csv（PATH 是文件夹）。 "
                                   "give --format parquet or csv for a folder, or a PATH ending in .xlsx")
        fmt = "xlsx"
    con = open_warehouse("export", db)
    try:
        if fmt == "xlsx":
            # XlsxWriter only when a workbook is asked for
            from pipeline.export.xlsx import write_xlsx

            views = export_objects(con, tables=False)
            notes = [("导出时间", datetime.now().isoformat(timespec="seconds")), ("数据仓库", str(db)),
                     ("年度", str(year) if year is not None else "全部 all")]
            write_xlsx(con, views, path, year, notes)
            click.echo(f"已写入 wrote {path}: {len(views)} 个视图 views" + (f", {year} 年" if year else ""))
            return
        objects = export_objects(con)
        writer = write_parquet if fmt == "parquet" else write_csv
        written = writer(con, objects, path, year)
        click.echo(f"已写入 wrote {len(written)} 个文件 files to {path}/")
    except JixiaoError as exc:
        fail("export", exc.message)
    except OSError as exc:
        fail("export", f"无法写入导出文件。 cannot write {path}: {exc.strerror or exc}")
    finally:
        con.close()
