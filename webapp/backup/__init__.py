"""Backups with pg_dump and restores with pg_restore: `flask --app wsgi backup create|restore` (see cli.py)."""
