"""Validate tests/figures/labelled.jsonl (stdlib only).

Usage:  python tests/figures/check_labelled.py [path]

Checks: JSON, unique ids, known domains, spans (sentence[start:start+len(text)] == text),
facts sorted and not overlapping, figure boundaries, allowed kinds/approx/basis,
value_std/unit_std recomputed with decimal arithmetic, value (and value_max) re-read
from the text with an independent numeral reader, sign of changes, qualifier words
against approx. Prints coverage counts; exit status 1 if anything fails.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "labelled.jsonl"

DOMAINS = (
    "economy",
    "education",
    "health",
    "agriculture",
    "environment",
    "transport",
    "social",
    "streets",
    "finance",
    "science",
    "culture",
    "safety",
)
KINDS = ("amount", "count", "percent", "change", "rank", "quantity")
APPROX = (None, "about", "over", "under")
BASIS = (None, "yoy", "mom", "vs_plan")
FACT_KEYS = (
    "text",
    "start",
    "kind",
    "value",
    "unit",
    "value_std",
    "unit_std",
    "approx",
    "basis",
    "metric",
)
OPTIONAL_KEYS = ("value_max", "previous", "total")

MONEY = {
    "元": 1,
    "千元": 10**3,
    "万元": 10**4,
    "百万元": 10**6,
    "亿元": 10**8,
    "万亿元": 10**12,
}
FOREIGN = ("美元", "欧元", "港元", "日元", "英镑")
SCALE = {"": 1, "千": 10**3, "万": 10**4, "亿": 10**8}


# ---------------------------------------------------------------- standardising
def std_of(kind: str, value: Decimal, unit: str | None) -> tuple[Decimal, str | None]:
    """value_std and unit_std for a fact, exact decimal arithmetic (FACTS.md rules)."""
    if unit is None:
        return value, None
    if unit in ("%", "％"):
        return value, "%"
    if unit == "个百分点":
        return value, "pp"
    if unit == "倍":
        return value, "x"
    if unit == "成":  # convention of this set: 三成 = 30 %
        return value * 10, "%"
    if unit in MONEY:
        return value * MONEY[unit], "元"
    for cur in FOREIGN:
        if unit.endswith(cur) and unit[: -len(cur)] in SCALE:
            return value * SCALE[unit[: -len(cur)]], cur
    if unit.startswith("万亿") and len(unit) > 2:
        return value * 10**12, unit[2:]
    if unit[0] in "万亿" and len(unit) > 1:
        return value * SCALE[unit[0]], unit[1:]
    return value, unit


def to_json_number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


# ---------------------------------------------------------------- numeral reader
CN_DIGIT = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10**4, "亿": 10**8}
RUN_RE = re.compile(r"[0-9.零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿]+")
TOKEN_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|.")


def _parse_run(run: str) -> tuple[Decimal | None, str]:
    """'3万4000' -> (34000, ''); '1.36万' -> (1.36, '万'); '三千四百万' -> (3400, '万')."""
    trailing = ""
    while run and run[-1] in CN_BIG:
        trailing = run[-1] + trailing
        run = run[:-1]
    if not run:
        return None, trailing
    total = Decimal(0)
    section = Decimal(0)
    cur: Decimal | None = None
    for tok in TOKEN_RE.findall(run):
        if tok[0].isdigit():
            cur = Decimal(tok)
        elif tok in CN_DIGIT:
            cur = Decimal(CN_DIGIT[tok])
        elif tok in CN_SMALL:
            section += (cur if cur is not None else Decimal(1)) * CN_SMALL[tok]
            cur = None
        elif tok in CN_BIG:
            section += cur or 0
            total += section * CN_BIG[tok]
            section = Decimal(0)
            cur = None
        else:
            raise ValueError(f"unexpected {tok!r} in {run!r}")
    section += cur or 0
    return total + section, trailing


def read_numbers(text: str) -> list[tuple[Decimal, str]]:
    """All numbers written in a fact's text, as (value, trailing 万/亿 that belongs to the unit)."""
    t = unicodedata.normalize("NFKC", text.replace("㎡", "#").replace("㎞", "#"))
    t = re.sub(r"(?<=\d)[,，](?=\d{3})", "", t)
    for word in ("百分点", "千瓦", "千米", "千克", "千元"):
        t = t.replace(word, "#" + word[1:])
    t = t.replace("百分之", "#")
    out: list[tuple[Decimal, str]] = []
    for run in RUN_RE.findall(t):
        run = run.strip(".")
        if not run:
            continue
        val, trailing = _parse_run(run)
        if val is None:  # '100多亿' -> the 亿 run belongs to the number before it
            if out:
                out[-1] = (out[-1][0], out[-1][1] + trailing)
            continue
        out.append((val, trailing))
    return out


