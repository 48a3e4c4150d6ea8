"""Which billing the app runs: Stripe when a secret key is configured, else the offline demo mode."""

from __future__ import annotations

from flask import current_app


def stripe_enabled() -> bool:
    """True when `STRIPE_SECRET_KEY` is set: plans are bought through Stripe, offline switching is refused."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))
