"""Readings shaped like contract/OUTPUT.md, built from the example form, and fake extractors.

The warehouse tests must not depend on the real reader: a "submission" here is a small JSON
file naming the department, year and overrides, and ``fake_extract`` turns it into a full
reading of the example form with that department's figures (or hangs, crashes, refuses).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import time
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from extractors import errors

FORMS = Path(__file__).parent / "fixtures" / "forms"
EXAMPLE_UNIT = "湛江经济技术开发区经济贸易和科技局"
SCHEMA = "jixiao.form/1"


@cache
def _example() -> tuple[dict[str, Any], str]:
    expected = json.loads((FORMS / "zetdz_jmkj_2023.expected.json").read_text(encoding="utf-8"))
    text = (FORMS / "zetdz_jmkj_2023.txt").read_text(encoding="utf-8")
    return expected, text


def _printed(entry: dict[str, Any]) -> str | None:
    value = entry.get("value")
    if value is None or isinstance(value, bool):
        return None
    if entry.get("unit"):
        return f"{value:g}{entry['unit']}" if isinstance(value, float) else f"{value}{entry['unit']}"
    return str(value)


def make_reading(
    unit_name: str = EXAMPLE_UNIT,
    year: int = 2023,
    fields: dict[str, Any] | None = None,
    facts: int | None = None,
    warnings: list[str] | None = None,
    path: str = "x.txt",
    sha256: str = "0" * 64,
) -> dict[str, Any]:
    """The example form's reading as another department/year would have it.

    ``fields`` overrides values (a bare value or a full entry dict); ``facts`` keeps only the
    first N facts. Spans are found in the text, so ``text[span] == item["text"]`` holds.
    """
    expected, text = _example()
    text = text.replace(EXAMPLE_UNIT, unit_name).replace("(2023年)", f"({year}年)")
    out_fields: dict[str, Any] = {}
    for key, raw in expected["fields"].items():
        out_fields[key] = copy.deepcopy(raw) if isinstance(raw, dict) else {"value": raw}
    out_fields["unit_name"] = {"value": unit_name}
    out_fields["year"] = {"value": year}
    for key, raw in (fields or {}).items():
        if isinstance(raw, dict):
            out_fields[key] = copy.deepcopy(raw)
        elif out_fields[key].get("unit") and raw is not None:
            entry = out_fields[key]
            out_fields[key] = {**entry, "value": raw, "value_std": raw * (10000 if entry["unit"] == "万元" else 1)}
        else:
            out_fields[key] = {"value": raw}
    for entry in out_fields.values():
        printed = _printed(entry)
        start = text.find(printed) if printed else -1
        if printed and start >= 0:
            entry.update(text=printed, span=[start, start + len(printed)], page=None)
    cursor = 0
    out_facts = []
    for fact in expected["facts"][: facts if facts is not None else None]:
        start = text.find(fact["text"], cursor)
        assert start >= 0, fact["text"]
        cursor = start + len(fact["text"])
        fact_id = hashlib.sha256(f"{sha256}:{start}".encode()).hexdigest()[:16]
        out_facts.append({
            **fact, "id": fact_id, "span": [start, cursor], "page": None, "bbox": None,
            "sentence": text[max(0, start - 10): cursor + 5],
        })
    tasks = []
    for task in expected["tasks"]:
        goal_at, outcome_at = text.find(task["goal"]), text.find(task["outcome"])
        tasks.append({
            **task,
            "goal_span": [goal_at, goal_at + len(task["goal"])] if goal_at >= 0 else None,
            "outcome_span": [outcome_at, outcome_at + len(task["outcome"])] if outcome_at >= 0 else None,
        })
    return {
        "schema": SCHEMA,
        "source": {"path": path, "sha256": sha256, "format": "txt", "pages": None},
        "text": text,
        "fields": out_fields,
        "tasks": tasks,
        "facts": out_facts,
        "checks": copy.deepcopy(expected["checks"]),
        "warnings": list(warnings or []),
    }


def write_submission(path: Path, **spec: Any) -> Path:
    """Write a fake submission file: a JSON spec ``fake_extract`` turns into a reading.

    Spec keys are ``make_reading``'s, plus ``action``: ``"hang"``, ``"hang_deaf"``, ``"crash"``, ``"raise"``,
    ``"sleep:SECONDS"``, ``"reject:CODE"`` or ``"bad_span"``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return path


