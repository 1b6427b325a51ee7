"""Refusals across nights: counted every night, listed until fixed, each path its own reason."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import fake_extract, write_submission

from extractors.sniff import sniff
from pipeline.batch import ingest
from pipeline.cli.ingest import report_lines
from pipeline.extract import extract_file, sha256_file
from pipeline.privacy import CONTACT_KEYS, mask_personal

BAD = Path(__file__).parent / "fixtures" / "bad"


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _not_read(path: Path, **_: Any) -> dict[str, Any]:
    raise AssertionError(f"{path} was read again")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "jixiao.duckdb"


def _night_with_three_broken(raw: Path) -> list[Path]:
    write_submission(raw / "good.txt")
    return [write_submission(raw / f"broken_{code}.txt", action=f"reject:{code}")
            for code in ("corrupt_file", "not_a_form", "wrong_format")]


def test_two_nights_with_the_same_three_broken_files_count_and_list_three(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    broken = _night_with_three_broken(raw)
    first = ingest(raw, db, workers=0, extractor=fake_extract)
    second = ingest(raw, db, workers=0, extractor=_not_read)  # nothing is read again

    assert len(first.rejects) == len(second.rejects) == 3 and second.known_rejects == 3
    assert query(db, "select files_rejected, files_unchanged from runs where run_id = ?", second.run_id) == [(3, 1)]
    assert query(db, "select files_rejected from runs where run_id = ?", first.run_id) == [(3,)]
    open_rejects = query(db, "select source_path, sha256, error_code, first_run_id, last_run_id, nights_refused "
                             "from v_open_rejects order by source_path")
    assert open_rejects == [
        (str(p), sha256_file(p), p.stem.removeprefix("broken_"), first.run_id, second.run_id, 2) for p in broken]
    # each night's reason is the one the file got when it was read
    messages = query(db, "select source_path, count(distinct message), count(*) from rejects group by 1")
    assert sorted(messages) == sorted((str(p), 1, 2) for p in broken)
    lines = report_lines(second)
    assert any(line.split()[-2:] == ["rejected", "3"] for line in lines)
    assert sum("refused 2 nights" in line for line in lines) == 3


def test_a_fixed_or_removed_file_leaves_v_open_rejects(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    fixed, removed, kept = _night_with_three_broken(raw)
    first = ingest(raw, db, workers=0, extractor=fake_extract)
    write_submission(fixed, unit_name="修好了的单位")  # new bytes: read and loaded
    removed.unlink()
    third = ingest(raw, db, workers=0, extractor=fake_extract)
    assert (third.new, [r.path for r in third.rejects]) == (1, [str(kept)])
    assert query(db, "select source_path, nights_refused from v_open_rejects") == [(str(kept), 2)]
    # broken again after it loaded: a new streak, counted from the night it broke
    write_submission(fixed, action="reject:corrupt_file")
    fourth = ingest(raw, db, workers=0, extractor=fake_extract)
    assert sorted(query(db, "select source_path, first_run_id, nights_refused from v_open_rejects")) == sorted(
        [(str(kept), first.run_id, 3), (str(fixed), fourth.run_id, 1)])


def test_a_file_refused_for_a_machine_fault_is_read_again(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "boom.txt", action="raise")
    ingest(raw, db, workers=0, extractor=fake_extract)
    again = ingest(raw, db, workers=0, extractor=fake_extract)
    assert again.known_rejects == 0 and [r.error_code for r in again.rejects] == ["internal_error"]
    assert query(db, "select nights_refused from v_open_rejects") == [(2,)]


# --- the same bytes under two names --------------------------------------------------------------

def _renamed_doc(raw: Path) -> tuple[Path, Path]:
    raw.mkdir(parents=True, exist_ok=True)
    doc = Path(shutil.copy(BAD / "legacy.doc", raw / "原件.doc"))
    renamed = Path(shutil.copy(BAD / "legacy.doc", raw / "改名的.docx"))
    return doc, renamed


@pytest.mark.parametrize("renamed_first", [False, True])
def test_identical_bytes_under_two_names_get_each_its_own_reason(
    tmp_path: Path, db: Path, renamed_first: bool
) -> None:
    raw = tmp_path / "raw"
    doc, renamed = _renamed_doc(raw)
    first, second = (renamed, doc) if renamed_first else (doc, renamed)
    os.utime(first, ns=(10**18, 10**18))  # the scan reads oldest first
    os.utime(second, ns=(2 * 10**18, 2 * 10**18))
    for night in range(2):  # the first night reads both, the second carries each its own reason
        report = ingest(raw, db, workers=0)
        reasons = {Path(r.path).name: (r.error_code, r.message) for r in report.rejects}
        assert reasons["原件.doc"][0] == "unsupported_format", night
        assert "legacy Word (.doc)" in reasons["原件.doc"][1]
        assert reasons["改名的.docx"][0] == "wrong_format", night
        assert "named .docx" in reasons["改名的.docx"][1] and "Word 97-2003" in reasons["改名的.docx"][1]
    assert report.known_rejects == 2
    assert sorted(query(db, "select source_path, error_code from v_open_rejects")) == sorted(
        [(str(doc), "unsupported_format"), (str(renamed), "wrong_format")])


def test_random_bytes_named_pdf_or_txt_are_never_called_plain_text(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    # the worst case for a NUL-byte test: random bytes without any NUL
    noise = bytes(b for b in os.urandom(8192) if b)[:4096]
    (raw / "noise.pdf").write_bytes(noise)
    (raw / "noise.txt").write_bytes(noise)
    report = ingest(raw, db, workers=0)
    reasons = {Path(r.path).name: (r.error_code, r.message) for r in report.rejects}
    assert reasons["noise.pdf"][0] == reasons["noise.txt"][0] == "wrong_format"
    assert all("plain text" not in message.split(";")[0] for _, message in reasons.values())
    assert "unknown binary type; expected a PDF" in reasons["noise.pdf"][1]
    assert "expected plain text" in reasons["noise.txt"][1]


def test_sniff_tells_random_bytes_from_text_in_every_encoding() -> None:
    text = "部门整体支出绩效自评基础数据表\n联系电话：0759-1234567\t金额（万元）\n" * 20
    for encoding in ("utf-8", "gb18030", "utf-16"):
        assert sniff(text.encode(encoding)[:2048]) == "text", encoding
    assert sniff("Ölpreis café naïve\r\n".encode("latin-1") * 50) == "text"
    for _ in range(200):
        assert sniff(bytes(b for b in os.urandom(4096) if b)[:2048]) == "unknown"


def test_sniff_wants_utf16_text_after_a_byte_order_mark() -> None:
    text = "部门整体支出绩效自评基础数据表\n联系电话：0759-1234567\t金额（万元）\n😀" * 40
    for encoding in ("utf-16-le", "utf-16-be"):
        bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
        encoded = bom + text.encode(encoding)
        for cut in range(2030, 2049):  # the head may end inside a character or a surrogate pair
            assert sniff(encoded[:cut]) == "text", (encoding, cut)
    # random bytes that happen to start with a byte order mark (once in ~30,000 files):
    # this one, from a seeded generator, was taken for UTF-16 text before
    noise = random.Random(0)
    for _ in range(1464):
        noise.randbytes(4096)
    head = bytes(b for b in noise.randbytes(4096) if b)[:2048]
    assert head.startswith(b"\xff\xfe")
    assert sniff(head) == "unknown"
    for bom in (b"\xff\xfe", b"\xfe\xff"):
        assert sniff(bom + os.urandom(2046)) == "unknown"


# --- a source file rewritten while it is read ----------------------------------------------------

FORM = Path(__file__).parent / "fixtures" / "forms" / "hsjd_2023.utf8.txt"
OTHER_FORM = Path(__file__).parent / "fixtures" / "forms" / "ljq_jtj_2023.gb18030.txt"


def _rewrite_then_read(path: Path, **options: Any) -> dict[str, Any]:
    """The reader, after someone overwrote the file between the scan and the reading."""
    path.write_bytes(OTHER_FORM.read_bytes())
    return extract_file(path, **options)


def test_a_file_rewritten_after_the_scan_is_loaded_with_the_sha256_of_what_was_read(
    tmp_path: Path, db: Path
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = Path(shutil.copy(FORM, raw / "form.txt"))
    scanned = sha256_file(path)
    report = ingest(raw, db, workers=0, extractor=_rewrite_then_read)
    assert report.new == 1
    now = sha256_file(path)
    assert now != scanned
    reading = extract_file(path)
    assert query(db, "select sha256 from submissions") == [(now,)]
    masked = mask_personal(reading["text"], [reading["fields"][key]["value"] for key in CONTACT_KEYS])
    assert query(db, "select text from documents") == [(masked,)]
    assert query(db, "select unit_name from submissions") == [(reading["fields"]["unit_name"]["value"],)]


def test_a_file_changing_during_the_read_is_refused_with_a_reason(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = Path(shutil.copy(FORM, raw / "form.txt"))
    real_read_bytes = Path.read_bytes

    def read_while_written(self: Path) -> bytes:
        data = real_read_bytes(self)
        with self.open("ab") as handle:  # a writer appends while the reader reads
            handle.write("\n追加的内容".encode())
        return data

    monkeypatch.setattr(Path, "read_bytes", read_while_written)
    report = ingest(raw, db, workers=0)
    assert [(r.error_code, r.path) for r in report.rejects] == [("corrupt_file", str(path))]
    assert "changed while it was being read" in report.rejects[0].message
    assert query(db, "select count(*) from submissions") == [(0,)]
