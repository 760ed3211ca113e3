"""Small column-wise helpers every stage shares (lists, ISO 8601 durations, stable ids)."""
