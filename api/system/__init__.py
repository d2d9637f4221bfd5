"""Operational endpoints (health, readiness, metrics, problem pages) and what the API is."""
