"""Read, map, validate and bulk-write registry files: the streaming import pipeline."""
