"""Build tests/figures/labelled.jsonl from the hand-written source labelled_src.txt.

Source format (UTF-8, one item per line):

    # comment
    @domain sentence text                       <- starts a new sentence
    text | kind value unit [opts] | metric      <- one gold fact of that sentence

kind: a=amount c=count p=percent d=change r=rank q=quantity
unit: as written; "-" means null (a rank without 名/位)
opts: ab / ov / un      approx about / over / under
      yoy / mom / plan  basis (change only; plan = vs_plan)
      max=N prev=N tot=N
      @N                take the N-th occurrence of text in the sentence
                        (default: first occurrence after the previous fact)

Every value is typed by hand; only `start` and `value_std`/`unit_std` are derived
(value_std with exact decimal arithmetic, see check_labelled.std_of).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from check_labelled import DOMAINS, std_of, to_json_number  # noqa: E402

KINDS = {"a": "amount", "c": "count", "p": "percent", "d": "change", "r": "rank", "q": "quantity"}
APPROX = {"ab": "about", "ov": "over", "un": "under"}
BASIS = {"yoy": "yoy", "mom": "mom", "plan": "vs_plan"}
PREFIX = {
    "economy": "econ",
    "education": "edu",
    "health": "health",
    "agriculture": "agri",
    "environment": "env",
    "transport": "trans",
    "social": "social",
    "streets": "street",
    "finance": "fin",
    "science": "sci",
    "culture": "cult",
    "safety": "safety",
}


def value_number(raw: str) -> int | float:
    return float(Decimal(raw)) if "." in raw else int(Decimal(raw))


def parse_fact(line: str, sentence: str, cursor: int, where: str) -> tuple[dict, int]:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) != 3:
        raise ValueError(f"{where}: need 'text | spec | metric': {line!r}")
    text, spec, metric = parts
    toks = spec.split()
    if len(toks) < 3:
        raise ValueError(f"{where}: bad spec {spec!r}")
    kind = KINDS[toks[0]]
    value_raw, unit = toks[1], toks[2]
    unit = None if unit == "-" else unit
    fact: dict = {"text": text, "start": None, "kind": kind}
    approx = None
    basis = None
    extra: dict = {}
    nth = None
    for opt in toks[3:]:
        if opt in APPROX:
            approx = APPROX[opt]
        elif opt in BASIS:
            basis = BASIS[opt]
        elif opt.startswith("@"):
            nth = int(opt[1:])
        elif "=" in opt:
            key, val = opt.split("=", 1)
            name = {"max": "value_max", "prev": "previous", "tot": "total"}[key]
            extra[name] = value_number(val)
        else:
            raise ValueError(f"{where}: unknown option {opt!r}")
    if nth is None:
        start = sentence.find(text, cursor)
    else:
        start = -1
        for _ in range(nth):
            start = sentence.find(text, start + 1)
    if start < 0:
        raise ValueError(f"{where}: {text!r} not found in sentence (after {cursor})")
    value = value_number(value_raw)
    vstd, ustd = std_of(kind, Decimal(value_raw), unit)
    fact.update(
        {
            "start": start,
            "value": value,
            "unit": unit,
            "value_std": to_json_number(vstd),
            "unit_std": ustd,
            "approx": approx,
            "basis": basis,
            "metric": metric,
        }
    )
    fact.update(extra)
    return fact, start + len(text)


def build(src: Path) -> list[dict]:
    records: list[dict] = []
    counters: dict[str, int] = {}
    cursor = 0
    for lineno, raw in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{src.name}:{lineno}"
        if line.startswith("@"):
            domain, sentence = line[1:].split(" ", 1)
            if domain not in DOMAINS:
                raise ValueError(f"{where}: unknown domain {domain!r}")
            counters[domain] = counters.get(domain, 0) + 1
            rid = f"{PREFIX[domain]}-{counters[domain]:03d}"
            records.append({"id": rid, "domain": domain, "sentence": sentence, "facts": []})
            cursor = 0
            continue
        if not records:
            raise ValueError(f"{where}: fact before any sentence")
        fact, cursor = parse_fact(line, records[-1]["sentence"], cursor, where)
        records[-1]["facts"].append(fact)
    return records


def main() -> int:
    records = build(HERE / "labelled_src.txt")
    out = HERE / "labelled.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} sentences to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
