"""Damaged copies of good submissions are refused with a proper code, never an internal error."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.document import Source
from extractors.errors import ERROR_CODES, JixiaoError
from extractors.text import read_text
from pipeline.extract import extract_file

FORMS = Path(__file__).parent / "fixtures" / "forms"
SOURCES = sorted(p for p in FORMS.iterdir() if not p.name.endswith(".json"))


def damaged(data: bytes, rng: random.Random) -> bytes:
    """Flip some bytes, cut the file short, or splice in random bytes."""
    out = bytearray(data)
    mode = rng.choice(["flip", "truncate", "splice"])
    if mode == "flip":
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif mode == "truncate":
        del out[rng.randrange(1, len(out)):]
    else:
        at = rng.randrange(len(out))
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    return bytes(out)


@pytest.mark.parametrize("seed", range(8))
def test_damaged_files_get_a_refusal_code_never_internal_error(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for index in range(12):
        source = rng.choice(SOURCES)
        path = tmp_path / f"damaged{index}{source.suffix}"
        path.write_bytes(damaged(source.read_bytes(), rng))
        try:
            reading = extract_file(path)
        except JixiaoError as exc:
            assert exc.error_code in ERROR_CODES and exc.error_code != "internal_error", (source.name, exc.message)
        else:
            assert reading["schema"] == "jixiao.form/1"


def test_utf8_with_a_damaged_byte_reads_with_a_warning() -> None:
    data = bytearray((FORMS / "zetdz_jmkj_2023.txt").read_bytes())
    at = data.index("湛江".encode())
    data[at + 1] = 0xFF  # breaks one character of the unit name
    reading = read_text(bytes(data), Source("memory", "0" * 64, "text"))
    assert "\ufffd" in reading.text and "地区生产总值770.25亿元" in reading.text
    assert any("damaged bytes" in warning for warning in reading.warnings)


def test_gb18030_text_is_not_mistaken_for_damaged_utf8() -> None:
    data = (FORMS / "zetdz_jmkj_2023.txt").read_text(encoding="utf-8").encode("gb18030")
    reading = read_text(data, Source("memory", "0" * 64, "text"))
    assert "\ufffd" not in reading.text and reading.warnings == []
