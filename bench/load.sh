#!/usr/bin/env bash
# Load test: gunicorn (2 workers x 4 threads, like scripts/run.sh) on loopback, wrk with 8
# connections against /healthz and each main page as the biggest bench employer.
#
#   DATABASE_URL=postgresql://postgres@127.0.0.1:54329/jobhive_bench_1m bench/load.sh [SECONDS]
#
# Prints requests/s, p99 latency, non-2xx responses and socket errors per page, and each
# page's requests/s as a share of /healthz's (target >= 40%); then sends 20,000 requests to
# one page and compares the workers' RSS before and after (target: growth <= 10%).
# Needs a database filled by `flask --app wsgi bench-data` (or the demo data: set
# BENCH_EMAIL=employer@jobhive.test). Bounded in time; stops gunicorn at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_PER_PAGE="${1:-10}"
PORT="${BENCH_PORT:-5099}"
BASE="http://127.0.0.1:$PORT"
EMAIL="${BENCH_EMAIL:-big@bench.jobhive.test}"
PASSWORD="${BENCH_PASSWORD:-jobhive-demo-pass}"
MEMORY_REQUESTS="${BENCH_MEMORY_REQUESTS:-20000}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:54329/jobhive_bench_1m}"
# development: no SECRET_KEY or HTTPS-only cookies needed on loopback; gunicorn never runs Flask's debugger.
export JOBHIVE_ENV="${JOBHIVE_ENV:-development}"
WORK="$(mktemp -d)"
# Login sessions are bound to the browser's User-Agent: curl and wrk send the same one.
UA="jobhive-bench-load/1"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "wrk is missing: sudo apt-get install wrk" >&2
    exit 1
  fi
fi

.venv/bin/gunicorn --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --pid "$WORK/gunicorn.pid" \
  --error-logfile "$WORK/gunicorn.log" "wsgi:app" &
GUNICORN=$!
cleanup() {
  kill "$GUNICORN" 2>/dev/null || true
  wait "$GUNICORN" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null || { echo "gunicorn did not start:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1; }

# Log in like a browser: the login form's CSRF token, then the session cookie for wrk.
JAR="$WORK/cookies"
TOKEN="$(curl -fsS -A "$UA" -c "$JAR" "$BASE/login" | grep -o 'name="csrf_token"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
curl -fsS -A "$UA" -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf_token=$TOKEN" \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$BASE/login"
COOKIE="$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$JAR")"
if [ "$(curl -s -A "$UA" -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/dashboard")" != 200 ]; then
  echo "login as $EMAIL failed" >&2
  exit 1
fi

sql() { psql "$DATABASE_URL" -Atc "$1"; }
COMPANY="(SELECT c.id FROM company_company c JOIN users_user u ON u.id = c.user_id WHERE u.email = '$EMAIL')"
HOT_JOB="$(sql "SELECT id FROM company_job WHERE company_id = $COMPANY ORDER BY id LIMIT 1")"
INTERVIEW="$(sql "SELECT session_id FROM interview_interviewsession WHERE job_id = $HOT_JOB AND status = 'completed' ORDER BY duration DESC, start_time DESC LIMIT 1")"
PAGES=(/healthz /dashboard /jobs "/jobs/$HOT_JOB/rankings" /interviews "/interviews/$INTERVIEW" "/analytics?range=90" /billing)

# wrk's summary -> "requests/s p99 non-2xx socket-errors requests"
measure() {
  local out rps p99 non2xx sockets total
  out="$(wrk -t 2 -c 8 -d "${2}s" --latency -H "User-Agent: $UA" -H "Cookie: $COOKIE" "$BASE$1" 2>&1)"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  sockets="$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")"
  total="$(awk '/requests in/ {print $1}' <<<"$out")"
  echo "${rps:-0} ${p99:-?} ${non2xx:-0} ${sockets:-0} ${total:-0}"
}

rss() { ps -o rss= --ppid "$GUNICORN" | awk '{s += $1} END {print s}'; }

echo "wrk: 8 connections, ${SECONDS_PER_PAGE}s per page, $DATABASE_URL as $EMAIL"
printf '%-34s %6s %10s %9s %8s %8s %9s  %s\n' page status "req/s" p99 non-2xx errors "x healthz" result
HEALTHZ=""
for page in "${PAGES[@]}"; do
  # wrk counts redirects as successes: a page must answer 200 itself (not a login redirect).
  status="$(curl -s -A "$UA" -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$page")"
  measure "$page" 2 >/dev/null  # warm-up
  read -r rps p99 non2xx sockets _ <<<"$(measure "$page" "$SECONDS_PER_PAGE")"
  [ -z "$HEALTHZ" ] && HEALTHZ="$rps"
  share="$(awk -v a="$rps" -v b="$HEALTHZ" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
  result="$(awk -v s="$share" -v n="$non2xx" -v e="$sockets" -v c="$status" \
    'BEGIN {print (s >= 0.4 && n == 0 && e == 0 && c == 200) ? "PASS" : "FAIL"}')"
  printf '%-34s %6s %10s %9s %8s %8s %9s  %s\n' "$page" "$status" "$rps" "$p99" "$non2xx" "$sockets" "$share" "$result"
done

# Memory: RSS of the workers before and after MEMORY_REQUESTS requests to one page (at most 5 minutes).
PAGE=/jobs
BEFORE="$(rss)"
SENT=0
DEADLINE=$((SECONDS + 300))
while [ "$SENT" -lt "$MEMORY_REQUESTS" ] && [ "$SECONDS" -lt "$DEADLINE" ]; do
  read -r _ _ _ _ total <<<"$(measure "$PAGE" 10)"
  SENT=$((SENT + total))
done
AFTER="$(rss)"
GROWTH="$(awk -v a="$AFTER" -v b="$BEFORE" 'BEGIN {printf "%.1f", (a - b) * 100 / b}')"
RESULT="$(awk -v g="$GROWTH" 'BEGIN {print (g <= 10) ? "PASS" : "FAIL"}')"
echo "worker RSS over $SENT requests to $PAGE: ${BEFORE} kB -> ${AFTER} kB (${GROWTH}%)  $RESULT"
