"""The metric of a figure: the shortest phrase naming what is measured, as written.

Usually the words before the figure in its clause (`规模以上工业总产值1867.05亿元`);
for a count followed by what is counted, the words after it (`两场政银企融资对接会`).
A verb that acts on the counted things stays in front (`推荐80家企业…` → `推荐…`);
an application after the counted noun is what they are counted for, and comes
first (`16家企业申报外贸发展扶持资金` → `申报外贸发展扶持资金企业`), the counted
noun dropped when the application's object already ends with it
(`80家企业申报高新技术企业` → `申报高新技术企业`).
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.figures.lexicon import Lexicon
from pipeline.figures.patterns import BASIS, CLAUSE_BREAK

Token = tuple[str, int, int]

# words that end a phrase after a count: verbs and links, not what is counted
_AFTER_STOP = frozenset(
    [
        "用于",
        "之间",
        "以上",
        "以下",
        "左右",
        "和",
        "及",
        "与",
        "等",
        "同比",
        "较",
        "比",
        "占",
        "是",
        "为",
        "共",
        "均",
        "已",
        "全部",
        "分别",
        "涉及",
        "覆盖",
        "实现",
        "完成",
        "达",
        "达到",
        "惠及",
        "带动",
        "参与",
        "参加",
        "的",
        "中",
        "其中",
        "，",
        "。",
        "；",
        "、",
    ]
)


# a place named between a verb and its count is the scope, not the metric (覆盖全区20个镇)
_SCOPE = re.compile(r"全(?:区|市|县|镇|乡|省|国|街道)")


def _is_number_word(word: str) -> bool:
    return all(ch.isdigit() or ch in ".．,，年月日号度" for ch in word)


def _trim(tokens: list[Token], tags: dict[str, str], *, lead_verbs: bool) -> list[Token]:
    """Drop words that never begin or end a metric; start after the last preposition."""
    while tokens and (tags.get(tokens[-1][0]) in ("s", "p") or _is_number_word(tokens[-1][0])):
        tokens = tokens[:-1]
    for i in range(len(tokens) - 1, -1, -1):
        if tags.get(tokens[i][0]) == "p" and i < len(tokens) - 1:
            tokens = tokens[i + 1 :]
            break
    while tokens and (
        tags.get(tokens[0][0]) == "s"
        or (lead_verbs and tags.get(tokens[0][0]) == "v" and len(tokens) > 1)
        or _is_number_word(tokens[0][0])
    ):
        tokens = tokens[1:]
    return tokens


def _drop_enumeration(tokens: list[Token]) -> list[Token]:
    """`申报中央、省、市外贸发展扶持资金` → `申报外贸发展扶持资金`: the listed places go."""
    if not any(t[0] == "、" for t in tokens):
        return tokens
    out: list[Token] = []
    last_comma = max(i for i, t in enumerate(tokens) if t[0] == "、")
    for i, tok in enumerate(tokens):
        if tok[0] == "、":
            continue
        if i + 1 < len(tokens) and tokens[i + 1][0] == "、":
            continue
        if i == last_comma + 1 and len(tok[0]) == 1:
            continue
        out.append(tok)
    return out


def _phrase(text: str, tokens: list[Token]) -> str | None:
    if not tokens:
        return None
    # words joined, so a dropped enumeration leaves no trace; contiguous words stay as written
    phrase = "".join(t[0] for t in tokens).strip()
    return phrase or None


def before_phrase(text: str, tokens: list[Token], lo: int, hi: int, lex: Lexicon) -> str | None:
    """The metric written before a figure, between ``lo`` and ``hi``."""
    # a clause break ends the phrase; a bracketed note inside it (总额（原值）) does not
    cut, depth = lo, 0
    for i in range(hi - 1, lo - 1, -1):
        if text[i] in "）)":
            depth += 1
        elif text[i] in "（(" and depth:
            depth -= 1
        elif text[i] in CLAUSE_BREAK and not depth:
            cut = i + 1
            break
    window = [t for t in tokens if t[1] >= cut and t[2] <= hi]
    # the basis words of a change (同比, 较上年) name no metric
    basis_at = [m.start() for m in BASIS.finditer(text, cut, hi)]
    if basis_at:
        window = [t for t in window if t[2] <= basis_at[-1]]
    # after an 、 a lone character is the tail of a list (中央、省、市外贸…)
    if cut > 0 and text[cut - 1] == "、" and window and len(window[0][0]) == 1 and len(window) > 1:
        window = window[1:]
    return _phrase(text, _trim(window, lex.tags, lead_verbs=True))


def _application_first(tokens: list[Token], tags: dict[str, str]) -> list[Token]:
    """`企业申报…资金` → `申报…资金企业`: the application the counted things are counted for.

    The counted noun goes when the application's object already ends with it
    (`企业申报高新技术企业` → `申报高新技术企业`).
    """
    at = next((i for i, t in enumerate(tokens) if i and tags.get(t[0]) == "a"), None)
    if at is None or at == len(tokens) - 1:
        return tokens
    counted, application = tokens[:at], tokens[at:]
    if "".join(t[0] for t in application).endswith("".join(t[0] for t in counted)):
        return application
    return application + counted


def _governing_verb(tokens: list[Token], start: int, tags: dict[str, str]) -> str | None:
    """The verb acting on what a count at ``start`` counts (`推荐80家`, `覆盖全区20个`)."""
    for tok in reversed(tokens):
        if tok[2] > start:
            continue
        word = tok[0]
        if tags.get(word) == "g":
            return word
        if tags.get(word) == "s" or _SCOPE.fullmatch(word):
            continue  # 累计推荐, 覆盖全区
        return None
    return None


def after_phrase(
    text: str, tokens: list[Token], lo: int, hi: int, lex: Lexicon, start: int | None = None
) -> str | None:
    """What is counted, written right after a count (`两场政银企融资对接会`).

    ``start`` is where the count begins: a verb acting on the counted things just
    before it (`推荐`, `指导`, `覆盖`) leads the phrase.
    """
    window: list[Token] = []
    for tok in tokens:
        if tok[1] < lo:
            continue
        if tok[1] >= hi or tok[0] in _AFTER_STOP or tok[0][0].isdigit() or tok[0] in CLAUSE_BREAK:
            if tok[0] == "、" and window:
                window.append(tok)
                continue
            break
        window.append(tok)
    while window and window[-1][0] == "、":
        window.pop()
    window = _drop_enumeration(window)
    phrase = _phrase(text, _application_first(_trim(window, lex.tags, lead_verbs=False), lex.tags))
    if phrase is not None and start is not None:
        verb = _governing_verb(tokens, start, lex.tags)
        if verb is not None:
            phrase = verb + phrase
    return phrase


def noun_follows(text: str, tokens: list[Token], end: int, lex: Lexicon) -> bool:
    """True when the word right after ``end`` is a noun-like word, not a verb, link or break."""
    for tok in tokens:
        if tok[1] == end:
            word = tok[0]
            return bool(
                word
                and "\u4e00" <= word[0] <= "\u9fff"
                and word not in _AFTER_STOP
                and lex.tags.get(word) not in ("s", "v", "p")
            )
        if tok[1] > end:
            break
    return False


def metrics_agree(gold: str | None, read: str | None, min_share: float = 0.6) -> bool:
    """Loose agreement of two metric phrases: one contains the other, or most characters shared."""
    if gold is None or read is None:
        return gold == read
    if gold in read or read in gold:
        return True
    shared = sum((Counter(gold) & Counter(read)).values())
    return shared / max(len(gold), len(read)) >= min_share
