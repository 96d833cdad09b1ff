#!/usr/bin/env bash
# Import benchmark (issue 2): 1,000,000 pupil results from CSV into SQLite and
# into PostgreSQL, rows per second and peak memory, side by side in one run
# with what a user would otherwise do: sqlite3's `.import` and psql's `\copy`
# into a bare table (no validation, no statistics). Also 3,000,000 rows into
# SQLite to show that memory stays flat in file size.
#
#   benches/import.sh [ROWS]        (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/opora-target}"
PG="${OPORA_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test}"
cargo build --release -q -p opora
BIN="$CARGO_TARGET_DIR/release/opora"
W="$(mktemp -d /tmp/opora-bench.XXXX)"
trap 'rm -rf "$W"' EXIT

"$BIN" demo --scale national --out "$W/nat" >/dev/null
# National files hold ~13M rows a year; take the first ROWS (and 3×ROWS).
head -n $((ROWS + 1)) "$W/nat/results_2025.csv" > "$W/r1.csv"
head -n $((3 * ROWS + 1)) "$W/nat/results_2025.csv" > "$W/r3.csv"

measure() { # label, command... → "label seconds peakMiB"
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }
  read -r secs kib < "$W/time"
  printf '%-46s %8.2f s %10.0f rows/s %8.0f MiB\n' "$label" "$secs" "$(echo "$ROWS_NOW / $secs" | bc -l)" "$(echo "$kib / 1024" | bc -l)"
}

echo "rows: $ROWS; file: $(du -h "$W/r1.csv" | cut -f1)"
# SQLite
export OPORA_DATA="$W/sqlite"; unset DATABASE_URL || true
"$BIN" import schools "$W/nat/schools.csv" >/dev/null
ROWS_NOW=$ROWS measure "opora import → SQLite" "$BIN" import results "$W/r1.csv"
ROWS_NOW=$ROWS measure "opora import again (unchanged) → SQLite" "$BIN" import results "$W/r1.csv"
ROWS_NOW=$((3 * ROWS)) measure "opora import 3× rows → SQLite (memory)" "$BIN" import results "$W/r3.csv"
cat > "$W/plain.sql" <<SQL
CREATE TABLE r (year, school_id, procedure, subject, grade, student_key, score, max_score, mark, journal_mark);
.mode csv
.import --skip 1 $W/r1.csv r
SQL
cut -d, -f1-10 "$W/r1.csv" > "$W/r1-10.csv"; sed -i "s#$W/r1.csv#$W/r1-10.csv#" "$W/plain.sql"
ROWS_NOW=$ROWS measure "sqlite3 .import (no checks) → SQLite" sqlite3 "$W/plain.db" ".read $W/plain.sql"

# PostgreSQL, in a schema of its own
SCHEMA="bench_$$"
psql "$PG" -qc "CREATE SCHEMA $SCHEMA"
trap 'psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null; rm -rf "$W"' EXIT
export DATABASE_URL="$PG?options=-csearch_path%3D$SCHEMA"
"$BIN" import schools "$W/nat/schools.csv" >/dev/null
ROWS_NOW=$ROWS measure "opora import → PostgreSQL (COPY)" "$BIN" import results "$W/r1.csv"
ROWS_NOW=$ROWS measure "opora import again (unchanged) → PostgreSQL" "$BIN" import results "$W/r1.csv"
psql "$DATABASE_URL" -qc "CREATE TABLE plain (year int, school_id text, procedure text, subject text, grade int, student_key text, score float8, max_score float8, mark int, journal_mark int)"
ROWS_NOW=$ROWS measure "psql \\copy (no checks) → PostgreSQL" psql "$DATABASE_URL" -qc "\\copy plain FROM '$W/r1-10.csv' CSV HEADER"
