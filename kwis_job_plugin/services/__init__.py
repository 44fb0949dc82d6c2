"""Domain logic as plain functions over a SQLAlchemy session. No Flask here.

Services flush but never commit: the caller (a view, a CLI command or a host hook) owns the
transaction, so one request stays one transaction across host and plug-in tables.
"""
