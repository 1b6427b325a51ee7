"""The printed labels of the form, tolerant of the variants real submissions use.

Labels are matched on a cell's text with all white space removed (forms break labels
with spaces: ``联系电 话及手 机``), half- and full-width punctuation both accepted.
Some labels mean different fields by the block they stand in (``完成率`` under 重点工作
or 整体绩效目标); such labels map a *group* to a key, and group labels set the group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Literal, NamedTuple

Role = Literal["field", "group", "stop", "tasks_goal", "tasks_outcome"]

_L = r"[（(]"
_R = r"[)）]"
_UNIT_IN_LABEL = rf"(?:{_L}(?P<unit>万元|元|千元|亿元|个|%|％|人次|次|分){_R})?"


@dataclass(frozen=True)
class Label:
    """One printed label: its pattern and what it means."""

    name: str
    pattern: re.Pattern[str]
    role: Role = "field"
    key: str | None = None
    keys_by_group: dict[str, str] = field(default_factory=dict)
    sets_group: str | None = None

    def key_in(self, group: str | None) -> str | None:
        """The field this label names inside ``group``."""
        if self.key is not None:
            return self.key
        return self.keys_by_group.get(group or "")


def _label(
    name: str,
    regex: str,
    role: Role = "field",
    *,
    key: str | None = None,
    by_group: dict[str, str] | None = None,
    sets_group: str | None = None,
    unit: bool = True,
) -> Label:
    full = regex + (_UNIT_IN_LABEL if unit and role == "field" else "")
    return Label(name, re.compile(full), role, key, by_group or {}, sets_group)


LABELS: tuple[Label, ...] = (
    # header and basic information
    _label("填报日期", "填[报表]日期", key="fill_date"),
    _label("单位名称", rf"(?:单位|部门)名称|部门{_L}单位{_R}名称|填报单位", key="unit_name"),
    _label("单位性质", "(?:单位|部门)性质", key="unit_nature"),
    _label("下属预算单位", "下属(?:预算)?单位", key="subordinate_units"),
    _label("联络人", "(?:(?:单位)?自评|部门|单位)?联[络系]人", key="contact_person"),
    _label("联系电话", "联[系络]电话(?:及手机)?|手机(?:号码)?", key="contact_phone"),
    _label("邮箱", "(?:电子)?邮箱|[Ee]-?[Mm]ail", key="contact_email"),
    _label("单位基本情况", "(?:单位|部门)基本情况", "stop"),
    # goals
    _label("整体绩效目标完成情况", rf"(?:部门)?整体绩效{_L}?总{_R}?目标完成情况", "tasks_outcome"),
    _label("整体绩效目标", rf"(?:部门)?整体绩效{_L}?总{_R}?目标", "tasks_goal"),
    _label("绩效目标情况", "绩效目标情况", "stop"),
    _label("未完成原因分析", "未完成原因分析", key="incomplete_reason"),
    _label("项目绩效目标", "项目绩效目标", "group", sets_group="project_goals"),
    _label("应申报项目数", "应申报项目数", key="project_planned_count", sets_group="planned"),
    _label("实际申报项目数", "实际申报项目数", key="project_declared_count", sets_group="declared"),
    _label("目标批复数", "目标批复数", key="project_approved_count", sets_group="approved"),
    _label(
        "金额",
        "金额",
        by_group={
            "planned": "project_planned_amount",
            "declared": "project_declared_amount",
            "approved": "project_approved_amount",
        },
    ),
    _label("制度措施建立情况", "制度措施建立情况", key="institutional_measures"),
    # disclosure
    _label("信息公开", "信息公开", "stop"),
    _label("自评信息", "自评信息", "group", sets_group="self_eval"),
    _label("预决算信息", "(?:部门)?预决算信息", "group", sets_group="budget"),
    _label("绩效目标", "绩效目标(?:信息)?", "group", sets_group="perf_goal"),
    _label(
        "是否公开",
        "是否公开",
        by_group={
            "self_eval": "self_eval_disclosed",
            "budget": "budget_disclosed",
            "perf_goal": "perf_goal_disclosed",
        },
    ),
    _label(
        "公开时间",
        "(?:预算)?公开(?:时间|日期)",
        by_group={
            "self_eval": "self_eval_disclosed_date",
            "budget": "budget_disclosed_date",
            "perf_goal": "perf_goal_disclosed_date",
        },
    ),
    _label(
        "公开网址",
        "公开网址|网址",
        by_group={
            "self_eval": "self_eval_disclosed_url",
            "budget": "budget_disclosed_url",
            "perf_goal": "perf_goal_disclosed_url",
        },
    ),
    # assets
    _label("部门整体管理情况", "(?:部门|单位)整体管理情况", "stop"),
    _label("资产管理规范性", "资产管理(?:规范性)?", "stop"),
    _label("制定资产管理内部制度", "制定资产管理内部制度", key="asset_rules_established"),
    _label("资产账与财务账一致", "资产账与财务账(?:相)?一致", key="asset_books_consistent"),
    _label("配置合理使用合规", "配置合理使用合规", key="asset_use_compliant"),
    _label("出租出借及处置收入上缴", "出租[、,，]?出借及处置收入上缴", key="asset_income_remitted"),
    _label("在用固定资产总额", rf"在用固定资产总额(?:{_L}原值{_R})?", key="fixed_assets_in_use"),
    _label("固定资产总额", rf"固定资产总额(?:{_L}原值{_R})?", key="fixed_assets_total"),
    _label("固定资产利用率", "固定资产利用率", key="fixed_asset_utilization"),
    # projects
    _label("检查及完工验收情况", "检查及完工验收情况", "stop"),
    _label("已完工个数", "已完工(?:个数)?", key="projects_completed"),
    _label("已验收个数", "已验收(?:个数)?", key="projects_accepted"),
    _label("项目组织实施情况", "项目组织实施情况", "stop"),
    _label("项目数量", "项目数量", key="projects_total"),
    _label("新建", "(?:其中[:：]?)?新建", key="projects_new"),
    _label("续建", "续建", key="projects_continued"),
    _label("计划当年完工", "计划当年完工", key="projects_planned_completion"),
    _label("计划当年完成验收", "计划当年完成验收", key="projects_planned_acceptance"),
    _label("项目前期情况", "项目前期情况", "stop"),
    _label("需立项数", "需立项数", key="projects_need_approval"),
    _label("已立目数", "已立[目项]数", key="projects_approved"),
    _label("有可行性研究报告", "有可行性研究报告", key="projects_feasibility_reports"),
    _label("有关立项文件名称", "有关立项[、,，]?申报[、,，]?批复等文件名称", "stop"),
    _label("调整情况", "调整情况", "stop"),
    _label("调整内容", rf"调整内容(?:{_L}超期超概算情况{_R})?", key="adjustments_count"),
    _label("情况说明", "情况说明", key="adjustments_note"),
    _label("报批手续", "报批手续", "stop"),
    _label("文件名称", "文件名称", "stop"),
    _label("管理情况", "管理情况", "stop"),
    _label("财务管理办法", rf"财务{_L}?项目{_R}?管理办法名称及文号", key="management_rules"),
    _label("其他管理办法名称", "其他管理办法名称", key="other_rules"),
    _label("工作措施", "工作措施", key="work_measures"),
    # outputs
    _label("部门整体绩效产出情况", "(?:部门|单位)整体绩效产出情况", "stop"),
    _label("经济性", "经济性", "stop"),
    _label("效率性", "效率性", "stop"),
    _label("公平性", "公平性", "stop"),
    _label("三公经费控制率", '["“]?三公["”]?经费控制率', "group", sets_group="sangong"),
    _label("公用经费控制率", "公用经费控制率", "group", sets_group="public"),
    _label(
        "预算安排数",
        "预算安排数",
        by_group={"sangong": "sangong_budget", "public": "public_budget"},
    ),
    _label(
        "实际支出数",
        "实际支出数",
        by_group={"sangong": "sangong_actual", "public": "public_actual"},
    ),
    _label(
        "控制率",
        "控制率",
        by_group={"sangong": "sangong_control_rate", "public": "public_control_rate"},
    ),
    _label("工作完成情况", rf"工作{_L}含项目{_R}完成情况", "stop"),
    _label("未完成目标原因", "未完成目标原因", "stop"),
    _label("重点工作", "重点工作", "group", sets_group="key_work"),
    _label("重大项目绩效目标", "重大项目绩效目标", "group", sets_group="major_goals"),
    _label("整体绩效目标组", "整体绩效目标", "group", sets_group="overall_goals"),
    _label("项目完成及时性", "项目完成及时性", "group", sets_group="budget_projects"),
    _label("市委督查得分", "市委督查得分", key="key_work_party_score"),
    _label("政府督查得分", "(?:市)?政府督查得分", key="key_work_gov_score"),
    _label(
        "完成率",
        "完成率",
        by_group={
            "key_work": "key_work_completion",
            "overall_goals": "overall_goals_rate",
            "major_goals": "major_goals_rate",
        },
    ),
    _label(
        "计划数",
        "计划数",
        by_group={"overall_goals": "overall_goals_planned", "major_goals": "major_goals_planned"},
    ),
    _label(
        "实际实现数",
        "实际实现数",
        by_group={
            "overall_goals": "overall_goals_achieved",
            "major_goals": "major_goals_achieved",
        },
    ),
    _label("部门预算项目数", "部门预算项目数", key="budget_projects_count"),
    _label("按期完成", "按期完成(?:数)?", key="budget_projects_on_time"),
    _label("比率", "比率", key="budget_projects_on_time_rate"),
    _label("社会效益", "社会效益", key="social_benefit"),
    _label(
        "群众意见反馈渠道", "是否有群众意见反馈渠道和群众意见办理回复机制", key="feedback_channel"
    ),
    _label("信访数量", "群众上访[、,，]?信访数量", key="petitions_count"),
    _label("按规定期限答复", "其中按规定期限答复", key="petitions_replied_on_time"),
    _label("答复数量", "答复数量", key="petitions_replied"),
    _label("满意度", "满意度", key="satisfaction_rate"),
    _label("区级部门预算单位", "区级部门预算单位", "stop"),
    _label("公章", rf"{_L}公章{_R}", "stop"),
)


# every label in one pattern (its unit group unnamed): where the next label starts, in one search
_ANY_LABEL = re.compile("|".join(f"(?:{label.pattern.pattern.replace('(?P<unit>', '(?:')})" for label in LABELS))
_SEPARATORS = re.compile(r"[:：;；,，。、\s]*")
_WHITE_SPACE = re.compile(r"\s")  # what str.isspace() says is white space
_WHITE_SPACE_RUN = re.compile(r"\s+")


class LabelMatch(NamedTuple):
    """A label found in a cell, in offsets of the cell's original text (a named tuple: the
    form reader makes one per label it meets, ~100 a form)."""

    label: Label
    start: int
    end: int
    unit: str | None
    compact_end: int


class CompactText:
    """A text with white space removed, mapping positions back to the original."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.positions: Sequence[int]
        if _WHITE_SPACE.search(text) is None:  # most cells: nothing to remove
            self.positions, self.compact = range(len(text)), text
        else:  # the stretches between runs of white space, each taken whole
            stretches = []
            at = 0
            for space in _WHITE_SPACE_RUN.finditer(text):
                stretches.append((at, space.start()))
                at = space.end()
            stretches.append((at, len(text)))
            self.positions = list(chain.from_iterable(range(start, end) for start, end in stretches))
            self.compact = "".join([text[start:end] for start, end in stretches])

    def to_original(self, index: int, *, end: bool = False) -> int:
        """Original offset of compact ``index`` (for an end offset, just past the character before)."""
        if end:
            return self.positions[index - 1] + 1 if index > 0 else 0
        return self.positions[index] if index < len(self.positions) else len(self.original)


