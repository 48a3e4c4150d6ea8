# Sourced by run.sh and test.sh: create .venv and install the pinned dependencies.
# Re-installs only when pyproject.toml changes, so a second run starts at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Python 3.11+ is required (set PYTHON=/path/to/python3)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      rm -rf .venv && "$PYTHON" -m venv .venv
    else
      echo "Could not create .venv: install python3-venv." >&2
      exit 1
    fi
  fi
fi

stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${JOBHIVE_EXTRAS:-base}"
if [ ! -f "$stamp" ]; then
  echo "[bootstrap] installing dependencies into .venv ..." >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  if [ -n "${JOBHIVE_EXTRAS:-}" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[${JOBHIVE_EXTRAS}]"
  else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e .
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
