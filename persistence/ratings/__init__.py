"""Storage of the ratings slice."""