# The form's labels are the template's: the same few hundred cell texts in every
# department's form. A text a label was found in keeps its CompactText and each label found
# in it for the rest of the process (up to _KNOWN_MAX texts, then all are forgotten and
# found again); any other text, a value, is read anew each time.
_KNOWN_MAX = 4096
_KNOWN_TEXTS: dict[str, CompactText] = {}
_KNOWN_MATCHES: dict[tuple[str, int], LabelMatch] = {}


def compact_text(text: str) -> CompactText:
    """``CompactText(text)``: the same one again for a text a label was found in."""
    known = _KNOWN_TEXTS.get(text)
    return known if known is not None else CompactText(text)


def match_label(compact: CompactText, index: int) -> LabelMatch | None:
    """The longest label starting exactly at compact ``index``, or None.

    Of the labels that match there, the longest match wins, the earlier label on a tie.
    Only the labels that can begin with the character at ``index`` are tried
    (``_CANDIDATES``). A label found is kept for its text and place (``_KNOWN_MATCHES``).
    """
    key = (compact.original, index)
    known = _KNOWN_MATCHES.get(key)
    if known is not None:
        return known
    found = _match_label(compact, index)
    if found is not None:
        if len(_KNOWN_MATCHES) >= _KNOWN_MAX:
            _KNOWN_MATCHES.clear()
            _KNOWN_TEXTS.clear()
        _KNOWN_MATCHES[key] = found
        _KNOWN_TEXTS.setdefault(compact.original, compact)
    return found


