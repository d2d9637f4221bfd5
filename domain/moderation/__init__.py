"""The moderators' side of comments: the queue, decisions one by one or in bulk, and
who may moderate what."""
