"""Blogs and posts: their rules, rendering, slugs and use cases."""
