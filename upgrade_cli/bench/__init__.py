"""Capture slow queries, replay them on blue and green, compare."""
