"""Alembic's entry point for the gallery: studio/gallery/schema_versions.py hands it an open
connection already inside the write transaction; nothing here connects or commits."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
context.run_migrations()