_REJECTS = {cls.error_code: cls for cls in errors.JixiaoError.__subclasses__()}


def fake_extract(path: Path, *, sha256: str | None = None, max_bytes: int = 0) -> dict[str, Any]:
    """The extractor's signature over fake submission files (see ``write_submission``)."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    action = spec.pop("action", "")
    if action == "hang":
        time.sleep(3600)
    elif action == "hang_deaf":  # a hang no timer signal reaches, like a reader stuck in C code
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        time.sleep(3600)
    elif action == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif action.startswith("sleep:"):
        time.sleep(float(action.split(":", 1)[1]))
    elif action.startswith("reject:"):
        code = action.split(":", 1)[1]
        raise _REJECTS[code](f"the fake file asks to be refused with {code}")
    elif action == "raise":
        raise KeyError("boom")
    reading = make_reading(path=str(path), sha256=sha256 or "", **spec)
    if action == "bad_span":  # loads fine, but the span data check must catch it
        reading["facts"][0]["span"][0] += 1
    return reading


def slow_extract(path: Path, *, sha256: str | None = None, max_bytes: int = 0) -> dict[str, Any]:
    """``fake_extract`` taking a while per file, so that a run can be caught in the middle."""
    time.sleep(float(os.environ.get("JIXIAO_TEST_DELAY", "0.05")))
    return fake_extract(path, sha256=sha256, max_bytes=max_bytes)


def _unit_of(source: Path) -> str:
    stem = source.name.split(".")[0]
    expected = json.loads((source.parent / f"{stem}.expected.json").read_text(encoding="utf-8"))
    unit: str = expected["fields"]["unit_name"]
    return unit


def perturbed_copy(source: Path, dest: Path, k: int) -> Path:
    """A copy of a real fixture form whose bytes differ, still a readable form.

    Text and Word: the department's name gets the suffix ``k`` (a new department). PDF: a
    comment after ``%%EOF``, which readers ignore (a new version of the same department).
    """
    data = source.read_bytes()
    if source.suffix == ".txt":
        encoding = "gb18030" if "gb18030" in source.name else "utf-8"
        unit = _unit_of(source)
        dest.write_bytes(data.decode(encoding).replace(unit, f"{unit}{k}").encode(encoding))
    elif source.suffix == ".docx":
        unit = _unit_of(source).encode()
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                part = zin.read(info)
                if info.filename == "word/document.xml":
                    part = part.replace(unit, unit + str(k).encode())
                zout.writestr(info, part)
    else:
        dest.write_bytes(data + f"\n%copy {k}\n".encode())
    return dest


def form_sources(suffixes: tuple[str, ...] = (".txt", ".docx", ".pdf")) -> list[Path]:
    """The real fixture forms that have an expected reading beside them."""
    return [p for p in sorted(FORMS.iterdir())
            if p.suffix in suffixes and (FORMS / f"{p.name.split('.')[0]}.expected.json").exists()]


def copy_corpus(dest: Path, n: int, suffixes: tuple[str, ...] = (".txt", ".docx", ".pdf")) -> list[Path]:
    """``n`` submissions with distinct bytes made from the fixture forms, cycling through formats."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = form_sources(suffixes)
    return [
        perturbed_copy(source, dest / f"{i:05d}_{source.name}", i // len(sources) + 1)
        for i, source in ((i, sources[i % len(sources)]) for i in range(n))
    ]