def _match_label(compact: CompactText, index: int) -> LabelMatch | None:
    text = compact.compact
    candidates = _CANDIDATES.get(text[index], _ANY_START) if index < len(text) else _ANY_START
    best: tuple[int, Label, re.Match[str]] | None = None
    for label in candidates:
        found = label.pattern.match(text, index)
        if found and (best is None or found.end() > best[0]):
            best = (found.end(), label, found)
    if best is None:
        return None
    end, label, found = best
    unit = found["unit"] if "unit" in found.re.groupindex else None
    return LabelMatch(
        label, compact.to_original(index), compact.to_original(end, end=True), unit, end
    )


def _first_chars(items: Sequence[tuple[Any, Any]]) -> tuple[set[str], bool] | None:
    """The characters a parsed pattern (``re._parser``) can begin with, and whether it can
    match nothing at all; None when that is not plain to see (a category, ``.``, a flag)."""
    from re import _constants as c  # type: ignore[attr-defined]

    first: set[str] = set()
    for op, argument in items:
        if op is c.LITERAL:
            return first | {chr(argument)}, False
        if op is c.IN:
            chars: set[str] = set()
            for item_op, value in argument:
                if item_op is c.LITERAL:
                    chars.add(chr(value))
                elif item_op is c.RANGE and value[1] - value[0] < 256:
                    chars.update(chr(code) for code in range(value[0], value[1] + 1))
                else:
                    return None  # a negated set, a category, a wide range
            return first | chars, False
        if op is c.AT:
            continue  # an anchor takes no character
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _high, sub = argument
            inner = _first_chars(sub)
        elif op is c.SUBPATTERN:
            _group, add_flags, del_flags, sub = argument
            inner = None if add_flags or del_flags else _first_chars(sub)
            low = 1
        elif op is c.BRANCH:
            inner, low = _branch_first_chars(argument[1]), 1
        else:
            return None
        if inner is None:
            return None
        chars, empty = inner
        first |= chars
        if low > 0 and not empty:
            return first, False
    return first, True  # every item can match nothing


