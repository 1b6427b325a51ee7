"""The user reference pages made from the code itself, so they cannot drift from it.

``warehouse_markdown`` lists every table and view with its columns (from ``sql/labels``) and
``errors_markdown`` every error code with its Chinese sentence, ``commands_markdown`` every
command's --help. Regenerate with ``python -m pipeline.warehouse.reference`` (writes
docs/reference/warehouse.md, errors.md and commands.md);
a test fails when the committed pages differ.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from extractors.errors import ERROR_CODES, JixiaoError
from pipeline.warehouse.contacts import CONTACT_COLUMNS
from pipeline.warehouse.labels import labels_of
from pipeline.warehouse.schema import SQL_DIR, open_for_write, sql_files

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference"

TABLES = {
    "submissions": "one row per file version ingested; `is_latest` marks the version in force for a department and year",
    "fields": "one row per field of a submission (every key of fields.md but the personal ones), the value in the column its type names",
    "contacts": "the personal fields, kept apart from everything analysts read",
    "tasks": "one row per numbered task: the goal and the same-numbered outcome",
    "facts": "one row per figure read from free text (facts.md)",
    "documents": "the document text every span points into, personal values blotted out",
    "checks": "one row per consistency rule applied to a submission",
    "warnings": "one row per doubt met while reading (the form loaded; check it by hand)",
    "runs": "one row per completed nightly run",
    "rejects": "one row per file refused in a run, with its error code and sentence (errors.md)",
    "labels": "the Chinese label, unit and meaning of every column of every view and table (this page)",
    "search_passages": "the word index of `jixiao search`: one row per task goal, outcome or free-text field",
    "search_words": "the word index of `jixiao search`: one row per word of a passage, as jieba cut it",
    "schema_migrations": "the schema versions applied to this warehouse",
}


def _view_description(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.lstrip("- ").strip())
    return " ".join(lines)


def _columns_table(con: object, name: str) -> list[str]:
    labels = labels_of(con, name)  # type: ignore[arg-type]
    columns = [r[0] for r in con.execute(f"describe {name}").fetchall()]  # type: ignore[attr-defined]
    lines = ["| column | 中文名 | unit | meaning |", "|---|---|---|---|"]
    for column in columns:
        label = labels.get(column)
        lines.append(f"| `{column}` | {label.label_zh if label else ''} | {(label.unit or '') if label else ''} | "
                     f"{(label.description or '') if label else ''} |")
    return lines


def _contacts_file(con: object) -> list[str]:
    """The personal fields' own file: the ``contacts`` table, with its labels, beside the warehouse."""
    labels = labels_of(con, "contacts")  # type: ignore[arg-type]
    lines = ["## The contacts file", "",
             "`jixiao.contacts.duckdb` beside `jixiao.duckdb` (mode 0600, the operator's alone), written in",
             "the same night's publish step: table `contacts` (below) and `night` (the run that wrote it).",
             "The analysts' warehouse holds no personal value.", "",
             "| column | 中文名 | unit | meaning |", "|---|---|---|---|"]
    for column in CONTACT_COLUMNS:
        label = labels.get(column)
        lines.append(f"| `{column}` | {label.label_zh if label else ''} | | {(label.description or '') if label else ''} |")
    return [*lines, ""]


def warehouse_markdown() -> str:
    """docs/reference/warehouse.md: every table and view of a fresh warehouse with its columns."""
    out = [
        "# The warehouse: every table and view",
        "",
        "<!-- made by `python -m pipeline.warehouse.reference` from sql/labels/*.csv and sql/views/*.sql -->",
        "",
        "One DuckDB file (default `data/warehouse/jixiao.duckdb`; `--db` or `JIXIAO_DB` name another).",
        "Open it read-only (`jixiao sql`, `duckdb -readonly`, Python, Jupyter): the nightly run replaces",
        "it as a whole. Money is in 元 (`*_yuan`, `value_std` with `unit_std` 元), rates in percent",
        "(53 means 53 %). The views show the latest version of each department's form unless named",
        "otherwise. The Chinese names below are the `labels` table, the headers `jixiao export` writes.",
        "",
        "## Views",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        con = open_for_write(Path(tmp) / "w.duckdb")
        try:
            for view in sql_files("views", SQL_DIR):
                out += [f"### `{view.name}`", "", _view_description(view.sql), "", *_columns_table(con, view.name), ""]
            out += ["## Tables", ""]
            names = [r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1"
            ).fetchall()]
            for name in names:
                out += [f"### `{name}`", "", TABLES.get(name, ""), "", *_columns_table(con, name), ""]
            out += _contacts_file(con)
        finally:
            con.close()
    return "\n".join(out).rstrip() + "\n"


