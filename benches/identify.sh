#!/usr/bin/env bash
# Identification benchmark (issue 3, "Scale and speed"), side by side in one run:
#   (a) `opora identify` end to end on the national batch (40 000 schools ×
#       3 years, ~60 M pupil results, ~5.8 GB): results + context + checklist
#       → schools.csv, model.json, objectivity.csv, checklist.csv, scatter.svg,
#       report.xlsx;
#   (b) DuckDB (from PyPI, in a venv this script creates) computing ONLY the
#       per-(school, assessment) aggregates — count, Σscore, Σscore² per year,
#       school, procedure, subject and grade — with SQL over the same CSVs;
#   (c) a plain read of the files: `cat > /dev/null` and `wc -l` (the I/O limit);
# then (d) a run over the demo region from the database (`opora demo`, then
# `opora identify --db`).
#
#   benches/identify.sh
#
# Environment: OPORA_BENCH_NATIONAL (national files; generated there with
# `opora demo --scale national` when missing; default /tmp/nat),
# OPORA_BENCH_VENV (default ~/.cache/opora-bench-venv), OPORA_BENCH_REPEAT
# (runs per tool, the fastest is reported; default 2), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${OPORA_BENCH_NATIONAL:-/tmp/nat}"
VENV="${OPORA_BENCH_VENV:-$HOME/.cache/opora-bench-venv}"
REPEAT="${OPORA_BENCH_REPEAT:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/opora-target}"
cargo build --release -q -p opora
BIN="$CARGO_TARGET_DIR/release/opora"
W="$(mktemp -d /tmp/opora-bench-identify.XXXX)"
trap 'rm -rf "$W"' EXIT

if ! ls "$DATA"/results_*.csv >/dev/null 2>&1 || [ ! -f "$DATA/context.csv" ]; then
  echo "national files missing in $DATA: generating them (opora demo --scale national)…"
  "$BIN" demo --scale national --out "$DATA" >/dev/null
fi
RESULTS=("$DATA"/results_*.csv)
CHECKLIST=()
[ -f "$DATA/checklist.csv" ] && CHECKLIST=(--checklist "$DATA/checklist.csv")

if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet duckdb
fi
cat > "$W/duckdb_agg.py" <<'PY'
import sys, duckdb
files = sys.argv[1:]
header = open(files[0], encoding="utf-8").readline().strip().split(",")
types = {"year": "INTEGER", "grade": "INTEGER", "mark": "INTEGER", "journal_mark": "INTEGER",
         "school_id": "VARCHAR", "procedure": "VARCHAR", "subject": "VARCHAR", "student_key": "VARCHAR"}
columns = {c: types.get(c, "DOUBLE") for c in header}   # score, max_score, task_* are numbers
con = duckdb.connect()
con.execute(f"""
    CREATE TEMP TABLE agg AS
    SELECT year, school_id, procedure, subject, grade,
           count(*) AS n, sum(score) AS sum_score, sum(score * score) AS sum_sq
    FROM read_csv({files!r}, header = true, delim = ',', quote = '"', columns = {columns!r})
    GROUP BY year, school_id, procedure, subject, grade""")
cells, rows = con.execute("SELECT count(*), sum(n) FROM agg").fetchone()
print(f"duckdb {duckdb.__version__}, {con.execute('SELECT current_setting(?)', ['threads']).fetchone()[0]} threads: {cells} cells, {rows} rows")
PY

# best of REPEAT runs: "seconds KiB" into $W/best; output of the last run in $W/out
measure() {
  local best=""
  for _ in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/out" 2>"$W/err" || { cat "$W/err" "$W/out"; exit 1; }
    if [ -z "$best" ] || [ "$(echo "$(cut -d' ' -f1 "$W/time") < $(echo "$best" | cut -d' ' -f1)" | bc)" = 1 ]; then
      best="$(cat "$W/time")"
    fi
  done
  echo "$best" > "$W/best"
}

BYTES=$(cat "${RESULTS[@]}" | wc -c)
cat "${RESULTS[@]}" > /dev/null   # warm the page cache: every tool reads from memory
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: ${#RESULTS[@]} results files, $(echo "$BYTES / 1000000000" | bc -l | xargs printf '%.2f') GB"

declare -A SECS MIB
measure sh -c 'cat "$@" > /dev/null' cat "${RESULTS[@]}"; read -r SECS[cat] k < "$W/best"; MIB[cat]=$((k / 1024))
measure wc -l "${RESULTS[@]}"; read -r SECS[wc] k < "$W/best"; MIB[wc]=$((k / 1024))
ROWS=$(( $(tail -1 "$W/out" | awk '{print $1}') - ${#RESULTS[@]} ))
ARGS=(); for f in "${RESULTS[@]}"; do ARGS+=(--results "$f"); done
measure "$BIN" identify "${ARGS[@]}" --context "$DATA/context.csv" "${CHECKLIST[@]}" --out "$W/run"
read -r SECS[opora] k < "$W/best"; MIB[opora]=$((k / 1024))
grep -E "^(ШНОР|Признаки)" "$W/out" | sed 's/^/  opora: /'
measure "$VENV/bin/python" "$W/duckdb_agg.py" "${RESULTS[@]}"
read -r SECS[duckdb] k < "$W/best"; MIB[duckdb]=$((k / 1024))
sed 's/^/  /' "$W/out"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
printf '%-58s %8s %12s %9s %10s\n' "" "seconds" "rows/s" "peak MiB" "opora / x"
row() { printf '%-58s %8.2f %12.0f %9d %10.2f\n' "$1" "${SECS[$2]}" "$(echo "$ROWS / ${SECS[$2]}" | bc -l)" "${MIB[$2]}" "$(echo "${SECS[opora]} / ${SECS[$2]}" | bc -l)"; }
row "(a) opora identify, whole run (files → all outputs)" opora
row "(b) DuckDB: per-(school, assessment) n, Σx, Σx² only" duckdb
row "(c) cat files > /dev/null" cat
row "(c) wc -l files" wc
echo "rows: $ROWS pupil results"
echo "goals: opora faster than DuckDB's aggregation (opora/DuckDB < 1): $(echo "${SECS[opora]} < ${SECS[duckdb]}" | bc | sed 's/1/met/;s/0/missed/');" \
     "within 3× of the plain read (opora/cat ≤ 3): $(echo "${SECS[opora]} <= 3 * ${SECS[cat]}" | bc | sed 's/1/met/;s/0/missed/')"

# (d) the demo region from the database (SQLite in a fresh data folder)
export OPORA_DATA="$W/db"; unset DATABASE_URL || true
"$BIN" demo >/dev/null 2>&1
measure "$BIN" identify --db
read -r s k < "$W/best"; echo; printf '%-58s %8.2f s %9d MiB\n' "(d) opora identify --db, demo region (SQLite)" "$s" "$((k / 1024))"
measure "$BIN" identify --db --out "$W/db-run"
read -r s k < "$W/best"; printf '%-58s %8.2f s %9d MiB\n' "(d) opora identify --db --out DIR, demo region (SQLite)" "$s" "$((k / 1024))"