# ---------------------------------------------------------------- qualifier words
OVER_FIRST = ("不低于", "不少于")
UNDER_WORDS = ("不到", "不足", "以下", "不超过", "低于", "≤", "以内")
OVER_WORDS = ("多", "余", "以上", "超过", "逾", "至少", "≥")
ABOUT_WORDS = ("约", "近", "左右", "大约")
FALL_WORDS = ("下降", "减少", "回落", "负增长", "降低", "下滑", "缩减", "缩短", "减")
RISE_WORDS = ("增长", "增加", "提高", "提升", "上升", "多完成", "扩大")


def approx_from_text(text: str, basis: str | None) -> str | None:
    t = text
    if basis == "vs_plan":
        t = t.replace("多完成", "完成").replace("多", "", 1)
    if any(w in t for w in OVER_FIRST):
        return "over"
    if any(w in t for w in UNDER_WORDS):
        return "under"
    if any(w in t for w in OVER_WORDS):
        return "over"
    if any(w in t for w in ABOUT_WORDS):
        return "about"
    return None


# ---------------------------------------------------------------- validation
def load(path: Path = DEFAULT_PATH) -> tuple[list[dict], list[str]]:
    records: list[dict] = []
    errors: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            errors.append(f"line {n}: blank line")
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: bad JSON: {exc}")
    return records, errors


def _num(x) -> Decimal:
    return Decimal(str(x))


def check_fact(rid: str, sentence: str, f: dict) -> list[str]:
    err: list[str] = []
    where = f"{rid} {f.get('text')!r}"
    missing = [k for k in FACT_KEYS if k not in f]
    unknown = [k for k in f if k not in FACT_KEYS + OPTIONAL_KEYS]
    if missing or unknown:
        return [f"{where}: missing {missing} unknown {unknown}"]
    text, start = f["text"], f["start"]
    if not isinstance(start, int) or sentence[start : start + len(text)] != text:
        err.append(f"{where}: span start={start} does not hold the text")
    else:
        before = sentence[start - 1] if start > 0 else ""
        after = sentence[start + len(text) : start + len(text) + 1]
        digit = r"[0-9０-９]"
        cut_before = re.match(digit, text[0]) and re.match(r"[0-9０-９.．]", before)
        cut_after = re.match(digit, text[-1]) and re.match(digit, after)
        if cut_before or cut_after:
            err.append(f"{where}: figure cut inside a number")
    if f["kind"] not in KINDS:
        err.append(f"{where}: kind {f['kind']!r}")
    if f["approx"] not in APPROX:
        err.append(f"{where}: approx {f['approx']!r}")
    if f["basis"] not in BASIS:
        err.append(f"{where}: basis {f['basis']!r}")
    if f["basis"] is not None and f["kind"] != "change":
        err.append(f"{where}: basis on a {f['kind']}")
    if not isinstance(f["metric"], str) or not f["metric"]:
        err.append(f"{where}: empty metric")
    for key in ("value", "value_std") + OPTIONAL_KEYS:
        if key in f and (isinstance(f[key], bool) or not isinstance(f[key], int | float)):
            err.append(f"{where}: {key} is not a number")
    if err:
        return err

    kind, unit, value = f["kind"], f["unit"], _num(f["value"])
    # value_std / unit_std
    vstd, ustd = std_of(kind, value, unit)
    if _num(f["value_std"]) != vstd or f["unit_std"] != ustd:
        err.append(f"{where}: value_std {f['value_std']} {f['unit_std']} != {vstd} {ustd}")
    # unit fits the kind
    money = unit in MONEY or (unit or "").endswith(FOREIGN)
    if kind == "amount" and not money:
        err.append(f"{where}: amount with unit {unit!r}")
    if kind in ("count", "quantity") and money:
        err.append(f"{where}: {kind} with money unit {unit!r}")
    if kind == "percent" and unit not in ("%", "成"):
        err.append(f"{where}: percent with unit {unit!r}")
    if kind == "rank" and unit not in (None, "名", "位"):
        err.append(f"{where}: rank with unit {unit!r}")
    if kind == "rank" and "第" in sentence[max(0, start - 3) : start] and not text.startswith("第"):
        err.append(f"{where}: rank text should start at 第")
    if kind != "change" and value < 0:
        err.append(f"{where}: negative {kind}")
    if "previous" in f and kind not in ("rank", "percent", "count", "amount", "quantity"):
        err.append(f"{where}: previous on a {kind}")
    if "total" in f and kind != "rank":
        err.append(f"{where}: total on a {kind}")
    # sign of a change (a bare figure after 分别 takes its sign from the shared verb)
    if kind == "change" and any(w in text for w in FALL_WORDS + RISE_WORDS):
        falls = any(w in text for w in FALL_WORDS)
        if falls != (value < 0):
            err.append(f"{where}: sign of change does not match the wording")
    # value re-read from the text
    nums = read_numbers(text)
    unit_prefix = (unit or "").lstrip()
    if "value_max" in f:
        if len(nums) != 2:
            err.append(f"{where}: range needs two numbers, read {nums}")
        else:
            if nums[0][0] != abs(value) or nums[1][0] != _num(f["value_max"]):
                err.append(f"{where}: range {value}-{f['value_max']} != read {nums}")
            if _num(f["value_max"]) <= value:
                err.append(f"{where}: value_max not above value")
            tr = nums[1][1]
            if tr and not unit_prefix.startswith(tr):
                err.append(f"{where}: unit {unit!r} should start with {tr!r}")
    elif len(nums) != 1:
        err.append(f"{where}: expected one number in text, read {nums}")
    else:
        got, tr = nums[0]
        if got != abs(value):
            err.append(f"{where}: value {value} but text reads {got}")
        if tr and not unit_prefix.startswith(tr):
            err.append(f"{where}: unit {unit!r} should start with {tr!r}")
    # qualifiers
    want = approx_from_text(text, f["basis"])
    if want != f["approx"]:
        err.append(f"{where}: approx {f['approx']!r} but wording says {want!r}")
    return err


