"""Yes/no marks drawn with symbol fonts, turned into the characters they show.

Word's Insert Symbol and WPS store a tick or a box as a letter or a private-use code point
in Wingdings / Wingdings 2 (``R`` in Wingdings 2 is ☑, ``£`` is □); PDFs exported from such
files keep the letter, or U+F0xx, with the font's name. Readers pass every such character
through ``glyph`` so that the form reader sees √ ☑ □ as printed.
"""

from __future__ import annotations

import re
from typing import Any

_GLYPHS = {
    "wingdings": {"ü": "√", "û": "×", "þ": "☑", "ý": "☒", "¨": "□", "o": "□", "n": "■", "l": "●"},
    "wingdings2": {"P": "√", "O": "×", "R": "☑", "S": "☒", "T": "☒", "Q": "☒", "£": "□", "¢": "□"},
}
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def symbol_table(font: str | None) -> dict[str, str]:
    """What the letters of a symbol font show; empty for an ordinary font."""
    if not font:
        return {}
    name = _SUBSET_PREFIX.sub("", font).lower()
    name = re.sub(r"[\s_-]|regular|bold|italic|,", "", name)
    return _GLYPHS.get(name, {})


def glyph(font: str | None, char: str) -> str:
    """The character as printed: a symbol-font letter or U+F0xx becomes its mark."""
    table = symbol_table(font)
    if not table:
        return char
    if len(char) == 1 and 0xF000 <= ord(char) <= 0xF0FF:
        char = chr(ord(char) - 0xF000)  # symbol fonts sit in the private-use area too
    return table.get(char, char)


# --- marks on a scan -------------------------------------------------------------------

_OPTIONS = "是否"
_BOX_LIKE = "□☐☑☒■口"
_TICK_LIKE = "√✓✔Vv"
# ink inside a box's frame above this share of its area: the box is ticked or filled
_FILLED = 0.18


def ocr_marks(lines: list[Any], ink: Any) -> list[Any]:
    """Yes/no marks of recognised lines, read by their shape where the recogniser guesses.

    A recogniser reads an empty box as 口 and a tick in brackets as V; beside 是/否 those are
    □ and √. Every box beside an option is then judged by the ink inside its frame (ticked
    or filled → ☑, empty → □), and its confidence says how clear that ink was. ``ink`` is
    the binarised page (255 = ink) without its ruling lines, in the lines' pixels.
    """
    _lone_ticks(lines)
    for line in lines:
        if not any(ch in _OPTIONS for ch in line.text):
            continue
        _boxes_misread(line, ink)
        boxes = line.char_boxes
        for i, (ch, confidence, box) in enumerate(boxes):
            beside = [boxes[j][0] for j in (i - 1, i + 1) if 0 <= j < len(boxes)]
            near_option = any(c in _OPTIONS for c in beside) or _in_brackets_after_option(boxes, i)
            in_options = _is_option_line(_as_marks(line.text))
            if not (near_option or in_options) and not (ch in "□☑☐☒■" and any(c in _OPTIONS for c in line.text)):
                continue
            if ch in _TICK_LIKE:
                boxes[i] = ("√", confidence, box)
            elif ch in _BOX_LIKE:
                boxes[i] = _checked_box(ink, ch, confidence, box)
        line.text = _respell(line.text, [ch for ch, _, _ in boxes])
    _add_unread_boxes(lines, ink)
    return lines


def _boxes_misread(line: Any, ink: Any) -> None:
    """A box the recogniser read as a character (☒ as 区) beside an option: known by its shape.

    Only where the line would be a line of options with that character a box, so a label's
    own characters (是国家…) are never taken for one; and only where its ink is a square frame.
    """
    boxes = line.char_boxes
    beside = [i for i, (ch, _, _) in enumerate(boxes) if ch not in _OPTIONS + _BOX_LIKE + _TICK_LIKE + "()（）"
              and any(0 <= j < len(boxes) and boxes[j][0] in _OPTIONS for j in (i - 1, i + 1))]
    if not beside:
        return
    chars = [("□" if i in beside else ch) for i, (ch, _, _) in enumerate(boxes)]
    if not _is_option_line(_as_marks("".join(chars))):
        return
    for i in beside:
        ch, confidence, box = boxes[i]
        mark, certainty = _judge_box(ink, box, tight=True)
        if mark is not None:
            boxes[i] = (mark, round(min(confidence, certainty * 0.9), 4), box)
    line.text = _respell(line.text, [ch for ch, _, _ in boxes])


