"""Alembic migrations of the registry schema, run programmatically by :mod:`registry_db.migrate`."""