def _classes(root: type[JixiaoError] = JixiaoError) -> list[type[JixiaoError]]:
    return [root] + [c for sub in root.__subclasses__() for c in _classes(sub)]


def errors_markdown() -> str:
    """docs/reference/errors.md: every error code, its Chinese sentence and what it means."""
    import pipeline.export.xlsx  # noqa: F401  (their error classes join the list)
    import pipeline.search.query  # noqa: F401
    import pipeline.trace  # noqa: F401
    import pipeline.warehouse.errors  # noqa: F401

    def row(cls: type[JixiaoError]) -> str:
        meaning = " ".join((cls.__doc__ or "").split()).replace("``", "`")
        return f"| `{cls.error_code}` | {cls.sentence_zh} | {meaning} |"

    refusals = {c.error_code: c for c in JixiaoError.__subclasses__() if c.error_code in ERROR_CODES}
    others = sorted({c.error_code: c for c in _classes()[1:] if c.error_code not in ERROR_CODES}.values(),
                    key=lambda c: (c.__module__, c.error_code))
    out = [
        "# Error codes",
        "",
        "<!-- made by `python -m pipeline.warehouse.reference` from extractors/errors.py and the error classes -->",
        "",
        "Every message a clerk acts on is the code's Chinese sentence, then the English details",
        "(`encrypted: 文件设有密码，请去掉密码后重新提交。 the PDF is locked with a password`).",
        "The codes are stable: filter on them (`select * from rejects where error_code = 'encrypted'`).",
        "",
        "## A file refused (a row in `rejects`; the rest of the night loads)",
        "",
        "| code | 中文 | what it means |",
        "|---|---|---|",
        *[row(refusals[code]) for code in ERROR_CODES if code in refusals],
        "",
        "A form that is read but has doubtful parts is not refused: it loads, and each doubt is a",
        "row in `warnings`.",
        "",
        "## A command that cannot do its job (one sentence on stderr, a non-zero exit code)",
        "",
        "| code | 中文 | what it means |",
        "|---|---|---|",
        *[row(cls) for cls in others],
        "",
        "`jixiao ingest` exits 1 when the run could not complete (nothing is published: the warehouse",
        "stays as the previous night left it); `jixiao trace` exits 3 when the file changed or went",
        "missing; every command exits 2 on a mistyped option.",
    ]
    return "\n".join(out) + "\n"


def commands_markdown() -> str:
    """docs/reference/commands.md: the --help of jixiao and of every command, as printed."""
    import click

    from pipeline.cli import cli

    out = [
        "# Commands",
        "",
        "<!-- made by `python -m pipeline.warehouse.reference` from the commands' own --help -->",
        "",
        "Installed as `.venv/bin/jixiao` by `pip install -e .` (or `jixiao` once the venv is activated:",
        "`. .venv/bin/activate`). Every command prints this with `--help`. Errors are one sentence on",
        "stderr, Chinese first ([errors.md](errors.md)); `--debug` before the command shows tracebacks.",
        "",
    ]
    # the group's own context settings (-h), as when jixiao runs: click caches the help option
    context = click.Context(cli, info_name="jixiao", terminal_width=100, max_content_width=100,
                            **cli.context_settings)
    out += ["## `jixiao`", "", "```text", cli.get_help(context).rstrip(), "```", ""]
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None
        sub = click.Context(command, info_name=name, parent=context, terminal_width=100,
                            max_content_width=100)
        out += [f"## `jixiao {name}`", "", "```text", command.get_help(sub).rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


PAGES = {"warehouse.md": warehouse_markdown, "errors.md": errors_markdown, "commands.md": commands_markdown}


def main() -> None:
    """Write the generated reference pages."""
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, make in PAGES.items():
        (DOCS / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
