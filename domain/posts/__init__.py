"""Posts: their publication rules, their text, and their use cases."""
