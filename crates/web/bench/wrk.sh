#!/usr/bin/env bash
# Load test of the web pages with wrk (Debian package `wrk`): 64 connections
# on loopback, logged in as `region`, the demo region (or an existing
# database: set OPORA_DATA or DATABASE_URL and SKIP_DEMO=1).
#
#   cargo build --release -p opora
#   crates/web/bench/wrk.sh                       # SQLite, demo region
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench crates/web/bench/wrk.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN="${OPORA_BIN:-${CARGO_TARGET_DIR:-target}/release/opora}"
PORT="${PORT:-18090}"
DURATION="${DURATION:-20s}"
CARD="${CARD:-sch990001}"
DATA="${OPORA_DATA:-$(mktemp -d)}"
mkdir -p "$DATA"
export OPORA_DATA="$DATA"
export OPORA_LOG=warn
B="http://127.0.0.1:$PORT"
"$BIN" serve --demo --addr "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 900); do curl -sf "$B/healthz" >/dev/null 2>&1 && break; kill -0 $PID || { cat "$DATA/serve.log"; exit 1; }; sleep 1; done
JAR="$DATA/cookies"; rm -f "$JAR"
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//;s/"$//'; }
T=$(curl -s -c "$JAR" -b "$JAR" "$B/login" | csrf)
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "login=region&password=demo&csrf=$T&next=/" "$B/login"
T=$(curl -s -b "$JAR" "$B/identification" | csrf)
curl -s -b "$JAR" -o /dev/null -d "csrf=$T&low_percent=10&shnsu_percent=10&years_k=2&years_y=3&min_results=10&select=backward&p_remove=0,05&weights=none" "$B/identification"
SESSION=$(awk '$6 == "opora_session" { print $7 }' "$JAR")
for path in "/schools" "/schools?q=%D1%81%D0%BE%D1%88&sort=effect" "/schools/$CARD" "/api/schools?per_page=50"; do
  echo "== GET $path"
  # One request first: the figures are the warm server's (caches filled).
  curl -s -o /dev/null -b "opora_session=$SESSION" "$B$path"
  wrk -t2 -c64 -d"$DURATION" --latency -H "Cookie: opora_session=$SESSION" "$B$path" | grep -E "Latency|Req/Sec|requests in|Requests/sec|50%|90%|99%|Non-2xx"
done
