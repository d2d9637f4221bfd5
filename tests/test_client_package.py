"""The typed client as a brand's developer gets it: ``npm pack`` of the built package,
installed in an empty project outside the repository, and the README's plain-Node example
run against a live API with the demo data.

The install uses npm's cache first (the workspace's ``npm ci`` has filled it with the one
dependency, openapi-fetch), so it is quick and needs the registry only on a bare machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.live import demo_server

NPM = shutil.which("npm")
CLIENT = ROOT / "frontends" / "client"
NAME = f"causerie_client_{os.getpid()}"


def _run(command: list[str], cwd: Path, **env: str) -> str:
    done = subprocess.run(
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _readme_example() -> str:
    readme = (CLIENT / "README.md").read_text()
    blocks = re.findall(r"```js\n(.*?)```", readme, flags=re.S)
    example = next(b for b in blocks if "import " in b)
    assert len(example.strip().splitlines()) <= 12, "the example is meant to stay short"
    return example


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    if NPM is None or not (ROOT / "frontends" / "node_modules").is_dir():
        if os.environ.get("CI"):
            pytest.fail("npm and the workspace's packages are needed (make npm-ci)")
        pytest.skip("npm or the workspace's packages are missing (make npm-ci)")
    _run(["node", "scripts/build-package.mjs"], CLIENT)
    destination = tmp_path_factory.mktemp("pack")
    packed = json.loads(
        _run([NPM, "pack", "./package", "--json", "--pack-destination", str(destination)], CLIENT)
    )
    return destination / packed[0]["filename"]


def test_the_package_carries_es_modules_declarations_and_the_api_version(tarball):
    manifest = json.loads((CLIENT / "package" / "package.json").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert manifest["version"] == pyproject["project"]["version"]
    assert manifest["type"] == "module"
    assert manifest["exports"]["."] == {
        "types": "./dist/index.d.ts",
        "import": "./dist/index.js",
        "default": "./dist/index.js",
    }
    assert tarball.name == f"causerie-client-{manifest['version']}.tgz"
    listing = _run(["tar", "-tzf", str(tarball)], tarball.parent).split()
    for name in ("index.js", "index.d.ts", "schema.gen.d.ts", "problem.js", "auth.js"):
        assert f"package/dist/{name}" in listing, listing
    assert not [n for n in listing if n.endswith(".ts") and not n.endswith(".d.ts")]


def test_plain_node_calls_the_public_api_with_the_installed_tarball(tarball, pg_server, tmp_path):
    project = tmp_path / "brand-site"
    project.mkdir()
    (project / "package.json").write_text(
        '{"name": "brand-site", "private": true, "type": "module"}'
    )
    assert NPM is not None
    _run(
        [NPM, "install", str(tarball), "--prefer-offline", "--no-audit", "--no-fund"],
        project,
    )
    (project / "example.mjs").write_text(_readme_example())
    with demo_server(pg_server, NAME) as base:
        out = _run(["node", "example.mjs"], project, CAUSERIE_API=base)
    lines = out.strip().splitlines()
    assert "business" in lines[0], lines
    assert len(lines) == 1 + 3 + 1, lines  # the plans, three posts, the refusal
    assert lines[-1] == "404 not_found", lines
