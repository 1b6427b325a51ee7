"""Every kind of broken submission gets its stable error code and a sentence (contract/ERRORS.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from extractors.errors import ERROR_CODES, JixiaoError
from pipeline.extract import DEFAULT_MAX_BYTES, extract_file

BAD = Path(__file__).parent / "fixtures" / "bad"
FORMS = Path(__file__).parent / "fixtures" / "forms"
MANIFEST: list[dict[str, Any]] = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
# the time limit is the batch's to enforce (worker processes); see the batch tests
READ_CASES = [case for case in MANIFEST if "with_timeout_seconds" not in case]


def test_every_error_code_has_a_fixture() -> None:
    covered = {case["code"] for case in MANIFEST}
    # internal_error is, by definition, whatever no fixture foresaw: tested by injection below
    assert covered == set(ERROR_CODES) - {"internal_error"}


@pytest.mark.parametrize("case", READ_CASES, ids=lambda c: f"{c['file']}-{c['code']}")
def test_bad_file_gets_its_code(case: dict[str, Any]) -> None:
    limit = case.get("with_max_bytes", DEFAULT_MAX_BYTES)
    with pytest.raises(JixiaoError) as raised:
        extract_file(BAD / case["file"], max_bytes=limit)
    assert raised.value.error_code == case["code"]
    assert raised.value.message and "\n" not in raised.value.message


def test_unexpected_failure_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.extract as extract

    def explode(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(extract, "document_to_form", explode)
    with pytest.raises(JixiaoError) as raised:
        extract.extract_file(FORMS / "zetdz_jmkj_2023.txt")
    assert raised.value.error_code == "internal_error"
    assert "ZeroDivisionError" in raised.value.message


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def test_extract_good_bad_good_prints_two_readings_and_one_error() -> None:
    good = FORMS / "zetdz_jmkj_2023.txt"
    other = FORMS / "hsjd_2023.official.docx"
    result = run_cli("extract", str(good), str(BAD / "truncated.pdf"), str(other))
    assert result.returncode != 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["fields"]["unit_name"]["value"] == "湛江经济技术开发区经济贸易和科技局"
    assert lines[1]["error"]["code"] == "corrupt_file"
    assert lines[2]["source"]["format"] == "docx"
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_extract_one_bad_file_is_one_sentence_and_no_json() -> None:
    result = run_cli("extract", str(BAD / "encrypted.pdf"))
    assert result.returncode != 0
    assert result.stdout == ""
    assert "encrypted" in result.stderr and "Traceback" not in result.stderr


def test_extract_one_file_prints_one_object() -> None:
    result = run_cli("extract", str(FORMS / "zetdz_jmkj_2023.txt"))
    assert result.returncode == 0
    reading = json.loads(result.stdout)
    assert reading["schema"] == "jixiao.form/1"
    assert reading["source"]["sha256"] and reading["source"]["format"] == "text"


def test_wrong_format_says_what_the_file_really_is() -> None:
    with pytest.raises(JixiaoError) as raised:
        extract_file(BAD / "docx_named.pdf")
    assert "Word .docx" in raised.value.message and "expected a PDF" in raised.value.message
    with pytest.raises(JixiaoError) as raised:
        extract_file(BAD / "png_named.pdf")
    assert "PNG image" in raised.value.message
