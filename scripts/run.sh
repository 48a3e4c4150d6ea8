#!/usr/bin/env bash
# Run the dashboard: install, start the local PostgreSQL (unless DATABASE_URL is set),
# migrate, load the demo data and serve on http://127.0.0.1:5000.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(python3 scripts/localdb.py ensure jobhive)"
  export DATABASE_URL
fi
export FLASK_APP=wsgi
export JOBHIVE_ENV="${JOBHIVE_ENV:-development}"

flask --app wsgi db upgrade
flask --app wsgi seed-demo

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
cat <<MSG

  JobHive dashboard: http://$HOST:$PORT
  Demo logins (password: jobhive-demo-pass)
    admin@jobhive.test        admin
    employer@jobhive.test     employer of Acme Robotics (owner)
    recruiter@jobhive.test    Acme Robotics recruiter
    manager@jobhive.test      Acme Robotics hiring manager (two jobs)
    interviewer@jobhive.test  Acme Robotics interviewer (assigned interviews)
    other@jobhive.test        employer of another company
    candidate@jobhive.test    candidate with practice sessions

MSG
# One job-queue worker beside the web server (mail, reminders, rollups); `flask --app wsgi worker` starts more.
flask --app wsgi worker --name "$(hostname)-run" &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT INT TERM
gunicorn --bind "$HOST:$PORT" --workers "${WEB_CONCURRENCY:-2}" --threads 4 \
  --access-logfile - "wsgi:app"
