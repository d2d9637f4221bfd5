"""Adapters: third-party libraries behind the Protocols the domain declares."""
