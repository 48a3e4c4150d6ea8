"""Front-end files shipped inside Python packages, served from this server (never a CDN)."""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, send_file

bp = Blueprint("assets", __name__)

PLOTLY_JS = files("plotly") / "package_data" / "plotly.min.js"
ONE_YEAR = 365 * 24 * 3600


@bp.route("/assets/plotly.min.js")
def plotly():
    """The plotly.js bundled with the pinned `plotly` package; the version is in the pin."""
    return send_file(str(PLOTLY_JS), mimetype="text/javascript", max_age=ONE_YEAR, conditional=True)
