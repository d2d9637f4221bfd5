"""Answers a spreadsheet can open: ``?format=csv`` (or ``Accept: text/csv``) turns a JSON
answer into a CSV table, with cells a spreadsheet would run as formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Query, Request, Response
from pydantic import BaseModel

CSV_MEDIA = "text/csv"

FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(description="csv for a spreadsheet (or send Accept: text/csv)."),
]

# The extra content type of a route that answers CSV too (its ``responses``).
CSV_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV_MEDIA: {"schema": {"type": "string"}}}}
}

# OWASP's CSV-injection starts (=, +, -, @, tab, CR), a line feed, and the full-width
# forms of the four signs, which some spreadsheets' input methods turn into formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

Table = tuple[Sequence[str], Iterable[Sequence[Any]]]


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote, also
    when blanks come first (importers that trim cells would uncover the sign)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.lstrip().startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> Response:
    """A CSV attachment ``name.csv``: a header row, then the rows, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return Response(
        out.getvalue(),
        media_type=f"{CSV_MEDIA}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def wants_csv(request: Request, fmt: str | None) -> bool:
    """``?format=`` decides; without it, an Accept of CSV and not of JSON."""
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return CSV_MEDIA in accept and "application/json" not in accept


M = TypeVar("M", bound=BaseModel)


def json_or_csv(
    request: Request,
    fmt: str | None,
    model: M,
    table: Callable[[M], Table],
    name: str,
) -> M | Response:
    """The model itself (FastAPI serialises it), or its table as CSV when asked for."""
    if wants_csv(request, fmt):
        columns, rows = table(model)
        return csv_response(columns, rows, name)
    return model
