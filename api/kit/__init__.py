"""Helpers every slice of the API shares: cursors and pages, caching, CSV, schemas, the
public site, client fingerprints, the route class. The kit imports no slice."""
