"""The public comments of a site: threads, writing, editing, deleting and reporting."""
