"""Community insights: who matters, what is said, how the community is doing."""
