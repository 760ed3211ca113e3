"""Small helpers every stage shares (lists, ISO 8601 durations, stable ids, safe output text)."""
