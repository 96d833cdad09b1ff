#!/usr/bin/env bash
# The web benchmark on a region of ~1,000 schools and ~3 million results
# (issue 4): the demo files are multiplied by big_region.py (4 copies of the
# region, every pupil row twice), imported into a fresh SQLite database with
# the release binary, then crates/web/bench/wrk.sh loads the pages.
#
#   cargo build --release -p opora
#   OPORA_BIN=target/release/opora crates/web/bench/big_region.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN="${OPORA_BIN:-${CARGO_TARGET_DIR:-target}/release/opora}"
# OPORA_BIG_DIR keeps the generated database between runs (built when missing).
if [ -n "${OPORA_BIG_DIR:-}" ]; then W="$OPORA_BIG_DIR"; mkdir -p "$W"; else W="$(mktemp -d /tmp/opora-big.XXXX)"; trap 'rm -rf "$W"' EXIT; fi
export OPORA_DATA="$W/db"
if [ ! -f "$W/db/ready" ]; then
rm -rf "$W/db" "$W/demo" "$W/big"
"$BIN" demo --out "$W/demo" >/dev/null
python3 crates/web/bench/big_region.py "$W/demo" "$W/big" 4 2
"$BIN" import schools "$W/big/schools.csv" >/dev/null
"$BIN" import scales "$W/big/scales.csv" >/dev/null
for f in "$W"/big/results_*.csv; do "$BIN" import results "$f" >/dev/null; done
"$BIN" import context "$W/big/context.csv" >/dev/null
"$BIN" import checklist "$W/big/checklist.csv" >/dev/null
touch "$W/db/ready"
fi
echo "database: $(du -sh "$W/db" | cut -f1)"
OPORA_BIN="$BIN" CARD="${CARD:-sch990001-3}" crates/web/bench/wrk.sh
