"""Reading the driver's errors: which ones are unique violations, and of which key, and
which ones say a value given cannot be stored."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

UNIQUE_VIOLATION = "23505"

# Data exceptions that only a value from outside can cause: the schemas refuse these
# first, and this is the backstop for a field one of them missed (never a 500).
UNSTORABLE = {
    "22P05": "it holds a character the database cannot store (NUL)",  # untranslatable
    "22021": "it is not valid text in the database's encoding",  # not in repertoire
    "22001": "a text is longer than its field",  # string data right truncation
    "22003": "a number is out of range",  # numeric value out of range
    "22008": "a date or time is out of range",  # datetime field overflow
}


def _candidates(error: BaseException) -> list[object]:
    candidates: list[object] = [error]
    if isinstance(error, sa_exc.DBAPIError):
        candidates += [error.orig, getattr(error.orig, "__cause__", None)]
    return candidates


def unstorable(error: BaseException) -> str | None:
    """Why the database refused a value given (see ``UNSTORABLE``), or ``None``."""
    for candidate in _candidates(error):
        reason = UNSTORABLE.get(str(getattr(candidate, "sqlstate", "")))
        if reason:
            return reason
    return None


def unique_violation(error: BaseException) -> str | None:
    """The violated constraint's name (``""`` if unknown) when ``error`` is a unique
    violation (SQLSTATE 23505) as SQLAlchemy or asyncpg raise it; otherwise ``None``."""
    candidates = _candidates(error)
    for candidate in candidates:
        if getattr(candidate, "sqlstate", None) == UNIQUE_VIOLATION:
            names = (getattr(c, "constraint_name", None) for c in reversed(candidates))
            return next((n for n in names if n), "")
    return None
