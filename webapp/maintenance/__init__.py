"""Database operations run from a scheduler: `flask --app wsgi maintenance ...` (see webapp/maintenance/cli.py)."""
