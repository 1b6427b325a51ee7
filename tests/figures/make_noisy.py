"""The noisy variant of a labelled set: the same sentences as real PDF text layers print them.

Usage: python tests/figures/make_noisy.py tests/figures/labelled.jsonl [-o out.jsonl]

Real text layers put spaces between a number and its unit and before numbers, use ASCII
punctuation and break words across lines (FACTS.md, "Real-world text"). Each sentence gets
those, at random but reproducibly (the random generator is seeded by the record's id):

- a space between a number and the unit or word after it (`512.30 万元`, `5.2 %`);
- a space before a number that follows a Chinese character (`编制数 63人`);
- ASCII `, : ; ( )` for `，：；（）`;
- a line break or a stray space between two Chinese characters (`绩效目\\n标`, `离 退休`),
  also inside a figure's text.

The gold facts are moved with their characters: ``start`` shifts by what was inserted
before it, ``text`` keeps what was inserted inside it, so ``sentence[start:start+len(text)]
== text`` still holds. Values, units and metrics stay as labelled.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TO_ASCII = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"}
_NUMBER_CHAR = re.compile(r"[0-9０-９.．,，]")
P_UNIT_SPACE = 0.6  # a space between a number and what follows it
P_NUMBER_SPACE = 0.5  # a space between a Chinese character and a number
P_ASCII = 0.8  # an ASCII punctuation mark for a full-width one
P_BREAK = 0.03  # a line break between two Chinese characters
P_STRAY = 0.03  # a stray space between two Chinese characters


def _digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def noisy_text(text: str, rng: random.Random) -> tuple[str, list[int]]:
    """The noisy text and, for each original offset, where that character now is."""
    out: list[str] = []
    where: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        before = text[i - 1] if i else ""
        if i and _digit(before) and not _NUMBER_CHAR.match(ch) and (_CJK.match(ch) or ch in "%％"):
            if rng.random() < P_UNIT_SPACE:
                out.append(" ")
        elif i and _digit(ch) and _CJK.match(before):
            if rng.random() < P_NUMBER_SPACE:
                out.append(" ")
        elif i and _CJK.match(ch) and _CJK.match(before):
            roll = rng.random()
            if roll < P_BREAK:
                out.append("\n")
            elif roll < P_BREAK + P_STRAY:
                out.append(" ")
        where.append(len(out))
        if ch in _TO_ASCII and rng.random() < P_ASCII:
            out.append(_TO_ASCII[ch])
        else:
            out.append(ch)
    assert len(where) == n
    return "".join(out), where


def noisy_record(record: dict[str, Any]) -> dict[str, Any]:
    """One labelled record made noisy, its gold facts moved consistently."""
    rng = random.Random(f"noisy:{record['id']}")
    text, where = noisy_text(record["sentence"], rng)
    facts = []
    for fact in record["facts"]:
        start = fact["start"]
        end = start + len(fact["text"])
        lo, hi = where[start], where[end - 1] + 1
        moved = dict(fact, start=lo, text=text[lo:hi])
        facts.append(moved)
    return dict(record, sentence=text, facts=facts)


def noisy_set(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every record of a set made noisy."""
    return [noisy_record(r) for r in records]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=None, help="default: stdout")
    args = parser.parse_args(argv)
    records = [
        json.loads(line)
        for line in args.path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in noisy_set(records)]
    if args.out is None:
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
