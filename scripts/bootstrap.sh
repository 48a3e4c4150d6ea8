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
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11+ is required; $PYTHON is $("$PYTHON" --version 2>&1) (set PYTHON=/path/to/python3.11)." >&2
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

# A stamp per pyproject.toml version and extras; the dev install covers the base one.
hash="$(sha256sum pyproject.toml | cut -c1-16)"
extras="${JOBHIVE_EXTRAS:-}"
# Two commands started at once (run.sh and test.sh, say) install one after the other, not into each other.
exec 9>".venv/.install.lock"
flock 9
if [ ! -f ".venv/.installed-$hash-${extras:-base}" ] && [ ! -f ".venv/.installed-$hash-dev" ]; then
  echo "[bootstrap] installing dependencies into .venv (a minute or two the first time) ..." >&2
  target="."
  [ -n "$extras" ] && target=".[$extras]"
  log=".venv/install.log"
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip \
         && .venv/bin/python -m pip install --disable-pip-version-check -e "$target"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "[bootstrap] installing dependencies failed; the full log is in $log" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch ".venv/.installed-$hash-${extras:-base}"
fi
flock -u 9
exec 9>&-
export PATH="$ROOT/.venv/bin:$PATH"
