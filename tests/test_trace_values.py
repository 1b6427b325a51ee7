"""The value line of a trace: as printed, with its qualifier and range, plain decimals, CLI = page."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.batch import ingest
from pipeline.cli import cli
from pipeline.cli.trace import report_lines
from pipeline.trace import Trace, plain_number, qualified, submission_traces, trace
from pipeline.trace_html import trace_to_html

FORM = Path(__file__).parent / "fixtures" / "forms" / "zetdz_jmkj_2023.txt"
SCIENTIFIC = re.compile(r"\d[eE][+-]\d")  # 1e+10, 3.2e-05: never ids like 0e0a


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    shutil.copyfile(FORM, raw / FORM.name)
    db = tmp_path_factory.mktemp("w") / "jixiao.duckdb"
    assert ingest(raw, db, workers=0).new == 1
    return db


@pytest.fixture(scope="module")
def qualified_fact(warehouse: Path) -> Trace:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        fact_id = con.execute("select fact_id from facts where text = '约100多亿元'").fetchone()
        assert fact_id is not None
        return trace(con, fact_id[0])


@pytest.mark.parametrize(("value", "shown"), [
    (1e10, "10,000,000,000"), (3.2e8, "320,000,000"), (0.0025, "0.0025"), (12.5, "12.5"),
    (770.25, "770.25"), (100, "100"), (123456789.125, "123,456,789.125"), (1e20, "100,000,000,000,000,000,000"),
    (-2.0, "-2"), (1e-7, "0.0000001"),
])
def test_numbers_are_plain_decimals_with_separators(value: float, shown: str) -> None:
    assert plain_number(value) == shown


def test_qualifiers_and_ranges_read_as_words() -> None:
    assert qualified(100, None, "亿元", "over") == "100亿元以上"
    assert qualified(2.5, None, "万元", "under") == "2.5万元以下"
    assert qualified(12.5, None, "%", "about") == "约12.5%"
    assert qualified(3, 5, "亿元", None) == "3至5亿元"


def test_a_qualified_figure_shows_as_printed_then_as_read_never_e_plus(qualified_fact: Trace) -> None:
    t = qualified_fact
    assert (t.value, t.unit, t.approx, t.value_std) == (100, "亿元", "over", 1e10)
    assert t.shown_value() == "约100多亿元 → 100亿元以上 (= 10,000,000,000 元)"
    head = report_lines(t)[0]
    assert "约100多亿元 → 100亿元以上 (= 10,000,000,000 元)" in head and not SCIENTIFIC.search(head)


def test_a_range_shows_both_ends_in_both_units(qualified_fact: Trace) -> None:
    t = replace(qualified_fact, text="3至5亿元", value=3.0, value_max=5.0, approx=None, value_std=3e8)
    assert t.shown_value() == "3至5亿元 (= 300,000,000–500,000,000 元)"
    exact = replace(qualified_fact, text="770.25亿元", value=770.25, approx=None, value_std=77025000000.0)
    assert exact.shown_value() == "770.25亿元 (= 77,025,000,000 元)"


def test_cli_and_page_show_the_same_value_line(warehouse: Path, qualified_fact: Trace, tmp_path: Path) -> None:
    page = tmp_path / "t.html"
    result = CliRunner().invoke(cli, ["trace", qualified_fact.id, "--db", str(warehouse), "--html", str(page)])
    assert result.exit_code == 0, result.output
    line = qualified_fact.shown_value()
    assert line in result.output and line in page.read_text(encoding="utf-8")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        every = submission_traces(con, qualified_fact.submission_id)
        html = trace_to_html(con, qualified_fact)
    for t in every:  # every figure of the form, in both places, without scientific notation
        assert not SCIENTIFIC.search(t.shown_value()), t.shown_value()
        assert t.shown_value() in html or "&" in t.shown_value()
    assert not SCIENTIFIC.search(re.sub(r"data:[^\"]+|<[^>]+>", "", html))


def test_a_bad_html_path_is_one_sentence_after_the_trace(warehouse: Path, qualified_fact: Trace) -> None:
    result = CliRunner().invoke(cli, ["trace", qualified_fact.id, "--db", str(warehouse),
                                      "--html", "/no/such/dir/x.html"])
    assert result.exit_code == 1
    assert qualified_fact.shown_value() in result.stdout  # the trace itself is still printed
    assert result.stderr.count("\n") == 1 and "/no/such/dir/x.html" in result.stderr
    assert "No such file or directory" in result.stderr and "unexpected" not in result.stderr
    assert "Traceback" not in result.output
