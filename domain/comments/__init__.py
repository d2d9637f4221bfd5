"""Comments on posts: writing, editing, deleting and reporting them, and their threads."""
