from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and uptime checks."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
