#!/usr/bin/env bash
# Run the whole test suite: install, start the local PostgreSQL (unless
# TEST_DATABASE_URL is set), make sure Chromium is there, then pytest.
set -euo pipefail
export JOBHIVE_EXTRAS=dev
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing Chromium with apt-get ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is required for the browser tests (apt-get install chromium)." >&2
    exit 1
  fi
fi

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(python3 scripts/localdb.py ensure jobhive_test)"
  export TEST_DATABASE_URL
fi
export JOBHIVE_ENV=testing

# Two or more workers (one database each, see tests/conftest.py); arguments after ours win.
exec python -m pytest -n auto "$@"
