"""JobHive dashboard: the application factory (wiring only)."""

from __future__ import annotations

from flask import Flask, abort
from werkzeug.middleware.proxy_fix import ProxyFix

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
    app.url_value_preprocessor(reject_impossible_ids)
    if app.config.get("PROXY_HOPS"):
        # Behind a proxy, throttling and the audit log need the client's address, not the proxy's.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


MAX_DATABASE_ID = 2**31 - 1  # ids are PostgreSQL INTEGERs


def reject_impossible_ids(endpoint: str | None, values: dict | None) -> None:
    """An `<int:...>` past INTEGER names nothing: 404 for every route, never a database error.

    (An `int(max=...)` converter would answer 405 instead of 404 for POST rules.)
    """
    if values and any(type(value) is int and value > MAX_DATABASE_ID for value in values.values()):
        abort(404)


def _register_blueprints(app: Flask) -> None:
    from webapp.accounts.views import bp as accounts_bp
    from webapp.admin.views import bp as admin_bp
    from webapp.assets import bp as assets_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.auth.twofactor_views import bp as twofactor_bp
    from webapp.company.views import bp as company_bp
    from webapp.dashboard.views import bp as dashboard_bp
    from webapp.health.views import bp as health_bp
    from webapp.interviews.views import bp as interviews_bp
    from webapp.jobs.views import bp as jobs_bp
    from webapp.mail.views import bp as mail_bp
    from webapp.rankings.views import bp as rankings_bp
    from webapp.scoreweights.views import bp as scoreweights_bp
    from webapp.weights.views import bp as weights_bp

    blueprints = (
        assets_bp,
        accounts_bp,
        mail_bp,
        admin_bp,
        auth_bp,
        twofactor_bp,
        dashboard_bp,
        company_bp,
        jobs_bp,
        interviews_bp,
        health_bp,
        weights_bp,
        scoreweights_bp,
        rankings_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
