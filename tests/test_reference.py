"""The user reference in docs/reference/ says what the code does, and every link in it resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.warehouse.reference import DOCS, PAGES

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_page_is_up_to_date(name: str) -> None:
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == PAGES[name](), (
        f"docs/reference/{name} is out of date: run .venv/bin/python -m pipeline.warehouse.reference")


def test_every_link_of_the_reference_and_readme_resolves() -> None:
    pages = [*DOCS.glob("*.md"), REPO / "README.md"]
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_readme_points_to_the_reference_and_no_contract_file_outside_the_repo() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/reference/" in readme
    assert "contract/" not in readme


def test_readme_commands_name_real_commands_and_files() -> None:
    # the commands themselves were run on a clean clone; this keeps them from drifting
    import glob
    import shlex

    from pipeline.cli import COMMANDS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Using it", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    assert lines and all(line.startswith(".venv/bin/jixiao ") for line in lines)
    for line in lines:
        words = shlex.split(line.split(" > ")[0])
        assert words[1] in COMMANDS or words[1] == "--help", line
        for word in words[2:]:
            if word.startswith("data/"):
                assert glob.glob(str(REPO / word)), f"{word} does not exist on a fresh clone"
    cron = next(line for line in readme.splitlines() if line.startswith("30 1 * * *"))
    assert "mkdir -p data/warehouse/logs &&" in cron and cron.index("mkdir") < cron.index(">> data/warehouse/logs")
