#!/usr/bin/env bash
# Kill tests with the figures of issue 17: a results import of 1,000,000
# rows killed (SIGKILL) at 20 random moments, and as many kills of a plan
# import and of the server saving an identification run, on SQLite and
# PostgreSQL, in release mode. Each part prints one line per backend
# starting with "KILL" (moments, state found after each kill, time of the
# run after them); the figures go to docs/benchmarks.md with the load average.
#
#   scripts/kill-test.sh                         # 1,000,000 rows, 20 kills
#   OPORA_KILL_ROWS=200000 OPORA_KILL_TIMES=5 scripts/kill-test.sh
#   OPORA_KILL_SEED=42 scripts/kill-test.sh      # replay a run's moments
#   OPORA_KILL_PROFILE=dev scripts/kill-test.sh  # the tests' build, no release build
#
# PostgreSQL: OPORA_TEST_DATABASE_URL (default the local test database);
# set it to an empty value to run on SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPORA_TEST_DATABASE_URL="${OPORA_TEST_DATABASE_URL-postgres://postgres@127.0.0.1:5432/test}"
export OPORA_KILL_ROWS="${OPORA_KILL_ROWS:-1000000}"
export OPORA_KILL_TIMES="${OPORA_KILL_TIMES:-20}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
started=$(date +%s)
# One test at a time: the moments are spread over a duration measured in the
# same conditions, which parallel tests would change.
log="$(mktemp -t kill-test.XXXXXX.log)"
set +e
profile=(--release)
[ "${OPORA_KILL_PROFILE:-release}" = dev ] && profile=()
cargo test "${profile[@]}" -p opora --test kill -- --nocapture --test-threads=1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "== summary (full output: $log)"
grep -E '^(KILL|kill moments|test result)' "$log" || true
echo "total: $(( $(date +%s) - started )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
