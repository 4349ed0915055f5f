"""Real local servers and sample values for tests and the demo (never used in production)."""