def validate(records: list[dict]) -> tuple[list[str], dict]:
    errors: list[str] = []
    ids: Counter = Counter()
    by_domain: Counter = Counter()
    by_kind: Counter = Counter()
    by_approx: Counter = Counter()
    by_basis: Counter = Counter()
    no_fact = 0
    n_facts = 0
    for rec in records:
        rid = rec.get("id", "?")
        if set(rec) != {"id", "domain", "sentence", "facts"}:
            errors.append(f"{rid}: keys {sorted(rec)}")
            continue
        ids[rid] += 1
        if rec["domain"] not in DOMAINS:
            errors.append(f"{rid}: domain {rec['domain']!r}")
        by_domain[rec["domain"]] += 1
        sentence = rec["sentence"]
        if not isinstance(sentence, str) or not sentence:
            errors.append(f"{rid}: empty sentence")
            continue
        facts = rec["facts"]
        if not facts:
            no_fact += 1
        prev_end = 0
        for f in facts:
            errs = check_fact(rid, sentence, f)
            errors.extend(errs)
            if errs:
                continue
            if f["start"] < prev_end:
                errors.append(f"{rid} {f['text']!r}: facts unsorted or overlapping")
            prev_end = f["start"] + len(f["text"])
            n_facts += 1
            by_kind[f["kind"]] += 1
            by_approx[f["approx"] or "exact"] += 1
            by_basis[f["basis"] or "none"] += 1 if f["kind"] == "change" else 0
    for rid, n in ids.items():
        if n > 1:
            errors.append(f"{rid}: id used {n} times")
    stats = {
        "sentences": len(records),
        "facts": n_facts,
        "no_fact_sentences": no_fact,
        "domains": dict(sorted(by_domain.items())),
        "kinds": dict(sorted(by_kind.items())),
        "approx": dict(sorted(by_approx.items())),
        "change_basis": {k: v for k, v in sorted(by_basis.items()) if v},
    }
    return errors, stats


def check_file(path: Path = DEFAULT_PATH) -> tuple[list[str], dict]:
    records, errors = load(path)
    more, stats = validate(records)
    return errors + more, stats


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    errors, stats = check_file(path)
    for e in errors:
        print("ERROR", e)
    print(json.dumps(stats, ensure_ascii=False, indent=1))
    print(f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
