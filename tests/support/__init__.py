"""Helpers for the test suite: a throwaway PostgreSQL server, web helpers, database cleanup."""
