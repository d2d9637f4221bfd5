"""Blogs: the console's routes (``routes``) and the public site's (``public``)."""
