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


# the verb linking a metric to its value, with the adverbs before it, names nothing:
# 婴儿死亡率降至2.1‰, 占比达42.8%, 及时报告率均达100%, 平均住院日缩短至7.6天
_LINK_VERB = (
    r"(?:降低|下降|减少|缩短|缩减|压缩|压减|提高|提升|增加|增长|上升)(?:至|到)?"
    r"|(?:降|减|增)(?:至|到)|控制在|保持在|稳定在|维持在|达到|高达|多达|长达|实现"
    # 达 on its own, not the end of a word (雷达, 下达, 送达, 发达, 马达)
    r"|(?<![下送通直传表抵到转雷发马豁腾畅上练贤])达"
)
_LINK_ADVERB = r"分别|均|已|已经|累计|共|进一步|持续|稳步|大幅|常年|始终|一直"
# who completed it is no part of what was completed: 全区完成固定资产投资 → 固定资产投资,
# (5个)镇街完成征地(1,268亩) → 征地, 全系统实现销售总额 → 销售总额
_DOER_DONE = rf"(?:全年|年内|{_LINK_ADVERB})*(?:完成|实现)(?=[\u4e00-\u9fff“])"
_DOER = re.compile(
    rf"^(?:全(?:区|市|县|镇|乡|省|国|街道|系统|行业)|本级|街道|镇街|乡镇|各(?:镇街?|乡镇|地)){_DOER_DONE}"
)
# the things a count just before counted are the doers (5个镇街完成征地1,268亩)
_COUNTED_DOER = re.compile(rf"^[^，。；、\d]{{1,6}}?{_DOER_DONE}")
_LINK_TAIL = re.compile(rf"(?:{_LINK_ADVERB})*(?:{_LINK_VERB})$")
# a per-head or per-area base after that verb: it goes in front of the metric
# (食品抽检量达每千人4.3批次 → 每千人食品抽检量), unless the metric is a rate by name
# (城乡低保标准提高到每人每月1,130元 → 城乡低保标准; 路网密度达到每百平方公里 → 路网密度)
_PER_TAIL = re.compile(
    rf"(?:{_LINK_ADVERB})*(?:{_LINK_VERB}|为)(?P<per>每[\u4e00-\u9fff]{{1,6}}|(?:月|年)?人均)$"
)
_RATE_BY_NAME = ("标准", "密度", "水平")
# a threshold that begins a category name stays in it (65岁以上老年人, 0至6岁儿童)
_THRESHOLD_HEAD = re.compile(
    r"(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百]+)"
    r"(?:[至到\-－—~～](?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百]+))?$"
)
_THRESHOLD_UNIT = ("周岁", "岁")
# a list number opening a flattened table row or a list item names nothing
_LIST_NUMBER = re.compile(r"^(?:[（(][0-9一二三四五六七八九十]{1,3}[）)]|[0-9]{1,2}[.．](?![0-9]))")


def _strip_link(phrase: str) -> str:
    """The metric without the verb (and per-head base) that links it to its value."""
    m = _PER_TAIL.search(phrase)
    if m is not None and m.start() > 0:
        named = phrase[: m.start()]
        return named if named.endswith(_RATE_BY_NAME) else m.group("per") + named
    m = _LINK_TAIL.search(phrase)
    if m is not None and m.start() > 0:
        return phrase[: m.start()]
    return phrase


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


def before_phrase(
    text: str, tokens: list[Token], lo: int, hi: int, lex: Lexicon, *, after_count: bool = False
) -> str | None:
    """The metric written before a figure, between ``lo`` and ``hi``.

    ``after_count``: ``lo`` is the end of a count in the same sentence, so the words
    right after it may be the counted doers of what the figure measures.
    """
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
    if cut > lo and text[cut - 1] in "：:" and not text[cut:hi].strip():
        # 支出：615.08万元: a label and a colon name what the figure after them measures
        return before_phrase(text, tokens, lo, cut - 1, lex, after_count=after_count)
    window = [t for t in tokens if t[1] >= cut and t[2] <= hi]
    # the basis words of a change (同比, 较上年) name no metric
    basis_at = [m.start() for m in BASIS.finditer(text, cut, hi)]
    if basis_at:
        window = [t for t in window if t[2] <= basis_at[-1]]
    # after an 、 a lone character is the tail of a list (中央、省、市外贸…)
    if cut > 0 and text[cut - 1] == "、" and window and len(window[0][0]) == 1 and len(window) > 1:
        window = window[1:]
    kept = _trim(window, lex.tags, lead_verbs=True)
    phrase = _phrase(text, kept)
    if phrase is None:
        return None
    head = kept[0][1]
    if kept[0][0].startswith(_THRESHOLD_UNIT):
        number = _THRESHOLD_HEAD.search(text, cut, head)
        if number is not None:
            phrase = text[number.start() : head] + phrase
    phrase = _strip_link(phrase)
    phrase = _LIST_NUMBER.sub("", phrase, count=1)  # （3）三公经费支出 → 三公经费支出
    doer = _DOER.match(phrase)
    if doer is None and after_count and cut == lo:
        doer = _COUNTED_DOER.match(phrase)
    if doer is not None:
        phrase = phrase[doer.end() :]
    return phrase or None


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


def split_guess(tokens: list[Token], end: int, lex: Lexicon) -> list[Token]:
    """The words with a guessed word across a figure's ``end`` cut there (`56间村卫生站`).

    jieba's HMM joins characters it does not know (`间村`); the figure's unit ends the
    first part, so what is counted starts at ``end`` (`村卫生站`).
    """
    for i, (word, lo, hi) in enumerate(tokens):
        if lo < end < hi and not lex.tokenizer.FREQ.get(word):
            cut = end - lo
            return [*tokens[:i], (word[:cut], lo, end), (word[cut:], end, hi), *tokens[i + 1 :]]
        if lo >= end:
            break
    return tokens


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
