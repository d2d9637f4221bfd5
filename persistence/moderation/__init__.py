"""Storage of the moderation slice."""