def _as_marks(text: str) -> str:
    """A line's text with what the recogniser makes of marks (V for √, 口 for □) as the marks."""
    return text.replace("V", "√").replace("v", "√").replace("口", "□")


def _is_option_line(text: str) -> bool:
    """A line of yes/no options (``☑是 □否``, ``否``), not a label such as 是否公开."""
    rest = re.sub(r"[\s□☐☑☒■√✓✔()（）]", "", text)
    return bool(rest) and set(rest) <= set(_OPTIONS)


def _add_unread_boxes(lines: list[Any], ink: Any) -> None:
    """Boxes the recogniser left out beside an option: found by shape, judged by their ink.

    A box printed first in a narrow cell is often dropped by the text detector; the ink is
    still there, a glyph-sized square right before or after 是/否 that no recognised
    character covers.
    """
    covered = [box for line in lines for _, _, box in line.char_boxes]
    for line in lines:
        # ticks and bracketed answers (是 √ 否, 是（√）) have no boxes to have dropped
        if not _is_option_line(line.text) or any(ch in line.text for ch in "√✓✔()（）"):
            continue
        index = 0
        while index < len(line.char_boxes):
            ch, _, box = line.char_boxes[index]
            if ch in _OPTIONS:
                height = box[3] - box[1]
                for side in (-1, 1):
                    neighbour = index + side
                    if 0 <= neighbour < len(line.char_boxes) and line.char_boxes[neighbour][0] not in _OPTIONS:
                        continue
                    found = _box_beside(ink, box, side, height, covered)
                    if found is None:
                        continue
                    mark, certainty = _judge_frame(ink, found)
                    at = index if side < 0 else index + 1
                    _insert_char(line, at, mark, certainty * 0.9, found)
                    covered.append(found)
                    if side < 0:
                        index += 1
            index += 1


def _box_beside(ink: Any, box: Any, side: int, height: float, covered: list[Any]) -> Any:
    """The pixel box of a glyph-sized square frame just left (side -1) or right (+1) of ``box``."""
    import numpy as np

    top, bottom = int(box[1]), int(box[3])
    # the recogniser's box of the option may start over the mark it dropped: overlap it
    centre = (box[0] + box[2]) / 2
    x0 = int(box[0] - 1.4 * height) if side < 0 else int(min(centre, box[2] - 0.6 * height))
    x1 = int(max(centre, box[0] + 0.6 * height)) if side < 0 else int(box[2] + 1.4 * height)
    x0 = max(0, x0)
    region = np.ascontiguousarray(ink[max(0, top):bottom, x0:x1])
    if region.size == 0:
        return None
    # a box is about the size of the option's glyph, whatever room the recogniser's line gives
    # it, and stands beside the glyph, not inside it (the 日 of 是 is no box). The option's
    # ink may take in the boxes its box covers, so the glyph is the square (CJK glyphs are)
    # from its far side: from its ink's left for a box after it, its right for one before.
    glyph_top, glyph_left, glyph_bottom, glyph_right = _ink_extent(ink, box)
    glyph = glyph_bottom - glyph_top
    size = glyph or 0.7 * height
    frames = _frames(region > 0, int(0.55 * size), int(1.1 * size))
    # nearest the option first
    frames.sort(key=lambda f: -f[2] if side < 0 else f[0])
    for fx0, fy0, fx1, fy1 in frames:
        found = (float(x0 + fx0), float(top + fy0), float(x0 + fx1), float(top + fy1))
        if glyph and (found[2] > glyph_right - glyph + 1 if side < 0 else found[0] < glyph_left + glyph - 1):
            continue
        cx, cy = (found[0] + found[2]) / 2, (found[1] + found[3]) / 2
        if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] and (b[2] - b[0]) < 1.3 * height
               and not (b[0] <= box[0] + 1 and b[2] >= box[2] - 1) for b in covered):
            continue
        return found
    return None


