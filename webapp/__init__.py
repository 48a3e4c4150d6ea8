"""JobHive dashboard: the application factory (wiring only)."""

from __future__ import annotations

from importlib import import_module

from flask import Flask, abort
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import assets, cli, db, errors, navigation, queue, security, templating, timezones
from webapp.config import from_environment
from webapp.extensions import csrf, login_manager
from webapp.htmx import htmx


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.update(from_environment())
    if config:
        app.config.update(config)

    db.init_app(app)
    queue.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    templating.init_app(app)
    timezones.init_app(app)
    cli.init_app(app)
    assets.init_app(app)  # fingerprinted static files served by WhiteNoise in front of Flask
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


# Every area's blueprint, as "module:attribute"; one line per area.
BLUEPRINTS = (
    "webapp.assets:bp",
    "webapp.accounts.views:bp",
    "webapp.mail.views:bp",
    "webapp.admin.views:bp",
    "webapp.auth.views:bp",
    "webapp.auth.twofactor_views:bp",
    "webapp.dashboard.views:bp",
    "webapp.company.views:bp",
    "webapp.team.views:bp",
    "webapp.jobs.views:bp",
    "webapp.interviews.views:bp",
    "webapp.scorecards.views:bp",
    "webapp.health.views:bp",
    "webapp.weights.views:bp",
    "webapp.scoreweights.views:bp",
    "webapp.rankings.views:bp",
    "webapp.pipeline.views:bp",
    "webapp.analytics.views:bp",
    "webapp.practice.views:bp",
    "webapp.learning.views:bp",
    "webapp.candidate_interviews.views:bp",
    "webapp.catalog.views:bp",
    "webapp.billing.views:bp",
    "webapp.billing.stripe_views:bp",
    "webapp.plans.views:bp",
    "webapp.resumes.views:bp",
    "webapp.queue.views:bp",
    "webapp.notifications.views:bp",
)


def _register_blueprints(app: Flask) -> None:
    for spec in BLUEPRINTS:
        module_name, attribute = spec.split(":")
        app.register_blueprint(getattr(import_module(module_name), attribute))
