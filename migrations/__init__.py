"""Alembic environment and versions of the plug-in's own tables (``kwis_job_*``)."""
