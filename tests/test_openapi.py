"""The committed OpenAPI document is exactly what the app serves."""

from __future__ import annotations

import json
from pathlib import Path

from api.cli import openapi_document

COMMITTED = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def test_committed_spec_matches_the_app():
    assert COMMITTED.exists(), "run `make openapi`"
    assert json.loads(COMMITTED.read_text()) == openapi_document(), (
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    )


def test_operation_ids_are_readable_and_unique():
    ids = [
        op["operationId"] for path in openapi_document()["paths"].values() for op in path.values()
    ]
    assert len(ids) == len(set(ids))
    assert all(i.replace("-", "").isalnum() and i == i.lower() for i in ids)
