"""Readers' star ratings of a site's posts."""
