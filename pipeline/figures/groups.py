"""Numbered village groups as names: `一组至九组道路`, `三组、五组农户`, `石桥村三组`.

Found by the third held-out set: a numeral + 组 is a count (三组数据, 分三组开展) unless
the context shows it names a 村民小组 or 生产队 (FACTS.md: ordinal use is not a count).
"""

from __future__ import annotations

import re

from pipeline.figures.patterns import CN_DIGIT, NUMBER

# 村民小组 and 生产队 are named by number (一组, 三组, 九队); such a name is ordinal use, not
# a count. A count of groups is formed or split (分成5个小组, 组建3个工作组, 分三组开展,
# 三组数据); a name runs from the first (一组至九组), is listed with another name
# (三组、五组), belongs to a village (石桥村三组) or heads its residents or roads (三组村民)
GROUPS = ("组", "队")
_GROUP_NUMBER = rf"(?:{NUMBER})"
_GROUP_RANGE = r"(?:至|到|[-—–~～－]{1,2})"
_GROUP_RESIDENTS = re.compile(
    r"村民|农户|群众|居民|住户|党员|道路|村道|组道|沟渠|水渠|片区|院落|田块|地块|山塘|堰塘"
)
_GROUP_VILLAGE = re.compile(r"(?:村|社区|居委会|村委会)$")


def names_a_group(text: str, m: re.Match[str]) -> bool:
    """`一组至九组`, `三组、五组农户`, `石桥村三组`, `三组村民`: numbered groups as names."""
    if m.group("pre") or m.group("scale") or m.group("n2") or m.group("more") or m.group("di"):
        return False
    raw, base = m.group("n1"), m.group("base")
    if raw == "两":
        return False  # two groups are counted; the group named 2 is 二组
    end, start = m.end(), m.start()
    first = raw in ("一", "1", "１")
    # the range from group one: 一组至九组 (and its upper end, 九组, after 一组至)
    upper = re.compile(rf"{_GROUP_RANGE}{_GROUP_NUMBER}{base}").match(text, end)
    if first and upper is not None:
        return True
    lower = re.search(
        rf"(?:^|[^0-9０-９{CN_DIGIT}])([一1１]){base}{_GROUP_RANGE}$",
        text[max(0, start - 8) : start],
    )
    if lower is not None:
        return True
    # listed with another numbered group: 三组、五组农户, 由一组、二组承担
    listed = r"(?:、|和|及|与)"
    if re.compile(rf"{listed}{_GROUP_NUMBER}{base}").match(text, end):
        return True
    if re.search(rf"{_GROUP_NUMBER}{base}{listed}$", text[max(0, start - 10) : start]):
        return True
    return bool(_GROUP_VILLAGE.search(text, 0, start) or _GROUP_RESIDENTS.match(text, end))
