"""Types of the C helper pipeline/figures/_segment.c (see there)."""

from collections.abc import Callable, Iterable
from typing import Any

def cut_block(
    block: str, freq: dict[str, int] | Words, logtotal: float, hmm_cut: Callable[[str], Iterable[str]] | None, /,
) -> list[str]: ...
def hmm_block(block: str, start_p: Any, trans_p: Any, emit_p: Any, /) -> list[str]: ...

class Words:
    """jieba's FREQ as a compact table for cut_block (see _segment.c)."""

    size: int
    logtotal: float
    def __init__(self, freq: dict[str, Any], logtotal: float) -> None: ...
    def get(self, word: str, /) -> tuple[bool, float] | None: ...

class Emissions:
    """finalseg's emission tables as one compact table for hmm_block (see _segment.c)."""

    def __init__(self, emit_p: Any) -> None: ...
