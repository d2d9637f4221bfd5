"""Tenants, users, memberships, API keys, and who may do what."""
