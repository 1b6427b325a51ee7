"""The number reader beside the best-known peers, on the labelled sentence sets.

Usage: python bench/peers.py [--sets labelled heldout ...] [--no-install] [--venv DIR]

Peers: jionlp's money extraction (``jionlp.ner.extract_money``) and Microsoft
Recognizers-Text's Chinese models (number, percentage, currency). They are installed in
the bench's own virtual environment (``bench/.peers-venv``, git-ignored) from
``bench/peers-requirements.txt`` — never as project dependencies — and run there in a
worker process; a peer that cannot install or run is reported as BLOCKED, with the
reason, not given a number.

Scored per category, on every set clean and noisy (tests/figures/make_noisy.py):

- ``money``: gold facts whose unit_std is a currency (amounts, and changes in money);
  jionlp money and Recognizers currency answer it;
- ``percent``: gold facts in % (levels and changes); Recognizers percentage answers it;
- ``number``: gold counts, quantities and ranks; Recognizers number answers it (a number
  inside a money or percent figure is not counted against it).

A found figure is a true positive when its span overlaps a gold fact's of the category
and its value equals the gold value_std in absolute value (peers do not read the sign of
a fall; a range is compared by its lower end). The reader is scored the same way, by the
unit_std of its facts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "bench" / "peers-requirements.txt"
DEFAULT_VENV = ROOT / "bench" / ".peers-venv"
CATEGORIES = ("money", "percent", "number")
PEERS = ("jionlp money", "Recognizers currency", "Recognizers percentage", "Recognizers number")
PEER_CATEGORY = {
    "jionlp money": "money",
    "Recognizers currency": "money",
    "Recognizers percentage": "percent",
    "Recognizers number": "number",
}

# a figure: (category, start, end, value as a string)
Found = tuple[str, int, int, str]


# ---------------------------------------------------------------- the worker (peer venv)


def _worker(src: Path, out: Path) -> None:
    """Run every peer over the sentences in ``src``; write what each found (or why not)."""
    sentences: list[str] = json.loads(src.read_text(encoding="utf-8"))
    result: dict[str, Any] = {}
    try:
        import jionlp

        result["jionlp money"] = [_jionlp(jionlp, s) for s in sentences]
    except Exception as exc:  # noqa: BLE001 - a peer that cannot run is reported, not fatal
        result["jionlp money"] = {"blocked": f"{type(exc).__name__}: {exc}"}
    try:
        from recognizers_number import recognize_number, recognize_percentage
        from recognizers_number_with_unit import recognize_currency
        from recognizers_text import Culture

        models = {
            "Recognizers currency": recognize_currency,
            "Recognizers percentage": recognize_percentage,
            "Recognizers number": recognize_number,
        }
        for name, model in models.items():
            result[name] = [_recognizers(model, s, Culture.Chinese) for s in sentences]
    except Exception as exc:  # noqa: BLE001
        for name in ("Recognizers currency", "Recognizers percentage", "Recognizers number"):
            result.setdefault(name, {"blocked": f"{type(exc).__name__}: {exc}"})
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def _jionlp(jionlp: Any, sentence: str) -> list[list[Any]]:
    found = []
    for item in jionlp.ner.extract_money(sentence, with_parsing=True):
        num = item["detail"]["num"]
        value = num[0] if isinstance(num, list) else num
        start, end = item["offset"]
        found.append([start, end, str(value)])
    return found


def _recognizers(model: Any, sentence: str, culture: str) -> list[list[Any]]:
    found = []
    for item in model(sentence, culture):
        value = str((item.resolution or {}).get("value", "")).rstrip("%")
        found.append([item.start, item.end + 1, value])  # Recognizers' end is inclusive
    return found


# ---------------------------------------------------------------- the bench (project venv)


def _ensure_venv(venv: Path, install: bool) -> Path | str:
    """The peer venv's python, created and filled on first use; a reason when that fails."""
    python = venv / "bin" / "python"
    if python.exists():
        return python
    if not install:
        return f"no peer environment at {venv} (run without --no-install)"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
            check=True,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        return f"could not install the peers: {exc}"
    return python


def _number(raw: Any) -> Decimal | None:
    try:
        return abs(Decimal(str(raw).replace(",", "")))
    except (InvalidOperation, ValueError):
        return None


def _category(fact: dict[str, Any]) -> str | None:
    from pipeline.figures.units import MONEY_STD

    if fact.get("unit_std") in MONEY_STD:
        return "money"
    if fact.get("unit_std") == "%":
        return "percent"
    if fact["kind"] in ("count", "quantity", "rank"):
        return "number"
    return None


def _gold(record: dict[str, Any]) -> list[Found]:
    out = []
    for f in record["facts"]:
        cat = _category(f)
        if cat is not None:
            out.append((cat, f["start"], f["start"] + len(f["text"]), str(f["value_std"])))
    return out


def _ours(sentence: str) -> list[Found]:
    from pipeline.figures import text_to_facts

    out = []
    for fact in text_to_facts(sentence):
        data = fact.to_json()
        cat = _category(data)
        if cat is not None:
            out.append((cat, fact.start, fact.end, str(data["value_std"])))
    return out


