"""Credentials: password hashing, JWT access tokens, refresh tokens, API keys, rate limits."""
