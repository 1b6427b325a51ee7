"""Types of the C helper pipeline/figures/_segment.c (see there)."""

from collections.abc import Callable, Iterable

def get_dag(sentence: str, freq: dict[str, int], /) -> dict[int, list[int]]: ...
def calc(sentence: str, dag: dict[int, list[int]], route: dict[int, tuple[float, int]],
         freq: dict[str, int], logtotal: float, /) -> None: ...
def cut_block(
    block: str, freq: dict[str, int], logtotal: float, hmm_cut: Callable[[str], Iterable[str]] | None, /,
) -> list[str]: ...
