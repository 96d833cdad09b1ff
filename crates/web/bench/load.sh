#!/usr/bin/env bash
# Load test of issue 17: 64 logged-in clients mixing reads and writes
# (comments, status changes, evidence uploads, notifications marked read)
# for LOAD_SECONDS (default 600) on SQLite, then on PostgreSQL. Each run
# makes a fresh database with the demo region (PostgreSQL: a fresh schema,
# dropped at the end) and prints a Markdown table; a run with any error or
# a locked database exits non-zero (crates/web/examples/load.rs).
#
#   crates/web/bench/load.sh                      # 10 minutes per backend
#   LOAD_SECONDS=20 crates/web/bench/load.sh      # a quick check
#   PG_URL=postgres://user@host/db crates/web/bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
export LOAD_SECONDS="${LOAD_SECONDS:-600}"
cargo build --release -p opora-web --example load
BIN="${CARGO_TARGET_DIR:-target}/release/examples/load"
status=0
echo "== SQLite, ${LOAD_SECONDS} s ($(uptime))"
env -u DATABASE_URL "$BIN" || status=1
echo "== PostgreSQL ${PG_URL}, ${LOAD_SECONDS} s ($(uptime))"
DATABASE_URL="$PG_URL" "$BIN" || status=1
exit $status
