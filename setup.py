"""The compiled parts of jixiao; everything else is in pyproject.toml.

Every part here is optional: where the machine has no C compiler (or mypyc cannot compile a
module) the install still succeeds and jixiao reads the same, slower (docs/operations.md).

- Three C helpers (issue 10): the page source's bulk PDFium calls (``extractors/_pdfium_bulk.c``),
  the PDF assembly's per-character steps (``extractors/_assemble*.c``) and jieba's word graph
  (``pipeline/figures/_segment.c``). Each has a Python twin the tests hold it to.
- The form reader and the number reader compiled with mypyc (``pipeline/_compiled.py`` lists
  the modules): the same Python, type-annotated and checked by mypy, as C. mypyc is mypy's
  own compiler (mypy itself ships built with it). ``JIXIAO_PURE_PYTHON=1`` at install skips it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
# no fused multiply-add: the same float operations as the Python they stand in for
FLOAT_FLAGS = ["-O2", "-ffp-contract=off"]

HELPERS = [
    Extension("extractors._pdfium_bulk", ["extractors/_pdfium_bulk.c"],
              extra_compile_args=FLOAT_FLAGS, optional=True),
    Extension("pipeline.figures._segment", ["pipeline/figures/_segment.c"],
              extra_compile_args=FLOAT_FLAGS, optional=True),
    Extension("extractors._assemble", [
        "extractors/_assemble.c",
        "extractors/_assemble_chars.c",
        "extractors/_assemble_text.c",
        "extractors/_assemble_grid.c",
        "extractors/_assemble_paths.c",
    ], depends=["extractors/_assemble.h"], extra_compile_args=FLOAT_FLAGS, optional=True),
]


def _load_compiled() -> ModuleType:
    """pipeline/_compiled.py (standard library only), without importing the package."""
    spec = importlib.util.spec_from_file_location("_jixiao_compiled", HERE / "pipeline" / "_compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_compiled = _load_compiled()


def _warn(message: str) -> None:
    print(f"jixiao setup.py: {message}; the reading path stays pure Python (the same readings, slower)",
          file=sys.stderr)


def compiled_modules() -> tuple[list[Extension], str]:
    """The mypyc extensions of pipeline/_compiled.py's MODULES, and the record of their sources."""
    if os.environ.get(_compiled.PURE_ENV):
        return [], ""
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not installed")
        return [], ""
    paths = [_compiled.source_path(module).relative_to(HERE).as_posix() for module in _compiled.MODULES]
    record = _compiled.record(HERE)  # what mypy sees: the listed modules and what they import
    try:
        extensions = mypycify(paths, group_name=_compiled.GROUP)
    except (Exception, SystemExit) as exc:  # mypy found an error: SystemExit  # noqa: BLE001
        _warn(f"mypyc could not compile ({type(exc).__name__}: {exc})")
        return [], ""
    for extension in extensions:
        extension.optional = True
        extension.extra_compile_args = [*extension.extra_compile_args, "-ffp-contract=off"]
    return extensions, record


class BuildExt(build_ext):
    """build_ext that writes the record of the compiled sources beside the library it built.

    Only when the library was built (or found up to date) in this run: where its compile
    failed, the record is removed and the listed modules run from their sources, never from
    a library of an earlier build (pipeline/_compiled.py).
    """

    def run(self) -> None:
        self.built_library = False
        super().run()
        library = Path(self.get_ext_fullpath(LIBRARY))
        record = library.with_name(_compiled.BUILD_RECORD)
        if self.built_library and RECORD:
            record.write_text(RECORD, encoding="ascii")
        else:
            record.unlink(missing_ok=True)

    def build_extension(self, ext: Extension) -> None:
        super().build_extension(ext)  # raises where the compile fails
        if ext.name == LIBRARY:
            self.built_library = True


LIBRARY = f"{_compiled.GROUP}__mypyc"  # mypyc's name for the group's shared library
COMPILED, RECORD = compiled_modules()
setup(ext_modules=[*HELPERS, *COMPILED], cmdclass={"build_ext": BuildExt})
