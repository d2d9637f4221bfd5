"""Blogs: their rules, who writes for each one, and their use cases."""
