"""Readers' star ratings of posts: one vote per reader or voter token, and the summary."""
