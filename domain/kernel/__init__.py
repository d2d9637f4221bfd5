"""The shared kernel: errors, the clock, who may do what, retry-safe writes."""
