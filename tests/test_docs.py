"""The docs stay true: the configuration page matches the settings, the README's code
map names code that exists, every link between pages resolves, and the repository
cites nothing outside itself."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from scripts.configuration_doc import PAGE, render

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_configuration_page_is_generated_from_the_settings() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run python -m scripts.configuration_doc")


def test_the_readme_is_a_newcomers_page() -> None:
    assert len(README.splitlines()) <= 200


@pytest.mark.parametrize("anchor", re.findall(r"`([\w/]+\.py):(\w+)`", README))
def test_each_code_map_anchor_names_a_definition(anchor: tuple[str, str]) -> None:
    path, name = anchor
    source = (ROOT / path).read_text(encoding="utf-8")
    assert re.search(rf"^\s*(async def|def|class) {name}\b", source, re.MULTILINE), anchor


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_between_pages_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_the_repository_cites_nothing_outside_itself() -> None:
    tracked = subprocess.run(
        ["git", "grep", "-l", "-I", "-e", "design.md", "-e", "../shared/design"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout.split()
    assert [path for path in tracked if path != "tests/test_docs.py"] == []
