"""Storage of the comments slice."""
