"""What the OpenAPI cannot say, taught to Schemathesis (loaded through SCHEMATHESIS_HOOKS).

A JSON Schema describes one value at a time, and only its shape. Six rules of the API
are beyond that, and the schema says them in words instead:

- a cursor must be one the server signed, for that very list and sort: the schema gives
  its shape (``api/kit/cursors.PATTERN``), which a made-up value can match;
- an insights window (``from``..``to``) spans at most 366 days and ends no later than
  tomorrow: a rule between two parameters and the clock;
- ``tz`` must name a zone of the server's time-zone database;
- a webhook endpoint's URL must resolve to an address the outbound guard lets through:
  a positive case's URL is pointed at loopback, which the test server allows;
- a brief's due date lies between today and 366 days from now: a positive case's date
  is moved to a month from now;
- an import's file must be a WordPress or Ghost export, which a binary string of the
  schema rarely is: a positive case uploads an empty WordPress export instead.

Only the *positive* cases (those Schemathesis sends as valid, for the
``positive_data_acceptance`` check) are touched, and only by leaving out the optional
parameter that breaks such a rule, so the rest of the request is still tested as
generated. Negative cases go out as generated: the server must refuse them, and does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import schemathesis

from domain.insights.model import window
from domain.kernel.errors import DomainError


def _positive(case: Any) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _breaks_the_window_rule(query: dict[str, Any]) -> bool:
    try:
        window(
            _day(query.get("from")),
            _day(query.get("to")),
            str(query.get("tz", "UTC")),
            now=datetime.now(UTC),
        )
    except (DomainError, ValueError):
        return True
    return False


# The smallest file the WordPress reader takes: a WXR 1.2 channel with no items.
EMPTY_WXR = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">'
    b"<channel><title>Contract</title><wp:wxr_version>1.2</wp:wxr_version></channel></rss>\n"
)

# Allowed outside production; nothing listens there, so its deliveries simply fail.
LOOPBACK_RECEIVER = "http://127.0.0.1:9/contract"


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    body, path = case.body, case.operation.path
    if _positive(case) and isinstance(body, dict):
        if "/webhooks" in path and "url" in body:
            body["url"] = LOOPBACK_RECEIVER
        if "/briefs" in path and "due_on" in body:
            body["due_on"] = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
        if path.endswith("/imports") and "file" in body:
            body["file"] = EMPTY_WXR
    query = case.query
    if not _positive(case) or not isinstance(query, dict):
        return case
    query.pop("cursor", None)
    query.pop("before", None)  # the federation outbox's cursor: also one we made
    if {"from", "to", "tz"} & set(query) and _breaks_the_window_rule(query):
        for name in ("from", "to", "tz"):
            query.pop(name, None)
    return case
