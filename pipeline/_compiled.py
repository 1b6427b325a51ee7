"""The reading path compiled with mypyc, and the guard that never lets a stale build run.

The install compiles the modules of ``MODULES`` to C with mypyc (``setup.py``; issue 10: the
form reader and the number reader are pure Python, ~2 ms of a PDF page). A compiled module is
a ``.so`` beside its ``.py``, and Python imports the ``.so`` first: after an edit to the
``.py`` an editable install would go on running the old code. So the build records the sha256
of every ``.py`` of ``pipeline/`` and ``extractors/`` (``BUILD_RECORD``): the listed modules,
and what mypy saw of the others when it compiled them (the types the compiled code checks).
``guard()``, run by ``pipeline/__init__.py`` before any of these modules is imported, checks
them. Where one differs, the compiled library is missing, or ``JIXIAO_PURE_PYTHON`` is set,
every module of the list is imported from its ``.py``: all of them, because compiled modules
call each other directly, past the import system.

The readings are the same either way (``tests/test_compiled.py``); only the speed differs.
This module itself is never compiled.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# the modules compiled by setup.py: the form reader, the number reader and the checks, with
# what they import on their hot path. extract.py stays Python (tests replace its callees).
MODULES = (
    "pipeline.checks",
    "pipeline.coverage",
    "pipeline.facts",
    "pipeline.fields",
    "pipeline.form",
    "pipeline.labels",
    "pipeline.layout",
    "pipeline.ocr_doubts",
    "pipeline.task_table",
    "pipeline.tasks",
    "pipeline.values",
    "pipeline.figures.candidate",
    "pipeline.figures.change",
    "pipeline.figures.combine",
    "pipeline.figures.estimates",
    "pipeline.figures.fact",
    "pipeline.figures.groups",
    "pipeline.figures.lexicon",
    "pipeline.figures.metric",
    "pipeline.figures.normal",
    "pipeline.figures.numerals",
    "pipeline.figures.patterns",
    "pipeline.figures.reader",
    "pipeline.figures.sentences",
    "pipeline.figures.units",
    "pipeline.figures.written",
)
GROUP = "pipeline._compiled"  # the shared library is pipeline/_compiled__mypyc.*.so
BUILD_RECORD = "_compiled.sha256"  # written by setup.py beside this file: "sha256  path"
PACKAGES = ("pipeline", "extractors")  # whose every .py the record holds
PURE_ENV = "JIXIAO_PURE_PYTHON"

_ROOT = Path(__file__).resolve().parent.parent
_state: str | None = None


def source_path(module: str) -> Path:
    """The ``.py`` of a module of ``MODULES``."""
    return _ROOT.joinpath(*module.split(".")).with_suffix(".py")


def sources(root: Path) -> list[str]:
    """Every ``.py`` of the packages under ``root``, as posix paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for package in PACKAGES for p in (root / package).rglob("*.py"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(root: Path) -> str:
    """The build's record of the sources under ``root``: a line ``sha256  path`` each."""
    return "".join(f"{digest(root / path)}  {path}\n" for path in sources(root))


def state() -> str:
    """How the modules of ``MODULES`` run: ``compiled``, or why not (``pure``: asked for by
    ``JIXIAO_PURE_PYTHON``; ``not built``; ``stale``: a source changed since the build)."""
    global _state
    if _state is None:
        _state = _find_state()
    return _state


def _find_state() -> str:
    if os.environ.get(PURE_ENV):
        return "pure"
    here = Path(__file__).resolve().parent
    if importlib.machinery.PathFinder.find_spec(f"{GROUP}__mypyc", [str(here)]) is None:
        return "not built"
    try:
        lines = (here / BUILD_RECORD).read_text(encoding="ascii").split("\n")
    except (OSError, UnicodeDecodeError):
        return "not built"
    recorded = {}
    for line in lines:
        value, _, path = line.partition("  ")
        if path:
            recorded[path] = value
    listed = {source_path(module).relative_to(_ROOT).as_posix() for module in MODULES}
    try:
        fresh = listed <= recorded.keys() and all(
            digest(_ROOT / path) == value for path, value in recorded.items())
    except OSError:  # a recorded source is gone
        return "stale"
    return "compiled" if fresh else "stale"


class _FromSource(importlib.abc.MetaPathFinder):
    """Imports the modules of ``MODULES`` from their ``.py``, past a compiled ``.so``."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, source_path(fullname))


def guard() -> None:
    """Run the Python sources unless the compiled build is there and matches them."""
    if state() != "compiled" and not any(isinstance(f, _FromSource) for f in sys.meta_path):
        sys.meta_path.insert(0, _FromSource())


def compiled(module: ModuleType) -> bool:
    """Whether ``module`` was loaded from a compiled extension."""
    spec = getattr(module, "__spec__", None)
    return spec is not None and isinstance(spec.loader, importlib.machinery.ExtensionFileLoader)
