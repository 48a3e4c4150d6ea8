"""localstripe on loopback for the billing tests, plus helpers for signed webhooks.

Import what you use into a test module (`from tests.localstripe_support import localstripe, ...`).

localstripe (a fake Stripe API server) runs in a subprocess on 127.0.0.1 and a free
port, started from Python because its CLI binds every interface. It would also write
its state to the fixed path /tmp/localstripe.pickle, shared by every instance on the
machine, so the subprocess turns that write off and runs with a private TMPDIR.
It supports customers, products, plans, subscriptions and signed webhooks; it has no
Prices, Checkout or billing portal (those are checked at the HTTP boundary instead).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import requests
from alembic import command
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from webapp import create_app
from webapp.cli import alembic_config
from webapp.db import make_engine

SECRET_KEY = "sk_test_jobhive_localstripe"
WEBHOOK_SECRET = "whsec_jobhive_test_secret"
WEBHOOK_ID = "jobhive-tests"  # re-registered by each test: localstripe keeps hooks until it stops

_LAUNCHER = """
import sys
from aiohttp import web
import localstripe.resources
# Every instance would share /tmp/localstripe.pickle; state stays in this process instead.
localstripe.resources.Store.dump_to_disk = lambda self: None
from localstripe.server import app
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory) -> Iterator[str]:
    """The base URL of a localstripe server for this test run."""
    port = free_port()
    private_tmp = tmp_path_factory.mktemp("localstripe")
    with (private_tmp / "localstripe.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(port)],
            env=os.environ | {"TMPDIR": str(private_tmp)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with status {process.returncode}")
        try:
            requests.get(f"{base}/v1/customers", auth=(SECRET_KEY, ""), timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("localstripe did not start within 20 seconds")


@pytest.fixture
def stripe_base(localstripe) -> str:
    """localstripe, emptied for this test."""
    requests.delete(f"{localstripe}/_config/data", timeout=5).raise_for_status()
    return localstripe


def stripe_config(base: str) -> dict:
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": base}


def deliver_webhooks_to(base: str, url: str) -> None:
    """Make localstripe sign its events with WEBHOOK_SECRET and POST them to `url`."""
    response = requests.post(
        f"{base}/_config/webhooks/{WEBHOOK_ID}", data={"url": url, "secret": WEBHOOK_SECRET}, timeout=5
    )
    response.raise_for_status()


def signed(event: dict | bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, dict]:
    """(body, headers) of `event` (or raw bytes) signed the way Stripe signs webhooks."""
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"%d.%s" % (timestamp, body), hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={timestamp},v1={digest}", "Content-Type": "application/json"}


def event(event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
    """A Stripe event envelope around `obj`."""
    created = int(time.time()) if created is None else created
    return {
        "id": event_id or f"evt_test_{time.monotonic_ns()}",
        "object": "event",
        "type": event_type,
        "created": created,
        "livemode": False,
        "data": {"object": obj},
    }


def subscription_object(sub_id: str, *, customer: str, price: str, user_id: int | None, status: str = "active",
                        start: int = 1_790_000_000, cancel_at_period_end: bool = False, **extra) -> dict:
    """A subscription as Stripe's current API sends it (period on the item)."""
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": cancel_at_period_end,
        "start_date": start,
        "trial_end": None,
        "ended_at": None,
        "metadata": {"user_id": str(user_id)} if user_id else {},
        "items": {"object": "list", "data": [{
            "id": f"si_{sub_id}", "object": "subscription_item", "price": {"id": price, "object": "price"},
            "current_period_start": start, "current_period_end": start + 30 * 86400,
        }]},
        **extra,
    }


# --- the app served for real on a scratch database (webhooks from localstripe, parallel requests) ---


@contextmanager
def served_app(database_url: str, config: dict) -> Iterator[tuple[str, object]]:
    """(base URL, app) of the dashboard over `database_url`, on 127.0.0.1 in a thread; commits for real."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "WTF_CSRF_ENABLED": False, **config})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["db_engine"].dispose()


_scratch: dict[str, str] = {}


@pytest.fixture(scope="session")
def billing_database(scratch_database_url) -> Iterator[Callable[[], Session]]:
    """A migrated scratch database for the billing tests that commit; yields a session factory.

    Shared by those tests: each creates its own users and plans, so they never collide.
    A fixture imported into several modules is set up once per module, hence the memo.
    """
    if "url" not in _scratch:
        _scratch["url"] = scratch_database_url("stripe_webhooks")
        command.upgrade(alembic_config(_scratch["url"]), "head")
    url = _scratch["url"]
    engine = make_engine(url)

    def open_session() -> Session:
        return Session(engine, expire_on_commit=False)

    open_session.url = url
    yield open_session
    engine.dispose()


def wait_for(check: Callable[[], object], timeout: float = 10.0, what: str = "the condition"):
    """Poll `check` until it returns something truthy (webhooks arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
