"""The console's moderation of comments."""
