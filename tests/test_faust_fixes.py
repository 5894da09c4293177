"""The Faust fixes hold on to what they rely on: every private attribute they use exists
in the installed Faust and aiokafka, and no code outside them uses another."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from streams.faust_fixes.private_attributes import PRIVATE_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[1]


def _defines(owner: object, attribute: str) -> bool:
    """True if ``owner`` (a module or class, with its bases) has ``attribute`` or sets
    it on its instances (``self.attribute =`` / ``self.attribute: T =``)."""
    if hasattr(owner, attribute):
        return True
    if not inspect.isclass(owner):
        return False
    assigned = re.compile(rf"self\.{re.escape(attribute)}\s*(:[^=\n]+)?=[^=]")
    for klass in inspect.getmro(owner):
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):  # builtins, generated classes
            continue
        if assigned.search(source):
            return True
    return False


@pytest.mark.parametrize(
    ("target", "attribute"),
    [(target, name) for target, names in PRIVATE_ATTRIBUTES.items() for name in names],
)
def test_each_private_attribute_the_fixes_use_exists_in_the_installed_library(
    target: str, attribute: str
) -> None:
    module_name, _, class_name = target.partition(":")
    owner: object = importlib.import_module(module_name)
    if class_name:
        owner = getattr(owner, class_name)
    assert _defines(owner, attribute), f"{target} has no {attribute}: see streams/faust_fixes"


def test_every_private_attribute_used_in_the_fixes_is_registered() -> None:
    registered = {name for names in PRIVATE_ATTRIBUTES.values() for name in names}
    used = set()
    for path in (ROOT / "streams" / "faust_fixes").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        # obj._name (not self._name, not a dunder), and getattr(obj, "_name", ...)
        used |= set(re.findall(r"(?<!self)(?<!\bos)\.(_[a-z]\w*)\b", text))
        used |= set(re.findall(r"getattr\(\w+, ['\"](_[a-z]\w*)['\"]", text))
        used |= set(re.findall(r"def (_on_\w+)\(self", text))
    own = {"_exiting", "_stop_now", "_flush_and_exit"}  # the worker's own
    assert used - own <= registered, f"not in PRIVATE_ATTRIBUTES: {sorted(used - own - registered)}"


def test_lint_allows_private_attributes_only_in_the_fixes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "SLF001", "--output-format",
         "concise", "streams", "agents", "benchmarks", "scripts", "tests"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout


def test_the_index_names_tests_that_exist() -> None:
    import streams.faust_fixes

    doc = streams.faust_fixes.__doc__ or ""
    cited = re.findall(r"``(tests/[\w/]+\.py)(?:::(\w+))?``", doc)
    assert len(cited) >= 6
    for path, name in cited:
        text = (ROOT / path).read_text(encoding="utf-8")
        assert not name or f"def {name}(" in text, f"{path}::{name} not found"
