"""JobHive dashboard: the application factory (wiring only)."""

from __future__ import annotations

from flask import Flask

from webapp import cli, db, errors, navigation, security
from webapp.config import from_environment
from webapp.extensions import csrf, login_manager
from webapp.htmx import htmx


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(from_environment())
    if config:
        app.config.update(config)

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from webapp.auth.views import bp as auth_bp
    from webapp.dashboard.views import bp as dashboard_bp
    from webapp.health.views import bp as health_bp

    for blueprint in (auth_bp, dashboard_bp, health_bp):
        app.register_blueprint(blueprint)
