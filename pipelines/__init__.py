"""Dagster definitions of the micro-credential catalogue, one folder per concern."""