def _branch_first_chars(branches: list[Sequence[tuple[Any, Any]]]) -> tuple[set[str], bool] | None:
    first: set[str] = set()
    empty = False
    for branch in branches:
        found = _first_chars(branch)
        if found is None:
            return None
        first |= found[0]
        empty = empty or found[1]
    return first, empty


def _candidates() -> tuple[dict[str, tuple[Label, ...]], tuple[Label, ...]]:
    """For each character, the labels (in order) that can begin with it; and the labels
    that must be tried at every place (their first character is not plain to see)."""
    from re import _parser  # type: ignore[attr-defined]

    by_char: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for index, label in enumerate(LABELS):
        found = None if label.pattern.flags & (re.IGNORECASE | re.VERBOSE) else _first_chars(
            list(_parser.parse(label.pattern.pattern, label.pattern.flags)))
        if found is None or found[1]:
            anywhere.append(index)
            continue
        for char in found[0]:
            by_char.setdefault(char, []).append(index)
    candidates = {char: tuple(LABELS[i] for i in sorted({*found, *anywhere})) for char, found in by_char.items()}
    return candidates, tuple(LABELS[i] for i in anywhere)


_CANDIDATES, _ANY_START = _candidates()


def next_label_start(compact: CompactText, index: int) -> int | None:
    """Compact index of the next place a label starts at or after ``index``."""
    found = _ANY_LABEL.search(compact.compact, index)
    return found.start() if found else None


def skip_separators(text: str, index: int) -> int:
    """Index past colons, semicolons, commas and blanks."""
    found = _SEPARATORS.match(text, index)
    return found.end() if found else index


_HEADING_NUMBER = re.compile(r"(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])")


def label_start(compact: CompactText) -> int:
    """Where a cell's first label starts: past separators, and past a heading's number
    (``一、单位基本情况``, ``（二）信息公开``) when the number heads nothing but a label."""
    start = skip_separators(compact.compact, 0)
    numbered = _HEADING_NUMBER.match(compact.compact, start)
    if numbered:
        found = match_label(compact, numbered.end())
        if found is not None and skip_separators(compact.compact, found.compact_end) == len(compact.compact):
            return numbered.end()
    return start


def starts_with_label(text: str) -> bool:
    """True when a cell begins with one of the form's labels."""
    compact = compact_text(text)
    return match_label(compact, label_start(compact)) is not None