def _match(gold: list[Found], found: list[Found], category: str, counts: Counter[str]) -> None:
    """Count tp, fp, fn of one sentence for one category."""
    wanted = [g for g in gold if g[0] == category]
    others = [g for g in gold if g[0] != category]
    used: set[int] = set()
    for f in found:
        if f[0] != category:
            continue
        hit = None
        for i, g in enumerate(wanted):
            overlap = min(f[2], g[2]) > max(f[1], g[1])
            if i not in used and overlap and _number(f[3]) == _number(g[3]):
                hit = i
                break
        if hit is not None:
            used.add(hit)
            counts["tp"] += 1
        elif category == "number" and any(min(f[2], g[2]) > max(f[1], g[1]) for g in others):
            continue  # the number inside a money or percent figure
        else:
            counts["fp"] += 1
    counts["fn"] += len(wanted) - len(used)


def _prf(c: Counter[str]) -> tuple[float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    return p, r


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", nargs="+", default=None, help="default: every set")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--no-install", action="store_true", help="do not create the venv")
    parser.add_argument("--worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return 0
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "score_figures", ROOT / "bench" / "score_figures.py"
    )
    assert spec is not None and spec.loader is not None
    scoring = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = scoring
    spec.loader.exec_module(scoring)
    names = args.sets or [n for n in scoring.SETS if (scoring.FIGURES / f"{n}.jsonl").exists()]
    records: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        clean = scoring.load(scoring.FIGURES / f"{name}.jsonl")
        records += [("clean", r) for r in clean]
        records += [("noisy", r) for r in scoring.noisy(clean)]
    sentences = [r["sentence"] for _, r in records]
    peers = _run_peers(args.venv, not args.no_install, sentences)
    counts: dict[tuple[str, str, str], Counter[str]] = {}
    for who in ("jixiao", *PEERS):
        if isinstance(peers.get(who), str):
            continue
        for i, (variant, rec) in enumerate(records):
            gold = _gold(rec)
            if who == "jixiao":
                found = _ours(rec["sentence"])
                cats = CATEGORIES
            else:
                cat = PEER_CATEGORY[who]
                found = [(cat, s, e, v) for s, e, v in peers[who][i]]
                cats = (cat,)
            for cat in cats:
                _match(gold, found, cat, counts.setdefault((who, cat, variant), Counter()))
    print(f"sets: {', '.join(names)} ({len(records) // 2} sentences, each clean and noisy)")
    print(f"\n{'category':<10}{'who':<26}{'P clean':>9}{'R clean':>9}{'P noisy':>9}{'R noisy':>9}")
    for cat in CATEGORIES:
        for who in ("jixiao", *PEERS):
            if who != "jixiao" and PEER_CATEGORY[who] != cat:
                continue
            if isinstance(peers.get(who), str):
                print(f"{cat:<10}{who:<26}  BLOCKED: {peers[who]}")
                continue
            pc, rc = _prf(counts[(who, cat, "clean")])
            pn, rn = _prf(counts[(who, cat, "noisy")])
            print(f"{cat:<10}{who:<26}{pc:>9.3f}{rc:>9.3f}{pn:>9.3f}{rn:>9.3f}")
    _say_who_is_ahead(counts, peers)
    return 0


def _run_peers(venv: Path, install: bool, sentences: list[str]) -> dict[str, Any]:
    python = _ensure_venv(venv, install)
    if isinstance(python, str):
        return {who: python for who in PEERS}
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        done = subprocess.run(
            [str(python), str(Path(__file__).resolve()), "--worker", str(src), str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not out.exists():
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {who: f"worker failed: {reason}" for who in PEERS}
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return {who: (v["blocked"] if isinstance(v, dict) else v) for who, v in result.items()}


def _say_who_is_ahead(
    counts: dict[tuple[str, str, str], Counter[str]], peers: dict[str, Any]
) -> None:
    print()
    ahead = False
    for (who, cat, variant), c in sorted(counts.items()):
        if who == "jixiao":
            continue
        ours = counts[("jixiao", cat, variant)]
        for i, measure in enumerate(("precision", "recall")):
            if _prf(c)[i] > _prf(ours)[i]:
                ahead = True
                print(
                    f"AHEAD: {who} on {cat} {measure} ({variant}): "
                    f"{_prf(c)[i]:.3f} > {_prf(ours)[i]:.3f}"
                )
    blocked = [who for who in PEERS if isinstance(peers.get(who), str)]
    if len(blocked) == len(PEERS):
        print("No peer ran, so nothing is compared: see why below.")
    elif not ahead:
        ran = ", ".join(who for who in PEERS if who not in blocked)
        print(f"No peer that ran ({ran}) is ahead of jixiao on any category, measure or variant.")
    for who in blocked:
        print(f"BLOCKED: {who} did not run ({peers[who]}); no number is given for it.")


if __name__ == "__main__":
    sys.exit(main())
