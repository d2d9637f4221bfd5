"""Reading the driver's errors: which ones are unique violations, and of which key."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

UNIQUE_VIOLATION = "23505"


def unique_violation(error: BaseException) -> str | None:
    """The violated constraint's name (``""`` if unknown) when ``error`` is a unique
    violation (SQLSTATE 23505) as SQLAlchemy or asyncpg raise it; otherwise ``None``."""
    candidates: list[object] = [error]
    if isinstance(error, sa_exc.DBAPIError):
        candidates += [error.orig, getattr(error.orig, "__cause__", None)]
    for candidate in candidates:
        if getattr(candidate, "sqlstate", None) == UNIQUE_VIOLATION:
            names = (getattr(c, "constraint_name", None) for c in reversed(candidates))
            return next((n for n in names if n), "")
    return None
