"""The reading path compiled with mypyc (``setup.py``, ``pipeline/_compiled.py``; issue 10).

The install compiles the form reader and the number reader; the rest of the suite runs them
compiled. Here: that the build is the one in use, that it reads every fixture exactly as the
Python sources do, and that a build older than its sources is never run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import _compiled
from pipeline.extract import extract_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# every submission fixture, and one scan (OCR: seconds a page)
SUBMISSIONS = sorted(
    p for p in FIXTURES.rglob("*")
    if p.suffix in (".pdf", ".docx", ".txt") and "scan" not in str(p.relative_to(FIXTURES))
) + [FIXTURES / "scans" / "hsjd_2023.lo.scan.pdf"]

_READ_ALL = """
import json, sys
from pathlib import Path
from pipeline.extract import extract_file
from extractors.errors import JixiaoError
out = {}
for name in sys.argv[1:]:
    try:
        reading = extract_file(Path(name))
        reading.pop("extracted_at", None)
        reading["source"].pop("ocr_pages", None)  # how long OCR took
        out[name] = reading
    except JixiaoError as exc:
        out[name] = exc.error_code
print(json.dumps(out, ensure_ascii=False, sort_keys=True, default=str))
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_compiled_build_is_in_use() -> None:
    assert _compiled.state() == "compiled", (
        f"the reading path is not compiled ({_compiled.state()}): run `pip install -e .` again"
    )
    import pipeline.figures.reader
    import pipeline.form

    assert _compiled.compiled(pipeline.form) and _compiled.compiled(pipeline.figures.reader)


def test_every_listed_module_is_a_module_of_the_package() -> None:
    for module in _compiled.MODULES:
        assert _compiled.source_path(module).is_file(), module
    assert "pipeline._compiled" not in _compiled.MODULES  # the guard itself stays Python
    assert "pipeline.extract" not in _compiled.MODULES  # tests replace its callees


def test_compiled_and_python_read_every_fixture_the_same() -> None:
    assert len(SUBMISSIONS) > 200
    names = [str(p) for p in SUBMISSIONS]
    pure = json.loads(_run(_READ_ALL, *names, env={_compiled.PURE_ENV: "1"}))
    assert len(pure) == len(names)
    for name in names:
        try:
            reading = extract_file(Path(name))
            reading.pop("extracted_at", None)
            reading["source"].pop("ocr_pages", None)
            ours: object = json.loads(json.dumps(reading, ensure_ascii=False, sort_keys=True, default=str))
        except Exception as exc:  # noqa: BLE001 - the error code is the reading
            ours = getattr(exc, "error_code", repr(exc))
        assert ours == pure[name], name


_STATE = """
import pipeline, pipeline._compiled as c
import pipeline.figures.reader as reader
print(c.state(), c.compiled(reader), reader.__file__, sep="|")
"""


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the built package, to change a source or the build's record in."""
    if _compiled.state() != "compiled":
        pytest.fail(f"the reading path is not compiled ({_compiled.state()}): run `pip install -e .` again")
    for package in _compiled.PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _state_in(root: Path, **env: str) -> list[str]:
    return _run(_STATE, env={"PYTHONPATH": str(root), **env}, cwd=root).strip().split("|")


def test_a_copy_of_the_build_runs_compiled(package_copy: Path) -> None:
    state, compiled, path = _state_in(package_copy)
    assert (state, compiled) == ("compiled", "True")
    assert path.startswith(str(package_copy))


def test_a_source_changed_after_the_build_runs_every_module_from_source(package_copy: Path) -> None:
    units = package_copy / "pipeline" / "figures" / "units.py"
    units.write_text(units.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    state, compiled, path = _state_in(package_copy)
    assert (state, compiled) == ("stale", "False")  # reader.py itself did not change
    assert path == str(package_copy / "pipeline" / "figures" / "reader.py")


def test_a_module_the_compiled_ones_import_changed_runs_them_from_source(package_copy: Path) -> None:
    # not compiled, but the compiled code was built against its types
    document = package_copy / "extractors" / "document.py"
    document.write_text(document.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _state_in(package_copy)[:2] == ["stale", "False"]


def test_the_record_holds_every_source_of_both_packages() -> None:
    record = (ROOT / "pipeline" / _compiled.BUILD_RECORD).read_text(encoding="ascii")
    assert record == _compiled.record(ROOT)  # the build is in use: it matches every source
    paths = [line.split("  ")[1] for line in record.splitlines()]
    assert "pipeline/figures/reader.py" in paths and "extractors/document.py" in paths


def test_no_record_of_the_build_runs_the_sources(package_copy: Path) -> None:
    (package_copy / "pipeline" / _compiled.BUILD_RECORD).unlink()
    assert _state_in(package_copy)[:2] == ["not built", "False"]


def test_the_library_missing_runs_the_sources(package_copy: Path) -> None:
    for library in (package_copy / "pipeline").glob("_compiled__mypyc.*"):
        library.unlink()
    assert _state_in(package_copy)[:2] == ["not built", "False"]


def test_pure_python_on_request(package_copy: Path) -> None:
    assert _state_in(package_copy, **{_compiled.PURE_ENV: "1"})[:2] == ["pure", "False"]
