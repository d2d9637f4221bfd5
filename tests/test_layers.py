"""The domain is plain Python: every module under ``domain/`` imports the standard
library and ``domain`` itself, nothing else. (import-linter keeps the layers and slices
in order; this checks the rule it cannot state: "standard library only".)"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_domain_imports_the_standard_library_only():
    allowed = set(sys.stdlib_module_names) | {"domain", "__future__"}
    found = {
        str(path.relative_to(DOMAIN.parent)): sorted(imported_roots(path) - allowed)
        for path in sorted(DOMAIN.rglob("*.py"))
    }
    outside = {path: roots for path, roots in found.items() if roots}
    assert len(found) > 30
    assert not outside, f"domain modules importing outside the standard library: {outside}"
