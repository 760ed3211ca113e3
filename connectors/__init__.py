"""Transport (one HTTP client for all feeds) and feed formats (CSV, JSON, XML)."""
