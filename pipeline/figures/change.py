"""Changes: a rise or fall verb, with its basis, before a figure (FACTS.md `change`).

`同比增长0.9%`, `较上年收窄3.4个百分点` (−3.4), `比年初计划少支出14万元` (vs_plan);
not `缩短为32天` (a level reached) nor `净增41家` or `带动农户增收约8,600元` without a
base (what the verb produced: a count, an amount).
"""

from __future__ import annotations

import re

from pipeline.figures.candidate import Figure
from pipeline.figures.patterns import BASIS, CHANGE_BEFORE, OWN_OBJECT, RATE_NOUNS
from pipeline.figures.units import COUNT, PERCENT, POINTS, TIMES

BASIS_NAMES = {"yoy": "yoy", "mom": "mom", "plan": "vs_plan"}
_VERBS = ("fall", "rise", "narrow", "widen", "plan_more", "plan_less")
_RELATIVE = (PERCENT, POINTS, TIMES)
# how fast, not how wide: only of rates (增速放缓1.2个百分点), never of an amount
_SPEED = ("加快", "放缓", "减缓")


def read_change(text: str, figure: Figure, clause: str) -> None:
    """Make the figure a change when a rise or fall verb (with its basis) stands before it."""
    near = clause[-24:]
    hit = CHANGE_BEFORE.search(near)
    if hit is None:
        return
    verb = next(hit.group(name) for name in _VERBS if hit.group(name))
    verb_start = figure.start - (len(near) - _verb_start(hit))
    unit_kind = figure.unit.kind if figure.unit is not None else None
    relative = unit_kind in _RELATIVE
    if hit.group("link") == "为" and verb not in RATE_NOUNS and not hit.group("size"):
        return  # 缩短为32天, 提高为95%: a level reached, like 缩短至
    if (hit.group("narrow") or hit.group("widen")) and (
        unit_kind == COUNT or (verb in _SPEED and not relative)
    ):
        return  # 加快3个项目建设: a speed or width word changes rates and gaps, not counts
    basis_text = hit.group("basis")
    if basis_text is None:
        if verb_start > 0 and text[verb_start - 1] in "新净" and verb.startswith("增"):
            return  # 新增12家: what was added
        if verb in OWN_OBJECT and not relative:
            return  # 净增41家, 带动农户增收约8,600元: what the verb produced, no base
        if hit.group("obj") or hit.group("plan_more") or hit.group("plan_less"):
            return  # 增加投入500万元, 多完成: only a named base makes these a change
    basis = None
    if basis_text is not None:
        b = BASIS.match(basis_text)
        basis = BASIS_NAMES.get(b.lastgroup or "") if b else None
        if b is None or b.lastgroup != "other":
            # the named base is part of the text; 较2020年下降15.6%, 较常年偏高0.6℃:
            # a base of no basis is not
            verb_start = figure.start - (len(near) - hit.start("basis"))
        if (hit.group("plan_more") or hit.group("plan_less")) and basis is None:
            return
    figure.kind = "change"
    figure.basis = basis
    figure.by_verb = True
    figure.negative = bool(hit.group("fall") or hit.group("narrow") or hit.group("plan_less"))
    figure.start = verb_start


def read_signed_change(figure: Figure, clause: str) -> None:
    """`同比-5.1%`, `较上年+3.2%`: a basis right before a signed figure makes it a change."""
    tail = clause[-16:]
    last = None
    for hit in BASIS.finditer(tail):
        last = hit
    if last is None or last.end() != len(tail):
        return
    figure.kind = "change"
    figure.basis = BASIS_NAMES.get(last.lastgroup or "")
    figure.by_verb = True
    if figure.basis is not None:  # 较2020年-5%: a base of no basis is not in the text
        figure.start -= len(tail) - last.start()


def _verb_start(hit: re.Match[str]) -> int:
    for name in _VERBS:
        if hit.group(name):
            return hit.start(name)
    return hit.start()


def inherited_basis(text: str, figure: Figure) -> str | None:
    """A change inherits 同比 (or 环比) named earlier in its sentence."""
    last = None
    # the clauses of one sentence run on across ；(同比增长7.2%；出院病人…增长3.8%)
    lo = figure.sentence[0]
    while lo > 0 and text[lo - 1] in "；;":
        lo = _sentence_head(text, lo - 1)
    for b in BASIS.finditer(text, lo, figure.start):
        last = b
    if last is None or last.lastgroup in ("plan", "other"):
        return None
    return BASIS_NAMES.get(last.lastgroup or "")


def _sentence_head(text: str, pos: int) -> int:
    """Start of the sentence ending at ``pos``, looking past ；."""
    i = pos
    while i > 0 and text[i - 1] not in "。！？!?\n；;":
        i -= 1
    return i
