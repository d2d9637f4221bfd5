"""Posts: the console's routes (``routes``), the public site's (``public``) and its feeds
and sitemap (``feeds``)."""