def _ink_extent(ink: Any, box: Any) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of the ink of the line in ``box`` (pixels); zeros when none.

    Only shapes that cross the middle of the box count: the lines above and below, which a
    recogniser's box of a tightly set cell reaches into, do not.
    """
    import cv2
    import numpy as np

    top, left = max(0, int(box[1])), max(0, int(box[0]))
    region = np.ascontiguousarray(ink[top:int(box[3]), left:int(box[2])])
    if not region.size or not region.any():
        return 0, 0, 0, 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    height = region.shape[0]
    middle = set(np.unique(labels[int(0.4 * height):int(0.6 * height) + 1])) - {0}
    if not middle:
        return 0, 0, 0, 0
    kept = stats[sorted(middle)]
    return (top + int(kept[:, 1].min()), left + int(kept[:, 0].min()),
            top + int((kept[:, 1] + kept[:, 3]).max()), left + int((kept[:, 0] + kept[:, 2]).max()))


def _frames(ink: Any, smallest: int, largest: int) -> list[tuple[int, int, int, int]]:
    """Square frames in a binary region: windows whose four sides are inked (a □, ☑ or ■).

    Found with running sums, so a frame touching the glyph beside it (one shape to a
    component search) is still found.
    """
    import numpy as np

    height, width = ink.shape
    # sides are 1-3 px thick: widen each pixel by one towards the window's inside
    wide_v = ink | np.roll(ink, -1, axis=1)
    wide_h = ink | np.roll(ink, -1, axis=0)
    down = np.vstack([np.zeros((1, width), int), np.cumsum(wide_v, axis=0)])
    across = np.hstack([np.zeros((height, 1), int), np.cumsum(wide_h, axis=1)])
    found: list[tuple[int, int, int, int]] = []
    for size in range(max(6, smallest), min(largest, height, width) + 1):
        columns = down[size:, :] - down[:-size, :]  # (height - size + 1, width): ink down each column
        rows = across[:, size:] - across[:, :-size]  # (height, width - size + 1): ink along each row
        need = 0.8 * size
        n_y, n_x = height - size + 1, width - size + 1
        left = columns[:n_y, :n_x] >= need
        right = columns[:n_y, size - 2:size - 2 + n_x] >= need
        top = rows[:n_y, :n_x] >= need
        bottom = rows[size - 2:size - 2 + n_y, :n_x] >= need
        ys, xs = np.nonzero(left & right & top & bottom)
        found.extend((int(x), int(y), int(x) + size, int(y) + size) for y, x in zip(ys, xs, strict=True))
    # one frame per place: the largest window found there
    found.sort(key=lambda f: -(f[2] - f[0]))
    kept: list[tuple[int, int, int, int]] = []
    for frame in found:
        if not any(abs(frame[0] - k[0]) <= k[2] - k[0] and abs(frame[1] - k[1]) <= k[3] - k[1] for k in kept):
            kept.append(frame)
    return kept


def _insert_char(line: Any, at: int, ch: str, confidence: float, box: Any) -> None:
    """Put a character into a line before its ``at``-th non-blank character (or at its end)."""
    line.char_boxes.insert(at, (ch, round(confidence, 4), (box[0], line.box[1], box[2], line.box[3])))
    seen = 0
    for position, existing in enumerate(line.text):
        if existing.isspace():
            continue
        if seen == at:
            line.text = line.text[:position] + ch + line.text[position:]
            return
        seen += 1
    line.text += ch


def _checked_box(ink: Any, ch: str, confidence: float, box: Any) -> tuple[str, float, Any]:
    """A recognised box, confirmed by the ink inside its frame; a disagreement is a doubt.

    Agreement raises the confidence to the clearer of the two readings; on disagreement the
    recogniser's reading stands with a confidence low enough to be a warning.
    """
    read = "□" if ch in "□☐口" else ("■" if ch == "■" else "☑")
    mark, certainty = _judge_box(ink, box, tight=True)
    if mark is None:
        return read, confidence, box
    shape = "■" if read == "■" and mark == "☑" else mark
    if (shape == "□") == (read == "□"):
        return read, max(confidence, certainty), box
    # the recogniser saw the glyph whole; the ink test may have caught a neighbour: a doubt
    return read, min(confidence, 0.5), box


def _lone_ticks(lines: list[Any]) -> None:
    """A V read on its own near a line of options is the tick √.

    A narrow cell wraps 是（√）否（ ） over lines (是（ / √） / 否（ ）); the recogniser then
    reads the tick alone, as V, right beside or under its option.
    """
    for line in lines:
        if re.sub(r"[\s()（）]", "", line.text) not in ("V", "v"):
            continue
        x0, top, x1, bottom = line.box
        height = bottom - top
        for other in lines:
            ox0, otop, ox1, obottom = other.box
            near_x = ox0 - 2 * height <= x1 and x0 <= ox1 + 2 * height
            near_y = otop - 1.5 * height <= bottom and top <= obottom + 1.5 * height
            if other is not line and near_x and near_y and any(ch in _OPTIONS for ch in other.text):
                line.char_boxes = [("√" if ch in "Vv" else ch, c, b) for ch, c, b in line.char_boxes]
                line.text = line.text.replace("V", "√").replace("v", "√")
                break


def _in_brackets_after_option(boxes: list[tuple[str, float, Any]], i: int) -> bool:
    """``是（V）``: the character sits in brackets right after an option."""
    return (0 < i < len(boxes) - 1 and boxes[i - 1][0] in "(（" and boxes[i + 1][0] in ")）"
            and i >= 2 and boxes[i - 2][0] in _OPTIONS)


def _judge_box(ink: Any, box: Any, *, tight: bool = False) -> tuple[str | None, float]:
    """Whether the box drawn near ``box`` (pixels) holds a tick: by the ink inside its frame.

    The frame is the squarest ink shape near the character's place, the size of a glyph;
    the middle half of it is empty in □ and inked in ☑ and ■.
    """
    import cv2
    import numpy as np

    x0, top, x1, bottom = (int(round(v)) for v in box)
    height = bottom - top
    if height <= 4:
        return None, 0.0
    # a recognised glyph's own box keeps its neighbours (是, which may touch it) out
    margin = 2 if tight else height // 2
    left = max(0, x0 - margin)
    region = np.ascontiguousarray(ink[max(0, top):bottom, left:x1 + margin])
    if region.size == 0:
        return None, 0.0
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    centre = (x0 + x1) / 2 - left
    best = None
    for x, y, w, h, _area in stats[1:count]:
        if not (0.35 * height <= h <= 1.1 * height and 0.6 <= w / h <= 1.6) or not _is_frame(region, x, y, w, h):
            continue
        distance = abs(x + w / 2 - centre)
        if best is None or distance < best[0]:
            best = (distance, x, y, w, h)
    if best is None:
        return None, 0.0
    _, x, y, w, h = best
    inner = region[y + h // 4: y + h - h // 4, x + w // 4: x + w - w // 4]
    if inner.size == 0:
        return None, 0.0
    return _mark_of(float((inner > 0).mean()))


def _judge_frame(ink: Any, frame: Any) -> tuple[str, float]:
    """Whether a frame found by its shape (pixels, its four sides inked) holds a tick: by the
    ink in the middle half of it (a neighbour touching the frame is no part of that)."""
    x0, top, x1, bottom = (int(round(v)) for v in frame)
    w, h = x1 - x0, bottom - top
    inner = ink[top + h // 4:bottom - h // 4, x0 + w // 4:x1 - w // 4]
    share = float((inner > 0).mean()) if inner.size else 0.0
    return _mark_of(share)


def _mark_of(share: float) -> tuple[str, float]:
    """☑ or □ by the share of ink inside a frame, and how clear that share is (0.5-1)."""
    mark = "☑" if share > _FILLED else "□"
    return mark, round(min(1.0, 0.5 + abs(share - _FILLED) / _FILLED), 4)


def _is_frame(region: Any, x: int, y: int, w: int, h: int) -> bool:
    """Whether the shape at (x, y, w, h) is a box: ink all along its four sides, as no glyph has."""
    def inked(strip: Any) -> bool:
        return bool(strip.size) and float((strip > 0).mean()) >= 0.75

    shape = region[y:y + h, x:x + w]
    sides = (shape[:2].max(axis=0), shape[-2:].max(axis=0), shape[:, :2].max(axis=1), shape[:, -2:].max(axis=1))
    return all(inked(side) for side in sides)


def _respell(text: str, chars: list[str]) -> str:
    """The line's text with its non-blank characters replaced, one for one, blanks kept."""
    it = iter(chars)
    return "".join(ch if ch.isspace() else next(it, "") for ch in text)
