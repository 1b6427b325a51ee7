"""The numbered tasks: goals (整体绩效（总）目标) joined with their outcome paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = "一二三四五六七八九十"
_TASK_MARKER = re.compile(
    r"(?:(?<![\d.．])\d{1,2}\s*[.．、]\s*|[（(]\d{1,2}[)）]\s*)?"
    rf"任务\s*(?P<no>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*[:：]"
)
# an item number stands at the start, or after white space or a clause's end
_ITEM_NUMBER = re.compile(
    rf"(?:^|(?<=[\s；;。：:]))(?:(?P<no>\d{{1,2}})\s*[.．、](?!\d)|[（(](?P<paren>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})[)）]"
    rf"|(?P<cn>[{_CN_DIGITS}]{{1,3}})、)"
)
_GOAL_TAIL = "；;。.，, \n"


@dataclass(frozen=True)
class NumberedItem:
    """One numbered paragraph: its number and ``[start, end)`` in the text it was found in."""

    no: int
    start: int
    end: int


@dataclass(frozen=True)
class Task:
    """A task goal with the same-numbered outcome; spans point into the document text."""

    no: int
    goal: str | None
    outcome: str | None
    goal_span: tuple[int, int] | None
    outcome_span: tuple[int, int] | None


def split_numbered(text: str, *, strip_tail: str = "") -> list[NumberedItem]:
    """Split ``1. 任务1：… 2. 任务2：…`` (or lines numbered ``1.``) into items in order."""
    markers = [(number_value(m["no"]), m.start(), m.end()) for m in _TASK_MARKER.finditer(text)]
    if not markers:
        markers = [(_item_number(m), m.start(), m.end()) for m in _ITEM_NUMBER.finditer(text)]
    sequence: list[tuple[int, int, int]] = []
    for no, start, end in markers:
        # numbers mentioned inside a paragraph are not markers: the sequence runs 1, 2, 3 …
        if no == len(sequence) + 1:
            sequence.append((no, start, end))
    items = []
    for index, (no, _, body_start) in enumerate(sequence):
        body_end = sequence[index + 1][1] if index + 1 < len(sequence) else len(text)
        start, end = _trim(text, body_start, body_end, strip_tail)
        items.append(NumberedItem(no, start, end))
    return items


def _item_number(match: re.Match[str]) -> int:
    return number_value(match["no"] or match["paren"] or match["cn"])


def number_value(written: str) -> int:
    """An item number written ``3`` or ``三`` (一 … 九十九) as an int."""
    if written.isdigit():
        return int(written)
    # 一 … 十九: enough for the tasks of one form
    if written.startswith("十"):
        return 10 + (_CN_DIGITS.index(written[1]) + 1 if len(written) > 1 else 0)
    if len(written) > 1 and written[1] == "十":
        return (_CN_DIGITS.index(written[0]) + 1) * 10 + (_CN_DIGITS.index(written[2]) + 1 if len(written) > 2 else 0)
    return _CN_DIGITS.index(written[0]) + 1


def _trim(text: str, start: int, end: int, tail: str) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in tail):
        end -= 1
    return start, end


def pair_tasks(
    text: str, goals_region: tuple[int, int] | None, outcomes_region: tuple[int, int] | None
) -> tuple[list[Task], list[str]]:
    """Join numbered goals and outcomes found in two regions of ``text``; return tasks and doubts."""
    return join_tasks(
        text, _items(text, goals_region, _GOAL_TAIL), _items(text, outcomes_region, "")
    )


def join_tasks(
    text: str, goals: dict[int, tuple[int, int]], outcomes: dict[int, tuple[int, int]]
) -> tuple[list[Task], list[str]]:
    """Tasks from goal and outcome spans keyed by number, with a doubt for every unpaired one."""
    warnings: list[str] = []
    numbers = sorted(set(goals) | set(outcomes))
    tasks = []
    for no in numbers:
        goal, outcome = goals.get(no), outcomes.get(no)
        if goal is None:
            warnings.append(f"任务{no}有完成情况但没有目标 / task outcome {no} has no matching task goal")
        if outcome is None:
            warnings.append(f"任务{no}有目标但没有完成情况 / task goal {no} has no outcome paragraph")
        tasks.append(
            Task(
                no,
                text[goal[0] : goal[1]] if goal else None,
                text[outcome[0] : outcome[1]] if outcome else None,
                goal,
                outcome,
            )
        )
    if goals and len(outcomes) < len(goals):
        warnings.append(
            f"完成情况少于目标（{len(outcomes)}/{len(goals)}） / "
            f"fewer outcomes ({len(outcomes)}) than goals ({len(goals)})"
        )
    return tasks, warnings


def region_items(
    text: str, region: tuple[int, int] | None, *, goal: bool
) -> dict[int, tuple[int, int]]:
    """The numbered items of a goals (``goal=True``) or outcomes region, by number."""
    return _items(text, region, _GOAL_TAIL if goal else "")


def trim_item(text: str, start: int, end: int, *, goal: bool) -> tuple[int, int]:
    """A single item's span without its leading number and (for a goal) its closing mark."""
    match = _LEADING_NUMBER.match(text, start, end)
    if match:
        start = match.end()
    return _trim(text, start, end, _GOAL_TAIL if goal else "")


_LEADING_NUMBER = re.compile(
    rf"\s*(?:(?:\d{{1,2}}\s*[.．、](?!\d)|[（(](?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})[)）]|[{_CN_DIGITS}]{{1,3}}、)\s*)?"
    rf"(?:任务\s*(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*[:：]\s*)?"
)


def _items(text: str, region: tuple[int, int] | None, tail: str) -> dict[int, tuple[int, int]]:
    if region is None:
        return {}
    base, end = region
    return {
        item.no: (base + item.start, base + item.end)
        for item in split_numbered(text[base:end], strip_tail=tail)
        if item.end > item.start
    }
