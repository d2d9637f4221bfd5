"""The conversation around posts: comments, their moderation, reader reports, ratings."""
