"""Causerie's business rules: plain Python, no framework, no database."""
