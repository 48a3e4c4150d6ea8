"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import sys

from webapp import create_app
from webapp.config import ConfigError
from webapp.db import DatabaseUnavailable, check_database

try:
    app = create_app()
    check_database(app)
except (ConfigError, DatabaseUnavailable) as error:
    sys.exit(f"JobHive cannot start: {error}")
